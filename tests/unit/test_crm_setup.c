/*
 * test_crm_setup.c - what the checks ask of a CRM organisation beyond its
 * field names (src/conn/crm_setup.c), against a finsync-sandbox: a
 * picklist's values, a field's metadata, whether a custom view exists;
 * and a CSV export, which has none of them, answering "not known" (or, for
 * a view, refusing by name).  The base currency is test_crm_org.c's.
 */
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/crm.h"
#include "finsync/err.h"
#include "job_test.h"
#include "sandbox_test.h"
#include "unit.h"

static int has_string(json_t *list, const char *s)
{
	size_t i;

	for (i = 0; i < json_array_size(list); i++)
		if (!strcmp(json_string_value(json_array_get(list, i)), s))
			return 1;
	return 0;
}

static void test_crm_setup__against_zoho(void)
{
	struct sandbox_job fx;
	json_t *v = NULL;

	if (sandbox_job_setup(&fx, "books"))
		return;
	CHECK(crm_picklist(fx.job, "Deals", "Stage", &v) == 0);
	CHECK(has_string(v, "Closed Won") && has_string(v, "Qualification"));
	CHECK(!has_string(v, "Invoiced"));
	json_decref(v);
	v = NULL;
	CHECK(crm_picklist(fx.job, "Accounts", "No_Such_Field", &v) == 0);
	CHECK(v == NULL);
	CHECK(crm_field_info(fx.job, "Accounts", "Outstanding_Receivable", &v) == 0);
	CHECK_STREQ(json_string_value(json_object_get(v, "data_type")), "currency");
	json_decref(v);
	v = NULL;
	CHECK(crm_field_info(fx.job, "Accounts", "No_Such_Field", &v) == 0);
	CHECK(v == NULL);
	CHECK(crm_view_exists(fx.job, "Accounts", "4150868000000087501") == 1);
	CHECK(crm_view_exists(fx.job, "Accounts", "4150868000000087999") == 0);
	sandbox_job_teardown(&fx);
}

static void test_crm_setup__csv_knows_none(void)
{
	struct job *job = NULL;
	json_t *v = (json_t *)1;

	CHECK(tjob_load(JT_CRM_CSV, JT_FIN("zoho-books"), "{\"customers\":{}}", &job) == 0);
	if (!job)
		return;
	CHECK(crm_picklist(job, "Deals", "Stage", &v) == 0);
	CHECK(v == NULL);
	v = (json_t *)1;
	CHECK(crm_field_info(job, "Accounts", "Phone", &v) == 0);
	CHECK(v == NULL);
	CHECK(crm_view_exists(job, "Accounts", "1") == FS_EUSAGE);
	job_free(job);
}

static const struct unit_test crm_setup_tests[] = {
	UNIT(test_crm_setup__against_zoho),
	UNIT(test_crm_setup__csv_knows_none),
	{ 0 },
};
UNIT_SUITE(crm_setup_tests)
