/*
 * test_history.c - `finsync history` (src/cmd/history.c) on a ledger
 * written here: one row per run and entity, newest first, with the run's
 * status, exit status and counts, as CSV and as JSON into -o FILE; --limit
 * keeps the newest; a run without stats still has its row (and, in JSON,
 * its error).
 */
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/cmd.h"
#include "finsync/ledger.h"
#include "job_test.h"
#include "unit.h"

/* A job whose ledger holds run 1 (ok: 5 customers added), 2 (partial: 1 added, 2 failed), 3 (no stats). */
static struct job *job_with_runs(void)
{
	struct job *job = NULL;
	struct ledger *lg = NULL;
	struct stats s = { 0 };
	long run;

	CHECK(tjob_load(JT_CRM_CSV, JT_FIN("zoho-books"), "{\"customers\":{}}", &job) == 0);
	if (!job || ledger_open(&lg, job->state_dir)) {
		job_free(job);
		return NULL;
	}
	CHECK(ledger_run_start(lg, "unit", "extract,transform,load", &run) == 0);
	s.added = 5;
	CHECK(ledger_stats_add(lg, run, "customers", "load", &s) == 0);
	CHECK(ledger_run_finish(lg, run, "ok", NULL) == 0);
	CHECK(ledger_run_set_exit_code(lg, run, 0) == 0);
	CHECK(ledger_run_start(lg, "unit", "extract,transform,load", &run) == 0);
	s.added = 1;
	s.failed = 2;
	CHECK(ledger_stats_add(lg, run, "customers", "load", &s) == 0);
	CHECK(ledger_run_finish(lg, run, "partial", NULL) == 0);
	CHECK(ledger_run_set_exit_code(lg, run, 1) == 0);
	CHECK(ledger_run_start(lg, "unit", "extract", &run) == 0);
	CHECK(ledger_run_finish(lg, run, "aborted", "cannot reach the CRM") == 0);
	ledger_close(lg);
	return job;
}

static char *history_of(struct job *job, const char *format, const char *limit)
{
	char *out = xasprintf("%s/history.out", job->dir), *text;
	char *argv[] = {
		(char *)"history", job->path, (char *)"--format", (char *)format, (char *)"-o", out, (char *)"--limit",
		(char *)limit,     NULL
	};

	CHECK(cmd_history(8, argv) == 0);
	text = unit_read_file(out);
	xfree(out);
	return text;
}

/* Line n (from 0) of text, without its CRLF (xfree); NULL past the end. */
static char *line_of(const char *text, int n)
{
	for (; text && n > 0; n--)
		text = (text = strchr(text, '\n')) ? text + 1 : NULL;
	return text && *text ? xstrndup(text, strcspn(text, "\r\n")) : NULL;
}

/* Line n of text starts with head and ends with tail (the times between change run to run). */
static void check_line(const char *text, int n, const char *head, const char *tail)
{
	char *l = line_of(text, n);
	size_t len = l ? strlen(l) : 0;

	if (!l || strncmp(l, head, strlen(head)) || len < strlen(tail) || strcmp(l + len - strlen(tail), tail)) {
		fprintf(stderr, "line %d: '%s', wanted '%s…%s'\n", n, l ? l : "(none)", head, tail);
		unit_failures++;
	}
	xfree(l);
}

static void test_history__csv(void)
{
	struct job *job = job_with_runs();
	char *csv, *four;

	if (!job)
		return;
	csv = history_of(job, "csv", "0");
	check_line(csv, 0,
		   "run,started_at,finished_at,status,entity,added,updated,unchanged,skipped,duplicates,"
		   "failed,deleted,exit_code,dry_run,calls_planned,calls_made",
		   "");
	check_line(csv, 1, "3,", ",aborted,,,,,,,,,,0,,"); /* no stats, no exit status */
	check_line(csv, 2, "2,", ",partial,customers,1,0,0,0,0,2,0,1,0,,");
	check_line(csv, 3, "1,", ",ok,customers,5,0,0,0,0,0,0,0,0,,");
	four = line_of(csv, 4);
	CHECK(four == NULL);
	xfree(four);
	xfree(csv);
	job_free(job);
}

static void test_history__json_newest_first(void)
{
	struct job *job = job_with_runs();
	json_t *runs, *two;
	char *js;

	if (!job)
		return;
	js = history_of(job, "json", "2");
	runs = js ? json_loads(js, 0, NULL) : NULL;
	CHECK_INTEQ(json_array_size(runs), 2); /* --limit 2 */
	CHECK_INTEQ(json_integer_value(json_object_get(json_array_get(runs, 0), "run")), 3);
	CHECK_STREQ(json_string_value(json_object_get(json_array_get(runs, 0), "error")), "cannot reach the CRM");
	CHECK(json_is_null(json_object_get(json_array_get(runs, 0), "exit_code")));
	two = json_array_get(runs, 1);
	CHECK_INTEQ(json_integer_value(json_object_get(two, "exit_code")), 1);
	CHECK_STREQ(json_string_value(json_object_get(two, "stats_stage")), "load");
	CHECK_INTEQ(json_integer_value(json_object_get(json_object_get(json_object_get(two, "entities"), "customers"),
						       "failed")),
		    2);
	json_decref(runs);
	xfree(js);
	job_free(job);
}

static const struct unit_test history_tests[] = {
	UNIT(test_history__csv),
	UNIT(test_history__json_newest_first),
	{ 0 },
};
UNIT_SUITE(history_tests)
