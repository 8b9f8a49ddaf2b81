/*
 * test_run.c - `finsync run` (src/cmd/run.c) against a finsync-sandbox:
 * --dry-run records a dry run that planned and wrote nothing to either
 * side; a real run then creates the CRM's accounts in the finance app,
 * each finance record carrying its CRM id and linked in the ledger, and
 * records its end and (handed down as main() does) its exit status; a
 * second run writes nothing again.
 */
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/cmd.h"
#include "finsync/err.h"
#include "finsync/ndjson.h"
#include "ledger_test.h"
#include "sandbox_test.h"
#include "unit.h"

static struct sandbox_job fx;
static const char *extra;
static int run_rc;

static void run_it(void)
{
	char *argv[] = { (char *)"run", fx.job->path, (char *)extra, NULL };

	run_rc = cmd_run(extra ? 3 : 2, argv);
}

static void run_quietly(void)
{
	xfree(unit_stderr_of(run_it));
}

/* Runs finsync run (with extra, may be NULL); its rc.  What it said on stdout and stderr is dropped. */
static int run_job(const char *with)
{
	extra = with;
	xfree(unit_stdout_of(run_quietly));
	cmd_record_exit(exit_code_for(run_rc, 0)); /* as main() does once it knows the status */
	return run_rc;
}

/* Requests other than reads that reached the finance app or the CRM. */
static int writes(void)
{
	json_t *reqs = ctl(&fx.sb, "GET", "/requests", NULL), *r;
	size_t i;
	int n = 0;

	json_array_foreach(json_object_get(reqs, "requests"), i, r) {
		const char *api = jstr_or(r, "api", ""), *method = jstr_or(r, "method", "");

		n += strcmp(api, "oauth") && strcmp(method, "GET");
	}
	json_decref(reqs);
	return n;
}

/* Finance contacts in the store that carry a CRM id. */
static long synced_contacts(void)
{
	json_t *all = ctl(&fx.sb, "GET", "/store/books/contacts", NULL), *c;
	size_t i;
	long n = 0;

	json_array_foreach(json_object_get(all, "records"), i, c)
		n += jstr(json_object_get(c, "custom_field_hash"), "cf_crm_id") != NULL;
	json_decref(all);
	return n;
}

static void test_run__dry_then_real_then_nothing(void)
{
	const char *dir;
	long linked, before;

	if (sandbox_job_setup(&fx, "books"))
		return;
	dir = fx.job->state_dir;
	CHECK_INTEQ(run_job("--dry-run"), 0);
	CHECK_INTEQ(writes(), 0);
	CHECK_INTEQ(ledger_query_int(dir, "SELECT dry_run FROM runs WHERE id = 1"), 1);
	CHECK_INTEQ(ledger_query_int(dir, "SELECT count(*) FROM links"), 0);
	CHECK_INTEQ(run_job(NULL), 0);
	/* The 8 seeded accounts, two of them duplicates by name of another: 6 created. */
	linked = ledger_query_int(dir, "SELECT count(*) FROM links WHERE state = 'linked'");
	CHECK_INTEQ(linked, 6);
	CHECK_INTEQ(synced_contacts(), linked);
	CHECK_INTEQ(ledger_query_int(dir, "SELECT count(*) FROM runs WHERE id = 2 AND finished_at IS NOT NULL"), 1);
	CHECK_INTEQ(ledger_query_int(dir, "SELECT exit_code FROM runs WHERE id = 2"), 0);
	before = writes();
	CHECK(before > 0);
	CHECK_INTEQ(run_job(NULL), 0);
	CHECK_INTEQ(writes(), before); /* nothing changed: nothing written */
	CHECK_INTEQ(ledger_query_int(dir, "SELECT count(*) FROM runs"), 3);
	sandbox_job_teardown(&fx);
}

static const struct unit_test run_tests[] = {
	UNIT(test_run__dry_then_real_then_nothing),
	{ 0 },
};
UNIT_SUITE(run_tests)
