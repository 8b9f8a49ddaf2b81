/*
 * transform.c - the transform stage: extract/<module>.ndjson.gz (+ the
 * finance snapshots) -> transform/<entity>.ndjson.gz, one planned action per
 * CRM record, and the stage's run_stats.
 *
 * Streams the CRM records one at a time through the per-record pump
 * (src/xform/pump.c: mapping, identity ladder, content hash, one output
 * line).  A bad record is a line with action "invalid" (or, when it is not
 * even JSON, a warning and a failed count); only I/O and ledger errors stop
 * the stage.
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
#include "units.h"
#include "to_crm.h"

struct transform_run {
	struct pipeline *p;
	char *extract_dir;
	char *out_dir;
	struct manifest *m;
	json_t *extract_manifest;      /* for the progress line's totals */
	struct fin_index *contacts_ix; /* customers and vendors: one name space */
	struct fin_index *items_ix;
	struct stats st[ENTITY_COUNT];
	int done[ENTITY_COUNT];
};

int pipeline_wants(const struct pipeline *p, const struct entity_sync *e)
{
	return e->enabled && (!p->only || !strcmp(p->only, e->name));
}

int pipeline_wants_unit(const struct pipeline *p, int enabled)
{
	return enabled && !p->only && !p->only_id;
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
				rc = fin_index_load(t->items_ix, t->extract_dir, ENTITY_ITEMS);
		}
		*out = t->items_ix;
		return rc;
	}
	if (!t->contacts_ix) {
		t->contacts_ix = index_open(t, "contacts");
		if (!(rc = fin_index_failed(t->contacts_ix)) &&
		    !(rc = fin_index_load(t->contacts_ix, t->extract_dir, ENTITY_CUSTOMERS)) && job->app->has_vendors)
			rc = fin_index_load(t->contacts_ix, t->extract_dir, ENTITY_VENDORS);
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

	if ((rc = ledger_person_link_get(x->lg, id, &pk)) == 1) {
		pl.action = "person_removed";
		pl.match = "ledger";
		pl.finance_id = pk.finance_customer_id;
		pl.reason = xasprintf("deleted in the CRM%s%s; its contact person leaves customer %s",
				      when ? " at " : "", when ? when : "", pk.finance_customer_id);
		line = xform_line_new(x, module, id, &pl, "", NULL);
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
	if ((rc = ledger_link_get(x->lg, x->e->name, id, &l)) == 0)
		return emit_person_deleted(x, module, id, when);
	if (rc < 0)
		return rc;
	if (!strcmp(l.state, "linked")) {
		pl.action = "source_deleted";
		pl.match = "ledger";
		pl.name = (char *)json_string_value(json_object_get(rec, "display_name"));
		pl.finance_id = l.finance_id;
		pl.reason = xasprintf("deleted in the CRM%s%s%s%s; the finance record is kept", when ? " at " : "",
				      when ? when : "", by ? " by " : "", by ? by : "");
		line = xform_line_new(x, module, id, &pl, "", NULL);
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
	line = xform_line_new(x, ud, json_string_value(json_object_get(rec, "crm_id")), &pl, "", NULL);
	rc = staging_write(x->w, line);
	json_decref(line);
	if (!rc)
		xform_count(x, &pl);
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
	struct xform x = {
		.lg = t->p->lg, .run_dir = t->p->run_dir, .job = t->p->job, .e = e, .extract_dir = t->extract_dir
	};
	int rc;

	log_set_entity(e->name);
	if ((rc = entity_index(t, e, &x.idx)) || (rc = staging_writer_open(&x.w, t->out_dir, e->name)))
		return rc;
	x.maps = mapping_cache_new(x.job, e);
	buf_init(&x.text, (size_t)64 << 20);
	buf_init(&x.payload_text, (size_t)64 << 20);
	progress_start("transform", e->name, entity_total(t, e));
	rc = plan_entity(&x, t->p->lg);
	t->p->records_failed += x.records_failed;
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
		   "%s: %ld create, %ld update, %ld unchanged, %ld skipped, %ld duplicates, %ld failed", e->name,
		   x.st.added, x.st.updated, x.st.unchanged, x.st.skipped, x.st.duplicates, x.st.failed);
	if (x.st.deleted)
		log_info("%s: %ld deleted in the CRM (finance records kept)", e->name, x.st.deleted);
	return 0;
}

int entity_transform(struct stage_run *s, const struct sync_unit *u)
{
	const struct entity_sync *e = &s->p->job->entities[u->entity->kind];
	int rc;

	if (!pipeline_wants(s->p, e))
		return 0;
	rc = transform_entity(s->own, e);
	/* Both ways: the finance records going to the CRM, after the CRM's plan. */
	if (!rc && e->extent == EXTENT_BOTH_WAYS && !s->p->only_id)
		rc = to_crm_transform(s->p, e, s->m);
	return rc;
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
		if ((rc = ledger_stats_add(lg, t->p->run_id, entity_kind_name((enum entity_kind)i), "transform",
					   &t->st[i]))) {
			ledger_rollback(lg);
			return rc;
		}
	}
	return ledger_commit(lg);
}

int stage_transform(struct pipeline *p)
{
	struct transform_run t = { .p = p };
	struct stage_run s = { .p = p, .own = &t };
	int rc;

	log_set_stage("transform");
	t.extract_dir = xasprintf("%s/extract", p->run_dir);
	t.out_dir = xasprintf("%s/transform", p->run_dir);
	t.m = manifest_new(p->run_id, "transform");
	manifest_load(t.extract_dir, &t.extract_manifest); /* none: totals unknown */
	s.in_dir = t.extract_dir;
	s.out_dir = t.out_dir;
	s.m = t.m;
	rc = units_run(&s, STAGE_TRANSFORM);
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
