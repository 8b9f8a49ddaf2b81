/*
 * test_index.c - the finance index on disk (dedupe.c): rows written in
 * batches are found like the pending ones, and a row changed after a
 * batch keeps its change.
 */
#include <stdio.h>
#include "finsync/alloc.h"
#include "finsync/ledger.h"
#include "../../src/xform/xform.h"
#include "xform_test.h"
#include "unit.h"

static int plan(struct fin_index *ix, struct job *job, const char *crm_id, const char *name, struct plan *pl)
{
	struct dedupe_input in = { ENTITY_CUSTOMERS, crm_id, name, NULL, NULL };

	plan_release(pl);
	return dedupe_plan(ix, NULL, job_entity(job, "customers"), &in, pl);
}

static void test_index__batches(void)
{
	struct job job;
	struct fin_index *ix;
	struct plan pl = { 0 };
	json_t *row = json_pack("{s:s, s:s}", "contact_id", "F1", "contact_name", "Existing Ltd");
	char id[32], name[64];
	int i;

	tjob_init(&job, "zoho-books", "{\"customers\": {\"on_duplicate\": \"skip\"}}");
	ix = fin_index_new(&job);
	CHECK(fin_index_add(ix, ENTITY_CUSTOMERS, row) == 0);
	/* More creates than a batch holds: the first ones are in the database by the end. */
	for (i = 0; i < 300; i++) {
		snprintf(id, sizeof(id), "C%d", i);
		snprintf(name, sizeof(name), "Company %d", i);
		CHECK(plan(ix, &job, id, name, &pl) == 0);
		CHECK_STREQ(pl.action, "create");
	}
	/* A duplicate of a written row, of a pending row, of the existing one. */
	CHECK(plan(ix, &job, "D1", "COMPANY 3", &pl) == 0);
	CHECK_STREQ(pl.action, "skip");
	CHECK(pl.reason && strstr(pl.reason, "CRM record C3 ('Company 3')"));
	CHECK(plan(ix, &job, "D2", "company  299", &pl) == 0);
	CHECK_STREQ(pl.action, "skip");
	CHECK(pl.reason && strstr(pl.reason, "CRM record C299"));
	CHECK(plan(ix, &job, "D3", "existing ltd", &pl) == 0);
	CHECK_STREQ(pl.action, "skip");
	CHECK_STREQ(pl.finance_id, "F1");
	/* The same CRM id twice in the extract. */
	CHECK(plan(ix, &job, "C7", "Company 7", &pl) == 0);
	CHECK_STREQ(pl.action, "skip");
	CHECK(pl.reason && strstr(pl.reason, "more than once"));
	CHECK(fin_index_failed(ix) == 0);
	plan_release(&pl);
	fin_index_free(ix);
	json_decref(row);
	tjob_release(&job);
}

static const struct unit_test index_tests[] = {
	UNIT(test_index__batches),
	{ 0 },
};
UNIT_SUITE(index_tests)
