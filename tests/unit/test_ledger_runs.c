/*
 * test_ledger_runs.c - src/ledger/runs.c and core.c: runs walked newest
 * first (one run asked for by id), watermarks and API usage as status reads
 * them, the read snapshot, and the statement cache surviving a reopen.
 */
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/ledger.h"
#include "unit.h"

struct ids {
	long id[8];
	int n, stop_at; /* stop_at: the call (1-based) that stops the walk; 0 never */
};

static int take_id(long run_id, void *ud)
{
	struct ids *s = ud;

	if (s->n < 8)
		s->id[s->n] = run_id;
	return ++s->n == s->stop_at;
}

static void test_ledger_runs__newest_first(void)
{
	struct ledger *lg = NULL;
	struct ids seen = { { 0 }, 0, 0 };
	long run = 0;
	int i;

	CHECK(ledger_open(&lg, unit_tmpdir()) == 0);
	if (!lg)
		return;
	for (i = 0; i < 3; i++)
		CHECK(ledger_run_start(lg, "job", "extract", &run) == 0);
	CHECK(ledger_runs_each(lg, 0, take_id, &seen) == 0);
	CHECK_INTEQ(seen.n, 3);
	CHECK_INTEQ(seen.id[0], 3);
	CHECK_INTEQ(seen.id[2], 1);
	memset(&seen, 0, sizeof(seen));
	CHECK(ledger_runs_each(lg, 2, take_id, &seen) == 0);
	CHECK_INTEQ(seen.n, 1);
	CHECK_INTEQ(seen.id[0], 2);
	memset(&seen, 0, sizeof(seen));
	CHECK(ledger_runs_each(lg, 9, take_id, &seen) == 0);
	CHECK_INTEQ(seen.n, 0);
	/* The walk stops where the callback says, with its answer. */
	memset(&seen, 0, sizeof(seen));
	seen.stop_at = 2;
	CHECK_INTEQ(ledger_runs_each(lg, 0, take_id, &seen), 1);
	CHECK_INTEQ(seen.n, 2);
	ledger_close(lg);
}

static int take_watermark(const char *entity, const char *since, long run_id, void *ud)
{
	char *line = xasprintf("%s %s %ld;", entity, since, run_id);

	strcat(ud, line);
	xfree(line);
	return 0;
}

static int take_usage(const char *api, long calls, void *ud)
{
	char *line = xasprintf("%s=%ld;", api, calls);

	strcat(ud, line);
	xfree(line);
	return 0;
}

static void test_ledger_runs__watermarks_and_usage(void)
{
	struct ledger *lg = NULL;
	char text[256] = "";
	long calls = 0;

	CHECK(ledger_open(&lg, unit_tmpdir()) == 0);
	if (!lg)
		return;
	CHECK(ledger_watermark_put(lg, "vendors", "2026-02-01T00:00:00Z", 4) == 0);
	CHECK(ledger_watermark_put(lg, "customers", "2026-01-01T00:00:00Z", 3) == 0);
	CHECK(ledger_watermarks_each(lg, take_watermark, text) == 0);
	CHECK_STREQ(text, "customers 2026-01-01T00:00:00Z 3;vendors 2026-02-01T00:00:00Z 4;");
	text[0] = '\0';
	CHECK(ledger_usage_add(lg, "finance", "2026-03-01", 5) == 0);
	CHECK(ledger_usage_add(lg, "finance", "2026-03-01", 2) == 0);
	CHECK(ledger_usage_add(lg, "crm", "2026-03-01", 1) == 0);
	CHECK(ledger_usage_add(lg, "crm", "2026-02-28", 9) == 0);
	CHECK(ledger_usage_each(lg, "2026-03-01", take_usage, text) == 0);
	CHECK_STREQ(text, "crm=1;finance=7;");
	CHECK(ledger_usage_get(lg, "crm", "2026-02-28", &calls) == 0);
	CHECK_INTEQ(calls, 9);
	ledger_close(lg);
}

/* A read snapshot is a transaction: a write inside it is refused until it ends. */
static void test_ledger_runs__read_snapshot(void)
{
	struct ledger *lg = NULL;

	CHECK(ledger_open(&lg, unit_tmpdir()) == 0);
	if (!lg)
		return;
	CHECK(ledger_read_begin(lg) == 0);
	CHECK_INTEQ(ledger_entity_known(lg, "customers"), 0);
	CHECK(ledger_begin(lg) == FS_EABORT);
	CHECK(strstr(err_msg(), "ledger.sqlite") != NULL);
	CHECK(ledger_read_end(lg) == 0);
	CHECK(ledger_begin(lg) == 0);
	CHECK(ledger_commit(lg) == 0);
	/* Nothing to end: the error is returned, not swallowed. */
	CHECK(ledger_read_end(lg) == FS_EABORT);
	ledger_close(lg);
}

/* The owner check: a ledger of no job is claimed; another job's is refused naming both. */
static void test_ledger_runs__job_check(void)
{
	const char *dir = unit_tmpdir();
	struct ledger *lg = NULL;

	CHECK(ledger_open(&lg, dir) == 0);
	if (!lg)
		return;
	CHECK(ledger_job_check(lg, "nightly", dir, 1) == 0);
	CHECK(ledger_job_check(lg, "nightly", dir, 0) == 0);
	CHECK(ledger_job_check(lg, "hourly", dir, 0) == FS_EUSAGE);
	CHECK(strstr(err_msg(), "'nightly'") && strstr(err_msg(), "'hourly'"));
	ledger_close(lg);
	/* Reopened, the cached statements are prepared afresh. */
	CHECK(ledger_open(&lg, dir) == 0);
	CHECK(ledger_job_check(lg, "hourly", dir, 0) == FS_EUSAGE);
	ledger_close(lg);
}

static const struct unit_test ledger_runs_tests[] = {
	UNIT(test_ledger_runs__newest_first),
	UNIT(test_ledger_runs__watermarks_and_usage),
	UNIT(test_ledger_runs__read_snapshot),
	UNIT(test_ledger_runs__job_check),
	{ 0 },
};
UNIT_SUITE(ledger_runs_tests)
