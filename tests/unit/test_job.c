/*
 * test_job.c - the job file (src/job/job.c): what a good file sets and
 * defaults, and the refusals, each naming the file and the key.  (Secret
 * files, paths and more refusals are in test_core.c.)
 */
#include <string.h>
#include "finsync/finance.h"
#include "job_test.h"
#include "unit.h"

static void test_job__defaults_of_a_small_job(void)
{
	struct job *job = NULL;
	char *want_state = NULL;

	CHECK(tjob_load(JT_CRM_CSV, JT_FIN("zoho-books"), "{\"customers\":{}}", &job) == 0);
	if (!job)
		return;
	want_state = xasprintf("%s/var/unit", job->dir); /* beside the job file */
	CHECK_STREQ(job->name, "unit");
	CHECK_STREQ(job->state_dir, want_state);
	CHECK(job->stages == (STAGE_EXTRACT | STAGE_TRANSFORM | STAGE_LOAD));
	CHECK_INTEQ(job->overlap_seconds, 300);
	CHECK_STREQ(job->crm_id_field, "cf_crm_id");
	CHECK(job->app == finance_app_find("zoho-books"));
	CHECK(job->crm_source == crm_source_find("csv"));
	CHECK_STREQ(job->fin.client_secret, "s3cret");
	CHECK(job->entities[ENTITY_CUSTOMERS].enabled);
	CHECK(!job->entities[ENTITY_ITEMS].enabled);
	CHECK(job_entity(job, "customers") == &job->entities[ENTITY_CUSTOMERS]);
	CHECK(job_entity(job, "deals") == NULL);
	CHECK(!job->deals.enabled && !job->summary.enabled && !job->quotes.enabled);
	xfree(want_state);
	job_free(job);
}

static void test_job__top_level_keys(void)
{
	struct job *job = NULL;

	CHECK(tjob_load_text("{\"job\":\"unit\",\"stages\":[\"extract\",\"transform\"],\"overlap_seconds\":0,"
			     "\"crm\":" JT_CRM_CSV ",\"finance\":" JT_FIN("zoho-books") ",\"sync\":{\"items\":{}}}",
			     &job) == 0);
	if (job) {
		CHECK(job->stages == (STAGE_EXTRACT | STAGE_TRANSFORM));
		CHECK_INTEQ(job->overlap_seconds, 0);
	}
	job_free(job);
}

/* Each refused file: the text (a whole job) and what the message must hold. */
static void expect_refused(const char *text, const char *needle)
{
	struct job *job = NULL;
	int rc = tjob_load_text(text, &job);

	if (rc != FS_EUSAGE || !strstr(err_msg(), needle) || !strstr(err_msg(), "job.json")) {
		fprintf(stderr, "job %s: got %d '%s', wanted FS_EUSAGE with '%s'\n", text, rc, err_msg(), needle);
		unit_failures++;
	}
	job_free(job);
}

#define BODY(top) \
	"{\"job\":\"unit\"," top "\"crm\":" JT_CRM_CSV ",\"finance\":" JT_FIN("zoho-books") ",\"sync\":{\"items\":{}}}"

static void test_job__top_level_refusals(void)
{
	expect_refused("[1, 2]", "not a JSON object");
	expect_refused(BODY("\"extra\":1,"), "extra: unknown key");
	expect_refused("{\"crm\":" JT_CRM_CSV ",\"finance\":" JT_FIN("zoho-books") ",\"sync\":{\"items\":{}}}",
		       "job: missing");
	expect_refused("{\"job\":\"../up\",\"crm\":" JT_CRM_CSV
		       ",\"finance\":" JT_FIN("zoho-books") ",\"sync\":{\"items\":{}}}",
		       "is not a job name");
	expect_refused(BODY("\"stages\":[\"extract\",\"publish\"],"), "unknown stage 'publish'");
	expect_refused(BODY("\"stages\":\"extract\","), "stages: must be a list of extract, transform, load");
	expect_refused(BODY("\"overlap_seconds\":-1,"), "overlap_seconds: must be a whole number of seconds");
	expect_refused(BODY("\"overlap_seconds\":604801,"), "overlap_seconds: must be a whole number of seconds");
}

static void test_job__endpoint_refusals(void)
{
	tjob_refused("{\"type\":\"csv\"}", JT_FIN("zoho-books"), "{\"items\":{}}", "crm.dir: missing");
	tjob_refused("{\"type\":\"salesforce\"}", JT_FIN("zoho-books"), "{\"items\":{}}",
		     "crm.type: unknown value 'salesforce' (zoho-crm, csv)");
	tjob_refused(JT_CRM_CSV,
		     "{\"type\":\"zoho-books\",\"api_base\":\"https://f\",\"organization_id\":\"12a\",\"accounts_url\":"
		     "\"https://a\",\"client_id\":\"c\",\"client_secret_env\":\"UNIT_SECRET\",\"refresh_token_env\":"
		     "\"UNIT_SECRET\"}",
		     "{\"items\":{}}", "finance.organization_id: must be the organisation id, digits only");
	tjob_refused(JT_CRM_CSV,
		     "{\"type\":\"zoho-books\",\"api_base\":\"ftp://f\",\"organization_id\":\"12\",\"accounts_url\":"
		     "\"https://a\",\"client_id\":\"c\",\"client_secret_env\":\"UNIT_SECRET\",\"refresh_token_env\":"
		     "\"UNIT_SECRET\"}",
		     "{\"items\":{}}", "must start with https://");
	tjob_refused(JT_CRM_CSV,
		     "{\"type\":\"zoho-books\",\"api_base\":\"https://f\",\"organization_id\":\"12\",\"accounts_url\":"
		     "\"https://a\",\"client_id\":\"c\",\"client_secret_env\":\"UNIT_NO_SUCH_VARIABLE\","
		     "\"refresh_token_env\":\"UNIT_SECRET\"}",
		     "{\"items\":{}}", "environment variable 'UNIT_NO_SUCH_VARIABLE' is not set");
	tjob_refused(
		JT_CRM_CSV,
		"{\"type\":\"zoho-billing\",\"api_base\":\"https://f\",\"organization_id\":\"12\",\"accounts_url\":"
		"\"https://a\",\"client_id\":\"c\",\"client_secret_env\":\"UNIT_SECRET\",\"refresh_token_env\":"
		"\"UNIT_SECRET\",\"plan\":\"standard\"}",
		"{\"items\":{}}", "finance.plan");
}

static void test_job__sync_refusals(void)
{
	tjob_refused(JT_CRM_CSV, JT_FIN("zoho-books"), "{}", "sync: names no entity to sync");
	tjob_refused(JT_CRM_CSV, JT_FIN("zoho-billing"), "{\"vendors\":{}}",
		     "sync.vendors: zoho-billing has no vendors");
	tjob_refused(JT_CRM_CSV, JT_FIN("zoho-books"), "{\"customers\":{\"extent\":\"both_ways\"}}",
		     "both_ways writes to the CRM: it needs crm.type zoho-crm, not csv");
	tjob_refused(JT_CRM_CSV, JT_FIN("zoho-books"), "{\"customers\":{\"include_orphan_contacts\":true}}",
		     "include_orphan_contacts: only with crm_module accounts_and_contacts");
	tjob_refused(JT_CRM_API, JT_FIN("zoho-books"), "{\"customers\":{\"field_owner\":{\"phone\":\"finance\"}}}",
		     "only with extent both_ways");
	tjob_refused(JT_CRM_CSV, JT_FIN("zoho-books"), "{\"customers\":{\"match_on\":\"name\"}}",
		     "must be a list such as [\"name\", \"email\"]");
	tjob_refused(JT_CRM_CSV, JT_FIN("zoho-books"), "{\"items\":{\"field_map\":[\"rate\"]}}",
		     "must be an object of finance field to CRM field");
	tjob_refused(JT_CRM_CSV, JT_FIN("zoho-books"), "{\"price_books\":\"yes\",\"items\":{}}",
		     "sync.price_books: must be true or false");
}

static const struct unit_test job_tests[] = {
	UNIT(test_job__defaults_of_a_small_job), UNIT(test_job__top_level_keys), UNIT(test_job__top_level_refusals),
	UNIT(test_job__endpoint_refusals),       UNIT(test_job__sync_refusals),  { 0 },
};
UNIT_SUITE(job_tests)
