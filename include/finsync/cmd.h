/*
 * cmd.h - the subcommands.  argv[0] is the command name; each returns 0 or a
 * negative FS_E* code after fail(), and main() prints the message and maps
 * the code to the exit status (docs/design.md "Exit codes").
 */
#ifndef FINSYNC_CMD_H
#define FINSYNC_CMD_H
#include "finsync/options.h"

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
int cmd_plan(int argc, char **argv);
int cmd_reconcile(int argc, char **argv);
int cmd_help(int argc, char **argv);
int cmd_mapping(int argc, char **argv);
int cmd_init(int argc, char **argv);

/*
 * The command table (src/cmd/commands.c), in git's builtin style: every
 * command's name, function, usage, summary and option table in one place.
 * `finsync help`, each command's --help and the man page (scripts/gen-man.c)
 * are printed from it.
 */
struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *words;                 /* after the options: "JOB", "[COMMAND]" */
	const char *usage;                 /* "finsync run JOB [--full] ..." */
	const char *summary;               /* lines separated by '\n' */
	const struct option_spec *options; /* its own; NULL: only the common ones */
};

const struct command *command_find(const char *name);
const struct command *command_all(void); /* ends with name == NULL */

/*
 * Parses the argv of command argv[0] with its option table into opts (the
 * struct its table's offsets point into), sets up the log from -v, -q and
 * --log-format, and checks the words after the options against the
 * command's words.  0 with the words in argv[1..]; 1 when --help was
 * printed; <0 after fail() for a usage error.
 */
int cmd_parse(int argc, char **argv, void *opts);

/* The option tables of the commands, beside the code that reads what they set. */
extern const struct option_spec run_options[], extract_options[], transform_options[], load_options[], export_options[],
	history_options[], review_options[], status_options[], check_options[], unlink_options[], plan_options[],
	reconcile_options[];
extern const struct option_spec mapping_options[], init_options[];

/* dir/<name>.ndjson.gz as CSV at path (written whole, atomically), as `finsync export` does. */
int export_staged_csv(const char *dir, const char *name, const char *path);

/*
 * runs.exit_code: a command notes each run it works on (its job's state_dir
 * and the run id; at most a few), and main() hands the process's exit
 * status down once it is known, which writes it to those runs.
 */
void cmd_note_run(const char *state_dir, long run_id);
void cmd_record_exit(int exit_code);

/* Records that failed in the command (exit code 1 when non-zero). */
extern long cmd_records_failed;

#endif
