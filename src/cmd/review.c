/*
 * review.c - `finsync review`: the analysts' loop over the records the runs
 * could not settle on their own.
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
 * --apply FILE reads such a file back.  A decision is `link:<finance_id>`,
 * `create` or `skip`; an empty one is no decision.  Every row is checked
 * before anything is written: the record must be one the row's run listed
 * (and not invalid, and not linked since), a link must name a finance record
 * of the entity in that run's snapshot that no other CRM record holds.  Bad
 * rows are reported as "FILE line N: ..." and ignored; the good decisions
 * go into the ledger's decisions table in one transaction, so a failure
 * records none of them.  The next run follows them (src/xform/dedupe.c).
 *
 * The file is read with libcsv.  A workbook (a ZIP file) is refused asking
 * for CSV, and so is a file whose CRM ids a spreadsheet turned into numbers
 * (4.15086800000009E+018): every such line is named, nothing is recorded.
 * A create the app would refuse (an existing item's SKU) is a bad row.
 *
 * Memory holds the records to review (or the rows of the file) and the keys
 * of the records the newer runs had, not the runs' transform files, which
 * are streamed.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <csv.h>
#include <jansson.h>
#include "finsync/alloc.h"
#include "finsync/buf.h"
#include "finsync/cmd.h"
#include "finsync/sheetout.h"
#include "finsync/err.h"
#include "finsync/job.h"
#include "finsync/ledger.h"
#include "finsync/log.h"
#include "finsync/neardup.h"
#include "finsync/outfile.h"
#include "finsync/pipeline.h"
#include "finsync/staging.h"

#define CELL_MAX ((size_t)1 << 20)

struct review_opts {
	const char *job_path;
	const char *output;     /* -o FILE; NULL = stdout */
	const char *apply;      /* --apply FILE */
	long run;               /* --run ID; 0 = the newest with a transform */
	const char *format;     /* --format: csv (NULL) or xlsx */
	int bom;
};

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
	"run", "entity", "crm_module", "crm_id", "name", "action", "match", "reason",
	"candidate_ids", "candidate_names", "score", "decision", NULL
};

/*
 * One run's records to review and the names of its snapshot.  items holds
 * the transform lines (without payload) in file order; by_key finds them by
 * "entity\tcrm_id"; names is entity -> {finance id -> display name}.
 */
struct run_view {
	long run;
	json_t *items;
	json_t *by_key;
	json_t *names;
	json_t *seen;           /* listing: key -> "ledger"/"other", the records of newer runs (borrowed) */
	json_t *creates;        /* listing: entity -> the records created as new, for near-duplicates */
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

static int has_transform(const struct job *job, long run)
{
	char *dir = staging_dir(job->state_dir, run, "transform");
	char *path = xasprintf("%s/manifest.json", dir);
	int ok = access(path, F_OK) == 0;

	xfree(path);
	xfree(dir);
	return ok;
}

struct run_pick {
	const struct job *job;
	long seen;              /* the last run looked at */
};

/* Stops the walk (1) at the first run whose transform finished. */
static int transformed(long run_id, void *ud)
{
	struct run_pick *pick = ud;

	pick->seen = run_id;
	return has_transform(pick->job, run_id);
}

/* The run to list: want, or the newest run whose transform finished. */
static int pick_run(struct ledger *lg, const struct job *job, long want, long *out)
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

/* ---- reading a run ---- */

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* Skipped as a duplicate, ambiguous or invalid: what an analyst decides on. */
static int reviewable(json_t *line)
{
	const char *a = str(line, "action");

	if (!a)
		return 0;
	if (!strcmp(a, "ambiguous") || !strcmp(a, "invalid"))
		return 1;
	return !strcmp(a, "skip") && json_is_true(json_object_get(line, "duplicate"));
}

static char *item_key(const char *entity, const char *crm_id)
{
	return xasprintf("%s\t%s", entity, crm_id ? crm_id : "");
}

/* The finance ids a record was weighed against (new array). */
static json_t *candidates(json_t *line)
{
	json_t *c = json_object_get(line, "candidates");
	const char *fid = str(line, "finance_id");

	if (json_is_array(c))
		return json_incref(c);
	c = json_array();
	if (fid)
		json_array_append_new(c, json_string(fid));
	return c;
}

/* The payload goes; its SKU stays, for the check of a create decision. */
static void drop_payload(json_t *line)
{
	json_t *sku = json_object_get(json_object_get(line, "payload"), "sku");

	if (json_is_string(sku) && *json_string_value(sku))
		json_object_set(line, "sku", sku);
	json_object_del(line, "payload");
}

static void view_add(struct run_view *v, const char *entity, json_t *line)
{
	char *key = item_key(entity, str(line, "crm_id"));

	drop_payload(line);
	json_array_append(v->items, line);
	json_object_set(v->by_key, key, line);
	xfree(key);
}

/* Created as new by the ladder's last rung: not by a review, not a clone of a duplicate. */
static int created_as_new(json_t *line)
{
	const char *a = str(line, "action"), *m = str(line, "match");

	return a && !strcmp(a, "create") && (!m || !*m) && !json_is_true(json_object_get(line, "duplicate"));
}

enum { LINE_STALE, LINE_FRESH, LINE_CREATE_ONLY };

/*
 * Whether the line is the record's newest state (runs are read newest
 * first).  A record a newer run only updated through its link keeps the
 * create that made it, for the near-duplicates: once.
 */
static int line_fresh(struct run_view *v, const char *key, json_t *line, json_t *wanted)
{
	const char *prev, *m = str(line, "match");

	if (!v->seen)
		return !wanted || json_object_get(wanted, key) ? LINE_FRESH : LINE_STALE;
	if (!(prev = json_string_value(json_object_get(v->seen, key)))) {
		json_object_set_new(v->seen, key,
				    json_string(m && !strcmp(m, "ledger") && !reviewable(line) ? "ledger" : "other"));
		return LINE_FRESH;
	}
	if (!strcmp(prev, "ledger") && created_as_new(line)) {
		json_object_set_new(v->seen, key, json_string("other"));
		return LINE_CREATE_ONLY;
	}
	return LINE_STALE;
}

static void create_add(struct run_view *v, const char *entity, json_t *line)
{
	json_t *list = json_object_get(v->creates, entity);

	if (!list)
		json_object_set_new(v->creates, entity, list = json_array());
	drop_payload(line);
	json_array_append(list, line);
}

/* The reviewable records of one entity; only the keys in wanted when not NULL. */
static int load_entity_items(struct run_view *v, const char *dir, const char *entity, json_t *wanted)
{
	struct staging_reader *r = NULL;
	json_t *line;
	char *key;
	int rc, fresh;

	if ((rc = staging_reader_open(&r, dir, entity, 1)))
		return rc;
	while ((rc = staging_read(r, &line)) != 0) {
		if (rc == FS_EINPUT) {
			log_warn("%s (line skipped)", err_msg());
			continue;
		}
		if (rc < 0)
			break;
		key = item_key(entity, str(line, "crm_id"));
		fresh = line_fresh(v, key, line, wanted);
		if (fresh == LINE_FRESH && (reviewable(line) || (!v->seen && created_as_new(line))))
			view_add(v, entity, line);
		else if (fresh != LINE_STALE && v->seen && created_as_new(line))
			create_add(v, entity, line);
		xfree(key);
		json_decref(line);
	}
	staging_reader_close(r);
	return rc;
}

/* finance id -> display name, from extract/finance.<entity> (only wanted ids). */
static int load_snapshot(struct run_view *v, const struct job *job, const char *dir, const char *entity,
			 json_t *wanted)
{
	enum entity_kind kind = entity_def_find(entity)->kind;
	const char *id_key = entity_finance_id_key(job, kind);
	const char *name_key = entity_finance_name_key(job, kind);
	char *file = xasprintf(FINANCE_SNAPSHOT_PREFIX "%s", entity);
	struct staging_reader *r = NULL;
	json_t *row, *names = json_object();
	char idbuf[32];
	int rc;

	json_object_set_new(v->names, entity, names);
	if ((rc = staging_reader_open(&r, dir, file, 1)))
		goto out;
	while ((rc = staging_read(r, &row)) != 0) {
		json_t *idv;
		const char *id;
		if (rc == FS_EINPUT)
			continue;       /* the transform warned about it */
		if (rc < 0)
			break;
		idv = json_object_get(row, id_key);
		id = json_string_value(idv);
		if (json_is_integer(idv)) {
			snprintf(idbuf, sizeof(idbuf), "%" JSON_INTEGER_FORMAT, json_integer_value(idv));
			id = idbuf;
		}
		if (id && json_object_get(wanted, id))
			json_object_set_new(names, id, json_string(str(row, name_key) ? str(row, name_key) : ""));
		json_decref(row);
	}
out:
	staging_reader_close(r);
	xfree(file);
	return rc;
}

static void run_view_init(struct run_view *v, long run)
{
	v->run = run;
	v->items = json_array();
	v->by_key = json_object();
	v->names = json_object();
	v->creates = json_object();
}

static void run_view_release(struct run_view *v)
{
	json_decref(v->items);
	json_decref(v->by_key);
	json_decref(v->names);
	json_decref(v->creates);
	memset(v, 0, sizeof(*v));
}

/* The run's records to review (wanted_keys: only those; NULL: all). */
static int run_view_items(struct run_view *v, const struct job *job, json_t *wanted_keys)
{
	char *tdir = staging_dir(job->state_dir, v->run, "transform");
	int e, rc = 0;

	for (e = 0; e < ENTITY_COUNT && !rc; e++)
		if (job->entities[e].enabled)
			rc = load_entity_items(v, tdir, job->entities[e].name, wanted_keys);
	xfree(tdir);
	return rc;
}

/* The names of the finance ids in wanted_ids plus every candidate of the items. */
static int run_view_names(struct run_view *v, const struct job *job, json_t *wanted_ids)
{
	char *xdir = staging_dir(job->state_dir, v->run, "extract");
	json_t *ids = wanted_ids ? json_copy(wanted_ids) : json_object(), *line, *c, *id;
	size_t i, k;
	int rc = 0;

	json_array_foreach(v->items, i, line) {
		c = candidates(line);
		json_array_foreach(c, k, id)
			json_object_set_new(ids, json_string_value(id), json_true());
		json_decref(c);
	}
	for (k = 0; entity_names[k] && !rc; k++)
		rc = load_snapshot(v, job, xdir, entity_names[k], ids);
	json_decref(ids);
	xfree(xdir);
	return rc;
}

static int run_view_load(struct run_view *v, const struct job *job, json_t *wanted_keys, json_t *wanted_ids)
{
	int rc = run_view_items(v, job, wanted_keys);

	return rc ? rc : run_view_names(v, job, wanted_ids);
}

/*
 * A finance record's name as the run's snapshot has it: the entity's own
 * snapshot first; customers and vendors share a name space, so a customer's
 * candidate may be a vendor.  *where says which snapshot held it.
 */
static const char *snapshot_name(const struct run_view *v, const char *entity, const char *id, const char **where)
{
	const struct entity_def *d = entity_def_find(entity);
	const char *other = d && d->same_names != ENTITY_COUNT ? entity_defs[d->same_names].name : NULL;
	const char *name = json_string_value(json_object_get(json_object_get(v->names, entity), id));

	*where = entity;
	if (!name && other && (name = json_string_value(json_object_get(json_object_get(v->names, other), id))))
		*where = other;
	return name;
}

/* ---- listing ---- */

static const char *noun(const char *entity)
{
	const struct entity_def *d = entity_def_find(entity);

	return d ? d->noun : "item";
}


static int write_candidates(struct sheetout *csv, const struct run_view *v, json_t *line)
{
	json_t *c = candidates(line), *id;
	struct buf ids = BUF_INIT, names = BUF_INIT;
	const char *entity = str(line, "entity"), *name, *where;
	size_t i;
	int rc;

	json_array_foreach(c, i, id) {
		name = snapshot_name(v, entity ? entity : "", json_string_value(id), &where);
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
	static const char *const keys[] = { "entity", "crm_module", "crm_id", "name", "action", "match", "reason", NULL };
	json_t *score = json_object_get(line, "score");
	size_t k;
	int rc = sheetout_long(csv, v->run);

	for (k = 0; keys[k] && !rc; k++)
		rc = sheetout_text(csv, str(line, keys[k]));
	if (!rc)
		rc = write_candidates(csv, v, line);
	if (!rc)
		rc = score ? sheetout_long(csv, (long)json_integer_value(score)) : sheetout_text(csv, NULL);
	if (!rc)
		rc = sheetout_text(csv, NULL);     /* decision: the analyst's */
	return rc ? rc : sheetout_end_row(csv);
}

/* ---- the listing: what is pending, across runs ---- */

#define NEAR_MAX_PAIRS 1000000000L /* created records x snapshot rows weighed in one run */

struct listing {
	const struct job *job;
	struct ledger *lg;
	json_t *seen;           /* "entity\tcrm_id" of every record a newer run had */
	struct run_view *views; /* newest run first, only those with records to list */
	size_t n, cap;
	size_t total;
};

/*
 * Settled since its run: linked to a finance record (a near-duplicate is
 * linked by its own create: only a decision settles it), or decided by a
 * review after the run started.  1 settled, 0 pending, <0 error.
 */
static int settled(struct listing *L, json_t *line, const char *started_at)
{
	const char *entity = str(line, "entity"), *crm_id = str(line, "crm_id");
	struct decision d = { 0 };
	struct link l = { 0 };
	int rc, near = json_object_get(line, "score") != NULL;

	if ((rc = ledger_decision_get(L->lg, entity, crm_id, &d)) == 1)
		rc = near || !started_at || (d.decided_at && strcmp(d.decided_at, started_at) >= 0);
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

/* One created record and the finance record most like it so far. */
struct near {
	json_t *line;           /* borrowed */
	char *key;
	int score;
	char *id, *fkey;
};

/* Items are told apart by SKU: two with different SKUs are not duplicates, whatever their names. */
static int other_sku(json_t *line, const char *sku)
{
	const char *mine = str(line, "sku");

	return mine && sku && *sku && strcmp(mine, sku);
}

static void near_weigh(struct near *nd, size_t n, const char *id, const char *name, const char *sku)
{
	char *key = neardup_key(name);
	size_t i;
	int sc;

	for (i = 0; i < n && key; i++) {
		if (other_sku(nd[i].line, sku) || (sc = neardup_score(nd[i].key, key)) <= nd[i].score)
			continue;
		nd[i].score = sc;
		xfree(nd[i].id);
		xfree(nd[i].fkey);
		nd[i].id = xstrdup(id);
		nd[i].fkey = xstrdup(key);
	}
	xfree(key);
}

/* A snapshot row's id as text (ids may be numbers in a snapshot). */
static const char *row_id(json_t *row, const char *id_key, char buf[32])
{
	json_t *idv = json_object_get(row, id_key);

	if (json_is_integer(idv)) {
		snprintf(buf, 32, "%" JSON_INTEGER_FORMAT, json_integer_value(idv));
		return buf;
	}
	return json_string_value(idv);
}

/* Every row of the entity's snapshot against every created record; FS_* error or 0. */
static int near_scan(const struct job *job, const char *dir, const char *entity, struct near *nd, size_t n)
{
	enum entity_kind kind = entity_def_find(entity)->kind;
	const char *id_key = entity_finance_id_key(job, kind), *name_key = entity_finance_name_key(job, kind);
	char *file = xasprintf(FINANCE_SNAPSHOT_PREFIX "%s", entity), idbuf[32];
	struct staging_reader *r = NULL;
	long rows = 0;
	json_t *row;
	int rc;

	if ((rc = staging_reader_open(&r, dir, file, 1)))
		goto out;
	while ((rc = staging_read(r, &row)) != 0) {
		if (rc == FS_EINPUT)
			continue;
		if (rc < 0)
			break;
		if (row_id(row, id_key, idbuf) && str(row, name_key))
			near_weigh(nd, n, row_id(row, id_key, idbuf), str(row, name_key), str(row, "sku"));
		json_decref(row);
		if ((long)n * ++rows > NEAR_MAX_PAIRS) {
			log_warn("%s: near-duplicates compared with the first %ld finance %ss only", entity, rows,
				 entity_defs[kind].noun);
			break;
		}
	}
out:
	staging_reader_close(r);
	xfree(file);
	return rc < 0 ? rc : 0;
}

/* A created record close to a finance record becomes a row to review. */
static void near_suggest(struct run_view *v, const char *entity, struct near *nd)
{
	json_t *c = json_array();

	json_array_append_new(c, json_string(nd->id));
	json_object_set_new(nd->line, "candidates", c);
	json_object_set_new(nd->line, "match", json_string("similar name"));
	json_object_set_new(nd->line, "score", json_integer(nd->score));
	json_object_set_new(nd->line, "reason",
			    json_sprintf("created as new; possibly the same as finance %s %s (score %d: %s); "
					 "nothing is merged: link:%s makes it that record, create keeps both",
					 noun(entity), nd->id, nd->score, neardup_why(nd->key, nd->fkey), nd->id));
	view_add(v, entity, nd->line);
}

static int near_entity(struct run_view *v, const struct job *job, const char *entity, json_t *list)
{
	char *xdir = staging_dir(job->state_dir, v->run, "extract");
	size_t n = json_array_size(list), i;
	struct near *nd = xcalloc(n ? n : 1, sizeof(*nd));
	int rc;

	for (i = 0; i < n; i++) {
		nd[i].line = json_array_get(list, i);
		nd[i].key = neardup_key(str(nd[i].line, "name"));
	}
	rc = near_scan(job, xdir, entity, nd, n);
	for (i = 0; i < n; i++) {
		if (!rc && nd[i].score >= NEARDUP_MIN_SCORE)
			near_suggest(v, entity, &nd[i]);
		xfree(nd[i].key);
		xfree(nd[i].id);
		xfree(nd[i].fkey);
	}
	xfree(nd);
	xfree(xdir);
	return rc;
}

static int near_duplicates(struct run_view *v, const struct job *job)
{
	const char *entity;
	json_t *list;
	int rc = 0;

	json_object_foreach(v->creates, entity, list)
		if ((rc = near_entity(v, job, entity, list)))
			break;
	return rc;
}

/* One run, newest first: its records whose newest state it holds, still pending. */
static int list_run(long run_id, void *ud)
{
	struct listing *L = ud;
	struct run_view v = { 0 };
	int rc;

	if (!has_transform(L->job, run_id))
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
		printf("%s: %zu records to review (from %zu run%s)\n", o->output, L->total, L->n,
		       L->n == 1 ? "" : "s");
}

static int review_list(const struct review_opts *o, const struct job *job, struct ledger *lg)
{
	struct listing L = { .job = job, .lg = lg };
	struct outfile out = OUTFILE_INIT;
	struct sheetout sh = { 0 };
	long run;
	int rc, rc2;

	L.seen = json_object();
	if ((rc = pick_run(lg, job, o->run, &run)) || (rc = ledger_runs_each(lg, o->run, list_run, &L)) < 0 ||
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

/*
 * ---- reading the file back: libcsv (RFC 4180, any line ends), an optional BOM ----
 *
 * The file is read whole and fed to libcsv one physical line at a time, so
 * the row callback knows the line its row started on (a quoted cell may
 * hold line breaks).  A stray quote in a bare cell is kept, as spreadsheets
 * write it; an unclosed quoted cell at the end is refused.
 */

#define LIBCSV_ROW_NOT_BEGUN 0
#define FILE_MAX ((size_t)1 << 30)

struct csv_row {
	char **cell;
	size_t n, cap;
	long line;              /* where the row starts in the file */
};

struct csv_reader {
	const char *name;
	struct csv_parser p;
	long line;              /* the physical line being fed, from 1 */
	struct csv_row row;     /* the row being parsed */
	int (*on_row)(struct csv_reader *r, struct csv_row *row, void *ud);
	void *ud;
	int rc;                 /* the first error of a callback */
};

static void row_release(struct csv_row *row)
{
	size_t i;

	for (i = 0; i < row->n; i++)
		xfree(row->cell[i]);
	xfree(row->cell);
	memset(row, 0, sizeof(*row));
}

static void on_field(void *data, size_t len, void *ud)
{
	struct csv_reader *r = ud;
	struct csv_row *row = &r->row;
	const char *s = data ? data : "";

	if (r->rc)
		return;
	/* A NUL would cut the cell short: "create\0skip" must not read as "create". */
	if (memchr(s, '\0', len))
		r->rc = fail(FS_EUSAGE, "%s line %ld: a NUL byte in a cell", r->name, row->line);
	else if (len > CELL_MAX)
		r->rc = fail(FS_EUSAGE, "%s line %ld: a cell longer than %zu bytes", r->name, row->line, CELL_MAX);
	if (r->rc)
		return;
	if (row->n == row->cap) {
		row->cap = row->cap ? 2 * row->cap : 16;
		row->cell = xrealloc(row->cell, row->cap * sizeof(*row->cell));
	}
	row->cell[row->n] = xmalloc(len + 1);
	memcpy(row->cell[row->n], s, len);
	row->cell[row->n++][len] = '\0';
}

static void on_row_end(int c, void *ud)
{
	struct csv_reader *r = ud;
	long line = r->row.line;

	(void)c;
	if (!r->rc)
		r->rc = r->on_row(r, &r->row, r->ud);
	row_release(&r->row);
	r->row.line = line;
}

/* The length of the line at s (its end included: LF, CRLF or a lone CR). */
static size_t line_len(const char *s, size_t rest)
{
	size_t i;

	for (i = 0; i < rest; i++) {
		if (s[i] == '\n')
			return i + 1;
		if (s[i] == '\r')
			return i + 1 + (i + 1 < rest && s[i + 1] == '\n');
	}
	return rest;
}

static int feed_lines(struct csv_reader *r, const char *text, size_t len)
{
	size_t pos = 0, n;

	while (pos < len && !r->rc) {
		n = line_len(text + pos, len - pos);
		if (r->p.pstate == LIBCSV_ROW_NOT_BEGUN && !r->row.n)
			r->row.line = r->line;
		if (csv_parse(&r->p, text + pos, n, on_field, on_row_end, r) != n && !r->rc)
			r->rc = fail(FS_EUSAGE, "%s line %ld: %s", r->name, r->line, csv_strerror(csv_error(&r->p)));
		pos += n;
		r->line++;
	}
	if (!r->rc && csv_fini(&r->p, on_field, on_row_end, r) && !r->rc)
		r->rc = fail(FS_EUSAGE, "%s line %ld: a quoted cell is not closed", r->name, r->row.line);
	return r->rc;
}

/* The whole file (FILE_MAX at most) into b. */
static int slurp(const char *name, struct buf *b)
{
	char chunk[65536];
	size_t n;
	FILE *fp = fopen(name, "rb");
	int rc = 0;

	if (!fp)
		return fail(FS_EUSAGE, "cannot open '%s': %s", name, strerror(errno));
	while (!rc && (n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		if (buf_add(b, chunk, n))
			rc = fail(FS_EUSAGE, "'%s' is larger than %zu bytes", name, FILE_MAX);
	if (!rc && ferror(fp))
		rc = fail(FS_EABORT, "cannot read '%s': %s", name, strerror(errno));
	fclose(fp);
	return rc;
}

/* A spreadsheet saved as xlsx or ods is a ZIP file: say what is wanted instead. */
static int refuse_zip(const char *name, const struct buf *b)
{
	if (b->len < 4 || memcmp(b->data, "PK\003\004", 4))
		return 0;
	return fail(FS_EUSAGE, "'%s' is a spreadsheet file (xlsx or ods, a ZIP archive), not CSV: "
		    "save it as CSV (comma-separated, UTF-8) and apply that", name);
}

/* Calls on_row for every row of the file; 0, or the first error. */
static int csv_read_rows(const char *name, int (*on_row)(struct csv_reader *, struct csv_row *, void *),
			 void *ud)
{
	struct csv_reader r = { .name = name, .line = 1, .on_row = on_row, .ud = ud };
	struct buf text = BUF_INIT;
	int rc;

	buf_init(&text, FILE_MAX);
	if ((rc = slurp(name, &text)) || (rc = refuse_zip(name, &text)))
		goto out;
	csv_init(&r.p, CSV_APPEND_NULL | CSV_STRICT_FINI);
	csv_set_realloc_func(&r.p, xrealloc);
	csv_set_free_func(&r.p, xfree);
	rc = feed_lines(&r, text.data ? text.data : "", text.len);
	csv_free(&r.p);
	row_release(&r.row);
out:
	buf_release(&text);
	return rc;
}

static int row_blank(const struct csv_row *row)
{
	size_t i;

	for (i = 0; i < row->n; i++)
		if (*row->cell[i])
			return 0;
	return 1;
}

/* ---- one decision ---- */

/* A row of the file, as read: borrowed cells of the file's rows. */
struct pending {
	long line;
	long run;
	char *entity;
	char *crm_id;
	char *decision;         /* "link", "create", "skip" */
	char *finance_id;       /* link only */
	char *crm_module;       /* from the run's transform line, once checked */
	char *unlink_from;      /* a near-duplicate's link: the finance record its create made */
};

struct problem {
	long line;
	char *text;
};

struct apply {
	const struct review_opts *o;
	const struct job *job;
	struct ledger *lg;
	struct pending *rows;
	size_t n, cap;
	long default_run;
	struct run_view *views;
	size_t nviews;
	json_t *taken;          /* "entity\tcrm_id" and "link\tentity\tfinance_id" -> line of the good row */
	struct problem *problems;  /* bad rows, reported in line order once all are checked */
	long undecided, bad;
	long mangled;           /* rows whose crm_id a spreadsheet turned into a number */
	long count_link, count_create, count_skip;
};

static void trim(char *s)
{
	char *p = s, *e;

	while (isspace((unsigned char)*p))
		p++;
	memmove(s, p, strlen(p) + 1);
	for (e = s + strlen(s); e > s && isspace((unsigned char)e[-1]);)
		*--e = '\0';
}

static void bad_row(struct apply *a, long line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void bad_row(struct apply *a, long line, const char *fmt, ...)
{
	char text[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	a->problems = xrealloc(a->problems, (size_t)(a->bad + 1) * sizeof(*a->problems));
	a->problems[a->bad].line = line;
	a->problems[a->bad].text = xstrdup(text);
	a->bad++;
}

static int cmp_problem(const void *x, const void *y)
{
	const struct problem *p = x, *q = y;

	return (p->line > q->line) - (p->line < q->line);
}

static void report_problems(struct apply *a)
{
	long i;

	if (a->bad)
		qsort(a->problems, (size_t)a->bad, sizeof(*a->problems), cmp_problem);
	for (i = 0; i < a->bad; i++)
		log_warn("%s line %ld: %s%s", a->o->apply, a->problems[i].line, a->problems[i].text,
			 a->mangled ? "" : "; row ignored");
}

/* link:<id>, create or skip (any case, spaces around); 0 ok, -1 malformed. */
static int parse_decision(const char *text, struct pending *p)
{
	const char *id;

	if (!strcasecmp(text, "create") || !strcasecmp(text, "skip")) {
		p->decision = xstrdup(tolower((unsigned char)text[0]) == 'c' ? "create" : "skip");
		return 0;
	}
	if (strncasecmp(text, "link:", 5))
		return -1;
	for (id = text + 5; isspace((unsigned char)*id); id++)
		;
	if (!*id || strpbrk(id, " \t,;"))
		return -1;
	p->decision = xstrdup("link");
	p->finance_id = xstrdup(id);
	return 0;
}

static int column_index(const struct csv_row *header, const char *name)
{
	size_t i;

	for (i = 0; i < header->n; i++)
		if (!strcmp(header->cell[i], name))
			return (int)i;
	return -1;
}

struct layout {
	int run, entity, crm_id, decision;
};

static int read_header(struct apply *a, struct csv_row *header, struct layout *l)
{
	size_t i;

	for (i = 0; i < header->n; i++)
		trim(header->cell[i]);
	if (header->n && !strncmp(header->cell[0], UTF8_BOM, 3))
		memmove(header->cell[0], header->cell[0] + 3, strlen(header->cell[0] + 3) + 1);
	l->run = column_index(header, "run");
	l->entity = column_index(header, "entity");
	l->crm_id = column_index(header, "crm_id");
	l->decision = column_index(header, "decision");
	if ((l->entity < 0 || l->crm_id < 0 || l->decision < 0) && header->n == 1 && strchr(header->cell[0], ';'))
		return fail(FS_EUSAGE, "%s line %ld: the header is one cell with ';' in it: the file is "
			    "separated by ';', finsync reads ',' (save it as CSV with ',' as the field separator)",
			    a->o->apply, header->line);
	if (l->entity < 0 || l->crm_id < 0 || l->decision < 0)
		return fail(FS_EUSAGE, "%s line %ld: the header needs columns entity, crm_id and decision "
			    "(as 'finsync review' writes them)", a->o->apply, header->line);
	return 0;
}

static const char *cell(const struct csv_row *row, int i)
{
	return i >= 0 && (size_t)i < row->n ? row->cell[i] : "";
}

static long row_run(struct apply *a, const struct csv_row *row, const struct layout *l)
{
	const char *s = cell(row, l->run);
	char *end;
	long run;

	if (!*s)
		return a->default_run;
	errno = 0;
	run = strtol(s, &end, 10);
	return errno || *end || run <= 0 ? -1 : run;
}

/* ="4150868000000087001", as a spreadsheet that does not evaluate formulas saves our cell: the text. */
static void unwrap_text_formula(char *s)
{
	size_t n = strlen(s);

	if (n >= 3 && !strncmp(s, "=\"", 2) && s[n - 1] == '"') {
		memmove(s, s + 2, n - 3);
		s[n - 3] = '\0';
	}
}

/*
 * A CRM id a spreadsheet saved as a number: 4.15086800000009E+018, 4,15E+18,
 * 4150868000000087001.00.  Zoho ids are digits only.
 */
static int id_as_number(const char *s)
{
	size_t n = strspn(s, "0123456789");

	if (!n || !s[n])
		return 0;
	s += n;
	if (*s == '.' || *s == ',')
		s += 1 + strspn(s + 1, "0123456789");
	if (*s == 'E' || *s == 'e') {
		s += 1 + (s[1] == '+' || s[1] == '-');
		s += strspn(s, "0123456789");
	}
	return !*s;
}

/* Turns one row of the file into a pending decision; no decision or a bad one: not kept. */
static void take_row(struct apply *a, struct csv_row *row, const struct layout *l)
{
	struct pending p = { .line = row->line };
	char *decision = xstrdup(cell(row, l->decision));

	trim(decision);
	if (!*decision) {
		a->undecided++;
		goto out;
	}
	if (parse_decision(decision, &p)) {
		bad_row(a, p.line, "malformed decision '%s' (link:<finance_id>, create or skip)", decision);
		goto out;
	}
	if ((p.run = row_run(a, row, l)) < 0) {
		bad_row(a, p.line, "run '%s' is not a run id", cell(row, l->run));
		goto out;
	}
	p.entity = xstrdup(cell(row, l->entity));
	p.crm_id = xstrdup(cell(row, l->crm_id));
	trim(p.entity);
	trim(p.crm_id);
	unwrap_text_formula(p.crm_id);
	if (id_as_number(p.crm_id)) {
		bad_row(a, p.line, "crm_id '%s' was turned into a number by a spreadsheet: its digits are lost",
			p.crm_id);
		a->mangled++;
		xfree(p.entity);
		xfree(p.crm_id);
		goto out;
	}
	if (a->n == a->cap) {
		a->cap = a->cap ? 2 * a->cap : 64;
		a->rows = xrealloc(a->rows, a->cap * sizeof(*a->rows));
	}
	a->rows[a->n++] = p;
	memset(&p, 0, sizeof(p));
out:
	xfree(p.decision);
	xfree(p.finance_id);
	xfree(decision);
}

struct file_pass {
	struct apply *a;
	struct layout l;
	int header;             /* the header row is still to come */
};

static int file_row(struct csv_reader *r, struct csv_row *row, void *ud)
{
	struct file_pass *f = ud;
	int rc;

	(void)r;
	if (row_blank(row))
		return 0;
	if (f->header) {
		if ((rc = read_header(f->a, row, &f->l)))
			return rc;
		f->header = 0;
		return 0;
	}
	take_row(f->a, row, &f->l);
	return 0;
}

static int read_file(struct apply *a)
{
	struct file_pass f = { a, { -1, -1, -1, -1 }, 1 };
	int rc;

	if ((rc = csv_read_rows(a->o->apply, file_row, &f)))
		return rc;
	if (f.header)
		return fail(FS_EUSAGE, "'%s' is empty: no header row", a->o->apply);
	return 0;
}

/* ---- checking the decisions against their runs ---- */

static struct run_view *view_of(struct apply *a, long run)
{
	size_t i;

	for (i = 0; i < a->nviews; i++)
		if (a->views[i].run == run)
			return &a->views[i];
	return NULL;
}

/* One view per run the rows name, loaded with only what the rows need. */
static int load_views(struct apply *a)
{
	json_t *keys, *ids;
	size_t i, j;
	int rc = 0;

	a->views = xcalloc(a->n ? a->n : 1, sizeof(*a->views));
	for (i = 0; i < a->n && !rc; i++) {
		struct run_view *v;
		if (view_of(a, a->rows[i].run))
			continue;
		if (!has_transform(a->job, a->rows[i].run))
			continue;       /* reported per row */
		v = &a->views[a->nviews++];
		run_view_init(v, a->rows[i].run);
		keys = json_object();
		ids = json_object();
		for (j = i; j < a->n; j++) {
			char *key;
			if (a->rows[j].run != v->run)
				continue;
			key = item_key(a->rows[j].entity, a->rows[j].crm_id);
			json_object_set_new(keys, key, json_true());
			if (a->rows[j].finance_id)
				json_object_set_new(ids, a->rows[j].finance_id, json_true());
			xfree(key);
		}
		rc = run_view_load(v, a->job, keys, ids);
		json_decref(keys);
		json_decref(ids);
	}
	return rc;
}

static int is_candidate(json_t *line, const char *id)
{
	json_t *c = candidates(line), *v;
	size_t i;
	int found = 0;

	json_array_foreach(c, i, v)
		found |= !strcmp(json_string_value(v), id);
	json_decref(c);
	return found;
}

/* A link's target: in the run's snapshot of the entity, held by no other record.  1 good, 0 bad, <0 error. */
static int check_link(struct apply *a, const struct run_view *v, const struct pending *p, json_t *line)
{
	const char *where, *name = snapshot_name(v, p->entity, p->finance_id, &where);
	char *key = xasprintf("link\t%s\t%s", p->entity, p->finance_id), *other = NULL;
	json_t *first = json_object_get(a->taken, key);
	int rc = 0;

	if (!name)
		bad_row(a, p->line, "finance id '%s' is not in run %ld's snapshot of %s %s", p->finance_id, v->run,
			a->job->app->label, p->entity);
	else if (strcmp(where, p->entity))
		bad_row(a, p->line, "finance record %s ('%s') is a %s, not a %s", p->finance_id, name, noun(where),
			noun(p->entity));
	else if (first)
		bad_row(a, p->line, "finance record %s ('%s') is already chosen on line %" JSON_INTEGER_FORMAT,
			p->finance_id, name, json_integer_value(first));
	else if ((rc = ledger_link_by_finance(a->lg, p->entity, p->finance_id, &other)) == 1 &&
		 strcmp(other, p->crm_id)) {
		bad_row(a, p->line, "finance record %s ('%s') is already linked to CRM record %s", p->finance_id,
			name, other);
		rc = 0;
	} else if (rc >= 0) {
		rc = 1;
		json_object_set_new(a->taken, key, json_integer(p->line));
		if (!is_candidate(line, p->finance_id))
			log_info("%s line %ld: finance record %s ('%s') is not one of the candidates; taken as decided",
				 a->o->apply, p->line, p->finance_id, name);
	}
	xfree(other);
	xfree(key);
	return rc;
}

/* 4150868000000090000: more than 15 digits, zeros after the 15th (a double's precision). */
static int digits_cut(const char *id)
{
	size_t n = strlen(id);

	return n > 15 && strspn(id, "0123456789") == n && strspn(id + 15, "0") == n - 15;
}

/*
 * A record linked since its run: only a near-duplicate (created as new, and
 * linked by that create) has something left to decide.  Its link to
 * another finance record replaces the link of its create, which is dropped
 * when the decision is recorded; create keeps both.  1 good, 0 bad.
 */
static int check_linked(struct apply *a, struct pending *p, json_t *line, const struct link *l)
{
	const char *fid = l->finance_id ? l->finance_id : "?";

	if (!created_as_new(line)) {
		bad_row(a, p->line, "CRM record %s is linked to finance record %s since %s: nothing to decide",
			p->crm_id, fid, l->updated_at ? l->updated_at : "?");
		return 0;
	}
	if (!strcmp(p->decision, "skip")) {
		bad_row(a, p->line, "CRM record %s was created as finance record %s: skip cannot undo that "
			"(link:<finance_id> makes it the record it duplicates, create keeps both)", p->crm_id, fid);
		return 0;
	}
	if (!strcmp(p->decision, "link") && strcmp(p->finance_id, fid))
		p->unlink_from = xstrdup(fid);
	return 1;
}

/*
 * A create the app would refuse: the record's SKU is an existing item's
 * (Zoho Books refuses a second item with a SKU, error 1001), so every run
 * would fail it.  1 good, 0 bad.
 */
static int check_create(struct apply *a, const struct run_view *v, const struct pending *p, json_t *line)
{
	const char *m = str(line, "match"), *sku = str(line, "sku"), *where, *name;
	json_t *c;

	if (strcmp(p->decision, "create") || !m || strcmp(m, "sku"))
		return 1;
	c = candidates(line);
	name = json_array_size(c) ? snapshot_name(v, p->entity, json_string_value(json_array_get(c, 0)), &where)
				  : NULL;
	bad_row(a, p->line, "create cannot work: %s refuses a second item with the SKU '%s', which finance item "
		"%s ('%s') has; decide link:%s or skip", a->job->app->label, sku ? sku : "?",
		json_array_size(c) ? json_string_value(json_array_get(c, 0)) : "?", name ? name : "?",
		json_array_size(c) ? json_string_value(json_array_get(c, 0)) : "<finance_id>");
	json_decref(c);
	return 0;
}

/* The record is listed by its run, not invalid, not decided twice, not linked since. */
static int check_record(struct apply *a, const struct run_view *v, struct pending *p, json_t *line)
{
	struct job *job = (struct job *)a->job;
	const struct entity_sync *e = job_entity(job, p->entity);
	char *key = item_key(p->entity, p->crm_id);
	json_t *first = json_object_get(a->taken, key);
	struct link l = { 0 };
	int rc = 0;

	if (!v)
		bad_row(a, p->line, "run %ld has no finished transform stage to review", p->run);
	else if (!e || !e->enabled)
		bad_row(a, p->line, "unknown entity '%s' (customers, vendors or items the job syncs)", p->entity);
	else if (!line && digits_cut(p->crm_id)) {
		bad_row(a, p->line, "crm_id '%s' is not a record of run %ld: its digits after the 15th are "
			"zeros, as when a spreadsheet kept only 15 of them", p->crm_id, p->run);
		a->mangled++;
	} else if (!line)
		bad_row(a, p->line, "unknown CRM id '%s' for %s: not among run %ld's records to review", p->crm_id,
			p->entity, p->run);
	else if (!strcmp(str(line, "action"), "invalid"))
		bad_row(a, p->line, "CRM record %s is invalid (%s): fix it in the CRM, a decision cannot", p->crm_id,
			str(line, "reason") ? str(line, "reason") : "no reason given");
	else if (first)
		bad_row(a, p->line, "CRM record %s is already decided on line %" JSON_INTEGER_FORMAT, p->crm_id,
			json_integer_value(first));
	else if ((rc = ledger_link_get(a->lg, p->entity, p->crm_id, &l)) == 1 && !strcmp(l.state, "linked"))
		rc = check_linked(a, p, line, &l);
	else if (rc >= 0)
		rc = check_create(a, v, p, line);
	link_release(&l);
	xfree(key);
	return rc;
}

/* 1 good, 0 bad (reported), <0 ledger error. */
static int check_row(struct apply *a, struct pending *p)
{
	const struct run_view *v = view_of(a, p->run);
	char *key = item_key(p->entity, p->crm_id);
	json_t *line = v ? json_object_get(v->by_key, key) : NULL;
	int rc = check_record(a, v, p, line);

	if (rc == 1 && !strcmp(p->decision, "link"))
		rc = check_link(a, v, p, line);
	if (rc == 1) {
		json_object_set_new(a->taken, key, json_integer(p->line));
		p->crm_module = xstrdup(str(line, "crm_module"));
	}
	xfree(key);
	return rc;
}

/* ---- recording ---- */

static void count_decision(struct apply *a, const char *decision)
{
	if (!strcmp(decision, "link"))
		a->count_link++;
	else if (!strcmp(decision, "create"))
		a->count_create++;
	else
		a->count_skip++;
}

/* Every good row in one transaction: all of them are recorded, or none. */
static int record_decisions(struct apply *a, const int *good)
{
	size_t i;
	int rc;

	if ((rc = ledger_begin(a->lg)))
		return rc;
	for (i = 0; i < a->n && !rc; i++) {
		struct decision d = { 0 };
		if (!good[i])
			continue;
		d.entity = a->rows[i].entity;
		d.crm_id = a->rows[i].crm_id;
		d.crm_module = a->rows[i].crm_module;
		d.decision = a->rows[i].decision;
		d.finance_id = a->rows[i].finance_id;
		if (a->rows[i].unlink_from)
			rc = ledger_link_delete(a->lg, d.entity, d.crm_id);
		if (!rc && !(rc = ledger_decision_put(a->lg, &d)))
			count_decision(a, d.decision);
	}
	if (rc) {
		ledger_rollback(a->lg);
		a->count_link = a->count_create = a->count_skip = 0;
		return fail_prefix(rc, "no decision recorded");
	}
	return ledger_commit(a->lg);
}

static int check_and_record(struct apply *a)
{
	int *good = xcalloc(a->n ? a->n : 1, sizeof(*good));
	size_t i;
	int rc = 0;

	for (i = 0; i < a->n && rc >= 0; i++)
		good[i] = (rc = check_row(a, &a->rows[i])) == 1;
	if (rc >= 0)
		report_problems(a);
	if (rc >= 0 && a->mangled)
		rc = fail(FS_EUSAGE,
			  "%s: %ld CRM ids were changed by a spreadsheet that read them as numbers; nothing "
			  "recorded: apply the file 'finsync review' wrote (its ids are kept as text), or "
			  "import the crm_id column as text", a->o->apply, a->mangled);
	else if (rc >= 0)
		rc = record_decisions(a, good);
	xfree(good);
	return rc;
}

static void apply_release(struct apply *a)
{
	size_t i;

	for (i = 0; i < a->n; i++) {
		xfree(a->rows[i].entity);
		xfree(a->rows[i].crm_id);
		xfree(a->rows[i].decision);
		xfree(a->rows[i].finance_id);
		xfree(a->rows[i].crm_module);
		xfree(a->rows[i].unlink_from);
	}
	xfree(a->rows);
	for (i = 0; i < a->nviews; i++)
		run_view_release(&a->views[i]);
	xfree(a->views);
	for (i = 0; i < (size_t)a->bad; i++)
		xfree(a->problems[i].text);
	xfree(a->problems);
	json_decref(a->taken);
}

/* A near-duplicate linked elsewhere leaves the record its create made: the analyst deletes it. */
static void say_unlinked(const struct apply *a)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (a->rows[i].unlink_from && a->rows[i].crm_module)
			printf("%s line %ld: finance %s %s, created for CRM record %s, is left in %s: delete it "
			       "there\n", a->o->apply, a->rows[i].line, noun(a->rows[i].entity), a->rows[i].unlink_from,
			       a->rows[i].crm_id, a->job->app->label);
}

static int review_apply(const struct review_opts *o, const struct job *job, struct ledger *lg)
{
	struct apply a = { .o = o, .job = job, .lg = lg };
	int rc;

	a.taken = json_object();
	log_set_stage("review");
	if ((rc = pick_run(lg, job, o->run, &a.default_run)) || (rc = read_file(&a)) || (rc = load_views(&a)) ||
	    (rc = check_and_record(&a)))
		goto out;
	printf("%s: %ld decisions recorded (%ld link, %ld create, %ld skip), %ld rows without a decision, "
	       "%ld rows ignored\n", o->apply, a.count_link + a.count_create + a.count_skip, a.count_link,
	       a.count_create, a.count_skip, a.undecided, a.bad);
	if (a.count_link + a.count_create + a.count_skip)
		printf("the next run of '%s' follows them\n", job->path);
	say_unlinked(&a);
	cmd_records_failed = a.bad;
out:
	log_set_stage(NULL);
	apply_release(&a);
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
