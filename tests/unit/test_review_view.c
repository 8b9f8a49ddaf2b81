/*
 * test_review_view.c - how `finsync review` reads one run (src/cmd/review_view.c)
 * from staged files written here as the transform and the extract leave
 * them: the records an analyst decides on (ambiguous, invalid, skipped as a
 * duplicate) and those created as new, in file order, their payloads
 * dropped but a SKU kept; only the wanted ones when asked; a bad line
 * skipped; the names of the finance records they were weighed against,
 * a customer's candidate found among the vendors, who share its names.
 */
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/ndjson.h"
#include "finsync/staging.h"
#include "../../src/cmd/review.h"
#include "job_test.h"
#include "unit.h"

static void stage_lines(const struct job *job, const char *stage, const char *name, const char *const *lines)
{
	char *dir = staging_dir(job->state_dir, 3, stage);
	struct staging_writer *w = NULL;

	CHECK(staging_writer_open(&w, dir, name) == 0);
	for (; *lines; lines++)
		CHECK(staging_write_line(w, *lines, strlen(*lines)) == 0);
	CHECK(staging_writer_finish(w, NULL) == 0);
	xfree(dir);
}

static const char *const transform_lines[] = {
	"{\"crm_id\":\"1\",\"action\":\"ambiguous\",\"candidates\":[\"F1\",\"F2\"],\"payload\":{\"contact_name\":\"A\"}}",
	"{\"crm_id\":\"2\",\"action\":\"invalid\",\"reason\":\"no name\"}",
	"{bad line",
	"{\"crm_id\":\"3\",\"action\":\"skip\",\"duplicate\":true,\"finance_id\":\"F3\"}",
	"{\"crm_id\":\"4\",\"action\":\"skip\",\"reason\":\"policy\"}",
	"{\"crm_id\":\"5\",\"action\":\"create\",\"match\":\"\",\"payload\":{\"sku\":\"S-5\",\"name\":\"x\"}}",
	"{\"crm_id\":\"6\",\"action\":\"update\",\"match\":\"ledger\",\"finance_id\":\"F1\"}",
	NULL,
};

static struct job *staged_run(void)
{
	static const char *const customers[] = {
		"{\"contact_id\":\"F1\",\"contact_name\":\"One\"}", "{\"contact_id\":\"F2\",\"contact_name\":\"Two\"}",
		NULL
	};
	static const char *const vendors[] = { "{\"contact_id\":\"F3\",\"contact_name\":\"Vendor Three\"}", NULL };
	struct job *job = NULL;

	CHECK(tjob_load(JT_CRM_CSV, JT_FIN("zoho-books"), "{\"customers\":{},\"vendors\":{}}", &job) == 0);
	if (!job)
		return NULL;
	stage_lines(job, "transform", "customers", transform_lines);
	stage_lines(job, "extract", "finance.customers", customers);
	stage_lines(job, "extract", "finance.vendors", vendors);
	return job;
}

/* The items' CRM ids in order, "1,2,"; borrowed until the next call. */
static const char *ids_of(json_t *items)
{
	static char text[256];
	json_t *line;
	size_t i;

	text[0] = '\0';
	json_array_foreach(items, i, line) {
		if (strlen(text) + 24 < sizeof(text)) {
			strcat(text, jstr_or(line, "crm_id", "?"));
			strcat(text, ",");
		}
	}
	return text;
}

static void test_review_view__items_and_names(void)
{
	struct job *job = staged_run();
	struct run_view v = { 0 }; /* as review.c: run_view_init() leaves seen to the caller */
	const char *where = NULL;
	json_t *five;

	if (!job)
		return;
	run_view_init(&v, 3);
	CHECK(run_view_load(&v, job, NULL, NULL) == 0);
	CHECK_INTEQ(json_array_size(v.items), 4);
	CHECK_STREQ(ids_of(v.items), "1,2,3,5,");
	five = json_object_get(v.by_key, "customers\t5");
	CHECK(five && !json_object_get(five, "payload"));
	CHECK_STREQ(jstr(five, "sku"), "S-5");
	CHECK(review_created_as_new(five));
	CHECK(!review_created_as_new(json_object_get(v.by_key, "customers\t3")));
	CHECK_STREQ(run_view_snapshot_name(&v, "customers", "F2", &where), "Two");
	CHECK_STREQ(where, "customers");
	CHECK_STREQ(run_view_snapshot_name(&v, "customers", "F3", &where), "Vendor Three");
	CHECK_STREQ(where, "vendors");
	CHECK(run_view_snapshot_name(&v, "customers", "F9", &where) == NULL);
	run_view_release(&v);
	job_free(job);
}

static void test_review_view__only_wanted(void)
{
	struct job *job = staged_run();
	json_t *wanted = json_pack("{s:b}", "customers\t2", 1);
	struct run_view v = { 0 }; /* as review.c: run_view_init() leaves seen to the caller */

	if (!job) {
		json_decref(wanted);
		return;
	}
	run_view_init(&v, 3);
	CHECK(run_view_items(&v, job, wanted) == 0);
	CHECK_INTEQ(json_array_size(v.items), 1);
	CHECK_STREQ(jstr(json_array_get(v.items, 0), "reason"), "no name");
	run_view_release(&v);
	json_decref(wanted);
	job_free(job);
}

static void test_review_view__small_helpers(void)
{
	json_t *line = json_pack("{s:s}", "finance_id", "F7"), *c = review_candidates(line);
	char *key = review_item_key("items", "42");

	CHECK_STREQ(key, "items\t42");
	CHECK_INTEQ(json_array_size(c), 1);
	CHECK_STREQ(json_string_value(json_array_get(c, 0)), "F7");
	CHECK_STREQ(review_noun("vendors"), "vendor");
	CHECK_STREQ(review_noun("deals"), "item");
	xfree(key);
	json_decref(c);
	json_decref(line);
}

static const struct unit_test review_view_tests[] = {
	UNIT(test_review_view__items_and_names),
	UNIT(test_review_view__only_wanted),
	UNIT(test_review_view__small_helpers),
	{ 0 },
};
UNIT_SUITE(review_view_tests)
