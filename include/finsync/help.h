/*
 * help.h - one source for every command's usage and help text: `finsync
 * help CMD`, `finsync CMD --help` and the man page's synopsis all read it.
 */
#ifndef FINSYNC_HELP_H
#define FINSYNC_HELP_H
#include <stdio.h>

struct command_help {
	const char *name;
	const char *synopsis;     /* "finsync run JOB [--full] …" */
	const char *summary;      /* one line */
	const char *options;      /* option lines, or NULL */
};

const struct command_help *help_find(const char *name);
const struct command_help *help_all(void);     /* terminated by name == NULL */
void help_print(FILE *fp, const struct command_help *h);
void help_print_overview(FILE *fp);

#endif
