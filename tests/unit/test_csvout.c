/*
 * test_csvout.c - CSV writer bytes: RFC 4180 quoting, CRLF, formula
 * neutralisation, numbers left alone, write errors reported.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "finsync/csvout.h"
#include "finsync/err.h"
#include "unit.h"

/* Writes one row of cells (NULL-terminated, "" for an empty cell) and returns the bytes. */
static char *row_bytes(const char *const *cells)
{
	char *data = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&data, &len);
	struct csvout c;

	csvout_init(&c, fp);
	for (; *cells; cells++)
		CHECK(csvout_cell(&c, **cells ? *cells : NULL) == 0);
	CHECK(csvout_end_row(&c) == 0);
	fclose(fp);
	return data;
}

static void check_row(const char *const *cells, const char *want)
{
	char *got = row_bytes(cells);

	CHECK_STREQ(got, want);
	free(got); /* open_memstream's buffer comes from libc malloc */
}

static void test_csvout__plain_and_empty(void)
{
	static const char *const cells[] = { "a", "", "b c", NULL };

	check_row(cells, "a,,b c\r\n");
}

static void test_csvout__quotes_when_needed(void)
{
	static const char *const cells[] = { "x,y", "say \"hi\"", "two\nlines", "cr\r", NULL };

	check_row(cells, "\"x,y\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\r\"\r\n");
}

static void test_csvout__formulas_neutralised(void)
{
	static const char *const cells[] = { "=1+2", "+1x", "-A1", "@SUM(A1)", "\tx", "a=b", NULL };

	check_row(cells, "'=1+2,'+1x,'-A1,'@SUM(A1),'\tx,a=b\r\n");
}

static void test_csvout__formula_with_comma_is_quoted_after_prefix(void)
{
	static const char *const cells[] = { "=HYPERLINK(\"http://x\",\"y\")", NULL };

	check_row(cells, "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"\r\n");
}

/* Ids, ZIPs and phones: text a spreadsheet would turn into a number and change. */
static void test_csvout__kept_as_text(void)
{
	static const char *const cells[] = {
		"4150868000000087001", "02187", "+44 20 7946 0000", "-5", "+1 (555) 010-0100", NULL
	};
	static const char *const left[] = {
		"460000000040005", "0", "12", "2026-12-06", "2023-07-30T13:24:17+05:30", "4150868000000087001x", NULL
	};

	check_row(cells, "\"=\"\"4150868000000087001\"\"\",\"=\"\"02187\"\"\",\"=\"\"+44 20 7946 0000\"\"\","
			 "\"=\"\"-5\"\"\",\"=\"\"+1 (555) 010-0100\"\"\"\r\n");
	check_row(left, "460000000040005,0,12,2026-12-06,2023-07-30T13:24:17+05:30,4150868000000087001x\r\n");
	CHECK(csvout_keeps_as_text("0123"));
	CHECK(!csvout_keeps_as_text("123456789012345"));
	CHECK(csvout_keeps_as_text("1234567890123456"));
	CHECK(!csvout_keeps_as_text("+"));
	CHECK(!csvout_keeps_as_text(NULL));
}

static void test_csvout__numbers_are_not_formulas(void)
{
	char *data = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&data, &len);
	struct csvout c;

	csvout_init(&c, fp);
	CHECK(csvout_cell_long(&c, -42) == 0);
	CHECK(csvout_cell_number(&c, "-12.5e3") == 0);
	CHECK(csvout_cell_number(&c, "-1x") == 0); /* not a number: text rules */
	CHECK(csvout_cell_number(&c, NULL) == 0);
	CHECK(csvout_end_row(&c) == 0);
	fclose(fp);
	CHECK_STREQ(data, "-42,-12.5e3,'-1x,\r\n");
	free(data);
}

static void test_csvout__write_error_reported(void)
{
	FILE *fp = fopen("/dev/full", "w");
	struct csvout c;
	int i, rc = 0;

	if (!fp)
		return;
	setvbuf(fp, NULL, _IONBF, 0);
	csvout_init(&c, fp);
	for (i = 0; i < 10 && rc == 0; i++)
		rc = csvout_cell(&c, "data");
	CHECK(rc == FS_EABORT);
	CHECK(strstr(err_msg(), "cannot write CSV") != NULL);
	fclose(fp);
}

static const struct unit_test csvout_tests[] = {
	UNIT(test_csvout__plain_and_empty),      UNIT(test_csvout__quotes_when_needed),
	UNIT(test_csvout__formulas_neutralised), UNIT(test_csvout__formula_with_comma_is_quoted_after_prefix),
	UNIT(test_csvout__kept_as_text),         UNIT(test_csvout__numbers_are_not_formulas),
	UNIT(test_csvout__write_error_reported), { 0 },
};
UNIT_SUITE(csvout_tests)
