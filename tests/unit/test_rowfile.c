/*
 * test_rowfile.c - src/util/rowfile.c: rows read back by id from the file
 * and from the buffers not written yet, a new version of an old row, a
 * text longer than the write buffer, ids never written (in a gap, past the
 * end), every version walked in order, no file left in the folder, and a
 * folder that cannot take the rows reported once, naming it.
 */
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/rowfile.h"
#include "unit.h"

#define ROWS 20000 /* past the offsets' window and many write buffers */

/* Row rid as "kind/a/b/c" ("-" for none); "absent" when never put. */
static char *row_of(struct rowfile *f, long long rid)
{
	const char *t[3];
	int kind = -1, rc = rowfile_get(f, rid, &kind, t);

	if (rc <= 0)
		return xstrdup(rc ? "error" : "absent");
	return xasprintf("%d/%s/%s/%s", kind, t[0] ? t[0] : "-", t[1] ? t[1] : "-", t[2] ? t[2] : "-");
}

static void check_row(struct rowfile *f, long long rid, const char *want)
{
	char *got = row_of(f, rid);

	CHECK_STREQ(got, want);
	xfree(got);
}

static void put_numbered(struct rowfile *f, long long rid)
{
	char *name = xasprintf("name %lld", rid);
	const char *t[3] = { name, rid % 2 ? NULL : "even", "" };

	CHECK(rowfile_put(f, rid, (int)(rid % 3), t) == 0);
	xfree(name);
}

static void test_rowfile__read_back(void)
{
	const char *dir = unit_tmpdir(); /* each call makes a new folder */
	char *prefix = xasprintf("%s/rows", dir);
	struct rowfile *f = rowfile_new(prefix, 3);
	const char *again[3] = { "renamed", NULL, "claimed" };
	long long rid;
	int ok = 1;

	for (rid = 1; rid <= ROWS; rid++)
		put_numbered(f, rid);
	/* every row, so that some start exactly where the file ends and the write buffer begins */
	for (rid = 1; rid <= ROWS && ok; rid++) {
		char *got = row_of(f, rid),
		     *want = xasprintf("%d/name %lld/%s/", (int)(rid % 3), rid, rid % 2 ? "-" : "even");
		ok = !strcmp(got, want);
		if (!ok)
			CHECK_STREQ(got, want);
		xfree(got);
		xfree(want);
	}
	CHECK(ok);
	check_row(f, 1, "1/name 1/-/");           /* on disk, offset on disk */
	check_row(f, 8200, "1/name 8200/even/");  /* on disk, offset in the window */
	check_row(f, ROWS, "2/name 20000/even/"); /* still in the write buffer */
	CHECK(rowfile_put(f, 5, 7, again) == 0);  /* an old row's new version */
	check_row(f, 5, "7/renamed/-/claimed");
	check_row(f, 6, "0/name 6/even/");
	check_row(f, 0, "absent");
	check_row(f, ROWS + 1, "absent");
	check_row(f, 10 * ROWS, "absent");
	CHECK_INTEQ(unit_count_files(dir), 0);
	rowfile_free(f);
	xfree(prefix);
}

/* Ids with a gap of more than a window, and a text larger than the write buffer. */
static void test_rowfile__gaps_and_long_texts(void)
{
	struct rowfile *f = rowfile_new(NULL, 3);
	char *big = xmalloc(200001);
	const char *t[3] = { big, "x", NULL };
	const char *got[3];
	int kind;

	memset(big, 'a', 200000);
	big[200000] = '\0';
	put_numbered(f, 3);
	CHECK(rowfile_put(f, 50000, 1, t) == 0);
	put_numbered(f, 50001);
	check_row(f, 3, "0/name 3/-/");
	check_row(f, 4, "absent");
	check_row(f, 20000, "absent");
	CHECK_INTEQ(rowfile_get(f, 50000, &kind, got), 1);
	CHECK(got[0] && strlen(got[0]) == 200000 && got[0][199999] == 'a');
	CHECK_STREQ(got[1], "x");
	check_row(f, 50001, "0/name 50001/-/");
	rowfile_free(f);
	xfree(big);
}

static int walk(long long rid, int kind, const char *const *text, void *ud)
{
	char *line = xasprintf("%lld:%d:%s;", rid, kind, text[0] ? text[0] : "-");

	strcat(ud, line);
	xfree(line);
	return 0;
}

static void test_rowfile__each_version_in_order(void)
{
	struct rowfile *f = rowfile_new(NULL, 3);
	const char *a[3] = { "a" }, *b[3] = { "b" }, *c[3] = { NULL };
	char seen[128] = "";

	CHECK(rowfile_each(f, walk, seen) == 0);
	CHECK_STREQ(seen, "");
	CHECK(rowfile_put(f, 1, 0, a) == 0);
	CHECK(rowfile_put(f, 2, 1, b) == 0);
	CHECK(rowfile_put(f, 1, 2, c) == 0);
	CHECK(rowfile_each(f, walk, seen) == 0);
	CHECK_STREQ(seen, "1:0:a;2:1:b;1:2:-;");
	rowfile_free(f);
}

static void test_rowfile__unwritable(void)
{
	char *prefix = xasprintf("%s/missing/rows", unit_tmpdir());
	struct rowfile *f = rowfile_new(prefix, 3);
	const char *t[3] = { "a" }, *got[3];
	int kind;

	CHECK_INTEQ(rowfile_put(f, 1, 0, t), FS_EABORT);
	CHECK(strstr(err_msg(), "missing/rows-*") != NULL);
	CHECK(strstr(err_msg(), "No such file or directory") != NULL);
	CHECK_INTEQ(rowfile_get(f, 1, &kind, got), FS_EABORT);
	rowfile_free(f);
	xfree(prefix);
}

static const struct unit_test rowfile_tests[] = {
	UNIT(test_rowfile__read_back),
	UNIT(test_rowfile__gaps_and_long_texts),
	UNIT(test_rowfile__each_version_in_order),
	UNIT(test_rowfile__unwritable),
	{ 0 },
};
UNIT_SUITE(rowfile_tests)
