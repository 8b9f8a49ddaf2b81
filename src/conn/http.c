/*
 * http.c - libcurl easy handle per API, with the shared retry rules.
 *
 * Retried: 429 (after Retry-After, else capped exponential backoff with
 * jitter), 5xx and answers cut off mid-body, and connection failures.  A POST
 * is not retried after a 5xx or a cut-off answer: the server may have acted
 * on it, and the caller's identity checks (the CRM id on the finance record)
 * decide on the next run instead of a blind second create.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <curl/curl.h>
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/http.h"
#include "finsync/log.h"
#include "finsync/timeutil.h"

#define MAX_ATTEMPTS 6
#define BODY_MAX ((size_t)256 << 20)

struct http {
	CURL *curl;
	char *label;
	long sent;
	long pace;          /* requests per minute, 0 = unpaced */
	double *sent_at;    /* ring of the last `pace` send times (monotonic) */
	long ring_pos;
	long base_ms;       /* first backoff step */
	long cap_ms;        /* longest single wait */
};

static int curl_ready;

int http_new(struct http **out, const char *label)
{
	struct http *h = xcalloc(1, sizeof(*h));
	const char *base = getenv("FINSYNC_RETRY_BASE_MS");

	if (!curl_ready) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		curl_ready = 1;
	}
	h->curl = curl_easy_init();
	if (!h->curl) {
		xfree(h);
		return fail(FS_EABORT, "%s: cannot initialise libcurl", label);
	}
	h->label = xstrdup(label);
	h->base_ms = base ? strtol(base, NULL, 10) : 500;
	h->cap_ms = 60000;
	*out = h;
	return 0;
}

void http_free(struct http *h)
{
	if (!h)
		return;
	curl_easy_cleanup(h->curl);
	xfree(h->sent_at);
	xfree(h->label);
	xfree(h);
}

void http_set_pace(struct http *h, long per_minute)
{
	xfree(h->sent_at);
	h->sent_at = NULL;
	h->pace = per_minute > 0 ? per_minute : 0;
	h->ring_pos = 0;
	if (h->pace)
		h->sent_at = xcalloc((size_t)h->pace, sizeof(double));
}

static void sleep_ms(long ms);

/* Waits until sending one more keeps the last minute within the pace. */
static void pace_wait(struct http *h)
{
	double oldest, now = time_mono();

	if (!h->pace)
		return;
	oldest = h->sent_at[h->ring_pos];
	if (oldest > 0 && now - oldest < 60.0) {
		long ms = (long)((60.0 - (now - oldest)) * 1000.0) + 1;
		log_debug("%s: pacing at %ld requests a minute: waiting %ld ms", h->label, h->pace, ms);
		sleep_ms(ms);
	}
	h->sent_at[h->ring_pos] = time_mono();
	h->ring_pos = (h->ring_pos + 1) % h->pace;
}

long http_requests_sent(const struct http *h)
{
	return h->sent;
}

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
	struct http_response *resp = ud;

	return buf_add(&resp->body, p, size * n) ? 0 : size * n;
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
	struct http_response *resp = ud;
	size_t len = size * n;

	static const char retry[] = "Retry-After:", reset[] = "X-Rate-Limit-Reset:";
	size_t skip = 0;
	int is_reset = 0;

	if (len > sizeof(retry) - 1 && !strncasecmp(p, retry, sizeof(retry) - 1))
		skip = sizeof(retry) - 1;
	else if (len > sizeof(reset) - 1 && !strncasecmp(p, reset, sizeof(reset) - 1))
		skip = sizeof(reset) - 1, is_reset = 1;
	/* Retry-After wins; Zoho Books' X-Rate-Limit-Reset (seconds) is the fallback. */
	if (skip && (!is_reset || resp->retry_after < 0)) {
		char tmp[32];
		size_t k = len - skip < sizeof(tmp) - 1 ? len - skip : sizeof(tmp) - 1;
		memcpy(tmp, p + skip, k);
		tmp[k] = '\0';
		resp->retry_after = strtol(tmp, NULL, 10);
	}
	return len;
}

char *http_escape(const char *s)
{
	char *e = curl_easy_escape(NULL, s, 0);
	char *copy = xstrdup(e);

	curl_free(e);
	return copy;
}

static struct curl_slist *build_headers(const struct http_request *req)
{
	struct curl_slist *list = NULL;
	const char *const *h;

	/* libcurl adds "Expect: 100-continue" to large bodies; Zoho does not need it. */
	list = curl_slist_append(list, "Expect:");
	for (h = req->headers; h && *h; h++)
		list = curl_slist_append(list, *h);
	return list;
}

static CURLcode perform(struct http *h, const struct http_request *req, struct http_response *resp)
{
	struct curl_slist *headers = build_headers(req);
	CURLcode cc;

	pace_wait(h);
	curl_easy_reset(h->curl);
	curl_easy_setopt(h->curl, CURLOPT_URL, req->url);
	curl_easy_setopt(h->curl, CURLOPT_CUSTOMREQUEST, req->method);
	curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(h->curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h->curl, CURLOPT_WRITEDATA, resp);
	curl_easy_setopt(h->curl, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h->curl, CURLOPT_HEADERDATA, resp);
	curl_easy_setopt(h->curl, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(h->curl, CURLOPT_TIMEOUT, 120L);
	curl_easy_setopt(h->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h->curl, CURLOPT_USERAGENT, "finsync/0.1");
	if (req->body) {
		curl_easy_setopt(h->curl, CURLOPT_POSTFIELDS, req->body);
		curl_easy_setopt(h->curl, CURLOPT_POSTFIELDSIZE, (long)req->body_len);
	} else if (!strcmp(req->method, "POST") || !strcmp(req->method, "PUT")) {
		curl_easy_setopt(h->curl, CURLOPT_POSTFIELDS, "");
		curl_easy_setopt(h->curl, CURLOPT_POSTFIELDSIZE, 0L);
	} else if (!strcmp(req->method, "GET")) {
		curl_easy_setopt(h->curl, CURLOPT_HTTPGET, 1L);
	}
	cc = curl_easy_perform(h->curl);
	h->sent++;
	curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &resp->status);
	curl_slist_free_all(headers);
	return cc;
}

/* Nothing reached the server: always safe to send again. */
static int not_sent(CURLcode cc)
{
	return cc == CURLE_COULDNT_CONNECT || cc == CURLE_COULDNT_RESOLVE_HOST ||
	       cc == CURLE_OPERATION_TIMEDOUT;
}

static int should_retry(const struct http_request *req, CURLcode cc, const struct http_response *resp)
{
	int idempotent = strcmp(req->method, "POST") != 0;
	long status = resp->status;

	if (cc != CURLE_OK)
		return not_sent(cc) || idempotent;
	if (status == 429)
		return !req->final_429 || !req->final_429(resp);
	return status >= 500 && idempotent;
}

static long backoff_ms(const struct http *h, int attempt, long retry_after)
{
	long ms;

	if (retry_after >= 0)
		return retry_after * 1000 > h->cap_ms ? h->cap_ms : retry_after * 1000;
	ms = h->base_ms << (attempt < 10 ? attempt : 10);
	if (ms > h->cap_ms)
		ms = h->cap_ms;
	/* Full jitter keeps parallel runs from retrying in step. */
	return ms / 2 + (ms > 1 ? rand() % (ms / 2) : 0);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts))
		;
}

static const char *path_of(const char *url)
{
	const char *p = strstr(url, "://");

	p = p ? strchr(p + 3, '/') : NULL;
	return p ? p : url;
}

int http_do(struct http *h, const struct http_request *req, struct http_response *resp)
{
	CURLcode cc = CURLE_OK;
	int attempt;

	for (attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
		buf_reset(&resp->body);
		resp->body.max = BODY_MAX;
		resp->status = 0;
		resp->retry_after = -1;
		cc = perform(h, req, resp);
		if (!should_retry(req, cc, resp) || attempt == MAX_ATTEMPTS - 1)
			break;
		long wait = backoff_ms(h, attempt, resp->retry_after);
		/* The path only: a query string may carry an OAuth parameter. */
		char where[200];
		snprintf(where, sizeof(where), "%.*s", (int)strcspn(path_of(req->url), "?"), path_of(req->url));
		log_warn("%s: %s %s: %s; retrying in %ld ms", h->label, req->method, where,
			 cc != CURLE_OK ? curl_easy_strerror(cc) : resp->status == 429 ? "rate limited (429)" : "server error",
			 wait);
		sleep_ms(wait);
	}
	if (cc != CURLE_OK)
		return fail(FS_EABORT, "%s: %s: %s (after %d attempts)", h->label, req->method,
			    curl_easy_strerror(cc), attempt + 1);
	return 0;
}

void http_response_release(struct http_response *resp)
{
	buf_release(&resp->body);
}
