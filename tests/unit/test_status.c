/*
 * test_status.c - `finsync status` (src/cmd/status.c) as JSON, on a ledger
 * written here: the job's state, its last run and what it did per entity,
 * the watermarks, the failed records waiting for a retry, and the API
 * calls of today.
 */
#include <string.h>
#include <time.h>
#include "finsync/alloc.h"
#include "finsync/cmd.h"
#include "finsync/jobstate.h"
#include "finsync/ledger.h"
#include "job_test.h"
#include "unit.h"

static struct job *job;

static void status_json(void)
{
	char *argv[] = { (char *)"status", job->path, (char *)"--format", (char *)"json", NULL };

	CHECK(cmd_status(4, argv) == 0);
}

static void test_status__json(void)
{
	struct ledger *lg = NULL;
	struct stats s = { 0 };
	char *text, day[11];
	json_t *got, *last, *today;
	long run;
	time_t now = time(NULL);

	CHECK(tjob_load(JT_CRM_CSV, JT_FIN("zoho-books"), "{\"customers\":{}}", &job) == 0);
	if (!job || ledger_open(&lg, job->state_dir)) {
		job_free(job);
		return;
	}
	CHECK(ledger_job_check(lg, job->name, job->state_dir, 1) == 0);
	CHECK(ledger_run_start(lg, "unit", "extract,transform,load", &run) == 0);
	s.added = 4;
	s.failed = 1;
	CHECK(ledger_stats_add(lg, run, "customers", "load", &s) == 0);
	CHECK(ledger_event_add(lg, run, "customers", "Accounts", "41", NULL, "failed", NULL, "refused") == 0);
	CHECK(ledger_watermark_put(lg, "customers", "2026-03-01T00:00:00Z", run) == 0);
	CHECK(ledger_run_finish(lg, run, "partial", NULL) == 0);
	strftime(day, sizeof(day), "%Y-%m-%d", gmtime(&now));
	CHECK(ledger_usage_add(lg, "finance", day, 12) == 0);
	ledger_close(lg);
	text = unit_stdout_of(status_json);
	got = json_loads(text, 0, NULL);
	if (!got)
		fprintf(stderr, "status said: %s\n", text);
	CHECK_STREQ(json_string_value(json_object_get(got, "job")), "unit");
	CHECK_STREQ(json_string_value(json_object_get(got, "state")), "idle");
	CHECK_STREQ(json_string_value(json_object_get(got, "job_state")), "active");
	CHECK(json_is_null(json_object_get(got, "lock")));
	last = json_object_get(got, "last_run");
	CHECK_INTEQ(json_integer_value(json_object_get(last, "id")), run);
	CHECK_STREQ(json_string_value(json_object_get(last, "status")), "partial");
	CHECK_INTEQ(json_integer_value(json_object_get(json_object_get(json_object_get(last, "entities"), "customers"),
						       "added")),
		    4);
	CHECK_STREQ(json_string_value(json_object_get(json_object_get(json_object_get(got, "watermarks"), "customers"),
						      "modified_since")),
		    "2026-03-01T00:00:00Z");
	CHECK_INTEQ(json_integer_value(json_object_get(got, "failures_waiting")), 1);
	today = json_object_get(got, "api_calls_today");
	CHECK_STREQ(json_string_value(json_object_get(today, "day")), day);
	CHECK_INTEQ(json_integer_value(json_object_get(json_object_get(today, "calls"), "finance")), 12);
	json_decref(got);
	xfree(text);
	job_free(job);
	job = NULL;
}

static const struct unit_test status_tests[] = {
	UNIT(test_status__json),
	{ 0 },
};
UNIT_SUITE(status_tests)
