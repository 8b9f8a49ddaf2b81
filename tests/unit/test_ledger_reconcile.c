/*
 * test_ledger_reconcile.c - reconcile's comparison in SQLite
 * (src/ledger/reconcile.c), each kind on a ledger built for it: missing (in
 * scope, no live finance record, not skipped by policy), orphaned (a finance
 * record carrying a CRM id no link pairs with it), doubled (one CRM id on
 * two finance records), drifted (changed in the app after the link's write,
 * beyond the clock skew allowed), and the counts.
 */
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/ledger.h"
#include "ledger_test.h"
#include "unit.h"

static int add_pair(const char *crm_id, const char *finance_id, void *ud)
{
	char *seen = ud;

	strcat(seen, crm_id ? crm_id : "-");
	strcat(seen, "/");
	strcat(seen, finance_id ? finance_id : "-");
	strcat(seen, " ");
	return 0;
}

static void linked(struct ledger *lg, const char *crm_id, const char *finance_id)
{
	CHECK(ledger_link_put(lg, &(struct link){ .entity = (char *)"customers",
						  .crm_id = (char *)crm_id,
						  .finance_id = (char *)finance_id }) == 0);
}

static char *kind_of(struct ledger *lg, enum reconcile_kind kind, long skew)
{
	char seen[512] = "";

	CHECK(ledger_reconcile_each(lg, "customers", kind, skew, add_pair, seen) == 0);
	return xstrdup(seen);
}

static void test_ledger_reconcile__each_kind(void)
{
	const char *dir = unit_tmpdir();
	struct ledger *lg = NULL;
	long run, in_scope = -1, n_linked = -1;
	long long link_time;
	char *s;

	CHECK(ledger_open(&lg, dir) == 0);
	CHECK(ledger_run_start(lg, "job", "load", &run) == 0);
	linked(lg, "c1", "F1"); /* fine */
	linked(lg, "c2", "F2"); /* its finance record is gone: missing */
	linked(lg, "c5", "F5"); /* changed in the app since: drifted */
	CHECK(ledger_event_add(lg, run, "customers", "Accounts", "c4", NULL, "skip", NULL, "duplicate") == 0);
	link_time = ledger_query_int(dir, "SELECT CAST(strftime('%s', updated_at) AS INTEGER) FROM links "
					  "WHERE crm_id = 'c5'");
	CHECK(ledger_reconcile_reset(lg) == 0);
	CHECK(ledger_reconcile_crm(lg, "c1") == 0);
	CHECK(ledger_reconcile_crm(lg, "c2") == 0);
	CHECK(ledger_reconcile_crm(lg, "c3") == 0); /* never synced: missing */
	CHECK(ledger_reconcile_crm(lg, "c4") == 0); /* skipped by policy: not missing */
	CHECK(ledger_reconcile_crm(lg, "c5") == 0);
	CHECK(ledger_reconcile_crm(lg, "c5") == 0); /* read twice: once in scope */
	CHECK(ledger_reconcile_fin(lg, "F1", "c1", link_time) == 0);
	CHECK(ledger_reconcile_fin(lg, "F5", "c5", link_time + 100) == 0);
	CHECK(ledger_reconcile_fin(lg, "F7", "c7", -1) == 0); /* made by hand with a CRM id: orphaned */
	CHECK(ledger_reconcile_fin(lg, "F8", "c7", -1) == 0); /* and again: doubled */
	CHECK(ledger_reconcile_fin(lg, "F9", NULL, -1) == 0); /* the app's own record: nothing */
	CHECK(ledger_reconcile_counts(lg, "customers", &in_scope, &n_linked) == 0);
	CHECK_INTEQ(in_scope, 5);
	CHECK_INTEQ(n_linked, 2);
	s = kind_of(lg, RECONCILE_MISSING, 0);
	CHECK_STREQ(s, "c2/F2 c3/- ");
	xfree(s);
	s = kind_of(lg, RECONCILE_ORPHANED, 0);
	CHECK_STREQ(s, "c7/F7 c7/F8 ");
	xfree(s);
	s = kind_of(lg, RECONCILE_DOUBLED, 0);
	CHECK_STREQ(s, "c7/- ");
	xfree(s);
	s = kind_of(lg, RECONCILE_DRIFTED, 0);
	CHECK_STREQ(s, "c5/F5 ");
	xfree(s);
	s = kind_of(lg, RECONCILE_DRIFTED, 100); /* within the skew: the link's own write */
	CHECK_STREQ(s, "");
	xfree(s);
	/* Reset empties the work for the next entity. */
	CHECK(ledger_reconcile_reset(lg) == 0);
	CHECK(ledger_reconcile_counts(lg, "customers", &in_scope, &n_linked) == 0);
	CHECK(in_scope == 0 && n_linked == 0);
	ledger_close(lg);
}

static int stop_at_first(const char *crm_id, const char *finance_id, void *ud)
{
	(void)crm_id;
	(void)finance_id;
	++*(int *)ud;
	return 9;
}

static void test_ledger_reconcile__callback_stops(void)
{
	struct ledger *lg = NULL;
	int calls = 0;

	CHECK(ledger_open(&lg, unit_tmpdir()) == 0);
	CHECK(ledger_reconcile_crm(lg, "a") == 0);
	CHECK(ledger_reconcile_crm(lg, "b") == 0);
	CHECK_INTEQ(ledger_reconcile_each(lg, "customers", RECONCILE_MISSING, 0, stop_at_first, &calls), 9);
	CHECK_INTEQ(calls, 1);
	ledger_close(lg);
}

static const struct unit_test ledger_reconcile_tests[] = {
	UNIT(test_ledger_reconcile__each_kind),
	UNIT(test_ledger_reconcile__callback_stops),
	{ 0 },
};
UNIT_SUITE(ledger_reconcile_tests)
