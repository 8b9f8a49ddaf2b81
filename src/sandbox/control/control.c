/*
 * control.c - /__control, the tests' back door (no auth, never logged):
 * look into the store, load records, read the request log and the OAuth
 * counters, and switch faults, rate limits and the clock.  The full list
 * is in docs/sandbox.md.
 */
#include "../finance/finance.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void ctl_error(struct req *r, int status, const char *msg)
{
	reply_json(r, status, json_pack("{s:s}", "error", msg));
}

static void ctl_ok(struct req *r)
{
	reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}

static json_t *ctl_body(struct req *r)
{
	json_error_t jerr;
	json_t *body = req_json_body(r, &jerr);
	char msg[300];

	if (!json_is_object(body)) {
		snprintf(msg, sizeof(msg), "body must be a JSON object%s%s", body ? "" : ": ", body ? "" : jerr.text);
		ctl_error(r, 400, msg);
		json_decref(body);
		return NULL;
	}
	return body;
}

/* ---- store ---------------------------------------------------------------- */

static void store_crm(struct req *r, const char *module)
{
	sqlite3_stmt *s = store_stmt(r->sb->st, "SELECT body FROM crm WHERE module = ?1"
						" ORDER BY idkey");
	json_t *list = json_array();

	sqlite3_bind_text(s, 1, module, -1, SQLITE_STATIC);
	while (sqlite3_step(s) == SQLITE_ROW)
		json_array_append_new(list, store_load_json(s, 0));
	sqlite3_reset(s);
	reply_json(r, 200, json_pack("{s:o}", "records", list));
}

static void store_view(struct req *r, char **seg, int n)
{
	const struct fin_app *app;
	int kind;

	if (n != 3) {
		ctl_error(r, 404,
			  "use /__control/store/crm/{Module} or "
			  "/__control/store/{app}/{resource}");
		return;
	}
	if (str_eq(seg[1], "crm")) {
		store_crm(r, seg[2]);
		return;
	}
	if (!(app = fin_app_by_name(seg[1])) || (kind = fin_kind_by_name(app, seg[2])) < 0) {
		ctl_error(r, 404, "unknown app or resource");
		return;
	}
	reply_json(r, 200, json_pack("{s:o}", "records", fin_store_list(r->sb, app, (enum fin_kind)kind)));
}

/* ---- loading records ------------------------------------------------------- */

static int crm_load_one(struct req *r, struct crm_module *mod, json_t *rec, json_t *ids)
{
	char now[32];

	if (!json_is_object(rec) || (json_object_get(rec, "id") && !is_digits(jstr(rec, "id"))))
		return -1;
	crm_stamp_loaded(r->sb, rec, now);
	if (!jstr(rec, "Modified_Time"))
		json_object_set_new(rec, "Modified_Time", json_string(now));
	crm_fill_full_name(mod, rec, 0);
	crm_module_learn(mod, rec);
	crm_store_put(r->sb, mod, rec);
	json_array_append(ids, json_object_get(rec, "id"));
	return 0;
}

/* POST /__control/crm/{module}/{id}/{relation} {"ids": [...]}: the record's related list, replaced. */
static void related_crm(struct req *r, const char *module, const char *id, const char *relation)
{
	json_t *body = ctl_body(r);

	if (!body)
		return;
	store_begin(r->sb->st);
	if (crm_related_put(r->sb, module, id, relation, json_object_get(body, "ids"))) {
		store_rollback(r->sb->st);
		ctl_error(r, 400,
			  "body needs \"ids\": [record ids], of a relation the sandbox knows (Deals/{id}/Products)");
	} else {
		store_commit(r->sb->st);
		ctl_ok(r);
	}
	json_decref(body);
}

static void load_crm(struct req *r, const char *module)
{
	json_t *body = ctl_body(r), *data, *rec, *ids;
	struct crm_module *mod;
	char msg[96];
	size_t i;

	if (!body)
		return;
	data = json_object_get(body, "data");
	if (!json_is_array(data)) {
		json_decref(body);
		ctl_error(r, 400, "body needs \"data\": [records]");
		return;
	}
	mod = crm_module_add(r->sb->meta, module);
	ids = json_array();
	store_begin(r->sb->st);
	json_array_foreach(data, i, rec) {
		if (crm_load_one(r, mod, rec, ids)) {
			store_rollback(r->sb->st);
			snprintf(msg, sizeof(msg), "data[%zu]: not an object with a numeric id", i);
			ctl_error(r, 400, msg);
			json_decref(ids);
			json_decref(body);
			return;
		}
	}
	store_commit(r->sb->st);
	reply_json(r, 200,
		   json_pack("{s:b, s:I, s:o}", "ok", 1, "count", (json_int_t)json_array_size(ids), "ids", ids));
	json_decref(body);
}

static void load_finance(struct req *r, const char *appname, const char *res)
{
	const struct fin_app *app = fin_app_by_name(appname);
	json_t *body, *data, *rec, *ids;
	int kind = app ? fin_kind_by_name(app, res) : -1;
	struct fres fr;
	size_t i;

	if (kind < 0) {
		ctl_error(r, 404, "unknown app or resource");
		return;
	}
	fres_init(&fr, r->sb, app, (enum fin_kind)kind);
	if (!(body = ctl_body(r)))
		return;
	if (!json_is_array(data = json_object_get(body, "data"))) {
		json_decref(body);
		ctl_error(r, 400, "body needs \"data\": [records]");
		return;
	}
	ids = json_array();
	store_begin(r->sb->st);
	json_array_foreach(data, i, rec) {
		if (fin_store_raw(r->sb, app, (enum fin_kind)kind, rec)) {
			store_rollback(r->sb->st);
			fail_prefix(FS_EINPUT, "data[%zu]", i);
			ctl_error(r, 400, err_msg());
			json_decref(ids);
			json_decref(body);
			return;
		}
		json_array_append(ids, json_object_get(rec, fr.id_key));
	}
	store_commit(r->sb->st);
	reply_json(r, 200,
		   json_pack("{s:b, s:I, s:o}", "ok", 1, "count", (json_int_t)json_array_size(ids), "ids", ids));
	json_decref(body);
}

/* ---- acting as the finance user ------------------------------------------- */

static const struct fin_app *tx_app(struct req *r, const char *name)
{
	const struct fin_app *app = fin_app_by_name(name);

	if (!app || !app->payment_keys) {
		ctl_error(r, 404, "unknown app, or it has no invoices");
		return NULL;
	}
	return app;
}

static void ctl_fin_error(struct req *r, json_t *err)
{
	char msg[512];

	snprintf(msg, sizeof(msg), "code %lld: %s", (long long)json_integer_value(json_object_get(err, "code")),
		 jstr_or(err, "message", "refused"));
	json_decref(err);
	ctl_error(r, 400, msg);
}

/* {"status": "sent"|"paid"|"void"|"draft"}: as the API's status actions;
 * "paid" records a payment of the whole balance (sending a draft first). */
static void invoice_status(struct req *r, const char *appname, const char *id)
{
	const struct fin_app *app = tx_app(r, appname);
	json_t *body = NULL, *rec = NULL, *err = NULL;
	const char *to, *msg;
	struct fres fr;

	if (!app || !(body = ctl_body(r)))
		goto out;
	to = jstr(body, "status");
	fres_init(&fr, r->sb, app, FIN_INVOICES);
	if (!(rec = tx_get(&fr, id))) {
		ctl_error(r, 404, "no such invoice");
		goto out;
	}
	store_begin(r->sb->st);
	if (str_eq(to, "paid")) {
		err = pay_in_full(r->sb, app, id);
	} else if (str_eq(to, "sent") || str_eq(to, "void") || str_eq(to, "draft")) {
		if (!(err = tx_set_status(&fr, rec, to, &msg))) {
			tx_finalize(&fr, rec, FIN_UPDATE);
			tx_put(&fr, rec);
		}
	} else {
		err = jerr_fin(2, "status must be sent, paid, void or draft");
	}
	if (err) {
		store_rollback(r->sb->st);
		ctl_fin_error(r, err);
		goto out;
	}
	store_commit(r->sb->st);
	json_decref(rec);
	rec = tx_get(&fr, id);
	tx_present(&fr, rec);
	reply_json(r, 200, json_pack("{s:b, s:O}", "ok", 1, "invoice", rec));
out:
	json_decref(rec);
	json_decref(body);
}

/* A payment with the API's body and checks, without a token. */
static void payment(struct req *r, const char *appname)
{
	const struct fin_app *app = tx_app(r, appname);
	json_t *body, *rec = NULL, *err;
	struct fres fr;
	int status;

	if (!app || !(body = ctl_body(r)))
		return;
	fres_init(&fr, r->sb, app, FIN_PAYMENTS);
	store_begin(r->sb->st);
	if ((err = pay_create(&fr, body, &rec, &status))) {
		store_rollback(r->sb->st);
		ctl_fin_error(r, err);
	} else {
		store_commit(r->sb->st);
		reply_json(r, 200, json_pack("{s:b, s:O}", "ok", 1, "payment", rec));
	}
	json_decref(rec);
	json_decref(body);
}

static void delete_crm(struct req *r, const char *module, const char *id)
{
	struct crm_module *mod = crm_module_get(r->sb->meta, module);
	const char *type = req_arg(r, "type");

	type = type ? type : "recycle";
	if (!str_eq(type, "recycle") && !str_eq(type, "permanent")) {
		ctl_error(r, 400, "type must be recycle or permanent");
		return;
	}
	if (!mod || crm_store_delete(r->sb, mod, id, type)) {
		ctl_error(r, 404, "no such record");
		return;
	}
	ctl_ok(r);
}

/* ---- request log, oauth, limits, clock ------------------------------------- */

static void requests(struct req *r)
{
	const char *since = req_arg(r, "since");
	long from = 0;
	sqlite3_stmt *s;
	json_t *list;

	if (strcmp(r->method, "DELETE") == 0) {
		store_exec(r->sb->st, "DELETE FROM requests");
		ctl_ok(r);
		return;
	}
	if (since && parse_long(since, 0, 0x7fffffffL, &from)) {
		ctl_error(r, 400, "since must be a number");
		return;
	}
	s = store_stmt(r->sb->st, "SELECT seq, method, path, query, status, api, at"
				  " FROM requests WHERE seq > ?1 ORDER BY seq");
	sqlite3_bind_int64(s, 1, from);
	list = json_array();
	while (sqlite3_step(s) == SQLITE_ROW)
		json_array_append_new(
			list,
			json_pack("{s:I, s:s, s:s, s:s, s:i, s:s, s:s}", "seq", (json_int_t)sqlite3_column_int64(s, 0),
				  "method", (const char *)sqlite3_column_text(s, 1), "path",
				  (const char *)sqlite3_column_text(s, 2), "query",
				  (const char *)sqlite3_column_text(s, 3), "status", sqlite3_column_int(s, 4), "api",
				  (const char *)sqlite3_column_text(s, 5), "at",
				  (const char *)sqlite3_column_text(s, 6)));
	sqlite3_reset(s);
	reply_json(r, 200, json_pack("{s:o}", "requests", list));
}

static void oauth_ctl(struct req *r)
{
	json_t *body;
	const json_t *ttl;
	sqlite3_stmt *s;

	if (strcmp(r->method, "DELETE") == 0) {
		oauth_reset(r->sb);
		ctl_ok(r);
		return;
	}
	if (strcmp(r->method, "POST") == 0) {
		if (!(body = ctl_body(r)))
			return;
		ttl = json_object_get(body, "token_ttl");
		if (ttl && (!json_is_integer(ttl) || json_integer_value(ttl) < 1)) {
			json_decref(body);
			ctl_error(r, 400, "token_ttl must be a positive integer");
			return;
		}
		if (ttl)
			r->sb->token_ttl = (long)json_integer_value(ttl);
		if (json_is_true(json_object_get(body, "expire_tokens"))) {
			s = store_stmt(r->sb->st, "UPDATE tokens SET expires = ?1");
			sqlite3_bind_int64(s, 1, sb_now(r->sb) - 1);
			sqlite3_step(s);
			sqlite3_reset(s);
		}
		json_decref(body);
	}
	reply_json(r, 200,
		   json_pack("{s:O, s:I}", "refreshes", r->sb->refreshes, "token_ttl", (json_int_t)r->sb->token_ttl));
}

/* A limit from the body into *out: 1 when set, 0 when absent, -1 (answered 400) when not an integer >= 0. */
static int limit_from(struct req *r, json_t *body, const char *key, long *out)
{
	const json_t *v = json_object_get(body, key);

	if (!v)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0) {
		ctl_error(r, 400, "rate_per_minute and daily_limit must be integers >= 0");
		return -1;
	}
	*out = (long)json_integer_value(v);
	return 1;
}

/* Sets the finance limits given; each one set starts its windows again. */
static void limits(struct req *r)
{
	json_t *body;

	if (strcmp(r->method, "POST") == 0) {
		int rate, daily;
		if (!(body = ctl_body(r)))
			return;
		rate = limit_from(r, body, "rate_per_minute", &r->sb->rate_limit);
		daily = rate < 0 ? -1 : limit_from(r, body, "daily_limit", &r->sb->daily_limit);
		json_decref(body);
		if (rate < 0 || daily < 0)
			return;
		if (rate)
			memset(r->sb->rate, 0, sizeof(r->sb->rate));
		if (daily)
			memset(r->sb->daily, 0, sizeof(r->sb->daily));
	}
	reply_json(r, 200,
		   json_pack("{s:I, s:I}", "rate_per_minute", (json_int_t)r->sb->rate_limit, "daily_limit",
			     (json_int_t)r->sb->daily_limit));
}

/*
 * Transaction list parameters the lists then ignore, as an app that does
 * not honour a filter would: the tests of a client that must check every
 * row it is given (a documented filter may still be read another way).
 */
static void transaction_filters(struct req *r)
{
	json_t *body, *list, *v;
	size_t i;

	if (strcmp(r->method, "POST") == 0) {
		if (!(body = ctl_body(r)))
			return;
		list = json_object_get(body, "ignore");
		json_array_foreach(list, i, v)
			if (!json_is_string(v))
				list = NULL;
		if (!json_is_array(list)) {
			json_decref(body);
			ctl_error(r, 400, "ignore must be a list of query parameter names");
			return;
		}
		json_decref(r->sb->tx_ignored);
		r->sb->tx_ignored = json_incref(list);
		json_decref(body);
	} else {
		json_decref(r->sb->tx_ignored);
		r->sb->tx_ignored = NULL;
	}
	reply_json(r, 200, json_pack("{s:O?}", "ignore", r->sb->tx_ignored));
}

static const char *const reading_names[] = { "honour_contact_type", "salesorder_auto_number" };
#define NREADINGS (sizeof(reading_names) / sizeof(reading_names[0]))

/* 1 when body sets at least one reading and each one it sets to true or false. */
static int readings_valid(const json_t *body)
{
	const json_t *v;
	size_t i, given = 0;

	for (i = 0; i < NREADINGS; i++) {
		if ((v = json_object_get(body, reading_names[i])) && !json_is_boolean(v))
			return 0;
		given += v != NULL;
	}
	return given > 0;
}

/*
 * {"honour_contact_type": true|false, "salesorder_auto_number": true|false},
 * either or both: the lenient readings of open questions, for a test that
 * wants them (docs/sandbox.md, "Open readings").
 */
static void readings(struct req *r)
{
	int *const flags[NREADINGS] = { &r->sb->honour_contact_type, &r->sb->salesorder_auto_number };
	json_t *body;
	const json_t *v;
	size_t i;

	if (strcmp(r->method, "POST") == 0) {
		if (!(body = ctl_body(r)))
			return;
		if (!readings_valid(body)) {
			json_decref(body);
			ctl_error(r, 400, "honour_contact_type and salesorder_auto_number must be true or false");
			return;
		}
		for (i = 0; i < NREADINGS; i++)
			if ((v = json_object_get(body, reading_names[i])))
				*flags[i] = json_is_true(v);
		json_decref(body);
	}
	reply_json(r, 200,
		   json_pack("{s:b, s:b}", "honour_contact_type", r->sb->honour_contact_type, "salesorder_auto_number",
			     r->sb->salesorder_auto_number));
}

static void clock_ctl(struct req *r)
{
	json_t *body;
	const json_t *v;

	if (strcmp(r->method, "POST") == 0) {
		if (!(body = ctl_body(r)))
			return;
		v = json_object_get(body, "advance");
		if (!json_is_integer(v)) {
			json_decref(body);
			ctl_error(r, 400, "advance must be an integer (seconds)");
			return;
		}
		r->sb->clock_offset += json_integer_value(v);
		json_decref(body);
	}
	reply_json(r, 200,
		   json_pack("{s:I, s:I}", "now", (json_int_t)sb_now(r->sb), "offset",
			     (json_int_t)r->sb->clock_offset));
}

/* ---- faults ----------------------------------------------------------------- */

static void add_rules(struct req *r, const char *force_kind)
{
	json_t *body = ctl_body(r), *rules, *rule;
	size_t i;

	if (!body)
		return;
	if (force_kind)
		json_object_set_new(body, "kind", json_string(force_kind));
	rules = json_object_get(body, "rules");
	if (!rules)
		rules = json_pack("[O]", body);
	else
		json_incref(rules);
	json_array_foreach(rules, i, rule) {
		if (faults_add(r->sb->faults, rule)) {
			ctl_error(r, 400, err_msg());
			break;
		}
	}
	if (i == json_array_size(rules))
		reply_json(r, 200, json_pack("{s:o}", "rules", faults_json(r->sb->faults)));
	json_decref(rules);
	json_decref(body);
}

static void faults_ctl(struct req *r, const char *only_kind)
{
	if (strcmp(r->method, "POST") == 0) {
		add_rules(r, only_kind);
	} else if (strcmp(r->method, "DELETE") == 0) {
		faults_clear(r->sb->faults, only_kind);
		ctl_ok(r);
	} else {
		reply_json(r, 200, json_pack("{s:o}", "rules", faults_json(r->sb->faults)));
	}
}

static void route(struct req *r, char **seg, int n)
{
	const char *m = r->method;
	int get = !strcmp(m, "GET"), post = !strcmp(m, "POST"), del = !strcmp(m, "DELETE");

	if (n == 1 && str_eq(seg[0], "health") && get)
		reply_json(r, 200, json_pack("{s:b}", "ok", 1));
	else if (n >= 1 && str_eq(seg[0], "store") && get)
		store_view(r, seg, n);
	else if (n == 1 && str_eq(seg[0], "requests") && (get || del))
		requests(r);
	else if (n == 1 && str_eq(seg[0], "oauth"))
		oauth_ctl(r);
	else if (n == 2 && str_eq(seg[0], "crm") && post)
		load_crm(r, seg[1]);
	else if (n == 4 && str_eq(seg[0], "crm") && post)
		related_crm(r, seg[1], seg[2], seg[3]);
	else if (n == 3 && str_eq(seg[0], "crm") && del)
		delete_crm(r, seg[1], seg[2]);
	else if (n == 3 && str_eq(seg[0], "finance") && str_eq(seg[2], "payments") && post)
		payment(r, seg[1]);
	else if (n == 3 && str_eq(seg[0], "finance") && post)
		load_finance(r, seg[1], seg[2]);
	else if (n == 5 && str_eq(seg[0], "finance") && str_eq(seg[2], "invoices") && str_eq(seg[4], "status") && post)
		invoice_status(r, seg[1], seg[3]);
	else if (n == 1 && str_eq(seg[0], "reject") && (post || del))
		faults_ctl(r, "reject");
	else if (n == 1 && str_eq(seg[0], "faults"))
		faults_ctl(r, NULL);
	else if (n == 1 && str_eq(seg[0], "limits"))
		limits(r);
	else if (n == 1 && str_eq(seg[0], "clock"))
		clock_ctl(r);
	else if (n == 1 && str_eq(seg[0], "transaction_filters") && (post || del))
		transaction_filters(r);
	else if (n == 1 && str_eq(seg[0], "readings"))
		readings(r);
	else if (n == 1 && str_eq(seg[0], "bulk_read"))
		bulk_control(r);
	else
		ctl_error(r, 404, "unknown control endpoint or method; see docs/sandbox.md");
}

void control_handle(struct req *r)
{
	char buf[1024];
	char *seg[6];
	int n = path_split(r->path, "/__control", buf, sizeof(buf), seg, 5);

	r->api = "control";
	if (r->body_too_big) {
		ctl_error(r, 413, "body too large");
		return;
	}
	if (n <= 0) {
		ctl_error(r, 404, "unknown control endpoint");
		return;
	}
	route(r, seg, n);
}
