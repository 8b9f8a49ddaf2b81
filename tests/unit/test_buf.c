/*
 * test_buf.c - the growable buffer (src/util/buf.c): bytes appended in
 * every way arrive in order and NUL-terminated, the cap refuses with
 * FS_EINPUT and keeps what was there, reset keeps storage, detach hands
 * the bytes over.
 */
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/buf.h"
#include "finsync/err.h"
#include "unit.h"

static void test_buf__appends_in_order(void)
{
	struct buf b = BUF_INIT;

	CHECK_STREQ(buf_str(&b), "");
	CHECK(buf_adds(&b, "ab") == 0);
	CHECK(buf_addc(&b, 'c') == 0);
	CHECK(buf_add(&b, "d\0e", 3) == 0);
	CHECK(buf_addf(&b, "-%d-%s", 42, "x") == 0);
	CHECK_INTEQ(b.len, 11);
	CHECK(memcmp(b.data, "abcd\0e-42-x", 12) == 0);
	CHECK(b.data[b.len] == '\0');
	buf_release(&b);
	CHECK(b.data == NULL && b.len == 0);
}

static void test_buf__grows_past_first_block(void)
{
	struct buf b = BUF_INIT;
	int i, ok = 1;

	for (i = 0; i < 10000; i++)
		ok &= buf_addc(&b, (char)('a' + i % 26)) == 0;
	CHECK(ok);
	CHECK_INTEQ(b.len, 10000);
	CHECK(b.cap > b.len);
	CHECK(b.data[9999] == 'a' + 9999 % 26 && b.data[10000] == '\0');
	buf_release(&b);
}

static void test_buf__cap_refuses_and_keeps(void)
{
	struct buf b;

	buf_init(&b, 5);
	CHECK(buf_adds(&b, "abc") == 0);
	CHECK(buf_addf(&b, "%s", "def") == FS_EINPUT);
	CHECK_STREQ(err_msg(), "more than 5 bytes");
	CHECK_STREQ(buf_str(&b), "abc");
	CHECK(buf_reserve(&b, 2) == 0);
	CHECK(buf_reserve(&b, 3) == FS_EINPUT);
	CHECK(buf_adds(&b, "de") == 0);
	CHECK_STREQ(buf_str(&b), "abcde");
	buf_release(&b);
}

static void test_buf__reset_keeps_storage(void)
{
	struct buf b = BUF_INIT;
	char *data;

	CHECK(buf_adds(&b, "hello") == 0);
	data = b.data;
	buf_reset(&b);
	CHECK(b.data == data && b.len == 0);
	CHECK_STREQ(buf_str(&b), "");
	CHECK(buf_adds(&b, "x") == 0);
	CHECK_STREQ(buf_str(&b), "x");
	buf_release(&b);
}

static void test_buf__detach_hands_over(void)
{
	struct buf b = BUF_INIT;
	char *s;

	s = buf_detach(&b); /* never used: an empty string, not NULL */
	CHECK_STREQ(s, "");
	xfree(s);
	CHECK(buf_adds(&b, "kept") == 0);
	s = buf_detach(&b);
	CHECK_STREQ(s, "kept");
	CHECK(b.data == NULL && b.len == 0 && b.cap == 0);
	CHECK(buf_adds(&b, "again") == 0); /* reusable after detach */
	CHECK_STREQ(buf_str(&b), "again");
	xfree(s);
	buf_release(&b);
}

static const struct unit_test buf_tests[] = {
	UNIT(test_buf__appends_in_order),      UNIT(test_buf__grows_past_first_block),
	UNIT(test_buf__cap_refuses_and_keeps), UNIT(test_buf__reset_keeps_storage),
	UNIT(test_buf__detach_hands_over),     { 0 },
};
UNIT_SUITE(buf_tests)
