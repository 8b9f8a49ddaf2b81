/*
 * gen-man.c - prints the man page (docs/finsync.1) from its template
 * (docs/finsync.1.in) and the command table, so the synopsis and every
 * option list say what `--help` says.  `make man` writes docs/finsync.1;
 * tests/e2e/t0030-man-generated.sh fails when the committed page differs.
 *
 * The template is roff with three kinds of marker lines:
 *
 *	@SYNOPSIS@          every command's usage line, in table order
 *	@OPTIONS name@      command name's own options (nothing when it has none)
 *	@COMMON_OPTIONS@    the options every command takes
 *
 * Every command must have its @OPTIONS name@ line (its prose in the COMMANDS
 * section sits above it), and no other: a new command is not finished until
 * the man page describes it.
 *
 * Usage: gen-man TEMPLATE >finsync.1
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/cmd.h"
#include "finsync/options.h"

#define MAX_COMMANDS 64

/* Text for roff: backslashes doubled as \e, a dash that starts a word as \- (an option). */
static void put_text(FILE *out, const char *s)
{
	int line_start = 1;
	char prev = ' ';

	for (; *s; prev = *s++) {
		if (line_start && (*s == '.' || *s == '\''))
			fputs("\\&", out);
		line_start = *s == '\n';
		if (*s == '\\')
			fputs("\\e", out);
		else if (*s == '-' && (prev == ' ' || prev == '(' || prev == '\n' || prev == '-'))
			fputs("\\-", out);
		else
			fputc(*s, out);
	}
}

/* An option name: every dash is a minus. */
static void put_name(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '-')
			fputs("\\-", out);
		else
			fputc(*s, out);
	}
}

static void put_option(FILE *out, const struct option_spec *s)
{
	fputs(".TP\n", out);
	if (s->short_name)
		fprintf(out, "\\fB\\-%c\\fR, ", s->short_name);
	fputs("\\fB\\-\\-", out);
	put_name(out, s->name);
	fputs("\\fR", out);
	if (s->value) {
		fputs(" \\fI", out);
		put_text(out, s->value);
		fputs("\\fR", out);
	}
	fputc('\n', out);
	put_text(out, s->help);
	fputc('\n', out);
}

static int command_options(FILE *out, const char *name, int *seen)
{
	const struct command *cmds = command_all(), *c = command_find(name);
	const struct option_spec *s;

	if (!c) {
		fprintf(stderr, "gen-man: @OPTIONS %s@: no such command\n", name);
		return 1;
	}
	if (seen[c - cmds]++) {
		fprintf(stderr, "gen-man: @OPTIONS %s@ twice\n", name);
		return 1;
	}
	if (!c->options || !c->options->name)
		return 0;
	fputs(".RS\n", out);
	for (s = c->options; s->name; s++)
		put_option(out, s);
	fputs(".RE\n", out);
	return 0;
}

static int expand(FILE *out, char *line, int *seen)
{
	const struct command *c;
	const struct option_spec *s;
	size_t len = strlen(line);

	if (!strcmp(line, "@SYNOPSIS@\n")) {
		/* As typed, in a .nf block: --help's usage lines are found in the page verbatim. */
		for (c = command_all(); c->name; c++)
			fprintf(out, "%s\n", c->usage);
	} else if (!strcmp(line, "@COMMON_OPTIONS@\n")) {
		for (s = common_options; s->name; s++)
			put_option(out, s);
	} else if (!strncmp(line, "@OPTIONS ", 9) && len > 11 && !strcmp(line + len - 2, "@\n")) {
		line[len - 2] = '\0';
		return command_options(out, line + 9, seen);
	} else {
		fputs(line, out);
	}
	return 0;
}

int main(int argc, char **argv)
{
	int seen[MAX_COMMANDS] = { 0 }, rc = 0, i;
	const struct command *cmds;
	char line[4096];
	FILE *in;

	alloc_init();
	if (argc != 2 || !(in = fopen(argv[1], "r"))) {
		fprintf(stderr, "usage: gen-man TEMPLATE (a readable file)\n");
		return 2;
	}
	while (!rc && fgets(line, sizeof(line), in))
		rc = expand(stdout, line, seen);
	fclose(in);
	cmds = command_all();
	for (i = 0; !rc && cmds[i].name; i++)
		if (!seen[i])
			rc = fprintf(stderr, "gen-man: %s: no @OPTIONS %s@ line (describe the command)\n", argv[1],
				     cmds[i].name) > 0;
	if (fflush(stdout) || ferror(stdout))
		rc = 1;
	return rc;
}
