/*
 * cmd.h - the subcommands.  argv[0] is the command name; each returns 0 or a
 * negative FS_E* code after fail(), and main() prints the message and maps
 * the code to the exit status (DESIGN.md "Exit codes").
 */
#ifndef FINSYNC_CMD_H
#define FINSYNC_CMD_H

int cmd_run(int argc, char **argv);
int cmd_extract(int argc, char **argv);
int cmd_transform(int argc, char **argv);
int cmd_load(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_history(int argc, char **argv);

/* Records that failed in the command (exit code 1 when non-zero). */
extern long cmd_records_failed;

#endif
