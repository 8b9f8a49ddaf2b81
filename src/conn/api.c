/*
 * api.c - an authenticated JSON API: OAuth refresh-token flow (Zoho
 * accounts server) plus the http retry rules.
 *
 * The access token is fetched on first use and kept for the run; a 401
 * answer refreshes it once and the call is sent again.  The secrets go in
 * the token request's form body, never in its URL (a proxy or a server log
 * keeps URLs; a failed request's message names one), and are never logged.
 * A token the endpoint answers is used only when it is made of token
 * characters: a CR LF in it would start a header of its own.
 *
 * Error codes are read from the parsed answer, never matched as text.  The
 * finance apps' X-Rate-Limit-Remaining (the organisation's calls left today)
 * is followed: a round of calls it cannot cover is not sent (FS_EBUDGET),
 * so a run stops before the daily wall instead of at it.
 */
#include <string.h>
#include <time.h>
#include "finsync/alloc.h"
#include "finsync/api.h"
#include "finsync/err.h"
#include "finsync/log.h"
#include "finsync/ndjson.h"
#include "finsync/safe.h"
#include "finsync/timeutil.h"
#include "finsync/tokencache.h"

#define MAX_HEADERS 16
#define TEXT_EXCERPT 300

struct api {
	struct http *http;
	const struct endpoint *ep;
	char *label;
	char *auth_header; /* "Authorization: Zoho-oauthtoken …" */
	time_t expires_at;
	long refreshes;
	long used_today;     /* calls counted against the daily budget, -1 until read */
	struct quota *quota; /* the endpoint's, shared by every api of it in the process */
	long quota_seen;     /* the smallest remainder the round's answers carried, -1 none */
	/* The refresh count's key in the token cache: "refresh:" and a fingerprint of the refresh token. */
	char throttle_key[sizeof("refresh:") + SECRET_FINGERPRINT_LEN];
};

static struct api_usage_store usage_store;

/*
 * An endpoint's daily quota as its answers last said (X-Rate-Limit-Remaining
 * and -Reset), kept for the process: each stage opens its own api, and the
 * quota is the organisation's, not the stage's.
 */
struct quota {
	char key[32]; /* the endpoint's token_key (or label); "" free */
	long left;    /* calls left today, -1 until an answer said */
	long reset;   /* seconds to the new day when it said, -1 unknown */
};

static struct quota quotas[4];

static struct quota *quota_for(const char *key)
{
	size_t i;

	for (i = 0; i < sizeof(quotas) / sizeof(quotas[0]) - 1 && quotas[i].key[0]; i++)
		if (!strncmp(quotas[i].key, key, sizeof(quotas[i].key) - 1))
			return &quotas[i];
	if (!quotas[i].key[0]) {
		snprintf(quotas[i].key, sizeof(quotas[i].key), "%s", key);
		quotas[i].left = quotas[i].reset = -1;
	}
	return &quotas[i];
}

void api_set_usage_store(const struct api_usage_store *store)
{
	if (store)
		usage_store = *store;
	else
		memset(&usage_store, 0, sizeof(usage_store));
}

int api_new(struct api **out, const struct endpoint *ep, const char *label)
{
	struct api *a = xcalloc(1, sizeof(*a));
	int rc;

	*out = NULL;
	a->ep = ep;
	a->label = xstrdup(label);
	a->used_today = -1;
	a->quota = quota_for(ep->token_key ? ep->token_key : a->label);
	a->quota_seen = -1;
	if (ep->refresh_token) {
		char fp[SECRET_FINGERPRINT_LEN];
		secret_fingerprint(ep->refresh_token, fp);
		snprintf(a->throttle_key, sizeof(a->throttle_key), "refresh:%s", fp);
	}
	if ((rc = http_new(&a->http, label))) {
		api_free(a);
		return rc;
	}
	http_set_pace(a->http, ep->requests_per_minute);
	*out = a;
	return 0;
}

static void forget_token(struct api *a)
{
	if (a->auth_header)
		memset(a->auth_header, 0, strlen(a->auth_header));
	xfree(a->auth_header);
	a->auth_header = NULL;
}

void api_free(struct api *a)
{
	if (!a)
		return;
	forget_token(a);
	http_free(a->http);
	xfree(a->label);
	xfree(a);
}

long api_budget_left(const struct api *a)
{
	long left = -1;

	if (a->ep->daily_budget && a->used_today >= 0)
		left = a->ep->daily_budget > a->used_today ? a->ep->daily_budget - a->used_today : 0;
	if (a->quota->left >= 0 && (left < 0 || a->quota->left < left))
		left = a->quota->left;
	return left;
}

long api_requests(const struct api *a)
{
	return http_requests_sent(a->http);
}

long api_token_refreshes(const struct api *a)
{
	return a->refreshes;
}

/* The refresh grant, form-encoded for the request body (RFC 6749 §6): the caller wipes and frees it. */
static char *token_form(const struct api *a)
{
	char *id = http_escape(a->ep->client_id);
	char *secret = http_escape(a->ep->client_secret);
	char *refresh = http_escape(a->ep->refresh_token);
	char *form = xasprintf("grant_type=refresh_token&client_id=%s&client_secret=%s&refresh_token=%s", id, secret,
			       refresh);

	memset(secret, 0, strlen(secret));
	memset(refresh, 0, strlen(refresh));
	xfree(id);
	xfree(secret);
	xfree(refresh);
	return form;
}

static const char *explain_token_error(const char *error)
{
	if (!strcmp(error, "invalid_code"))
		return "the refresh token is invalid, expired or revoked";
	if (!strcmp(error, "invalid_client"))
		return "the client id is unknown (or belongs to another data centre)";
	if (!strcmp(error, "invalid_client_secret"))
		return "the client secret is wrong";
	if (!strcmp(error, "Access Denied"))
		return "the token endpoint refuses refreshes (more than 10 in 10 minutes); retry in 10 minutes";
	return "refused";
}

static void use_token(struct api *a, const char *token, time_t expires_at)
{
	forget_token(a);
	a->auth_header = xasprintf("Authorization: Zoho-oauthtoken %s", token);
	a->expires_at = expires_at;
}

static int take_token(struct api *a, json_t *body, long status)
{
	const char *token = json_string_value(json_object_get(body, "access_token"));
	const char *error = json_string_value(json_object_get(body, "error"));
	json_int_t expires = json_integer_value(json_object_get(body, "expires_in"));

	if (!token || !*token) {
		return fail(FS_EABORT, "%s: token refresh at %s failed (HTTP %ld): %s%s%s", a->label,
			    a->ep->accounts_url, status,
			    error && header_value_ok(error) ? error : "no access_token in the answer",
			    error ? ": " : "", error ? explain_token_error(error) : "");
	}
	if (!access_token_ok(token))
		return fail(FS_EABORT,
			    "%s: token refresh at %s: the answer's access_token has characters a token "
			    "cannot have (a line break, a space or a control character); it is not used",
			    a->label, a->ep->accounts_url);
	/* Renew a minute early rather than send a request with a dying token. */
	use_token(a, token, time(NULL) + (expires > 120 ? expires - 60 : 60));
	if (a->ep->token_cache)
		return tokencache_put(a->ep->token_cache, a->ep->token_key, a->throttle_key, a->ep->client_id, token,
				      a->expires_at, time(NULL));
	return 0;
}

/*
 * Zoho blocks a refresh token after 10 refreshes in 10 minutes: stop short
 * of it.  Counted per refresh token, so endpoints that share one share the count.
 */
static int refresh_allowed(struct api *a)
{
	char oldest_text[ISO_TIME_LEN], retry_text[ISO_TIME_LEN];
	time_t now = time(NULL), oldest;
	int n;

	if (!a->ep->token_cache)
		return 0;
	n = tokencache_recent_refreshes(a->ep->token_cache, a->throttle_key, now, &oldest);
	if (n < TOKEN_REFRESH_MAX)
		return 0;
	time_iso_utc(oldest, oldest_text);
	time_iso_utc(oldest + TOKEN_REFRESH_WINDOW, retry_text);
	return fail(FS_EABORT,
		    "%s: %d token refreshes since %s; Zoho allows %d in %d minutes, "
		    "so finsync stops here; retry after %s",
		    a->label, n, oldest_text, TOKEN_REFRESH_MAX, TOKEN_REFRESH_WINDOW / 60, retry_text);
}

static int refresh_token(struct api *a)
{
	static const char *const form_header[] = { "Content-Type: application/x-www-form-urlencoded", NULL };
	/* Asking for a token twice is harmless: a dropped request is sent again. */
	struct http_request req = { .method = "POST", .idempotent = 1, .headers = form_header };
	struct http_response resp = HTTP_RESPONSE_INIT;
	json_t *body = NULL;
	char *url, *form;
	int rc;

	if ((rc = refresh_allowed(a)))
		return rc;
	url = xasprintf("%s/oauth/v2/token", a->ep->accounts_url);
	form = token_form(a);
	req.url = url;
	req.body = form;
	req.body_len = strlen(form);
	rc = http_do(a->http, &req, &resp);
	memset(form, 0, strlen(form));
	xfree(form);
	xfree(url);
	a->refreshes++;
	if (!rc) {
		body = json_loadb(buf_str(&resp.body), resp.body.len, 0, NULL);
		rc = take_token(a, body, resp.status);
	}
	if (rc)
		fail_prefix(rc, "cannot authenticate");
	else
		log_debug("%s: access token refreshed", a->label);
	json_decref(body);
	http_response_release(&resp);
	return rc;
}

static int ensure_token(struct api *a)
{
	time_t now = time(NULL), expires;
	char *token = NULL;

	if (a->auth_header && now < a->expires_at)
		return 0;
	if (a->ep->token_cache &&
	    tokencache_get(a->ep->token_cache, a->ep->token_key, a->ep->client_id, now, &token, &expires)) {
		/* A cache edited by hand is an answer like any other: an unsafe token is not used. */
		int usable = access_token_ok(token);
		if (usable)
			use_token(a, token, expires);
		memset(token, 0, strlen(token));
		xfree(token);
		if (usable)
			return 0;
	}
	return refresh_token(a);
}

static void parse_result(struct http_response *resp, struct api_result *res)
{
	const char *s = buf_str(&resp->body);

	res->status = resp->status;
	res->date = resp->date;
	res->json = NULL;
	res->text = NULL;
	while (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t')
		s++;
	if (*s == '{' || *s == '[')
		res->json = ndjson_parse(buf_str(&resp->body), resp->body.len, 0, NULL);
	if (!res->json && resp->body.len)
		res->text = xstrndup(buf_str(&resp->body),
				     resp->body.len < TEXT_EXCERPT ? resp->body.len : TEXT_EXCERPT);
}

/*
 * Zoho's finance apps answer a spent daily limit with code 45 in the body
 * (HTTP 429; one report says 500), or a 429 once X-Rate-Limit-Remaining is
 * 0: waiting will not help.  The code is read from the parsed body.
 */
static int daily_limit_answer(const struct http_response *resp)
{
	json_t *body;
	int spent;

	if (resp->status < 400)
		return 0;
	if (resp->status == 429 && resp->quota_remaining == 0)
		return 1;
	body = ndjson_parse(buf_str(&resp->body), resp->body.len, 0, NULL);
	spent = json_integer_value(json_object_get(body, "code")) == 45;
	json_decref(body);
	return spent;
}

/* "; it starts again in 9 h 41 min" when the answer said, else "". */
static void quota_resets_in(long seconds, char *out, size_t size)
{
	if (seconds < 0)
		snprintf(out, size, "%s", "");
	else
		snprintf(out, size, "; it starts again in %ld h %ld min", seconds / 3600, seconds % 3600 / 60);
}

/*
 * FS_EBUDGET when the finance app's daily quota (X-Rate-Limit-Remaining of
 * the latest answers) cannot cover the want calls about to go: none goes,
 * so the run stops before the wall, not at it.
 */
static int check_quota(struct api *a, size_t want)
{
	char resets[64];

	if (a->quota->left < 0 || (size_t)a->quota->left >= want)
		return 0;
	quota_resets_in(a->quota->reset, resets, sizeof(resets));
	return fail(FS_EBUDGET,
		    "%s: the organisation's daily API quota has %ld calls left (X-Rate-Limit-Remaining), "
		    "fewer than the %zu this batch needs%s",
		    a->label, a->quota->left, want, resets);
}

/* The freshest quota the answers carry: the smallest remainder (they ran side by side). */
static void note_quota(struct api *a, const struct http_response *resp)
{
	if (resp->quota_remaining < 0)
		return;
	if (a->quota_seen < 0 || resp->quota_remaining < a->quota_seen) {
		a->quota_seen = resp->quota_remaining;
		a->quota->reset = resp->quota_reset;
	}
}

/* FS_EBUDGET once the endpoint's daily budget is spent. */
static int check_budget(struct api *a)
{
	const char *key = a->ep->token_key ? a->ep->token_key : a->label;

	if (!a->ep->daily_budget || !usage_store.get)
		return 0;
	if (a->used_today < 0 && usage_store.get(usage_store.ud, key, &a->used_today))
		return FS_EABORT;
	if (a->used_today < a->ep->daily_budget)
		return 0;
	return fail(FS_EBUDGET, "%s: the daily budget of %ld calls (%s.daily_budget) is spent for today (UTC)",
		    a->label, a->ep->daily_budget, key);
}

static int count_calls(struct api *a, long calls)
{
	const char *key = a->ep->token_key ? a->ep->token_key : a->label;

	if (a->used_today >= 0)
		a->used_today += calls;
	return usage_store.add && calls ? usage_store.add(usage_store.ud, key, calls) : 0;
}

/*
 * One round of sending: each pending call gets its headers, the budget is
 * checked call by call (a call past it ends with FS_EBUDGET, unsent), and
 * what may go is sent with at most max_in_flight at once.
 */
struct pending {
	struct http_request req;
	struct http_response resp;
	const char *headers[MAX_HEADERS + 3];
	char *body;
	int rc;
	int sent;
	int parsed; /* res holds the parsed answer */
	struct api_call *call;
};

/* An answer other than 401 (sent again) is parsed while the others are still out. */
static void parse_early(struct http_response *resp, void *ud)
{
	struct pending *pd = ud;

	if (resp->status == 401 || pd->parsed)
		return;
	parse_result(resp, &pd->call->res);
	pd->parsed = 1;
	if (pd->call->on_result && resp->status != 429 && !daily_limit_answer(resp)) {
		pd->call->taken = 1;
		pd->call->on_result(pd->call, pd->call->result_ud);
	}
}

static void prepare(struct api *a, struct pending *pd, struct api_call *c)
{
	size_t n = 0;
	const char *const *h;

	pd->headers[n++] = a->auth_header;
	if (pd->body)
		pd->headers[n++] = "Content-Type: application/json";
	for (h = c->headers; h && *h && n < MAX_HEADERS + 2; h++)
		pd->headers[n++] = *h;
	pd->headers[n] = NULL;
	pd->req.method = c->method;
	pd->req.url = c->url;
	pd->req.headers = pd->headers;
	pd->req.body = pd->body;
	pd->req.body_len = pd->body ? strlen(pd->body) : 0;
	pd->req.final_answer = daily_limit_answer;
	pd->req.on_answer = parse_early;
	pd->req.answer_ud = pd;
	pd->call = c;
}

static int send_round(struct api *a, struct api_call *calls, struct pending *pd, size_t n, size_t max_in_flight)
{
	struct http_request *reqs = xcalloc(n ? n : 1, sizeof(*reqs));
	struct http_response *resps = xcalloc(n ? n : 1, sizeof(*resps));
	int *rcs = xcalloc(n ? n : 1, sizeof(*rcs));
	size_t *index = xcalloc(n ? n : 1, sizeof(*index));
	long before = http_requests_sent(a->http);
	size_t i, k = 0;
	int rc = 0, quota_rc;

	for (i = 0; i < n; i++) {
		if (pd[i].sent)
			continue;
		prepare(a, &pd[i], &calls[i]);
		if ((pd[i].rc = check_budget(a)) != 0)
			continue;
		if (a->used_today >= 0)
			a->used_today++; /* reserve: the round's calls count before they go */
		reqs[k] = pd[i].req;
		resps[k] = pd[i].resp;
		index[k++] = i;
	}
	if (a->used_today >= 0)
		a->used_today -= (long)k;
	if (k && (quota_rc = check_quota(a, k)) != 0) {
		for (i = 0; i < k; i++)
			pd[index[i]].rc = quota_rc;
		k = 0;
	}
	a->quota_seen = -1;
	rc = http_do_many(a->http, reqs, resps, rcs, k, max_in_flight);
	for (i = 0; i < k; i++) {
		struct pending *p = &pd[index[i]];
		char resets[64];
		p->resp = resps[i];
		p->rc = rcs[i];
		p->sent = 1;
		note_quota(a, &p->resp);
		if (p->rc || !daily_limit_answer(&p->resp))
			continue;
		quota_resets_in(p->resp.quota_reset, resets, sizeof(resets));
		p->rc = fail(FS_EBUDGET, "%s: the organisation's daily API limit is reached (HTTP %ld, code 45)%s",
			     a->label, p->resp.status, resets);
	}
	if (a->quota_seen >= 0)
		a->quota->left = a->quota_seen;
	else if (a->quota->left >= 0)
		a->quota->left = a->quota->left > (long)k ? a->quota->left - (long)k : 0;
	count_calls(a, http_requests_sent(a->http) - before);
	xfree(reqs);
	xfree(resps);
	xfree(rcs);
	xfree(index);
	return rc;
}

/* Calls answered 401 go again with a fresh token, once. */
static int resend_unauthorised(struct api *a, struct api_call *calls, struct pending *pd, size_t n,
			       size_t max_in_flight)
{
	size_t i, again = 0;
	int rc;

	for (i = 0; i < n; i++)
		if (pd[i].sent && !pd[i].rc && pd[i].resp.status == 401)
			again++;
	if (!again)
		return 0;
	/* Expired early or revoked: one fresh token, one more try. */
	if (a->ep->token_cache)
		tokencache_drop(a->ep->token_cache, a->ep->token_key);
	if ((rc = refresh_token(a)))
		return rc;
	for (i = 0; i < n; i++) {
		if (pd[i].sent && !pd[i].rc && pd[i].resp.status == 401) {
			http_response_release(&pd[i].resp);
			pd[i].resp = (struct http_response)HTTP_RESPONSE_INIT;
			pd[i].resp.sink = calls[i].sink;
			pd[i].sent = 0;
		}
	}
	return send_round(a, calls, pd, n, max_in_flight);
}

int api_call_many(struct api *a, struct api_call *calls, size_t n, size_t max_in_flight)
{
	struct pending *pd = xcalloc(n ? n : 1, sizeof(*pd));
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		memset(&calls[i].res, 0, sizeof(calls[i].res));
		calls[i].taken = 0;
		pd[i].body = calls[i].body ? ndjson_dumps(calls[i].body, JSON_COMPACT) : NULL;
		pd[i].resp = (struct http_response)HTTP_RESPONSE_INIT;
		pd[i].resp.sink = calls[i].sink;
	}
	if (!(rc = ensure_token(a)) && !(rc = send_round(a, calls, pd, n, max_in_flight)))
		rc = resend_unauthorised(a, calls, pd, n, max_in_flight);
	for (i = 0; i < n; i++) {
		calls[i].rc = calls[i].taken ? 0 : rc ? rc : pd[i].rc;
		if (calls[i].taken)
			; /* the callback had it */
		else if (calls[i].rc && pd[i].parsed)
			api_result_release(&calls[i].res);
		else if (!calls[i].rc && !pd[i].parsed)
			parse_result(&pd[i].resp, &calls[i].res);
		http_response_release(&pd[i].resp);
		xfree(pd[i].body);
	}
	xfree(pd);
	return rc;
}

int api_call(struct api *a, const char *method, const char *url, json_t *body, const char *const *headers,
	     struct api_result *res)
{
	struct api_call c = { .method = method, .url = url, .body = body, .headers = headers, .res = API_RESULT_INIT };
	int rc = api_call_many(a, &c, 1, 1);

	*res = c.res;
	return rc ? rc : c.rc;
}

int api_download(struct api *a, const char *url, FILE *sink, struct api_result *res)
{
	struct api_call c = { .method = "GET", .url = url, .res = API_RESULT_INIT, .sink = sink };
	int rc = api_call_many(a, &c, 1, 1);

	*res = c.res;
	return rc ? rc : c.rc;
}

void api_result_release(struct api_result *res)
{
	json_decref(res->json);
	xfree(res->text);
	res->json = NULL;
	res->text = NULL;
}
