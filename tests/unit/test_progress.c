/*
 * test_progress.c - the progress line's figures (src/util/progress.c):
 * counts with thousands separators, cut short rather than overrun, a
 * stage's total found in its manifest whatever the case of the name, and
 * no line at all when stderr is not a terminal (cron mail, a log file).
 * The line on a terminal is e2e t8200's.
 */
#include <stdio.h>
#include <string.h>
#include <jansson.h>
#include "finsync/alloc.h"
#include "finsync/progress.h"
#include "unit.h"

static void test_progress__count_text(void)
{
	char out[32], small[6];

	progress_count_text(0, out, sizeof(out));
	CHECK_STREQ(out, "0");
	progress_count_text(999, out, sizeof(out));
	CHECK_STREQ(out, "999");
	progress_count_text(1000, out, sizeof(out));
	CHECK_STREQ(out, "1,000");
	progress_count_text(1234567, out, sizeof(out));
	CHECK_STREQ(out, "1,234,567");
	progress_count_text(-5, out, sizeof(out));
	CHECK_STREQ(out, "0");
	progress_count_text(1234567, small, sizeof(small));
	CHECK(strlen(small) < sizeof(small));
	CHECK_STREQ(small, "1,23");
}

static void test_progress__total_from_manifest(void)
{
	json_t *m = json_loads("{\"files\":{\"accounts.ndjson.gz\":{\"records\":1200},"
			       "\"finance.customers.ndjson.gz\":{\"records\":7}}}",
			       0, NULL);

	CHECK_INTEQ(progress_total(m, "Accounts"), 1200);
	CHECK_INTEQ(progress_total(m, "finance.customers"), 7);
	CHECK_INTEQ(progress_total(m, "Contacts"), -1);
	CHECK_INTEQ(progress_total(NULL, "Accounts"), -1);
	CHECK_INTEQ(progress_total(m, NULL), -1);
	json_decref(m);
}

static void draw_a_load(void)
{
	long i;

	progress_start("load", "customers", 100000);
	progress_pace(100, 50);
	for (i = 1; i <= 100000; i++)
		progress_tick(i);
	progress_clear();
	progress_end();
}

static void test_progress__nothing_drawn_off_a_terminal(void)
{
	char *text = unit_stderr_of(draw_a_load);

	CHECK_STREQ(text, "");
	xfree(text);
}

static const struct unit_test progress_tests[] = {
	UNIT(test_progress__count_text),
	UNIT(test_progress__total_from_manifest),
	UNIT(test_progress__nothing_drawn_off_a_terminal),
	{ 0 },
};
UNIT_SUITE(progress_tests)
