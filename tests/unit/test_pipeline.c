/*
 * test_pipeline.c - what the stages of a run share (src/stage/pipeline.c):
 * a stage's counts as log fields, where the next run starts reading (the
 * CRM's clock noted by the extract, else the run's start), and whether an
 * entity's mapping changed since its records were loaded (a first load
 * with nothing linked has not; a ledger with links and no fingerprint has).
 */
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/ledger.h"
#include "finsync/mapping.h"
#include "finsync/pipeline.h"
#include "finsync/staging.h"
#include "job_test.h"
#include "unit.h"

static void test_pipeline__stats_as_fields(void)
{
	struct stats s = { 0 };
	json_t *o;

	s.added = 3;
	s.failed = 1;
	o = stats_json(&s);
	CHECK_INTEQ(json_integer_value(json_object_get(o, "added")), 3);
	CHECK_INTEQ(json_integer_value(json_object_get(o, "failed")), 1);
	CHECK_INTEQ(json_integer_value(json_object_get(o, "updated")), 0);
	CHECK_INTEQ(json_object_size(o), OUTCOME_COUNT);
	json_decref(o);
}

static void test_pipeline__watermark_from_the_crm_clock(void)
{
	struct pipeline p = { 0 };
	struct manifest *m;
	char *dir, *mark;

	CHECK(tjob_load(JT_CRM_CSV, JT_FIN("zoho-books"), "{\"customers\":{}}", &p.job) == 0);
	if (!p.job)
		return;
	p.run_id = 4;
	mark = pipeline_watermark(&p, "2026-01-01T10:00:00Z"); /* no extract yet: the run's start */
	CHECK_STREQ(mark, "2026-01-01T10:00:00Z");
	xfree(mark);
	CHECK(pipeline_watermark(&p, NULL) == NULL);
	dir = staging_dir(p.job->state_dir, 4, "extract");
	m = manifest_new(4, "extract");
	manifest_note(m, MANIFEST_CRM_TIME, "2026-01-01T09:58:30Z");
	CHECK(manifest_write(m, dir) == 0);
	mark = pipeline_watermark(&p, "2026-01-01T10:00:00Z");
	CHECK_STREQ(mark, "2026-01-01T09:58:30Z");
	xfree(mark);
	manifest_free(m);
	xfree(dir);
	job_free(p.job);
}

static void test_pipeline__mapping_changed(void)
{
	struct pipeline p = { 0 };
	const struct entity_sync *e;
	char *fp;
	long linked = -1;

	CHECK(tjob_load(JT_CRM_CSV, JT_FIN("zoho-books"), "{\"customers\":{},\"items\":{}}", &p.job) == 0);
	if (!p.job)
		return;
	CHECK(ledger_open(&p.lg, p.job->state_dir) == 0);
	e = job_entity(p.job, "customers");
	CHECK(pipeline_wants(&p, e));
	p.only = "items";
	CHECK(!pipeline_wants(&p, e));
	p.only = NULL;
	CHECK_INTEQ(pipeline_mapping_changed(&p, e, &linked), 0); /* nothing loaded yet */
	CHECK_INTEQ(linked, 0);
	CHECK(ledger_link_put(p.lg, &(struct link){ .entity = (char *)"customers",
						    .crm_id = (char *)"1",
						    .finance_id = (char *)"F1" }) == 0);
	CHECK_INTEQ(pipeline_mapping_changed(&p, e, &linked), 1); /* links, no fingerprint */
	CHECK_INTEQ(linked, 1);
	fp = mapping_fingerprint(p.job, e);
	CHECK(ledger_mapping_put(p.lg, "customers", fp, 1) == 0);
	CHECK_INTEQ(pipeline_mapping_changed(&p, e, NULL), 0);
	CHECK(ledger_mapping_put(p.lg, "customers", "an older mapping", 1) == 0);
	CHECK_INTEQ(pipeline_mapping_changed(&p, e, NULL), 1);
	xfree(fp);
	ledger_close(p.lg);
	job_free(p.job);
}

static const struct unit_test pipeline_tests[] = {
	UNIT(test_pipeline__stats_as_fields),
	UNIT(test_pipeline__watermark_from_the_crm_clock),
	UNIT(test_pipeline__mapping_changed),
	{ 0 },
};
UNIT_SUITE(pipeline_tests)
