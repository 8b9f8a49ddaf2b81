/*
 * help.c - `finsync help`, `finsync --help` and every command's --help,
 * printed from the command table and the option tables, so the help cannot
 * miss an option the parser takes.
 */
#include <string.h>
#include "finsync/cmd.h"
#include "finsync/err.h"
#include "finsync/help.h"
#include "finsync/options.h"

/* The column option help starts in. */
#define HELP_COLUMN 26

/* text's lines after the first, each indented by indent. */
static void print_lines(FILE *fp, const char *text, int indent)
{
	const char *p, *nl;

	for (p = text; (nl = strchr(p, '\n')); p = nl + 1)
		fprintf(fp, "%.*s\n%*s", (int)(nl - p), p, indent, "");
	fprintf(fp, "%s\n", p);
}

/* "  -o, --output FILE       write FILE ..." */
static void print_option(FILE *fp, const struct option_spec *s)
{
	char left[128];
	int len;

	if (s->short_name)
		len = snprintf(left, sizeof(left), "  -%c, --%s", s->short_name, s->name);
	else
		len = snprintf(left, sizeof(left), "      --%s", s->name);
	if (s->value)
		len += snprintf(left + len, sizeof(left) - (size_t)len, " %s", s->value);
	if (len + 2 > HELP_COLUMN)
		fprintf(fp, "%s\n%*s", left, HELP_COLUMN, "");
	else
		fprintf(fp, "%s%*s", left, HELP_COLUMN - len, "");
	print_lines(fp, s->help, HELP_COLUMN);
}

void help_print(FILE *fp, const struct command *cmd)
{
	const struct option_spec *s;

	fprintf(fp, "usage: %s\n\n%s\n\noptions:\n", cmd->usage, cmd->summary);
	for (s = cmd->options; s && s->name; s++)
		print_option(fp, s);
	for (s = common_options; s->name; s++)
		print_option(fp, s);
}

void help_print_overview(FILE *fp)
{
	const struct command *c;

	fprintf(fp, "usage: finsync COMMAND JOB [options]\n\n"
		    "Keeps Zoho CRM and a Zoho finance app (Books, Invoice, Billing, Inventory) in step.\n\n"
		    "commands:\n");
	for (c = command_all(); c->name; c++) {
		fprintf(fp, "  %-10s ", c->name);
		print_lines(fp, c->summary, 13);
	}
	fprintf(fp, "\nexit codes: 0 done, 1 some records failed, 2 usage or job-file error,\n"
		    "3 aborted (auth, network, disk, ledger), 4 locked by another run,\n"
		    "5 an API's daily budget is spent\n\n"
		    "'finsync help COMMAND' shows a command's options.\n");
}

const char *help_suggest_command(const char *name)
{
	const struct command *c;
	struct suggest s;

	suggest_init(&s, name);
	for (c = command_all(); c->name; c++)
		suggest_consider(&s, c->name);
	return suggest_result(&s);
}

/* finsync help [COMMAND] */
int cmd_help(int argc, char **argv)
{
	const struct command *cmd;
	const char *near;
	int rc;

	if ((rc = cmd_parse(argc, argv, NULL)))
		return rc > 0 ? 0 : rc;
	if (!argv[1]) {
		help_print_overview(stdout);
		return 0;
	}
	if ((cmd = command_find(argv[1]))) {
		help_print(stdout, cmd);
		return 0;
	}
	if ((near = help_suggest_command(argv[1])))
		return fail(FS_EUSAGE, "no command '%s' (did you mean '%s'?); 'finsync help' lists them", argv[1],
			    near);
	return fail(FS_EUSAGE, "no command '%s'; 'finsync help' lists them", argv[1]);
}
