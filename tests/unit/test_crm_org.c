/*
 * test_crm_org.c - the CRM organisation's base currency (src/conn/crm_org.c):
 * Zoho CRM's org answer read against a finsync-sandbox (USD, its seed's
 * iso_code); a CSV export has no organisation and answers "not known"
 * without asking anything.
 */
#include "finsync/alloc.h"
#include "finsync/crm.h"
#include "job_test.h"
#include "sandbox_test.h"
#include "unit.h"

static void test_crm_org__base_currency(void)
{
	struct sandbox_job fx;
	struct job *job = NULL;
	char *cur = NULL;

	if (sandbox_job_setup(&fx, "books"))
		return;
	CHECK(crm_base_currency(fx.job, &cur) == 0);
	CHECK_STREQ(cur, "USD");
	xfree(cur);
	sandbox_job_teardown(&fx);
	CHECK(tjob_load(JT_CRM_CSV, JT_FIN("zoho-books"), "{\"customers\":{}}", &job) == 0);
	if (!job)
		return;
	cur = (char *)"x";
	CHECK(crm_base_currency(job, &cur) == 0);
	CHECK(cur == NULL);
	job_free(job);
}

static const struct unit_test crm_org_tests[] = {
	UNIT(test_crm_org__base_currency),
	{ 0 },
};
UNIT_SUITE(crm_org_tests)
