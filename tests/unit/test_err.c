/*
 * test_err.c - the error message and the exit codes (src/util/err.c):
 * fail() keeps the message and returns the code, fail_prefix() adds
 * context in front (even when its argument is the message itself), and
 * each result maps to the exit code docs/design.md promises.
 */
#include <string.h>
#include "finsync/err.h"
#include "unit.h"

static void test_err__fail_keeps_message(void)
{
	CHECK_INTEQ(fail(FS_EUSAGE, "bad key '%s'", "sync.x"), FS_EUSAGE);
	CHECK_STREQ(err_msg(), "bad key 'sync.x'");
	CHECK_INTEQ(fail_prefix(FS_EUSAGE, "job '%s'", "a.json"), FS_EUSAGE);
	CHECK_STREQ(err_msg(), "job 'a.json': bad key 'sync.x'");
}

static void test_err__message_as_its_own_argument(void)
{
	fail(FS_EABORT, "disk full");
	CHECK_INTEQ(fail(FS_EABORT, "writing: %s", err_msg()), FS_EABORT);
	CHECK_STREQ(err_msg(), "writing: disk full");
}

static void test_err__long_message_cut_not_overrun(void)
{
	char big[5000];

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	fail(FS_EABORT, "%s", big);
	CHECK_INTEQ(strlen(err_msg()), 2047);
	fail_prefix(FS_EABORT, "%s", big);
	CHECK_INTEQ(strlen(err_msg()), 2047);
	fail(FS_EABORT, "tail");
	fail_prefix(FS_EABORT, "%s", big);
	CHECK(strlen(err_msg()) <= 2047);
	CHECK(!strncmp(err_msg(), "aaaa", 4));
}

static void test_err__exit_codes(void)
{
	CHECK_INTEQ(exit_code_for(FS_OK, 0), 0);
	CHECK_INTEQ(exit_code_for(FS_OK, 3), 1);
	CHECK_INTEQ(exit_code_for(FS_EUSAGE, 0), 2);
	CHECK_INTEQ(exit_code_for(FS_EABORT, 0), 3);
	CHECK_INTEQ(exit_code_for(FS_ELOCKED, 9), 4);
	CHECK_INTEQ(exit_code_for(FS_EBUDGET, 0), 5);
	CHECK_INTEQ(exit_code_for(FS_EUNSURE, 0), 3);
	CHECK_INTEQ(exit_code_for(FS_EAPI, 0), 3);
}

static const struct unit_test err_tests[] = {
	UNIT(test_err__fail_keeps_message),
	UNIT(test_err__message_as_its_own_argument),
	UNIT(test_err__long_message_cut_not_overrun),
	UNIT(test_err__exit_codes),
	{ 0 },
};
UNIT_SUITE(err_tests)
