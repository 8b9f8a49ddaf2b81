/*
 * test_ledger_core.c - opening the ledger and its transactions
 * (src/ledger/core.c): the file is made in a state dir made on the way and
 * made owner-only when it was not, what is committed is in the file and what is rolled back (or
 * left open at close) is not, and a state dir that cannot be made is
 * refused naming it.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/ledger.h"
#include "ledger_test.h"
#include "unit.h"

static void test_ledger_core__open_makes_private_file(void)
{
	char *dir = xasprintf("%s/state/job", unit_tmpdir());
	char *path = xasprintf("%s/ledger.sqlite", dir), *mode;
	struct ledger *lg = NULL;
	struct stat st;

	CHECK(ledger_open(&lg, dir) == 0);
	CHECK(lg != NULL);
	ledger_close(lg);
	CHECK(stat(path, &st) == 0 && S_ISREG(st.st_mode));
	/* A new file's mode is main()'s umask (077); one copied in readable by others is made owner-only. */
	CHECK(chmod(path, 0644) == 0);
	CHECK(ledger_open(&lg, dir) == 0);
	ledger_close(lg);
	CHECK(stat(path, &st) == 0);
	CHECK_INTEQ(st.st_mode & 0777, 0600);
	mode = ledger_query_text(dir, "PRAGMA journal_mode");
	CHECK_STREQ(mode, "wal");
	xfree(mode);
	xfree(path);
	xfree(dir);
}

static void test_ledger_core__commit_and_rollback(void)
{
	const char *dir = unit_tmpdir();
	struct ledger *lg = NULL;
	char *v = NULL;

	CHECK(ledger_open(&lg, dir) == 0);
	CHECK(ledger_begin(lg) == 0);
	CHECK(ledger_state_set(lg, "kept", "1") == 0);
	CHECK(ledger_commit(lg) == 0);
	CHECK(ledger_begin(lg) == 0);
	CHECK(ledger_state_set(lg, "dropped", "1") == 0);
	ledger_rollback(lg);
	CHECK(ledger_state_get(lg, "dropped", &v) == 0);
	/* A transaction still open when the ledger is closed is rolled back, not committed. */
	CHECK(ledger_begin(lg) == 0);
	CHECK(ledger_state_set(lg, "open_at_close", "1") == 0);
	ledger_close(lg);
	CHECK_INTEQ(ledger_query_int(dir, "SELECT count(*) FROM job_state WHERE key = 'kept'"), 1);
	CHECK_INTEQ(ledger_query_int(dir, "SELECT count(*) FROM job_state WHERE key <> 'kept'"), 0);
}

/* A read snapshot around lookups, then a write once it is over. */
static void test_ledger_core__read_snapshot(void)
{
	struct ledger *lg = NULL;
	char *v = NULL;

	CHECK(ledger_open(&lg, unit_tmpdir()) == 0);
	CHECK(ledger_state_set(lg, "k", "v1") == 0);
	CHECK(ledger_read_begin(lg) == 0);
	CHECK(ledger_state_get(lg, "k", &v) == 1);
	CHECK_STREQ(v, "v1");
	xfree(v);
	CHECK(ledger_read_end(lg) == 0);
	CHECK(ledger_begin(lg) == 0); /* the snapshot is over: a write can begin */
	CHECK(ledger_commit(lg) == 0);
	ledger_close(lg);
}

static void test_ledger_core__state_dir_refused(void)
{
	const char *top = unit_tmpdir();
	char *file = xasprintf("%s/plain", top), *dir = xasprintf("%s/plain/state", top);
	struct ledger *lg = (struct ledger *)1;
	FILE *fp = fopen(file, "w");

	fclose(fp);
	CHECK(ledger_open(&lg, dir) == FS_EABORT);
	CHECK(lg == NULL);
	CHECK(!strncmp(err_msg(), "state dir: cannot create '", 26));
	CHECK(strstr(err_msg(), "/plain/state'") != NULL);
	xfree(file);
	xfree(dir);
}

static void test_ledger_core__not_a_database(void)
{
	const char *dir = unit_tmpdir();
	char *path = xasprintf("%s/ledger.sqlite", dir);
	struct ledger *lg = NULL;
	FILE *fp = fopen(path, "w");

	fputs("this is not a SQLite file, it only has its name; long enough to have a header\n", fp);
	fclose(fp);
	CHECK(ledger_open(&lg, dir) == FS_EABORT);
	CHECK(lg == NULL);
	CHECK(!strncmp(err_msg(), "ledger '", 8));
	CHECK(strstr(err_msg(), "/ledger.sqlite': ") != NULL);
	xfree(path);
}

static const struct unit_test ledger_core_tests[] = {
	UNIT(test_ledger_core__open_makes_private_file), UNIT(test_ledger_core__commit_and_rollback),
	UNIT(test_ledger_core__read_snapshot),           UNIT(test_ledger_core__state_dir_refused),
	UNIT(test_ledger_core__not_a_database),          { 0 },
};
UNIT_SUITE(ledger_core_tests)
