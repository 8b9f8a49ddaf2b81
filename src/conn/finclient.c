/*
 * finclient.c - the finance app's REST API (Books, Invoice, Billing,
 * Inventory), driven by the app table.  Lists are read with per_page 200
 * and page_context.has_more_page.  A list filter Zoho does not document
 * (contact_type, cf_<field>) is sent as a hint only: every row is checked
 * for the value it was asked for before it is used.
 */
#include <stdio.h>
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/api.h"
#include "finsync/buf.h"
#include "finsync/err.h"
#include "finsync/finclient.h"
#include "finsync/pageguard.h"
#include "finsync/log.h"
#include "finsync/ndjson.h"
#include "finsync/safe.h"

#define PER_PAGE 200

struct finclient {
	const struct job *job;
	const struct finance_app *app;
	struct api *api;
	char *org_header; /* "X-…-organizationid: id" or NULL */
};

/* Where an entity's records are: its row's finance list (src/job/entities.c) and the list filter. */
struct resource {
	const char *path;     /* "/contacts" */
	const char *one_key;  /* "contact" */
	const char *list_key; /* "contacts" */
	const char *id_key;   /* "contact_id" */
	char list_filter[64]; /* "contact_type=vendor&filter_by=Status.All" */
};

#define ALL_STATUSES "filter_by=Status.All"

/* The contact_type a list of the entity is filtered by, or NULL (not a contact, or an app without one). */
static const char *contact_type_of(const struct finance_app *app, enum entity_kind kind)
{
	return app->has_contact_type ? entity_defs[kind].contact_type : NULL;
}

static void resource_of(const struct finance_app *app, enum entity_kind kind, struct resource *r)
{
	const char *type = contact_type_of(app, kind);
	struct finance_list l;

	entity_finance_list(app, kind, &l);
	*r = (struct resource){ l.path, l.one_key, l.list_key, l.id_key, "" };
	snprintf(r->list_filter, sizeof(r->list_filter), "%s%s%s" ALL_STATUSES, type ? "contact_type=" : "",
		 type ? type : "", type ? "&" : "");
}

int finclient_open(struct finclient **out, const struct job *job)
{
	struct finclient *fc = xcalloc(1, sizeof(*fc));
	int rc;

	*out = NULL;
	fc->job = job;
	fc->app = job->app;
	if (fc->app->org == ORG_IN_HEADER)
		fc->org_header = xasprintf("%s: %s", fc->app->org_header, job->fin.organization_id);
	if ((rc = api_new(&fc->api, &job->fin, job->fin.type))) {
		finclient_close(fc);
		return rc;
	}
	*out = fc;
	return 0;
}

void finclient_close(struct finclient *fc)
{
	if (!fc)
		return;
	api_free(fc->api);
	xfree(fc->org_header);
	xfree(fc);
}

long finclient_requests(const struct finclient *fc)
{
	return api_requests(fc->api);
}

long finclient_budget_left(const struct finclient *fc)
{
	return api_budget_left(fc->api);
}

/* base + path (+ "/id") with the organisation and any extra query. */
static char *fin_url(const struct finclient *fc, const char *path, const char *id, const char *query)
{
	struct buf b = BUF_INIT;
	char sep = '?';

	buf_addf(&b, "%s%s", fc->job->fin.api_base, path);
	if (id) {
		/* Ids are checked where they come in (id_string); escaped all the same, a path stays a path. */
		char *esc = http_escape(id);
		buf_addf(&b, "/%s", esc);
		xfree(esc);
	}
	if (fc->app->org == ORG_IN_QUERY) {
		buf_addf(&b, "?organization_id=%s", fc->job->fin.organization_id);
		sep = '&';
	}
	if (query && *query)
		buf_addf(&b, "%c%s", sep, query);
	return buf_detach(&b);
}


static int call_with(struct finclient *fc, const char *method, const char *url, json_t *body, const char *const *extra,
		     struct api_result *res)
{
	const char *headers[8];
	size_t n = 0;

	if (fc->org_header)
		headers[n++] = fc->org_header;
	while (extra && *extra && n < 7)
		headers[n++] = *extra++;
	headers[n] = NULL;
	return api_call(fc->api, method, url, body, headers, res);
}

static int call(struct finclient *fc, const char *method, const char *url, json_t *body, struct api_result *res)
{
	return call_with(fc, method, url, body, NULL, res);
}

static int api_refused(const struct finclient *fc, const char *what, const struct api_result *res)
{
	const char *msg = json_string_value(json_object_get(res->json, "message"));

	return fail(FS_EABORT, "%s: %s: HTTP %ld code %lld: %s", fc->app->type, what, res->status,
		    (long long)json_integer_value(json_object_get(res->json, "code")),
		    msg         ? msg
		    : res->text ? res->text
				: "no answer body");
}

/* A 200 list answer without its list: said as such, never as "code 0: success". */
static int list_shape_unexpected(const struct finclient *fc, const char *path, const char *list_key,
				 const struct api_result *res)
{
	json_t *got = json_object_get(res->json, list_key);

	if (!res->json)
		return fail(FS_EABORT, "%s: GET %s: HTTP 200, an answer that is not JSON: %.200s", fc->app->type, path,
			    res->text && *res->text ? res->text : "(empty)");
	return fail(FS_EABORT, "%s: GET %s: HTTP 200, but '%s' is %s, not a list", fc->app->type, path, list_key,
		    !got                  ? "missing"
		    : json_is_string(got) ? "a string"
		    : json_is_object(got) ? "an object"
		    : json_is_null(got)   ? "null"
					  : "a number or boolean");
}

/* A list's rows, each passed on only when its id is a Zoho id: it may become a link, and so a URL path. */
struct checked_rows {
	const struct finclient *fc;
	const struct resource *r;
	int (*fn)(json_t *row, void *ud);
	void *ud;
};

static int pass_checked_row(json_t *row, void *ud)
{
	struct checked_rows *c = ud;
	json_t *id = json_object_get(row, c->r->id_key);

	if (json_is_string(id) && !zoho_id_ok(json_string_value(id))) {
		log_warn("%s: %s: a row whose %s is not a Zoho id (digits only) is ignored", c->fc->app->type,
			 c->r->path, c->r->id_key);
		return 0;
	}
	return c->fn(row, c->ud);
}

/*
 * A finance id from an answer, or NULL: Zoho's ids are digits, and one that
 * is not (a "/", a CR LF) is refused before it can reach a URL path.
 */
static char *id_string(json_t *v)
{
	if (json_is_string(v))
		return zoho_id_ok(json_string_value(v)) ? xstrdup(json_string_value(v)) : NULL;
	if (json_is_integer(v) && json_integer_value(v) > 0)
		return xasprintf("%lld", (long long)json_integer_value(v));
	return NULL;
}


json_t *fin_row_cf(json_t *row, const char *api_name, int *carried)
{
	json_t *list = json_object_get(row, "custom_fields"), *hash = json_object_get(row, "custom_field_hash");
	json_t *v = json_object_get(row, api_name), *cf;
	size_t i;

	*carried = v || json_is_array(list) || json_is_object(hash);
	if (v)
		return v;
	if ((v = json_object_get(hash, api_name)))
		return v;
	json_array_foreach(list, i, cf) {
		const char *name = json_string_value(json_object_get(cf, "api_name"));
		if (name && !strcmp(name, api_name))
			return json_object_get(cf, "value");
	}
	return NULL;
}

int finclient_read(struct finclient *fc, enum entity_kind kind, const char *id, json_t **out)
{
	struct api_result res = API_RESULT_INIT;
	struct resource r;
	json_t *rec;
	char *url;
	int rc;

	*out = NULL;
	resource_of(fc->app, kind, &r);
	url = fin_url(fc, r.path, id, NULL);
	if (!(rc = call(fc, "GET", url, NULL, &res))) {
		rec = json_object_get(res.json, r.one_key);
		if (res.status == 200 && json_is_object(rec)) {
			*out = json_incref(rec);
			rc = 1;
		} else if (res.status != 404 && json_integer_value(json_object_get(res.json, "code")) != 1002) {
			rc = api_refused(fc, r.path, &res);
		}
	}
	api_result_release(&res);
	xfree(url);
	return rc;
}

/* Drops list rows of the other kind (customers vs vendors); see finclient_list. */
struct own_kind {
	struct finclient *fc;
	enum entity_kind kind;
	const struct resource *r;
	int (*fn)(json_t *row, void *ud);
	void *ud;
};

static int is_own_kind(const struct own_kind *k, json_t *row)
{
	const char *type = json_string_value(json_object_get(row, "contact_type"));

	/* A record without contact_type is a customer: the app's default on create. */
	return !strcmp(type ? type : "customer", contact_type_of(k->fc->app, k->kind));
}

static int keep_own_kind(json_t *row, void *ud)
{
	struct own_kind *k = ud;
	json_t *rec = NULL;
	char *id;
	int rc;

	if (json_object_get(row, "contact_type"))
		return is_own_kind(k, row) ? k->fn(row, k->ud) : 0;
	if (!(id = id_string(json_object_get(row, k->r->id_key))))
		return k->fn(row, k->ud);
	rc = finclient_read(k->fc, k->kind, id, &rec);
	xfree(id);
	if (rc == 1)
		rc = is_own_kind(k, rec) ? k->fn(rec, k->ud) : 0;
	json_decref(rec);
	return rc;
}

int finclient_list(struct finclient *fc, enum entity_kind kind, int (*fn)(json_t *row, void *ud), void *ud)
{
	struct resource r;
	struct own_kind k = { fc, kind, &r, fn, ud };
	struct checked_rows c = { fc, &r, fn, ud };

	resource_of(fc->app, kind, &r);
	if (contact_type_of(fc->app, kind)) {
		c.fn = keep_own_kind;
		c.ud = &k;
	}
	return finclient_list_path(fc, r.path, r.list_key, r.list_filter, pass_checked_row, &c);
}

/* finclient_find_many's walk: stops (1) once every value is found. */
struct find_walk {
	struct finclient *fc;
	enum entity_kind kind;
	const struct resource *r;
	const char *field;
	json_t *wanted; /* value -> finance id, or null while not found */
	size_t missing;
};

/* The field's value on the row, or on the record read by id when the row holds no custom fields. */
static int field_of_row(struct find_walk *f, json_t *row, const char *id, char **value)
{
	json_t *rec = NULL, *v;
	int carried, rc = 1;

	*value = NULL;
	v = fin_row_cf(row, f->field, &carried);
	if (!carried && (rc = finclient_read(f->fc, f->kind, id, &rec)) == 1)
		v = fin_row_cf(rec, f->field, &carried);
	if (rc == 1 && json_is_string(v))
		*value = xstrdup(json_string_value(v));
	json_decref(rec);
	return rc < 0 ? rc : 0;
}

static int check_row(json_t *row, void *ud)
{
	struct find_walk *f = ud;
	char *id = id_string(json_object_get(row, f->r->id_key)), *value = NULL;
	json_t *slot;
	int rc = 0;

	if (id && !(rc = field_of_row(f, row, id, &value)) && value && (slot = json_object_get(f->wanted, value)) &&
	    json_is_null(slot)) {
		json_object_set_new(f->wanted, value, json_string(id));
		rc = --f->missing == 0;
	}
	xfree(value);
	xfree(id);
	return rc;
}

/* Reads the app's answer to a write into out. */
static void take_outcome(const struct resource *r, struct api_result *res, struct fin_outcome *out)
{
	const char *msg = json_string_value(json_object_get(res->json, "message"));

	out->status = res->status;
	out->code = (long)json_integer_value(json_object_get(res->json, "code"));
	out->message = xstrdup(msg ? msg : res->text ? res->text : "no answer body");
	if (res->status >= 200 && res->status < 300 && out->code == 0) {
		json_t *one = json_object_get(res->json, r->one_key);
		json_t *persons = json_object_get(one, "contact_persons");
		json_t *id = json_object_get(one, r->id_key);

		out->persons = json_is_array(persons) ? json_incref(persons) : NULL;
		out->finance_id = id_string(id);
		out->ok = out->finance_id != NULL;
		if (!out->ok) {
			xfree(out->message);
			out->message = xasprintf(id ? "the answer's %s.%s is not a Zoho id (digits only): refused"
						    : "answer without %s.%s",
						 r->one_key, r->id_key);
		}
	}
}

int finclient_upsert(struct finclient *fc, enum entity_kind kind, const char *key_field, const char *key_value,
		     json_t *payload, struct fin_outcome *out)
{
	struct api_result res = API_RESULT_INIT;
	char *key = xasprintf("X-Unique-Identifier-Key: %s", key_field);
	char *value = xasprintf("X-Unique-Identifier-Value: %s", key_value);
	const char *extra[] = { key, value, "X-Upsert: true", NULL };
	struct resource r;
	char *url;
	int rc;

	memset(out, 0, sizeof(*out));
	resource_of(fc->app, kind, &r);
	url = fin_url(fc, r.path, NULL, NULL);
	rc = call_with(fc, "PUT", url, payload, extra, &res);
	if (!rc)
		take_outcome(&r, &res, out);
	api_result_release(&res);
	xfree(url);
	xfree(key);
	xfree(value);
	return rc;
}

int finclient_find_many(struct finclient *fc, enum entity_kind kind, const char *key_field, json_t *wanted)
{
	struct resource r;
	struct find_walk f = { fc, kind, &r, key_field, wanted, json_object_size(wanted) };
	char *query = NULL, *esc;
	const char *value;
	json_t *v;
	int rc;

	resource_of(fc->app, kind, &r);
	if (!f.missing)
		return 0;
	/* One value: the filter may narrow the list (where the app honours it); it is checked all the same. */
	if (f.missing == 1) {
		json_object_foreach(wanted, value, v) {
			esc = http_escape(value);
			query = xasprintf("%s=%s&%s", key_field, esc, r.list_filter);
			xfree(esc);
		}
	}
	rc = finclient_list_path(fc, r.path, r.list_key, query ? query : r.list_filter, check_row, &f);
	xfree(query);
	return rc < 0 ? rc : 0;
}

int finclient_find(struct finclient *fc, enum entity_kind kind, const char *key_field, const char *key_value, char **id)
{
	json_t *wanted = json_pack("{s:n}", key_value);
	const char *found;
	int rc;

	*id = NULL;
	if ((rc = finclient_find_many(fc, kind, key_field, wanted)) == 0 &&
	    (found = json_string_value(json_object_get(wanted, key_value))))
		*id = xstrdup(found);
	json_decref(wanted);
	return rc ? rc : *id != NULL;
}

int finclient_write(struct finclient *fc, enum entity_kind kind, const char *finance_id, json_t *payload,
		    struct fin_outcome *out)
{
	struct api_result res = API_RESULT_INIT;
	struct resource r;
	char *url;
	int rc;

	memset(out, 0, sizeof(*out));
	resource_of(fc->app, kind, &r);
	url = fin_url(fc, r.path, finance_id, NULL);
	rc = call(fc, finance_id ? "PUT" : "POST", url, payload, &res);
	xfree(url);
	if (rc)
		return rc;
	take_outcome(&r, &res, out);
	api_result_release(&res);
	return 0;
}

/* The URL, method and headers of one write; strings owned by the caller's arrays. */
static void plan_write(struct finclient *fc, const struct resource *r, struct fin_write *w, struct api_call *c,
		       char **url, char **hdr)
{
	*url = fin_url(fc, r->path, w->upsert_value ? NULL : w->finance_id, NULL);
	c->method = w->finance_id || w->upsert_value ? "PUT" : "POST";
	c->url = *url;
	c->body = w->payload;
	hdr[0] = fc->org_header ? xstrdup(fc->org_header) : NULL;
	hdr[1] = hdr[2] = hdr[3] = hdr[4] = NULL;
	if (w->upsert_value) {
		char **h = hdr[0] ? hdr + 1 : hdr;
		h[0] = xasprintf("X-Unique-Identifier-Key: %s", fc->job->crm_id_field);
		h[1] = xasprintf("X-Unique-Identifier-Value: %s", w->upsert_value);
		h[2] = xstrdup("X-Upsert: true");
	}
	c->headers = (const char *const *)hdr;
}

/* One write's answer, taken as it comes (finclient_write_each). */
struct early_answer {
	const struct resource *r;
	struct fin_write *w;
	size_t i;
	void (*on_answer)(size_t i, void *ud);
	void *ud;
};

static void take_early(struct api_call *c, void *ud)
{
	struct early_answer *e = ud;

	memset(&e->w->out, 0, sizeof(e->w->out));
	e->w->rc = 0;
	take_outcome(e->r, &c->res, &e->w->out);
	api_result_release(&c->res);
	e->on_answer(e->i, e->ud);
}

int finclient_write_many(struct finclient *fc, enum entity_kind kind, struct fin_write *w, size_t n)
{
	return finclient_write_each(fc, kind, w, n, NULL, NULL);
}

int finclient_write_each(struct finclient *fc, enum entity_kind kind, struct fin_write *w, size_t n,
			 void (*on_answer)(size_t i, void *ud), void *ud)
{
	struct api_call *calls = xcalloc(n ? n : 1, sizeof(*calls));
	struct early_answer *early = xcalloc(n ? n : 1, sizeof(*early));
	char **urls = xcalloc(n ? n : 1, sizeof(*urls));
	char **hdrs = xcalloc(n ? n * 5 : 1, sizeof(*hdrs));
	long in_flight = fc->job->fin.max_in_flight;
	struct resource r;
	size_t i, k;
	int rc;

	resource_of(fc->app, kind, &r);
	for (i = 0; i < n; i++) {
		plan_write(fc, &r, &w[i], &calls[i], &urls[i], &hdrs[i * 5]);
		if (on_answer) {
			early[i] = (struct early_answer){ &r, &w[i], i, on_answer, ud };
			calls[i].on_result = take_early;
			calls[i].result_ud = &early[i];
		}
	}
	rc = api_call_many(fc->api, calls, n, in_flight > 0 ? (size_t)in_flight : 1);
	for (i = 0; i < n; i++) {
		if (!calls[i].taken) {
			memset(&w[i].out, 0, sizeof(w[i].out));
			w[i].rc = calls[i].rc;
			if (!w[i].rc)
				take_outcome(&r, &calls[i].res, &w[i].out);
		}
		api_result_release(&calls[i].res);
		xfree(urls[i]);
		for (k = 0; k < 5; k++)
			xfree(hdrs[i * 5 + k]);
	}
	xfree(calls);
	xfree(early);
	xfree(urls);
	xfree(hdrs);
	return rc;
}

void fin_outcome_release(struct fin_outcome *o)
{
	xfree(o->finance_id);
	xfree(o->message);
	json_decref(o->persons);
	memset(o, 0, sizeof(*o));
}

int finclient_base_currency(struct finclient *fc, char **out)
{
	struct api_result res = API_RESULT_INIT;
	char *url = fin_url(fc, "/organizations", fc->job->fin.organization_id, NULL);
	const char *code;
	int rc;

	*out = NULL;
	if ((rc = call(fc, "GET", url, NULL, &res)))
		goto out;
	code = json_string_value(json_object_get(json_object_get(res.json, "organization"), "currency_code"));
	if (res.status != 200 || !code)
		rc = api_refused(fc, "/organizations", &res);
	else
		*out = xstrdup(code);
out:
	api_result_release(&res);
	xfree(url);
	return rc;
}

/* ---- sales documents (deal automation) ---- */

static const struct resource doc_resources[] = {
	[FIN_DOC_INVOICE] = { "/invoices", "invoice", "invoices", "invoice_id", "" },
	[FIN_DOC_ESTIMATE] = { "/estimates", "estimate", "estimates", "estimate_id", "" },
	[FIN_DOC_ITEM] = { "/items", "item", "items", "item_id", "" },
	[FIN_DOC_SALESORDER] = { "/salesorders", "salesorder", "salesorders", "salesorder_id", "" },
	[FIN_DOC_PURCHASEORDER] = { "/purchaseorders", "purchaseorder", "purchaseorders", "purchaseorder_id", "" },
};

const char *fin_doc_name(enum fin_doc doc)
{
	return doc_resources[doc].one_key;
}

/* The answer into res: the outcome, and the document's object when there is one. */
static void take_doc(const struct resource *r, struct api_result *api, struct fin_doc_result *res)
{
	take_outcome(r, api, &res->out);
	/* Not found is 404 with code 1002 in Zoho's apps; some answer 400 with the code. */
	if (res->out.code == 1002)
		res->out.status = 404;
	if (res->out.ok)
		res->record = json_incref(json_object_get(api->json, r->one_key));
}

static int doc_call(struct finclient *fc, enum fin_doc doc, const char *method, const char *id, const char *suffix,
		    const char *query, json_t *payload, struct fin_doc_result *res)
{
	const struct resource *r = &doc_resources[doc];
	struct api_result api = API_RESULT_INIT;
	char *esc = id ? http_escape(id) : NULL;
	char *path = xasprintf("%s%s%s%s", r->path, id ? "/" : "", id ? esc : "", suffix ? suffix : "");
	char *url = fin_url(fc, path, NULL, query);
	int rc;

	memset(res, 0, sizeof(*res));
	if (!(rc = call(fc, method, url, payload, &api)))
		take_doc(r, &api, res);
	/* A status change answers with a message only: the id is the one asked about. */
	if (!rc && suffix && res->out.status >= 200 && res->out.status < 300 && res->out.code == 0 && !res->out.ok) {
		res->out.ok = 1;
		xfree(res->out.finance_id);
		res->out.finance_id = xstrdup(id);
		xfree(res->out.message);
		res->out.message = xstrdup(json_string_value(json_object_get(api.json, "message"))
						   ? json_string_value(json_object_get(api.json, "message"))
						   : "");
	}
	api_result_release(&api);
	xfree(url);
	xfree(path);
	xfree(esc);
	return rc;
}

/*
 * A refusal of what was sent (4xx, not the token, the path or a limit): the
 * app created nothing, so a second create cannot make a second document.
 */
static int body_refused(const struct fin_outcome *o)
{
	return !o->ok && o->status >= 400 && o->status < 500 && o->status != 401 && o->status != 403 &&
	       o->status != 404 && o->status != 429;
}

/*
 * The number a sales order is given when the app will not number it:
 * Inventory's spec marks salesorder_number required on create, Books' only
 * with auto-numbering off (docs/sandbox.md, "Open readings").  "CRM-" and
 * the reference_number the caller sends, the id of the CRM deal or quote it
 * comes from: the same on every run, no two records' alike, and a user sees
 * where it came from.  NULL when the payload names its own number or has
 * no reference_number.
 */
static char *order_number(json_t *payload)
{
	const char *ref = jstr(payload, "reference_number");

	if (json_object_get(payload, "salesorder_number") || !ref || !*ref)
		return NULL;
	return xasprintf("CRM-%s", ref);
}

/*
 * A sales order is first sent without a number, for the organisation's own
 * series; refused, it is sent once more numbered by order_number(), with
 * ignore_auto_number_generation=true, which every app that has sales orders
 * takes.  Its reference_number is the same, so a lost answer to either is
 * found by the caller's lookup.
 */
int finclient_doc_create(struct finclient *fc, enum fin_doc doc, json_t *payload, struct fin_doc_result *res)
{
	int rc = doc_call(fc, doc, "POST", NULL, NULL, NULL, payload, res);
	char *number;
	json_t *numbered;

	if (rc || doc != FIN_DOC_SALESORDER || !body_refused(&res->out) || !(number = order_number(payload)))
		return rc;
	log_info("%s: a sales order without a number was refused (HTTP %ld, code %ld): sent again as %s",
		 fc->app->label, res->out.status, res->out.code, number);
	numbered = json_copy(payload);
	json_object_set_new(numbered, "salesorder_number", json_string(number));
	fin_doc_result_release(res);
	rc = doc_call(fc, doc, "POST", NULL, NULL, "ignore_auto_number_generation=true", numbered, res);
	json_decref(numbered);
	xfree(number);
	return rc;
}

int finclient_doc_update(struct finclient *fc, enum fin_doc doc, const char *id, json_t *payload,
			 struct fin_doc_result *res)
{
	return doc_call(fc, doc, "PUT", id, NULL, NULL, payload, res);
}

int finclient_doc_get(struct finclient *fc, enum fin_doc doc, const char *id, struct fin_doc_result *res)
{
	return doc_call(fc, doc, "GET", id, NULL, NULL, NULL, res);
}

int finclient_doc_status(struct finclient *fc, enum fin_doc doc, const char *id, const char *to,
			 struct fin_doc_result *res)
{
	const struct invoice_shape *shape = doc == FIN_DOC_INVOICE ? fc->app->invoice_shape : NULL;
	const char *own = !shape                ? NULL
			  : !strcmp(to, "sent") ? shape->send_path
			  : !strcmp(to, "void") ? shape->void_path
						: NULL;
	char *suffix = own ? xstrdup(own) : xasprintf("/status/%s", to);
	int rc = doc_call(fc, doc, "POST", id, suffix, NULL, NULL, res);

	xfree(suffix);
	return rc;
}

/* One lookup in progress: what it asks of a row, and what it found. */
struct doc_lookup {
	struct finclient *fc;
	enum fin_doc doc;
	const char *const *need;
	int (*verify)(json_t *rec, void *ud);
	void *ud;
	struct fin_doc_result *res;
};

static int lacks_any(json_t *row, const char *const *need)
{
	for (; need && *need; need++)
		if (!json_object_get(row, *need))
			return 1;
	return 0;
}

/* 1 (stop) when this row is the one: checked on the row, or on the record read by id. */
static int lookup_row(json_t *row, void *ud)
{
	struct doc_lookup *lk = ud;
	const struct resource *r = &doc_resources[lk->doc];
	struct fin_doc_result got;
	char *id = id_string(json_object_get(row, r->id_key));
	json_t *rec = json_incref(row);
	int rc = 0;

	memset(&got, 0, sizeof(got));
	if (id && lacks_any(row, lk->need)) {
		json_decref(rec);
		rec = NULL;
		if (!(rc = finclient_doc_get(lk->fc, lk->doc, id, &got)) && got.out.ok)
			rec = json_incref(got.record);
	}
	if (!rc && id && rec && lk->verify(rec, lk->ud)) {
		lk->res->out.ok = 1;
		lk->res->out.status = 200;
		lk->res->out.finance_id = id;
		lk->res->out.message = xstrdup("found");
		lk->res->record = json_incref(rec);
		id = NULL;
		rc = 1;
	}
	fin_doc_result_release(&got);
	json_decref(rec);
	xfree(id);
	return rc;
}

int finclient_doc_find(struct finclient *fc, enum fin_doc doc, const char *query, const char *const *need,
		       int (*verify)(json_t *rec, void *ud), void *ud, struct fin_doc_result *res)
{
	const struct resource *r = &doc_resources[doc];
	struct doc_lookup lk = { fc, doc, need, verify, ud, res };

	memset(res, 0, sizeof(*res));
	return finclient_list_path(fc, r->path, r->list_key, query, lookup_row, &lk);
}

struct own_doc {
	const char *crm_id;
	const char *customer_id;
};

static int is_own_doc(json_t *rec, void *ud)
{
	const struct own_doc *m = ud;

	return jstr_is(rec, "reference_number", m->crm_id) && jstr_is(rec, "customer_id", m->customer_id);
}

int finclient_doc_find_own(struct finclient *fc, enum fin_doc doc, const char *crm_id, const char *customer_id,
			   struct fin_doc_result *res)
{
	static const char *const need[] = { "reference_number", "customer_id", NULL };
	struct own_doc m = { crm_id, customer_id };
	char *ref = http_escape(crm_id), *customer = http_escape(customer_id);
	char *query = xasprintf("reference_number=%s&customer_id=%s", ref, customer);
	int rc = finclient_doc_find(fc, doc, query, need, is_own_doc, &m, res);

	xfree(query);
	xfree(customer);
	xfree(ref);
	return rc;
}

void fin_doc_result_release(struct fin_doc_result *res)
{
	fin_outcome_release(&res->out);
	json_decref(res->record);
	res->record = NULL;
}

int finclient_list_path(struct finclient *fc, const char *path, const char *list_key, const char *query,
			int (*fn)(json_t *row, void *ud), void *ud)
{
	struct page_guard guard;
	long page = 1;
	int more = 1, rc = 0;
	char *endpoint = xasprintf("%s: GET %s", fc->app->type, path);

	page_guard_init(&guard, endpoint, PER_PAGE);
	xfree(endpoint);
	while (more && !rc) {
		struct api_result res = API_RESULT_INIT;
		char *q = xasprintf("page=%ld&per_page=%d%s%s", page, PER_PAGE, query ? "&" : "", query ? query : "");
		char *url = fin_url(fc, path, NULL, q);
		json_t *rows = NULL;
		size_t i;

		rc = call(fc, "GET", url, NULL, &res);
		if (!rc && (res.status != 200 || !json_is_array(rows = json_object_get(res.json, list_key))))
			rc = res.status == 200 ? list_shape_unexpected(fc, path, list_key, &res)
					       : api_refused(fc, path, &res);
		if (!rc)
			more = json_is_true(json_object_get(json_object_get(res.json, "page_context"),
							    "has_more_page"));
		/* Before the rows are taken: a repeated page is not read twice. */
		if (!rc)
			rc = page_guard_check(&guard, rows, more, NULL);
		for (i = 0; !rc && i < json_array_size(rows); i++)
			rc = fn(json_array_get(rows, i), ud);
		page++;
		api_result_release(&res);
		xfree(url);
		xfree(q);
	}
	page_guard_release(&guard);
	return rc;
}

int finclient_delete(struct finclient *fc, enum entity_kind kind, const char *finance_id, struct fin_outcome *out)
{
	struct api_result res = API_RESULT_INIT;
	struct resource r;
	char *url;
	int rc;

	memset(out, 0, sizeof(*out));
	resource_of(fc->app, kind, &r);
	url = fin_url(fc, r.path, finance_id, NULL);
	if (!(rc = call(fc, "DELETE", url, NULL, &res))) {
		const char *msg = json_string_value(json_object_get(res.json, "message"));
		out->status = res.status;
		out->code = (long)json_integer_value(json_object_get(res.json, "code"));
		out->ok = res.status >= 200 && res.status < 300 && out->code == 0;
		out->finance_id = xstrdup(finance_id);
		out->message = xstrdup(msg ? msg : res.text ? res.text : "no answer body");
	}
	api_result_release(&res);
	xfree(url);
	return rc;
}

/* ---- contact persons ---- */

/* The person in an answer: Books' spec answers a one-element array, Billing an object. */
static json_t *answer_person(json_t *answer)
{
	json_t *p = json_object_get(answer, "contact_person");

	return json_is_array(p) ? json_array_get(p, 0) : p;
}

/* Reads a person call's answer; a missing person (404 or code 1002) is status 404. */
static void take_person(const struct finclient *fc, const char *person_id, struct api_result *res,
			struct fin_outcome *out)
{
	const char *msg = json_string_value(json_object_get(res->json, "message"));

	memset(out, 0, sizeof(*out));
	out->status = res->status;
	out->code = (long)json_integer_value(json_object_get(res->json, "code"));
	out->message = xstrdup(msg ? msg : res->text ? res->text : "no answer body");
	if (out->code == 1002)
		out->status = 404;
	if (res->status < 200 || res->status >= 300 || out->code != 0)
		return;
	out->finance_id = id_string(json_object_get(answer_person(res->json), fc->app->person_id_key));
	if (!out->finance_id && person_id)
		out->finance_id = xstrdup(person_id);
	out->ok = out->finance_id != NULL;
	if (!out->ok) {
		xfree(out->message);
		out->message = xasprintf("answer without contact_person.%s", fc->app->person_id_key);
	}
}

/* …/contactpersons[/{id}][suffix]: under the customer (Billing) or under /contacts. */
static char *person_path(const struct finclient *fc, const char *customer_id, const char *person_id, const char *suffix)
{
	struct buf b = BUF_INIT;

	buf_adds(&b, fc->app->customers_path);
	if (fc->app->persons_under_customer)
		buf_addf(&b, "/%s", customer_id);
	buf_adds(&b, "/contactpersons");
	if (person_id)
		buf_addf(&b, "/%s", person_id);
	if (suffix)
		buf_adds(&b, suffix);
	return buf_detach(&b);
}

static int person_call(struct finclient *fc, const char *method, const char *customer_id, const char *person_id,
		       const char *suffix, json_t *body, struct fin_outcome *out)
{
	struct api_result res = API_RESULT_INIT;
	char *path, *url;
	int rc;

	memset(out, 0, sizeof(*out));
	/* The ids come from answers and the ledger: only Zoho ids (digits) go into the path. */
	if ((person_id && !zoho_id_ok(person_id)) || (fc->app->persons_under_customer && !zoho_id_ok(customer_id))) {
		out->message = xstrdup("a contact person or customer id that is not a Zoho id (digits only): refused");
		return 0;
	}
	path = person_path(fc, customer_id, person_id, suffix);
	url = fin_url(fc, path, NULL, NULL);
	if (!(rc = call(fc, method, url, body, &res)))
		take_person(fc, person_id, &res, out);
	api_result_release(&res);
	xfree(url);
	xfree(path);
	return rc;
}

int finclient_person_write(struct finclient *fc, const char *customer_id, const char *person_id, json_t *body,
			   struct fin_outcome *out)
{
	json_t *sent = json_copy(body);
	int rc;

	/* Books style: the path names only the person; the contact goes in the body. */
	if (!fc->app->persons_under_customer)
		json_object_set_new(sent, "contact_id", json_string(customer_id));
	rc = person_call(fc, person_id ? "PUT" : "POST", customer_id, person_id, NULL, sent, out);
	json_decref(sent);
	return rc;
}

int finclient_person_delete(struct finclient *fc, const char *customer_id, const char *person_id,
			    struct fin_outcome *out)
{
	return person_call(fc, "DELETE", customer_id, person_id, NULL, NULL, out);
}

int finclient_person_primary(struct finclient *fc, const char *person_id, struct fin_outcome *out)
{
	return person_call(fc, "POST", NULL, person_id, "/primary", NULL, out);
}

int finclient_person_list(struct finclient *fc, const char *customer_id, int (*fn)(json_t *row, void *ud), void *ud)
{
	char *path = xasprintf("%s/%s/contactpersons", fc->app->customers_path, customer_id);
	int rc = finclient_list_path(fc, path, "contact_persons", NULL, fn, ud);

	xfree(path);
	return rc;
}

int finclient_get(struct finclient *fc, const char *path, const char *query, long *status, json_t **body)
{
	struct api_result res = API_RESULT_INIT;
	char *url = fin_url(fc, path, NULL, query);
	int rc;

	*status = 0;
	*body = NULL;
	if (!(rc = call(fc, "GET", url, NULL, &res))) {
		*status = res.status;
		*body = json_incref(res.json);
	}
	api_result_release(&res);
	xfree(url);
	return rc;
}
