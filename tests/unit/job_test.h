/*
 * job_test.h - a job file written into the test's temporary directory and
 * loaded as `finsync` loads one, for the tests of the job model: the CRM
 * and the finance app are given as JSON text (JT_CRM_CSV, JT_CRM_API,
 * JT_FIN("zoho-books")), the sync section too.  The secrets come from the
 * environment variable UNIT_SECRET, set here.  Static inline so a test file
 * may use only some of it.
 */
#ifndef FINSYNC_JOB_TEST_H
#define FINSYNC_JOB_TEST_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/job.h"
#include "unit.h"

#define JT_CRM_CSV "{\"type\":\"csv\",\"dir\":\"export\"}"
#define JT_CRM_API \
	"{\"type\":\"zoho-crm\",\"api_base\":\"https://crm.example/crm/v8\",\"accounts_url\":" \
	"\"https://accounts.example\",\"client_id\":\"c\",\"client_secret_env\":\"UNIT_SECRET\"," \
	"\"refresh_token_env\":\"UNIT_SECRET\"}"
#define JT_FIN(type) \
	"{\"type\":\"" type "\",\"api_base\":\"https://fin.example/books/v3\"," \
	"\"organization_id\":\"123\",\"accounts_url\":\"https://accounts.example\",\"client_id\":\"c\"," \
	"\"client_secret_env\":\"UNIT_SECRET\",\"refresh_token_env\":\"UNIT_SECRET\"}"

/* Writes the whole job text to a fresh job.json and loads it: job_load()'s code; *out NULL on error. */
static inline int tjob_load_text(const char *text, struct job **out)
{
	char *path = xasprintf("%s/job.json", unit_tmpdir());
	FILE *fp = fopen(path, "w");
	int rc;

	setenv("UNIT_SECRET", "s3cret", 1);
	*out = NULL;
	if (!fp) {
		xfree(path);
		return FS_EABORT;
	}
	fputs(text, fp);
	fclose(fp);
	rc = job_load(out, path);
	if (rc) {
		job_free(*out);
		*out = NULL;
	}
	xfree(path);
	return rc;
}

/* A job of crm, finance and sync (JSON texts). */
static inline int tjob_load(const char *crm, const char *fin, const char *sync, struct job **out)
{
	char *text = xasprintf("{\"job\":\"unit\",\"crm\":%s,\"finance\":%s,\"sync\":%s}", crm, fin, sync);
	int rc = tjob_load_text(text, out);

	xfree(text);
	return rc;
}

/* The job is refused with FS_EUSAGE and a message holding needle (a failure names both). */
static inline void tjob_refused(const char *crm, const char *fin, const char *sync, const char *needle)
{
	struct job *job = NULL;
	int rc = tjob_load(crm, fin, sync, &job);

	if (rc != FS_EUSAGE || !strstr(err_msg(), needle)) {
		fprintf(stderr, "sync %s: got %d '%s', wanted FS_EUSAGE with '%s'\n", sync, rc, err_msg(), needle);
		unit_failures++;
	}
	job_free(job);
}

#endif
