/*
 * finance_api.c - the Zoho finance apps' HTTP side: which app a path
 * belongs to, the route inside it, the token, the organisation id (in the
 * place the app expects it), the per-minute rate limit and the daily quota, and the handlers
 * for organisations, currencies, and the create/get/update/delete/upsert of
 * customers and items.  Contact persons are handed to finance_persons.c.  Invoices, estimates and customer payments are
 * handed to finance_tx_api.c.  What differs per app comes from finance_app.c.
 */
#include "finance.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum froute { FR_NONE, FR_ORGS, FR_ORG, FR_CURRENCIES, FR_FIELDS, FR_COLL, FR_ONE, FR_STATUS, FR_TX, FR_PERSONS };

struct fcall {
	struct req *r;
	const struct fin_app *app;
	struct fres fr;
	char *seg[5];
	int n;
	enum froute route;
};

static void fin_refuse(struct req *r, int status, int code, const char *message)
{
	reply_json(r, status, jerr_fin(code, message));
}

static const struct fin_app *app_for_path(const char *path)
{
	size_t i, n;

	for (i = 0; i < 4; i++) {
		n = strlen(fin_apps[i].root);
		if (strncmp(path, fin_apps[i].root, n) == 0 && (!path[n] || path[n] == '/'))
			return &fin_apps[i];
	}
	return NULL;
}

/* /invoices, /invoices/{id}, /invoices/{id}/status/{action} (and the others) */
static enum froute match_tx(struct fcall *c, enum fin_kind kind)
{
	fres_init(&c->fr, c->r->sb, c->app, kind);
	if (c->n == 1 || c->n == 2)
		return FR_TX;
	if (kind == FIN_INVOICES && c->app->billing_invoices)
		return c->n == 3 && billing_invoice_action(c->seg[2]) ? FR_TX : FR_NONE;
	if (c->n == 4 && str_eq(c->seg[2], "status") && tx_action_ok(kind, c->seg[3]))
		return FR_TX;
	return FR_NONE;
}

static enum froute match(struct fcall *c)
{
	char **seg = c->seg;
	int kind;

	if (c->n <= 0)
		return FR_NONE;
	if (str_eq(seg[0], "organizations"))
		return c->n == 1 ? FR_ORGS : c->n == 2 ? FR_ORG : FR_NONE;
	if (str_eq(seg[0], "settings") && c->n == 2 && str_eq(seg[1], "fields"))
		return c->app->lists_custom_fields ? FR_FIELDS : FR_NONE; /* finance_settings.c */
	if (str_eq(seg[0], "settings"))
		return c->n == 2 && str_eq(seg[1], "currencies") ? FR_CURRENCIES : FR_NONE;
	if (str_eq(seg[0], "items"))
		kind = FIN_ITEMS;
	else if (str_eq(seg[0], c->app->contacts_path))
		kind = FIN_CONTACTS;
	else if ((kind = fin_kind_by_name(c->app, seg[0])) >= FIN_INVOICES)
		return match_tx(c, (enum fin_kind)kind);
	else
		return FR_NONE;
	fres_init(&c->fr, c->r->sb, c->app, (enum fin_kind)kind);
	if (kind == FIN_CONTACTS && persons_route(c->app, seg, c->n))
		return FR_PERSONS;
	if (c->n == 1)
		return FR_COLL;
	if (c->n == 2)
		return FR_ONE;
	if (c->n == 3 && (str_eq(seg[2], "active") || str_eq(seg[2], "inactive")))
		return FR_STATUS;
	return FR_NONE;
}

static int org_ok(struct req *r, const struct fin_app *app)
{
	const char *v = app->org_header ? req_header(r, app->org_header) : req_arg(r, "organization_id");

	return str_eq(v, jstr(r->sb->fin_org, "organization_id"));
}

/*
 * The daily quota's headers, as real Books sends them (Weble/ZohoBooksApi
 * issue #38: X-Rate-Limit-Limit 7500, -Remaining 6775, -Reset 34881, the
 * seconds until the quota starts again).
 */
static void quota_headers(struct req *r, long limit, long remaining, int64_t reset)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%ld", limit);
	reply_header(r, "X-Rate-Limit-Limit", buf);
	snprintf(buf, sizeof(buf), "%ld", remaining);
	reply_header(r, "X-Rate-Limit-Remaining", buf);
	snprintf(buf, sizeof(buf), "%lld", (long long)reset);
	reply_header(r, "X-Rate-Limit-Reset", buf);
}

/*
 * Count this request in the app's one-minute window; -1 when over.  The
 * answer is 429 code 44 with no rate headers and no Retry-After: Zoho
 * documents none for it (a Retry-After comes only from a fault rule).
 */
static int rate_check(struct req *r, const struct fin_app *app)
{
	struct sandbox *sb = r->sb;
	struct rate_window *w = &sb->rate[app->index];
	int64_t now = sb_now(sb);

	if (sb->rate_limit <= 0)
		return 0;
	if (now - w->start >= 60 || now < w->start) {
		w->start = now;
		w->count = 0;
	}
	if (w->count >= sb->rate_limit) {
		fin_refuse(r, 429, 44,
			   "For security reasons your organization has been blocked as it "
			   "have exceeded the maximum number of requests per minute that can "
			   "originate from an organization.");
		return -1;
	}
	w->count++;
	return 0;
}

/*
 * Count this request in the app's day (UTC, sandbox clock); -1 when the
 * day's quota is spent: 429 code 45.  Every counted answer, and the 429,
 * carries the quota's X-Rate-Limit-* headers.
 */
static int daily_check(struct req *r, const struct fin_app *app)
{
	struct sandbox *sb = r->sb;
	struct rate_window *d = &sb->daily[app->index];
	int64_t now = sb_now(sb), day = now / 86400, reset = (day + 1) * 86400 - now;
	char msg[160];

	if (sb->daily_limit <= 0)
		return 0;
	if (d->start != day) {
		d->start = day;
		d->count = 0;
	}
	if (d->count >= sb->daily_limit) {
		quota_headers(r, sb->daily_limit, 0, reset);
		snprintf(msg, sizeof(msg),
			 "The API call for this organization has exceeded the maximum call "
			 "rate limit of %ld.",
			 sb->daily_limit);
		fin_refuse(r, 429, 45, msg);
		return -1;
	}
	d->count++;
	quota_headers(r, sb->daily_limit, sb->daily_limit - d->count, reset);
	return 0;
}

/* ---- organisations and currencies ---------------------------------------- */

static json_t *org_json(struct sandbox *sb)
{
	json_t *org = json_pack("{s:s, s:s, s:b, s:b, s:s, s:s, s:s, s:i, s:s, s:s, s:i,"
				" s:s}",
				"contact_name", "Sandbox Admin", "email", "admin@sandbox.example", "is_default_org", 1,
				"is_org_active", 1, "plan_name", "Sandbox", "language_code", "en", "time_zone",
				"Etc/UTC", "fiscal_year_start_month", 0, "account_created_date", "2026-01-01",
				"currency_format", "1,234,567.89", "price_precision", 2, "currency_symbol", "");

	json_object_update(org, sb->fin_org);
	return org;
}

static json_t *currencies_json(struct sandbox *sb)
{
	const char *code = jstr(sb->fin_org, "currency_code");
	const char *id = jstr(sb->fin_org, "currency_id");
	int eur = str_eq(code, "EUR");
	json_t *base, *other;

	base = json_pack("{s:s, s:s, s:s, s:s, s:i, s:s, s:b, s:f, s:s}", "currency_id", id ? id : "460000000000097",
			 "currency_code", code ? code : "USD", "currency_name", code ? code : "USD", "currency_symbol",
			 jstr(sb->fin_org, "currency_symbol") ? jstr(sb->fin_org, "currency_symbol") : "",
			 "price_precision", 2, "currency_format", "1,234,567.89", "is_base_currency", 1,
			 "exchange_rate", 0.0, "effective_date", "");
	other = json_pack("{s:s, s:s, s:s, s:s, s:i, s:s, s:b, s:f, s:s}", "currency_id", "460000000000099",
			  "currency_code", eur ? "USD" : "EUR", "currency_name", eur ? "USD- US Dollar" : "EUR- Euro",
			  "currency_symbol", eur ? "$" : "€", "price_precision", 2, "currency_format", "1.234.567,89",
			  "is_base_currency", 0, "exchange_rate", 1.0, "effective_date", "2026-01-01");
	return json_pack("[o, o]", base, other);
}

static void organizations(struct fcall *c)
{
	struct sandbox *sb = c->r->sb;

	if (c->route == FR_ORGS) {
		reply_json(c->r, 200,
			   json_pack("{s:i, s:s, s:[o]}", "code", 0, "message", "success", "organizations",
				     org_json(sb)));
	} else if (str_eq(c->seg[1], jstr(sb->fin_org, "organization_id"))) {
		reply_json(c->r, 200,
			   json_pack("{s:i, s:s, s:o}", "code", 0, "message", "success", "organization", org_json(sb)));
	} else {
		fin_refuse(c->r, 400, 6041, "Invalid value passed for organization_id");
	}
}

static void currencies(struct fcall *c)
{
	reply_json(c->r, 200,
		   json_pack("{s:i, s:s, s:o, s:{s:i, s:i, s:b}}", "code", 0, "message", "success", "currencies",
			     currencies_json(c->r->sb), "page_context", "page", 1, "per_page", 200, "has_more_page",
			     0));
}

/* ---- records ---------------------------------------------------------------- */

static const char *msg_created(const struct fres *fr)
{
	return fr->kind == FIN_ITEMS ? "The item has been added." : fr->app->msg_contact_created;
}

static const char *msg_updated(const struct fres *fr)
{
	return fr->kind == FIN_ITEMS ? "Item details have been saved." : fr->app->msg_contact_updated;
}

static void not_found(struct req *r, const struct fres *fr)
{
	if (fr->kind == FIN_ITEMS)
		fin_refuse(r, 404, fr->app->item_missing_code, "Item does not exist.");
	else
		fin_refuse(r, 404, 1002, fr->app->msg_contact_missing);
}

static void answer_record(struct req *r, const struct fres *fr, int status, const char *message, json_t *rec)
{
	if (fr->kind == FIN_CONTACTS)
		pay_contact_amounts(r->sb, fr->app, rec);
	reply_json(r, status, json_pack("{s:i, s:s, s:O}", "code", 0, "message", message, fr->one_key, rec));
}

static json_t *body_of(struct req *r)
{
	json_error_t jerr;
	json_t *in = req_json_body(r, &jerr);

	if (!in)
		fin_refuse(r, 400, 2, "Invalid value passed for JSONString");
	return in;
}

/* Apply in to rec (an empty object for a create), then store and answer. */
static void save(struct req *r, struct fres *fr, const json_t *in, json_t *rec, int creating, const char *unique_key,
		 const char *unique_value)
{
	json_t *err;
	const char *got;
	char *a, *b;
	int status, same = 1;

	err = fin_apply(fr, in, rec, creating, &status);
	if (!err && unique_key) {
		got = jstr(json_object_get(rec, "custom_field_hash"), unique_key);
		a = norm_name(got);
		b = norm_name(unique_value);
		same = got && strcmp(a, b) == 0;
		free(a);
		free(b);
		if (!same)
			err = jerr_fin(2, "Invalid value passed for X-Unique-Identifier-Value");
	}
	if (err) {
		reply_json(r, status, err);
		return;
	}
	fin_finalize(fr, rec, creating ? FIN_CREATE : FIN_UPDATE);
	fin_put(fr, rec);
	answer_record(r, fr, creating ? 201 : 200, creating ? msg_created(fr) : msg_updated(fr), rec);
}

static void create(struct fcall *c)
{
	json_t *in = body_of(c->r), *rec;

	if (!in)
		return;
	rec = json_pack("{s:s}", c->fr.id_key, ""); /* the id comes first */
	store_begin(c->r->sb->st);
	save(c->r, &c->fr, in, rec, 1, NULL, NULL);
	store_commit(c->r->sb->st);
	json_decref(rec);
	json_decref(in);
}

/*
 * The keys the spec marks required on an update (Books v3 OpenAPI
 * update-a-contact-request: contact_name; update-an-item-request: name and
 * rate; Billing "Update a customer": display_name): a body without one is
 * refused as a blank one would be, even though the record has a value.
 */
static json_t *missing_required(const struct fres *fr, const json_t *in)
{
	if (!json_is_object(in))
		return NULL;
	if (fr->kind == FIN_CONTACTS && !json_object_get(in, fr->name_key))
		return jerr_fin(3013, fr->app->msg_contact_name);
	if (fr->kind == FIN_ITEMS && !json_object_get(in, "name"))
		return fin_bad_value("name");
	if (fr->kind == FIN_ITEMS && !json_object_get(in, "rate"))
		return fin_bad_value("rate");
	return NULL;
}

static void update(struct fcall *c)
{
	json_t *rec = fin_get(&c->fr, c->seg[1]), *in, *err;

	if (!rec) {
		not_found(c->r, &c->fr);
		return;
	}
	if ((in = body_of(c->r)) && (err = missing_required(&c->fr, in))) {
		reply_json(c->r, 400, err);
	} else if (in) {
		store_begin(c->r->sb->st);
		save(c->r, &c->fr, in, rec, 0, NULL, NULL);
		store_commit(c->r->sb->st);
	}
	json_decref(in);
	json_decref(rec);
}

/* The body for an X-Upsert create: the unique field set from the header. */
static json_t *with_unique(const json_t *in, const char *key, const char *value)
{
	json_t *copy = json_deep_copy(in), *list = json_object_get(copy, "custom_fields"), *e;
	size_t i;

	if (!json_is_object(copy))
		return copy;
	if (!list) {
		list = json_array();
		json_object_set_new(copy, "custom_fields", list);
	}
	json_array_foreach(list, i, e)
		if (str_eq(jstr(e, "api_name"), key))
			return copy;
	if (json_is_array(list))
		json_array_append_new(list, json_pack("{s:s, s:s}", "api_name", key, "value", value));
	return copy;
}

static int upsert_headers(struct req *r, struct fres *fr, const char **key, const char **value, int *create)
{
	const char *ups = req_header(r, "X-Upsert");
	const json_t *def;

	*key = req_header(r, "X-Unique-Identifier-Key");
	*value = req_header(r, "X-Unique-Identifier-Value");
	def = *key ? fin_cf_def(fr, *key) : NULL;
	if (!def || !json_is_true(json_object_get(def, "is_unique")))
		return fin_refuse(r, 400, 2, "Invalid value passed for X-Unique-Identifier-Key"), -1;
	if (str_empty(*value))
		return fin_refuse(r, 400, 2, "Invalid value passed for X-Unique-Identifier-Value"), -1;
	if (ups && !str_eq(ups, "true") && !str_eq(ups, "false"))
		return fin_refuse(r, 400, 2, "Invalid value passed for X-Upsert"), -1;
	*create = str_eq(ups, "true");
	return 0;
}

static void upsert(struct fcall *c)
{
	const char *key, *value;
	json_t *in = NULL, *rec = NULL, *body = NULL;
	char *id = NULL;
	int create;

	if (upsert_headers(c->r, &c->fr, &key, &value, &create) || !(in = body_of(c->r)))
		goto out;
	store_begin(c->r->sb->st);
	id = fin_find_unique(&c->fr, key, value, NULL);
	if (id && (rec = fin_get(&c->fr, id))) {
		save(c->r, &c->fr, in, rec, 0, key, value);
	} else if (create) {
		rec = json_pack("{s:s}", c->fr.id_key, "");
		body = with_unique(in, key, value);
		save(c->r, &c->fr, body, rec, 1, key, value);
	} else {
		not_found(c->r, &c->fr);
	}
	store_commit(c->r->sb->st);
out:
	free(id);
	json_decref(body);
	json_decref(rec);
	json_decref(in);
}

static void get_one(struct fcall *c)
{
	json_t *rec = fin_get(&c->fr, c->seg[1]);

	if (!rec) {
		not_found(c->r, &c->fr);
		return;
	}
	answer_record(c->r, &c->fr, 200, "success", rec);
	json_decref(rec);
}

static void delete_one(struct fcall *c)
{
	json_t *rec = fin_get(&c->fr, c->seg[1]);

	if (!rec) {
		not_found(c->r, &c->fr);
	} else if (c->fr.kind == FIN_CONTACTS && pay_contact_has_tx(c->r->sb, c->app, c->seg[1])) {
		fin_refuse(c->r, 400, 3000, "The contact cannot be deleted as it has transactions.");
	} else if (c->fr.kind == FIN_ITEMS && pay_item_in_use(c->r->sb, c->app, c->seg[1])) {
		fin_refuse(c->r, 400, 2049,
			   "Items which are a part of other transactions cannot be "
			   "deleted.");
	} else {
		fin_delete(&c->fr, c->seg[1]);
		reply_json(c->r, 200,
			   json_pack("{s:i, s:s}", "code", 0, "message",
				     c->fr.kind == FIN_ITEMS ? "The item has been deleted."
							     : c->app->msg_contact_deleted));
	}
	json_decref(rec);
}

static void set_status(struct fcall *c)
{
	json_t *rec = fin_get(&c->fr, c->seg[1]);
	char msg[96];

	if (!rec) {
		not_found(c->r, &c->fr);
		return;
	}
	json_object_set_new(rec, "status", json_string(c->seg[2]));
	fin_finalize(&c->fr, rec, FIN_UPDATE);
	fin_put(&c->fr, rec);
	snprintf(msg, sizeof(msg), "The %s has been marked as %s.", c->fr.kind == FIN_ITEMS ? "item" : c->fr.one_key,
		 c->seg[2]);
	reply_json(c->r, 200, json_pack("{s:i, s:s}", "code", 0, "message", msg));
	json_decref(rec);
}

/* ---- routing ----------------------------------------------------------------- */

static void method_not_allowed(struct req *r, const char *allow)
{
	char msg[128];

	snprintf(msg, sizeof(msg),
		 "The HTTP method %s is not allowed for the requested "
		 "resource",
		 r->method);
	reply_header(r, "Allow", allow);
	fin_refuse(r, 405, 37, msg);
}

static void dispatch(struct fcall *c)
{
	const char *m = c->r->method;

	if ((c->route == FR_ORGS || c->route == FR_ORG || c->route == FR_CURRENCIES) && strcmp(m, "GET") != 0)
		method_not_allowed(c->r, "GET");
	else if (c->route == FR_ORGS || c->route == FR_ORG)
		organizations(c);
	else if (c->route == FR_CURRENCIES)
		currencies(c);
	else if (c->route == FR_FIELDS)
		fin_custom_fields(c->r);
	else if (c->route == FR_COLL && !strcmp(m, "GET"))
		fin_list(c->r, &c->fr);
	else if (c->route == FR_COLL && !strcmp(m, "POST"))
		create(c);
	else if (c->route == FR_COLL && !strcmp(m, "PUT") && c->app->upsert)
		upsert(c);
	else if (c->route == FR_COLL)
		method_not_allowed(c->r, c->app->upsert ? "GET, POST, PUT" : "GET, POST");
	else if (c->route == FR_ONE && !strcmp(m, "GET"))
		get_one(c);
	else if (c->route == FR_ONE && !strcmp(m, "PUT"))
		update(c);
	else if (c->route == FR_ONE && !strcmp(m, "DELETE"))
		delete_one(c);
	else if (c->route == FR_ONE)
		method_not_allowed(c->r, "GET, PUT, DELETE");
	else if (c->route == FR_PERSONS)
		persons_handle(c->r, &c->fr, c->seg, c->n);
	else if (c->route == FR_TX)
		tx_handle(c->r, &c->fr, c->seg, c->n);
	else if (c->route == FR_STATUS && !strcmp(m, "POST"))
		set_status(c);
	else
		method_not_allowed(c->r, "POST");
}

void finance_handle(struct req *r)
{
	struct fcall c;
	char buf[1024];

	memset(&c, 0, sizeof(c));
	c.r = r;
	if (!(c.app = app_for_path(r->path))) {
		fin_refuse(r, 404, 5, "Invalid URL Passed");
		return;
	}
	r->api = c.app->name;
	if (!oauth_check(r)) {
		fin_refuse(r, 401, 57, "You are not authorized to perform this operation");
		return;
	}
	c.n = path_split(r->path, c.app->root, buf, sizeof(buf), c.seg, 4);
	if ((c.route = match(&c)) == FR_NONE) {
		fin_refuse(r, 404, 5, "Invalid URL Passed");
		return;
	}
	if (c.route != FR_ORGS && c.route != FR_ORG) {
		if (!org_ok(r, c.app)) {
			fin_refuse(r, 400, 6041, "Invalid value passed for organization_id");
			return;
		}
		if (rate_check(r, c.app))
			return;
	}
	/* Every call counts against the day, the organisation's own too. */
	if (daily_check(r, c.app))
		return;
	dispatch(&c);
}
