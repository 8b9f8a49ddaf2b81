/*
 * review_view.c - the run view of `finsync review`: what one run's
 * transform and snapshot files say about the records to review.  The
 * listing (review.c) reads every run through it and --apply
 * (review_apply.c) the runs its rows name, so both see a record, its
 * candidates and their names alike.
 *
 * A record's transform line is its state in that run: skipped as a
 * duplicate, ambiguous or invalid is what an analyst decides on.  When the
 * listing walks the runs newest first (v->seen set), only a record's newest
 * line counts, and the records created as new are kept aside for the
 * near-duplicates (review_near.c).  Transform and snapshot files are
 * streamed: the view keeps the lines to review (without their payload) and
 * the names of the finance ids asked for.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/job.h"
#include "finsync/log.h"
#include "finsync/ndjson.h"
#include "finsync/pipeline.h"
#include "finsync/staging.h"
#include "review.h"

int run_has_transform(const struct job *job, long run)
{
	char *dir = staging_dir(job->state_dir, run, "transform");
	char *path = xasprintf("%s/manifest.json", dir);
	int ok = access(path, F_OK) == 0;

	xfree(path);
	xfree(dir);
	return ok;
}

/* ---- reading a run ---- */

/* Skipped as a duplicate, ambiguous or invalid: what an analyst decides on. */
static int reviewable(json_t *line)
{
	const char *a = jstr(line, "action");

	if (!a)
		return 0;
	if (!strcmp(a, "ambiguous") || !strcmp(a, "invalid"))
		return 1;
	return !strcmp(a, "skip") && json_is_true(json_object_get(line, "duplicate"));
}

char *review_item_key(const char *entity, const char *crm_id)
{
	return xasprintf("%s\t%s", entity, crm_id ? crm_id : "");
}

/* The finance ids a record was weighed against (new array). */
json_t *review_candidates(json_t *line)
{
	json_t *c = json_object_get(line, "candidates");
	const char *fid = jstr(line, "finance_id");

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

void run_view_add(struct run_view *v, const char *entity, json_t *line)
{
	char *key = review_item_key(entity, jstr(line, "crm_id"));

	drop_payload(line);
	json_array_append(v->items, line);
	json_object_set(v->by_key, key, line);
	xfree(key);
}

/* Created as new by the ladder's last rung: not by a review, not a clone of a duplicate. */
int review_created_as_new(json_t *line)
{
	const char *a = jstr(line, "action"), *m = jstr(line, "match");

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
	const char *prev, *m = jstr(line, "match");

	if (!v->seen)
		return !wanted || json_object_get(wanted, key) ? LINE_FRESH : LINE_STALE;
	if (!(prev = jstr(v->seen, key))) {
		json_object_set_new(v->seen, key,
				    json_string(m && !strcmp(m, "ledger") && !reviewable(line) ? "ledger" : "other"));
		return LINE_FRESH;
	}
	if (!strcmp(prev, "ledger") && review_created_as_new(line)) {
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
		key = review_item_key(entity, jstr(line, "crm_id"));
		fresh = line_fresh(v, key, line, wanted);
		if (fresh == LINE_FRESH && (reviewable(line) || (!v->seen && review_created_as_new(line))))
			run_view_add(v, entity, line);
		else if (fresh != LINE_STALE && v->seen && review_created_as_new(line))
			create_add(v, entity, line);
		xfree(key);
		json_decref(line);
	}
	staging_reader_close(r);
	return rc;
}

/* finance id -> display name, from extract/finance.<entity> (only wanted ids). */
static int load_snapshot(struct run_view *v, const struct job *job, const char *dir, const char *entity, json_t *wanted)
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
			continue; /* the transform warned about it */
		if (rc < 0)
			break;
		idv = json_object_get(row, id_key);
		id = json_string_value(idv);
		if (json_is_integer(idv)) {
			snprintf(idbuf, sizeof(idbuf), "%" JSON_INTEGER_FORMAT, json_integer_value(idv));
			id = idbuf;
		}
		if (id && json_object_get(wanted, id))
			json_object_set_new(names, id, json_string(jstr_or(row, name_key, "")));
		json_decref(row);
	}
out:
	staging_reader_close(r);
	xfree(file);
	return rc;
}

void run_view_init(struct run_view *v, long run)
{
	v->run = run;
	v->items = json_array();
	v->by_key = json_object();
	v->names = json_object();
	v->creates = json_object();
}

void run_view_release(struct run_view *v)
{
	json_decref(v->items);
	json_decref(v->by_key);
	json_decref(v->names);
	json_decref(v->creates);
	memset(v, 0, sizeof(*v));
}

/* The run's records to review (wanted_keys: only those; NULL: all). */
int run_view_items(struct run_view *v, const struct job *job, json_t *wanted_keys)
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
int run_view_names(struct run_view *v, const struct job *job, json_t *wanted_ids)
{
	char *xdir = staging_dir(job->state_dir, v->run, "extract");
	json_t *ids = wanted_ids ? json_copy(wanted_ids) : json_object(), *line, *c, *id;
	size_t i, k;
	int rc = 0;

	json_array_foreach(v->items, i, line) {
		c = review_candidates(line);
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

int run_view_load(struct run_view *v, const struct job *job, json_t *wanted_keys, json_t *wanted_ids)
{
	int rc = run_view_items(v, job, wanted_keys);

	return rc ? rc : run_view_names(v, job, wanted_ids);
}

/*
 * A finance record's name as the run's snapshot has it: the entity's own
 * snapshot first; customers and vendors share a name space, so a customer's
 * candidate may be a vendor.  *where says which snapshot held it.
 */
const char *run_view_snapshot_name(const struct run_view *v, const char *entity, const char *id, const char **where)
{
	const struct entity_def *d = entity_def_find(entity);
	const char *other = d && d->same_names != ENTITY_COUNT ? entity_defs[d->same_names].name : NULL;
	const char *name = jstr(json_object_get(v->names, entity), id);

	*where = entity;
	if (!name && other && (name = jstr(json_object_get(v->names, other), id)))
		*where = other;
	return name;
}

const char *review_noun(const char *entity)
{
	const struct entity_def *d = entity_def_find(entity);

	return d ? d->noun : "item";
}
