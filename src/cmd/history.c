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
 * atomically.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>
#include <sqlite3.h>
#include "finsync/alloc.h"
#include "finsync/cmd.h"
#include "finsync/csvout.h"
#include "finsync/err.h"
#include "finsync/job.h"
#include "finsync/ledger.h"
#include "finsync/outfile.h"
#include "history.h"

enum format { FMT_TABLE, FMT_CSV, FMT_JSON, FMT_HTML };

static const char *const format_names[] = { "table", "csv", "json", "html", NULL };

struct history_opts {
	const char *job_path;
	const char *output;     /* -o FILE; NULL = stdout */
	const char *format_name; /* --format */
	enum format format;
	long limit;
};

const struct option_spec history_options[] = {
	OPT_CHOICE(struct history_opts, format_name, "format", "F", format_names,
		   "table (default), csv, json or html"),
	OPT_COUNT(struct history_opts, limit, "limit", "N", 0, "the N newest runs (default 20; 0 = all)"),
	OPT_STRING(struct history_opts, output, "output", 'o', "FILE",
		   "write FILE (replaced whole, atomically) instead of stdout"),
	OPT_END,
};

const char *const history_count_names[NCOUNTS] = {
	"added", "updated", "unchanged", "skipped", "duplicates", "failed", "deleted"
};

#define NCOLS (5 + NCOUNTS)
static const char *const col_names[NCOLS] = {
	"run", "started_at", "finished_at", "status", "entity",
	"added", "updated", "unchanged", "skipped", "duplicates", "failed", "deleted"
};

/*
 * The stage per run is chosen in SQL so that the LEFT JOIN keeps runs
 * without stats; the limit applies to runs, not to rows.
 */
static const char history_sql[] =
	"WITH r AS (SELECT id, started_at, finished_at, status, error FROM runs"
	"           ORDER BY id DESC LIMIT ?1),"
	"     pick AS (SELECT r.id AS run_id, CASE WHEN EXISTS (SELECT 1 FROM run_stats"
	"                WHERE run_id = r.id AND stage = 'load') THEN 'load' ELSE 'transform' END AS stage"
	"              FROM r)"
	" SELECT r.id, r.started_at, r.finished_at, r.status, r.error, s.entity, s.stage,"
	"        s.added, s.updated, s.unchanged, s.skipped, s.duplicates, s.failed, s.deleted"
	" FROM r JOIN pick ON pick.run_id = r.id"
	" LEFT JOIN run_stats s ON s.run_id = r.id AND s.stage = pick.stage"
	" ORDER BY r.id DESC, s.entity";

/* The records of a run that did not go through, in the order they were recorded. */
static const char events_sql[] =
	"SELECT entity, crm_module, crm_id, finance_id, action, match, reason FROM events"
	" WHERE run_id = ?1 AND action IN ('failed', 'invalid', 'ambiguous') ORDER BY id LIMIT ?2";
static const char events_count_sql[] =
	"SELECT count(*) FROM events WHERE run_id = ?1 AND action IN ('failed', 'invalid', 'ambiguous')";


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

static char *column_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s ? xstrdup((const char *)s) : NULL;
}

static void history_add(struct history *h, sqlite3_stmt *st)
{
	struct history_row *r;
	int i;

	if (h->n == h->cap) {
		h->cap = h->cap ? 2 * h->cap : 32;
		h->rows = xrealloc(h->rows, h->cap * sizeof(*h->rows));
	}
	r = &h->rows[h->n++];
	r->run = (long)sqlite3_column_int64(st, 0);
	r->started_at = column_dup(st, 1);
	r->finished_at = column_dup(st, 2);
	r->status = column_dup(st, 3);
	r->error = column_dup(st, 4);
	r->entity = column_dup(st, 5);
	r->stage = column_dup(st, 6);
	for (i = 0; i < NCOUNTS; i++)
		r->count[i] = (long)sqlite3_column_int64(st, 7 + i);
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
	memset(h, 0, sizeof(*h));
}

static int history_read(struct history *h, struct ledger *lg, long limit)
{
	sqlite3 *db = ledger_db(lg);
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(db, history_sql, -1, &st, NULL) != SQLITE_OK)
		return fail(FS_EABORT, "ledger: read history: %s", sqlite3_errmsg(db));
	sqlite3_bind_int64(st, 1, limit > 0 ? limit : -1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		history_add(h, st);
	rc = rc == SQLITE_DONE ? 0 : fail(FS_EABORT, "ledger: read history: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return rc;
}

static int events_read(struct history *h, sqlite3 *db, long run)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(db, events_count_sql, -1, &st, NULL) != SQLITE_OK)
		return fail(FS_EABORT, "ledger: read events: %s", sqlite3_errmsg(db));
	sqlite3_bind_int64(st, 1, run);
	if (sqlite3_step(st) == SQLITE_ROW)
		h->events_total = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(db, events_sql, -1, &st, NULL) != SQLITE_OK)
		return fail(FS_EABORT, "ledger: read events: %s", sqlite3_errmsg(db));
	sqlite3_bind_int64(st, 1, run);
	sqlite3_bind_int64(st, 2, HISTORY_EVENTS_MAX);
	h->events = xcalloc(HISTORY_EVENTS_MAX, sizeof(*h->events));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && h->nevents < HISTORY_EVENTS_MAX) {
		struct history_event *e = &h->events[h->nevents++];
		e->entity = column_dup(st, 0);
		e->crm_module = column_dup(st, 1);
		e->crm_id = column_dup(st, 2);
		e->finance_id = column_dup(st, 3);
		e->action = column_dup(st, 4);
		e->match = column_dup(st, 5);
		e->reason = column_dup(st, 6);
	}
	rc = rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : fail(FS_EABORT, "ledger: read events: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return rc;
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

static json_t *run_object(const struct history_row *r)
{
	return json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:{}}", "run", (json_int_t)r->run,
			 "started_at", json_str_or_null(r->started_at),
			 "finished_at", json_str_or_null(r->finished_at),
			 "status", json_str_or_null(r->status),
			 "error", json_str_or_null(r->error),
			 "stats_stage", json_str_or_null(r->stage),
			 "entities");
}

static json_t *counts_object(const struct history_row *r)
{
	json_t *o = json_object();
	int k;

	for (k = 0; k < NCOUNTS; k++)
		json_object_set_new(o, history_count_names[k], json_integer(r->count[k]));
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

/* Reads the history; a job that never ran has none (and gets no ledger from us). */
static int load_history(struct history *h, const struct job *job, long limit, int with_events)
{
	struct ledger *lg = NULL;
	char *path = xasprintf("%s/ledger.sqlite", job->state_dir);
	int rc = 0;

	if (access(path, F_OK) == 0 && !(rc = ledger_open(&lg, job->state_dir)) &&
	    !(rc = ledger_job_check(lg, job->name, job->state_dir, 0)) &&
	    !(rc = history_read(h, lg, limit)) && with_events && h->n)
		rc = events_read(h, ledger_db(lg), h->rows[0].run);
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
	if ((rc = job_load_flags(&job, o.job_path, JOB_NO_SECRETS)) || (rc = load_history(&h, job, o.limit, o.format == FMT_HTML)))
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
