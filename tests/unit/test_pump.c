/*
 * test_pump.c - the transform's per-record stream (src/xform/pump.c,
 * xform_stream): every record of a staged CRM file reaches the callback in
 * order; a line that is not JSON, or JSON that is not an object, is a
 * failed record of the entity when the stream counts them (and only
 * skipped when not); a missing file is no records; the callback's error
 * stops the stream and is returned.
 */
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/staging.h"
#include "../../src/xform/xform.h"
#include "xform_test.h"
#include "unit.h"

static int seen(struct xform *x, json_t *rec, void *ud)
{
	char *text = ud;

	(void)x;
	strcat(text, json_string_value(json_object_get(rec, "id")));
	strcat(text, ",");
	return strcmp(json_string_value(json_object_get(rec, "id")), "stop") ? 0 : FS_EABORT;
}

static void stage(const char *dir, const char *const *lines)
{
	struct staging_writer *w = NULL;

	CHECK(staging_writer_open(&w, dir, "Accounts") == 0);
	for (; *lines; lines++)
		CHECK(staging_write_line(w, *lines, strlen(*lines)) == 0);
	CHECK(staging_writer_finish(w, NULL) == 0);
}

/* A customers transform whose extract folder holds Accounts of lines. */
static void xform_of(struct job *job, struct xform *x, const char *const *lines)
{
	tjob_init(job, "zoho-books", "{\"customers\": {}}");
	memset(x, 0, sizeof(*x));
	x->job = job;
	x->e = job_entity(job, "customers");
	x->extract_dir = unit_tmpdir();
	stage(x->extract_dir, lines);
}

static void test_pump__records_in_order_bad_lines_counted(void)
{
	static const char *const lines[] = {
		"{\"id\":\"1\",\"Account_Name\":\"A\"}", "{oops", "[1,2]", "{\"id\":\"2\",\"Account_Name\":\"B\"}", NULL
	};
	struct job job;
	struct xform x;
	char text[64] = "";

	xform_of(&job, &x, lines);
	CHECK(xform_stream(&x, "Accounts", seen, text, 1) == 0);
	CHECK_STREQ(text, "1,2,");
	CHECK_INTEQ(x.st.failed, 2);
	CHECK_INTEQ(x.records_failed, 2);
	/* Not counted: the same lines skipped, no failure added. */
	text[0] = '\0';
	CHECK(xform_stream(&x, "Accounts", seen, text, 0) == 0);
	CHECK_STREQ(text, "1,2,");
	CHECK_INTEQ(x.st.failed, 2);
	/* A file the extract did not write: no records. */
	text[0] = '\0';
	CHECK(xform_stream(&x, "Contacts", seen, text, 1) == 0);
	CHECK_STREQ(text, "");
	tjob_release(&job);
}

static void test_pump__callback_error_stops(void)
{
	static const char *const lines[] = { "{\"id\":\"1\"}", "{\"id\":\"stop\"}", "{\"id\":\"3\"}", NULL };
	struct job job;
	struct xform x;
	char text[64] = "";

	xform_of(&job, &x, lines);
	CHECK_INTEQ(xform_stream(&x, "Accounts", seen, text, 1), FS_EABORT);
	CHECK_STREQ(text, "1,stop,");
	tjob_release(&job);
}

static const struct unit_test pump_tests[] = {
	UNIT(test_pump__records_in_order_bad_lines_counted),
	UNIT(test_pump__callback_error_stops),
	{ 0 },
};
UNIT_SUITE(pump_tests)
