/*
 * test_extract.c - the first stage (src/stage/extract.c) against a
 * finsync-sandbox: a full read stages every CRM account the job reads and
 * the finance app's customers, the manifest counts them and notes the
 * CRM's clock (where the next run starts), the CRM ids read from the
 * finance records by id are kept in the ledger, and an incremental run
 * after a watermark reads only what changed since (less the overlap).
 */
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/ledger.h"
#include "finsync/pipeline.h"
#include "finsync/staging.h"
#include "ledger_test.h"
#include "sandbox_test.h"
#include "unit.h"

/* Runs the extract of a new run; its manifest (json_decref), or NULL. */
static json_t *extract_run(struct sandbox_job *fx, struct pipeline *p, int full)
{
	json_t *manifest = NULL;
	char *dir;

	CHECK(ledger_run_start(p->lg, fx->job->name, "extract", &p->run_id) == 0);
	p->full = full;
	CHECK(stage_extract(p) == 0);
	dir = staging_dir(fx->job->state_dir, p->run_id, "extract");
	CHECK(manifest_load(dir, &manifest) == 1);
	xfree(dir);
	return manifest;
}

static long records(json_t *manifest, const char *file)
{
	json_t *n = json_object_get(json_object_get(json_object_get(manifest, "files"), file), "records");

	return json_is_integer(n) ? (long)json_integer_value(n) : -1;
}

static void test_extract__full_then_since(void)
{
	struct sandbox_job fx;
	struct pipeline p = { 0 };
	json_t *m;

	if (sandbox_job_setup(&fx, "books"))
		return;
	p.job = fx.job;
	CHECK(ledger_open(&p.lg, fx.job->state_dir) == 0);
	m = extract_run(&fx, &p, 1);
	CHECK_INTEQ(records(m, "accounts.ndjson.gz"), 8);
	CHECK_INTEQ(records(m, "finance.customers.ndjson.gz"), 2);
	CHECK(json_string_value(json_object_get(m, MANIFEST_CRM_TIME)) != NULL);
	/* The finance rows carry no custom fields: each was read by id once, and that read is kept. */
	CHECK_INTEQ(ledger_query_int(fx.job->state_dir, "SELECT count(*) FROM finance_reads"), 2);
	json_decref(m);
	/* Changed after 2026-03-04 00:00 UTC: two accounts (07, 08); the finance snapshot is whole again. */
	CHECK(ledger_watermark_put(p.lg, "customers", "2026-03-04T00:00:00Z", p.run_id) == 0);
	m = extract_run(&fx, &p, 0);
	CHECK_INTEQ(records(m, "accounts.ndjson.gz"), 2); /* less the 300 s overlap: still those two */
	CHECK_INTEQ(records(m, "finance.customers.ndjson.gz"), 2);
	json_decref(m);
	pipeline_release(&p);
	ledger_close(p.lg);
	sandbox_job_teardown(&fx);
}

static const struct unit_test extract_tests[] = {
	UNIT(test_extract__full_then_since),
	{ 0 },
};
UNIT_SUITE(extract_tests)
