/*
 * test_alloc.c - the allocator (src/util/alloc.c): the string helpers copy
 * exactly, NULL stays NULL, zero-byte requests still give a block, and
 * jansson's values go through the pool without losing a byte (a string
 * from json_dumps() is freed with xfree()).
 */
#include <string.h>
#include <jansson.h>
#include "finsync/alloc.h"
#include "unit.h"

static void test_alloc__string_helpers(void)
{
	char *s = xstrdup("hello"), *t = xstrndup("hello", 3), *u = xasprintf("%s-%04d", "n", 7);

	CHECK_STREQ(s, "hello");
	CHECK_STREQ(t, "hel");
	CHECK_STREQ(u, "n-0007");
	CHECK(xstrdup(NULL) == NULL);
	CHECK(xstrndup(NULL, 4) == NULL);
	xfree(s);
	xfree(t);
	xfree(u);
	xfree(NULL);
}

static void test_alloc__zero_sizes_give_a_block(void)
{
	char *a = xmalloc(0), *b = xcalloc(0, 0), *c = xrealloc(NULL, 0);
	int *z = xcalloc(8, sizeof(int));

	CHECK(a && b && c);
	CHECK(z[0] == 0 && z[7] == 0);
	z = xrealloc(z, 1000 * sizeof(int));
	z[999] = 5;
	CHECK(z[0] == 0 && z[999] == 5);
	xfree(a);
	xfree(b);
	xfree(c);
	xfree(z);
}

/* Many values made and dropped reuse pooled blocks; every value reads back whole. */
static void test_alloc__jansson_through_the_pool(void)
{
	int i, ok = 1;

	for (i = 0; i < 2000; i++) {
		json_t *o = json_pack("{s:i, s:s, s:[i,i]}", "n", i, "s", "x", "a", i, -i);
		char *text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
		char want[96];

		snprintf(want, sizeof(want), "{\"a\":[%d,%d],\"n\":%d,\"s\":\"x\"}", i, -i, i);
		ok &= text && !strcmp(text, want);
		xfree(text);
		json_decref(o);
	}
	CHECK(ok);
}

static const struct unit_test alloc_tests[] = {
	UNIT(test_alloc__string_helpers),
	UNIT(test_alloc__zero_sizes_give_a_block),
	UNIT(test_alloc__jansson_through_the_pool),
	{ 0 },
};
UNIT_SUITE(alloc_tests)
