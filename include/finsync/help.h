/*
 * help.h - every command's help, printed from the command table (cmd.h):
 * `finsync help CMD` and `finsync CMD --help` print the same text, and the
 * man page's synopsis and option lists come from the same table.
 */
#ifndef FINSYNC_HELP_H
#define FINSYNC_HELP_H
#include <stdio.h>
#include "finsync/cmd.h"

void help_print(FILE *fp, const struct command *cmd);
void help_print_overview(FILE *fp);
/* The "did you mean" of an unknown command name, or NULL. */
const char *help_suggest_command(const char *name);

#endif
