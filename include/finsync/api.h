/*
 * api.h - an authenticated JSON API: an http handle plus the OAuth token of
 * one endpoint of the job.  The access token is fetched on first use, kept
 * for the run, and refreshed once when the API answers 401.
 */
#ifndef FINSYNC_API_H
#define FINSYNC_API_H
#include <stdio.h>
#include <jansson.h>
#include "finsync/job.h"
#include "finsync/http.h"

struct api;

struct api_result {
	long status;  /* HTTP status */
	json_t *json; /* parsed body, NULL when empty or not JSON */
	char *text;   /* raw body when not JSON (truncated), else NULL */
	long date;    /* the server's Date header, seconds since 1970; 0 when absent */
};

/* clang-format off */
#define API_RESULT_INIT { 0, NULL, NULL, 0 }
/* clang-format on */

int api_new(struct api **out, const struct endpoint *ep, const char *label);
void api_free(struct api *a);

/*
 * Sends method url with body (may be NULL; borrowed) and extra headers.
 * Returns 0 with any HTTP status in res, FS_EABORT when the API could not be
 * reached or the token could not be had.
 */
int api_call(struct api *a, const char *method, const char *url, json_t *body, const char *const *headers,
	     struct api_result *res);
void api_result_release(struct api_result *res);
/*
 * A GET whose 200 answer is written to sink as it comes (a download: never
 * in memory); res->status says how it went, res->json holds an error's body.
 */
int api_download(struct api *a, const char *url, FILE *sink, struct api_result *res);

struct api_call {
	const char *method;
	const char *url;
	json_t *body;               /* borrowed; may be NULL */
	const char *const *headers; /* extra headers; may be NULL */
	struct api_result res;      /* out */
	int rc;                     /* out: 0, FS_EBUDGET (not sent, or answered code 45: the day's
				      * budget or quota is spent), FS_EABORT (no answer) */
	/*
	 * Optional: called with the final answer (not a 401, which is sent
	 * again with a fresh token, nor a 429) as soon as it is parsed, while
	 * the other calls are still out.  The call is then done: its rc stays
	 * 0 and taken is 1; res is the callback's to use and release.
	 */
	void (*on_result)(struct api_call *c, void *ud);
	void *result_ud;
	int taken;  /* out */
	FILE *sink; /* optional: a 200 answer's body goes here (http_response.sink) */
};

/*
 * Sends n calls with at most max_in_flight at once, each as api_call would.
 * Returns 0 with each call's own rc and result, or FS_EABORT when the token
 * could not be had (then every call's rc is that).
 */
int api_call_many(struct api *a, struct api_call *calls, size_t n, size_t max_in_flight);
long api_requests(const struct api *a);
/*
 * The calls left today: the job's daily_budget less the calls counted, or
 * the organisation's quota as its answers last said, the smaller; -1 when
 * neither is known (no budget, no answer yet).
 */
long api_budget_left(const struct api *a);

/*
 * Where the calls of the day are counted (the ledger's api_usage): get
 * returns the calls made today by key ("crm", "finance"), add records more.
 * Process-wide; with a store set, an endpoint's daily_budget is enforced:
 * api_call fails with FS_EBUDGET once it is spent.
 */
struct api_usage_store {
	int (*get)(void *ud, const char *key, long *calls);
	int (*add)(void *ud, const char *key, long calls);
	void *ud;
};
void api_set_usage_store(const struct api_usage_store *store);
long api_token_refreshes(const struct api *a);

#endif
