/*
 * test_run_exit.c - the process's exit status into the ledger
 * (src/cmd/run_exit.c): every run noted (once, however often noted) gets
 * the status main() hands down, the others keep none; once recorded,
 * nothing is left noted; and a ledger that cannot take it leaves the
 * status alone with a warning.
 */
#include <stdio.h>
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/cmd.h"
#include "finsync/ledger.h"
#include "finsync/log.h"
#include "ledger_test.h"
#include "unit.h"

static void test_run_exit__noted_runs_get_the_status(void)
{
	const char *dir = unit_tmpdir();
	struct ledger *lg = NULL;
	long a, b, c;

	CHECK(ledger_open(&lg, dir) == 0);
	CHECK(ledger_run_start(lg, "job", "extract", &a) == 0);
	CHECK(ledger_run_start(lg, "job", "load", &b) == 0);
	CHECK(ledger_run_start(lg, "job", "load", &c) == 0);
	ledger_close(lg);
	cmd_note_run(dir, a);
	cmd_note_run(dir, c);
	cmd_note_run(dir, a);
	cmd_record_exit(5);
	CHECK_INTEQ(ledger_query_int(dir, "SELECT count(*) FROM runs WHERE exit_code = 5"), 2);
	CHECK_INTEQ(ledger_query_int(dir, "SELECT exit_code IS NULL FROM runs WHERE id = 2"), 1);
	cmd_record_exit(0); /* nothing noted any more: nothing written */
	CHECK_INTEQ(ledger_query_int(dir, "SELECT count(*) FROM runs WHERE exit_code = 0"), 0);
	(void)b;
}

static const char *bad_dir;

static void record_into_a_file(void)
{
	log_setup(LOG_INFO, LOG_TEXT);
	cmd_note_run(bad_dir, 1);
	cmd_record_exit(3);
}

static void test_run_exit__ledger_refusing_is_a_warning(void)
{
	const char *top = unit_tmpdir();
	char *file = xasprintf("%s/plain", top), *text;
	FILE *fp = fopen(file, "w");

	fclose(fp);
	bad_dir = file; /* a file where the state dir should be */
	text = unit_stderr_of(record_into_a_file);
	CHECK(strstr(text, "warn: the exit status 3 is not in the ledger: ") != NULL);
	xfree(text);
	xfree(file);
}

static const struct unit_test run_exit_tests[] = {
	UNIT(test_run_exit__noted_runs_get_the_status),
	UNIT(test_run_exit__ledger_refusing_is_a_warning),
	{ 0 },
};
UNIT_SUITE(run_exit_tests)
