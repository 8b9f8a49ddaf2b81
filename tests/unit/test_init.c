/*
 * test_init.c - `finsync init` (src/cmd/init.c): the job it writes with
 * --sandbox loads as written for each finance app, pointing at that app's
 * API and taking its secrets from the environment; without --sandbox the
 * placeholders are what the job loader names; and a file already there is
 * never replaced.
 */
#include <stdlib.h>
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/cmd.h"
#include "finsync/err.h"
#include "finsync/job.h"
#include "unit.h"

static int init(const char *app, const char *path, int sandbox)
{
	char *argv[] = {
		(char *)"init",
		(char *)"--app",
		(char *)app,
		(char *)"-o",
		(char *)path,
		sandbox ? (char *)"--sandbox" : NULL,
		NULL
	};

	return cmd_init(sandbox ? 6 : 5, argv);
}

static void test_init__sandbox_job_loads_for_each_app(void)
{
	static const char *const apps[][2] = {
		{ "books", "/books/v3" },
		{ "invoice", "/invoice/v3" },
		{ "billing", "/billing/v1" },
		{ "inventory", "/inventory/v1" },
	};
	size_t i;

	setenv("FINSYNC_SANDBOX_URL", "http://127.0.0.1:1", 1);
	setenv("FINSYNC_CRM_CLIENT_SECRET", "crm-secret", 1);
	setenv("FINSYNC_CRM_REFRESH_TOKEN", "1000.crm-refresh", 1);
	setenv("FINSYNC_FIN_CLIENT_SECRET", "fin-secret", 1);
	setenv("FINSYNC_FIN_REFRESH_TOKEN", "1000.fin-refresh", 1);
	for (i = 0; i < sizeof(apps) / sizeof(apps[0]); i++) {
		char *path = xasprintf("%s/job.json", unit_tmpdir()), *type = xasprintf("zoho-%s", apps[i][0]);
		struct job *job = NULL;

		CHECK(init(apps[i][0], path, 1) == 0);
		if (job_load(&job, path) != 0) {
			fprintf(stderr, "init --app %s --sandbox: %s\n", apps[i][0], err_msg());
			unit_failures++;
		} else {
			CHECK_STREQ(job->fin.type, type);
			CHECK(strstr(job->fin.api_base, "http://127.0.0.1:1") == job->fin.api_base);
			CHECK(strstr(job->fin.api_base, apps[i][1]) != NULL);
			CHECK_STREQ(job->fin.client_secret, "fin-secret");
			CHECK_STREQ(job->crm.refresh_token, "1000.crm-refresh");
			CHECK(job->entities[ENTITY_CUSTOMERS].enabled);
		}
		job_free(job);
		xfree(type);
		xfree(path);
	}
}

static void test_init__placeholders_and_no_replace(void)
{
	char *path = xasprintf("%s/job.json", unit_tmpdir()), *before, *after;
	struct job *job = NULL;

	CHECK(init("books", path, 0) == 0);
	CHECK(job_load(&job, path) == FS_EUSAGE);
	CHECK(strstr(err_msg(), "finance.organization_id") != NULL);
	before = unit_read_file(path);
	CHECK(before && strstr(before, "REPLACE-WITH-YOUR-ORGANIZATION-ID"));
	CHECK(init("billing", path, 1) == FS_EUSAGE);
	CHECK(strstr(err_msg(), "never replaces a file") != NULL);
	after = unit_read_file(path);
	CHECK_STREQ(after, before);
	xfree(before);
	xfree(after);
	xfree(path);
}

static const struct unit_test init_tests[] = {
	UNIT(test_init__sandbox_job_loads_for_each_app),
	UNIT(test_init__placeholders_and_no_replace),
	{ 0 },
};
UNIT_SUITE(init_tests)
