/*
 * test_cmdargs.c - how every command starts (src/cmd/cmdargs.c,
 * cmd_parse()): the words after the options counted against the command's
 * own ("JOB"; "[COMMAND]" may be left out), a missing or an extra word
 * refused with the usage line, --help printed and answered 1, and -q
 * setting the log to warnings.  The options themselves are test_options.c's.
 */
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/cmd.h"
#include "finsync/err.h"
#include "finsync/log.h"
#include "unit.h"

static int parse(int argc, char **argv)
{
	char opts[1024] = { 0 }; /* room for any command's own options */

	return cmd_parse(argc, argv, opts);
}

static void test_cmdargs__words(void)
{
	char *ok[] = { (char *)"pause", (char *)"job.json", NULL };
	char *none[] = { (char *)"pause", NULL };
	char *two[] = { (char *)"pause", (char *)"a.json", (char *)"b.json", NULL };
	char *help_none[] = { (char *)"help", NULL };

	CHECK_INTEQ(parse(2, ok), 0);
	CHECK_STREQ(ok[1], "job.json");
	CHECK(ok[2] == NULL);
	CHECK_INTEQ(parse(1, none), FS_EUSAGE);
	CHECK_STREQ(err_msg(), "missing JOB; usage: finsync pause JOB");
	CHECK_INTEQ(parse(3, two), FS_EUSAGE);
	CHECK_STREQ(err_msg(), "unexpected argument 'b.json'; usage: finsync pause JOB");
	CHECK_INTEQ(parse(1, help_none), 0);
}

static int help_rc;

static void ask_help(void)
{
	char *argv[] = { (char *)"pause", (char *)"--help", NULL };

	help_rc = parse(2, argv);
}

static void quiet_then_info(void)
{
	char *argv[] = { (char *)"pause", (char *)"-q", (char *)"job.json", NULL };

	CHECK_INTEQ(parse(3, argv), 0);
	log_info("not shown under -q");
	log_warn("shown under -q");
	log_setup(LOG_INFO, LOG_TEXT);
}

static void test_cmdargs__help_and_quiet(void)
{
	char *out = unit_stdout_of(ask_help), *err;

	CHECK_INTEQ(help_rc, 1);
	CHECK(!strncmp(out, "usage: finsync pause JOB\n", 25));
	xfree(out);
	err = unit_stderr_of(quiet_then_info);
	CHECK_STREQ(err, "finsync: warn: shown under -q\n");
	xfree(err);
}

static const struct unit_test cmdargs_tests[] = {
	UNIT(test_cmdargs__words),
	UNIT(test_cmdargs__help_and_quiet),
	{ 0 },
};
UNIT_SUITE(cmdargs_tests)
