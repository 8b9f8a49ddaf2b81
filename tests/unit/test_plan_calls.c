/*
 * test_plan_calls.c - the arithmetic of `finsync plan`: list pages, the
 * listing wall and Bulk Read jobs, what a duplicate costs under each policy,
 * hours at a pace and days at a budget.
 */
#include "finsync/job.h"
#include "finsync/plan_calls.h"
#include "unit.h"

static void test_plan__pages_and_wall(void)
{
	CHECK_INTEQ(plan_pages(0), 1); /* an empty list is still one call */
	CHECK_INTEQ(plan_pages(200), 1);
	CHECK_INTEQ(plan_pages(201), 2);
	CHECK_INTEQ(plan_bulk_jobs(100000), 0); /* the wall is reached, not passed */
	CHECK_INTEQ(plan_crm_read_calls(100000), 500);
	CHECK_INTEQ(plan_bulk_jobs(100001), 1);
	CHECK_INTEQ(plan_bulk_jobs(1000000), 5);
	CHECK_INTEQ(plan_crm_read_calls(1000000), 5 * (2 + PLAN_BULK_POLLS));
	CHECK_INTEQ(plan_bulk_jobs(1000001), 6);
}

static void test_plan__entity_calls(void)
{
	struct plan_entity e = {
		.in_scope = 1000,
		.linked = 100,
		.finance = 130,
		.unlinked = 30,
		.reads = 30,
		.persons = 7,
		.on_duplicate = DUP_SKIP
	};

	/* 900 new, 30 of them duplicates of unlinked records: skipped. */
	CHECK_INTEQ(plan_entity_calls(&e), 870 + 100 + 7 + 1 + 30);
	CHECK_INTEQ(e.creates, 870);
	CHECK_INTEQ(e.updates, 100);
	e.on_duplicate = DUP_CLONE;
	plan_entity_calls(&e);
	CHECK_INTEQ(e.creates, 900);
	e.on_duplicate = DUP_OVERWRITE;
	plan_entity_calls(&e);
	CHECK_INTEQ(e.creates, 870);
	CHECK_INTEQ(e.updates, 130);
	/* More finance records than new CRM ones: no negative creates. */
	e.in_scope = 110;
	e.on_duplicate = DUP_SKIP;
	plan_entity_calls(&e);
	CHECK_INTEQ(e.creates, 0);
	/* After a run: the records it skipped as duplicates are not created either. */
	e.in_scope = 1000;
	e.skipped = 20;
	e.unlinked = 0;
	plan_entity_calls(&e);
	CHECK_INTEQ(e.creates, 880);
}

static void test_plan__hours_and_days(void)
{
	CHECK(plan_hours(100, 0, 6000, 0) < 0);      /* unpaced: unbounded */
	CHECK(plan_hours(100, 0, 6000, 100) == 1.0); /* 6,000 calls at 100 a minute */
	CHECK(plan_hours(600, 60, 6000, 100) == 7.0 / 6.0);
	CHECK(plan_days(100, 0, 5000, 0) < 0);
	CHECK(plan_days(100, 0, 5000, 1000) == 5.0);
	CHECK(plan_days(30000, 10000, 5000, 1000) == 5.0); /* the longer of the two */
}

static const struct unit_test plan_calls_tests[] = {
	UNIT(test_plan__pages_and_wall),
	UNIT(test_plan__entity_calls),
	UNIT(test_plan__hours_and_days),
	{ 0 },
};
UNIT_SUITE(plan_calls_tests)
