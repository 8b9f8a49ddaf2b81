/*
 * test_to_crm.c - both-ways sync's decisions that need no server
 * (src/stage/to_crm.c): a CRM-to-finance payload drops the fields the
 * finance side owns (field_owner, top level and billing address alike) and
 * keeps the custom fields; the CRM ids whose finance record changed this
 * run are read from the transform's to_crm file (updates only, a line
 * without an action passed over).  Sending them to the CRM is e2e
 * t4400-t4570's.
 */
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/pipeline.h"
#include "finsync/staging.h"
#include "../../src/stage/to_crm.h"
#include "xform_test.h"
#include "unit.h"

static void test_to_crm__finance_owned_fields_dropped(void)
{
	struct job job;
	struct entity_sync *e;
	json_t *owner =
		json_pack("{s:s, s:s, s:s}", "phone", "finance", "billing_address.city", "finance", "website", "crm");
	json_t *payload = json_loads("{\"contact_name\":\"Acme\",\"phone\":\"1\",\"website\":\"w\","
				     "\"custom_fields\":[{\"api_name\":\"cf_crm_id\",\"value\":\"9\"}],"
				     "\"billing_address\":{\"city\":\"Paris\",\"zip\":\"75001\"}}",
				     0, NULL);
	char *text;

	tjob_init(&job, "zoho-books", "{\"customers\": {}}");
	e = job_entity(&job, "customers");
	e->field_owner = owner;
	to_crm_keep_finance_owned(e, payload);
	text = json_dumps(payload, JSON_COMPACT | JSON_SORT_KEYS);
	CHECK_STREQ(text, "{\"billing_address\":{\"zip\":\"75001\"},\"contact_name\":\"Acme\","
			  "\"custom_fields\":[{\"api_name\":\"cf_crm_id\",\"value\":\"9\"}],\"website\":\"w\"}");
	xfree(text);
	json_decref(payload);
	json_decref(owner);
	tjob_release(&job);
}

static void test_to_crm__changed_this_run(void)
{
	static const char *const lines[] = {
		"{\"action\":\"update\",\"crm_id\":\"1\"}", "{\"action\":\"create\",\"finance_id\":\"F2\"}",
		"{\"crm_id\":\"3\"}", "{\"action\":\"update\",\"crm_id\":\"4\"}", NULL
	};
	struct job job;
	struct pipeline p = { 0 };
	struct staging_writer *w = NULL;
	const char *const *l;
	char *dir;
	json_t *set;

	tjob_init(&job, "zoho-books", "{\"customers\": {}}");
	p.job = &job;
	p.run_dir = xasprintf("%s/staging/1", unit_tmpdir());
	dir = xasprintf("%s/transform", p.run_dir);
	CHECK(staging_writer_open(&w, dir, "customers.to_crm") == 0);
	for (l = lines; *l; l++)
		CHECK(staging_write_line(w, *l, strlen(*l)) == 0);
	CHECK(staging_writer_finish(w, NULL) == 0);
	set = to_crm_changed(&p, job_entity(&job, "customers"));
	CHECK_INTEQ(json_object_size(set), 2);
	CHECK(json_object_get(set, "1") && json_object_get(set, "4"));
	json_decref(set);
	set = to_crm_changed(&p, job_entity(&job, "items")); /* no file: none */
	CHECK_INTEQ(json_object_size(set), 0);
	json_decref(set);
	xfree(dir);
	xfree(p.run_dir);
	tjob_release(&job);
}

static const struct unit_test to_crm_tests[] = {
	UNIT(test_to_crm__finance_owned_fields_dropped),
	UNIT(test_to_crm__changed_this_run),
	{ 0 },
};
UNIT_SUITE(to_crm_tests)
