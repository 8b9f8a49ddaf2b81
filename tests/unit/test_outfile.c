/*
 * test_outfile.c - -o FILE (src/util/outfile.c): the file appears whole
 * only once finished, an aborted output leaves the old file untouched and
 * no FILE.tmp, and a directory that does not exist is refused by name.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/outfile.h"
#include "unit.h"

static void test_outfile__written_whole_on_finish(void)
{
	struct outfile out = OUTFILE_INIT;
	char *path = xasprintf("%s/report.csv", unit_tmpdir());
	char *tmp = xasprintf("%s.tmp", path);
	char *text;

	CHECK(outfile_open(&out, path) == 0);
	CHECK_STREQ(out.name, path);
	fputs("a,b\n1,2\n", out.fp);
	CHECK(access(path, F_OK) != 0); /* not there until finished */
	CHECK(access(tmp, F_OK) == 0);
	CHECK(outfile_finish(&out) == 0);
	outfile_abort(&out); /* harmless after finish */
	text = unit_read_file(path);
	CHECK_STREQ(text, "a,b\n1,2\n");
	CHECK(access(tmp, F_OK) != 0);
	xfree(text);
	xfree(tmp);
	xfree(path);
}

static void test_outfile__abort_keeps_the_old_file(void)
{
	struct outfile out = OUTFILE_INIT;
	char *path = xasprintf("%s/report.csv", unit_tmpdir());
	char *tmp = xasprintf("%s.tmp", path);
	FILE *fp = fopen(path, "w");
	char *text;

	fputs("old\n", fp);
	fclose(fp);
	CHECK(outfile_open(&out, path) == 0);
	fputs("new, half written", out.fp);
	outfile_abort(&out);
	text = unit_read_file(path);
	CHECK_STREQ(text, "old\n");
	CHECK(access(tmp, F_OK) != 0);
	xfree(text);
	xfree(tmp);
	xfree(path);
}

static void test_outfile__dash_is_standard_output(void)
{
	struct outfile out = OUTFILE_INIT;

	CHECK(outfile_open(&out, "-") == 0);
	CHECK(out.fp == stdout && out.path == NULL && out.tmp == NULL);
	CHECK_STREQ(out.name, "standard output");
	CHECK(outfile_finish(&out) == 0);
}

static void test_outfile__missing_directory_named(void)
{
	struct outfile out = OUTFILE_INIT;
	char *path = xasprintf("%s/no/such/report.csv", unit_tmpdir());

	CHECK(outfile_open(&out, path) == FS_EABORT);
	CHECK(strstr(err_msg(), "cannot create '") && strstr(err_msg(), "/no/such/report.csv.tmp'"));
	CHECK(out.fp == NULL && out.tmp == NULL);
	outfile_abort(&out);
	xfree(path);
}

static const struct unit_test outfile_tests[] = {
	UNIT(test_outfile__written_whole_on_finish),
	UNIT(test_outfile__abort_keeps_the_old_file),
	UNIT(test_outfile__dash_is_standard_output),
	UNIT(test_outfile__missing_directory_named),
	{ 0 },
};
UNIT_SUITE(outfile_tests)
