/*
 * test_fsutil.c - src/util/fsutil.c: mkdir_p makes missing parents private
 * (0700), takes an existing tree and refuses a file in the way naming the
 * path that could not be made; a scratch file is gone from its folder at
 * once, and reads and writes at an offset go whole, a read past the end
 * failing with errno 0.
 */
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>
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

static void test_fsutil__scratch_file(void)
{
	const char *dir = unit_tmpdir(); /* each call makes a new folder */
	char *prefix = xasprintf("%s/scratch", dir);
	char back[8] = "";
	int fd = tmpfile_open(prefix);

	CHECK(fd >= 0);
	CHECK_INTEQ(unit_count_files(dir), 0);
	CHECK(write_full(fd, "abcdef", 6) == 0);
	CHECK(pwrite_full(fd, "XY", 2, 2) == 0);
	CHECK(pread_full(fd, back, 6, 0) == 0);
	CHECK_STREQ(back, "abXYef");
	errno = EINVAL;
	CHECK(pread_full(fd, back, 4, 4) == -1);
	CHECK_INTEQ(errno, 0);
	close(fd);
	xfree(prefix);
	prefix = xasprintf("%s/none/scratch", dir);
	CHECK(tmpfile_open(prefix) == -1);
	CHECK_INTEQ(errno, ENOENT);
	xfree(prefix);
}

static const struct unit_test fsutil_tests[] = {
	UNIT(test_fsutil__makes_parents_private),
	UNIT(test_fsutil__file_in_the_way),
	UNIT(test_fsutil__scratch_file),
	{ 0 },
};
UNIT_SUITE(fsutil_tests)
