/*
 * test_transform.c - the transform stage over real staging files: which CRM
 * records become which lines, malformed lines, stats, determinism.
 */
#include <stdlib.h>
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/ledger.h"
#include "finsync/pipeline.h"
#include "finsync/staging.h"
#include "../../src/xform/xform.h"
#include "xform_test.h"
#include "unit.h"

struct stage_fx {
	struct job job;
	struct pipeline p;
	char *extract;
	char *transform;
};

static void sfx_init(struct stage_fx *f, const char *app, const char *sync)
{
	const char *dir = unit_tmpdir();

	memset(f, 0, sizeof(*f));
	tjob_init(&f->job, app, sync);
	f->p.job = &f->job;
	CHECK(ledger_open(&f->p.lg, dir) == 0);
	CHECK(ledger_run_start(f->p.lg, "test", "transform", &f->p.run_id) == 0);
	f->p.run_dir = xasprintf("%s/staging/%ld", dir, f->p.run_id);
	f->extract = xasprintf("%s/extract", f->p.run_dir);
	f->transform = xasprintf("%s/transform", f->p.run_dir);
}

static void sfx_release(struct stage_fx *f)
{
	ledger_close(f->p.lg);
	xfree(f->p.run_dir);
	xfree(f->extract);
	xfree(f->transform);
	tjob_release(&f->job);
}

/* Writes extract/<name>.ndjson.gz from lines separated by '\n' (written as they are). */
static void sfx_file(struct stage_fx *f, const char *name, const char *lines)
{
	struct staging_writer *w;
	const char *p = lines, *nl;

	CHECK(staging_writer_open(&w, f->extract, name) == 0);
	for (; *p; p = *nl ? nl + 1 : nl) {
		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p);
		CHECK(staging_write_line(w, p, (size_t)(nl - p)) == 0);
	}
	CHECK(staging_writer_finish(w, NULL) == 0);
}

/* The output lines of an entity as one JSON array. */
static json_t *sfx_output(struct stage_fx *f, const char *entity)
{
	struct staging_reader *r;
	json_t *all = json_array(), *rec;

	CHECK(staging_reader_open(&r, f->transform, entity, 0) == 0);
	if (!r)
		return all;
	while (staging_read(r, &rec) == 1)
		json_array_append_new(all, rec);
	staging_reader_close(r);
	return all;
}

static const char *field(json_t *lines, size_t i, const char *key)
{
	return json_string_value(json_object_get(json_array_get(lines, i), key));
}

static long stat_of(struct stage_fx *f, const char *entity, const char *column)
{
	struct stats s;
	int k;

	if (ledger_stats_get(f->p.lg, f->p.run_id, entity, "transform", &s) != 1)
		return -1;
	for (k = 0; k < OUTCOME_COUNT; k++)
		if (!strcmp(outcome_columns[k], column))
			return s.count[k];
	return -1;
}

static const char accounts[] = "{\"id\":\"A1\",\"Account_Name\":\"Acme\"}\n"
			       "{\"id\":\"A2\",\"Account_Name\":\"Beta\"}";
static const char contacts[] =
	"{\"id\":\"12\",\"Last_Name\":\"Second\",\"Account_Name\":{\"name\":\"Acme\",\"id\":\"A1\"}}\n"
	"{\"id\":\"3\",\"First_Name\":\"Ann\",\"Last_Name\":\"First\",\"Account_Name\":{\"name\":\"Acme\",\"id\":\"A1\"}}\n"
	"{\"id\":\"40\",\"Last_Name\":\"Orphan\",\"Account_Name\":null}\n"
	"{\"id\":\"41\",\"Last_Name\":\"Filtered\",\"Account_Name\":{\"name\":\"Gone\",\"id\":\"A9\"}}\n"
	"{not json\n"
	"{\"Last_Name\":\"No Id\"}";

static void test_transform__accounts_and_contacts(void)
{
	struct stage_fx f;
	json_t *out, *persons;

	sfx_init(&f, "zoho-books",
		 "{\"customers\":{\"crm_module\":\"accounts_and_contacts\","
		 "\"include_orphan_contacts\":true}}");
	sfx_file(&f, "accounts", accounts);
	sfx_file(&f, "contacts", contacts);
	sfx_file(&f, "finance.customers", "{\"contact_id\":\"F2\",\"contact_name\":\"BETA\"}");
	CHECK(stage_transform(&f.p) == 0);
	out = sfx_output(&f, "customers");
	CHECK_INTEQ(json_array_size(out), 4); /* A1, A2, orphan 40, invalid without id */
	CHECK_STREQ(field(out, 0, "crm_id"), "A1");
	CHECK_STREQ(field(out, 0, "action"), "create");
	CHECK_STREQ(field(out, 0, "crm_module"), "Accounts");
	persons = json_object_get(json_object_get(json_array_get(out, 0), "payload"), "contact_persons");
	CHECK_INTEQ(json_array_size(persons), 2);
	CHECK_STREQ(json_string_value(json_object_get(json_array_get(persons, 0), "last_name")), "First");
	/* Each person names its CRM contact; the primary is the load's to decide. */
	CHECK(json_string_value(json_object_get(json_array_get(persons, 0), "crm_contact_id")) != NULL);
	CHECK(json_object_get(json_array_get(persons, 0), "is_primary_contact") == NULL);
	CHECK_STREQ(field(out, 1, "action"), "skip");
	CHECK_STREQ(field(out, 1, "finance_id"), "F2");
	CHECK(json_is_true(json_object_get(json_array_get(out, 1), "duplicate")));
	CHECK_STREQ(field(out, 2, "crm_id"), "40");
	CHECK_STREQ(field(out, 2, "crm_module"), "Contacts");
	CHECK_STREQ(field(out, 2, "name"), "Orphan");
	CHECK_STREQ(field(out, 3, "action"), "invalid");
	CHECK_STREQ(field(out, 3, "reason"), "the record has no id");
	CHECK(strlen(field(out, 0, "hash")) == 33); /* with persons: whole-body */
	CHECK_INTEQ(f.p.records_failed, 2);         /* the malformed line and the record without id */
	CHECK_INTEQ(stat_of(&f, "customers", "added"), 2);
	CHECK_INTEQ(stat_of(&f, "customers", "skipped"), 1);
	CHECK_INTEQ(stat_of(&f, "customers", "duplicates"), 1);
	CHECK_INTEQ(stat_of(&f, "customers", "failed"), 2);
	json_decref(out);
	sfx_release(&f);
}

static void test_transform__orphans_left_out(void)
{
	struct stage_fx f;
	json_t *out;

	sfx_init(&f, "zoho-books", "{\"customers\":{\"crm_module\":\"accounts_and_contacts\"}}");
	sfx_file(&f, "accounts", accounts);
	sfx_file(&f, "contacts", contacts);
	CHECK(stage_transform(&f.p) == 0);
	out = sfx_output(&f, "customers");
	CHECK_INTEQ(json_array_size(out), 3); /* A1, A2, invalid without id */
	CHECK_STREQ(field(out, 1, "action"), "create");
	json_decref(out);
	sfx_release(&f);
}

/* The same input gives the same bytes; a rerun of the stage replaces its stats. */
static void test_transform__deterministic(void)
{
	struct stage_fx f;
	json_t *a, *b;
	char *ta, *tb;

	sfx_init(&f, "zoho-inventory", "{\"items\":{\"on_duplicate\":\"clone\"},\"vendors\":{}}");
	sfx_file(&f, "products",
		 "{\"id\":\"P1\",\"Product_Name\":\"Bolt\",\"Unit_Price\":\"1.5\"}\n"
		 "{\"id\":\"P2\",\"Product_Name\":\"bolt\",\"Unit_Price\":2}\n"
		 "{\"id\":\"P3\",\"Product_Name\":\"Nut\",\"Unit_Price\":\"cheap\"}\n"
		 "[1,2]");
	sfx_file(&f, "vendors", "{\"id\":\"V1\",\"Vendor_Name\":\"Parts Co\",\"Phone\":\"555\"}");
	CHECK(stage_transform(&f.p) == 0);
	a = sfx_output(&f, "items");
	CHECK(stage_transform(&f.p) == 0);
	b = sfx_output(&f, "items");
	ta = tdump(a);
	tb = tdump(b);
	CHECK_STREQ(ta, tb);
	CHECK_INTEQ(json_array_size(a), 3);
	CHECK_STREQ(field(a, 1, "name"), "bolt (2)");
	CHECK_STREQ(field(a, 2, "action"), "invalid");
	CHECK_STREQ(field(a, 2, "reason"), "Unit_Price 'cheap' is not a number");
	CHECK_INTEQ(stat_of(&f, "items", "failed"), 2);
	CHECK_INTEQ(stat_of(&f, "vendors", "added"), 1);
	xfree(ta);
	xfree(tb);
	json_decref(a);
	json_decref(b);
	sfx_release(&f);
}

static void test_transform__only(void)
{
	struct stage_fx f;
	json_t *manifest = NULL;

	sfx_init(&f, "zoho-books", "{\"customers\":{},\"items\":{}}");
	f.p.only = "items";
	CHECK(pipeline_wants(&f.p, job_entity(&f.job, "items")));
	CHECK(!pipeline_wants(&f.p, job_entity(&f.job, "customers")));
	CHECK(!pipeline_wants(&f.p, job_entity(&f.job, "vendors")));
	CHECK(stage_transform(&f.p) == 0);
	CHECK(manifest_load(f.transform, &manifest) == 1);
	CHECK(json_object_get(json_object_get(manifest, "files"), "items.ndjson.gz") != NULL);
	CHECK(json_object_get(json_object_get(manifest, "files"), "customers.ndjson.gz") == NULL);
	json_decref(manifest);
	sfx_release(&f);
}

static const struct unit_test transform_tests[] = {
	UNIT(test_transform__accounts_and_contacts),
	UNIT(test_transform__orphans_left_out),
	UNIT(test_transform__deterministic),
	UNIT(test_transform__only),
	{ 0 },
};
UNIT_SUITE(transform_tests)
