/*
 * review.c - `finsync review`: the analysts' loop over the records the runs
 * could not settle on their own.  This file holds the command (its options,
 * the run it reads, the ledger it opens) and the listing; review_view.c
 * reads what a run's transform and snapshot files say, review_near.c adds
 * the near-duplicates, review_apply.c reads a file of decisions back.
 *
 * Listing (the default): what is pending, across runs.  Runs are read
 * newest first, and a record's newest transform line is its state: a
 * record skipped as a duplicate, found ambiguous or invalid there is
 * listed, unless it was linked since or decided after that run began.  A
 * record created as new whose name is close to a finance record of the
 * run's snapshot (src/xform/neardup.c) is listed too, with the candidate
 * and a score, until a decision is recorded: nothing is merged by the
 * tool.  --run N lists run N alone.  One row each: the run, the CRM record,
 * how it matched and why it stopped, its candidate finance records (ids
 * from the transform line, names from the run's finance snapshot in
 * staging/<run>/extract), the score and an empty `decision` column; as CSV
 * (src/util/csvout.c: ids kept as text by spreadsheets) or an xlsx
 * workbook (src/util/sheetout.c).
 *
 * Memory holds the records to review and the keys of the records the newer
 * runs had, not the runs' transform files, which are streamed.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>
#include "finsync/alloc.h"
#include "finsync/buf.h"
#include "finsync/cmd.h"
#include "finsync/sheetout.h"
#include "finsync/err.h"
#include "finsync/job.h"
#include "finsync/ledger.h"
#include "finsync/outfile.h"
#include "review.h"

static const char *const formats[] = { "csv", "xlsx", NULL };

const struct option_spec review_options[] = {
	OPT_COUNT(struct review_opts, run, "run", "ID", 1,
		  "list only the records of run ID (default: what is pending\n"
		  "in every run, each record's newest state); with --apply,\n"
		  "the run of rows without a run column"),
	OPT_STRING(struct review_opts, output, "output", 'o', "FILE",
		   "write FILE (replaced whole, atomically) instead of stdout"),
	OPT_CHOICE(struct review_opts, format, "format", "F", formats,
		   "csv (default) or xlsx (needs -o FILE; --apply reads CSV:\n"
		   "save the workbook as CSV to apply it)"),
	OPT_FLAG(struct review_opts, bom, "bom", 0, "start the CSV with a UTF-8 byte order mark (for Excel)"),
	OPT_STRING(struct review_opts, apply, "apply", 0, "FILE",
		   "check every row of FILE, report bad ones by line and\n"
		   "ignore them (exit 1), record the good decisions in the\n"
		   "ledger in one transaction"),
	OPT_END,
};

static const char *const columns[] = {
	"run",    "entity",        "crm_module",      "crm_id", "name",     "action", "match",
	"reason", "candidate_ids", "candidate_names", "score",  "decision", NULL
};

/* ---- arguments ---- */


/* 1 when --help was shown, 0 to go on, <0 usage error. */
static int parse_args(struct review_opts *o, int argc, char **argv)
{
	int rc;

	if ((rc = cmd_parse(argc, argv, o)))
		return rc;
	o->job_path = argv[1];
	if (o->apply && (o->output || o->bom || o->format))
		return fail(FS_EUSAGE, "--apply reads a file: -o, --format and --bom are for listing");
	if (o->format && !strcmp(o->format, "xlsx") && o->bom)
		return fail(FS_EUSAGE, "--bom is for CSV: an xlsx file says its encoding itself");
	return 0;
}

/* ---- the reviewed run ---- */

struct run_pick {
	const struct job *job;
	long seen; /* the last run looked at */
};

/* Stops the walk (1) at the first run whose transform finished. */
static int transformed(long run_id, void *ud)
{
	struct run_pick *pick = ud;

	pick->seen = run_id;
	return run_has_transform(pick->job, run_id);
}

/* The run to list: want, or the newest run whose transform finished. */
int review_pick_run(struct ledger *lg, const struct job *job, long want, long *out)
{
	struct run_pick pick = { .job = job };
	int rc;

	*out = 0;
	if ((rc = ledger_runs_each(lg, want, transformed, &pick)) < 0)
		return rc;
	*out = pick.seen;
	if (rc == 1)
		return 0;
	if (want && *out)
		return fail(FS_EUSAGE, "run %ld has no finished transform stage: nothing to review", want);
	if (want)
		return fail(FS_EUSAGE, "no run %ld in the ledger", want);
	return fail(FS_EUSAGE, "job '%s' has no run with a finished transform stage yet", job->path);
}

/* The job's ledger; a job that never ran has none, and gets none from us. */
static int open_ledger(const struct job *job, struct ledger **lg)
{
	char *path = xasprintf("%s/ledger.sqlite", job->state_dir);
	int rc;

	*lg = NULL;
	if (access(path, F_OK))
		rc = fail(FS_EUSAGE, "job '%s' has no runs yet (no ledger in '%s')", job->path, job->state_dir);
	else if (!(rc = ledger_open(lg, job->state_dir)))
		rc = ledger_job_check(*lg, job->name, job->state_dir, 0);
	xfree(path);
	return rc;
}

/* ---- listing ---- */

static int write_candidates(struct sheetout *csv, const struct run_view *v, json_t *line)
{
	json_t *c = review_candidates(line), *id;
	struct buf ids = BUF_INIT, names = BUF_INIT;
	const char *entity = jstr(line, "entity"), *name, *where;
	size_t i;
	int rc;

	json_array_foreach(c, i, id) {
		name = run_view_snapshot_name(v, entity ? entity : "", json_string_value(id), &where);
		buf_addf(&ids, "%s%s", i ? " " : "", json_string_value(id));
		buf_addf(&names, "%s%s", i ? " | " : "", name ? name : "(not in the snapshot)");
	}
	if (!(rc = sheetout_text(csv, ids.len ? buf_str(&ids) : NULL)))
		rc = sheetout_text(csv, names.len ? buf_str(&names) : NULL);
	buf_release(&ids);
	buf_release(&names);
	json_decref(c);
	return rc;
}

static int write_item(struct sheetout *csv, const struct run_view *v, json_t *line)
{
	static const char *const keys[] = {
		"entity", "crm_module", "crm_id", "name", "action", "match", "reason", NULL
	};
	json_t *score = json_object_get(line, "score");
	size_t k;
	int rc = sheetout_long(csv, v->run);

	for (k = 0; keys[k] && !rc; k++)
		rc = sheetout_text(csv, jstr(line, keys[k]));
	if (!rc)
		rc = write_candidates(csv, v, line);
	if (!rc)
		rc = score ? sheetout_long(csv, (long)json_integer_value(score)) : sheetout_text(csv, NULL);
	if (!rc)
		rc = sheetout_text(csv, NULL); /* decision: the analyst's */
	return rc ? rc : sheetout_end_row(csv);
}

/* ---- the listing: what is pending, across runs ---- */

struct listing {
	const struct job *job;
	struct ledger *lg;
	json_t *seen;           /* "entity\tcrm_id" of every record a newer run had */
	struct run_view *views; /* newest run first, only those with records to list */
	size_t n, cap;
	size_t total;
};

/*
 * Whether the decision came after the run that made this line.  Times are
 * whole seconds: a decision in the very second the run started came before
 * it when the run already followed a decision (match "review"), else after.
 */
static int decided_since(const struct decision *d, json_t *line, const char *started_at)
{
	const char *match = jstr(line, "match");
	int cmp;

	if (!d->decided_at)
		return 0;
	cmp = strcmp(d->decided_at, started_at);
	return cmp > 0 || (cmp == 0 && !(match && !strcmp(match, "review")));
}

/*
 * Settled since its run: linked to a finance record (a near-duplicate is
 * linked by its own create: only a decision settles it), or decided by a
 * review after the run started.  1 settled, 0 pending, <0 error.
 */
static int settled(struct listing *L, json_t *line, const char *started_at)
{
	const char *entity = jstr(line, "entity"), *crm_id = jstr(line, "crm_id");
	struct decision d = { 0 };
	struct link l = { 0 };
	int rc, near = json_object_get(line, "score") != NULL;

	if ((rc = ledger_decision_get(L->lg, entity, crm_id, &d)) == 1)
		rc = near || !started_at || decided_since(&d, line, started_at);
	decision_release(&d);
	if (rc || near)
		return rc;
	if ((rc = ledger_link_get(L->lg, entity, crm_id, &l)) == 1)
		rc = l.state && !strcmp(l.state, "linked");
	link_release(&l);
	return rc;
}

static int drop_settled(struct listing *L, struct run_view *v)
{
	struct run_info run = { 0 };
	json_t *kept = json_array(), *line;
	size_t i;
	int rc = ledger_run_get(L->lg, v->run, &run);

	json_array_foreach(v->items, i, line) {
		if (rc < 0 || (rc = settled(L, line, run.started_at)) < 0)
			break;
		if (!rc)
			json_array_append(kept, line);
	}
	json_decref(v->items);
	v->items = kept;
	run_info_release(&run);
	return rc < 0 ? rc : 0;
}

/* One run, newest first: its records whose newest state it holds, still pending. */
static int list_run(long run_id, void *ud)
{
	struct listing *L = ud;
	struct run_view v = { 0 };
	int rc;

	if (!run_has_transform(L->job, run_id))
		return 0;
	run_view_init(&v, run_id);
	v.seen = L->seen;
	if (!(rc = run_view_items(&v, L->job, NULL)) && !(rc = near_duplicates(&v, L->job)) &&
	    !(rc = drop_settled(L, &v)) && json_array_size(v.items))
		rc = run_view_names(&v, L->job, NULL);
	if (rc || !json_array_size(v.items)) {
		run_view_release(&v);
		return rc;
	}
	if (L->n == L->cap) {
		L->cap = L->cap ? 2 * L->cap : 8;
		L->views = xrealloc(L->views, L->cap * sizeof(*L->views));
	}
	L->total += json_array_size(v.items);
	L->views[L->n++] = v;
	return 0;
}

static int write_listing(struct sheetout *sh, const struct listing *L)
{
	json_t *line;
	size_t i, k;
	int rc = 0;

	for (i = 0; columns[i] && !rc; i++)
		rc = sheetout_header(sh, columns[i]);
	if (!rc)
		rc = sheetout_end_row(sh);
	for (k = 0; k < L->n && !rc; k++)
		json_array_foreach(L->views[k].items, i, line)
			if ((rc = write_item(sh, &L->views[k], line)))
				break;
	return rc;
}

/* The listing goes to out: CSV into its stream, xlsx into its temporary file (then renamed). */
static int sheet_open(struct sheetout *sh, struct outfile *out, const struct review_opts *o)
{
	if (!o->format || strcmp(o->format, "xlsx")) {
		if (o->bom)
			fputs(UTF8_BOM, out->fp);
		sheetout_csv(sh, out->fp);
		return 0;
	}
	if (!out->tmp)
		return fail(FS_EUSAGE, "--format xlsx writes a file: give -o FILE.xlsx, not %s", out->name);
	return sheetout_xlsx(sh, out->tmp, "review");
}

static void listing_release(struct listing *L)
{
	size_t i;

	for (i = 0; i < L->n; i++)
		run_view_release(&L->views[i]);
	xfree(L->views);
	json_decref(L->seen);
}

static void say_listed(const struct review_opts *o, const struct listing *L)
{
	if (o->run)
		printf("%s: %zu records of run %ld to review\n", o->output, L->total, o->run);
	else
		printf("%s: %zu records to review (from %zu run%s)\n", o->output, L->total, L->n, L->n == 1 ? "" : "s");
}

static int review_list(const struct review_opts *o, const struct job *job, struct ledger *lg)
{
	struct listing L = { .job = job, .lg = lg };
	struct outfile out = OUTFILE_INIT;
	struct sheetout sh = { 0 };
	long run;
	int rc, rc2;

	L.seen = json_object();
	if ((rc = review_pick_run(lg, job, o->run, &run)) || (rc = ledger_runs_each(lg, o->run, list_run, &L)) < 0 ||
	    (rc = outfile_open(&out, o->output)) || (rc = sheet_open(&sh, &out, o)))
		goto out;
	rc = write_listing(&sh, &L);
	if (rc && ferror(out.fp))
		rc = fail(FS_EABORT, "cannot write '%s': %s", out.name, strerror(errno ? errno : EIO));
	rc2 = sheetout_close(&sh);
	if (!rc && !(rc = rc2) && !(rc = outfile_finish(&out)) && o->output)
		say_listed(o, &L);
out:
	sheetout_close(&sh);
	outfile_abort(&out);
	listing_release(&L);
	return rc;
}

int cmd_review(int argc, char **argv)
{
	struct review_opts o = { 0 };
	struct ledger *lg = NULL;
	struct job *job = NULL;
	int rc;

	if ((rc = parse_args(&o, argc, argv)))
		return rc > 0 ? 0 : rc;
	if ((rc = job_load_flags(&job, o.job_path, JOB_NO_SECRETS)) || (rc = open_ledger(job, &lg)))
		goto out;
	rc = o.apply ? review_apply(&o, job, lg) : review_list(&o, job, lg);
out:
	ledger_close(lg);
	job_free(job);
	return rc;
}
