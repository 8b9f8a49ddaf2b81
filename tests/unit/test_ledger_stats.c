/*
 * test_ledger_stats.c - src/ledger/stats.c: run_stats written and read back
 * outcome by outcome, the stage a report shows (the load's, else the
 * transform's), and history's rows (a run without stats keeps its row,
 * --limit counts runs, newest first).
 */
#include <string.h>
#include "finsync/ledger.h"
#include "unit.h"

/* Every outcome a different count: a column read into the wrong field shows. */
static struct stats counts_from(long base)
{
	struct stats s;
	int k;

	for (k = 0; k < OUTCOME_COUNT; k++)
		s.count[k] = base + k;
	return s;
}

struct seen {
	char rows[8][64];
	long counts[8][OUTCOME_COUNT];
	int n;
};

static int remember(const struct run_stats_row *r, void *ud)
{
	struct seen *s = ud;

	if (s->n < 8) {
		snprintf(s->rows[s->n], sizeof(s->rows[0]), "%ld %s %s %s", r->run_id, r->entity ? r->entity : "-",
			 r->stage ? r->stage : "-", r->status ? r->status : "-");
		memcpy(s->counts[s->n], r->s.count, sizeof(s->counts[0]));
	}
	s->n++;
	return 0;
}

static void test_ledger_stats__outcomes_in_column_order(void)
{
	static const char *const expected[] = {
		"added", "updated", "unchanged", "skipped", "duplicates", "failed", "deleted"
	};
	struct stats s = { 0 };
	int k;

	CHECK_INTEQ(OUTCOME_COUNT, 7);
	for (k = 0; k < OUTCOME_COUNT; k++)
		CHECK_STREQ(outcome_columns[k], expected[k]);
	s.duplicates = 4;
	CHECK_INTEQ(s.count[OUTCOME_DUPLICATES], 4);
	CHECK_INTEQ(outcome_lines[OUTCOME_DUPLICATES], OUTCOME_LINE_PART);
	CHECK_INTEQ(outcome_lines[OUTCOME_DELETED], OUTCOME_LINE_NOT);
}

static void test_ledger_stats__put_get_and_replace(void)
{
	struct ledger *lg = NULL;
	struct stats in = counts_from(10), out;
	long run = 0;
	int k;

	CHECK(ledger_open(&lg, unit_tmpdir()) == 0);
	if (!lg)
		return;
	CHECK(ledger_run_start(lg, "job", "load", &run) == 0);
	CHECK_INTEQ(ledger_stats_exist(lg, run, "customers", "load"), 0);
	CHECK_INTEQ(ledger_stats_get(lg, run, "customers", "load", &out), 0);
	CHECK(ledger_stats_add(lg, run, "customers", "load", &in) == 0);
	CHECK_INTEQ(ledger_stats_exist(lg, run, "customers", "load"), 1);
	CHECK_INTEQ(ledger_stats_get(lg, run, "customers", "load", &out), 1);
	for (k = 0; k < OUTCOME_COUNT; k++)
		CHECK_INTEQ(out.count[k], 10 + k);
	/* A second write of the row replaces it. */
	in = counts_from(20);
	CHECK(ledger_stats_add(lg, run, "customers", "load", &in) == 0);
	CHECK_INTEQ(ledger_stats_get(lg, run, "customers", "load", &out), 1);
	CHECK_INTEQ(out.deleted, 26);
	ledger_close(lg);
}

static void test_ledger_stats__report_stage(void)
{
	struct ledger *lg = NULL;
	struct stats plan = counts_from(1), load = counts_from(100);
	struct seen seen = { 0 };
	long run1 = 0, run2 = 0;

	CHECK(ledger_open(&lg, unit_tmpdir()) == 0);
	if (!lg)
		return;
	CHECK(ledger_run_start(lg, "job", "transform,load", &run1) == 0);
	CHECK(ledger_stats_add(lg, run1, "vendors", "transform", &plan) == 0);
	CHECK(ledger_stats_add(lg, run1, "customers", "transform", &plan) == 0);
	CHECK(ledger_stats_add(lg, run1, "customers", "load", &load) == 0);
	CHECK(ledger_run_start(lg, "job", "transform", &run2) == 0);
	CHECK(ledger_stats_add(lg, run2, "items", "transform", &plan) == 0);
	/* A run that loaded shows its load rows only. */
	CHECK(ledger_run_stats_each(lg, run1, NULL, remember, &seen) == 0);
	CHECK_INTEQ(seen.n, 1);
	CHECK_STREQ(seen.rows[0], "1 customers load -");
	CHECK_INTEQ(seen.counts[0][OUTCOME_FAILED], 105);
	/* A dry run shows its plan; a stage asked for is the one shown, entities by name. */
	seen.n = 0;
	CHECK(ledger_run_stats_each(lg, run2, NULL, remember, &seen) == 0);
	CHECK_INTEQ(seen.n, 1);
	CHECK_STREQ(seen.rows[0], "2 items transform -");
	seen.n = 0;
	CHECK(ledger_run_stats_each(lg, run1, "transform", remember, &seen) == 0);
	CHECK_INTEQ(seen.n, 2);
	CHECK_STREQ(seen.rows[0], "1 customers transform -");
	CHECK_STREQ(seen.rows[1], "1 vendors transform -");
	ledger_close(lg);
}

static int stop_at_first(const struct run_stats_row *r, void *ud)
{
	(void)r;
	(*(int *)ud)++;
	return 42;
}

static void test_ledger_stats__history(void)
{
	struct ledger *lg = NULL;
	struct stats load = counts_from(5);
	struct seen seen = { 0 };
	long run1 = 0, run2 = 0, run3 = 0;
	int calls = 0;

	CHECK(ledger_open(&lg, unit_tmpdir()) == 0);
	if (!lg)
		return;
	CHECK(ledger_run_start(lg, "job", "load", &run1) == 0);
	CHECK(ledger_stats_add(lg, run1, "customers", "load", &load) == 0);
	CHECK(ledger_stats_add(lg, run1, "items", "load", &load) == 0);
	CHECK(ledger_run_finish(lg, run1, "ok", NULL) == 0);
	CHECK(ledger_run_start(lg, "job", "extract", &run2) == 0);
	CHECK(ledger_run_finish(lg, run2, "aborted", "no network") == 0);
	CHECK(ledger_run_start(lg, "job", "load", &run3) == 0);
	CHECK(ledger_history_each(lg, 0, remember, &seen) == 0);
	CHECK_INTEQ(seen.n, 4);
	CHECK_STREQ(seen.rows[0], "3 - - running");
	CHECK_STREQ(seen.rows[1], "2 - - aborted");
	CHECK_STREQ(seen.rows[2], "1 customers load ok");
	CHECK_STREQ(seen.rows[3], "1 items load ok");
	CHECK_INTEQ(seen.counts[1][OUTCOME_ADDED], 0);
	CHECK_INTEQ(seen.counts[3][OUTCOME_UNCHANGED], 7);
	/* The limit counts runs, not rows. */
	seen.n = 0;
	CHECK(ledger_history_each(lg, 1, remember, &seen) == 0);
	CHECK_INTEQ(seen.n, 1);
	/* A non-zero return stops the walk and is what the walk returns. */
	CHECK_INTEQ(ledger_history_each(lg, 0, stop_at_first, &calls), 42);
	CHECK_INTEQ(calls, 1);
	ledger_close(lg);
}

static const struct unit_test ledger_stats_tests[] = {
	UNIT(test_ledger_stats__outcomes_in_column_order),
	UNIT(test_ledger_stats__put_get_and_replace),
	UNIT(test_ledger_stats__report_stage),
	UNIT(test_ledger_stats__history),
	{ 0 },
};
UNIT_SUITE(ledger_stats_tests)
