/*
 * test_ledger_deals.c - the ledger's schema v4: deal_links keyed by deal and
 * kind (a v3 ledger's rows kept), the summary work table and hashes, and
 * unlink (links dropped with events, a kept one surviving).
 */
#include <sqlite3.h>
#include "finsync/alloc.h"
#include "finsync/ledger.h"
#include "ledger_test.h"
#include "unit.h"

/* A v3 ledger's deal_links (one row per deal) become (deal_id, kind) rows. */
static void test_deal_ledger__migrates_v3(void)
{
	const char *dir = unit_tmpdir();
	char *path = xasprintf("%s/ledger.sqlite", dir);
	struct ledger *lg = NULL;
	struct deal_link d;
	sqlite3 *db;

	CHECK(ledger_open(&lg, dir) == 0);
	ledger_close(lg);
	lg = NULL;
	CHECK(sqlite3_open(path, &db) == SQLITE_OK);
	CHECK(sqlite3_exec(
		      db,
		      "DROP TABLE deal_links; DROP TABLE summaries;"
		      "CREATE TABLE deal_links (deal_id TEXT PRIMARY KEY, kind TEXT NOT NULL, finance_id TEXT, state TEXT);"
		      "INSERT INTO deal_links VALUES ('d1', 'invoice', 'i1', 'sent');"
		      "PRAGMA user_version = 3;",
		      NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(db);
	CHECK(ledger_open(&lg, dir) == 0);
	if (!lg)
		goto out;
	CHECK_INTEQ(ledger_query_int(dir, "PRAGMA user_version"), 12);
	CHECK(ledger_deal_link_get(lg, "d1", "invoice", &d) == 1);
	CHECK_STREQ(d.finance_id, "i1");
	CHECK_STREQ(d.state, "sent");
	deal_link_release(&d);
	/* Now a deal can have both. */
	d = (struct deal_link){
		.deal_id = (char *)"d1",
		.kind = (char *)"quote",
		.finance_id = (char *)"q1",
		.state = (char *)"accepted",
		.hash = (char *)"abc"
	};
	CHECK(ledger_deal_link_put(lg, &d) == 0);
	CHECK_INTEQ(ledger_deal_links_count(lg), 2);
	CHECK(ledger_deal_link_get(lg, "d1", "quote", &d) == 1);
	CHECK_STREQ(d.hash, "abc");
	CHECK(d.updated_at != NULL);
	deal_link_release(&d);
	CHECK(ledger_deal_link_delete(lg, "d1", "quote") == 0);
	CHECK(ledger_deal_link_get(lg, "d1", "quote", &d) == 0);
	deal_link_release(&d);
out:
	ledger_close(lg);
	xfree(path);
}

static void link_put(struct ledger *lg, const char *entity, const char *crm_id, const char *finance_id)
{
	struct link l = { 0 };

	l.entity = (char *)entity;
	l.crm_id = (char *)crm_id;
	l.finance_id = (char *)finance_id;
	CHECK(ledger_link_put(lg, &l) == 0);
}

/* The figures grouped by finance id, one row per linked record, the latest payment kept. */
static void test_deal_ledger__summary_rows(void)
{
	struct ledger *lg = NULL;
	struct summary_row rows[4];
	int n = 0, i;

	CHECK(ledger_open(&lg, unit_tmpdir()) == 0);
	if (!lg)
		return;
	link_put(lg, "customers", "a1", "f1");
	link_put(lg, "customers", "a2", "f2");
	link_put(lg, "customers", "a3", "f3");
	CHECK(ledger_summary_work_reset(lg) == 0);
	CHECK(ledger_summary_work_outstanding(lg, "f1", 120.5) == 0);
	CHECK(ledger_summary_work_overdue(lg, "f1") == 0);
	CHECK(ledger_summary_work_overdue(lg, "f1") == 0);
	CHECK(ledger_summary_work_payment(lg, "f1", "2026-01-10", 10, "2") == 0);
	CHECK(ledger_summary_work_payment(lg, "f1", "2026-02-01", 20, "1") == 0);
	CHECK(ledger_summary_work_payment(lg, "f1", "2026-01-31", 30, "3") == 0);
	CHECK(ledger_summary_work_payment(lg, "f2", "2026-02-01", 5, "1") == 0);
	CHECK(ledger_summary_work_payment(lg, "f2", "2026-02-01", 7, "2") == 0);
	CHECK(ledger_summary_put(lg, "customers", "a2", "h2") == 0);
	CHECK(ledger_summary_rows(lg, "customers", "", 2, rows, &n) == 0);
	CHECK_INTEQ(n, 2);
	CHECK_STREQ(rows[0].crm_id, "a1");
	CHECK(rows[0].has_outstanding && rows[0].outstanding == 120.5);
	CHECK_INTEQ(rows[0].overdue, 2);
	CHECK_STREQ(rows[0].pay_date, "2026-02-01");
	CHECK(rows[0].pay_amount == 20);
	CHECK(rows[0].hash == NULL);
	CHECK_STREQ(rows[1].pay_date, "2026-02-01");
	CHECK(rows[1].pay_amount == 7);
	CHECK(!rows[1].has_outstanding);
	CHECK_STREQ(rows[1].hash, "h2");
	for (i = 0; i < n; i++)
		summary_row_release(&rows[i]);
	CHECK(ledger_summary_rows(lg, "customers", "a2", 2, rows, &n) == 0);
	CHECK_INTEQ(n, 1);
	CHECK_STREQ(rows[0].crm_id, "a3");
	CHECK_INTEQ(rows[0].overdue, 0);
	CHECK(!rows[0].has_payment);
	for (i = 0; i < n; i++)
		summary_row_release(&rows[i]);
	ledger_close(lg);
}

/* Unlink drops every link but the kept ones, each with an event, and the watermarks. */
static void test_deal_ledger__unlink(void)
{
	struct ledger *lg = NULL;
	struct deal_link d = { (char *)"d1", (char *)"invoice", (char *)"i1", (char *)"draft", NULL, NULL };
	long run = 0, dropped = 0;
	const char *dir = unit_tmpdir();

	CHECK(ledger_open(&lg, dir) == 0);
	if (!lg)
		return;
	link_put(lg, "customers", "a1", "f1");
	link_put(lg, "customers", "a2", "f2");
	link_put(lg, "items", "p1", "i9");
	CHECK(ledger_deal_link_put(lg, &d) == 0);
	CHECK(ledger_watermark_put(lg, "customers", "2026-01-01T00:00:00Z", 1) == 0);
	CHECK(ledger_run_start(lg, "job", "unlink", &run) == 0);
	CHECK(ledger_unlink_keep(lg, "customers", "a2") == 0);
	CHECK(ledger_begin(lg) == 0);
	CHECK(ledger_unlink_links(lg, run, "dropped", &dropped) == 0);
	CHECK(ledger_commit(lg) == 0);
	CHECK_INTEQ(dropped, 3);
	CHECK_INTEQ(ledger_links_count(lg, "customers"), 1);
	CHECK_INTEQ(ledger_links_count(lg, "items"), 0);
	CHECK_INTEQ(ledger_links_count(lg, "deals"), 0);
	CHECK_INTEQ(ledger_query_int(dir, "SELECT count(*) FROM events WHERE action = 'unlink'"), 3);
	CHECK_INTEQ(ledger_query_int(dir, "SELECT count(*) FROM watermarks"), 0);
	ledger_close(lg);
}

static const struct unit_test deal_ledger_tests[] = {
	UNIT(test_deal_ledger__migrates_v3),
	UNIT(test_deal_ledger__summary_rows),
	UNIT(test_deal_ledger__unlink),
	{ 0 },
};
UNIT_SUITE(deal_ledger_tests)
