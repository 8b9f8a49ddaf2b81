/*
 * test_load_loop.c - the load skeleton every unit's load goes through
 * (src/stage/load_loop.c), driven by a unit of the test's own: each line
 * reaches take() in order and a malformed one is a failed record; once
 * take() says the budget is spent the rest is only counted, the writes
 * among it waiting for the next run; the closing transaction writes the
 * stats row, the watermark for a CRM read incrementally (not for a CSV
 * export) and the unit's own rows; a finished run's load is not done again.
 */
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/ledger.h"
#include "finsync/ndjson.h"
#include "finsync/staging.h"
#include "../../src/stage/load_loop.h"
#include "job_test.h"
#include "ledger_test.h"
#include "unit.h"

/* The test's unit: notes the ids it takes; with budget_at, the budget runs out at record 3. */
struct fake {
	char taken[128];
	int budget_at, flushed, finished;
	long *waiting;
};

static int take(void *ud, json_t *line)
{
	struct fake *f = ud;
	const char *id = jstr_or(line, "crm_id", "?");
	int rc = 0;

	if (f->budget_at && !strcmp(id, "3")) {
		*f->waiting = 1;
		rc = fail(FS_EBUDGET, "the daily budget of 2 calls is spent");
	} else {
		strcat(f->taken, id);
		strcat(f->taken, ",");
	}
	json_decref(line);
	return rc;
}

static int flush(void *ud)
{
	((struct fake *)ud)->flushed++;
	return 0;
}

static int is_write(json_t *line)
{
	return strcmp(jstr_or(line, "action", ""), "unchanged") != 0;
}

static int finish(void *ud)
{
	((struct fake *)ud)->finished++;
	return 0;
}

static void stage_lines(const char *dir)
{
	static const char *const lines[] = {
		"{\"crm_id\":\"1\",\"action\":\"create\"}",
		"{broken",
		"{\"crm_id\":\"2\",\"action\":\"update\"}",
		"{\"crm_id\":\"3\",\"action\":\"create\"}",
		"{\"crm_id\":\"4\",\"action\":\"unchanged\"}",
		"{\"crm_id\":\"5\",\"action\":\"create\"}",
		NULL
	};
	struct staging_writer *w = NULL;
	const char *const *l;

	CHECK(staging_writer_open(&w, dir, "things") == 0);
	for (l = lines; *l; l++)
		CHECK(staging_write_line(w, *l, strlen(*l)) == 0);
	CHECK(staging_writer_finish(w, NULL) == 0);
}

/* A pipeline of a job (crm: JT_CRM_API or JT_CRM_CSV) with its ledger and run 1 begun. */
static int pipeline_of(struct pipeline *p, const char *crm)
{
	memset(p, 0, sizeof(*p));
	CHECK(tjob_load(crm, JT_FIN("zoho-books"), "{\"customers\":{}}", &p->job) == 0);
	if (!p->job || ledger_open(&p->lg, p->job->state_dir)) {
		job_free(p->job);
		return -1;
	}
	CHECK(ledger_run_start(p->lg, p->job->name, "load", &p->run_id) == 0);
	return 0;
}

static void pipeline_done(struct pipeline *p)
{
	ledger_close(p->lg);
	job_free(p->job);
}

static int run_loop(struct pipeline *p, struct fake *f, struct stats *s, long *waiting)
{
	struct load_loop lp = { p, "things", "records", s, waiting, 0, f, take, flush, is_write, finish };
	struct staging_reader *r = NULL;
	char *dir = xasprintf("%s/loop", p->job->state_dir);
	int rc;

	f->waiting = waiting;
	stage_lines(dir);
	CHECK(staging_reader_open(&r, dir, "things", 0) == 0);
	rc = load_loop_run(&lp, r);
	staging_reader_close(r);
	if (rc == 0 || rc == FS_EBUDGET)
		CHECK(load_finish(&lp) == 0);
	xfree(dir);
	return rc;
}

static void test_load_loop__count(void)
{
	struct stats s = { 0 };

	CHECK_INTEQ(load_count(&s, "create"), 0);
	CHECK_INTEQ(load_count(&s, "update"), 0);
	CHECK_INTEQ(load_count(&s, "void"), 0); /* a deal's: an update */
	CHECK_INTEQ(load_count(&s, "unchanged"), 0);
	CHECK_INTEQ(load_count(&s, "skip"), 0);
	CHECK_INTEQ(load_count(&s, "ambiguous"), 0);
	CHECK_INTEQ(load_count(&s, "failed"), 1);
	CHECK_INTEQ(load_count(&s, "invalid"), 1);
	CHECK(s.added == 1 && s.updated == 2 && s.unchanged == 1 && s.skipped == 2 && s.failed == 2);
}

static void test_load_loop__every_line_then_close(void)
{
	struct pipeline p;
	struct fake f = { "", 0, 0, 0, NULL };
	struct stats s = { 0 };
	long waiting = 0;
	char *mark;

	if (pipeline_of(&p, JT_CRM_API))
		return;
	CHECK(load_done_before(&p, "things") == 0);
	CHECK_INTEQ(run_loop(&p, &f, &s, &waiting), 0);
	CHECK_STREQ(f.taken, "1,2,3,4,5,");
	CHECK_INTEQ(s.failed, 1); /* the broken line */
	CHECK_INTEQ(p.records_failed, 1);
	CHECK(f.flushed == 1 && f.finished == 1);
	CHECK_INTEQ(ledger_query_int(p.job->state_dir, "SELECT failed FROM run_stats WHERE entity = 'things' AND "
						       "stage = 'load'"),
		    1);
	/* A CRM read incrementally: the watermark is the run's start (no extract noted the CRM's clock). */
	mark = ledger_query_text(p.job->state_dir, "SELECT modified_since FROM watermarks WHERE entity = 'things'");
	CHECK(mark && strlen(mark) == 20);
	xfree(mark);
	CHECK(ledger_run_finish(p.lg, p.run_id, "ok", NULL) == 0);
	CHECK_INTEQ(load_done_before(&p, "things"), 1);
	CHECK_INTEQ(load_done_before(&p, "others"), 0);
	pipeline_done(&p);
}

static void test_load_loop__budget_spent(void)
{
	struct pipeline p;
	struct fake f = { "", 1, 0, 0, NULL };
	struct stats s = { 0 };
	long waiting = 0;

	if (pipeline_of(&p, JT_CRM_CSV))
		return;
	CHECK_INTEQ(run_loop(&p, &f, &s, &waiting), FS_EBUDGET);
	CHECK_STREQ(err_msg(), "the daily budget of 2 calls is spent; 2 records wait for the next run");
	CHECK_STREQ(f.taken, "1,2,");
	CHECK_INTEQ(waiting, 2); /* 3 (the one refused) and 5; 4 was unchanged */
	CHECK_INTEQ(f.flushed, 0);
	CHECK_INTEQ(f.finished, 1);
	CHECK_INTEQ(ledger_query_int(p.job->state_dir, "SELECT count(*) FROM run_stats WHERE entity = 'things'"), 1);
	CHECK_INTEQ(ledger_query_int(p.job->state_dir, "SELECT count(*) FROM watermarks"), 0); /* a CSV export */
	pipeline_done(&p);
}

static const struct unit_test load_loop_tests[] = {
	UNIT(test_load_loop__count),
	UNIT(test_load_loop__every_line_then_close),
	UNIT(test_load_loop__budget_spent),
	{ 0 },
};
UNIT_SUITE(load_loop_tests)
