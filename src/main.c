/*
 * main.c - finsync COMMAND ...: look the command up, run it, print its
 * error, check that stdout was written, map the result to the exit code.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/cmd.h"
#include "finsync/err.h"
#include "finsync/help.h"
#include "finsync/log.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
};

static int cmd_help(int argc, char **argv);

static const struct command commands[] = {
	{ "run", cmd_run },
	{ "extract", cmd_extract },
	{ "transform", cmd_transform },
	{ "load", cmd_load },
	{ "export", cmd_export },
	{ "history", cmd_history },
	{ "review", cmd_review },
	{ "resync", cmd_resync },
	{ "status", cmd_status },
	{ "pause", cmd_pause },
	{ "resume", cmd_resume },
	{ "disable", cmd_disable },
	{ "enable", cmd_enable },
	{ "check", cmd_check },
	{ "unlink", cmd_unlink },
	{ "help", cmd_help },
};

static int cmd_help(int argc, char **argv)
{
	const struct command_help *h;

	if (argc < 2) {
		help_print_overview(stdout);
		return 0;
	}
	if (!(h = help_find(argv[1])))
		return fail(FS_EUSAGE, "no command '%s'; 'finsync help' lists them", argv[1]);
	help_print(stdout, h);
	return 0;
}

static const struct command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

int main(int argc, char **argv)
{
	const struct command *cmd;
	int rc;

	alloc_init();
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		help_print_overview(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("finsync 0.1\n");
		return 0;
	}
	if (!(cmd = find_command(argv[1]))) {
		fprintf(stderr, "finsync: '%s' is not a command; 'finsync help' lists them\n", argv[1]);
		return 2;
	}
	rc = cmd->fn(argc - 1, argv + 1);
	if (rc < 0)
		log_command_error(cmd->name, err_msg());
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fail(FS_EABORT, "writing output failed: %s", strerror(errno));
		log_command_error(cmd->name, err_msg());
		rc = FS_EABORT;
	}
	return exit_code_for(rc, cmd_records_failed);
}
