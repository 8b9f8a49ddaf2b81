/*
 * test_cmd_reconcile.c - `finsync reconcile` (src/cmd/reconcile.c) against a
 * finsync-sandbox and a ledger written here: the CRM's accounts in scope,
 * the one whose link holds a live finance record counted linked, the one
 * whose finance record is gone and those never synced counted missing, as
 * JSON into -o FILE; the summary kept in the ledger for the HTML report;
 * and a job that never ran refused, with nothing to reconcile.
 */
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/cmd.h"
#include "finsync/err.h"
#include "finsync/ledger.h"
#include "ledger_test.h"
#include "sandbox_test.h"
#include "unit.h"

static int reconcile(struct sandbox_job *fx, char **text)
{
	char *out = xasprintf("%s/reconcile.json", fx->dir);
	char *argv[] = {
		(char *)"reconcile", fx->job->path, (char *)"--format", (char *)"json", (char *)"-o", out, NULL
	};
	int rc = cmd_reconcile(6, argv);

	*text = rc ? NULL : unit_read_file(out);
	xfree(out);
	return rc;
}

static void link_to(struct ledger *lg, const char *crm_id, const char *finance_id)
{
	CHECK(ledger_link_put(lg, &(struct link){ .entity = (char *)"customers",
						  .crm_id = (char *)crm_id,
						  .finance_id = (char *)finance_id }) == 0);
}

static void test_cmd_reconcile__linked_and_missing(void)
{
	struct sandbox_job fx;
	struct ledger *lg = NULL;
	json_t *got, *c;
	char *text = NULL, *summary;

	if (sandbox_job_setup(&fx, "books"))
		return;
	CHECK(reconcile(&fx, &text) == FS_EUSAGE); /* no ledger yet: it has not run */
	CHECK(strstr(err_msg(), "has not run yet") != NULL);
	CHECK(ledger_open(&lg, fx.job->state_dir) == 0);
	link_to(lg, "4150868000000087001", "460000000026049"); /* a seeded finance contact */
	link_to(lg, "4150868000000087002", "460000000099999"); /* gone from the app */
	ledger_close(lg);
	CHECK(reconcile(&fx, &text) == 0);
	got = text ? json_loads(text, 0, NULL) : NULL;
	c = json_object_get(got, "customers");
	CHECK_INTEQ(json_integer_value(json_object_get(c, "in_scope")), 8);
	CHECK_INTEQ(json_integer_value(json_object_get(c, "linked")), 1);
	CHECK_INTEQ(json_array_size(json_object_get(c, "missing")), 7);
	CHECK_STREQ(json_string_value(json_array_get(json_object_get(c, "missing"), 0)), "4150868000000087002");
	CHECK(json_is_array(json_object_get(c, "orphaned")) && !json_array_size(json_object_get(c, "orphaned")));
	CHECK(json_is_array(json_object_get(c, "drifted")) && !json_array_size(json_object_get(c, "drifted")));
	summary = ledger_query_text(fx.job->state_dir, "SELECT summary FROM reconciles ORDER BY id DESC LIMIT 1");
	CHECK(summary && strstr(summary, "\"customers\""));
	CHECK_INTEQ(ledger_query_int(fx.job->state_dir, "SELECT off FROM reconciles"), 7);
	xfree(summary);
	json_decref(got);
	xfree(text);
	sandbox_job_teardown(&fx);
}

static const struct unit_test cmd_reconcile_tests[] = {
	UNIT(test_cmd_reconcile__linked_and_missing),
	{ 0 },
};
UNIT_SUITE(cmd_reconcile_tests)
