/*
 * ready.c - docs/design.md "Ready before the first write".  A job names things
 * that must exist in two organisations it does not own: CRM fields (the
 * field_map, deals, the summary), CRM views, the Stage values of the deal
 * pipeline, and custom fields in the finance app (the CRM-id field, which
 * Books and Inventory upsert on and which must then refuse duplicates, and
 * every cf_* the field_map writes).  A run that finds one missing halfway
 * has already written half: so every check runs before the first write,
 * and each missing piece is reported with what to create and where.
 *
 * Where the finance app documents no way to list its custom fields
 * (Invoice, Billing, Inventory; see finance_apps.c custom_fields_path), the
 * check says so and what to make sure of, rather than guess.
 *
 * Deal invoices and estimates are found again by reference_number, not by
 * the CRM-id field, so the field is needed only on contacts and items.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/buf.h"
#include "finsync/crm.h"
#include "finsync/err.h"
#include "finsync/finclient.h"
#include "finsync/log.h"
#include "finsync/ndjson.h"
#include "finsync/mapping.h"
#include "finsync/ready.h"
#include "deals.h"
#include "transactions.h"

struct ready {
	const struct job *job;
	struct crm *crm;
	struct finclient *fc;
	json_t *fields; /* {module: names} read, for the caller; may be NULL */
	ready_line_fn line;
	void *ud;
	int missing; /* pieces reported missing */
	char *first; /* the first one's sentence */
};

static void report(struct ready *r, enum ready_mark mark, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void report(struct ready *r, enum ready_mark mark, const char *what, const char *fmt, ...)
{
	char text[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (mark == READY_MISSING && !r->missing++)
		r->first = xstrdup(text);
	r->line(r->ud, mark, what, text);
}

/* ---- the CRM ---------------------------------------------------------------- */

/* Where a missing CRM field is made: in the CRM, or (a CSV export) by exporting it too. */
static const char *crm_field_hint(const struct job *job, const char *module, char *buf, size_t n)
{
	if (!job->crm_source->from_files)
		snprintf(buf, n, "create it in Zoho CRM → Settings → Modules and Fields → %s", module);
	else
		snprintf(buf, n, "export it with %s.csv (a column of that name)", module);
	return buf;
}

/* The field_map (and product_type_field) of each entity name fields its CRM modules have. */
static int check_mapped_fields(struct ready *r)
{
	char hint[160];
	int i, rc = 0;

	for (i = 0; i < ENTITY_COUNT && !rc; i++) {
		const struct entity_sync *e = &r->job->entities[i];
		const char *const *m;
		if (!e->enabled)
			continue;
		for (m = entity_crm_modules(e); *m && !rc; m++) {
			json_t *available = NULL;
			if ((rc = crm_fields(r->crm, *m, &available)))
				break;
			if (r->fields)
				json_object_set(r->fields, *m, available);
			if (!json_array_size(available)) { /* a CSV file that is absent: nothing read */
				json_decref(available);
				continue;
			}
			if (mapping_check_crm_fields(r->job, e, *m, available))
				report(r, READY_MISSING, "crm fields", "%s; %s, or correct the job", err_msg(),
				       crm_field_hint(r->job, *m, hint, sizeof(hint)));
			else
				report(r, READY_OK, "crm fields", "%s has every field sync.%s names", *m, e->name);
			json_decref(available);
		}
	}
	return rc;
}

static int check_deal_fields(struct ready *r)
{
	static const char *const needed[] = { "Deal_Name", "Stage", NULL };
	json_t *available = NULL;
	const char *const *f;
	int rc, ok = 1;

	if ((rc = crm_fields(r->crm, "Deals", &available)))
		return rc;
	for (f = needed; *f && json_array_size(available); f++)
		if (!jstr_in(available, *f)) {
			ok = 0;
			report(r, READY_MISSING, "crm fields",
			       "sync.deals: the CRM module Deals has no field '%s', "
			       "which deals cannot be read without",
			       *f);
		}
	if (ok && json_array_size(available))
		report(r, READY_OK, "crm fields", "Deals has Deal_Name and Stage");
	json_decref(available);
	return 0;
}

static int check_summary_fields(struct ready *r)
{
	int rc = summary_check_fields(r->job, r->crm);

	if (rc == FS_EUSAGE)
		report(r, READY_MISSING, "crm fields", "%s", err_msg());
	else if (!rc)
		report(r, READY_OK, "crm fields", "the summary fields of sync.summary exist");
	return rc == FS_EUSAGE ? 0 : rc;
}

static int check_money_fields(struct ready *r)
{
	int rc = deal_money_check_fields(r->job, r->crm);

	if (rc == FS_EUSAGE)
		report(r, READY_MISSING, "crm fields", "%s", err_msg());
	else if (!rc)
		report(r, READY_OK, "crm fields", "the Deals fields of sync.deals.crm_fields exist");
	return rc == FS_EUSAGE ? 0 : rc;
}

/* One stage name of the job must be a value of the Stage picklist. */
static void check_stage(struct ready *r, json_t *values, const char *key, const char *stage, int *bad)
{
	if (!stage || jstr_in(values, stage))
		return;
	(*bad)++;
	report(r, READY_MISSING, "deal stages",
	       "sync.deals.%s: '%s' is not a value of the CRM's Deals Stage "
	       "picklist; add it in Zoho CRM → Settings → Modules and Fields → Deals → Stage, or correct the job",
	       key, stage);
}

static int check_stages(struct ready *r)
{
	const struct deal_sync *d = &r->job->deals;
	json_t *values = NULL, *v;
	size_t i;
	int rc, bad = 0;

	if ((rc = crm_picklist(r->job, "Deals", "Stage", &values)))
		return rc;
	if (!values) {
		report(r, READY_UNKNOWN, "deal stages",
		       "cannot verify the stage names against %s: make sure "
		       "every stage the job names is a Deals Stage value",
		       r->job->crm_source->has_picklists
			       ? "a Stage field without values"
			       : "a CSV export (it has no picklists)");
		return 0;
	}
	check_stage(r, values, "quote_create_stage", d->quote_create_stage, &bad);
	check_stage(r, values, "quote_accept_stage", d->quote_accept_stage, &bad);
	json_array_foreach(d->stage_order, i, v)
		check_stage(r, values, "stage_order", json_string_value(v), &bad);
	json_array_foreach(d->lost_stages, i, v)
		check_stage(r, values, "lost_stages", json_string_value(v), &bad);
	if (!bad)
		report(r, READY_OK, "deal stages", "every stage sync.deals names is a Deals Stage value");
	json_decref(values);
	return 0;
}

static int check_views_of(struct ready *r, json_t *views, const char *key)
{
	const char *module;
	json_t *v;
	int rc;

	json_object_foreach(views, module, v) {
		const char *cvid = json_string_value(v);
		if (!r->job->crm_source->has_views)
			report(r, READY_UNKNOWN, "views",
			       "%s.%s: a CSV export has no views: make sure %s.csv holds "
			       "the records of view %s",
			       key, module, module, cvid ? cvid : "");
		else if (!cvid || (rc = crm_view_exists(r->job, module, cvid)) == 1)
			report(r, READY_OK, "views", "%s.%s: the CRM has view %s", key, module, cvid ? cvid : "");
		else if (rc == 0)
			report(r, READY_MISSING, "views",
			       "%s.%s: Zoho CRM has no custom view %s in %s; copy the view's "
			       "id from the CRM (the cvid in the address of the list view) or remove it from the job",
			       key, module, cvid, module);
		else
			return rc;
	}
	return 0;
}

static int check_views(struct ready *r)
{
	char key[64];
	int i, rc = 0;

	for (i = 0; i < ENTITY_COUNT && !rc; i++) {
		const struct entity_sync *e = &r->job->entities[i];
		if (!e->enabled || !e->views)
			continue;
		snprintf(key, sizeof(key), "sync.%s.views", e->name);
		rc = check_views_of(r, e->views, key);
	}
	if (!rc && r->job->deals.enabled && r->job->deals.views)
		rc = check_views_of(r, r->job->deals.views, "sync.deals.views");
	return rc;
}

/* ---- the finance app ------------------------------------------------------------ */

/* A finance entity finsync writes custom fields on. */
struct fin_entity {
	const char *api;    /* Books' entity name: "contact", "item" */
	const char *plural; /* "contacts" */
	const char *menu;   /* its page in the app's settings */
	int written;        /* the job writes it */
	json_t *names;      /* the cf_* names it needs (array of strings) */
};

/* "cf_crm_id" → "CRM ID", "cf_industry" → "Industry": a label whose API name Zoho derives back. */
static char *label_of(const char *api_name)
{
	const char *s = !strncmp(api_name, "cf_", 3) ? api_name + 3 : api_name;
	struct buf b = BUF_INIT;
	const char *w = s;

	while (*w) {
		size_t n = strcspn(w, "_");
		size_t k;
		int acronym = n <= 3 && (!strncmp(w, "crm", n) || !strncmp(w, "id", n) || !strncmp(w, "vat", n));
		if (b.len)
			buf_addf(&b, " ");
		for (k = 0; k < n; k++)
			buf_addf(&b, "%c", acronym || k == 0 ? toupper((unsigned char)w[k]) : w[k]);
		w += n;
		if (*w)
			w++;
	}
	return buf_detach(&b);
}

static int upsert_needs_unique(const struct ready *r, const char *name)
{
	return r->job->app->has_unique_upsert && !strcmp(name, r->job->crm_id_field);
}

/* "create a custom field 'CRM ID' (API name cf_crm_id, type text, …) in Zoho Books → …" */
static char *create_hint(const struct ready *r, const struct fin_entity *fe, const char *name)
{
	char *label = label_of(name);
	char *hint = xasprintf("create a custom field '%s' (API name %s, type text%s) in %s → Settings → "
			       "Preferences → %s → Field Customization",
			       label, name, upsert_needs_unique(r, name) ? ", 'Do not allow duplicate values' on" : "",
			       r->job->app->label, fe->menu);
	xfree(label);
	return hint;
}

/* The fields array of a custom-fields answer: "customfields" (the sandbox's), or the other spellings. */
static json_t *fields_of(json_t *body)
{
	static const char *const keys[] = { "customfields", "custom_fields", "fields", NULL };
	const char *const *k;

	for (k = keys; *k; k++)
		if (json_is_array(json_object_get(body, *k)))
			return json_object_get(body, *k);
	return NULL;
}

static json_t *field_named(json_t *fields, const char *name)
{
	json_t *f;
	size_t i;

	json_array_foreach(fields, i, f) {
		const char *api = jstr(f, "api_name");
		if (api && !strcmp(api, name))
			return f;
	}
	return NULL;
}

static void check_one_field(struct ready *r, const struct fin_entity *fe, json_t *fields, const char *name)
{
	json_t *f = field_named(fields, name), *unique;
	char *hint = create_hint(r, fe, name);

	if (!f) {
		report(r, READY_MISSING, "finance fields", "%s has no custom field %s on %s; %s", r->job->app->label,
		       name, fe->plural, hint);
	} else if (!upsert_needs_unique(r, name)) {
		report(r, READY_OK, "finance fields", "%s has %s on %s", r->job->app->label, name, fe->plural);
	} else if (json_is_true(unique = json_object_get(f, "is_unique"))) {
		report(r, READY_OK, "finance fields", "%s has %s on %s, duplicates not allowed", r->job->app->label,
		       name, fe->plural);
	} else if (json_is_false(unique)) {
		report(r, READY_MISSING, "finance fields",
		       "the custom field %s on %s in %s allows duplicate values, "
		       "and finsync's upsert needs it unique; edit it in %s → Settings → Preferences → %s → Field "
		       "Customization and turn 'Do not allow duplicate values' on",
		       name, fe->plural, r->job->app->label, r->job->app->label, fe->menu);
	} else {
		report(r, READY_UNKNOWN, "finance fields",
		       "%s has %s on %s but does not say whether it allows "
		       "duplicates: make sure 'Do not allow duplicate values' is on (upsert needs it)",
		       r->job->app->label, name, fe->plural);
	}
	xfree(hint);
}

/* What the app could not tell: each needed field, and what to make sure of. */
static void cannot_verify(struct ready *r, const struct fin_entity *fe, const char *why)
{
	json_t *v;
	size_t i;

	json_array_foreach(fe->names, i, v) {
		char *hint = create_hint(r, fe, json_string_value(v));
		report(r, READY_UNKNOWN, "finance fields",
		       "cannot verify %s on %s in %s (%s): make sure it exists "
		       "(%s)",
		       json_string_value(v), fe->plural, r->job->app->label, why, hint);
		xfree(hint);
	}
}

static int check_entity_fields(struct ready *r, struct fin_entity *fe)
{
	const char *path = r->job->app->custom_fields_path;
	char query[64];
	json_t *body = NULL, *fields, *v;
	long status;
	size_t i;
	int rc;

	if (!path) {
		cannot_verify(r, fe, "it documents no way to list custom fields");
		return 0;
	}
	snprintf(query, sizeof(query), "entity=%s", fe->api);
	if ((rc = finclient_get(r->fc, path, query, &status, &body)))
		return rc;
	if (status != 200 || !(fields = fields_of(body))) {
		char why[160];
		snprintf(why, sizeof(why), "GET %s?%s answered HTTP %ld%s", path, query, status,
			 status == 401 || status == 403 ? "; the token may lack ZohoBooks.settings.READ" : "");
		cannot_verify(r, fe, why);
	} else {
		json_array_foreach(fe->names, i, v)
			check_one_field(r, fe, fields, json_string_value(v));
	}
	json_decref(body);
	return 0;
}

static void need(json_t *names, const char *name)
{
	if (!jstr_in(names, name))
		json_array_append_new(names, json_string(name));
}

/* The custom fields the job writes on entity e's finance records: the CRM id, then field_map's cf_*. */
static void collect_names(const struct ready *r, const struct entity_sync *e, struct fin_entity *fe)
{
	const char *key;
	json_t *v;

	fe->written = 1;
	need(fe->names, r->job->crm_id_field);
	if (e->field_map)
		json_object_foreach(e->field_map, key, v)
			if (!strncmp(key, "cf_", 3))
				need(fe->names, key);
}

static int check_finance_fields(struct ready *r)
{
	struct fin_entity fe[2] = {
		{ "contact", r->job->app->customers_key, r->job->app->customers_menu, 0, json_array() },
		{ "item", "items", "Items", 0, json_array() },
	};
	int i, rc = 0;

	for (i = 0; i < ENTITY_COUNT; i++) {
		const struct entity_sync *e = &r->job->entities[i];
		if (e->enabled)
			collect_names(r, e, &fe[!entity_defs[e->kind].is_contact]);
	}
	for (i = 0; i < 2; i++) {
		if (!rc && fe[i].written)
			rc = check_entity_fields(r, &fe[i]);
		json_decref(fe[i].names);
	}
	return rc;
}

/*
 * sync.transactions upserts on crm_finance_id_field: each target module must
 * have it, and unique (Zoho takes only a unique field in duplicate_check_fields),
 * and the balance field when the job names one.
 */
static int check_mirror_field(struct ready *r, const char *module, const char *key, const char *field, int unique)
{
	json_t *info = NULL;
	int rc;

	if ((rc = crm_field_info(r->job, module, field, &info)))
		return rc;
	if (!info)
		report(r, READY_MISSING, "crm fields",
		       "sync.transactions.%s: the CRM module %s has no field '%s'; "
		       "create it%s in Zoho CRM → Settings → Modules and Fields → %s, or correct the job",
		       key, module, field, unique ? " (a single line marked \"Do not allow duplicate values\")" : "",
		       module);
	else if (unique && !json_object_size(json_object_get(info, "unique")))
		report(r, READY_MISSING, "crm fields",
		       "sync.transactions.%s: the field '%s' of %s is not unique; "
		       "mark it \"Do not allow duplicate values\" in Zoho CRM → Settings → Modules and Fields → %s",
		       key, field, module, module);
	else
		report(r, READY_OK, "crm fields", "%s has the field %s%s", module, field, unique ? " (unique)" : "");
	json_decref(info);
	return 0;
}

static int check_transaction_fields(struct ready *r)
{
	const struct transaction_sync *t = &r->job->transactions;
	int k, rc = 0;

	for (k = 0; k < TXN_KIND_COUNT && !rc; k++) {
		const char *module = txn_crm_module(k);
		if (!t->to_crm[k] || !module)
			continue;
		rc = check_mirror_field(r, module, "crm_finance_id_field", t->crm_finance_id_field, 1);
		if (!rc && t->crm_balance_field)
			rc = check_mirror_field(r, module, "crm_balance_field", t->crm_balance_field, 0);
	}
	return rc;
}

/* ---- all of it ------------------------------------------------------------------ */

static int run_checks(struct ready *r)
{
	int rc;

	if ((rc = crm_open(&r->crm, r->job)) || (rc = check_mapped_fields(r)))
		return rc;
	if (r->job->deals.enabled && ((rc = check_deal_fields(r)) || (rc = check_stages(r))))
		return rc;
	if (r->job->summary.enabled && (rc = check_summary_fields(r)))
		return rc;
	if (r->job->deals.has_crm_fields && (rc = check_money_fields(r)))
		return rc;
	if (r->job->transactions.enabled && (rc = check_transaction_fields(r)))
		return rc;
	if ((rc = check_views(r)))
		return rc;
	return check_finance_fields(r);
}

int ready_check(const struct job *job, struct finclient *fc, json_t *fields, ready_line_fn line, void *ud)
{
	struct ready r = { .job = job, .fc = fc, .fields = fields, .line = line, .ud = ud };
	int rc = run_checks(&r);

	crm_close(r.crm);
	if (!rc && r.missing)
		rc = r.missing > 1 ? fail(FS_EUSAGE, "%s (and %d more: `finsync check %s` lists them)", r.first,
					  r.missing - 1, job->path)
				   : fail(FS_EUSAGE, "%s", r.first);
	xfree(r.first);
	return rc;
}

static void log_line(void *ud, enum ready_mark mark, const char *what, const char *text)
{
	(void)ud;
	if (mark == READY_OK)
		log_debug("ready: %s: %s", what, text);
	else if (mark == READY_UNKNOWN)
		log_info("ready: %s: %s", what, text);
}

int ready_preflight(const struct job *job, struct finclient *fc, json_t *fields)
{
	return ready_check(job, fc, fields, log_line, NULL);
}
