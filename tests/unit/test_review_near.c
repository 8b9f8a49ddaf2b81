/*
 * test_review_near.c - the near-duplicates of `finsync review`
 * (src/cmd/review_near.c): a record the run created as new whose name is
 * close to a finance record of the run's snapshot becomes a row to review,
 * with that record as its candidate, the score and a reason saying nothing
 * was merged; a record whose name is far is not listed, and items with
 * different SKUs are never paired, however alike their names.
 */
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/ndjson.h"
#include "finsync/staging.h"
#include "../../src/cmd/review.h"
#include "job_test.h"
#include "unit.h"

static void snapshot(const struct job *job, const char *name, const char *line)
{
	char *dir = staging_dir(job->state_dir, 2, "extract");
	struct staging_writer *w = NULL;

	CHECK(staging_writer_open(&w, dir, name) == 0);
	CHECK(staging_write_line(w, line, strlen(line)) == 0);
	CHECK(staging_writer_finish(w, NULL) == 0);
	xfree(dir);
}

static void test_review_near__close_names_listed(void)
{
	struct job *job = NULL;
	struct run_view v = { 0 };
	json_t *near, *far, *item;

	CHECK(tjob_load(JT_CRM_CSV, JT_FIN("zoho-books"), "{\"customers\":{},\"items\":{}}", &job) == 0);
	if (!job)
		return;
	snapshot(job, "finance.customers", "{\"contact_id\":\"F1\",\"contact_name\":\"Acme Ltd\"}");
	snapshot(job, "finance.items", "{\"item_id\":\"I1\",\"name\":\"Widget Pro\",\"sku\":\"WP-100\"}");
	run_view_init(&v, 2);
	json_object_set_new(v.creates, "customers",
			    json_pack("[{s:s, s:s, s:s}, {s:s, s:s, s:s}]", "crm_id", "9", "action", "create", "name",
				      "Acme Limited", "crm_id", "10", "action", "create", "name", "Initech"));
	json_object_set_new(v.creates, "items",
			    json_pack("[{s:s, s:s, s:s, s:s}]", "crm_id", "11", "action", "create", "name",
				      "Widget Pro", "sku", "X-1"));
	CHECK(near_duplicates(&v, job) == 0);
	CHECK_INTEQ(json_array_size(v.items), 1);
	near = json_object_get(v.by_key, "customers\t9");
	far = json_object_get(v.by_key, "customers\t10");
	item = json_object_get(v.by_key, "items\t11");
	CHECK(near && !far && !item);
	if (near) {
		CHECK_STREQ(json_string_value(json_array_get(json_object_get(near, "candidates"), 0)), "F1");
		CHECK_STREQ(jstr(near, "match"), "similar name");
		CHECK_INTEQ(json_integer_value(json_object_get(near, "score")), 96);
		CHECK(strstr(jstr(near, "reason"), "possibly the same as finance customer F1 (score 96") != NULL);
		CHECK(strstr(jstr(near, "reason"), "nothing is merged: link:F1") != NULL);
	}
	run_view_release(&v);
	job_free(job);
}

static const struct unit_test review_near_tests[] = {
	UNIT(test_review_near__close_names_listed),
	{ 0 },
};
UNIT_SUITE(review_near_tests)
