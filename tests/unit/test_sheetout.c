/*
 * test_sheetout.c - tables for analysts (src/util/sheetout.c): as CSV the
 * bytes csvout writes; as xlsx a workbook whose sheet holds numbers as
 * numbers, ids and other text as text (inline strings), ISO dates as date
 * cells, and only a JSON number literal as a number, as the CSV does (the
 * workbook's XML is read back with libzip); a workbook that cannot be
 * written is refused naming its path.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/sheetout.h"
#include "unit.h"

/* One member of a zip file as a string (xfree), or NULL. */
static char *zip_member(const char *path, const char *name)
{
	zip_t *z = zip_open(path, ZIP_RDONLY, NULL);
	zip_file_t *f;
	zip_stat_t st;
	char *text = NULL;

	if (!z)
		return NULL;
	if (zip_stat(z, name, 0, &st) == 0 && (f = zip_fopen(z, name, 0))) {
		text = xcalloc(1, st.size + 1);
		if (zip_fread(f, text, st.size) != (zip_int64_t)st.size) {
			xfree(text);
			text = NULL;
		}
		zip_fclose(f);
	}
	zip_close(z);
	return text;
}

/* One row: header, then id, price, count, date, a word "nan" and "0x1A" given as numbers. */
static int write_table(struct sheetout *s)
{
	return sheetout_header(s, "id") || sheetout_header(s, "price") || sheetout_end_row(s) ||
	       sheetout_text(s, "4150868000000087001") || sheetout_number(s, "12.5") || sheetout_long(s, 7) ||
	       sheetout_text(s, "2026-03-01") || sheetout_number(s, "nan") || sheetout_number(s, "0x1A") ||
	       sheetout_text(s, NULL) || sheetout_end_row(s);
}

static void test_sheetout__csv(void)
{
	struct sheetout s;
	char *data = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&data, &len);

	sheetout_csv(&s, fp);
	CHECK(write_table(&s) == 0);
	CHECK(sheetout_close(&s) == 0);
	fclose(fp);
	CHECK_STREQ(data, "id,price\r\n\"=\"\"4150868000000087001\"\"\",12.5,7,2026-03-01,nan,0x1A,\r\n");
	free(data);
}

static void test_sheetout__xlsx_cells(void)
{
	char *path = xasprintf("%s/review.xlsx", unit_tmpdir()), *sheet, *book;
	struct sheetout s;

	CHECK(sheetout_xlsx(&s, path, "Review") == 0);
	CHECK(write_table(&s) == 0);
	CHECK(sheetout_close(&s) == 0);
	sheet = zip_member(path, "xl/worksheets/sheet1.xml");
	book = zip_member(path, "xl/workbook.xml");
	CHECK(sheet && book);
	if (sheet && book) {
		CHECK(strstr(book, "name=\"Review\"") != NULL);
		CHECK(strstr(sheet, "<c r=\"A2\" t=\"inlineStr\"><is><t>4150868000000087001</t>") !=
		      NULL);                                                 /* an id stays text */
		CHECK(strstr(sheet, "<c r=\"B2\"><v>12.5</v></c>") != NULL); /* a number is a number */
		CHECK(strstr(sheet, "<c r=\"C2\"><v>7</v></c>") != NULL);
		CHECK(strstr(sheet, "r=\"D2\" s=") && strstr(sheet, "<v>46082</v>")); /* 2026-03-01, a date cell */
		/* Not JSON numbers: text, as in the CSV. */
		CHECK(strstr(sheet, "<c r=\"E2\" t=\"inlineStr\"><is><t>nan</t>") != NULL);
		CHECK(strstr(sheet, "<c r=\"F2\" t=\"inlineStr\"><is><t>0x1A</t>") != NULL);
		CHECK(strstr(sheet, "<c r=\"F2\"><v>26</v></c>") == NULL);
		CHECK(strstr(sheet, "r=\"G2\"") == NULL); /* an empty cell is left out */
	}
	xfree(sheet);
	xfree(book);
	xfree(path);
}

static void test_sheetout__unwritable_named(void)
{
	char *path = xasprintf("%s/no/such/dir/review.xlsx", unit_tmpdir());
	struct sheetout s;
	int rc;

	rc = sheetout_xlsx(&s, path, "Review");
	if (!rc) {
		CHECK(write_table(&s) == 0);
		rc = sheetout_close(&s);
	}
	CHECK_INTEQ(rc, FS_EABORT);
	CHECK(strstr(err_msg(), "review.xlsx") != NULL);
	xfree(path);
}

static const struct unit_test sheetout_tests[] = {
	UNIT(test_sheetout__csv),
	UNIT(test_sheetout__xlsx_cells),
	UNIT(test_sheetout__unwritable_named),
	{ 0 },
};
UNIT_SUITE(sheetout_tests)
