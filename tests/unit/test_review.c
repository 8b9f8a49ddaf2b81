/*
 * test_review.c - `finsync review`'s listing (src/cmd/review.c) of a run
 * written by the test (review_test.h): one CSV row per record an analyst
 * decides on, the ambiguous one with its candidates' ids and names from
 * the run's snapshot, the invalid one with its reason, and an empty
 * decision column; a record the run created is not listed.
 */
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/cmd.h"
#include "review_test.h"
#include "unit.h"

static int review_into(struct job *job, char *out)
{
	char *argv[] = { (char *)"review", job->path, (char *)"-o", out, NULL };

	return cmd_review(4, argv);
}

static void test_review__listing(void)
{
	struct job *job = review_run();
	char *out, *text;

	if (!job)
		return;
	out = xasprintf("%s/review.csv", job->dir);
	CHECK(review_into(job, out) == 0);
	text = unit_read_file(out);
	CHECK_STREQ(
		text,
		"run,entity,crm_module,crm_id,name,action,match,reason,candidate_ids,candidate_names,score,decision\r\n"
		"1,customers,Accounts,\"=\"\"4150868000000087001\"\"\",Acme,ambiguous,name,"
		"2 finance customers named Acme,F1 F2,One | Two,,\r\n"
		"1,customers,Accounts,\"=\"\"4150868000000087002\"\"\",,invalid,,no name,,,,\r\n");
	xfree(text);
	xfree(out);
	job_free(job);
}

static const struct unit_test review_tests[] = {
	UNIT(test_review__listing),
	{ 0 },
};
UNIT_SUITE(review_tests)
