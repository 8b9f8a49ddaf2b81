/*
 * test_load.c - the load stage (src/stage/load.c) on its own: a few planned
 * actions are staged by hand as the transform would leave them, stage_load()
 * sends them to a finsync-sandbox started by the test (real HTTP), and the
 * test reads what the finance store and the ledger hold afterwards.  The
 * sandbox binary is looked for beside the unit-test binary and the seeds in
 * $TOP/fixtures (or beside the build directory); without them the tests say
 * so and fail.
 */
#include <jansson.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/http.h"
#include "finsync/job.h"
#include "finsync/ledger.h"
#include "finsync/pipeline.h"
#include "finsync/staging.h"
#include "sandbox_test.h"
#include "unit.h"

/* The finance store's customers in APP whose cf_crm_id is crm_id (and named name, unless NULL). */
static int store_count(struct sandbox *sb, const char *app, const char *crm_id, const char *name)
{
	char path[64];
	json_t *all, *rec;
	size_t i;
	int n = 0;

	snprintf(path, sizeof(path), "/store/%s/contacts", app);
	all = ctl(sb, "GET", path, NULL);
	json_array_foreach(json_object_get(all, "records"), i, rec) {
		const char *id =
			json_string_value(json_object_get(json_object_get(rec, "custom_field_hash"), "cf_crm_id"));
		const char *nm = json_string_value(json_object_get(rec, "contact_name"));
		n += id && !strcmp(id, crm_id) && (!name || (nm && !strcmp(nm, name)));
	}
	json_decref(all);
	return n;
}

/* Requests of METHOD (or every write, for NULL) to APP since the log was cleared. */
static int finance_writes(struct sandbox *sb, const char *app, const char *method)
{
	json_t *log = ctl(sb, "GET", "/requests", NULL), *r;
	size_t i;
	int n = 0;

	json_array_foreach(json_object_get(log, "requests"), i, r) {
		const char *api = json_string_value(json_object_get(r, "api"));
		const char *m = json_string_value(json_object_get(r, "method"));
		n += api && m && !strcmp(api, app) && (method ? !strcmp(m, method) : strcmp(m, "GET") != 0);
	}
	json_decref(log);
	return n;
}

/* A planned action as the transform stages it. */
static json_t *planned(const char *action, const char *crm_id, const char *name, const char *reason)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:n, s:b, s:s, s:{s:s, s:s, s:s, s:s, s:[{s:s, s:s}]}}",
			 "entity", "customers", "crm_module", "Accounts", "crm_id", crm_id, "name", name, "action",
			 action, "match", "", "reason", reason ? json_string(reason) : json_null(), "finance_id",
			 "duplicate", 0, "hash", "0123456789abcdef", "payload", "contact_name", name, "company_name",
			 name, "contact_type", "customer", "customer_sub_type", "business", "custom_fields", "api_name",
			 "cf_crm_id", "value", crm_id);
}

/* Stages the records as run_id's transform output. */
static int stage_transform_output(const char *state_dir, long run_id, json_t **recs, int n)
{
	char *dir = staging_dir(state_dir, run_id, "transform");
	struct manifest *m = manifest_new(run_id, "transform");
	struct staging_writer *w = NULL;
	int rc, i;

	rc = staging_writer_open(&w, dir, "customers");
	for (i = 0; !rc && i < n; i++)
		rc = staging_write(w, recs[i]);
	if (!rc)
		rc = staging_writer_finish(w, m);
	if (!rc)
		rc = manifest_write(m, dir);
	manifest_free(m);
	xfree(dir);
	return rc;
}

/* One number from the job's ledger, read apart from finsync's own connection. */
static long ledger_number(const char *dir, const char *sql)
{
	char path[4200];
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	long v = -1;

	snprintf(path, sizeof(path), "%s/state/ledger.sqlite", dir);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	else
		fprintf(stderr, "ledger: %s: %s\n", sql, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

struct fixture {
	char dir[256];
	struct sandbox sb;
	struct pipeline p;
};

static int setup(struct fixture *fx, const char *app)
{
	char job[300];

	memset(fx, 0, sizeof(*fx));
	snprintf(fx->dir, sizeof(fx->dir), "%s", unit_tmpdir());
	if (sandbox_start(&fx->sb, fx->dir))
		return -1;
	snprintf(job, sizeof(job), "%s/job.json", fx->dir);
	write_job(job, fx->dir, fx->sb.url, app);
	if (job_load(&fx->p.job, job) || ledger_open(&fx->p.lg, fx->p.job->state_dir) ||
	    ledger_run_start(fx->p.lg, "load", "load", &fx->p.run_id)) {
		fprintf(stderr, "setup: %s\n", err_msg());
		return -1;
	}
	return 0;
}

static void teardown(struct fixture *fx)
{
	pipeline_release(&fx->p);
	if (fx->p.lg)
		ledger_close(fx->p.lg);
	if (fx->p.job)
		job_free(fx->p.job);
	sandbox_stop(&fx->sb);
}

static void test_load__creates_link_and_a_refusal_is_one_failed_record(void)
{
	struct fixture fx;
	json_t *recs[4];
	json_t *refused;
	int i;

	if (setup(&fx, "books")) {
		CHECK(!"setup");
		teardown(&fx);
		return;
	}
	recs[0] = planned("create", "4150868000000099001", "Umbrella Corp", NULL);
	recs[1] = planned("create", "4150868000000099002", "Bad Co", NULL);
	recs[2] = planned("skip", "4150868000000099003", "Umbrella  Corp",
			  "duplicate of CRM record 4150868000000099001");
	recs[3] = planned("create", "4150868000000099004", "Stark Industries", NULL);
	CHECK_INTEQ(stage_transform_output(fx.p.job->state_dir, fx.p.run_id, recs, 4), 0);
	refused = ctl(&fx.sb, "POST", "/reject",
		      "{\"app\":\"books\",\"resource\":\"contacts\",\"field\":\"contact_name\",\"value\":\"Bad Co\","
		      "\"code\":4,\"message\":\"Invalid characters in name\"}");
	CHECK(refused != NULL);
	json_decref(refused);

	CHECK_INTEQ(stage_load(&fx.p), 0);
	/* Each create is one finance record carrying its CRM id; the refused one is not there. */
	CHECK_INTEQ(store_count(&fx.sb, "books", "4150868000000099001", "Umbrella Corp"), 1);
	CHECK_INTEQ(store_count(&fx.sb, "books", "4150868000000099004", "Stark Industries"), 1);
	CHECK_INTEQ(store_count(&fx.sb, "books", "4150868000000099002", NULL), 0);
	CHECK_INTEQ(store_count(&fx.sb, "books", "4150868000000099003", NULL), 0);
	CHECK_INTEQ(fx.p.records_failed, 1);
	CHECK_INTEQ(ledger_number(fx.dir,
				  "select count(*) from links where entity = 'customers' and state = 'linked' "
				  "and crm_id in ('4150868000000099001', '4150868000000099004') and finance_id <> ''"),
		    2);
	CHECK_INTEQ(ledger_number(fx.dir, "select count(*) from links"), 2);
	CHECK_INTEQ(ledger_number(fx.dir, "select count(*) from events where crm_id = '4150868000000099002' "
					  "and action = 'failed' and reason like '%Invalid characters in name%'"),
		    1);
	/* A linked record's intent is cleared with its link; the refused one's stays to be looked for. */
	CHECK_INTEQ(ledger_number(fx.dir, "select count(*) from intents where crm_id in "
					  "(select crm_id from links)"),
		    0);

	/* The run was not finished: loading it again resumes, and what is linked is not sent again. */
	json_decref(ctl(&fx.sb, "DELETE", "/requests", NULL));
	CHECK_INTEQ(stage_load(&fx.p), 0);
	CHECK_INTEQ(finance_writes(&fx.sb, "books", NULL), 0);
	CHECK_INTEQ(ledger_number(fx.dir, "select count(*) from links"), 2);
	for (i = 0; i < 4; i++)
		json_decref(recs[i]);
	teardown(&fx);
}

static void test_load__needs_a_finished_transform(void)
{
	struct fixture fx;

	if (setup(&fx, "books")) {
		CHECK(!"setup");
		teardown(&fx);
		return;
	}
	CHECK_INTEQ(stage_load(&fx.p), FS_EUSAGE);
	CHECK(strstr(err_msg(), "has no finished transform stage") != NULL);
	teardown(&fx);
}

static void test_load__create_answered_late_is_found_not_sent_again(void)
{
	struct fixture fx;
	json_t *recs[2];
	int i;

	/* Invoice has no upsert: a create is a POST, and one answered after the timeout may be applied. */
	if (setup(&fx, "invoice")) {
		CHECK(!"setup");
		teardown(&fx);
		return;
	}
	recs[0] = planned("create", "4150868000000099011", "Wayne Enterprises", NULL);
	recs[1] = planned("create", "4150868000000099012", "Cyberdyne Systems", NULL);
	CHECK_INTEQ(stage_transform_output(fx.p.job->state_dir, fx.p.run_id, recs, 2), 0);
	json_decref(ctl(&fx.sb, "POST", "/faults",
			"{\"kind\":\"delay\",\"delay_ms\":3500,"
			"\"path_prefix\":\"/invoice/v3/contacts\",\"method\":\"POST\",\"count\":1}"));
	json_decref(ctl(&fx.sb, "DELETE", "/requests", NULL));
	setenv("FINSYNC_HTTP_TIMEOUT_MS", "1500", 1);
	CHECK_INTEQ(stage_load(&fx.p), 0);
	unsetenv("FINSYNC_HTTP_TIMEOUT_MS");
	/*
	 * Both made once: the late one was looked up by its CRM id and updated (a PUT),
	 * not posted blind (the sandbox would have made a second Wayne Enterprises).
	 */
	CHECK(finance_writes(&fx.sb, "invoice", "PUT") >= 1);
	CHECK_INTEQ(store_count(&fx.sb, "invoice", "4150868000000099011", "Wayne Enterprises"), 1);
	CHECK_INTEQ(store_count(&fx.sb, "invoice", "4150868000000099012", "Cyberdyne Systems"), 1);
	CHECK_INTEQ(ledger_number(fx.dir, "select count(*) from links where state = 'linked'"), 2);
	CHECK_INTEQ(ledger_number(fx.dir, "select count(*) from intents"), 0);
	for (i = 0; i < 2; i++)
		json_decref(recs[i]);
	teardown(&fx);
}

static const struct unit_test load_tests[] = {
	UNIT(test_load__creates_link_and_a_refusal_is_one_failed_record),
	UNIT(test_load__needs_a_finished_transform),
	UNIT(test_load__create_answered_late_is_found_not_sent_again),
	{ 0 }
};
UNIT_SUITE(load_tests)
