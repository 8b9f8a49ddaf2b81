/*
 * test_api.c - the authenticated API (src/conn/api.c) against a
 * finsync-sandbox started by the test: the access token is had once and
 * kept for the next run in the token file (never the refresh token), a
 * token the API refuses is refreshed once and the call sent again, a
 * refresh the API refuses aborts without showing the secret, the refresh
 * throttle stops short of Zoho's limit, and a spent daily budget stops a
 * call before it is sent.
 */
#include <string.h>
#include <time.h>
#include "finsync/alloc.h"
#include "finsync/api.h"
#include "finsync/err.h"
#include "finsync/finance.h"
#include "finsync/job.h"
#include "finsync/safe.h"
#include "finsync/tokencache.h"
#include "sandbox_test.h"
#include "unit.h"

/* The token file's key for the refreshes of the job's finance refresh token (api.c's). */
static char *throttle_key(const struct job *job)
{
	char fp[SECRET_FINGERPRINT_LEN];

	secret_fingerprint(job->fin.refresh_token, fp);
	return xasprintf("refresh:%s", fp);
}

/* One GET of the contact list: its HTTP status, or the call's error code. */
static long list_status(struct api *a, const char *url)
{
	struct api_result res = API_RESULT_INIT;
	int rc = api_call(a, "GET", url, NULL, NULL, &res);
	long status = rc ? rc : res.status;

	if (!rc && status == 200 && !json_is_array(json_object_get(res.json, "contacts")))
		status = -1;
	api_result_release(&res);
	return status;
}

static void test_api__token_had_once_and_kept(void)
{
	struct sandbox_job fx;
	struct api *a = NULL;
	char *cache;

	if (sandbox_job_setup(&fx, "books"))
		return;
	CHECK(api_new(&a, &fx.job->fin, "zoho-books") == 0);
	CHECK_INTEQ(list_status(a, fx.fin_list), 200);
	CHECK_INTEQ(list_status(a, fx.fin_list), 200);
	CHECK_INTEQ(api_token_refreshes(a), 1);
	CHECK_INTEQ(api_requests(a), 3); /* the token, then the two lists */
	api_free(a);
	cache = unit_read_file(fx.job->fin.token_cache);
	CHECK(cache && strstr(cache, "\"finance\""));
	CHECK(cache && !strstr(cache, fx.job->fin.refresh_token) && !strstr(cache, fx.job->fin.client_secret));
	xfree(cache);
	/* The next run takes the kept token: no refresh. */
	CHECK(api_new(&a, &fx.job->fin, "zoho-books") == 0);
	CHECK_INTEQ(list_status(a, fx.fin_list), 200);
	CHECK_INTEQ(api_token_refreshes(a), 0);
	api_free(a);
	sandbox_job_teardown(&fx);
}

static void test_api__refused_token_refreshed_once(void)
{
	struct sandbox_job fx;
	struct api *a = NULL;
	char *key;
	time_t now = time(NULL);

	if (sandbox_job_setup(&fx, "books"))
		return;
	/* A kept token the API no longer takes (revoked, or expired early). */
	key = throttle_key(fx.job);
	CHECK(tokencache_put(fx.job->fin.token_cache, "finance", key, fx.job->fin.client_id, "1000.revoked0token",
			     now + 3000, now - 3000) == 0);
	CHECK(api_new(&a, &fx.job->fin, "zoho-books") == 0);
	CHECK_INTEQ(list_status(a, fx.fin_list), 200);
	CHECK_INTEQ(api_token_refreshes(a), 1);
	CHECK_INTEQ(api_requests(a), 3); /* refused, the token, sent again */
	api_free(a);
	xfree(key);
	sandbox_job_teardown(&fx);
}

static void test_api__refused_refresh_aborts_without_the_secret(void)
{
	struct sandbox_job fx;
	struct api *a = NULL;
	char *saved;

	if (sandbox_job_setup(&fx, "books"))
		return;
	saved = fx.job->fin.refresh_token;
	fx.job->fin.refresh_token = (char *)"1000.not-a-token-the-server-knows";
	CHECK(api_new(&a, &fx.job->fin, "zoho-books") == 0);
	CHECK_INTEQ(list_status(a, fx.fin_list), FS_EABORT);
	CHECK(strstr(err_msg(), "cannot authenticate") != NULL);
	CHECK(strstr(err_msg(), "not-a-token-the-server-knows") == NULL);
	CHECK(strstr(err_msg(), fx.job->fin.client_secret) == NULL);
	CHECK_INTEQ(api_requests(a), 1); /* the list was never sent */
	api_free(a);
	fx.job->fin.refresh_token = saved;
	sandbox_job_teardown(&fx);
}

/* Ten refreshes of one refresh token in ten minutes: the eleventh is not asked for. */
static void test_api__refresh_throttle(void)
{
	struct sandbox_job fx;
	struct api *a = NULL;
	char *key;
	time_t now = time(NULL);
	int i;

	if (sandbox_job_setup(&fx, "books"))
		return;
	key = throttle_key(fx.job);
	for (i = 0; i < TOKEN_REFRESH_MAX; i++)
		CHECK(tokencache_put(fx.job->fin.token_cache, "crm", key, "other", "t", now - 1, now - 60 + i) == 0);
	CHECK(api_new(&a, &fx.job->fin, "zoho-books") == 0);
	CHECK_INTEQ(list_status(a, fx.fin_list), FS_EABORT);
	CHECK(strstr(err_msg(), "10 token refreshes since") != NULL);
	CHECK_INTEQ(api_requests(a), 0);
	api_free(a);
	xfree(key);
	sandbox_job_teardown(&fx);
}

static long counted;

static int usage_get(void *ud, const char *key, long *calls)
{
	(void)ud, (void)key;
	*calls = counted;
	return 0;
}

static int usage_add(void *ud, const char *key, long calls)
{
	(void)ud, (void)key;
	counted += calls;
	return 0;
}

static void test_api__daily_budget_stops_before_sending(void)
{
	static const struct api_usage_store store = { usage_get, usage_add, NULL };
	struct sandbox_job fx;
	struct api *a = NULL;
	long sent;

	if (sandbox_job_setup(&fx, "books"))
		return;
	counted = 0;
	fx.job->fin.daily_budget = 2;
	api_set_usage_store(&store);
	CHECK(api_new(&a, &fx.job->fin, "zoho-books") == 0);
	CHECK_INTEQ(list_status(a, fx.fin_list), 200);
	CHECK_INTEQ(api_budget_left(a), 1);
	CHECK_INTEQ(list_status(a, fx.fin_list), 200);
	sent = api_requests(a);
	CHECK_INTEQ(list_status(a, fx.fin_list), FS_EBUDGET);
	CHECK(strstr(err_msg(), "daily budget of 2 calls") != NULL);
	CHECK_INTEQ(api_requests(a), sent);
	CHECK_INTEQ(counted, 2);
	CHECK_INTEQ(api_budget_left(a), 0);
	api_free(a);
	api_set_usage_store(NULL);
	sandbox_job_teardown(&fx);
}

static const struct unit_test api_tests[] = {
	UNIT(test_api__token_had_once_and_kept),
	UNIT(test_api__refused_token_refreshed_once),
	UNIT(test_api__refused_refresh_aborts_without_the_secret),
	UNIT(test_api__refresh_throttle),
	UNIT(test_api__daily_budget_stops_before_sending),
	{ 0 },
};
UNIT_SUITE(api_tests)
