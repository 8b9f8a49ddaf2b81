/*
 * main.c - finsync COMMAND ...: look the command up, run it, print its
 * error, check that stdout was written, map the result to the exit code.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "finsync/alloc.h"
#include "finsync/cmd.h"
#include "finsync/err.h"
#include "finsync/help.h"
#include "finsync/job.h"
#include "finsync/log.h"
#include "finsync/mapping.h"
#include "finsync/pipeline.h"

int main(int argc, char **argv)
{
	const struct command *cmd;
	const char *near;
	int rc;

	alloc_init();
	job_set_field_check(mapping_check_job);
	job_set_sync_keys(unit_sync_keys);
	/*
	 * What finsync creates holds customer data and (in the ledger) what Zoho
	 * answered: the state dir 0700, the ledger, staging and -o files 0600,
	 * whatever the caller's umask.
	 */
	umask(077);
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		help_print_overview(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("finsync 0.1\n");
		return 0;
	}
	if (!(cmd = command_find(argv[1]))) {
		near = help_suggest_command(argv[1]);
		fprintf(stderr, "finsync: '%s' is not a command%s%s%s; 'finsync help' lists them\n", argv[1],
			near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
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
	rc = exit_code_for(rc, cmd_records_failed);
	cmd_record_exit(rc);
	return rc;
}
