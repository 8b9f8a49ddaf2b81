/*
 * test_commands.c - the command table (src/cmd/commands.c): each line has
 * its function, a summary and a usage line that starts with its own name,
 * no name twice, and command_find() finds each line and nothing else.
 */
#include <stdio.h>
#include <string.h>
#include "finsync/cmd.h"
#include "unit.h"

static void test_commands__one_line_each(void)
{
	const struct command *c, *d;

	for (c = command_all(); c->name; c++) {
		char prefix[64];

		snprintf(prefix, sizeof(prefix), "finsync %s", c->name);
		CHECK(c->fn != NULL && c->summary && *c->summary);
		CHECK(!strncmp(c->usage, prefix, strlen(prefix)));
		CHECK(command_find(c->name) == c);
		for (d = c + 1; d->name; d++)
			CHECK(strcmp(c->name, d->name) != 0);
	}
	CHECK(command_find("runn") == NULL);
}

static const struct unit_test commands_tests[] = {
	UNIT(test_commands__one_line_each),
	{ 0 },
};
UNIT_SUITE(commands_tests)
