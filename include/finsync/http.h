/*
 * http.h - one libcurl handle per API, reused for keep-alive, and the retry
 * rules every call shares: 429 (Retry-After, else capped exponential backoff
 * with jitter), 5xx and cut-off responses are retried a bounded number of
 * times; what is left after that is returned to the caller as is.  No
 * message names a URL's query string.
 */
#ifndef FINSYNC_HTTP_H
#define FINSYNC_HTTP_H
#include <stddef.h>
#include <stdio.h>
#include "finsync/buf.h"

struct http;

struct http_response;

struct http_request {
	const char *method; /* "GET", "POST", "PUT", "DELETE" */
	const char *url;
	const char *const *headers; /* "Name: value", NULL-terminated; may be NULL */
	const char *body;           /* may be NULL */
	size_t body_len;
	/* A POST that may safely go twice (a token refresh); other POSTs never do. */
	int idempotent;
	/*
	 * Optional: 1 when an error answer (429 or 5xx) cannot be helped by
	 * waiting (a spent daily limit): it is not sent again.
	 */
	int (*final_answer)(const struct http_response *resp);
	/*
	 * Optional: called with the final answer as soon as it is in, while
	 * the other requests are still out (its work overlaps their wait).
	 */
	void (*on_answer)(struct http_response *resp, void *ud);
	void *answer_ud;
};

struct http_response {
	long status; /* 0 when no answer at all */
	struct buf body;
	long retry_after; /* seconds from Retry-After, -1 when absent */
	long date;        /* the server's clock (Date), seconds since 1970; 0 when absent */
	/*
	 * Zoho's finance apps: X-Rate-Limit-Remaining, the calls left of the
	 * organisation's day, and X-Rate-Limit-Reset, the seconds until the day
	 * starts again (the daily quota, not a wait); -1 when absent.
	 */
	long quota_remaining;
	long quota_reset;
	/*
	 * Optional, set by the caller: a 200 answer's body goes to this file
	 * (a download, written as it comes, never held in memory) instead of
	 * body; another answer (an error) still goes to body.  A retry starts
	 * the file again.
	 */
	FILE *sink;
	long status_seen; /* the status line's code, as soon as it is in */
};

/* clang-format off */
#define HTTP_RESPONSE_INIT { 0, BUF_INIT, -1, 0, -1, -1, NULL, 0 }
/* clang-format on */

int http_new(struct http **out, const char *label); /* label names the API in messages */
void http_free(struct http *h);
/*
 * 0 with resp filled (any status), FS_EABORT when no answer after retries,
 * FS_EUNSURE when a POST went out and no answer came back (a timeout, a cut
 * connection): it is not sent again, since the server may have acted on it.
 */
int http_do(struct http *h, const struct http_request *req, struct http_response *resp);

/*
 * Sends n requests with at most max_in_flight at once (each with the retry
 * rules above and the pace).  rcs[i] is 0 when resps[i] holds an answer,
 * FS_EABORT when there was none after retries.  Returns 0, or FS_EABORT when
 * libcurl itself failed.
 */
int http_do_many(struct http *h, const struct http_request *reqs, struct http_response *resps, int *rcs, size_t n,
		 size_t max_in_flight);
void http_response_release(struct http_response *resp);
/*
 * Paces requests: at most per_minute in any 60 seconds (0: no pacing), so
 * an API's per-minute limit is never hit rather than hit and retried.  Each
 * request holds its place until a minute after its answer came, so a
 * server window that began with a request slow on the way is not crossed.
 */
void http_set_pace(struct http *h, long per_minute);

/* URL-encodes s; caller frees with xfree. */
char *http_escape(const char *s);
/* Requests sent, for the summary and tests. */
long http_requests_sent(const struct http *h);

#endif
