/*
 * review_test.h - a run for `finsync review` to read, written as the
 * stages leave one: a job (a CSV source into Zoho Books, customers), its
 * ledger with run 1, the transform's customers file (an ambiguous record
 * weighed against F1 and F2, an invalid one, one created) with its
 * manifest, and the extract's snapshot of the finance customers (F1 "One",
 * F2 "Two").  Static inline so a test file may use only some of it.
 */
#ifndef FINSYNC_REVIEW_TEST_H
#define FINSYNC_REVIEW_TEST_H
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/ledger.h"
#include "finsync/staging.h"
#include "job_test.h"
#include "unit.h"

static inline void review_stage(const struct job *job, const char *stage, const char *name, const char *const *lines,
				int with_manifest)
{
	char *dir = staging_dir(job->state_dir, 1, stage);
	struct manifest *m = manifest_new(1, stage);
	struct staging_writer *w = NULL;

	CHECK(staging_writer_open(&w, dir, name) == 0);
	for (; *lines; lines++)
		CHECK(staging_write_line(w, *lines, strlen(*lines)) == 0);
	CHECK(staging_writer_finish(w, m) == 0);
	if (with_manifest)
		CHECK(manifest_write(m, dir) == 0);
	manifest_free(m);
	xfree(dir);
}

/* The job (job_free() it), or NULL when it could not be made (the test has failed). */
static inline struct job *review_run(void)
{
	static const char *const planned[] = {
		"{\"entity\":\"customers\",\"crm_id\":\"4150868000000087001\",\"crm_module\":\"Accounts\",\"name\":\"Acme\",\"action\":\"ambiguous\","
		"\"match\":\"name\",\"candidates\":[\"F1\",\"F2\"],\"reason\":\"2 finance customers named Acme\"}",
		"{\"entity\":\"customers\",\"crm_id\":\"4150868000000087002\",\"crm_module\":\"Accounts\",\"action\":\"invalid\","
		"\"reason\":\"no name\"}",
		"{\"entity\":\"customers\",\"crm_id\":\"4150868000000087003\",\"crm_module\":\"Accounts\",\"name\":\"Zed\",\"action\":\"create\","
		"\"match\":\"\"}",
		NULL,
	};
	static const char *const snapshot[] = {
		"{\"contact_id\":\"F1\",\"contact_name\":\"One\"}", "{\"contact_id\":\"F2\",\"contact_name\":\"Two\"}",
		NULL
	};
	struct job *job = NULL;
	struct ledger *lg = NULL;
	long run;

	CHECK(tjob_load(JT_CRM_CSV, JT_FIN("zoho-books"), "{\"customers\":{}}", &job) == 0);
	if (!job)
		return NULL;
	if (ledger_open(&lg, job->state_dir)) {
		unit_failures++;
		job_free(job);
		return NULL;
	}
	CHECK(ledger_job_check(lg, job->name, job->state_dir, 1) == 0);
	CHECK(ledger_run_start(lg, job->name, "extract,transform", &run) == 0);
	CHECK(ledger_run_finish(lg, run, "ok", NULL) == 0);
	ledger_close(lg);
	review_stage(job, "extract", "finance.customers", snapshot, 1);
	review_stage(job, "transform", "customers", planned, 1);
	return job;
}

#endif
