/*
 * test_crm.c - the connector switch (src/conn/crm.c) with a CSV export,
 * which needs no server: the job's crm.type picks the connector, a source
 * without a count is counted by reading, one without types holds every
 * field as text, what a file source cannot do is refused by name, and a
 * record whose id is not a Zoho CRM id is that record's error (naming its
 * file and line), not the read's.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "finsync/alloc.h"
#include "finsync/crm.h"
#include "finsync/err.h"
#include "finsync/fsutil.h"
#include "job_test.h"
#include "unit.h"

static void export_file(const struct job *job, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", job->crm.dir, name);
	FILE *fp;

	CHECK(mkdir_p(job->crm.dir) == 0);
	fp = fopen(path, "w");
	if (fp) {
		fputs(text, fp);
		fclose(fp);
	}
	xfree(path);
}

static void test_crm__csv_export(void)
{
	struct job *job = NULL;
	struct crm *c = NULL;
	struct crm_row_result r[1];
	json_t *types = NULL, *rec = NULL, *rows = json_pack("[{s:s}]", "Account_Name", "X");
	long n = -1;

	CHECK(tjob_load(JT_CRM_CSV, JT_FIN("zoho-books"), "{\"customers\":{}}", &job) == 0);
	if (!job) {
		json_decref(rows);
		return;
	}
	export_file(job, "Accounts.csv", "id,Account_Name,Phone\n41,Acme,1\n42,Beta,2\n43,Gamma,\n");
	CHECK(crm_open(&c, job) == 0);
	CHECK(crm_incremental(c) == 0);
	CHECK(crm_count(c, "Accounts", NULL, &n) == 0);
	CHECK_INTEQ(n, 3);
	CHECK(crm_field_types(c, "Accounts", &types) == 0);
	CHECK_STREQ(json_string_value(json_object_get(types, "Phone")), "text");
	CHECK_STREQ(json_string_value(json_object_get(types, "Account_Name")), "text");
	json_decref(types);
	CHECK(crm_write(c, "Accounts", "upsert", rows, NULL, r) == FS_EUSAGE);
	CHECK_STREQ(err_msg(), "crm.type csv cannot be written to");
	CHECK(crm_get(c, "Accounts", "41", &rec) == FS_EUSAGE);
	CHECK(rec == NULL);
	CHECK_STREQ(err_msg(), "crm.type csv cannot read a record by id");
	crm_close(c);
	crm_close(NULL);
	json_decref(rows);
	job_free(job);
}

static void test_crm__id_not_a_crm_id_is_one_record(void)
{
	struct job *job = NULL;
	struct crm *c = NULL;
	struct source *src = NULL;
	json_t *fields = json_pack("[s, s]", "id", "Account_Name"), *rec = NULL;
	struct crm_query q = { "Accounts", fields, NULL, NULL, NULL, NULL };

	CHECK(tjob_load(JT_CRM_CSV, JT_FIN("zoho-books"), "{\"customers\":{}}", &job) == 0);
	if (!job) {
		json_decref(fields);
		return;
	}
	export_file(job, "Accounts.csv", "id,Account_Name\n41,Acme\n4x2,Beta\n43,Gamma\n");
	CHECK(crm_open(&c, job) == 0);
	CHECK(crm_read(c, &q, &src) == 0);
	CHECK(source_next(src, &rec) == 1);
	CHECK_STREQ(json_string_value(json_object_get(rec, "id")), "41");
	json_decref(rec);
	CHECK(source_next(src, &rec) == FS_EINPUT);
	CHECK_STREQ(err_msg(), "'Accounts.csv' line 3: id '4x2' is not a CRM record id (digits only)");
	CHECK(source_next(src, &rec) == 1); /* the read goes on */
	CHECK_STREQ(json_string_value(json_object_get(rec, "id")), "43");
	json_decref(rec);
	CHECK(source_next(src, &rec) == 0);
	source_close(src);
	crm_close(c);
	json_decref(fields);
	job_free(job);
}

static const struct unit_test crm_tests[] = {
	UNIT(test_crm__csv_export),
	UNIT(test_crm__id_not_a_crm_id_is_one_record),
	{ 0 },
};
UNIT_SUITE(crm_tests)
