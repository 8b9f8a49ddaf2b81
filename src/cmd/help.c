/*
 * help.c - usage and help text of every command, in one table.
 */
#include <string.h>
#include "finsync/cmd.h"
#include "finsync/help.h"

#define COMMON_OPTIONS \
	"  -v, --verbose           more log lines (debug)\n" \
	"  -q, --quiet             only warnings and errors\n" \
	"      --log-format F      text (default) or json: one object per line\n" \
	"  -h, --help              this help\n"

static const struct command_help commands[] = {
	{ "run", "finsync run JOB [--stage S] [--full] [--dry-run] [--only ENTITY]",
	  "run the job's stages in order (extract, transform, load)",
	  "      --stage S           only stage S: extract starts a new run; transform\n"
	  "                          and load continue the latest run\n"
	  "      --full              ignore watermarks: read every CRM record\n"
	  "      --dry-run           extract and transform only: the plan, no writes\n"
	  "      --only ENTITY       only customers, vendors or items\n" COMMON_OPTIONS },
	{ "extract", "finsync extract JOB [--full] [--only ENTITY]",
	  "start a new run: CRM records and the finance app's records into staging",
	  "      --full              ignore watermarks\n"
	  "      --only ENTITY       only customers, vendors or items\n" COMMON_OPTIONS },
	{ "transform", "finsync transform JOB [--only ENTITY]",
	  "plan one action per record of the latest run (create, update, skip, …)",
	  "      --only ENTITY       only customers, vendors or items\n" COMMON_OPTIONS },
	{ "load", "finsync load JOB [--only ENTITY]",
	  "send the latest run's planned actions to the finance app; record them in the ledger",
	  "      --only ENTITY       only customers, vendors or items\n" COMMON_OPTIONS },
	{ "export", "finsync export JOB [--run ID] --stage S --entity E [--format csv] [-o FILE] [--bom]",
	  "write one staged file of a run as CSV: nested keys joined with dots, array\n"
	  "elements by index, one header row with every key",
	  "      --run ID            the run (default: the latest run in the ledger)\n"
	  "      --stage S           extract, transform or load\n"
	  "      --entity E          the file: a CRM module for extract (accounts, contacts,\n"
	  "                          finance.customers, ...), an entity for transform and\n"
	  "                          load (customers, vendors, items)\n"
	  "      --format csv        the output format (only csv)\n"
	  "  -o, --output FILE       write FILE (replaced whole, atomically) instead of stdout\n"
	  "      --bom               start the CSV with a UTF-8 byte order mark (for Excel)\n"
	  "  -h, --help              this help\n" },
	{ "history", "finsync history JOB [--format table|csv|json|html] [--limit N] [-o FILE]",
	  "the job's runs, newest first: one row per run and entity with the counts of\n"
	  "its load stage (of its transform stage for a dry run); html is a report page\n"
	  "(a chart of records per run by outcome, the runs with durations and exit\n"
	  "status, the newest run's failed and ambiguous records) that needs nothing else",
	  "      --format F          table (default), csv, json or html\n"
	  "      --limit N           the N newest runs (default 20; 0 = all)\n"
	  "  -o, --output FILE       write FILE (replaced whole, atomically) instead of stdout\n"
	  "  -h, --help              this help\n" },
	{ "review", "finsync review JOB [--run ID] [-o FILE] [--bom] [--apply FILE]",
	  "list the records a run could not settle (skipped as duplicates, ambiguous,\n"
	  "invalid) as CSV with their candidate finance records and an empty decision\n"
	  "column; --apply records the decisions filled in (link:<finance_id>, create,\n"
	  "skip) for the next run to follow",
	  "      --run ID            the run to list (default: the newest with a finished\n"
	  "                          transform); with --apply, the run of rows without one\n"
	  "  -o, --output FILE       write FILE (replaced whole, atomically) instead of stdout\n"
	  "      --bom               start the CSV with a UTF-8 byte order mark (for Excel)\n"
	  "      --apply FILE        check every row of FILE, report bad ones by line and\n"
	  "                          ignore them (exit 1), record the good decisions in the\n"
	  "                          ledger in one transaction\n"
	  "  -h, --help              this help\n" },
	{ "status", "finsync status JOB [--format text|json]",
	  "the job's state (idle, running, paused, disabled), its last run and what it\n"
	  "did per entity, watermarks, failed records waiting for a retry, API calls today",
	  "      --format F          text (default): aligned 'key: value' lines; json: one object\n"
	  "  -h, --help              this help\n" },
	{ "pause", "finsync pause JOB",
	  "pause the job: its runs exit 0 at once, saying so, and send no request",
	  COMMON_OPTIONS },
	{ "resume", "finsync resume JOB",
	  "resume a paused job: its next run works again",
	  COMMON_OPTIONS },
	{ "disable", "finsync disable JOB",
	  "disable the job: its runs are refused (exit 2) until 'finsync enable'",
	  COMMON_OPTIONS },
	{ "enable", "finsync enable JOB",
	  "enable a disabled job",
	  COMMON_OPTIONS },
	{ "check", "finsync check JOB [--deep]",
	  "validate the job, reach both sides (refreshing their tokens), compare their\n"
	  "base currencies, and check that every field, view, deal stage and custom field\n"
	  "the job names exists (a run checks the same before writing); one line per\n"
	  "check, exit 0 when all pass, 2 naming what to create and where",
	  "      --deep              also probe, reading only, what Zoho's documentation leaves\n"
	  "                          open (does a list filter filter, do list rows carry the\n"
	  "                          fields finsync reads) and say what finsync does about it\n"
	  COMMON_OPTIONS },
	{ "resync", "finsync resync JOB ENTITY CRM_ID",
	  "fetch one CRM record (of customers, vendors or items) and sync it now",
	  COMMON_OPTIONS },
	{ "unlink", "finsync unlink JOB --keep all|with-transactions [--yes]",
	  "drop the job's links (CRM id to finance id); with-transactions first deletes\n"
	  "from the finance app the customers and items finsync created from the CRM\n"
	  "that have no transactions; without --yes it only says what it would do",
	  "      --keep all          keep every finance record: only the links go\n"
	  "      --keep with-transactions\n"
	  "                          delete the customers and items that came from the CRM,\n"
	  "                          except those with transactions (kept), then drop the links\n"
	  "      --yes               do it (without: print what would be done, change nothing)\n"
	  COMMON_OPTIONS },
	{ "help", "finsync help [COMMAND]", "show the help of a command", NULL },
	{ NULL, NULL, NULL, NULL },
};

const struct command_help *help_all(void)
{
	return commands;
}

const struct command_help *help_find(const char *name)
{
	const struct command_help *h;

	for (h = commands; h->name; h++)
		if (!strcmp(h->name, name))
			return h;
	return NULL;
}

void help_print(FILE *fp, const struct command_help *h)
{
	fprintf(fp, "usage: %s\n\n%s\n", h->synopsis, h->summary);
	if (h->options)
		fprintf(fp, "\noptions:\n%s", h->options);
}

void help_print_overview(FILE *fp)
{
	const struct command_help *h;

	fprintf(fp, "usage: finsync COMMAND JOB [options]\n\n"
		"Keeps Zoho CRM and a Zoho finance app (Books, Invoice, Billing, Inventory) in step.\n\n"
		"commands:\n");
	for (h = commands; h->name; h++)
		fprintf(fp, "  %-10s %s\n", h->name, h->summary);
	fprintf(fp, "\nexit codes: 0 done, 1 some records failed, 2 usage or job-file error,\n"
		"3 aborted (auth, network, disk, ledger), 4 locked by another run,\n"
		"5 an API's daily budget is spent\n\n"
		"'finsync help COMMAND' shows a command's options.\n");
}
