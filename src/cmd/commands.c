/*
 * commands.c - the command table: every command's name, function, usage,
 * summary and options, in the order `finsync help` lists them.  Adding a
 * command is a function in its own file, its option table beside it, and
 * one line here; its --help, `finsync help` and the man page follow.
 */
#include <string.h>
#include "finsync/cmd.h"

static const struct command commands[] = {
	{ "run", cmd_run, "JOB", "finsync run JOB [--stage S] [--full] [--dry-run] [--only ENTITY]",
	  "run the job's stages in order (extract, transform, load)", run_options },
	{ "extract", cmd_extract, "JOB", "finsync extract JOB [--full] [--only ENTITY]",
	  "start a new run: CRM records and the finance app's records into staging", extract_options },
	{ "transform", cmd_transform, "JOB", "finsync transform JOB [--only ENTITY]",
	  "plan one action per record of the latest run (create, update, skip, …)", transform_options },
	{ "load", cmd_load, "JOB", "finsync load JOB [--only ENTITY]",
	  "send the latest run's planned actions to the finance app; record them in the ledger", load_options },
	{ "export", cmd_export, "JOB",
	  "finsync export JOB [--run ID] --stage S --entity E [--format csv] [-o FILE] [--bom]",
	  "write one staged file of a run as CSV: nested keys joined with dots, array\n"
	  "elements by index, one header row with every key",
	  export_options },
	{ "history", cmd_history, "JOB", "finsync history JOB [--format table|csv|json|html] [--limit N] [-o FILE]",
	  "the job's runs, newest first: one row per run and entity with the counts of\n"
	  "its load stage (of its transform stage for a dry run); html is a report page\n"
	  "(a chart of records per run by outcome, the runs with durations and exit\n"
	  "status, the newest run's failed and ambiguous records) that needs nothing else",
	  history_options },
	{ "review", cmd_review, "JOB", "finsync review JOB [--run ID] [-o FILE] [--bom] [--apply FILE]",
	  "list the records a run could not settle (skipped as duplicates, ambiguous,\n"
	  "invalid) as CSV with their candidate finance records and an empty decision\n"
	  "column; --apply records the decisions filled in (link:<finance_id>, create,\n"
	  "skip) for the next run to follow",
	  review_options },
	{ "status", cmd_status, "JOB", "finsync status JOB [--format text|json]",
	  "the job's state (idle, running, paused, disabled), its last run and what it\n"
	  "did per entity, watermarks, failed records waiting for a retry, API calls today",
	  status_options },
	{ "pause", cmd_pause, "JOB", "finsync pause JOB",
	  "pause the job: its runs exit 0 at once, saying so, and send no request", NULL },
	{ "resume", cmd_resume, "JOB", "finsync resume JOB", "resume a paused job: its next run works again", NULL },
	{ "disable", cmd_disable, "JOB", "finsync disable JOB",
	  "disable the job: its runs are refused (exit 2) until 'finsync enable'", NULL },
	{ "enable", cmd_enable, "JOB", "finsync enable JOB", "enable a disabled job", NULL },
	{ "check", cmd_check, "JOB", "finsync check JOB [--deep]",
	  "validate the job, reach both sides (refreshing their tokens), compare their\n"
	  "base currencies, and check that every field, view, deal stage and custom field\n"
	  "the job names exists (a run checks the same before writing); one line per\n"
	  "check, exit 0 when all pass, 2 naming what to create and where",
	  check_options },
	{ "plan", cmd_plan, "JOB", "finsync plan JOB [--format text|json]",
	  "what a full run of the job would cost, before it starts: records per CRM\n"
	  "module (the CRM's count API; a CSV export's rows), records the finance app\n"
	  "holds, API calls per API, hours at the job's pace and days at its daily\n"
	  "budget; reads only, writes nothing",
	  plan_options },
	{ "reconcile", cmd_reconcile, "JOB", "finsync reconcile JOB [--format table|csv|json] [-o FILE]",
	  "both sides compared per entity: CRM records in scope, links, finance records\n"
	  "carrying a CRM id; lists the missing, orphaned, doubled and drifted records;\n"
	  "exit 1 when any, 0 when both sides agree; reads only",
	  reconcile_options },
	{ "resync", cmd_resync, "JOB ENTITY CRM_ID", "finsync resync JOB ENTITY CRM_ID",
	  "fetch one CRM record (of customers, vendors or items) and sync it now", NULL },
	{ "unlink", cmd_unlink, "JOB", "finsync unlink JOB --keep all|with-transactions [--yes]",
	  "drop the job's links (CRM id to finance id); with-transactions first deletes\n"
	  "from the finance app the customers and items finsync created from the CRM\n"
	  "that have no transactions; without --yes it only says what it would do",
	  unlink_options },
	{ "mapping", cmd_mapping, "[JOB]", "finsync mapping JOB [--format text|json] [--offline] | --defaults",
	  "the job's effective field mapping per entity: each finance field, the CRM\n"
	  "field it comes from, why (default, override, field_map, custom field) and\n"
	  "the CRM field's type; --defaults prints every app's default mapping",
	  mapping_options },
	{ "init", cmd_init, "", "finsync init [--app APP] [-o FILE] [--sandbox]",
	  "write a starting job (job.json, or FILE; never over an existing file) whose\n"
	  "\"//\" keys explain it; --sandbox: one that runs against a local\n"
	  "finsync-sandbox with its documented credentials",
	  init_options },
	{ "help", cmd_help, "[COMMAND]", "finsync help [COMMAND]", "show the help of a command", NULL },
	{ NULL, NULL, NULL, NULL, NULL, NULL },
};

const struct command *command_all(void)
{
	return commands;
}

const struct command *command_find(const char *name)
{
	const struct command *c;

	for (c = commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}
