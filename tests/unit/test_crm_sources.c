/*
 * test_crm_sources.c - the CRM source table (src/job/crm_sources.c): the
 * names the job file may give are found, and a source read from files has
 * no API to read incrementally, write, or ask for views, picklists or the
 * organisation.
 */
#include <string.h>
#include "finsync/finance.h"
#include "unit.h"

static void test_crm_sources__lookup_and_capabilities(void)
{
	const struct crm_source *api = crm_source_find("zoho-crm"), *csv = crm_source_find("csv");

	CHECK_STREQ(crm_source_names(), "zoho-crm, csv");
	CHECK(api && csv);
	if (!api || !csv)
		return;
	CHECK_STREQ(api->label, "Zoho CRM");
	CHECK(!api->from_files && api->incremental && api->writable && api->has_views && api->has_picklists &&
	      api->has_org);
	CHECK_STREQ(csv->label, "CSV export");
	CHECK(csv->from_files && !csv->incremental && !csv->writable && !csv->has_views && !csv->has_picklists &&
	      !csv->has_org);
	CHECK(crm_source_find("salesforce") == NULL);
	CHECK(crm_source_find("CSV") == NULL);
	CHECK(crm_source_find(NULL) == NULL);
}

static const struct unit_test crm_sources_tests[] = {
	UNIT(test_crm_sources__lookup_and_capabilities),
	{ 0 },
};
UNIT_SUITE(crm_sources_tests)
