/*
 * cmdargs.c - cmd_parse(): a command's argv read with its option table and
 * the common options (options.c), the log set up from them, and the words
 * after the options counted against the command's words, so every command
 * starts the same way and says the same things about a mistake.
 */
#include <stdio.h>
#include <string.h>
#include "finsync/cmd.h"
#include "finsync/err.h"
#include "finsync/help.h"
#include "finsync/log.h"

/* n words were given for "JOB ENTITY CRM_ID" ("[COMMAND]": optional): the first missing one, or too many. */
static int check_words(const struct command *cmd, char **argv, int n)
{
	const char *w = cmd->words;
	int i = 0;

	while (*w) {
		size_t len = strcspn(w, " ");
		if (i == n && *w != '[')
			return fail(FS_EUSAGE, "missing %.*s; usage: %s", (int)len, w, cmd->usage);
		i++;
		w += len + (w[len] == ' ');
	}
	if (n > i)
		return fail(FS_EUSAGE, "unexpected argument '%s'; usage: %s", argv[1 + i], cmd->usage);
	return 0;
}

int cmd_parse(int argc, char **argv, void *opts)
{
	const struct command *cmd = command_find(argv[0]);
	struct common_opts common = { LOG_INFO, NULL, 0 };
	struct options_call call = { cmd->name, cmd->options, opts, &common };
	int n, rc;

	if ((rc = options_parse(&call, argc, argv, &n)))
		return rc;
	if (common.help) {
		help_print(stdout, cmd);
		return 1;
	}
	if ((rc = check_words(cmd, argv, n)))
		return rc;
	argv[1 + n] = NULL;
	log_setup((enum log_level)common.level,
		  common.log_format && !strcmp(common.log_format, "json") ? LOG_JSON : LOG_TEXT);
	return 0;
}
