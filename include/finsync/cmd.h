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
int cmd_status(int argc, char **argv);
int cmd_pause(int argc, char **argv);
int cmd_resume(int argc, char **argv);
int cmd_disable(int argc, char **argv);
int cmd_enable(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_resync(int argc, char **argv);
int cmd_review(int argc, char **argv);
int cmd_unlink(int argc, char **argv);

/*
 * Parses "COMMAND JOB" with -v, -q, --log-format and -h (printing the help)
 * and sets up the log: 0 with *job_path, 1 when the help was printed, <0
 * usage error.
 */
int cmd_parse_job_args(int argc, char **argv, const char **job_path);

/* What every getopt loop says of ':' (no value) and '?' (unknown option); a usage failure. */
int cmd_option_error(const char *command, int c, char **argv);
/* The one JOB after the options: usage failure when missing or followed by more. */
int cmd_take_job(const char *command, int argc, char **argv, const char **job_path);
/* A whole number of at least min for an option ("--run", "a run id"). */
int cmd_parse_count(const char *option, const char *what, const char *arg, long min, long *out);

/* dir/<name>.ndjson.gz as CSV at path (written whole, atomically), as `finsync export` does. */
int export_staged_csv(const char *dir, const char *name, const char *path);

/* Records that failed in the command (exit code 1 when non-zero). */
extern long cmd_records_failed;

#endif
