/*
 * test_ledger_mappings.c - the mapping fingerprints (src/ledger/mappings.c):
 * none before a first load, one per entity, replaced with the run that
 * wrote it.
 */
#include "finsync/alloc.h"
#include "finsync/ledger.h"
#include "ledger_test.h"
#include "unit.h"

static void test_ledger_mappings__per_entity_replaced(void)
{
	const char *dir = unit_tmpdir();
	struct ledger *lg = NULL;
	char *fp = (char *)"x";

	CHECK(ledger_open(&lg, dir) == 0);
	CHECK(ledger_mapping_get(lg, "customers", &fp) == 0);
	CHECK(fp == NULL);
	CHECK(ledger_mapping_put(lg, "customers", "aaa", 1) == 0);
	CHECK(ledger_mapping_put(lg, "items", "iii", 1) == 0);
	CHECK(ledger_mapping_put(lg, "customers", "bbb", 2) == 0);
	CHECK(ledger_mapping_get(lg, "customers", &fp) == 1);
	CHECK_STREQ(fp, "bbb");
	xfree(fp);
	CHECK(ledger_mapping_get(lg, "items", &fp) == 1);
	CHECK_STREQ(fp, "iii");
	xfree(fp);
	ledger_close(lg);
	CHECK_INTEQ(ledger_query_int(dir, "SELECT count(*) FROM mappings"), 2);
	CHECK_INTEQ(ledger_query_int(dir, "SELECT run_id FROM mappings WHERE entity = 'customers'"), 2);
}

static const struct unit_test ledger_mappings_tests[] = {
	UNIT(test_ledger_mappings__per_entity_replaced),
	{ 0 },
};
UNIT_SUITE(ledger_mappings_tests)
