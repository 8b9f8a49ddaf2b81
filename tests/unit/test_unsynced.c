/*
 * test_unsynced.c - a run's closing warning (src/cmd/unsynced.c): per
 * entity the records not synced, by outcome, from the run's newest events;
 * for a run that did not load, the invalid records its transform counted,
 * "would not sync"; nothing said when all went through.
 */
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/ledger.h"
#include "finsync/log.h"
#include "../../src/cmd/unsynced.h"
#include "unit.h"

static struct ledger *lg;
static long run;
static int loaded;

static void say(void)
{
	log_setup(LOG_INFO, LOG_TEXT);
	CHECK(say_unsynced(lg, run, "nightly.json", loaded) == 0);
}

static void event(const char *entity, const char *crm_id, const char *action)
{
	CHECK(ledger_event_add(lg, run, entity, "Accounts", crm_id, NULL, action, NULL, "why") == 0);
}

static void test_unsynced__loaded_run(void)
{
	char *text;

	CHECK(ledger_open(&lg, unit_tmpdir()) == 0);
	CHECK(ledger_run_start(lg, "nightly", "load", &run) == 0);
	loaded = 1;
	text = unit_stderr_of(say);
	CHECK_STREQ(text, ""); /* nothing left behind: nothing said */
	xfree(text);
	event("customers", "1", "failed");
	event("customers", "2", "invalid");
	event("customers", "3", "failed");
	event("customers", "4", "failed");
	event("customers", "4", "update"); /* retried within the run: synced */
	event("items", "9", "ambiguous");
	event("items", "8", "create");
	text = unit_stderr_of(say);
	CHECK_STREQ(text,
		    "finsync: warn: customers: 3 records not synced (2 failed, 1 invalid); "
		    "see 'finsync review nightly.json'\n"
		    "finsync: warn: items: 1 record not synced (1 ambiguous); see 'finsync review nightly.json'\n");
	xfree(text);
	ledger_close(lg);
	lg = NULL;
}

static void test_unsynced__dry_run_from_the_transform(void)
{
	struct stats s = { 0 };
	char *text;

	CHECK(ledger_open(&lg, unit_tmpdir()) == 0);
	CHECK(ledger_run_start(lg, "nightly", "transform", &run) == 0);
	s.failed = 2;
	CHECK(ledger_stats_add(lg, run, "vendors", "transform", &s) == 0);
	loaded = 0;
	text = unit_stderr_of(say);
	CHECK_STREQ(
		text,
		"finsync: warn: vendors: 2 records would not sync (2 invalid); see 'finsync review nightly.json'\n");
	xfree(text);
	ledger_close(lg);
	lg = NULL;
}

static const struct unit_test unsynced_tests[] = {
	UNIT(test_unsynced__loaded_run),
	UNIT(test_unsynced__dry_run_from_the_transform),
	{ 0 },
};
UNIT_SUITE(unsynced_tests)
