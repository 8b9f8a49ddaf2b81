/*
 * review_near.c - the near-duplicates of `finsync review`: a record a run
 * created as new whose name is close to a finance record of the run's
 * snapshot (src/xform/neardup.c scores them) is listed with that candidate
 * and the score, so that an analyst sees a duplicate the matching ladder
 * could not prove.  Nothing is merged: link:<id> or create is the
 * analyst's.  Items with different SKUs are never paired.
 *
 * Every created record is weighed against every snapshot row, at most
 * NEAR_MAX_PAIRS pairs a run; the snapshot is streamed.
 */
#include <stdio.h>
#include <string.h>
#include <jansson.h>
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/job.h"
#include "finsync/log.h"
#include "finsync/neardup.h"
#include "finsync/pipeline.h"
#include "finsync/staging.h"
#include "review.h"

#define NEAR_MAX_PAIRS 1000000000L /* created records x snapshot rows weighed in one run */

/* One created record and the finance record most like it so far. */
struct near {
	json_t *line; /* borrowed */
	char *key;
	int score;
	char *id, *fkey;
};

/* Items are told apart by SKU: two with different SKUs are not duplicates, whatever their names. */
static int other_sku(json_t *line, const char *sku)
{
	const char *mine = jstr(line, "sku");

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
		if (row_id(row, id_key, idbuf) && jstr(row, name_key))
			near_weigh(nd, n, row_id(row, id_key, idbuf), jstr(row, name_key), jstr(row, "sku"));
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
					 review_noun(entity), nd->id, nd->score, neardup_why(nd->key, nd->fkey),
					 nd->id));
	run_view_add(v, entity, nd->line);
}

static int near_entity(struct run_view *v, const struct job *job, const char *entity, json_t *list)
{
	char *xdir = staging_dir(job->state_dir, v->run, "extract");
	size_t n = json_array_size(list), i;
	struct near *nd = xcalloc(n ? n : 1, sizeof(*nd));
	int rc;

	for (i = 0; i < n; i++) {
		nd[i].line = json_array_get(list, i);
		nd[i].key = neardup_key(jstr(nd[i].line, "name"));
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

int near_duplicates(struct run_view *v, const struct job *job)
{
	const char *entity;
	json_t *list;
	int rc = 0;

	json_object_foreach(v->creates, entity, list)
		if ((rc = near_entity(v, job, entity, list)))
			break;
	return rc;
}
