/*
 * test_scratch.c - src/util/scratch.c: the set of ids, the texts grouped by
 * key (taken in member order, ids as numbers, and dropped; the rest listed
 * in put order, the file removed at the end), and the rows found by key.
 */
#include <string.h>
#include <unistd.h>
#include "finsync/alloc.h"
#include "finsync/scratch.h"
#include "unit.h"

static void test_scratch__set(void)
{
	struct scratch_set *s = scratch_set_new(unit_tmpdir(), "ids.tmp");

	CHECK_INTEQ(scratch_set_has(s, "a"), 0);
	CHECK_INTEQ(scratch_set_add(s, "a"), 1);
	CHECK_INTEQ(scratch_set_add(s, "a"), 0);
	CHECK_INTEQ(scratch_set_has(s, "a"), 1);
	CHECK_INTEQ(scratch_set_has(s, "b"), 0);
	CHECK_INTEQ(scratch_set_clear(s), 0);
	CHECK_INTEQ(scratch_set_has(s, "a"), 0);
	scratch_set_free(s);
}

static int append(const char *text, size_t len, void *ud)
{
	strncat(ud, text, len);
	strcat(ud, ";");
	return 0;
}

static int append_pair(const char *member, const char *group, void *ud)
{
	strcat(ud, member);
	strcat(ud, "@");
	strcat(ud, group);
	strcat(ud, ";");
	return 0;
}

static void test_scratch__groups(void)
{
	char *path = xasprintf("%s/groups.tmp", unit_tmpdir());
	struct scratch_groups *g = NULL;
	char text[128] = "";
	long n = -1;

	CHECK(scratch_groups_open(&g, path) == 0);
	CHECK(scratch_groups_put(g, "A1", "12", "twelve", 6) == 0);
	CHECK(scratch_groups_put(g, "A1", "3", "three", 5) == 0);
	CHECK(scratch_groups_put(g, "A9", "7", "seven", 5) == 0);
	CHECK(scratch_groups_put(g, "A1", "100", "hundred!", 7) == 0); /* only len bytes count */
	CHECK(scratch_groups_seal(g) == 0);
	CHECK(scratch_groups_take(g, "A1", append, text, &n) == 0);
	CHECK_INTEQ(n, 3);
	CHECK_STREQ(text, "three;twelve;hundred;");
	text[0] = '\0';
	CHECK(scratch_groups_take(g, "A1", append, text, &n) == 0); /* taken: gone */
	CHECK_INTEQ(n, 0);
	CHECK(scratch_groups_each(g, append_pair, text) == 0);
	CHECK_STREQ(text, "7@A9;");
	CHECK(access(path, F_OK) == 0);
	scratch_groups_close(g);
	CHECK(access(path, F_OK) != 0);
	xfree(path);
}

static int append_row(const struct scratch_row *row, void *ud)
{
	char *line = xasprintf("%lld/%d/%s/%s;", row->rid, row->kind, row->text[0] ? row->text[0] : "-",
			       row->text[6] ? row->text[6] : "-");

	strcat(ud, line);
	xfree(line);
	return 0;
}

/* Rows written in a batch and one by one, found by key in rid order, changed in place; counters. */
static void test_scratch__rows(void)
{
	struct scratch_rows *r = NULL;
	struct scratch_row rows[3] = { { 1, 0, { "k" } }, { 2, 1, { "k", [3] = "sku" } }, { 3, 0, { "other" } } };
	const struct scratch_row *batch[2] = { &rows[0], &rows[1] };
	const struct scratch_row *one[1] = { &rows[2] };
	char text[128] = "";
	long long n = -1;

	CHECK(scratch_rows_open(&r, NULL, 1u << 0) == 0);
	CHECK(scratch_rows_put(r, batch, 2) == 0);
	CHECK(scratch_rows_put(r, one, 1) == 0);
	CHECK(scratch_rows_find(r, 0, "k", append_row, text) == 0);
	CHECK_STREQ(text, "1/0/k/-;2/1/k/-;");
	CHECK(scratch_rows_set(r, 2, 6, "claimed") == 0);
	CHECK(scratch_rows_set(r, 2, 0, "moved") == 0);
	text[0] = '\0';
	CHECK(scratch_rows_find(r, 0, "moved", append_row, text) == 0);
	CHECK_STREQ(text, "2/1/moved/claimed;");
	/* The old key still points at row 2 in the key runs; the row says otherwise. */
	text[0] = '\0';
	CHECK(scratch_rows_find(r, 0, "k", append_row, text) == 0);
	CHECK_STREQ(text, "1/0/k/-;");
	/* A column indexed late is found the same way. */
	CHECK(scratch_rows_index(r, 3) == 0);
	text[0] = '\0';
	CHECK(scratch_rows_find(r, 3, "sku", append_row, text) == 0);
	CHECK_STREQ(text, "2/1/moved/claimed;");
	CHECK(scratch_rows_count_get(r, "acme", &n) == 0);
	CHECK_INTEQ(n, 0);
	CHECK(scratch_rows_count_put(r, "acme", 3) == 0);
	CHECK(scratch_rows_count_get(r, "acme", &n) == 0);
	CHECK_INTEQ(n, 3);
	CHECK(scratch_rows_failed(r) == 0);
	scratch_rows_close(r);
}

static const struct unit_test scratch_tests[] = {
	UNIT(test_scratch__set),
	UNIT(test_scratch__groups),
	UNIT(test_scratch__rows),
	{ 0 },
};
UNIT_SUITE(scratch_tests)
