/*
 * extract.c - the first stage: CRM records and the finance app's existing
 * records into staging/<run>/extract/.
 *
 * All checks that can fail a job come first (every mapped CRM field exists
 * in its module), so a bad job exits 2 before any file is written.  Then
 * each CRM module is streamed to <module>.ndjson.gz, and the finance app's
 * existing records of each entity to finance.<entity>.ndjson.gz: the
 * transform stage matches against that snapshot instead of calling the API
 * once per record (read only when the CRM gave the entity something to plan,
 * or it flows both ways).
 *
 * Incremental runs (the Zoho CRM API, after an entity's first load): only
 * records modified since the entity's watermark minus the overlap are read
 * (If-Modified-Since), plus, by id, the records whose last sync failed.  With
 * accounts_and_contacts the changed contacts come first, an account is read
 * by id when one of its contacts changed, and every contact is read only when
 * some account is sent (its persons must all go with it).  Each module's
 * deleted-records feed goes beside it as <module>.deleted.
 *
 * A record that cannot be staged (a bad CSV row, an API element that is not
 * an object, a record too large for a staged line, an id on two rows of one
 * export) goes to <module>.invalid with the reason naming where it came
 * from ("'Accounts.csv' line 7: ..."); the transform turns each into an
 * `invalid` line, so the load records it as an event and `review` lists it.
 * The other records are read on: one bad record never stops the run.
 */
#include <ctype.h>
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/buf.h"
#include "finsync/crm.h"
#include "finsync/err.h"
#include "finsync/finclient.h"
#include "finsync/ledger.h"
#include "finsync/log.h"
#include "finsync/ndjson.h"
#include "finsync/mapping.h"
#include "finsync/pipeline.h"
#include "finsync/progress.h"
#include "finsync/safe.h"
#include "finsync/scratch.h"
#include "finsync/staging.h"
#include "finsync/timeutil.h"
#include "deals.h"
#include "units.h"

/* The records of one CRM module that could not be staged (<module>.invalid, opened on the first). */
struct rejects {
	const char *module;
	struct staging_writer *w;
	long n;
};

#define REJECT_MODULES 8

struct extract {
	struct pipeline *p;
	struct rejects rejects[REJECT_MODULES];
	json_t *available; /* module -> its field names, from the CRM */
	struct crm *crm;
	struct finclient *fin;
	struct manifest *manifest;
	char *dir;
	json_t *done_modules; /* modules already written (an entity may share one) */
	const char *since;    /* the entity's If-Modified-Since, or NULL: read all */
	char since_buf[40];
	json_t *extra_ids;        /* module -> {id: true}: to read by id as well */
	struct scratch_set *seen; /* ids written to the module being extracted (on disk: bounded memory) */
	const char *only_id;      /* resync: the one record of the primary module */
	const char *primary;      /* the entity's first module */
};

#define IDS_PER_CALL 100

static char *lower(const char *s)
{
	char *l = xstrdup(s), *c;

	for (c = l; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	return l;
}

/*
 * The mapped fields the module really has, plus Modified_Time: a default
 * mapping names fields an edition or a module may lack, and Zoho refuses an
 * unknown name in `fields`.  (field_map names were checked to exist before
 * the run's first write: src/stage/ready.c.)
 */
static json_t *wanted_fields(struct extract *x, const struct entity_sync *e, const char *module)
{
	json_t *mapped = mapping_crm_fields(x->p->job, e, module);
	json_t *available = json_object_get(x->available, module);
	json_t *fields = json_array(), *v;
	size_t i;

	json_array_foreach(mapped, i, v)
		if (!json_array_size(available) || jstr_in(available, json_string_value(v)))
			json_array_append(fields, v);
	if (!json_array_size(available) || jstr_in(available, "Modified_Time"))
		json_array_append_new(fields, json_string("Modified_Time"));
	json_decref(mapped);
	return fields;
}

/*
 * The module's fields, for wanted_fields (a CSV file that is absent has
 * none): those the pre-write check read this run, else asked now.
 */
static int read_fields(struct extract *x, const char *module)
{
	json_t *available = json_incref(json_object_get(x->p->crm_fields, module));
	int rc;

	if (!available && (rc = crm_fields(x->crm, module, &available)))
		return rc;
	json_object_set_new(x->available, module, available);
	return 0;
}

static int read_all_fields(struct extract *x)
{
	struct job *job = x->p->job;
	int i, rc;

	for (i = 0; i < ENTITY_COUNT; i++) {
		const struct entity_sync *e = &job->entities[i];
		const char *const *m;
		if (!pipeline_wants(x->p, e))
			continue;
		for (m = entity_crm_modules(e); *m; m++)
			if ((rc = read_fields(x, *m)))
				return rc;
	}
	return 0;
}

/* A contact changed since the watermark: its account must be sent again with it. */
static void note_changed_contact(struct extract *x, json_t *rec)
{
	const char *account = jstr(json_object_get(rec, "Account_Name"), "id");
	const char *modified = jstr(rec, "Modified_Time");
	time_t m, since;

	if (!account || !x->since || !modified || time_parse_iso(modified, &m) || time_parse_iso(x->since, &since) ||
	    m < since)
		return;
	if (!json_object_get(x->extra_ids, "Accounts"))
		json_object_set_new(x->extra_ids, "Accounts", json_object());
	json_object_set_new(json_object_get(x->extra_ids, "Accounts"), account, json_true());
}

static struct rejects *rejects_of(struct extract *x, const char *module)
{
	int i;

	for (i = 0; i < REJECT_MODULES - 1 && x->rejects[i].module; i++)
		if (!strcmp(x->rejects[i].module, module))
			return &x->rejects[i];
	/* The modules are a fixed few (entity_crm_modules): the last slot is never needed. */
	x->rejects[i].module = module;
	return &x->rejects[i];
}

/* Records that the module's record (crm_id, or NULL when unknown) cannot be staged, and why. */
static int reject(struct extract *x, const char *module, const char *crm_id, const char *reason)
{
	struct rejects *rj = rejects_of(x, module);
	json_t *line;
	int rc = 0;

	log_warn("%s: %s; recorded as invalid", module, reason);
	if (!rj->w) {
		char *lname = lower(module), *name = xasprintf("%s.invalid", lname);
		rc = staging_writer_open(&rj->w, x->dir, name);
		xfree(name);
		xfree(lname);
		if (rc)
			return rc;
	}
	line = json_pack("{s:s?, s:s}", "crm_id", crm_id, "reason", reason);
	rc = staging_write(rj->w, line);
	json_decref(line);
	rj->n++;
	return rc;
}

/* A record read but not staged (too large, not an object): its invalid line names where it came from. */
static int reject_record(struct extract *x, struct source *src, const char *module, const char *id)
{
	char *where = source_where(src);
	char *reason = xasprintf("%s%s%s%s: %s", where ? where : "", where ? ", " : "", id ? "record " : "record",
				 id ? id : " without an id", err_msg());
	int rc = reject(x, module, id, reason);

	xfree(reason);
	xfree(where);
	return rc;
}

/* The same id on a second row of one export: the later row is not read, and says so. */
static int reject_repeated_id(struct extract *x, struct source *src, const char *module, const char *id)
{
	char *where = source_where(src);
	char *reason = xasprintf("%s: id %s is on an earlier row too; only the first row is read",
				 where ? where : module, id);
	/* No crm_id: the record of the first row is the one the ledger knows by that id. */
	int rc = reject(x, module, NULL, reason);

	xfree(reason);
	xfree(where);
	return rc;
}

/* Writes one record unless its id is written already (0), or records why it cannot be. */
static int copy_one(struct extract *x, struct scratch_set *seen, struct source *src, struct staging_writer *w,
		    const char *module, json_t *rec)
{
	const char *id = jstr(rec, "id");
	int rc;

	/* resync: a CSV export has no "read by id"; pass over the others. */
	if (x->only_id && !strcmp(module, x->primary) && (!id || strcmp(id, x->only_id)))
		return 0;
	if (id && (rc = scratch_set_add(seen, id)) <= 0) {
		/* From the API, a record read again by id is written already; an export has no such reason. */
		if (rc == 0 && !crm_incremental(x->crm))
			return reject_repeated_id(x, src, module, id);
		return rc;
	}
	if (!strcmp(module, "Contacts"))
		note_changed_contact(x, rec);
	if ((rc = staging_write(w, rec)) == FS_EINPUT)
		return reject_record(x, src, module, id);
	return rc;
}

static int copy_records(struct extract *x, struct scratch_set *seen, struct source *src, struct staging_writer *w,
			const char *module)
{
	json_t *rec;
	int rc;

	while ((rc = source_next(src, &rec)) != 0) {
		if (rc == FS_EINPUT) {
			if ((rc = reject(x, module, NULL, err_msg())))
				return rc;
			continue;
		}
		if (rc < 0)
			return rc;
		rc = copy_one(x, seen, src, w, module, rec);
		json_decref(rec);
		if (rc)
			return rc;
		progress_tick(staging_writer_count(w));
	}
	return 0;
}

/* The modules' .invalid files into the manifest (or away, on a failed stage); their count fails the run. */
static int rejects_finish(struct extract *x, int ok)
{
	int i, rc = 0;

	for (i = 0; i < REJECT_MODULES && x->rejects[i].module; i++) {
		struct rejects *rj = &x->rejects[i];
		if (!rj->w)
			continue;
		if (ok && !rc)
			rc = staging_writer_finish(rj->w, x->manifest);
		else
			staging_writer_abort(rj->w);
		rj->w = NULL;
		x->p->records_failed += rj->n;
	}
	return rc;
}

/* Reads the module's extra ids (not yet written), IDS_PER_CALL at a time. */
static int copy_extra_ids(struct extract *x, struct scratch_set *seen, struct crm_query *q, struct staging_writer *w)
{
	json_t *ids = json_object_get(x->extra_ids, q->module);
	struct buf chunk = BUF_INIT;
	const char *id;
	int n = 0, rc = 0, done;
	void *iter;

	q->modified_since = NULL;
	q->cvid = NULL; /* a view may not hold the record; the id says which */
	for (iter = json_object_iter(ids); !rc; iter = json_object_iter_next(ids, iter)) {
		id = iter ? json_object_iter_key(iter) : NULL;
		if (id && (done = scratch_set_has(seen, id)) < 0) {
			rc = done;
			break;
		}
		/* A lookup's id from an answer goes into the URL: only a Zoho id (digits). */
		if (id && !done && zoho_id_ok(id))
			buf_addf(&chunk, "%s%s", n++ ? "," : "", id);
		if (n && (n == IDS_PER_CALL || !id)) {
			struct source *src = NULL;
			q->ids = buf_str(&chunk);
			if (!(rc = crm_read(x->crm, q, &src)))
				rc = copy_records(x, seen, src, w, q->module);
			source_close(src);
			buf_reset(&chunk);
			n = 0;
		}
		if (!id)
			break;
	}
	q->ids = NULL;
	buf_release(&chunk);
	return rc;
}

/* Reads the module (whole, or changed since the watermark) and its extra ids; *written (may be NULL) counts. */
static int extract_module(struct extract *x, const struct entity_sync *e, const char *module, int whole, long *written)
{
	struct crm_query q = { module, NULL, entity_view(e, module), whole ? NULL : x->since, NULL, x->dir };
	struct staging_writer *w = NULL;
	struct source *src = NULL;
	char *name = lower(module);
	int rc;

	if (json_object_get(x->done_modules, module)) {
		xfree(name);
		return 0;
	}
	scratch_set_clear(x->seen);
	q.fields = wanted_fields(x, e, module);
	progress_start("extract", module, -1);
	if ((rc = staging_writer_open(&w, x->dir, name)) || (rc = crm_read(x->crm, &q, &src)) ||
	    (rc = copy_records(x, x->seen, src, w, module)) || (rc = copy_extra_ids(x, x->seen, &q, w))) {
		staging_writer_abort(w);
		goto out;
	}
	if (written)
		*written = staging_writer_count(w);
	log_info("%s: %ld records%s%s", module, staging_writer_count(w), entity_view(e, module) ? " (custom view)" : "",
		 q.modified_since || (!whole && x->since) ? " changed since the last run" : "");
	rc = staging_writer_finish(w, x->manifest);
	json_object_set_new(x->done_modules, module, json_true());
out:
	progress_end();
	source_close(src);
	json_decref(q.fields);
	xfree(name);
	return rc;
}

/* One finance snapshot being written (snapshot_finance). */
struct snapshot {
	struct extract *x;
	const struct entity_sync *e;
	struct staging_writer *w;
	long rows;
	long read_by_id;
};

/*
 * Whether the CRM id on this row must be read from the record: the row
 * holds no custom fields (Zoho's documented list rows do not) and the ledger
 * links no CRM record to it, so only the record can say whose it is (the
 * dedupe's "CRM id on the finance record" and both-ways' "already in the CRM").
 */
static int crm_id_unknown(struct snapshot *s, json_t *row, const char *id)
{
	char *crm_id = NULL;
	int carried, rc;

	fin_row_cf(row, s->x->p->job->crm_id_field, &carried);
	if (carried || !id)
		return 0;
	rc = ledger_link_by_finance(s->x->p->lg, s->e->name, id, &crm_id);
	xfree(crm_id);
	return rc < 0 ? rc : rc == 0;
}

/*
 * The CRM id of the record behind the row: read by id, or as the ledger
 * kept it from an earlier read of the same version (last_modified_time), so
 * an unchanged record costs one call once, not one a run.
 */
static int record_crm_id(struct snapshot *s, const char *id, const char *modified, char **crm_id)
{
	const char *field = s->x->p->job->crm_id_field;
	json_t *rec = NULL, *v;
	int carried, rc;

	if (modified && (rc = ledger_finance_read_get(s->x->p->lg, s->e->name, id, modified, crm_id)) != 0)
		return rc < 0 ? rc : 1;
	if ((rc = finclient_read(s->x->fin, s->e->kind, id, &rec)) != 1)
		return rc;
	s->read_by_id++;
	if (json_is_string(v = fin_row_cf(rec, field, &carried)) && *json_string_value(v))
		*crm_id = xstrdup(json_string_value(v));
	json_decref(rec);
	rc = modified ? ledger_finance_read_put(s->x->p->lg, s->e->name, id, modified, *crm_id) : 0;
	return rc < 0 ? rc : 1;
}

/* The row, with the CRM-id field from the record where only the record has it. */
static int complete_row(struct snapshot *s, json_t *row)
{
	const char *id = jstr(row, entity_finance_id_key(s->x->p->job, s->e->kind));
	char *crm_id = NULL;
	json_t *hash;
	int rc;

	if ((rc = crm_id_unknown(s, row, id)) <= 0)
		return rc;
	if ((rc = record_crm_id(s, id, jstr(row, "last_modified_time"), &crm_id)) != 1)
		return rc;
	hash = json_object();
	if (crm_id)
		json_object_set_new(hash, s->x->p->job->crm_id_field, json_string(crm_id));
	json_object_set_new(row, "custom_field_hash", hash);
	xfree(crm_id);
	return 0;
}

/*
 * One row of the finance app's list.  One that cannot be staged (not an
 * object, over 64 MiB) stops the run, naming the row: the snapshot is what
 * keeps the transform from creating a record the app has, and a snapshot
 * with a hole in it could make a duplicate.
 */
static int write_row(json_t *row, void *ud)
{
	struct snapshot *s = ud;
	int rc;

	s->rows++;
	if (json_is_object(row) && (rc = complete_row(s, row)))
		return rc;
	rc = staging_write(s->w, row);
	if (rc == FS_EINPUT)
		return fail(FS_EABORT, "%s: row %ld of %s's list: %s; the run stops rather than plan without it",
			    s->e->name, s->rows, s->x->p->job->app->label, err_msg());
	progress_tick(staging_writer_count(s->w));
	return rc;
}

static int snapshot_finance(struct extract *x, const struct entity_sync *e)
{
	struct snapshot s = { x, e, NULL, 0, 0 };
	char *name = xasprintf(FINANCE_SNAPSHOT_PREFIX "%s", e->name);
	int rc;

	if (json_object_get(x->done_modules, name)) {
		xfree(name);
		return 0;
	}
	json_object_set_new(x->done_modules, name, json_true());
	log_set_entity(e->name);
	progress_start("extract", name, -1);
	if ((rc = staging_writer_open(&s.w, x->dir, name)) || (rc = finclient_list(x->fin, e->kind, write_row, &s))) {
		staging_writer_abort(s.w);
		goto out;
	}
	progress_end();
	log_info("%s: %ld existing records in %s (%ld read by id: list rows without custom fields, not linked,"
		 " new or changed)",
		 e->name, staging_writer_count(s.w), x->p->job->app->label, s.read_by_id);
	rc = staging_writer_finish(s.w, x->manifest);
out:
	progress_end();
	xfree(name);
	return rc;
}

/*
 * The entity's If-Modified-Since: its watermark minus the overlap, written
 * with an explicit offset as Zoho expects.  NULL (read everything) on a
 * first run, with --full, or from a source that cannot read by time.
 */
static int entity_since(struct extract *x, const struct entity_sync *e)
{
	char *mark = NULL;
	time_t t;
	int rc;

	x->since = NULL;
	if (x->p->full || !crm_incremental(x->crm))
		return 0;
	/* A new mapping reaches every record: all are read, as with --full. */
	if ((rc = pipeline_mapping_changed(x->p, e, NULL)) != 0) {
		if (rc == 1)
			log_info("%s: the mapping changed since the last load; reading every record", e->name);
		return rc < 0 ? rc : 0;
	}
	if ((rc = ledger_watermark_get(x->p->lg, e->name, &mark)) <= 0)
		return rc;
	if (time_parse_iso(mark, &t)) {
		log_warn("%s: unreadable watermark '%s'; reading everything", e->name, mark);
	} else {
		struct tm tm;
		t -= x->p->job->overlap_seconds;
		gmtime_r(&t, &tm);
		strftime(x->since_buf, sizeof(x->since_buf), "%Y-%m-%dT%H:%M:%S+00:00", &tm);
		x->since = x->since_buf;
		log_info("%s: reading changes since %s (watermark %s less %lds)", e->name, x->since, mark,
			 x->p->job->overlap_seconds);
	}
	xfree(mark);
	return 0;
}

/* Adds ids (consumed) to the module's ids to read by id; logs how many, as what. */
static void add_extra_ids(struct extract *x, const char *module, json_t *ids, const char *what)
{
	json_t *v;
	size_t i;

	if (json_array_size(ids) && !json_object_get(x->extra_ids, module))
		json_object_set_new(x->extra_ids, module, json_object());
	json_array_foreach(ids, i, v)
		json_object_set_new(json_object_get(x->extra_ids, module), json_string_value(v), json_true());
	if (json_array_size(ids))
		log_info("%s: %zu records %s are read again", module, json_array_size(ids), what);
	json_decref(ids);
}

/*
 * Records whose last sync failed, and records an analyst decided to link or
 * create (finsync review --apply) that are not linked yet, are read again by
 * id on incremental runs.
 */
static int add_failed_ids(struct extract *x, const struct entity_sync *e, const char *module)
{
	json_t *ids = NULL;
	int rc;

	if (!x->since)
		return 0;
	if ((rc = ledger_failed_ids(x->p->lg, e->name, module, &ids)))
		return rc;
	add_extra_ids(x, module, ids, "that failed before");
	if ((rc = ledger_decision_ids(x->p->lg, e->name, module, &ids)))
		return rc;
	add_extra_ids(x, module, ids, "decided by review");
	return 0;
}

static int extract_deleted(struct extract *x, const char *module)
{
	struct staging_writer *w = NULL;
	struct source *src = NULL;
	char *name = NULL, *lname = lower(module);
	int rc;

	if ((rc = crm_deleted(x->crm, module, x->since, &src)) || !src)
		goto out;
	name = xasprintf("%s.deleted", lname);
	scratch_set_clear(x->seen);
	if ((rc = staging_writer_open(&w, x->dir, name)) || (rc = copy_records(x, x->seen, src, w, module))) {
		staging_writer_abort(w);
		goto out;
	}
	if (staging_writer_count(w))
		log_info("%s: %ld deleted in the CRM", module, staging_writer_count(w));
	rc = staging_writer_finish(w, x->manifest);
out:
	source_close(src);
	xfree(name);
	xfree(lname);
	return rc;
}

static int extract_ids_only(struct extract *x, const struct entity_sync *e, const char *module)
{
	struct crm_query q = { module, NULL, NULL, NULL, NULL, NULL };
	struct staging_writer *w = NULL;
	struct source *src = NULL;
	char *name = lower(module);
	int rc;

	scratch_set_clear(x->seen);
	q.fields = wanted_fields(x, e, module);
	rc = staging_writer_open(&w, x->dir, name);
	if (!rc && !crm_incremental(x->crm)) {
		/* A CSV export cannot be read by id: read it, keep the one record. */
		if (!(rc = crm_read(x->crm, &q, &src)))
			rc = copy_records(x, x->seen, src, w, module);
	} else if (!rc) {
		rc = copy_extra_ids(x, x->seen, &q, w);
	}
	if (rc)
		staging_writer_abort(w);
	else
		rc = staging_writer_finish(w, x->manifest);
	json_object_set_new(x->done_modules, module, json_true());
	source_close(src);
	json_decref(q.fields);
	xfree(name);
	return rc;
}

/* resync: the one record, by id, with what it needs around it (an account's contacts). */
static int extract_one(struct extract *x, const struct entity_sync *e)
{
	const char *module = entity_crm_modules(e)[0];
	int rc;

	x->since = NULL;
	x->only_id = x->p->only_id;
	x->primary = module;
	json_object_clear(x->extra_ids);
	json_object_set_new(x->extra_ids, module, json_pack("{s:b}", x->p->only_id, 1));
	if (e->crm_module == CRM_ACCOUNTS_AND_CONTACTS && e->kind == ENTITY_CUSTOMERS &&
	    (rc = extract_module(x, e, "Contacts", 1, NULL)))
		return rc;
	/* Only the ids: a module read of everything is what resync avoids. */
	if ((rc = extract_ids_only(x, e, module)))
		return rc;
	if (scratch_set_has(x->seen, x->p->only_id) <= 0)
		return fail(FS_EUSAGE, "no %s record with id '%s' in the CRM", module, x->p->only_id);
	return 0;
}

/* Contacts into w: changed since the watermark (since), or all; the ones in seen are written already. */
static int read_contacts(struct extract *x, const struct entity_sync *e, struct scratch_set *seen,
			 struct staging_writer *w, const char *since)
{
	struct crm_query q = { "Contacts", NULL, entity_view(e, "Contacts"), since, NULL, x->dir };
	struct source *src = NULL;
	int rc;

	q.fields = wanted_fields(x, e, "Contacts");
	if (!(rc = crm_read(x->crm, &q, &src)) && !(rc = copy_records(x, seen, src, w, "Contacts")) && since)
		rc = copy_extra_ids(x, seen, &q, w);
	source_close(src);
	json_decref(q.fields);
	return rc;
}

/*
 * Accounts with their contacts, on an incremental run.  The contacts changed
 * since the watermark come first: they name the accounts to send again.
 * Every contact is read only when an account is sent (its persons all go
 * with it); when none is, the changed contacts are all there is to do, and
 * a night with no change costs a list call a module instead of a read of
 * every contact.
 */
static int extract_accounts_and_contacts(struct extract *x, const struct entity_sync *e)
{
	struct scratch_set *seen = scratch_set_new(x->dir, "seen-contacts.tmp");
	struct staging_writer *w = NULL;
	long accounts = 0;
	int rc;

	progress_start("extract", "Contacts", -1);
	if ((rc = staging_writer_open(&w, x->dir, "contacts")) || (rc = read_contacts(x, e, seen, w, x->since)) ||
	    (rc = extract_module(x, e, "Accounts", 0, &accounts)))
		goto out;
	if (accounts) {
		log_info("Contacts: %ld accounts are sent; reading every contact for their persons", accounts);
		progress_start("extract", "Contacts", -1);
		rc = read_contacts(x, e, seen, w, NULL);
	}
	if (!rc) {
		log_info("Contacts: %ld records%s", staging_writer_count(w),
			 accounts ? "" : " changed since the last run");
		rc = staging_writer_finish(w, x->manifest);
		w = NULL;
		json_object_set_new(x->done_modules, "Contacts", json_true());
	}
out:
	staging_writer_abort(w);
	progress_end();
	scratch_set_free(seen);
	return rc;
}

static int extract_entity(struct extract *x, const struct entity_sync *e)
{
	const char *const *m;
	int rc;

	if (x->p->only_id)
		return extract_one(x, e);
	if ((rc = entity_since(x, e)))
		return rc;
	json_object_clear(x->extra_ids);
	for (m = entity_crm_modules(e); *m; m++)
		if ((rc = add_failed_ids(x, e, *m)))
			return rc;
	if (e->crm_module == CRM_ACCOUNTS_AND_CONTACTS && e->kind == ENTITY_CUSTOMERS &&
	    (rc = x->since ? extract_accounts_and_contacts(x, e) : extract_module(x, e, "Contacts", 1, NULL)))
		return rc;
	for (m = entity_crm_modules(e); *m; m++)
		if ((rc = extract_module(x, e, *m, 0, NULL)) || (rc = extract_deleted(x, *m)))
			return rc;
	return 0;
}

/* CRM records (changed or deleted) staged for the entity's modules. */
static long entity_staged(struct extract *x, const struct entity_sync *e)
{
	const char *const *m;
	long n = 0;

	for (m = entity_crm_modules(e); *m; m++) {
		char *lname = lower(*m), *deleted = xasprintf("%s.deleted", lname);
		n += manifest_records(x->manifest, lname) + manifest_records(x->manifest, deleted);
		xfree(deleted);
		xfree(lname);
	}
	return n;
}

/*
 * The finance app's records are read only when the transform will plan
 * against them: when the CRM gave the entity records to plan, or when they
 * flow both ways (the list is what changed in the app).  A night with no
 * change reads no snapshot; the transform finds none and plans nothing.
 */
static int snapshot_when_needed(struct extract *x, const struct entity_sync *e)
{
	const struct job *job = x->p->job;
	int rc;

	if (e->extent != EXTENT_BOTH_WAYS && !entity_staged(x, e)) {
		log_info("%s: nothing to plan from the CRM; %s's records are not read", e->name, job->app->label);
		return 0;
	}
	if ((rc = snapshot_finance(x, e)))
		return rc;
	/*
	 * Customers and vendors share one name space in the apps that have
	 * vendors: the transform checks names against both snapshots.
	 */
	if (entity_defs[e->kind].same_names != ENTITY_COUNT && job->app->has_vendors)
		rc = snapshot_finance(x, &job->entities[entity_defs[e->kind].same_names]);
	return rc;
}

/*
 * The CRM's clock when it first answered a list: the load makes it the
 * watermark, so the next run asks for changes by the clock that stamps
 * them, whatever this host's clock says (reliability.md D8).
 */
static void note_crm_time(struct extract *x)
{
	char when[ISO_TIME_LEN];

	if (!x->crm->first_list_time)
		return;
	time_iso_utc((time_t)x->crm->first_list_time, when);
	manifest_note(x->manifest, MANIFEST_CRM_TIME, when);
}

int entity_extract(struct stage_run *s, const struct sync_unit *u)
{
	struct extract *x = s->own;
	const struct entity_sync *e = &x->p->job->entities[u->entity->kind];
	int rc;

	if (!pipeline_wants(x->p, e))
		return 0;
	log_set_entity(e->name);
	if ((rc = extract_entity(x, e)) == 0)
		rc = snapshot_when_needed(x, e);
	return rc;
}

static int extract_all(struct extract *x)
{
	struct stage_run s = { .p = x->p, .crm = x->crm, .fin = x->fin, .out_dir = x->dir, .m = x->manifest, .own = x };
	int rc;

	if ((rc = units_run(&s, STAGE_EXTRACT)) || (rc = rejects_finish(x, 1)))
		return rc;
	note_crm_time(x);
	return manifest_write(x->manifest, x->dir);
}

int stage_extract(struct pipeline *p)
{
	struct extract x = { 0 };
	int rc;

	x.p = p;

	log_set_stage("extract");
	x.dir = staging_dir(p->job->state_dir, p->run_id, "extract");
	x.manifest = manifest_new(p->run_id, "extract");
	x.done_modules = json_object();
	x.available = json_object();
	x.extra_ids = json_object();
	x.seen = scratch_set_new(x.dir, "seen.tmp");
	if (!(rc = crm_open(&x.crm, p->job)) && !(rc = pipeline_finclient(p, &x.fin)) && !(rc = read_all_fields(&x)))
		rc = extract_all(&x);
	rejects_finish(&x, 0);
	json_decref(x.done_modules);
	json_decref(x.available);
	json_decref(x.extra_ids);
	scratch_set_free(x.seen);
	manifest_free(x.manifest);
	crm_close(x.crm);
	xfree(x.dir);
	log_set_entity(NULL);
	log_set_stage(NULL);
	return rc;
}
