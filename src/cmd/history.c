/*
 * history.c - `finsync history`: what each run did, newest first.
 *
 * One row per run and entity, from the ledger's runs joined with run_stats.
 * The counts are those of the load stage, or of the transform stage when the
 * run has no load row (a dry run plans but does not load); a run without
 * stats (aborted early, extract only) still gets one row, its entity empty.
 * The rows are read into memory first (--limit bounds them) because the table
 * format sizes its columns from the widest cell.  The HTML report
 * (history_html.c) also gets the newest run's failed, invalid and ambiguous
 * records from the events table.  -o FILE writes the output whole and
 * atomically.  Every format says what the ledger recorded, never a guess:
 * the process's exit code (empty when none was recorded) and whether the
 * run was a dry run; a run still `running` whose job lock is free died
 * without saying so, and shows as the next run will record it: aborted.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>
#include "finsync/alloc.h"
#include "finsync/cmd.h"
#include "finsync/csvout.h"
#include "finsync/err.h"
#include "finsync/job.h"
#include "finsync/ledger.h"
#include "finsync/lock.h"
#include "finsync/outfile.h"
#include "history.h"

enum format { FMT_TABLE, FMT_CSV, FMT_JSON, FMT_HTML };

static const char *const format_names[] = { "table", "csv", "json", "html", NULL };

struct history_opts {
	const char *job_path;
	const char *output;      /* -o FILE; NULL = stdout */
	const char *format_name; /* --format */
	enum format format;
	long limit;
};

const struct option_spec history_options[] = {
	OPT_CHOICE(struct history_opts, format_name, "format", "F", format_names, "table (default), csv, json or html"),
	OPT_COUNT(struct history_opts, limit, "limit", "N", 0, "the N newest runs (default 20; 0 = all)"),
	OPT_STRING(struct history_opts, output, "output", 'o', "FILE",
		   "write FILE (replaced whole, atomically) instead of stdout"),
	OPT_END,
};

/*
 * The run's columns, its entity, its counts, then (added last, for older
 * readers) exit code and dry run, and the run's calls: the plan's estimate
 * beside what it cost.
 */
#define NCOLS (9 + OUTCOME_COUNT)
#define COL_EXIT (5 + OUTCOME_COUNT)
#define COL_DRY (6 + OUTCOME_COUNT)
#define COL_PLANNED (7 + OUTCOME_COUNT)
#define COL_MADE (8 + OUTCOME_COUNT)
#define COL_NAME(NAME, column, line) #column,
static const char *const col_names[NCOLS] = {
	"run",     "started_at",    "finished_at", "status", "entity", FS_OUTCOMES(COL_NAME) "exit_code",
	"dry_run", "calls_planned", "calls_made"
};
#undef COL_NAME

/* 1 when --help was shown, 0 to go on, <0 usage error. */
static int parse_args(struct history_opts *o, int argc, char **argv)
{
	int rc;

	o->limit = 20;
	if ((rc = cmd_parse(argc, argv, o)))
		return rc;
	o->job_path = argv[1];
	while (o->format_name && strcmp(format_names[o->format], o->format_name))
		o->format++;
	return 0;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static int history_add(const struct run_stats_row *row, void *ud)
{
	struct history *h = ud;
	struct history_row *r;

	if (h->n == h->cap) {
		h->cap = h->cap ? 2 * h->cap : 32;
		h->rows = xrealloc(h->rows, h->cap * sizeof(*h->rows));
	}
	r = &h->rows[h->n++];
	r->run = row->run_id;
	r->started_at = dup_or_null(row->started_at);
	r->finished_at = dup_or_null(row->finished_at);
	r->status = dup_or_null(row->status);
	r->error = dup_or_null(row->error);
	r->entity = dup_or_null(row->entity);
	r->stage = dup_or_null(row->stage);
	r->exit_code = row->exit_code;
	r->dry_run = row->dry_run;
	memcpy(r->count, row->s.count, sizeof(r->count));
	r->calls_planned = row->calls_planned;
	r->calls_made = row->calls_made;
	return 0;
}

static void history_release(struct history *h)
{
	size_t i;

	for (i = 0; i < h->nevents; i++) {
		struct history_event *e = &h->events[i];
		xfree(e->entity);
		xfree(e->crm_module);
		xfree(e->crm_id);
		xfree(e->finance_id);
		xfree(e->action);
		xfree(e->match);
		xfree(e->reason);
	}
	xfree(h->events);
	for (i = 0; i < h->n; i++) {
		xfree(h->rows[i].started_at);
		xfree(h->rows[i].finished_at);
		xfree(h->rows[i].status);
		xfree(h->rows[i].error);
		xfree(h->rows[i].entity);
		xfree(h->rows[i].stage);
	}
	xfree(h->rows);
	xfree(h->reconcile_at);
	xfree(h->reconcile_summary);
	memset(h, 0, sizeof(*h));
}

static int event_add(const struct event_row *row, void *ud)
{
	struct history *h = ud;
	struct history_event *e = &h->events[h->nevents++];

	e->entity = dup_or_null(row->entity);
	e->crm_module = dup_or_null(row->crm_module);
	e->crm_id = dup_or_null(row->crm_id);
	e->finance_id = dup_or_null(row->finance_id);
	e->action = dup_or_null(row->action);
	e->match = dup_or_null(row->match);
	e->reason = dup_or_null(row->reason);
	return 0;
}

static int events_read(struct history *h, struct ledger *lg, long run)
{
	int rc;

	if ((rc = ledger_problems_count(lg, run, &h->events_total)))
		return rc;
	h->events = xcalloc(HISTORY_EVENTS_MAX, sizeof(*h->events));
	return ledger_problems_each(lg, run, HISTORY_EVENTS_MAX, event_add, h);
}

/* Cell c of row r as text; NULL when empty. */
static const char *row_cell(const struct history_row *r, int c, char *num, size_t size)
{
	switch (c) {
	case 0:
		snprintf(num, size, "%ld", r->run);
		return num;
	case 1:
		return r->started_at;
	case 2:
		return r->finished_at;
	case 3:
		return r->status;
	case 4:
		return r->entity;
	case COL_EXIT:
		if (r->exit_code < 0)
			return NULL;
		snprintf(num, size, "%d", r->exit_code);
		return num;
	case COL_DRY:
		return r->dry_run ? "1" : "0";
	case COL_PLANNED:
	case COL_MADE:
		if ((c == COL_PLANNED ? r->calls_planned : r->calls_made) < 0)
			return NULL;
		snprintf(num, size, "%ld", c == COL_PLANNED ? r->calls_planned : r->calls_made);
		return num;
	default:
		if (!r->entity)
			return NULL;
		snprintf(num, size, "%ld", r->count[c - 5]);
		return num;
	}
}

static int print_csv(FILE *fp, const struct history *h)
{
	struct csvout csv;
	char num[32];
	size_t i;
	int c, rc = 0;

	csvout_init(&csv, fp);
	for (c = 0; c < NCOLS && !rc; c++)
		rc = csvout_cell(&csv, col_names[c]);
	if (!rc)
		rc = csvout_end_row(&csv);
	for (i = 0; i < h->n && !rc; i++) {
		for (c = 0; c < NCOLS && !rc; c++) {
			const char *s = row_cell(&h->rows[i], c, num, sizeof(num));
			rc = (c == 0 || c >= 5) ? csvout_cell_number(&csv, s) : csvout_cell(&csv, s);
		}
		if (!rc)
			rc = csvout_end_row(&csv);
	}
	return rc;
}

static void print_table_row(FILE *fp, const char *const *cells, const size_t *width)
{
	int c;

	for (c = 0; c < NCOLS; c++) {
		const char *s = cells[c] ? cells[c] : "-";
		/* Counts and run ids right-aligned, text left-aligned. */
		if (c == 0 || c >= 5)
			fprintf(fp, "%s%*s", c ? "  " : "", (int)width[c], s);
		else
			fprintf(fp, "%s%-*s", c ? "  " : "", (int)width[c], s);
	}
	putc('\n', fp);
}

static int print_table(FILE *fp, const struct history *h)
{
	size_t width[NCOLS], i;
	const char *cells[NCOLS];
	char num[NCOLS][32];
	int c;

	for (c = 0; c < NCOLS; c++)
		width[c] = strlen(col_names[c]);
	for (i = 0; i < h->n; i++) {
		for (c = 0; c < NCOLS; c++) {
			const char *s = row_cell(&h->rows[i], c, num[c], sizeof(num[c]));
			size_t n = strlen(s ? s : "-");
			if (n > width[c])
				width[c] = n;
		}
	}
	print_table_row(fp, col_names, width);
	for (i = 0; i < h->n; i++) {
		for (c = 0; c < NCOLS; c++)
			cells[c] = row_cell(&h->rows[i], c, num[c], sizeof(num[c]));
		print_table_row(fp, cells, width);
	}
	return 0;
}

static json_t *json_str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *int_or_null(long v)
{
	return v < 0 ? json_null() : json_integer(v);
}

static json_t *run_object(const struct history_row *r)
{
	return json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:{s:o, s:o}, s:{}}", "run", (json_int_t)r->run,
			 "started_at", json_str_or_null(r->started_at), "finished_at", json_str_or_null(r->finished_at),
			 "status", json_str_or_null(r->status), "error", json_str_or_null(r->error), "stats_stage",
			 json_str_or_null(r->stage), "exit_code",
			 r->exit_code < 0 ? json_null() : json_integer(r->exit_code), "dry_run", r->dry_run, "calls",
			 "planned", int_or_null(r->calls_planned), "made", int_or_null(r->calls_made), "entities");
}

static json_t *counts_object(const struct history_row *r)
{
	json_t *o = json_object();
	int k;

	for (k = 0; k < OUTCOME_COUNT; k++)
		json_object_set_new(o, outcome_columns[k], json_integer(r->count[k]));
	return o;
}

/* [{"run": 7, ..., "entities": {"customers": {"added": 3, ...}}}, ...] */
static int print_json(FILE *fp, const struct history *h)
{
	json_t *all = json_array(), *run = NULL;
	long last = -1;
	size_t i;

	for (i = 0; i < h->n; i++) {
		const struct history_row *r = &h->rows[i];
		if (r->run != last) {
			run = run_object(r);
			json_array_append_new(all, run);
			last = r->run;
		}
		if (r->entity)
			json_object_set_new(json_object_get(run, "entities"), r->entity, counts_object(r));
	}
	json_dumpf(all, fp, JSON_INDENT(2));
	putc('\n', fp);
	json_decref(all);
	return 0;
}

static int print_history(const struct history *h, enum format f, const char *output)
{
	struct outfile out = OUTFILE_INIT;
	int rc;

	if ((rc = outfile_open(&out, output)))
		return rc;
	switch (f) {
	case FMT_CSV:
		rc = print_csv(out.fp, h);
		break;
	case FMT_JSON:
		rc = print_json(out.fp, h);
		break;
	case FMT_HTML:
		rc = history_print_html(out.fp, h);
		break;
	default:
		rc = print_table(out.fp, h);
		break;
	}
	/* A full disk or a closed pipe is not a listed history. */
	if (rc && ferror(out.fp))
		rc = fail(FS_EABORT, "cannot write '%s': %s", out.name, strerror(errno ? errno : EIO));
	if (!rc)
		rc = outfile_finish(&out);
	outfile_abort(&out);
	return rc;
}

/*
 * A run still `running` while nobody holds the job's lock died without
 * recording its end: shown as the next run will record it.  A lock that
 * cannot be probed leaves the rows as they are.
 */
static void show_dead_runs(struct history *h, const char *state_dir)
{
	struct lock_owner owner;
	size_t i;
	int probed = -1;

	for (i = 0; i < h->n; i++) {
		struct history_row *r = &h->rows[i];
		if (!r->status || strcmp(r->status, "running"))
			continue;
		if (probed < 0)
			probed = lock_probe(state_dir, &owner);
		if (probed != 0)
			return;
		xfree(r->status);
		xfree(r->error);
		r->status = xstrdup("aborted");
		r->error = xstrdup(RUN_DIED_REASON);
	}
}

/* Reads the history; a job that never ran has none (and gets no ledger from us). */
static int load_history(struct history *h, const struct job *job, long limit, int with_events)
{
	struct ledger *lg = NULL;
	char *path = xasprintf("%s/ledger.sqlite", job->state_dir);
	int rc = 0;

	if (access(path, F_OK) == 0 && !(rc = ledger_open(&lg, job->state_dir)) &&
	    !(rc = ledger_job_check(lg, job->name, job->state_dir, 0)) &&
	    !(rc = ledger_history_each(lg, limit, history_add, h)) && with_events && h->n &&
	    !(rc = events_read(h, lg, h->rows[0].run)))
		rc = ledger_reconcile_last(lg, &h->reconcile_at, &h->reconcile_summary, &h->reconcile_off) < 0
			     ? FS_EABORT
			     : 0;
	if (!rc)
		show_dead_runs(h, job->state_dir);
	ledger_close(lg);
	xfree(path);
	return rc;
}

int cmd_history(int argc, char **argv)
{
	struct history_opts o = { 0 };
	struct history h = { 0 };
	struct job *job = NULL;
	char *ledger_path = NULL;
	int rc;

	if ((rc = parse_args(&o, argc, argv)))
		return rc > 0 ? 0 : rc;
	if ((rc = job_load_flags(&job, o.job_path, JOB_NO_SECRETS)) ||
	    (rc = load_history(&h, job, o.limit, o.format == FMT_HTML)))
		goto out;
	h.job_name = job->name;
	ledger_path = xasprintf("%s/ledger.sqlite", job->state_dir);
	h.ledger_path = ledger_path;
	rc = print_history(&h, o.format, o.output);
out:
	history_release(&h);
	xfree(ledger_path);
	job_free(job);
	return rc;
}
