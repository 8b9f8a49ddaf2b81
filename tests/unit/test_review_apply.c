/*
 * test_review_apply.c - `finsync review --apply` (src/cmd/review_apply.c)
 * on a run written by the test (review_test.h): a good decision (link the
 * ambiguous record to a candidate of the snapshot) is recorded in the
 * ledger's decisions; a bad row (a link to a finance record the run never
 * saw, a decision on an invalid record, a CRM id a spreadsheet turned into
 * a number) is named by its line and ignored; a file with no good row
 * records nothing.
 */
#include <stdio.h>
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/cmd.h"
#include "finsync/ledger.h"
#include "ledger_test.h"
#include "review_test.h"
#include "unit.h"

#define HEADER "run,entity,crm_module,crm_id,name,action,match,reason,candidate_ids,candidate_names,score,decision\r\n"

static struct job *job;
static char *file;
static int apply_rc;

static void apply(void)
{
	char *argv[] = { (char *)"review", job->path, (char *)"--apply", file, NULL };

	apply_rc = cmd_review(4, argv);
}

/* Writes the decisions file and applies it; what was said on stderr (xfree). */
static char *apply_text(const char *rows)
{
	FILE *fp;

	xfree(file);
	file = xasprintf("%s/decisions.csv", job->dir);
	fp = fopen(file, "w");
	fputs(HEADER, fp);
	fputs(rows, fp);
	fclose(fp);
	return unit_stderr_of(apply);
}

static void done(void)
{
	xfree(file);
	file = NULL;
	job_free(job);
	job = NULL;
}

static void test_review_apply__good_and_bad_rows(void)
{
	char *said, *d;

	if (!(job = review_run()))
		return;
	said = apply_text(
		"1,customers,Accounts,\"=\"\"4150868000000087001\"\"\",Acme,ambiguous,name,,F1 F2,,,link:F2\r\n"
		"1,customers,Accounts,\"=\"\"4150868000000087002\"\"\",,invalid,,no name,,,,create\r\n");
	CHECK(strstr(said, "decisions.csv line 3: CRM record 4150868000000087002 is invalid (no name): fix it in the "
			   "CRM, a decision cannot; row ignored\n") != NULL);
	CHECK(strstr(said, "line 2: ") == NULL);
	CHECK_INTEQ(apply_rc, 0);
	xfree(said);
	CHECK_INTEQ(ledger_query_int(job->state_dir, "SELECT count(*) FROM decisions"), 1);
	d = ledger_query_text(job->state_dir, "SELECT decision || ':' || finance_id FROM decisions WHERE crm_id = "
					      "'4150868000000087001'");
	CHECK_STREQ(d, "link:F2");
	xfree(d);
	done();
}

static void test_review_apply__link_to_a_record_never_seen(void)
{
	char *said;

	if (!(job = review_run()))
		return;
	said = apply_text(
		"1,customers,Accounts,\"=\"\"4150868000000087001\"\"\",Acme,ambiguous,name,,F1 F2,,,link:F9\r\n");
	CHECK(strstr(said, "decisions.csv line 2: finance id 'F9' is not in run 1's snapshot of Zoho Books customers; "
			   "row ignored\n") != NULL);
	CHECK_INTEQ(ledger_query_int(job->state_dir, "SELECT count(*) FROM decisions"), 0);
	xfree(said);
	done();
}

/* A CRM id a spreadsheet turned into a number: the line is named and nothing at all is recorded. */
static void test_review_apply__ids_turned_into_numbers(void)
{
	char *said;

	if (!(job = review_run()))
		return;
	said = apply_text(
		"1,customers,Accounts,\"=\"\"4150868000000087001\"\"\",Acme,ambiguous,name,,F1 F2,,,link:F2\r\n"
		"1,customers,Accounts,4.15086800000009E+018,Acme,ambiguous,name,,F1 F2,,,skip\r\n");
	CHECK(strstr(said, "decisions.csv line 3: crm_id '4.15086800000009E+018' was turned into a number by a "
			   "spreadsheet: its digits are lost\n") != NULL);
	CHECK_INTEQ(ledger_query_int(job->state_dir, "SELECT count(*) FROM decisions"), 0);
	xfree(said);
	done();
}

static const struct unit_test review_apply_tests[] = {
	UNIT(test_review_apply__good_and_bad_rows),
	UNIT(test_review_apply__link_to_a_record_never_seen),
	UNIT(test_review_apply__ids_turned_into_numbers),
	{ 0 },
};
UNIT_SUITE(review_apply_tests)
