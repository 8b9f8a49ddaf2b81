/*
 * test_cmd_plan.c - `finsync plan` (src/cmd/plan.c, with the figures of
 * src/stage/plan.c) against a finsync-sandbox: what a full run would cost
 * as JSON, the CRM's records per module as its count API gives them and
 * the finance app's records, and calls predicted for both APIs; nothing
 * written to either side.
 */
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/cmd.h"
#include "sandbox_test.h"
#include "unit.h"

static struct sandbox_job fx;

static void plan_json(void)
{
	char *argv[] = { (char *)"plan", fx.job->path, (char *)"--format", (char *)"json", NULL };

	CHECK(cmd_plan(4, argv) == 0);
}

static void test_cmd_plan__figures(void)
{
	json_t *got, *reqs, *r;
	char *text;
	size_t i;
	int writes = 0, reads = 0;

	if (sandbox_job_setup(&fx, "books"))
		return;
	text = unit_stdout_of(plan_json);
	got = json_loads(text, 0, NULL);
	CHECK(got != NULL);
	CHECK_INTEQ(json_integer_value(json_object_get(json_object_get(got, "modules"), "Accounts")), 8);
	CHECK_INTEQ(json_integer_value(json_object_get(json_object_get(got, "finance"), "customers")), 2);
	CHECK(json_integer_value(json_object_get(json_object_get(got, "calls"), "crm")) > 0);
	CHECK(json_integer_value(json_object_get(json_object_get(got, "calls"), "finance")) > 0);
	CHECK(json_is_null(json_object_get(got, "hours"))); /* the job sets no pace */
	CHECK(json_is_null(json_object_get(got, "days")));  /* nor a daily budget */
	/* Only reads (and the token requests): a plan writes nothing to either side. */
	reqs = ctl(&fx.sb, "GET", "/requests", NULL);
	json_array_foreach(json_object_get(reqs, "requests"), i, r) {
		const char *api = json_string_value(json_object_get(r, "api"));
		const char *method = json_string_value(json_object_get(r, "method"));

		if (api && strcmp(api, "oauth")) {
			reads += method && !strcmp(method, "GET");
			writes += !method || strcmp(method, "GET");
		}
	}
	CHECK(reads > 0);
	CHECK_INTEQ(writes, 0);
	json_decref(reqs);
	json_decref(got);
	xfree(text);
	sandbox_job_teardown(&fx);
}

static const struct unit_test cmd_plan_tests[] = {
	UNIT(test_cmd_plan__figures),
	{ 0 },
};
UNIT_SUITE(cmd_plan_tests)
