/*
 * test_export.c - `finsync export` (src/cmd/export.c) of a staged file
 * written here: nested keys joined with dots and array elements by index,
 * the header the union of every record's keys in first-seen order, a cell
 * left empty where a record lacks the key; --bom puts the byte order mark
 * first; a run or a file that is not there is refused naming it.
 */
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/cmd.h"
#include "finsync/err.h"
#include "finsync/ledger.h"
#include "finsync/outfile.h"
#include "finsync/staging.h"
#include "job_test.h"
#include "unit.h"

static struct job *job_with_a_staged_file(void)
{
	static const char *const lines[] = {
		"{\"id\":\"1\",\"Account_Name\":\"Acme\",\"Owner\":{\"name\":\"Ann\",\"id\":\"7\"}}",
		"{\"id\":\"2\",\"Account_Name\":\"Beta\",\"Tags\":[\"a\",\"b\"]}",
		NULL,
	};
	struct job *job = NULL;
	struct ledger *lg = NULL;
	struct staging_writer *w = NULL;
	struct manifest *m;
	const char *const *l;
	char *dir;
	long run;

	CHECK(tjob_load(JT_CRM_CSV, JT_FIN("zoho-books"), "{\"customers\":{}}", &job) == 0);
	if (!job || ledger_open(&lg, job->state_dir)) {
		job_free(job);
		return NULL;
	}
	CHECK(ledger_run_start(lg, "unit", "extract", &run) == 0);
	ledger_close(lg);
	dir = staging_dir(job->state_dir, run, "extract");
	m = manifest_new(run, "extract");
	CHECK(staging_writer_open(&w, dir, "accounts") == 0);
	for (l = lines; *l; l++)
		CHECK(staging_write_line(w, *l, strlen(*l)) == 0);
	CHECK(staging_writer_finish(w, m) == 0);
	CHECK(manifest_write(m, dir) == 0);
	manifest_free(m);
	xfree(dir);
	return job;
}

static int export_to(struct job *job, const char *entity, const char *extra, char **text)
{
	char *out = xasprintf("%s/export.csv", job->dir);
	char *argv[] = {
		(char *)"export",   job->path,
		(char *)"--stage",  (char *)"extract",
		(char *)"--entity", (char *)entity,
		(char *)"-o",       out,
		(char *)extra,      NULL
	};
	int rc = cmd_export(extra ? 9 : 8, argv);

	*text = rc ? NULL : unit_read_file(out);
	xfree(out);
	return rc;
}

static void test_export__flat_columns(void)
{
	struct job *job = job_with_a_staged_file();
	char *text = NULL;

	if (!job)
		return;
	CHECK(export_to(job, "accounts", NULL, &text) == 0);
	CHECK_STREQ(text, "id,Account_Name,Owner.name,Owner.id,Tags.0,Tags.1\r\n"
			  "1,Acme,Ann,7,,\r\n"
			  "2,Beta,,,a,b\r\n");
	xfree(text);
	CHECK(export_to(job, "accounts", "--bom", &text) == 0);
	CHECK(text && !strncmp(text, UTF8_BOM "id,Account_Name,", 3 + 16));
	xfree(text);
	CHECK(export_to(job, "contacts", NULL, &text) != 0);
	CHECK(strstr(err_msg(), "contacts") != NULL);
	job_free(job);
}

static const struct unit_test export_tests[] = {
	UNIT(test_export__flat_columns),
	{ 0 },
};
UNIT_SUITE(export_tests)
