/*
 * test_ready.c - "ready before the first write" (src/stage/ready.c)
 * against a finsync-sandbox: every finding reported one by one (what was
 * checked, ok or missing, and the sentence); a job whose organisations have
 * what it names passes, and the CRM fields read are handed back for the
 * extract; a CRM field, a custom view and the finance custom field the job
 * names but the organisations lack are each missing, the first named in
 * the error with how many more, and nothing written anywhere.
 */
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/finclient.h"
#include "finsync/ready.h"
#include "sandbox_test.h"
#include "unit.h"

struct findings {
	int ok, missing, unknown;
	char text[2048];
};

static void on_line(void *ud, enum ready_mark mark, const char *what, const char *text)
{
	struct findings *f = ud;

	f->ok += mark == READY_OK;
	f->missing += mark == READY_MISSING;
	f->unknown += mark == READY_UNKNOWN;
	if (mark == READY_MISSING && strlen(f->text) + strlen(what) + strlen(text) + 4 < sizeof(f->text))
		snprintf(f->text + strlen(f->text), sizeof(f->text) - strlen(f->text), "%s: %s\n", what, text);
}

static int check(struct sandbox_job *fx, struct findings *f, json_t *fields)
{
	struct finclient *fc = NULL;
	int rc;

	memset(f, 0, sizeof(*f));
	CHECK(finclient_open(&fc, fx->job) == 0);
	rc = ready_check(fx->job, fc, fields, on_line, f);
	finclient_close(fc);
	return rc;
}

static void test_ready__ready_job(void)
{
	struct sandbox_job fx;
	struct findings f;
	json_t *fields = json_object();

	if (sandbox_job_setup(&fx, "books")) {
		json_decref(fields);
		return;
	}
	CHECK_INTEQ(check(&fx, &f, fields), 0);
	CHECK(f.ok > 0);
	CHECK_INTEQ(f.missing, 0);
	CHECK(json_array_size(json_object_get(fields, "Accounts")) > 0); /* handed to the extract */
	json_decref(fields);
	sandbox_job_teardown(&fx);
}

static void test_ready__what_is_missing(void)
{
	struct sandbox_job fx;
	struct findings f;
	json_t *map = json_pack("{s:s}", "website", "No_Such_Field"), *views = json_pack("{s:s}", "Accounts", "999");
	struct entity_sync *e;
	int rc;

	if (sandbox_job_setup(&fx, "books")) {
		json_decref(map);
		json_decref(views);
		return;
	}
	e = job_entity(fx.job, "customers");
	e->field_map = map;
	e->views = views;
	fx.job->crm_id_field = "cf_no_such_id";
	rc = check(&fx, &f, NULL);
	CHECK_INTEQ(rc, FS_EUSAGE);
	CHECK_INTEQ(f.missing, 3);
	CHECK(strstr(f.text, "No_Such_Field") != NULL);
	CHECK(strstr(f.text, "999") != NULL);
	CHECK(strstr(f.text, "cf_no_such_id") != NULL);
	CHECK(strstr(err_msg(), "2 more") != NULL);
	e->field_map = NULL;
	e->views = NULL;
	json_decref(map);
	json_decref(views);
	sandbox_job_teardown(&fx);
}

static const struct unit_test ready_tests[] = {
	UNIT(test_ready__ready_job),
	UNIT(test_ready__what_is_missing),
	{ 0 },
};
UNIT_SUITE(ready_tests)
