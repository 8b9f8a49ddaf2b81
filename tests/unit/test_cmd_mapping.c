/*
 * test_cmd_mapping.c - `finsync mapping` (src/cmd/mapping.c) as JSON: the
 * effective mapping of a job, each finance field with the CRM field it
 * comes from and why (a default, or the job's field_map overriding it);
 * --offline asks no CRM for types; --defaults lists each app's defaults
 * without a job, Billing's display_name apart from the others' contact_name.
 */
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/cmd.h"
#include "job_test.h"
#include "unit.h"

static struct job *job;

static void mapping_json(void)
{
	char *argv[] = { (char *)"mapping", job->path, (char *)"--format", (char *)"json", (char *)"--offline", NULL };

	CHECK(cmd_mapping(5, argv) == 0);
}

static void defaults_json(void)
{
	char *argv[] = { (char *)"mapping", (char *)"--defaults", (char *)"--format", (char *)"json", NULL };

	CHECK(cmd_mapping(4, argv) == 0);
}

/* The row of finance field fin in rows (borrowed), or NULL. */
static json_t *row_of(json_t *rows, const char *fin)
{
	json_t *r;
	size_t i;

	json_array_foreach(rows, i, r)
		if (!strcmp(json_string_value(json_object_get(r, "finance")), fin))
			return r;
	return NULL;
}

static void test_cmd_mapping__effective(void)
{
	json_t *got, *rows, *r;
	char *text;

	CHECK(tjob_load(JT_CRM_CSV, JT_FIN("zoho-books"),
			"{\"customers\":{\"field_map\":{\"website\":\"Web_Site_X\"}}}", &job) == 0);
	if (!job)
		return;
	text = unit_stdout_of(mapping_json);
	got = json_loads(text, 0, NULL);
	CHECK_STREQ(json_string_value(json_object_get(got, "finance")), "zoho-books");
	rows = json_object_get(json_object_get(got, "entities"), "customers");
	r = row_of(rows, "contact_name");
	CHECK_STREQ(json_string_value(json_object_get(r, "crm")), "Account_Name");
	CHECK_STREQ(json_string_value(json_object_get(r, "origin")), "default");
	r = row_of(rows, "website");
	CHECK_STREQ(json_string_value(json_object_get(r, "crm")), "Web_Site_X");
	CHECK_STREQ(json_string_value(json_object_get(r, "origin")), "override");
	CHECK_STREQ(json_string_value(json_object_get(r, "crm_type")), "unknown");
	CHECK(json_object_get(json_object_get(got, "entities"), "items") == NULL);
	json_decref(got);
	xfree(text);
	job_free(job);
	job = NULL;
}

static void test_cmd_mapping__defaults(void)
{
	char *text = unit_stdout_of(defaults_json);
	json_t *got = json_loads(text, 0, NULL), *rows = json_object_get(got, "customers");
	json_t *billing = row_of(rows, "display_name"), *books = row_of(rows, "contact_name");

	CHECK(billing && books);
	CHECK_STREQ(json_string_value(json_array_get(json_object_get(billing, "apps"), 0)), "Zoho Billing");
	CHECK_INTEQ(json_array_size(json_object_get(billing, "apps")), 1);
	CHECK_INTEQ(json_array_size(json_object_get(books, "apps")), 3);
	json_decref(got);
	xfree(text);
}

static const struct unit_test cmd_mapping_tests[] = {
	UNIT(test_cmd_mapping__effective),
	UNIT(test_cmd_mapping__defaults),
	{ 0 },
};
UNIT_SUITE(cmd_mapping_tests)
