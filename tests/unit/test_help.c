/*
 * test_help.c - every command's help from its table (src/cmd/help.c): the
 * usage line, the summary and each option the command's table names (and
 * the common ones) in its --help; every command in the overview; and the
 * "did you mean" of a mistyped command name.  (The table itself:
 * test_commands.c.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "finsync/cmd.h"
#include "finsync/help.h"
#include "unit.h"

static char *help_of(const struct command *cmd)
{
	char *data = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&data, &len);

	if (cmd)
		help_print(fp, cmd);
	else
		help_print_overview(fp);
	fclose(fp);
	return data;
}

/* Every command's help holds its usage, its first summary line and "--NAME" of each of its options. */
static void test_help__each_command_from_its_table(void)
{
	const struct command *c;
	const struct option_spec *o;
	char want[256], *overview = help_of(NULL);

	for (c = command_all(); c->name; c++) {
		char *text = help_of(c);
		int ok = 1;

		snprintf(want, sizeof(want), "usage: %s\n", c->usage);
		ok &= strncmp(text, want, strlen(want)) == 0;
		snprintf(want, sizeof(want), "%.*s", (int)strcspn(c->summary, "\n"), c->summary);
		ok &= strstr(text, want) != NULL;
		for (o = c->options; o && o->name; o++) {
			snprintf(want, sizeof(want), "--%s", o->name);
			ok &= strstr(text, want) != NULL;
		}
		ok &= strstr(text, "-h, --help") && strstr(text, "-q, --quiet") && strstr(text, "--log-format F");
		snprintf(want, sizeof(want), "\n  %s ", c->name);
		ok &= strstr(overview, want) != NULL;
		if (!ok)
			fprintf(stderr, "help of '%s' is not what its table says:\n%s\n", c->name, text);
		CHECK(ok);
		free(text);
	}
	free(overview);
}

static void test_help__did_you_mean(void)
{
	CHECK_STREQ(help_suggest_command("rn"), "run");
	CHECK_STREQ(help_suggest_command("histroy"), "history");
	CHECK_STREQ(help_suggest_command("reconsile"), "reconcile");
	CHECK(help_suggest_command("frobnicate") == NULL);
}

static const struct unit_test help_tests[] = {
	UNIT(test_help__each_command_from_its_table),
	UNIT(test_help__did_you_mean),
	{ 0 },
};
UNIT_SUITE(help_tests)
