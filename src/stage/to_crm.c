/*
 * to_crm.c - both-ways sync, finance -> CRM (see to_crm.h).
 *
 * Changes are seen on the snapshot's list rows; what is sent is built from
 * the record read by id, because Zoho's documented list rows lack fields it
 * needs (customer_sub_type picks CRM Contacts or Accounts, custom fields).
 * A new finance record meets the CRM's duplicate check as the entity's
 * on_duplicate says: skip, clone (a second record named "X (2)"), or
 * overwrite (the CRM's upsert).
 */
#include <stdio.h>
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/crm.h"
#include "finsync/err.h"
#include "finsync/finclient.h"
#include "finsync/ledger.h"
#include "finsync/log.h"
#include "finsync/ndjson.h"
#include "finsync/reverse.h"
#include "finsync/staging.h"
#include "../xform/xform.h"
#include "to_crm.h"

#define ROWS 100

static char *file_name(const struct entity_sync *e)
{
	return xasprintf("%s.to_crm", e->name);
}

/* Reads a staged file into fn, line by line (a malformed line is warned about and passed over). */
static int each_line(const char *dir, const char *name, int (*fn)(json_t *line, void *ud), void *ud)
{
	struct staging_reader *r = NULL;
	json_t *line;
	int rc;

	if ((rc = staging_reader_open(&r, dir, name, 1)))
		return rc;
	while ((rc = staging_read(r, &line)) != 0) {
		if (rc == FS_EINPUT) {
			log_warn("%s", err_msg());
			continue;
		}
		if (rc < 0)
			break;
		rc = fn(line, ud);
		json_decref(line);
		if (rc)
			break;
	}
	staging_reader_close(r);
	return rc;
}

/* ---- transform ---- */

struct plan_ctx {
	struct pipeline *p;
	const struct entity_sync *e;
	struct staging_writer *w;
	json_t *matched; /* finance ids the CRM-to-finance plan already took */
	long lines;
};

static int note_matched(json_t *line, void *ud)
{
	const char *fid = jstr(line, "finance_id");

	if (fid)
		json_object_set_new(ud, fid, json_true());
	return 0;
}

/* The CRM field that names a record of the module. */
static const char *name_field(const char *module)
{
	return module[0] == 'P'   ? "Product_Name"
	       : module[0] == 'C' ? "Last_Name"
	       : module[0] == 'V' ? "Vendor_Name"
				  : "Account_Name";
}

/* The keys Zoho requires on an update of the finance record (stamp_crm_id), from the record. */
static json_t *required_on_update(const struct job *job, const struct entity_sync *e, json_t *rec)
{
	if (!entity_defs[e->kind].is_contact)
		return json_pack("{s:O?, s:O?}", "name", json_object_get(rec, "name"), "rate",
				 json_object_get(rec, "rate"));
	return json_pack("{s:O?}", job->app->customer_name_key, json_object_get(rec, job->app->customer_name_key));
}

/*
 * The record to send, read by id: 1 with *rec, 0 gone since the list was
 * read (nothing to send), <0 error.
 */
static int full_record(struct plan_ctx *c, const char *fid, json_t **rec)
{
	struct finclient *fin;
	int rc;

	if ((rc = pipeline_finclient(c->p, &fin)))
		return rc;
	if ((rc = finclient_read(fin, c->e->kind, fid, rec)) == 0)
		log_warn("%s %s: deleted in %s since the list was read; not sent to the CRM", c->e->name, fid,
			 c->p->job->app->label);
	return rc;
}

/* "create", "update", "baseline" or NULL (nothing to send). */
static const char *plan_action(struct plan_ctx *c, const char *crm_id, const char *fid, const char *hash,
			       const char **reason)
{
	struct link l;
	int rc;

	*reason = NULL;
	if (!crm_id) {
		if (json_object_get(c->matched, fid))
			return NULL;
		/* An earlier run matched it to a CRM record (and skipped it): not new. */
		if ((rc = ledger_finance_matched(c->p->lg, c->e->name, fid)) != 0)
			return NULL;
		return "create";
	}
	rc = ledger_link_get(c->p->lg, c->e->name, crm_id, &l);
	const char *action = NULL;
	if (rc != 1 || !l.finance_hash) {
		action = "baseline";
		*reason = "linked; its finance-side state is recorded for the next run";
	} else if (strcmp(l.finance_hash, hash)) {
		action = "update";
		*reason = "changed in the finance app since the last run";
	}
	if (rc == 1 && strcmp(l.state, "linked"))
		action = NULL; /* the CRM record was deleted: nothing to send it */
	link_release(&l);
	return action;
}

static int plan_row(json_t *row, void *ud)
{
	struct plan_ctx *c = ud;
	const struct job *job = c->p->job;
	char idbuf[32], hash[REVERSE_HASH_LEN], *owned = NULL;
	const char *fid = reverse_finance_id(job, c->e, row, idbuf, sizeof(idbuf));
	const char *crm_id = reverse_crm_id(job, row), *module, *action, *reason;
	json_t *record, *line, *rec = NULL;
	int rc;

	if (!fid)
		return 0;
	if (!crm_id && (rc = ledger_link_by_finance(c->p->lg, c->e->name, fid, &owned)) < 0)
		return rc;
	if (owned)
		crm_id = owned;
	/* The hash is the list row's, so an unchanged row stays unchanged run after run. */
	reverse_hash(job, c->e, row, hash);
	if (!(action = plan_action(c, crm_id, fid, hash, &reason))) {
		xfree(owned);
		return 0;
	}
	if (strcmp(action, "baseline") && (rc = full_record(c, fid, &rec)) != 1) {
		xfree(owned);
		return rc;
	}
	reverse_record(job, c->e, rec ? rec : row, &module, &record);
	line = json_pack("{s:s, s:s, s:s, s:s?, s:s, s:s?, s:s, s:s?, s:s, s:o, s:o?}", "direction", "to_crm", "entity",
			 c->e->name, "crm_module", module, "crm_id", crm_id, "finance_id", fid, "name",
			 jstr(record, name_field(module)), "action", action, "reason", reason, "finance_hash", hash,
			 "record", record, "required", rec ? required_on_update(job, c->e, rec) : NULL);
	rc = staging_write(c->w, line);
	json_decref(line);
	json_decref(rec);
	xfree(owned);
	c->lines++;
	return rc;
}

int to_crm_transform(struct pipeline *p, const struct entity_sync *e, struct manifest *m)
{
	struct plan_ctx c = { p, e, NULL, json_object(), 0 };
	char *tdir = xasprintf("%s/transform", p->run_dir);
	char *xdir = xasprintf("%s/extract", p->run_dir);
	char *snap = xasprintf(FINANCE_SNAPSHOT_PREFIX "%s", e->name);
	char *name = file_name(e);
	int rc;

	if ((rc = each_line(tdir, e->name, note_matched, c.matched)) || (rc = staging_writer_open(&c.w, tdir, name)) ||
	    (rc = each_line(xdir, snap, plan_row, &c))) {
		staging_writer_abort(c.w);
		goto out;
	}
	rc = staging_writer_finish(c.w, m);
	log_info("%s: %ld finance records to send to the CRM", e->name, c.lines);
out:
	json_decref(c.matched);
	xfree(tdir);
	xfree(xdir);
	xfree(snap);
	xfree(name);
	return rc;
}

/* ---- load ---- */

static int note_changed(json_t *line, void *ud)
{
	if (jstr_is(line, "action", "update") && jstr(line, "crm_id"))
		json_object_set_new(ud, jstr(line, "crm_id"), json_true());
	return 0;
}

json_t *to_crm_changed(struct pipeline *p, const struct entity_sync *e)
{
	char *tdir = xasprintf("%s/transform", p->run_dir);
	char *name = file_name(e);
	json_t *set = json_object();

	if (each_line(tdir, name, note_changed, set) < 0)
		log_warn("%s: %s", e->name, err_msg());
	xfree(tdir);
	xfree(name);
	return set;
}

static int note_forward_update(json_t *line, void *ud)
{
	if (jstr_is(line, "action", "update") && jstr(line, "crm_id"))
		json_object_set_new(ud, jstr(line, "crm_id"), json_true());
	return 0;
}

void to_crm_keep_finance_owned(const struct entity_sync *e, json_t *payload)
{
	json_t *addr = json_object_get(payload, "billing_address"), *v;
	const char *k;
	void *tmp;

	json_object_foreach_safe(payload, tmp, k, v)
		if (strcmp(k, "custom_fields") && entity_finance_owns(e, k))
			json_object_del(payload, k);
	json_object_foreach_safe(addr, tmp, k, v) {
		char key[128];
		snprintf(key, sizeof(key), "billing_address.%s", k);
		if (entity_finance_owns(e, key) || entity_finance_owns(e, k))
			json_object_del(addr, k);
	}
}

struct send_ctx {
	struct pipeline *p;
	const struct entity_sync *e;
	struct finclient *fin;
	struct crm *crm;
	json_t *forward_updates; /* CRM ids the CRM changed this run: the CRM's fields win there */
	json_t *batch;           /* lines */
	struct stats s;
};

/* Both sides changed it: only the fields the finance app owns go to the CRM. */
static void keep_crm_bound_fields(struct send_ctx *c, json_t *line)
{
	json_t *record = json_object_get(line, "record"), *v;
	const char *module = jstr(line, "crm_module"), *k;
	void *tmp;

	if (!jstr(line, "crm_id") || !json_object_get(c->forward_updates, jstr(line, "crm_id")))
		return;
	json_object_foreach_safe(record, tmp, k, v) {
		const char *fin_key = reverse_finance_key(c->p->job, c->e, module, k);
		if (!fin_key || !entity_finance_owns(c->e, fin_key))
			json_object_del(record, k);
	}
}

/* The hash the CRM-to-finance plan will compute from the CRM record we are writing. */
static void expected_crm_hash(struct send_ctx *c, json_t *line, const char *crm_id, char out[RECORD_HASH_LEN])
{
	json_t *rec = json_deep_copy(json_object_get(line, "record"));
	char whole[CONTENT_HASH_LEN];
	struct mapped m;

	out[0] = '\0';
	json_object_set_new(rec, "id", json_string(crm_id));
	if (mapping_payload(c->p->job, c->e, jstr(line, "crm_module"), rec, NULL, &m) == 0) {
		content_hash(m.payload, whole);
		record_hash(m.payload, whole, out);
	}
	mapped_release(&m);
	json_decref(rec);
}

/*
 * The CRM id goes on the finance record, so identity holds without the
 * ledger too.  The update carries the keys Zoho requires on every update
 * (the name; an item's rate too), as the record had them.
 */
static int stamp_crm_id(struct send_ctx *c, json_t *line, const char *crm_id)
{
	json_t *body = json_deep_copy(json_object_get(line, "required"));
	struct fin_outcome o;
	int rc;

	if (!body)
		body = json_object();
	json_object_set_new(body, "custom_fields",
			    json_pack("[{s:s, s:s}]", "api_name", c->p->job->crm_id_field, "value", crm_id));
	rc = finclient_write(c->fin, c->e->kind, jstr(line, "finance_id"), body, &o);

	if (!rc && !o.ok)
		log_warn("%s %s: cannot put the CRM id on the finance record: %s", c->e->name, jstr(line, "finance_id"),
			 o.message);
	fin_outcome_release(&o);
	json_decref(body);
	return rc;
}

static int settle_row(struct send_ctx *c, json_t *line, struct crm_row_result *r)
{
	int create = jstr_is(line, "action", "create");
	char hash[RECORD_HASH_LEN];
	struct link l = { 0 };
	char *why;
	int rc;

	if (!r->ok) {
		why = xasprintf("Zoho CRM rejected %s '%s' (%s): %s", jstr(line, "crm_module"),
				jstr_or(line, "name", ""), r->code, r->message);
		log_warn("%s (finance id %s)", why, jstr(line, "finance_id"));
		rc = ledger_event_add(c->p->lg, c->p->run_id, c->e->name, jstr(line, "crm_module"),
				      jstr(line, "crm_id"), jstr(line, "finance_id"), "failed", "", why);
		xfree(why);
		c->s.failed++;
		c->p->records_failed++;
		return rc;
	}
	expected_crm_hash(c, line, r->id, hash);
	l.entity = (char *)c->e->name;
	l.crm_id = r->id;
	l.finance_id = (char *)jstr(line, "finance_id");
	l.origin = (char *)(create ? "finance" : "crm");
	l.crm_hash = hash;
	l.finance_hash = (char *)jstr(line, "finance_hash");
	l.state = (char *)"linked";
	why = xasprintf("to CRM %s from %s%s", jstr(line, "crm_module"), c->p->job->app->label,
			r->action && !strcmp(r->action, "update") && create ? " (matched an existing CRM record)" : "");
	if (!(rc = ledger_link_put(c->p->lg, &l)))
		rc = ledger_event_add(c->p->lg, c->p->run_id, c->e->name, jstr(line, "crm_module"), r->id,
				      jstr(line, "finance_id"), create ? "create" : "update", "", why);
	xfree(why);
	if (create)
		c->s.added++;
	else
		c->s.updated++;
	return rc ? rc : create ? stamp_crm_id(c, line, r->id) : 0;
}

/* Records a baselined link's finance-side hash; no request. */
static int baseline(struct send_ctx *c, json_t *line)
{
	struct link l;
	int rc = ledger_link_get(c->p->lg, c->e->name, jstr(line, "crm_id"), &l);

	if (rc == 1) {
		xfree(l.finance_hash);
		l.finance_hash = xstrdup(jstr(line, "finance_hash"));
		rc = ledger_link_put(c->p->lg, &l);
	} else if (rc == 0) {
		struct link n = {
			(char *)c->e->name,
			(char *)jstr(line, "crm_id"),
			(char *)jstr(line, "finance_id"),
			(char *)"crm",
			NULL,
			(char *)jstr(line, "finance_hash"),
			(char *)"linked",
			NULL
		};
		rc = ledger_link_put(c->p->lg, &n);
	}
	link_release(&l);
	c->s.unchanged++;
	return rc;
}

/* on_duplicate skip: the CRM has a record like it; it stays as it is, and so does the finance record. */
static int settle_skipped(struct send_ctx *c, json_t *line, const struct crm_row_result *r)
{
	char *why = xasprintf("not sent to the CRM: a %s record like it exists (on_duplicate skip): %s",
			      jstr(line, "crm_module"), r->message ? r->message : r->code);
	int rc = ledger_event_add(c->p->lg, c->p->run_id, c->e->name, jstr(line, "crm_module"), NULL,
				  jstr(line, "finance_id"), "skip", "", why);

	xfree(why);
	c->s.skipped++;
	return rc;
}

/* A clone's record: the same, named "X (2)" so the CRM's duplicate check lets it in. */
static json_t *clone_row(json_t *line)
{
	const char *field = name_field(jstr(line, "crm_module"));
	json_t *row = json_deep_copy(json_object_get(line, "record"));
	const char *name = jstr(row, field);

	if (name)
		json_object_set_new(row, field, json_sprintf("%s (2)", name));
	return row;
}

static int is_duplicate(const struct crm_row_result *r)
{
	return !r->ok && r->code && !strcmp(r->code, "DUPLICATE_DATA");
}

/*
 * Writes rows (of lines picked) as how says and settles each answer.  With
 * dups (an insert), a duplicate is skipped, or its line goes to dups to be
 * cloned.
 */
static int write_rows(struct send_ctx *c, const char *module, const char *how, json_t *rows, json_t *picked,
		      json_t *dups)
{
	size_t i, n = json_array_size(rows);
	struct crm_row_result *res;
	int rc;

	if (!n)
		return 0;
	res = xcalloc(n, sizeof(*res));
	rc = crm_write(c->crm, module, how, rows, NULL, res);
	for (i = 0; i < n; i++) {
		json_t *line = json_array_get(picked, i);
		if (!rc && dups && is_duplicate(&res[i]) && c->e->on_duplicate == DUP_CLONE)
			json_array_append(dups, line);
		else if (!rc && dups && is_duplicate(&res[i]))
			rc = settle_skipped(c, line, &res[i]);
		else if (!rc)
			rc = settle_row(c, line, &res[i]);
		crm_row_result_release(&res[i]);
	}
	xfree(res);
	return rc;
}

/* on_duplicate clone: the duplicates of an insert are written again as "X (2)". */
static int write_clones(struct send_ctx *c, const char *module, json_t *dups)
{
	json_t *rows = json_array(), *line;
	size_t i;
	int rc;

	json_array_foreach(dups, i, line)
		json_array_append_new(rows, clone_row(line));
	rc = write_rows(c, module, "insert", rows, dups, NULL);
	json_decref(rows);
	return rc;
}

/*
 * Sends the lines of one module and one kind of write.  A create is the
 * CRM's upsert only with on_duplicate overwrite; otherwise an insert, whose
 * duplicate is skipped or cloned.
 */
static int send_group(struct send_ctx *c, const char *module, int create)
{
	int overwrite = c->e->on_duplicate == DUP_OVERWRITE;
	json_t *rows = json_array(), *line, *picked = json_array(), *dups = json_array();
	size_t i;
	int rc;

	json_array_foreach(c->batch, i, line) {
		if (!jstr_is(line, "crm_module", module) || !jstr_is(line, "action", create ? "create" : "update"))
			continue;
		json_t *row = json_deep_copy(json_object_get(line, "record"));
		if (!create)
			json_object_set_new(row, "id", json_string(jstr(line, "crm_id")));
		json_array_append_new(rows, row);
		json_array_append(picked, line);
	}
	rc = write_rows(c, module,
			!create     ? "update"
			: overwrite ? "upsert"
				    : "insert",
			rows, picked, create && !overwrite ? dups : NULL);
	if (!rc && json_array_size(dups))
		rc = write_clones(c, module, dups);
	json_decref(rows);
	json_decref(picked);
	json_decref(dups);
	return rc;
}

static int flush(struct send_ctx *c)
{
	static const char *const modules[] = { "Accounts", "Contacts", "Vendors", "Products" };
	size_t i, k;
	json_t *line;
	int rc;

	if (!json_array_size(c->batch))
		return 0;
	if ((rc = ledger_begin(c->p->lg)))
		return rc;
	json_array_foreach(c->batch, i, line)
		if (!rc && jstr_is(line, "action", "baseline"))
			rc = baseline(c, line);
	for (k = 0; k < 4 && !rc; k++)
		if (!(rc = send_group(c, modules[k], 1)))
			rc = send_group(c, modules[k], 0);
	if (!rc)
		rc = ledger_stats_add(c->p->lg, c->p->run_id, c->e->name, "to_crm", &c->s);
	if (rc)
		ledger_rollback(c->p->lg);
	else
		rc = ledger_commit(c->p->lg);
	json_array_clear(c->batch);
	return rc;
}

static int queue_line(json_t *line, void *ud)
{
	struct send_ctx *c = ud;

	if (jstr_is(line, "action", "update")) {
		keep_crm_bound_fields(c, line);
		if (!json_object_size(json_object_get(line, "record"))) {
			c->s.unchanged++; /* the CRM owns every field both sides changed */
			return 0;
		}
	}
	json_array_append(c->batch, line);
	return json_array_size(c->batch) >= ROWS ? flush(c) : 0;
}

int to_crm_load(struct pipeline *p, const struct entity_sync *e, struct finclient *fin)
{
	struct send_ctx c = { .p = p, .e = e, .fin = fin };
	char *tdir = xasprintf("%s/transform", p->run_dir);
	char *name = file_name(e);
	int rc;

	c.forward_updates = json_object();
	c.batch = json_array();
	if (!(rc = each_line(tdir, e->name, note_forward_update, c.forward_updates)) &&
	    !(rc = crm_open(&c.crm, p->job)) && !(rc = each_line(tdir, name, queue_line, &c)))
		rc = flush(&c);
	if (!rc)
		rc = ledger_stats_add(p->lg, p->run_id, e->name, "to_crm", &c.s);
	log_info("%s to the CRM: %ld added, %ld updated, %ld unchanged, %ld failed", e->name, c.s.added, c.s.updated,
		 c.s.unchanged, c.s.failed);
	crm_close(c.crm);
	json_decref(c.forward_updates);
	json_decref(c.batch);
	xfree(tdir);
	xfree(name);
	return rc;
}
