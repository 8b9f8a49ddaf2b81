/*
 * test_check.c - `finsync check` (src/cmd/check.c) against a
 * finsync-sandbox: a job whose organisations have what it names passes,
 * each check on a line of its own; one that maps a CRM field the
 * organisation does not have fails that check, naming the field, and the
 * command says the job is not ready.
 */
#include <stdio.h>
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/cmd.h"
#include "finsync/err.h"
#include "sandbox_test.h"
#include "unit.h"

static struct sandbox_job *checked;
static int check_rc;

static void check_it(void)
{
	char *argv[] = { (char *)"check", checked->job->path, NULL };

	check_rc = cmd_check(2, argv);
}

static char *check_job(struct sandbox_job *fx)
{
	checked = fx;
	return unit_stdout_of(check_it);
}

/* Rewrites the job file with a field_map for customers. */
static void map_to_missing_field(struct sandbox_job *fx)
{
	char *text = unit_read_file(fx->job->path), *at = text ? strstr(text, "\"crm_module\": \"accounts\"") : NULL;
	FILE *fp;

	CHECK(at != NULL);
	if (!at) {
		xfree(text);
		return;
	}
	fp = fopen(fx->job->path, "w");
	fprintf(fp, "%.*s\"field_map\": {\"website\": \"No_Such_Field\"}, %s", (int)(at - text), text, at);
	fclose(fp);
	xfree(text);
}

static void test_check__ready_and_not(void)
{
	struct sandbox_job fx;
	char *out;

	if (sandbox_job_setup(&fx, "books"))
		return;
	out = check_job(&fx);
	CHECK_INTEQ(check_rc, 0);
	CHECK(!strncmp(out, "ok   job: 'load' (", strlen("ok   job: 'load' (")));
	CHECK(strstr(out, "\nok   currency: both sides use USD\n") != NULL);
	CHECK(strstr(out, "\nok   crm fields: Accounts has every field sync.customers names\n") != NULL);
	CHECK(strstr(out, "\nok   finance fields: Zoho Books has cf_crm_id on contacts") != NULL);
	CHECK(strstr(out, "FAIL") == NULL);
	xfree(out);
	map_to_missing_field(&fx);
	out = check_job(&fx);
	CHECK_INTEQ(check_rc, FS_EUSAGE);
	CHECK(strstr(out, "\nFAIL crm fields: ") != NULL);
	CHECK(strstr(out, "sync.customers.field_map.website: the CRM module Accounts has no field 'No_Such_Field'") !=
	      NULL);
	CHECK(strstr(out, "\nok   finance fields: ") != NULL); /* the other checks still run */
	xfree(out);
	sandbox_job_teardown(&fx);
}

static const struct unit_test check_tests[] = {
	UNIT(test_check__ready_and_not),
	{ 0 },
};
UNIT_SUITE(check_tests)
