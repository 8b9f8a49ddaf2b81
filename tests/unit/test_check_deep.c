/*
 * test_check_deep.c - the read-only probes of `finsync check --deep`
 * (src/cmd/check_deep.c) against a finsync-sandbox: each probe prints one
 * line saying what it found, under the sandbox's default reading and under
 * the other one it can be asked for (a contact_type filter ignored, then
 * honoured), and none of them writes to the organisation.
 */
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/finclient.h"
#include "../../src/cmd/check_deep.h"
#include "sandbox_test.h"
#include "unit.h"

static struct sandbox_job fx;
static int deep_rc;

static void probe_all(void)
{
	struct finclient *fc = NULL;

	deep_rc = finclient_open(&fc, fx.job);
	if (!deep_rc)
		deep_rc = check_deep(fx.job, fc);
	finclient_close(fc);
}

static void test_check_deep__probes_read_only(void)
{
	json_t *reqs, *r;
	char *out;
	size_t i;
	int writes = 0;

	if (sandbox_job_setup(&fx, "books"))
		return;
	out = unit_stdout_of(probe_all);
	CHECK_INTEQ(deep_rc, 0);
	CHECK(!strncmp(out, "probe ", 6));
	/* The sandbox's default reading: a contact_type filter is ignored. */
	CHECK(strstr(out, "probe contact_type filter: GET /contacts?contact_type=vendor answered 2 rows that are not "
			  "vendors: the filter is ignored;") != NULL);
	CHECK(strstr(out, "probe list rows: custom fields: 0 of 2 rows") != NULL);
	CHECK(strstr(out, "not probed (each needs a write, and --deep only reads)") != NULL);
	xfree(out);
	/* The other reading, as the sandbox may be asked to read it: the probe says so. */
	json_decref(ctl(&fx.sb, "POST", "/readings", "{\"honour_contact_type\":true}"));
	out = unit_stdout_of(probe_all);
	CHECK_INTEQ(deep_rc, 0);
	CHECK(strstr(out, "probe contact_type filter: GET /contacts?contact_type=vendor answered 0 rows and no "
			  "customer, where the list holds 2: the filter is honoured;") != NULL);
	reqs = ctl(&fx.sb, "GET", "/requests", NULL);
	json_array_foreach(json_object_get(reqs, "requests"), i, r) {
		const char *api = json_string_value(json_object_get(r, "api"));
		const char *method = json_string_value(json_object_get(r, "method"));

		writes += api && strcmp(api, "oauth") && (!method || strcmp(method, "GET"));
	}
	CHECK_INTEQ(writes, 0);
	json_decref(reqs);
	xfree(out);
	sandbox_job_teardown(&fx);
}

static const struct unit_test check_deep_tests[] = {
	UNIT(test_check_deep__probes_read_only),
	{ 0 },
};
UNIT_SUITE(check_deep_tests)
