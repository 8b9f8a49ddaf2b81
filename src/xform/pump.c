/*
 * pump.c - the transform's per-record pump: streams one extract file's CRM
 * records and turns each into one planned line of transform/<entity>.ndjson.gz
 * (mapping -> identity ladder -> content hash -> line).  The transform stage
 * (src/stage/transform.c) drives it per entity; customer_type.c calls it per
 * record.  It lives here, under the stage, so that xform never calls up.
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
#include "finsync/log.h"
#include "finsync/mapping.h"
#include "finsync/ndjson.h"
#include "finsync/progress.h"
#include "finsync/staging.h"
#include "xform.h"

/* ---- one record ---- */

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* Appends ,"key": and s (or null); first: without the comma. */
static int put_str(struct buf *b, const char *key, const char *s, int first)
{
	return buf_adds(b, first ? "{\"" : ",\"") || buf_adds(b, key) || buf_add(b, "\":", 2) || ndjson_dump_str(b, s);
}

/*
 * The line xform_line_new() builds, written straight into b: the same bytes
 * without a JSON object per record.  -1 when a value is not one jansson
 * would write as it is (a string that is not UTF-8): xform_line_new() decides.
 */
static int line_text(struct buf *b, struct xform *x, const char *module, const char *crm_id, const struct plan *pl,
		     const char *hash, json_t *payload, const struct buf *payload_text)
{
	buf_reset(b);
	if (put_str(b, "entity", x->e->name, 1) || put_str(b, "crm_module", module, 0) ||
	    put_str(b, "crm_id", crm_id, 0) || put_str(b, "name", pl->name, 0) || put_str(b, "action", pl->action, 0) ||
	    put_str(b, "match", pl->match ? pl->match : "", 0) || put_str(b, "reason", pl->reason, 0) ||
	    put_str(b, "finance_id", pl->finance_id, 0))
		return -1;
	if (pl->candidates && (buf_adds(b, ",\"candidates\":") || ndjson_dump(pl->candidates, b, 0)))
		return -1;
	if (buf_adds(b, pl->duplicate ? ",\"duplicate\":true" : ",\"duplicate\":false") ||
	    put_str(b, "hash", *hash ? hash : NULL, 0) || buf_adds(b, ",\"payload\":") ||
	    (payload_text ? buf_add(b, payload_text->data, payload_text->len)
	     : payload    ? ndjson_dump(payload, b, 0)
			  : buf_adds(b, "null")))
		return -1;
	return buf_addc(b, '}');
}

json_t *xform_line_new(struct xform *x, const char *module, const char *crm_id, const struct plan *pl, const char *hash,
		       json_t *payload)
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

void xform_count(struct xform *x, const struct plan *pl)
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
		x->records_failed++;
	if (pl->duplicate)
		x->st.duplicates++;
}

/* Identity ladder; then the payload carries the name the plan settled on. */
static int plan_record(struct xform *x, const char *crm_id, struct mapped *m, struct plan *pl)
{
	struct dedupe_input in = {
		.kind = x->e->kind,
		.crm_id = crm_id,
		.name = m->name,
		.sku = json_string_value(json_object_get(m->payload, "sku")),
		.email = x->e->match_email ? mapping_primary_email(m->payload) : NULL,
	};
	int rc;

	if ((rc = dedupe_plan(x->idx, x->ledger_empty ? NULL : x->lg, x->e, &in, pl)) < 0)
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
	line = xform_line_new(x, module, crm_id, &pl, "", NULL);
	rc = staging_write(x->w, line);
	if (!rc)
		xform_count(x, &pl);
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
		line = xform_line_new(x, module, crm_id, &pl, hash, m.payload);
		rc = staging_write(x->w, line);
	}
	if (rc == FS_EINPUT)
		rc = emit_too_large(x, module, crm_id, &pl);
	else if (!rc)
		xform_count(x, &pl);
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
	x->records_failed++;
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
