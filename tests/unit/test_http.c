/*
 * test_http.c - the retry rules of src/conn/http.c over real HTTP: a small
 * libmicrohttpd server started by each test answers from a script (a status,
 * a Retry-After, a cut connection, a late answer) and counts what reached it.
 * What it asserts is what a server sees: how often a request came, and that
 * a POST whose answer was cut is not sent a second time (FS_EUNSURE).
 * Pacing waits a minute by design; the e2e script t7010 covers it.
 */
#include <microhttpd.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/http.h"
#include "unit.h"

/* One scripted answer; the last one repeats. */
struct step {
	int status;
	long retry_after;     /* -1: no Retry-After header */
	int cut;              /* close the connection without an answer */
	int delay_ms;         /* answer this late */
	long quota_remaining; /* -1: no X-Rate-Limit-Remaining header */
};

struct server {
	struct MHD_Daemon *daemon;
	char url[64];
	pthread_mutex_t mu;
	const struct step *steps;
	int nsteps;
	int hits; /* requests that reached the handler whole */
	char last_body[256];
};

struct upload {
	char body[256];
	size_t len;
};

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				  const char *version, const char *data, size_t *data_size, void **con_cls)
{
	struct server *s = cls;
	struct upload *up = *con_cls;
	struct MHD_Response *resp;
	struct step step;
	char body[64], value[32];
	enum MHD_Result ret;
	int hit;

	(void)url, (void)method, (void)version;
	if (!up) {
		*con_cls = up = calloc(1, sizeof(*up));
		return up ? MHD_YES : MHD_NO;
	}
	if (*data_size) {
		size_t n = *data_size < sizeof(up->body) - 1 - up->len ? *data_size : sizeof(up->body) - 1 - up->len;
		memcpy(up->body + up->len, data, n);
		up->len += n;
		*data_size = 0;
		return MHD_YES;
	}
	pthread_mutex_lock(&s->mu);
	hit = s->hits++;
	step = s->steps[hit < s->nsteps ? hit : s->nsteps - 1];
	memcpy(s->last_body, up->body, up->len + 1);
	pthread_mutex_unlock(&s->mu);
	if (step.delay_ms)
		usleep((useconds_t)step.delay_ms * 1000);
	if (step.cut)
		return MHD_NO; /* MHD closes the connection: no answer at all */
	snprintf(body, sizeof(body), "{\"hit\":%d}", hit + 1);
	resp = MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_COPY);
	MHD_add_response_header(resp, "Content-Type", "application/json");
	if (step.retry_after >= 0) {
		snprintf(value, sizeof(value), "%ld", step.retry_after);
		MHD_add_response_header(resp, "Retry-After", value);
	}
	if (step.quota_remaining >= 0) {
		snprintf(value, sizeof(value), "%ld", step.quota_remaining);
		MHD_add_response_header(resp, "X-Rate-Limit-Remaining", value);
		MHD_add_response_header(resp, "X-Rate-Limit-Reset", "3600");
	}
	ret = MHD_queue_response(conn, (unsigned)step.status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	(void)cls, (void)conn, (void)toe;
	free(*con_cls);
	*con_cls = NULL;
}

/* Starts the server on a free loopback port; its URL is s->url. */
static int server_start(struct server *s, const struct step *steps, int nsteps)
{
	const union MHD_DaemonInfo *info;

	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->mu, NULL);
	s->steps = steps;
	s->nsteps = nsteps;
	s->daemon = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL,
				     on_request, s, MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_END);
	if (!s->daemon)
		return -1;
	info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	snprintf(s->url, sizeof(s->url), "http://127.0.0.1:%u/api", info ? info->port : 0);
	return 0;
}

static void server_stop(struct server *s)
{
	MHD_stop_daemon(s->daemon);
	pthread_mutex_destroy(&s->mu);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * call METHOD against a server answering STEPS: http_do's rc, the final
 * status in *status and the requests the server saw in *hits.
 */
static int call(const char *method, int idempotent, const struct step *steps, int nsteps, long *status, int *hits,
		struct server *s_out)
{
	struct server s;
	struct http *h;
	struct http_response resp = HTTP_RESPONSE_INIT;
	struct http_request req = { method, NULL, NULL, "{\"name\":\"Acme\"}", 15, idempotent, NULL, NULL, NULL };
	int rc;

	*status = -1;
	*hits = -1;
	if (server_start(&s, steps, nsteps)) {
		CHECK(!"the test server did not start");
		return -100;
	}
	req.url = s.url;
	if (!strcmp(method, "GET"))
		req.body = NULL, req.body_len = 0;
	/* Backoff steps of 1 ms, so that six attempts take no time. */
	setenv("FINSYNC_RETRY_BASE_MS", "1", 1);
	if (http_new(&h, "test") == 0) {
		rc = http_do(h, &req, &resp);
		*status = resp.status;
		http_free(h);
	} else {
		rc = -101;
	}
	http_response_release(&resp);
	server_stop(&s);
	*hits = s.hits;
	if (s_out)
		*s_out = s;
	unsetenv("FINSYNC_RETRY_BASE_MS");
	return rc;
}

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static void test_http__5xx_retried_until_an_answer(void)
{
	static const struct step steps[] = { { 503, -1, 0, 0, -1 }, { 500, -1, 0, 0, -1 }, { 200, -1, 0, 0, -1 } };
	long status;
	int hits;

	CHECK_INTEQ(call("GET", 0, steps, N(steps), &status, &hits, NULL), 0);
	CHECK_INTEQ(status, 200);
	CHECK_INTEQ(hits, 3);
}

static void test_http__5xx_retries_are_bounded(void)
{
	static const struct step steps[] = { { 502, -1, 0, 0, -1 } };
	long status;
	int hits;

	/* What is left after the last attempt goes back to the caller as is. */
	CHECK_INTEQ(call("PUT", 0, steps, N(steps), &status, &hits, NULL), 0);
	CHECK_INTEQ(status, 502);
	CHECK_INTEQ(hits, 6);
}

static void test_http__post_5xx_not_sent_again(void)
{
	static const struct step steps[] = { { 503, -1, 0, 0, -1 }, { 201, -1, 0, 0, -1 } };
	struct server s;
	long status;
	int hits;

	/* The server may have created the record before it failed. */
	CHECK_INTEQ(call("POST", 0, steps, N(steps), &status, &hits, &s), 0);
	CHECK_INTEQ(status, 503);
	CHECK_INTEQ(hits, 1);
	CHECK_STREQ(s.last_body, "{\"name\":\"Acme\"}");
	/* A POST marked idempotent (a token refresh) is sent again. */
	CHECK_INTEQ(call("POST", 1, steps, N(steps), &status, &hits, NULL), 0);
	CHECK_INTEQ(status, 201);
	CHECK_INTEQ(hits, 2);
}

static void test_http__cut_post_is_unsure_and_not_resent(void)
{
	static const struct step steps[] = { { 0, -1, 1, 0, -1 }, { 201, -1, 0, 0, -1 } };
	long status;
	int hits;

	CHECK_INTEQ(call("POST", 0, steps, N(steps), &status, &hits, NULL), FS_EUNSURE);
	CHECK_INTEQ(hits, 1);
	CHECK(strstr(err_msg(), "it may have been applied") != NULL);
	/* A GET whose answer was cut is simply asked again. */
	CHECK_INTEQ(call("GET", 0, steps, N(steps), &status, &hits, NULL), 0);
	CHECK_INTEQ(status, 201);
	CHECK_INTEQ(hits, 2);
}

static void test_http__late_post_is_unsure(void)
{
	static const struct step steps[] = { { 201, -1, 0, 1500, -1 } };
	long status;
	int hits;

	/* Answered after the client gave up: the server did the work all the same. */
	setenv("FINSYNC_HTTP_TIMEOUT_MS", "300", 1);
	CHECK_INTEQ(call("POST", 0, steps, N(steps), &status, &hits, NULL), FS_EUNSURE);
	unsetenv("FINSYNC_HTTP_TIMEOUT_MS");
	CHECK_INTEQ(hits, 1);
}

static void test_http__post_that_never_left_is_retried_then_aborts(void)
{
	struct http *h;
	struct http_response resp = HTTP_RESPONSE_INIT;
	struct http_request req = { "POST", "http://127.0.0.1:9/api", NULL, "{}", 2, 0, NULL, NULL, NULL };

	/* Nothing listens on port 9: the request never went out, so it is not "unsure". */
	setenv("FINSYNC_RETRY_BASE_MS", "1", 1);
	CHECK_INTEQ(http_new(&h, "test"), 0);
	CHECK_INTEQ(http_do(h, &req, &resp), FS_EABORT);
	CHECK(strstr(err_msg(), "after 6 attempts") != NULL);
	CHECK_INTEQ(http_requests_sent(h), 6);
	http_free(h);
	http_response_release(&resp);
	unsetenv("FINSYNC_RETRY_BASE_MS");
}

static void test_http__429_waits_retry_after_then_resends_post(void)
{
	static const struct step steps[] = { { 429, 1, 0, 0, -1 }, { 201, -1, 0, 0, 4321 } };
	struct server s;
	struct http *h;
	struct http_response resp = HTTP_RESPONSE_INIT;
	struct http_request req = { "POST", NULL, NULL, "{}", 2, 0, NULL, NULL, NULL };
	double start;

	/* A 429 was refused before any work: even a POST goes again, after Retry-After. */
	CHECK_INTEQ(server_start(&s, steps, N(steps)), 0);
	req.url = s.url;
	CHECK_INTEQ(http_new(&h, "test"), 0);
	start = now_s();
	CHECK_INTEQ(http_do(h, &req, &resp), 0);
	CHECK(now_s() - start >= 0.95);
	CHECK_INTEQ(resp.status, 201);
	CHECK_INTEQ(resp.quota_remaining, 4321);
	CHECK_INTEQ(resp.quota_reset, 3600);
	CHECK_STREQ(resp.body.data, "{\"hit\":2}");
	http_free(h);
	http_response_release(&resp);
	server_stop(&s);
	CHECK_INTEQ(s.hits, 2);
}

static int always_final(const struct http_response *resp)
{
	return resp->status == 429;
}

static void test_http__429_final_answer_not_resent(void)
{
	static const struct step steps[] = { { 429, 0, 0, 0, 0 }, { 200, -1, 0, 0, -1 } };
	struct server s;
	struct http *h;
	struct http_response resp = HTTP_RESPONSE_INIT;
	struct http_request req = { "GET", NULL, NULL, NULL, 0, 0, always_final, NULL, NULL };

	/* A spent daily limit is not helped by waiting. */
	CHECK_INTEQ(server_start(&s, steps, N(steps)), 0);
	req.url = s.url;
	CHECK_INTEQ(http_new(&h, "test"), 0);
	CHECK_INTEQ(http_do(h, &req, &resp), 0);
	CHECK_INTEQ(resp.status, 429);
	CHECK_INTEQ(resp.retry_after, 0);
	CHECK_INTEQ(resp.quota_remaining, 0);
	http_free(h);
	http_response_release(&resp);
	server_stop(&s);
	CHECK_INTEQ(s.hits, 1);
}

static void test_http__many_each_with_its_own_outcome(void)
{
	/* Hits 1 and 2 are cut; every later one is answered. */
	static const struct step steps[] = { { 0, -1, 1, 0, -1 }, { 0, -1, 1, 0, -1 }, { 200, -1, 0, 0, -1 } };
	struct server s;
	struct http *h;
	struct http_response resps[3] = { HTTP_RESPONSE_INIT, HTTP_RESPONSE_INIT, HTTP_RESPONSE_INIT };
	struct http_request reqs[3] = {
		{ "POST", NULL, NULL, "{}", 2, 0, NULL, NULL, NULL },
		{ "POST", NULL, NULL, "{}", 2, 0, NULL, NULL, NULL },
		{ "GET", NULL, NULL, NULL, 0, 0, NULL, NULL, NULL },
	};
	int rcs[3] = { 9, 9, 9 }, i;

	/* One at a time: both POSTs meet a cut, the GET an answer. */
	CHECK_INTEQ(server_start(&s, steps, N(steps)), 0);
	for (i = 0; i < 3; i++)
		reqs[i].url = s.url;
	CHECK_INTEQ(http_new(&h, "test"), 0);
	CHECK_INTEQ(http_do_many(h, reqs, resps, rcs, 3, 1), 0);
	CHECK_INTEQ(rcs[0], FS_EUNSURE);
	CHECK_INTEQ(rcs[1], FS_EUNSURE);
	CHECK_INTEQ(rcs[2], 0);
	CHECK_INTEQ(resps[2].status, 200);
	http_free(h);
	for (i = 0; i < 3; i++)
		http_response_release(&resps[i]);
	server_stop(&s);
	CHECK_INTEQ(s.hits, 3);
}

static void test_http__escape(void)
{
	char *e = http_escape("a b&c=d/é");

	CHECK_STREQ(e, "a%20b%26c%3Dd%2F%C3%A9");
	xfree(e);
}

static const struct unit_test http_tests[] = {
	UNIT(test_http__5xx_retried_until_an_answer),
	UNIT(test_http__5xx_retries_are_bounded),
	UNIT(test_http__post_5xx_not_sent_again),
	UNIT(test_http__cut_post_is_unsure_and_not_resent),
	UNIT(test_http__late_post_is_unsure),
	UNIT(test_http__post_that_never_left_is_retried_then_aborts),
	UNIT(test_http__429_waits_retry_after_then_resends_post),
	UNIT(test_http__429_final_answer_not_resent),
	UNIT(test_http__many_each_with_its_own_outcome),
	UNIT(test_http__escape),
	{ 0 }
};
UNIT_SUITE(http_tests)
