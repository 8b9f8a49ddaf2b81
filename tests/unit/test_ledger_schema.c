/*
 * test_ledger_schema.c - the migrations (src/ledger/schema.c): a v11
 * ledger gains run_calls and reconciles with its rows kept, a file whose
 * version was set back (a restored copy) is migrated again without
 * failing on a column it has, a newer file is refused naming both
 * versions, and the work tables stay out of the file.  (v1 and v3 files
 * are in test_core.c and test_ledger_deals.c.)
 */
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/ledger.h"
#include "ledger_test.h"
#include "unit.h"

static void test_ledger_schema__from_v11(void)
{
	const char *dir = unit_tmpdir();
	struct ledger *lg = NULL;
	struct link l;
	long run;

	CHECK(ledger_open(&lg, dir) == 0);
	CHECK(ledger_run_start(lg, "job", "load", &run) == 0);
	CHECK(ledger_link_put(lg, &(struct link){ .entity = (char *)"items",
						  .crm_id = (char *)"p1",
						  .finance_id = (char *)"I1" }) == 0);
	ledger_close(lg);
	CHECK(ledger_exec(dir, "DROP TABLE run_calls; DROP TABLE reconciles; PRAGMA user_version = 11;") == 0);
	CHECK(ledger_open(&lg, dir) == 0);
	if (!lg)
		return;
	CHECK_INTEQ(ledger_query_int(dir, "PRAGMA user_version"), 12);
	CHECK(ledger_link_get(lg, "items", "p1", &l) == 1);
	CHECK_STREQ(l.finance_id, "I1");
	link_release(&l);
	CHECK(ledger_run_calls_planned(lg, run, "crm", 3) == 0);
	ledger_close(lg);
	CHECK_INTEQ(ledger_query_int(dir, "SELECT planned FROM run_calls"), 3);
	CHECK_INTEQ(ledger_query_int(dir, "SELECT count(*) FROM runs"), 1);
}

/* Version 9 adds a column: set back to 8, the file already has it, and opens all the same. */
static void test_ledger_schema__set_back_version(void)
{
	const char *dir = unit_tmpdir();
	struct ledger *lg = NULL;

	CHECK(ledger_open(&lg, dir) == 0);
	ledger_close(lg);
	CHECK(ledger_exec(dir, "PRAGMA user_version = 8;") == 0);
	CHECK(ledger_open(&lg, dir) == 0);
	ledger_close(lg);
	CHECK_INTEQ(ledger_query_int(dir, "PRAGMA user_version"), 12);
	CHECK_INTEQ(ledger_query_int(dir, "SELECT count(*) FROM pragma_table_info('runs') WHERE name = 'exit_code'"),
		    1);
}

static void test_ledger_schema__newer_refused(void)
{
	const char *dir = unit_tmpdir();
	struct ledger *lg = NULL;

	CHECK(ledger_open(&lg, dir) == 0);
	ledger_close(lg);
	CHECK(ledger_exec(dir, "PRAGMA user_version = 99;") == 0);
	CHECK(ledger_open(&lg, dir) == FS_EABORT);
	CHECK(lg == NULL);
	CHECK(strstr(err_msg(), "schema version 99 is newer than this finsync (12)") != NULL);
	CHECK_INTEQ(ledger_query_int(dir, "PRAGMA user_version"), 99); /* left as it was */
}

/* The summary's and reconcile's work tables are TEMP: the file never holds them. */
static void test_ledger_schema__work_tables_not_in_file(void)
{
	const char *dir = unit_tmpdir();
	struct ledger *lg = NULL;

	CHECK(ledger_open(&lg, dir) == 0);
	CHECK(ledger_reconcile_crm(lg, "c1") == 0);
	CHECK(ledger_summary_work_outstanding(lg, "F1", 5.0) == 0);
	CHECK_INTEQ(ledger_query_int(dir, "SELECT count(*) FROM sqlite_master WHERE name IN "
					  "('summary_work', 'reconcile_crm', 'reconcile_fin', 'unlink_keep')"),
		    0);
	ledger_close(lg);
}

static const struct unit_test ledger_schema_tests[] = {
	UNIT(test_ledger_schema__from_v11),
	UNIT(test_ledger_schema__set_back_version),
	UNIT(test_ledger_schema__newer_refused),
	UNIT(test_ledger_schema__work_tables_not_in_file),
	{ 0 },
};
UNIT_SUITE(ledger_schema_tests)
