/*
 * http.c - libcurl (multi interface) per API, with the retry rules every
 * request shares and a bounded number of requests in flight.
 *
 * Retried: 429 (after Retry-After, else capped exponential backoff with
 * jitter), 5xx and answers cut off mid-body, and connection failures; not
 * an answer the caller calls final (a spent daily limit).  A POST is not
 * retried once it went out and no answer (or a 5xx) came back, whether the
 * connection was cut or the answer took longer than the timeout: the
 * server may have acted on it.  The caller gets FS_EUNSURE and looks the
 * record up before any second create.  A token request is the exception
 * (marked idempotent): asking twice is harmless.  One request is the
 * one-element case of many: there is one path through this file.  Messages
 * name a URL by its path only: a query string may carry a parameter that
 * is nobody's business.
 */
#include <errno.h>
#include <signal.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <curl/curl.h>
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/http.h"
#include "finsync/interrupt.h"
#include "finsync/log.h"
#include "finsync/timeutil.h"

#define MAX_ATTEMPTS 6
#define BODY_MAX ((size_t)256 << 20)

struct http {
	CURLM *multi;
	CURL **easy; /* one handle per slot in flight, reused */
	size_t nslots;
	char *label;
	long sent;
	long base_ms;    /* first backoff step */
	long cap_ms;     /* longest single wait */
	long pace;       /* requests per minute, 0 = unpaced */
	double *sent_at; /* ring of the last `pace` send times (monotonic) */
	long ring_pos;
};

/* One request of a batch: where it stands. */
struct item {
	const struct http_request *req;
	struct http_response *resp;
	struct curl_slist *headers;
	CURL *easy; /* while in flight */
	int attempt;
	int done;
	double not_before; /* monotonic time of the next attempt */
	CURLcode cc;
	int went_out;   /* the last failed attempt reached the server */
	int stopped;    /* the run was interrupted: 1 before it was sent, 2 cut in flight */
	long pace_slot; /* its entry in the pace ring, and the time put there */
	double pace_time;
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
	h->multi = curl_multi_init();
	if (!h->multi) {
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
	size_t i;

	if (!h)
		return;
	for (i = 0; i < h->nslots; i++)
		curl_easy_cleanup(h->easy[i]);
	xfree(h->easy);
	curl_multi_cleanup(h->multi);
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

long http_requests_sent(const struct http *h)
{
	return h->sent;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts))
		;
}

/* 0 when one more request now keeps the last minute within the pace, else the ms to wait. */
static long pace_delay_ms(const struct http *h)
{
	double oldest, now = time_mono();

	if (!h->pace)
		return 0;
	oldest = h->sent_at[h->ring_pos];
	if (oldest > 0 && now - oldest < 60.0)
		return (long)((60.0 - (now - oldest)) * 1000.0) + 1;
	return 0;
}

static void pace_note(struct http *h, struct item *it)
{
	if (!h->pace)
		return;
	it->pace_slot = h->ring_pos;
	it->pace_time = h->sent_at[h->ring_pos] = time_mono();
	h->ring_pos = (h->ring_pos + 1) % h->pace;
}

/*
 * The server counted the request before it answered: from the answer on, a
 * minute later is surely past the server's window, whatever the request's
 * time on the way (a window that began with a late request is not crossed).
 */
static void pace_answered(struct http *h, struct item *it)
{
	if (h->pace && h->sent_at[it->pace_slot] == it->pace_time)
		h->sent_at[it->pace_slot] = time_mono();
}

/* What went wrong, in words: the only write error is an answer over BODY_MAX (on_body). */
static const char *transport_error(CURLcode cc)
{
	return cc == CURLE_WRITE_ERROR
		       ? "the answer is larger than 256 MiB (more than finsync reads), or its download file could not be written"
		       : curl_easy_strerror(cc);
}

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
	struct http_response *resp = ud;

	if (resp->sink && resp->status_seen == 200)
		return fwrite(p, 1, size * n, resp->sink);
	return buf_add(&resp->body, p, size * n) ? 0 : size * n;
}

/* "HTTP/1.1 200 OK": the code, so that on_body knows where a download's bytes go. */
static void read_status_line(struct http_response *resp, const char *p, size_t len)
{
	char tmp[32];
	size_t k = len < sizeof(tmp) - 1 ? len : sizeof(tmp) - 1;
	const char *sp;

	if (len < 5 || strncmp(p, "HTTP/", 5))
		return;
	memcpy(tmp, p, k);
	tmp[k] = '\0';
	sp = strchr(tmp, ' ');
	resp->status_seen = sp ? strtol(sp + 1, NULL, 10) : 0;
}

/* The Date header: the server's clock, which its own timestamps (Modified_Time) follow. */
static void read_date(struct http_response *resp, const char *p, size_t len)
{
	static const char date[] = "Date:";
	char tmp[64];
	size_t k;
	time_t t;

	if (len <= sizeof(date) - 1 || strncasecmp(p, date, sizeof(date) - 1))
		return;
	k = len - (sizeof(date) - 1) < sizeof(tmp) - 1 ? len - (sizeof(date) - 1) : sizeof(tmp) - 1;
	memcpy(tmp, p + sizeof(date) - 1, k);
	tmp[k] = '\0';
	t = curl_getdate(tmp, NULL);
	resp->date = t > 0 ? (long)t : 0;
}

/* The number after "Name:" when the header line p is that header, else -1. */
static long header_number(const char *p, size_t len, const char *name)
{
	size_t skip = strlen(name);
	char tmp[32];
	size_t k;

	if (len <= skip || strncasecmp(p, name, skip))
		return -1;
	k = len - skip < sizeof(tmp) - 1 ? len - skip : sizeof(tmp) - 1;
	memcpy(tmp, p + skip, k);
	tmp[k] = '\0';
	return strtol(tmp, NULL, 10) < 0 ? -1 : strtol(tmp, NULL, 10);
}

/*
 * Retry-After is a wait.  Zoho's finance apps send X-Rate-Limit-Remaining
 * and -Reset for the organisation's daily quota (Reset: seconds to the new
 * day), so they are kept apart and never taken for a wait.
 */
static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
	struct http_response *resp = ud;
	size_t len = size * n;
	long v;

	read_date(resp, p, len);
	read_status_line(resp, p, len);
	if ((v = header_number(p, len, "Retry-After:")) >= 0)
		resp->retry_after = v;
	else if ((v = header_number(p, len, "X-Rate-Limit-Remaining:")) >= 0)
		resp->quota_remaining = v;
	else if ((v = header_number(p, len, "X-Rate-Limit-Reset:")) >= 0)
		resp->quota_reset = v;
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

/*
 * A whole transfer's limit: 120 s.  FINSYNC_HTTP_TIMEOUT_MS shortens it for
 * the tests of an answer that comes too late (test-only, like
 * FINSYNC_TEST_KILL), so they need not wait two minutes.
 */
static long transfer_timeout_ms(void)
{
	const char *v = getenv("FINSYNC_HTTP_TIMEOUT_MS");
	long ms = v ? strtol(v, NULL, 10) : 0;

	return ms > 0 ? ms : 120000L;
}

static int is_idempotent(const struct http_request *req);

static void setup_easy(CURL *e, struct item *it)
{
	const struct http_request *req = it->req;

	curl_easy_reset(e);
	curl_easy_setopt(e, CURLOPT_URL, req->url);
	curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, req->method);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, it->headers);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, it->resp);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, it->resp);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, transfer_timeout_ms());
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "finsync/0.1");
	curl_easy_setopt(e, CURLOPT_PRIVATE, it);
	/*
	 * libcurl sends a request again by itself when a reused connection
	 * closes before any answer byte: right for a connection the server had
	 * dropped while idle, a second document when it had acted first.  A
	 * POST that may not go twice takes a connection of its own, so a lost
	 * answer reaches the caller as FS_EUNSURE instead.
	 */
	if (!is_idempotent(req))
		curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
	if (req->body) {
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, req->body);
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)req->body_len);
	} else if (!strcmp(req->method, "POST") || !strcmp(req->method, "PUT")) {
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, "");
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, 0L);
	} else if (!strcmp(req->method, "GET")) {
		curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
	}
}

/*
 * FINSYNC_TEST_KILL=before:N|after:N kills the process with SIGKILL just
 * before the Nth record write (a POST/PUT with a body) is sent, or just after its
 * answer arrived and before anything is recorded: the crash tests use it to
 * stop at exact points.  Test-only; unset, it costs one getenv per write.
 */
static void test_kill_point(const char *when, long n)
{
	const char *spec = getenv("FINSYNC_TEST_KILL");
	size_t len = strlen(when);

	if (spec && !strncmp(spec, when, len) && spec[len] == ':' && strtol(spec + len + 1, NULL, 10) == n)
		raise(SIGKILL);
}

static long writes_started, writes_answered;

/* A record write: a body sent with POST/PUT (not a token request, which may go twice). */
static int is_write(const struct http_request *req)
{
	return req->body && !req->idempotent && strcmp(req->method, "GET") != 0;
}

static CURL *free_slot(struct http *h)
{
	size_t i;

	for (i = 0; i < h->nslots; i++) {
		char *busy = NULL;
		curl_easy_getinfo(h->easy[i], CURLINFO_PRIVATE, &busy);
		if (!busy)
			return h->easy[i];
	}
	h->easy = xrealloc(h->easy, (h->nslots + 1) * sizeof(*h->easy));
	h->easy[h->nslots] = curl_easy_init();
	return h->easy[h->nslots++];
}

static int start(struct http *h, struct item *it)
{
	CURL *e = free_slot(h);

	if (!e)
		return fail(FS_EABORT, "%s: cannot initialise libcurl", h->label);
	if (is_write(it->req) && it->attempt == 0)
		test_kill_point("before", ++writes_started);
	buf_reset(&it->resp->body);
	it->resp->body.max = BODY_MAX;
	it->resp->status_seen = 0;
	if (it->resp->sink) {
		/* A retry writes the download again from its start. */
		rewind(it->resp->sink);
		if (ftruncate(fileno(it->resp->sink), 0))
			return fail(FS_EABORT, "%s: cannot empty the download file: %s", h->label, strerror(errno));
	}
	it->resp->status = 0;
	it->resp->retry_after = -1;
	it->resp->date = 0;
	it->resp->quota_remaining = -1;
	it->resp->quota_reset = -1;
	it->headers = build_headers(it->req);
	setup_easy(e, it);
	it->easy = e;
	pace_note(h, it);
	h->sent++;
	curl_multi_add_handle(h->multi, e);
	return 0;
}

/*
 * Nothing reached the server: always safe to send again.  A timeout is
 * only that when not one byte of the request went out (a connect timeout);
 * a request answered after the timeout was read by the server all the same.
 */
static int not_sent(CURLcode cc, long request_bytes)
{
	return cc == CURLE_COULDNT_CONNECT || cc == CURLE_COULDNT_RESOLVE_HOST || request_bytes == 0;
}

static int is_idempotent(const struct http_request *req)
{
	return req->idempotent || strcmp(req->method, "POST") != 0;
}

static int should_retry(const struct http_request *req, CURLcode cc, const struct http_response *resp,
			long request_bytes)
{
	int idempotent = is_idempotent(req);

	if (cc != CURLE_OK)
		return not_sent(cc, request_bytes) || idempotent;
	if (resp->status != 429 && (resp->status < 500 || !idempotent))
		return 0;
	return !req->final_answer || !req->final_answer(resp);
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

/* The URL's path without its query string, which may carry an OAuth parameter. */
static void path_of(const char *url, char *out, size_t size)
{
	const char *p = strstr(url, "://");

	p = p ? strchr(p + 3, '/') : NULL;
	p = p ? p : url;
	snprintf(out, size, "%.*s", (int)strcspn(p, "?"), p);
}

static void release_easy(struct http *h, struct item *it)
{
	curl_multi_remove_handle(h->multi, it->easy);
	curl_easy_setopt(it->easy, CURLOPT_PRIVATE, NULL);
	curl_slist_free_all(it->headers);
	it->headers = NULL;
	it->easy = NULL;
}

/* An answer (or a failure) came for it: done, or scheduled again. */
static void finish(struct http *h, struct item *it, CURLcode cc)
{
	long wait;
	char where[200];

	long request_bytes = 0;

	curl_easy_getinfo(it->easy, CURLINFO_RESPONSE_CODE, &it->resp->status);
	curl_easy_getinfo(it->easy, CURLINFO_REQUEST_SIZE, &request_bytes);
	release_easy(h, it);
	pace_answered(h, it);
	it->cc = cc;
	it->went_out = cc != CURLE_OK && !not_sent(cc, request_bytes);
	if (!should_retry(it->req, cc, it->resp, request_bytes) || it->attempt == MAX_ATTEMPTS - 1) {
		it->done = 1;
		if (cc == CURLE_OK && is_write(it->req))
			test_kill_point("after", ++writes_answered);
		if (cc == CURLE_OK && it->req->on_answer)
			it->req->on_answer(it->resp, it->req->answer_ud);
		return;
	}
	wait = backoff_ms(h, it->attempt, it->resp->retry_after);
	path_of(it->req->url, where, sizeof(where));
	log_warn("%s: %s %s: %s; retrying in %ld ms", h->label, it->req->method, where,
		 cc != CURLE_OK            ? curl_easy_strerror(cc)
		 : it->resp->status == 429 ? "rate limited (429)"
					   : "server error",
		 wait);
	it->attempt++;
	it->not_before = time_mono() + wait / 1000.0;
}

static void collect_finished(struct http *h, size_t *in_flight)
{
	CURLMsg *msg;
	int left;

	while ((msg = curl_multi_info_read(h->multi, &left))) {
		struct item *it = NULL;
		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&it);
		finish(h, it, msg->data.result);
		(*in_flight)--;
	}
}

/* Starts what may start now; the ms until the next can, or -1 when none waits. */
static long start_ready(struct http *h, struct item *items, size_t n, size_t max, size_t *in_flight)
{
	double now = time_mono(), next = -1;
	size_t i;

	for (i = 0; i < n && *in_flight < max; i++) {
		struct item *it = &items[i];
		long pace;
		if (it->done || it->easy)
			continue;
		if (it->not_before > now) {
			if (next < 0 || it->not_before < next)
				next = it->not_before;
			continue;
		}
		if ((pace = pace_delay_ms(h)) > 0)
			return pace;
		if (start(h, it))
			return -2;
		(*in_flight)++;
	}
	return next < 0 ? -1 : (long)((next - now) * 1000) + 1;
}

/*
 * After SIGINT/SIGTERM/SIGHUP: nothing new starts, and what is in flight gets
 * INTERRUPT_GRACE_MS to settle (its answer is committed), then is cut.  1 when
 * nothing is left in flight.
 */
#define INTERRUPT_GRACE_MS 3000

static int wind_down(struct http *h, struct item *items, size_t n, size_t *in_flight, double *since)
{
	size_t i;

	if (*since == 0)
		*since = time_mono();
	for (i = 0; i < n; i++) {
		struct item *it = &items[i];
		if (it->done || (it->easy && (time_mono() - *since) * 1000 < INTERRUPT_GRACE_MS))
			continue;
		it->stopped = it->easy ? 2 : 1;
		if (it->easy) {
			release_easy(h, it);
			(*in_flight)--;
		}
		it->done = 1;
	}
	return *in_flight == 0;
}

int http_do_many(struct http *h, const struct http_request *reqs, struct http_response *resps, int *rcs, size_t n,
		 size_t max_in_flight)
{
	struct item *items = xcalloc(n ? n : 1, sizeof(*items));
	size_t i, done = 0, in_flight = 0;
	double stop_since = 0;
	int running, rc = 0;

	for (i = 0; i < n; i++) {
		items[i].req = &reqs[i];
		items[i].resp = &resps[i];
	}
	if (!max_in_flight)
		max_in_flight = 1;
	while (done < n && !rc) {
		long wait;
		if (interrupted() && wind_down(h, items, n, &in_flight, &stop_since))
			break;
		wait = interrupted() ? 100 : start_ready(h, items, n, max_in_flight, &in_flight);
		if (wait == -2) {
			rc = FS_EABORT;
			break;
		}
		if (!in_flight) {
			/* In slices, so that a signal cuts a long backoff short. */
			sleep_ms(wait > 200 ? 200 : wait > 0 ? wait : 1);
			continue;
		}
		curl_multi_perform(h->multi, &running);
		collect_finished(h, &in_flight);
		for (done = 0, i = 0; i < n; i++)
			done += items[i].done;
		if (done < n && in_flight)
			curl_multi_poll(h->multi, NULL, 0, wait > 0 && wait < 100 ? (int)wait : 100, NULL);
	}
	for (i = 0; i < n; i++) {
		char where[200];
		if (items[i].easy)
			release_easy(h, &items[i]);
		rcs[i] = 0;
		path_of(reqs[i].url, where, sizeof(where));
		if (items[i].stopped || (!items[i].done && interrupted())) {
			char step[260];
			snprintf(step, sizeof(step), "%s: %s %s", h->label, reqs[i].method, where);
			/* A write cut in flight may have been applied: the load looks it up first. */
			if (items[i].stopped == 2 && !is_idempotent(&reqs[i]))
				rcs[i] = fail(FS_EUNSURE, "%s: interrupted in flight: it may have been applied", step);
			else
				rcs[i] = fail_interrupted(step);
		} else if (items[i].done && items[i].cc != CURLE_OK && items[i].went_out && !is_idempotent(&reqs[i]))
			rcs[i] = fail(FS_EUNSURE, "%s: %s %s: %s: it may have been applied, so it is not sent again",
				      h->label, reqs[i].method, where, transport_error(items[i].cc));
		else if (items[i].done && items[i].cc != CURLE_OK)
			rcs[i] = fail(FS_EABORT, "%s: %s %s: %s (after %d attempts)", h->label, reqs[i].method, where,
				      transport_error(items[i].cc), items[i].attempt + 1);
		else if (!items[i].done)
			rcs[i] = rc ? rc : FS_EABORT;
	}
	xfree(items);
	return rc;
}

int http_do(struct http *h, const struct http_request *req, struct http_response *resp)
{
	int one_rc = 0;
	int rc = http_do_many(h, req, resp, &one_rc, 1, 1);

	return rc ? rc : one_rc;
}

void http_response_release(struct http_response *resp)
{
	buf_release(&resp->body);
}
