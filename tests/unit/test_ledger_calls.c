/*
 * test_ledger_calls.c - src/ledger/calls.c: a run's planned and made calls
 * per API (planned replaced, -1 stored as unknown; made added up), the
 * last reconcile's summary, and the counts of skipped records and kept
 * contact persons.
 */
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/ledger.h"
#include "ledger_test.h"
#include "unit.h"

static void test_ledger_calls__planned_and_made(void)
{
	const char *dir = unit_tmpdir();
	struct ledger *lg = NULL;
	long run;

	CHECK(ledger_open(&lg, dir) == 0);
	CHECK(ledger_run_start(lg, "job", "load", &run) == 0);
	CHECK(ledger_run_calls_planned(lg, run, "crm", 10) == 0);
	CHECK(ledger_run_calls_planned(lg, run, "crm", 12) == 0); /* replaced */
	CHECK(ledger_run_calls_made(lg, run, "crm", 4) == 0);
	CHECK(ledger_run_calls_made(lg, run, "crm", 5) == 0);         /* added to */
	CHECK(ledger_run_calls_made(lg, run, "finance", 2) == 0);     /* made without a plan */
	CHECK(ledger_run_calls_planned(lg, run, "finance", -1) == 0); /* could not say */
	ledger_close(lg);
	CHECK_INTEQ(ledger_query_int(dir, "SELECT planned FROM run_calls WHERE api = 'crm'"), 12);
	CHECK_INTEQ(ledger_query_int(dir, "SELECT made FROM run_calls WHERE api = 'crm'"), 9);
	CHECK_INTEQ(ledger_query_int(dir, "SELECT made FROM run_calls WHERE api = 'finance'"), 2);
	CHECK_INTEQ(ledger_query_int(dir, "SELECT planned IS NULL FROM run_calls WHERE api = 'finance'"), 1);
	CHECK_INTEQ(ledger_query_int(dir, "SELECT count(*) FROM run_calls"), 2);
}

static void test_ledger_calls__reconcile_last(void)
{
	struct ledger *lg = NULL;
	char *at = NULL, *summary = NULL;
	long off = -1;

	CHECK(ledger_open(&lg, unit_tmpdir()) == 0);
	CHECK(ledger_reconcile_last(lg, &at, &summary, &off) == 0);
	CHECK(at == NULL && summary == NULL && off == 0);
	CHECK(ledger_reconcile_put(lg, "{\"customers\":{\"missing\":1}}", 1) == 0);
	CHECK(ledger_reconcile_put(lg, "{\"customers\":{\"missing\":0}}", 0) == 0);
	CHECK(ledger_reconcile_last(lg, &at, &summary, &off) == 1);
	CHECK_STREQ(summary, "{\"customers\":{\"missing\":0}}");
	CHECK_INTEQ(off, 0);
	CHECK(at && strlen(at) == 20 && at[19] == 'Z');
	xfree(at);
	xfree(summary);
	ledger_close(lg);
}

/* Skipped for good: the newest event is a skip and no live link holds the record. */
static void test_ledger_calls__skipped_and_persons(void)
{
	struct ledger *lg = NULL;
	struct person_link p = { (char *)"k1", (char *)"F1", (char *)"P1", NULL };
	long run;

	CHECK(ledger_open(&lg, unit_tmpdir()) == 0);
	CHECK(ledger_run_start(lg, "job", "load", &run) == 0);
	CHECK(ledger_event_add(lg, run, "customers", "Accounts", "c1", NULL, "skip", NULL, "duplicate") == 0);
	CHECK(ledger_event_add(lg, run, "customers", "Accounts", "c2", NULL, "skip", NULL, "duplicate") == 0);
	CHECK(ledger_event_add(lg, run, "customers", "Accounts", "c2", "F2", "create", NULL, NULL) == 0);
	CHECK(ledger_event_add(lg, run, "customers", "Accounts", "c3", NULL, "skip", NULL, "decision") == 0);
	CHECK(ledger_link_put(lg, &(struct link){ .entity = (char *)"customers",
						  .crm_id = (char *)"c3",
						  .finance_id = (char *)"F3" }) == 0);
	CHECK(ledger_event_add(lg, run, "vendors", "Vendors", "v1", NULL, "skip", NULL, "duplicate") == 0);
	CHECK_INTEQ(ledger_skipped_count(lg, "customers"), 1);
	CHECK_INTEQ(ledger_skipped_count(lg, "vendors"), 1);
	CHECK_INTEQ(ledger_skipped_count(lg, "items"), 0);
	CHECK_INTEQ(ledger_person_links_count(lg), 0);
	CHECK(ledger_person_link_put(lg, &p) == 0);
	CHECK_INTEQ(ledger_person_links_count(lg), 1);
	ledger_close(lg);
}

static const struct unit_test ledger_calls_tests[] = {
	UNIT(test_ledger_calls__planned_and_made),
	UNIT(test_ledger_calls__reconcile_last),
	UNIT(test_ledger_calls__skipped_and_persons),
	{ 0 },
};
UNIT_SUITE(ledger_calls_tests)
