/*
 * test_history_html.c - the HTML history page (src/cmd/history_html.c)
 * from a history built in memory: one self-contained page (no script, no
 * link out), every text from the ledger escaped (a job name, an error, a
 * record's reason can hold anything), a run's rows and its problems listed,
 * the cap on problems said, and an empty ledger saying so.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../src/cmd/history.h"
#include "unit.h"

static char *page_of(const struct history *h)
{
	char *data = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&data, &len);

	CHECK(history_print_html(fp, h) == 0);
	fclose(fp);
	return data;
}

/* How often needle is in text. */
static int count_of(const char *text, const char *needle)
{
	int n = 0;

	for (; (text = strstr(text, needle)); text++)
		n++;
	return n;
}

static void test_history_html__escaped_and_self_contained(void)
{
	struct history_row rows[2] = {
		{ .run = 2,
		  .started_at = (char *)"2026-11-21T15:26:40Z",
		  .finished_at = (char *)"2026-11-21T15:27:00Z",
		  .status = (char *)"partial",
		  .error = (char *)"<b>bad</b> & \"worse\"",
		  .entity = (char *)"customers",
		  .stage = (char *)"load",
		  .exit_code = 1,
		  .count = { 3, 1, 0, 0, 0, 2, 0 },
		  .calls_planned = -1,
		  .calls_made = 7 },
		{ .run = 1,
		  .started_at = (char *)"2026-11-20T15:26:40Z",
		  .finished_at = (char *)"2026-11-20T15:26:50Z",
		  .status = (char *)"ok",
		  .entity = (char *)"customers",
		  .stage = (char *)"load",
		  .exit_code = 0,
		  .count = { 5 },
		  .calls_planned = 6,
		  .calls_made = 6 },
	};
	struct history_event ev = {
		.entity = (char *)"customers",
		.crm_module = (char *)"Accounts",
		.crm_id = (char *)"4150868000000087001",
		.action = (char *)"failed",
		.reason = (char *)"name <script>alert(1)</script>"
	};
	struct history h = {
		.rows = rows,
		.n = 2,
		.events = &ev,
		.nevents = 1,
		.events_total = 3,
		.job_name = "night<ly>",
		.ledger_path = "/var/lib/finsync/ledger.sqlite"
	};
	char *page;

	page = page_of(&h);
	CHECK(!strncmp(page, "<!DOCTYPE html>\n", 16));
	CHECK(strstr(page, "</html>\n") != NULL);
	CHECK(strstr(page, "<script") == NULL);
	CHECK(!strstr(page, "src=") && !strstr(page, "href=\"http") && !strstr(page, "<link")); /* nothing fetched */
	CHECK(strstr(page, "<title>finsync history: night&lt;ly&gt;</title>") != NULL);
	CHECK(strstr(page, "&lt;b&gt;bad&lt;/b&gt; &amp; &quot;worse&quot;") != NULL);
	CHECK(strstr(page, "<b>bad</b>") == NULL);
	CHECK(strstr(page, "name &lt;script&gt;alert(1)&lt;/script&gt;") != NULL);
	CHECK(strstr(page, "2 runs, generated ") != NULL);
	CHECK(strstr(page, "data-run=\"2\" data-count=\"3\"") != NULL);
	CHECK_INTEQ(count_of(page, "<tr class=\"event\">"), 1);
	CHECK(strstr(page, "The first 1 of 3.") != NULL);
	CHECK(strstr(page, "2026-11-21 15:26:40") != NULL);
	free(page);
}

static void test_history_html__no_runs(void)
{
	struct history h = { .job_name = "new", .ledger_path = "/l" };
	char *page = page_of(&h);

	CHECK(strstr(page, "0 runs, generated ") != NULL);
	CHECK(strstr(page, "No runs yet.") != NULL);
	CHECK(strstr(page, "id=\"problems\"") == NULL);
	CHECK(strstr(page, "</html>\n") != NULL);
	free(page);
}

static const struct unit_test history_html_tests[] = {
	UNIT(test_history_html__escaped_and_self_contained),
	UNIT(test_history_html__no_runs),
	{ 0 },
};
UNIT_SUITE(history_html_tests)
