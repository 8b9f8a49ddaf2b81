/*
 * test_ledger_events.c - src/ledger/events.c and links.c: what later runs
 * and reports ask of the events (records failing now, a run's problems,
 * ids to read again), whether an entity is known, and the link walk giving
 * back its callback's error.
 */
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/ledger.h"
#include "unit.h"

static int event(struct ledger *lg, long run, const char *crm_id, const char *action)
{
	return ledger_event_add(lg, run, "customers", "Accounts", crm_id, NULL, action, NULL, "why");
}

static char *ids_text(json_t *ids)
{
	char *s = json_dumps(ids, JSON_COMPACT);

	json_decref(ids);
	return s;
}

static void test_ledger_events__failures(void)
{
	struct ledger *lg = NULL;
	json_t *ids = NULL;
	char *text;
	long run1 = 0, run2 = 0, n = -1;

	CHECK(ledger_open(&lg, unit_tmpdir()) == 0);
	if (!lg)
		return;
	CHECK(ledger_run_start(lg, "job", "load", &run1) == 0);
	CHECK(event(lg, run1, "a1", "failed") == 0);
	CHECK(event(lg, run1, "a2", "failed") == 0);
	CHECK(event(lg, run1, "a3", "invalid") == 0);
	CHECK(event(lg, run1, "a4", "create") == 0);
	CHECK(ledger_run_start(lg, "job", "load", &run2) == 0);
	CHECK(event(lg, run2, "a1", "update") == 0); /* a1 went through the next time */
	CHECK(ledger_failed_count(lg, &n) == 0);
	CHECK_INTEQ(n, 1);
	CHECK(ledger_failed_ids(lg, "customers", "Accounts", &ids) == 0);
	text = ids_text(ids);
	CHECK_STREQ(text, "[\"a2\"]");
	xfree(text);
	CHECK(ledger_problems_count(lg, run1, &n) == 0);
	CHECK_INTEQ(n, 3);
	CHECK(ledger_problems_count(lg, run2, &n) == 0);
	CHECK_INTEQ(n, 0);
	ledger_close(lg);
}

struct problems {
	char text[128];
};

static int take_problem(const struct event_row *e, void *ud)
{
	struct problems *p = ud;
	char *line = xasprintf("%s:%s:%s;", e->crm_id, e->action, e->crm_module);

	strcat(p->text, line);
	xfree(line);
	return 0;
}

static void test_ledger_events__problems_capped(void)
{
	struct ledger *lg = NULL;
	struct problems p = { "" };
	long run = 0, n = 0;

	CHECK(ledger_open(&lg, unit_tmpdir()) == 0);
	if (!lg)
		return;
	CHECK(ledger_run_start(lg, "job", "load", &run) == 0);
	CHECK(event(lg, run, "a1", "ambiguous") == 0);
	CHECK(event(lg, run, "a2", "create") == 0);
	CHECK(event(lg, run, "a3", "failed") == 0);
	CHECK(event(lg, run, "a4", "invalid") == 0);
	CHECK(ledger_problems_each(lg, run, 2, take_problem, &p) == 0);
	CHECK_STREQ(p.text, "a1:ambiguous:Accounts;a3:failed:Accounts;");
	CHECK(ledger_problems_count(lg, run, &n) == 0);
	CHECK_INTEQ(n, 3);
	ledger_close(lg);
}

static int fail_on_second(const struct link *l, void *ud)
{
	(void)l;
	return ++*(int *)ud == 2 ? fail(FS_EAPI, "the second link refused") : 0;
}

static void test_ledger_events__links(void)
{
	struct ledger *lg = NULL;
	struct link l = { 0 };
	struct decision d = { 0 };
	int calls = 0;

	CHECK(ledger_open(&lg, unit_tmpdir()) == 0);
	if (!lg)
		return;
	CHECK_INTEQ(ledger_entity_known(lg, "customers"), 0);
	d.entity = (char *)"vendors";
	d.crm_id = (char *)"v1";
	d.decision = (char *)"skip";
	CHECK(ledger_decision_put(lg, &d) == 0);
	CHECK_INTEQ(ledger_entity_known(lg, "vendors"), 1); /* a decision alone makes it known */
	l.entity = (char *)"customers";
	l.crm_id = (char *)"a1";
	l.finance_id = (char *)"f1";
	CHECK(ledger_link_put(lg, &l) == 0);
	l.crm_id = (char *)"a2";
	l.finance_id = (char *)"f2";
	CHECK(ledger_link_put(lg, &l) == 0);
	l.crm_id = (char *)"a3";
	l.finance_id = NULL;
	l.state = (char *)"pending";
	CHECK(ledger_link_put(lg, &l) == 0);
	CHECK_INTEQ(ledger_entity_known(lg, "customers"), 1);
	CHECK_INTEQ(ledger_links_count(lg, "customers"), 3);
	CHECK_INTEQ(ledger_linked_count(lg, "customers"), 2);
	CHECK_INTEQ(ledger_links_count(lg, "deals"), 0);
	/* The callback's error is the walk's, message and all. */
	CHECK_INTEQ(ledger_links_each(lg, "customers", 0, fail_on_second, &calls), FS_EAPI);
	CHECK_INTEQ(calls, 2);
	CHECK_STREQ(err_msg(), "the second link refused");
	CHECK(ledger_link_delete(lg, "customers", "a1") == 0);
	CHECK_INTEQ(ledger_linked_count(lg, "customers"), 1);
	ledger_close(lg);
}

static const struct unit_test ledger_events_tests[] = {
	UNIT(test_ledger_events__failures),
	UNIT(test_ledger_events__problems_capped),
	UNIT(test_ledger_events__links),
	{ 0 },
};
UNIT_SUITE(ledger_events_tests)
