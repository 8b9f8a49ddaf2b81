/*
 * test_scratch.c - src/core/scratch.c: the set of ids, and the texts grouped
 * by key (taken in member order, ids as numbers, and dropped; the rest
 * listed in put order), each file removed at the end.
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
	CHECK(scratch_groups_put(g, "A1", "100", "hundred!", 7) == 0);  /* only len bytes count */
	CHECK(scratch_groups_seal(g) == 0);
	CHECK(scratch_groups_take(g, "A1", append, text, &n) == 0);
	CHECK_INTEQ(n, 3);
	CHECK_STREQ(text, "three;twelve;hundred;");
	text[0] = '\0';
	CHECK(scratch_groups_take(g, "A1", append, text, &n) == 0);      /* taken: gone */
	CHECK_INTEQ(n, 0);
	CHECK(scratch_groups_each(g, append_pair, text) == 0);
	CHECK_STREQ(text, "7@A9;");
	CHECK(access(path, F_OK) == 0);
	scratch_groups_close(g);
	CHECK(access(path, F_OK) != 0);
	xfree(path);
}

static const struct unit_test scratch_tests[] = {
	UNIT(test_scratch__set),
	UNIT(test_scratch__groups),
	{ 0 },
};
UNIT_SUITE(scratch_tests)
