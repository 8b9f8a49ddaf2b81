/*
 * test_zoho_crm.c - the Zoho CRM connector (src/conn/zoho_crm.c, reached
 * through crm.c as a stage reaches it) against a finsync-sandbox started by
 * the test: a module read whole, by ids, in a custom view and since a time
 * gives exactly the seeded records that qualify; the count agrees; one
 * record is read by id; an upsert creates once and then updates; and a
 * record that does not exist is "none", not an error.
 */
#include <stdlib.h>
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/crm.h"
#include "finsync/err.h"
#include "sandbox_test.h"
#include "unit.h"

static int by_text(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The ids a query reads by their last four digits, sorted: "7001,7004,"; NULL on an error. */
static char *read_ids(struct crm *c, const char *cvid, const char *since, const char *ids)
{
	json_t *fields = json_pack("[s, s, s]", "Account_Name", "Industry", "Modified_Time"), *rec;
	struct crm_query q = { "Accounts", fields, cvid, since, ids, NULL };
	struct source *src = NULL;
	char tails[64][5], text[512] = "";
	size_t n = 0, i;
	int rc;

	if (crm_read(c, &q, &src)) {
		json_decref(fields);
		return NULL;
	}
	while ((rc = source_next(src, &rec)) == 1) {
		const char *id = json_string_value(json_object_get(rec, "id"));

		if (id && strlen(id) > 4 && n < 64)
			snprintf(tails[n++], sizeof(tails[0]), "%s", id + strlen(id) - 4);
		json_decref(rec);
	}
	source_close(src);
	json_decref(fields);
	qsort(tails, n, sizeof(tails[0]), by_text);
	for (i = 0; i < n; i++) {
		strcat(text, tails[i]);
		strcat(text, ",");
	}
	return rc ? NULL : xstrdup(text);
}

static void test_zoho_crm__reads_what_qualifies(void)
{
	struct sandbox_job fx;
	struct crm *c = NULL;
	char *ids;
	long n = -1;

	if (sandbox_job_setup(&fx, "books"))
		return;
	CHECK(crm_open(&c, fx.job) == 0);
	CHECK(crm_incremental(c) == 1);
	ids = read_ids(c, NULL, NULL, NULL);
	CHECK_STREQ(ids, "7001,7002,7003,7004,7005,7006,7007,7008,");
	xfree(ids);
	ids = read_ids(c, NULL, NULL, "4150868000000087006,4150868000000087002");
	CHECK_STREQ(ids, "7002,7006,");
	xfree(ids);
	/* The seeded view "Retail customers": Industry is Retail. */
	ids = read_ids(c, "4150868000000087501", NULL, NULL);
	CHECK_STREQ(ids, "7001,7004,7008,");
	xfree(ids);
	/* Changed since 2026-03-03 00:00 UTC, whatever offset each was written with. */
	ids = read_ids(c, NULL, "2026-03-03T00:00:00+00:00", NULL);
	CHECK_STREQ(ids, "7005,7006,7007,7008,");
	xfree(ids);
	CHECK(crm_count(c, "Accounts", NULL, &n) == 0);
	CHECK_INTEQ(n, 8);
	CHECK(crm_count(c, "Accounts", "4150868000000087501", &n) == 0);
	CHECK_INTEQ(n, 3);
	crm_close(c);
	sandbox_job_teardown(&fx);
}

static void test_zoho_crm__get_fields_and_none(void)
{
	struct sandbox_job fx;
	struct crm *c = NULL;
	json_t *rec = NULL, *fields = NULL;
	size_t i;
	int has_name = 0;

	if (sandbox_job_setup(&fx, "books"))
		return;
	CHECK(crm_open(&c, fx.job) == 0);
	CHECK(crm_get(c, "Accounts", "4150868000000087001", &rec) == 1);
	CHECK_STREQ(json_string_value(json_object_get(rec, "Account_Name")), "Acme Ltd");
	json_decref(rec);
	rec = NULL;
	CHECK(crm_get(c, "Accounts", "4150868000000000000", &rec) == 0);
	CHECK(rec == NULL);
	CHECK(crm_fields(c, "Accounts", &fields) == 0);
	for (i = 0; i < json_array_size(fields); i++)
		has_name |= !strcmp(json_string_value(json_array_get(fields, i)), "Account_Name");
	CHECK(has_name);
	json_decref(fields);
	crm_close(c);
	sandbox_job_teardown(&fx);
}

static void test_zoho_crm__upsert_creates_once(void)
{
	static const char *const dup[] = { "Account_Name", NULL };
	struct sandbox_job fx;
	struct crm *c = NULL;
	struct crm_row_result r[1];
	json_t *rows = json_pack("[{s:s, s:s}]", "Account_Name", "Upserted Ltd", "Phone", "1");
	char *first = NULL;
	long n = -1;

	if (sandbox_job_setup(&fx, "books"))
		return;
	CHECK(crm_open(&c, fx.job) == 0);
	memset(r, 0, sizeof(r));
	CHECK(crm_write(c, "Accounts", "upsert", rows, dup, r) == 0);
	CHECK(r[0].ok);
	CHECK_STREQ(r[0].action, "insert");
	first = xstrdup(r[0].id);
	crm_row_result_release(&r[0]);
	json_object_set_new(json_array_get(rows, 0), "Phone", json_string("2"));
	CHECK(crm_write(c, "Accounts", "upsert", rows, dup, r) == 0);
	CHECK(r[0].ok);
	CHECK_STREQ(r[0].action, "update");
	CHECK_STREQ(r[0].id, first);
	crm_row_result_release(&r[0]);
	CHECK(crm_count(c, "Accounts", NULL, &n) == 0);
	CHECK_INTEQ(n, 9);
	xfree(first);
	json_decref(rows);
	crm_close(c);
	sandbox_job_teardown(&fx);
}

static const struct unit_test zoho_crm_tests[] = {
	UNIT(test_zoho_crm__reads_what_qualifies),
	UNIT(test_zoho_crm__get_fields_and_none),
	UNIT(test_zoho_crm__upsert_creates_once),
	{ 0 },
};
UNIT_SUITE(zoho_crm_tests)
