/*
 * test_fsutil.c - mkdir_p (src/util/fsutil.c): missing parents are made
 * private (0700), an existing tree is fine, and a file in the way is
 * refused naming the path that could not be made.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/fsutil.h"
#include "unit.h"

static void test_fsutil__makes_parents_private(void)
{
	char *dir = xasprintf("%s/a/b/c", unit_tmpdir());
	struct stat st;

	CHECK(mkdir_p(dir) == 0);
	CHECK(stat(dir, &st) == 0 && S_ISDIR(st.st_mode));
	CHECK_INTEQ(st.st_mode & 0777, 0700);
	CHECK(mkdir_p(dir) == 0); /* already there */
	xfree(dir);
}

static void test_fsutil__file_in_the_way(void)
{
	const char *top = unit_tmpdir();
	char *file = xasprintf("%s/plain", top), *dir = xasprintf("%s/plain/sub", top);
	FILE *fp = fopen(file, "w");

	fclose(fp);
	CHECK(mkdir_p(dir) == FS_EABORT);
	CHECK(strstr(err_msg(), "cannot create '") != NULL);
	CHECK(strstr(err_msg(), "/plain/sub'") != NULL);
	xfree(file);
	xfree(dir);
}

static const struct unit_test fsutil_tests[] = {
	UNIT(test_fsutil__makes_parents_private),
	UNIT(test_fsutil__file_in_the_way),
	{ 0 },
};
UNIT_SUITE(fsutil_tests)
