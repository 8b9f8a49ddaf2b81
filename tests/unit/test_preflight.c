/*
 * test_preflight.c - the checks a run makes before its first write
 * (src/stage/preflight.c) against a finsync-sandbox: the same base
 * currency on both sides passes; a finance organisation in another
 * currency stops the run naming both (a copy of the seeds with its
 * currency changed); a CSV export, which has no organisation, passes
 * without asking; and the set-up check refuses a job that maps a CRM
 * field the organisation does not have, naming it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/pipeline.h"
#include "job_test.h"
#include "sandbox_test.h"
#include "unit.h"

static void test_preflight__same_currency_passes(void)
{
	struct sandbox_job fx;
	struct pipeline p = { 0 };

	if (sandbox_job_setup(&fx, "books"))
		return;
	p.job = fx.job;
	CHECK(preflight_currency(&p) == 0);
	CHECK(preflight_ready(&p) == 0);
	pipeline_release(&p);
	sandbox_job_teardown(&fx);
}

/*
 * A copy of the seeds whose finance organisation keeps its books in EUR, in
 * a folder of its own (the sandbox's setup takes a fresh unit_tmpdir());
 * the folder (xfree, and remove it with forget_seeds()).
 */
static char *euro_seeds(void)
{
	char base[4200], *seeds = xasprintf("%s/finsync-seeds.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	char *cmd, *org;
	FILE *fp;

	if (!mkdtemp(seeds)) {
		CHECK(!"mkdtemp");
		return seeds;
	}
	sandbox_seed_dir(base, sizeof(base));
	cmd = xasprintf("cp -r '%s/.' '%s'", base, seeds);
	CHECK(system(cmd) == 0);
	org = xasprintf("%s/finance/org.json", seeds);
	fp = fopen(org, "w");
	if (fp) {
		fputs("{\"organization_id\":\"10234695\",\"name\":\"Sandbox Org\",\"currency_code\":\"EUR\","
		      "\"currency_id\":\"460000000000097\",\"currency_symbol\":\"€\"}\n",
		      fp);
		fclose(fp);
	}
	xfree(org);
	xfree(cmd);
	return seeds;
}

static void forget_seeds(char *seeds)
{
	char *cmd = xasprintf("rm -rf '%s'", seeds);

	CHECK(system(cmd) == 0);
	xfree(cmd);
	xfree(seeds);
}

static void test_preflight__other_currency_stops(void)
{
	char *seeds = euro_seeds();
	struct sandbox_job fx;
	struct pipeline p = { 0 };

	if (sandbox_job_setup_seed(&fx, "books", seeds)) {
		forget_seeds(seeds);
		return;
	}
	p.job = fx.job;
	CHECK(preflight_currency(&p) == FS_EABORT);
	CHECK_STREQ(err_msg(), "base currencies differ: Zoho CRM USD, Zoho Books EUR; finsync writes nothing until "
			       "they match");
	pipeline_release(&p);
	sandbox_job_teardown(&fx);
	forget_seeds(seeds);
}

static void test_preflight__csv_has_no_currency(void)
{
	struct pipeline p = { 0 };

	CHECK(tjob_load(JT_CRM_CSV, JT_FIN("zoho-books"), "{\"customers\":{}}", &p.job) == 0);
	if (!p.job)
		return;
	CHECK(preflight_currency(&p) == 0); /* the finance app is not asked: no server here */
	CHECK(p.fin == NULL);
	job_free(p.job);
}

static void test_preflight__missing_crm_field_refused(void)
{
	struct sandbox_job fx;
	struct pipeline p = { 0 };
	json_t *map = json_pack("{s:s}", "website", "No_Such_Field");

	if (sandbox_job_setup(&fx, "books")) {
		json_decref(map);
		return;
	}
	p.job = fx.job;
	job_entity(fx.job, "customers")->field_map = map;
	CHECK(preflight_ready(&p) == FS_EUSAGE);
	CHECK(strstr(err_msg(), "No_Such_Field") != NULL);
	job_entity(fx.job, "customers")->field_map = NULL;
	pipeline_release(&p);
	sandbox_job_teardown(&fx);
	json_decref(map);
}

static const struct unit_test preflight_tests[] = {
	UNIT(test_preflight__same_currency_passes),
	UNIT(test_preflight__other_currency_stops),
	UNIT(test_preflight__csv_has_no_currency),
	UNIT(test_preflight__missing_crm_field_refused),
	{ 0 },
};
UNIT_SUITE(preflight_tests)
