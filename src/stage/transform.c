/*
 * transform.c - the transform stage: extract/<module>.ndjson.gz (+ the
 * finance snapshots) -> transform/<entity>.ndjson.gz, one planned action per
 * CRM record, and the stage's run_stats.
 *
 * Streams the CRM records one at a time: mapping (src/xform/mapping.c),
 * identity ladder (dedupe.c), content hash (hash.c), one output line.  A bad
 * record is a line with action "invalid" (or, when it is not even JSON, a
 * warning and a failed count); only I/O and ledger errors stop the stage.
 *
 * Output line (keys in this order; docs/design.md "Staged files" and the
 * load stage rely on it):
 *   entity, crm_module, crm_id, name, action, match, reason, finance_id,
 *   candidates (ambiguous only), duplicate, hash, payload
 */
#include <string.h>
#include <strings.h>
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/fsutil.h"
#include "finsync/log.h"
#include "finsync/mapping.h"
#include "finsync/ndjson.h"
#include "finsync/progress.h"
#include "finsync/staging.h"
#include "../xform/xform.h"
#include "deals.h"
#include "to_crm.h"

struct transform_run {
	struct pipeline *p;
	char *extract_dir;
	char *out_dir;
	struct manifest *m;
	json_t *extract_manifest;       /* for the progress line's totals */
	struct fin_index *contacts_ix;  /* customers and vendors: one name space */
	struct fin_index *items_ix;
	struct stats st[ENTITY_COUNT];
	int done[ENTITY_COUNT];
};

int pipeline_wants(const struct pipeline *p, const struct entity_sync *e)
{
	return e->enabled && (!p->only || !strcmp(p->only, e->name));
}

/* ---- one record ---- */

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* Appends ,"key": and s (or null); first: without the comma. */
static int put_str(struct buf *b, const char *key, const char *s, int first)
{
	return buf_adds(b, first ? "{\"" : ",\"") || buf_adds(b, key) || buf_add(b, "\":", 2) ||
	       ndjson_dump_str(b, s);
}

/*
 * The line line_new() builds, written straight into b: the same bytes
 * without a JSON object per record.  -1 when a value is not one jansson
 * would write as it is (a string that is not UTF-8): line_new() decides.
 */
static int line_text(struct buf *b, struct xform *x, const char *module, const char *crm_id,
		     const struct plan *pl, const char *hash, json_t *payload, const struct buf *payload_text)
{
	buf_reset(b);
	if (put_str(b, "entity", x->e->name, 1) || put_str(b, "crm_module", module, 0) ||
	    put_str(b, "crm_id", crm_id, 0) || put_str(b, "name", pl->name, 0) ||
	    put_str(b, "action", pl->action, 0) || put_str(b, "match", pl->match ? pl->match : "", 0) ||
	    put_str(b, "reason", pl->reason, 0) || put_str(b, "finance_id", pl->finance_id, 0))
		return -1;
	if (pl->candidates && (buf_adds(b, ",\"candidates\":") || ndjson_dump(pl->candidates, b, 0)))
		return -1;
	if (buf_adds(b, pl->duplicate ? ",\"duplicate\":true" : ",\"duplicate\":false") ||
	    put_str(b, "hash", *hash ? hash : NULL, 0) || buf_adds(b, ",\"payload\":") ||
	    (payload_text ? buf_add(b, payload_text->data, payload_text->len) :
	     payload ? ndjson_dump(payload, b, 0) : buf_adds(b, "null")))
		return -1;
	return buf_addc(b, '}');
}

static json_t *line_new(struct xform *x, const char *module, const char *crm_id,
			const struct plan *pl, const char *hash, json_t *payload)
{
	json_t *l = json_object();

	json_object_set_new(l, "entity", json_string(x->e->name));
	json_object_set_new(l, "crm_module", json_string(module));
	json_object_set_new(l, "crm_id", str_or_null(crm_id));
	json_object_set_new(l, "name", str_or_null(pl->name));
	json_object_set_new(l, "action", json_string(pl->action));
	json_object_set_new(l, "match", json_string(pl->match ? pl->match : ""));
	json_object_set_new(l, "reason", str_or_null(pl->reason));
	json_object_set_new(l, "finance_id", str_or_null(pl->finance_id));
	if (pl->candidates)
		json_object_set(l, "candidates", pl->candidates);
	json_object_set_new(l, "duplicate", json_boolean(pl->duplicate));
	json_object_set_new(l, "hash", str_or_null(*hash ? hash : NULL));
	json_object_set(l, "payload", payload ? payload : json_null());
	return l;
}

static void count(struct xform *x, const struct plan *pl)
{
	const char *a = pl->action;

	if (!strcmp(a, "create"))
		x->st.added++;
	else if (!strcmp(a, "update"))
		x->st.updated++;
	else if (!strcmp(a, "unchanged"))
		x->st.unchanged++;
	else if (!strcmp(a, "skip") || !strcmp(a, "ambiguous"))
		x->st.skipped++;
	else if (!strcmp(a, "invalid"))
		x->st.failed++;
	if (!strcmp(a, "invalid"))
		x->p->records_failed++;
	if (pl->duplicate)
		x->st.duplicates++;
}

static enum fin_kind fin_kind_of(const struct entity_sync *e)
{
	return e->kind == ENTITY_ITEMS ? FIN_ITEM : e->kind == ENTITY_VENDORS ? FIN_VENDOR : FIN_CUSTOMER;
}

/* Identity ladder; then the payload carries the name the plan settled on. */
static int plan_record(struct xform *x, const char *crm_id, struct mapped *m, struct plan *pl)
{
	struct dedupe_input in = {
		.kind = fin_kind_of(x->e),
		.crm_id = crm_id,
		.name = m->name,
		.sku = json_string_value(json_object_get(m->payload, "sku")),
		.email = x->e->match_email ? mapping_primary_email(m->payload) : NULL,
	};
	int rc;

	if ((rc = dedupe_plan(x->idx, x->ledger_empty ? NULL : x->p->lg, x->e, &in, pl)) < 0)
		return rc;
	if (pl->name && strcmp(pl->name, m->name))
		json_object_set_new(m->payload, mapping_name_key(x->job, x->e), json_string(pl->name));
	return 0;
}

static void plan_invalid(struct plan *pl, struct mapped *m)
{
	memset(pl, 0, sizeof(*pl));
	pl->action = "invalid";
	pl->match = "";
	pl->reason = m->reason;
	m->reason = NULL;
	pl->name = xstrdup(m->name);
}

/* The planned line could not be staged (its payload is too large): the record is invalid instead. */
static int emit_too_large(struct xform *x, const char *module, const char *crm_id, const struct plan *planned)
{
	struct plan pl = { 0 };
	json_t *line;
	int rc;

	pl.action = "invalid";
	pl.match = "";
	pl.name = planned->name;
	pl.reason = xasprintf("record %s: its planned line is %s", crm_id ? crm_id : "without an id", err_msg());
	line = line_new(x, module, crm_id, &pl, "", NULL);
	rc = staging_write(x->w, line);
	if (!rc)
		count(x, &pl);
	json_decref(line);
	xfree(pl.reason);
	return rc;
}

int xform_emit(struct xform *x, const char *module, json_t *rec, json_t *persons)
{
	char idbuf[32], whole[CONTENT_HASH_LEN] = "", hash[RECORD_HASH_LEN] = "";
	const char *crm_id = crm_record_id(rec, idbuf, sizeof(idbuf));
	struct plan pl = { 0 };
	struct mapped m;
	const struct buf *payload_text = NULL;
	json_t *line = NULL;
	int rc = 0;

	if (mapping_payload_cached(x->maps, module, rec, persons, &m) == FS_EINPUT)
		plan_invalid(&pl, &m);
	else if ((rc = plan_record(x, crm_id, &m, &pl)) < 0)
		goto out;
	if (m.payload) {
		/* One dump for both: the line takes the text, the hash its sorted replay. */
		buf_reset(&x->payload_text);
		if (!ndjson_dump_spans(m.payload, &x->payload_text, &x->spans)) {
			content_hash_spans(x->payload_text.data, &x->spans, whole);
			payload_text = &x->payload_text;
		} else {
			content_hash(m.payload, whole);
		}
		record_hash(m.payload, whole, hash);
		plan_settle(&pl, hash);
	}
	if (!line_text(&x->text, x, module, crm_id, &pl, hash, m.payload, payload_text)) {
		rc = staging_write_line(x->w, x->text.data, x->text.len);
	} else {
		line = line_new(x, module, crm_id, &pl, hash, m.payload);
		rc = staging_write(x->w, line);
	}
	if (rc == FS_EINPUT)
		rc = emit_too_large(x, module, crm_id, &pl);
	else if (!rc)
		count(x, &pl);
	progress_tick(staging_writer_count(x->w));
out:
	json_decref(line);
	plan_release(&pl);
	mapped_release(&m);
	return rc;
}

/* ---- streams ---- */

static void bad_line(struct xform *x, const char *what)
{
	log_warn("%s: %s; counted as a failed record", x->e->name, what);
	x->st.failed++;
	x->p->records_failed++;
}

/*
 * A CRM module's records are built with only the fields the entity's
 * mapping reads, and the id: a CSV export gives every column, and building
 * the others was a third of the parse (BENCH.md).
 */
static void keep_fields(struct xform *x, struct staging_reader *r, const char *file)
{
	static const char *const modules[] = { "Accounts", "Contacts", "Vendors", "Products", NULL };
	const char *const *m;
	json_t *names;

	for (m = modules; *m && strcasecmp(*m, file); m++)
		;
	if (!*m)
		return;
	names = mapping_crm_fields(x->job, x->e, *m);
	json_array_append_new(names, json_string("id"));
	staging_reader_keep(r, names);
	json_decref(names);
}

int xform_stream(struct xform *x, const char *file, xform_record_fn fn, void *ud, int count_bad)
{
	struct staging_reader *r = NULL;
	json_t *rec = NULL;
	int rc;

	if ((rc = staging_reader_open(&r, x->extract_dir, file, 1)))
		return rc;
	keep_fields(x, r, file);
	while ((rc = staging_read(r, &rec)) != 0) {
		if (rc == FS_EINPUT || (rc == 1 && !json_is_object(rec))) {
			if (rc == 1)
				fail(FS_EINPUT, "%s.ndjson.gz line %ld: not a JSON object", file,
				     staging_reader_line(r));
			if (count_bad)
				bad_line(x, err_msg());
			rc = 0;
		} else if (rc < 0) {
			break;
		} else {
			rc = fn(x, rec, ud);
		}
		json_decref(rec);
		rec = NULL;
		if (rc < 0)
			break;
	}
	staging_reader_close(r);
	return rc < 0 ? rc : 0;
}

static int emit_vendor(struct xform *x, json_t *rec, void *ud)
{
	(void)ud;
	return xform_emit(x, "Vendors", rec, NULL);
}

static int emit_product(struct xform *x, json_t *rec, void *ud)
{
	(void)ud;
	return xform_emit(x, "Products", rec, NULL);
}

/* ---- entities ---- */

/* A finance index in a scratch file beside the stage's output (removed when freed). */
static struct fin_index *index_open(struct transform_run *t, const char *name)
{
	char *path = xasprintf("%s/index-%s.tmp", t->out_dir, name);
	struct fin_index *ix = fin_index_open(t->p->job, path);

	xfree(path);
	return ix;
}

/* The index an entity plans against, loaded from the snapshots on first use. */
static int entity_index(struct transform_run *t, const struct entity_sync *e, struct fin_index **out)
{
	const struct job *job = t->p->job;
	int rc = 0;

	if ((rc = mkdir_p(t->out_dir)))
		return rc;
	if (e->kind == ENTITY_ITEMS) {
		if (!t->items_ix) {
			t->items_ix = index_open(t, "items");
			if (!(rc = fin_index_failed(t->items_ix)))
				rc = fin_index_load(t->items_ix, t->extract_dir, FIN_ITEM);
		}
		*out = t->items_ix;
		return rc;
	}
	if (!t->contacts_ix) {
		t->contacts_ix = index_open(t, "contacts");
		if (!(rc = fin_index_failed(t->contacts_ix)) &&
		    !(rc = fin_index_load(t->contacts_ix, t->extract_dir, FIN_CUSTOMER)) && job->app->has_vendors)
			rc = fin_index_load(t->contacts_ix, t->extract_dir, FIN_VENDOR);
	}
	*out = t->contacts_ix;
	return rc;
}

/*
 * A deleted CRM contact that finsync added as a contact person: its person
 * leaves the customer (the load's "person_removed").  Its account is not
 * read again for it, so the deletion itself says so.
 */
static int emit_person_deleted(struct xform *x, const char *module, const char *id, const char *when)
{
	struct person_link pk;
	struct plan pl = { 0 };
	json_t *line;
	int rc;

	if ((rc = ledger_person_link_get(x->p->lg, id, &pk)) == 1) {
		pl.action = "person_removed";
		pl.match = "ledger";
		pl.finance_id = pk.finance_customer_id;
		pl.reason = xasprintf("deleted in the CRM%s%s; its contact person leaves customer %s",
				      when ? " at " : "", when ? when : "", pk.finance_customer_id);
		line = line_new(x, module, id, &pl, "", NULL);
		rc = staging_write(x->w, line);
		json_decref(line);
		xfree(pl.reason);
	}
	person_link_release(&pk);
	return rc;
}

/*
 * A CRM record deleted since the last run that is linked: its finance
 * record stays; the link is marked source_deleted by the load.
 */
static int emit_deleted(struct xform *x, json_t *rec, void *ud)
{
	const char *module = ud;
	const char *id = json_string_value(json_object_get(rec, "id"));
	const char *when = json_string_value(json_object_get(rec, "deleted_time"));
	const char *by = json_string_value(json_object_get(json_object_get(rec, "deleted_by"), "name"));
	struct plan pl = { 0 };
	struct link l;
	json_t *line;
	int rc;

	if (!id)
		return 0;
	if ((rc = ledger_link_get(x->p->lg, x->e->name, id, &l)) == 0)
		return emit_person_deleted(x, module, id, when);
	if (rc < 0)
		return rc;
	if (!strcmp(l.state, "linked")) {
		pl.action = "source_deleted";
		pl.match = "ledger";
		pl.name = (char *)json_string_value(json_object_get(rec, "display_name"));
		pl.finance_id = l.finance_id;
		pl.reason = xasprintf("deleted in the CRM%s%s%s%s; the finance record is kept",
				      when ? " at " : "", when ? when : "", by ? " by " : "", by ? by : "");
		line = line_new(x, module, id, &pl, "", NULL);
		rc = staging_write(x->w, line);
		json_decref(line);
		xfree(pl.reason);
		x->st.deleted++;
	}
	link_release(&l);
	return rc;
}

/* Each of the entity's CRM modules' extract/<module>.<suffix> through fn. */
static int stream_module_files(struct xform *x, const char *suffix, xform_record_fn fn)
{
	const char *const *m;
	int rc = 0;

	for (m = entity_crm_modules(x->e); *m && !rc; m++) {
		char *file = xasprintf("%s.%s", *m, suffix);
		char *c;
		for (c = file; *c; c++)
			*c = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
		rc = xform_stream(x, file, fn, (void *)*m, 1);
		xfree(file);
	}
	return rc;
}

static int entity_deletions(struct xform *x)
{
	return stream_module_files(x, "deleted", emit_deleted);
}

/*
 * A record the extract could not stage (extract/<module>.invalid: a bad
 * CSV row, a record too large): an invalid line, so the load records its
 * event and `review` lists it, with the reason naming the file and line.
 */
static int emit_rejected(struct xform *x, json_t *rec, void *ud)
{
	struct plan pl = { 0 };
	json_t *line;
	int rc;

	pl.action = "invalid";
	pl.match = "";
	pl.reason = (char *)json_string_value(json_object_get(rec, "reason"));
	line = line_new(x, ud, json_string_value(json_object_get(rec, "crm_id")), &pl, "", NULL);
	rc = staging_write(x->w, line);
	json_decref(line);
	if (!rc)
		count(x, &pl);
	return rc;
}

static int entity_rejects(struct xform *x)
{
	return stream_module_files(x, "invalid", emit_rejected);
}

static int entity_records(struct xform *x)
{
	switch (x->e->kind) {
	case ENTITY_CUSTOMERS:
		return xform_customers(x);
	case ENTITY_VENDORS:
		return xform_stream(x, "vendors", emit_vendor, NULL, 1);
	default:
		return xform_stream(x, "products", emit_product, NULL, 1);
	}
}

/* The lines an entity's records make, when one module makes them one each; else -1. */
static long entity_total(struct transform_run *t, const struct entity_sync *e)
{
	const char *const *m = entity_crm_modules(e);

	return m[0] && !m[1] ? progress_total(t->extract_manifest, m[0]) : -1;
}

/*
 * Planning an entity only reads the ledger: one read snapshot around it
 * instead of one per lookup, each of which took and dropped SQLite's locks
 * (fcntl calls) for every record.  It also gives the plan one view.  When
 * the ledger holds nothing of the entity (a first run, a bulk import), the
 * identity ladder needs no lookup per record.
 */
static int plan_entity(struct xform *x, struct ledger *lg)
{
	int rc, erc;

	if ((rc = ledger_read_begin(lg))) {
		progress_end();
		return rc;
	}
	if ((rc = ledger_entity_known(lg, x->e->name)) >= 0) {
		x->ledger_empty = rc == 0;
		rc = entity_records(x);
	}
	progress_end();
	if (!rc)
		rc = entity_rejects(x);
	if (!rc)
		rc = entity_deletions(x);
	erc = ledger_read_end(lg);
	return rc ? rc : erc;
}

static int transform_entity(struct transform_run *t, const struct entity_sync *e)
{
	struct xform x = { .p = t->p, .job = t->p->job, .e = e, .extract_dir = t->extract_dir };
	int rc;

	log_set_entity(e->name);
	if ((rc = entity_index(t, e, &x.idx)) || (rc = staging_writer_open(&x.w, t->out_dir, e->name)))
		return rc;
	x.maps = mapping_cache_new(x.job, e);
	buf_init(&x.text, (size_t)64 << 20);
	buf_init(&x.payload_text, (size_t)64 << 20);
	progress_start("transform", e->name, entity_total(t, e));
	rc = plan_entity(&x, t->p->lg);
	mapping_cache_free(x.maps);
	buf_release(&x.text);
	buf_release(&x.payload_text);
	ndjson_spans_release(&x.spans);
	if (rc) {
		staging_writer_abort(x.w);
		return rc;
	}
	if ((rc = staging_writer_finish(x.w, t->m)))
		return rc;
	t->st[e->kind] = x.st;
	t->done[e->kind] = 1;
	log_fields(LOG_INFO, stats_json(&x.st),
		   "%s: %ld create, %ld update, %ld unchanged, %ld skipped, %ld duplicates, %ld failed",
		   e->name, x.st.added, x.st.updated, x.st.unchanged, x.st.skipped, x.st.duplicates,
		   x.st.failed);
	if (x.st.deleted)
		log_info("%s: %ld deleted in the CRM (finance records kept)", e->name, x.st.deleted);
	return 0;
}

/* One transaction for all entities: the stage's stats land together or not at all. */
static int write_stats(struct transform_run *t)
{
	struct ledger *lg = t->p->lg;
	int i, rc;

	if ((rc = ledger_begin(lg)))
		return rc;
	for (i = 0; i < ENTITY_COUNT; i++) {
		if (!t->done[i])
			continue;
		if ((rc = ledger_stats_add(lg, t->p->run_id, entity_kind_name((enum entity_kind)i),
					   "transform", &t->st[i]))) {
			ledger_rollback(lg);
			return rc;
		}
	}
	return ledger_commit(lg);
}

int stage_transform(struct pipeline *p)
{
	struct transform_run t = { .p = p };
	int i, rc = 0;

	log_set_stage("transform");
	t.extract_dir = xasprintf("%s/extract", p->run_dir);
	t.out_dir = xasprintf("%s/transform", p->run_dir);
	t.m = manifest_new(p->run_id, "transform");
	manifest_load(t.extract_dir, &t.extract_manifest);      /* none: totals unknown */
	for (i = 0; i < ENTITY_COUNT && !rc; i++) {
		const struct entity_sync *e = &p->job->entities[i];
		if (!pipeline_wants(p, e))
			continue;
		rc = transform_entity(&t, e);
		/* Both ways: the finance records going to the CRM, after the CRM's plan. */
		if (!rc && e->extent == EXTENT_BOTH_WAYS && !p->only_id)
			rc = to_crm_transform(p, e, t.m);
	}
	if (!rc)
		rc = deals_transform(p, t.extract_dir, t.out_dir, t.m);
	/* The manifest comes last: it marks the stage complete. */
	if (!rc && !(rc = write_stats(&t)))
		rc = manifest_write(t.m, t.out_dir);
	log_set_entity(NULL);
	json_decref(t.extract_manifest);
	fin_index_free(t.contacts_ix);
	fin_index_free(t.items_ix);
	manifest_free(t.m);
	xfree(t.extract_dir);
	xfree(t.out_dir);
	return rc;
}
