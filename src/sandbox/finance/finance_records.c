/*
 * finance_records.c - finance customers/vendors and items: the store, the
 * checks a create or update body goes through, and the object the API
 * returns (which is also what is stored).
 *
 * A body is checked key by key against the app's accepted keys (finance.h),
 * then applied to the record: addresses merge, contact_persons replace the
 * set (listed ids updated, new ones added, the rest removed: Books "Update a
 * Contact"), custom fields
 * merge by api_name.  Names, SKUs and unique custom fields are then checked
 * against the other records of the same app.
 */
#include "finance.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

json_t *fin_bad_value(const char *what)
{
	char msg[300];

	snprintf(msg, sizeof(msg), "Invalid value passed for %s", what);
	return jerr_fin(2, msg);
}

/* ---- store -------------------------------------------------------------- */

/* The body of one record of fr's kind, by id: sql selects it by (app, kind, id). */
json_t *fin_body_by_id(struct fres *fr, const char *sql, const char *id)
{
	sqlite3_stmt *s = store_stmt(fr->sb->st, sql);
	json_t *rec = NULL;

	sqlite3_bind_text(s, 1, fr->app->name, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, fr->kind);
	sqlite3_bind_text(s, 3, id, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		rec = store_load_json(s, 0);
	sqlite3_reset(s);
	return rec;
}

json_t *fin_get(struct fres *fr, const char *id)
{
	return fin_body_by_id(fr, "SELECT body FROM fin WHERE app = ?1 AND kind = ?2 AND id = ?3", id);
}

int64_t fin_rec_time(struct sandbox *sb, const json_t *rec, const char *key)
{
	int64_t t;

	return parse_iso_time(jstr(rec, key), 0, &t) ? sb_now(sb) : t;
}

void fin_put_unique(struct fres *fr, const char *id, const json_t *hash)
{
	sqlite3_stmt *s = store_stmt(fr->sb->st, "DELETE FROM fin_unique WHERE app = ?1 AND"
						 " kind = ?2 AND id = ?3");
	const json_t *def;
	const char *api;
	char *v;
	size_t i;

	sqlite3_bind_text(s, 1, fr->app->name, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, fr->kind);
	sqlite3_bind_text(s, 3, id, -1, SQLITE_STATIC);
	sqlite3_step(s);
	sqlite3_reset(s);
	json_array_foreach(fr->cf_defs, i, def) {
		api = jstr(def, "api_name");
		if (!json_is_true(json_object_get(def, "is_unique")) || !jstr(hash, api))
			continue;
		v = norm_name(jstr(hash, api));
		s = store_stmt(fr->sb->st, "INSERT OR REPLACE INTO fin_unique"
					   " VALUES(?1, ?2, ?3, ?4, ?5)");
		sqlite3_bind_text(s, 1, fr->app->name, -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 2, fr->kind);
		sqlite3_bind_text(s, 3, api, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 4, v, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 5, id, -1, SQLITE_STATIC);
		sqlite3_step(s);
		sqlite3_reset(s);
		free(v);
	}
}

/*
 * Writes rec by s, an INSERT OR REPLACE whose own columns the caller has
 * bound: binds what every finance row has (?1 app, ?2 kind, ?3 id, ?4 its
 * sort key; the created and modified times and the body from ?time_col),
 * then keeps the record's unique custom-field values and notes its id.
 */
void fin_row_put(struct fres *fr, sqlite3_stmt *s, int time_col, json_t *rec)
{
	const char *id = jstr(rec, fr->id_key);
	char *key = id_key(id);
	char *text = ndjson_dumps(rec, JSON_COMPACT | JSON_REAL_PRECISION(15));

	sqlite3_bind_text(s, 1, fr->app->name, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, fr->kind);
	sqlite3_bind_text(s, 3, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, time_col, fin_rec_time(fr->sb, rec, "created_time"));
	sqlite3_bind_int64(s, time_col + 1, fin_rec_time(fr->sb, rec, "last_modified_time"));
	sqlite3_bind_text(s, time_col + 2, text, -1, SQLITE_STATIC);
	sqlite3_step(s);
	sqlite3_reset(s);
	fin_put_unique(fr, id, json_object_get(rec, "custom_field_hash"));
	store_note_id(fr->sb->st, id);
	free(key);
	free(text);
}

void fin_put(struct fres *fr, json_t *rec)
{
	const char *sku = jstr(rec, "sku");
	char *name = norm_name(jstr(rec, fr->name_key));
	char *skuk = str_empty(sku) ? NULL : norm_name(sku);
	sqlite3_stmt *s = store_stmt(fr->sb->st, "INSERT OR REPLACE INTO fin(app, kind, id,"
						 " idkey, name_key, sku_key, ctype, ctime, mtime, body)"
						 " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");

	sqlite3_bind_text(s, 5, name, -1, SQLITE_STATIC);
	if (skuk)
		sqlite3_bind_text(s, 6, skuk, -1, SQLITE_STATIC);
	if (fr->kind == FIN_CONTACTS) /* Billing customers have no contact_type */
		sqlite3_bind_text(s, 7, jstr(rec, "contact_type") ? jstr(rec, "contact_type") : "customer", -1,
				  SQLITE_STATIC);
	fin_row_put(fr, s, 8, rec);
	free(name);
	free(skuk);
}

/* Deletes the record by delete_sql (?1 app, ?2 kind, ?3 id) and its unique custom-field values. */
void fin_delete_from(struct fres *fr, const char *delete_sql, const char *id)
{
	const char *const sql[] = {
		delete_sql,
		"DELETE FROM fin_unique WHERE app = ?1 AND kind = ?2 AND id = ?3",
	};
	sqlite3_stmt *s;
	size_t i;

	for (i = 0; i < 2; i++) {
		s = store_stmt(fr->sb->st, sql[i]);
		sqlite3_bind_text(s, 1, fr->app->name, -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 2, fr->kind);
		sqlite3_bind_text(s, 3, id, -1, SQLITE_STATIC);
		sqlite3_step(s);
		sqlite3_reset(s);
	}
}

void fin_delete(struct fres *fr, const char *id)
{
	fin_delete_from(fr, "DELETE FROM fin WHERE app = ?1 AND kind = ?2 AND id = ?3", id);
}

char *fin_find_unique(struct fres *fr, const char *field, const char *value, const char *except_id)
{
	sqlite3_stmt *s = store_stmt(fr->sb->st, "SELECT id FROM fin_unique WHERE app = ?1 AND"
						 " kind = ?2 AND field = ?3 AND value = ?4 AND id <> ?5");
	char *v = norm_name(value), *id = NULL;

	sqlite3_bind_text(s, 1, fr->app->name, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, fr->kind);
	sqlite3_bind_text(s, 3, field, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, v, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, except_id ? except_id : "", -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		id = xstrdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_reset(s);
	free(v);
	return id;
}

static char *find_by(struct fres *fr, const char *column, const char *value, const char *except_id)
{
	char *sql = xasprintf("SELECT id FROM fin WHERE app = ?1 AND kind = ?2 AND %s = ?3"
			      " AND id <> ?4 LIMIT 1",
			      column);
	sqlite3_stmt *s = store_stmt(fr->sb->st, sql);
	char *v = norm_name(value), *id = NULL;

	sqlite3_bind_text(s, 1, fr->app->name, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, fr->kind);
	sqlite3_bind_text(s, 3, v, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, except_id ? except_id : "", -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		id = xstrdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_reset(s);
	free(v);
	free(sql);
	return id;
}

/* ---- custom fields ------------------------------------------------------ */

static char *cf_id(const struct fres *fr, size_t index)
{
	return xasprintf("4600000000%05zu", 90000 + (size_t)fr->kind * 100 + index + 1);
}

const json_t *fin_cf_def(struct fres *fr, const char *api_name)
{
	const json_t *def;
	size_t i;

	json_array_foreach(fr->cf_defs, i, def)
		if (str_eq(jstr(def, "api_name"), api_name))
			return def;
	return NULL;
}

/* The definition an entry of "custom_fields" names, by api_name,
 * customfield_id, index or label. */
static const json_t *cf_lookup(struct fres *fr, const json_t *entry, char **name)
{
	const json_t *def, *idx = json_object_get(entry, "index");
	char *id;
	size_t i;
	int hit;

	json_array_foreach(fr->cf_defs, i, def) {
		id = cf_id(fr, i);
		hit = str_eq(jstr(entry, "api_name"), jstr(def, "api_name")) ||
		      str_eq(jstr(entry, "customfield_id"), id) ||
		      (json_is_integer(idx) && json_integer_value(idx) == (json_int_t)i + 1) ||
		      str_eq(jstr(entry, "label"), jstr(def, "label"));
		free(id);
		if (hit)
			return def;
	}
	*name = jstr(entry, "api_name")         ? xstrdup(jstr(entry, "api_name"))
		: jstr(entry, "customfield_id") ? xstrdup(jstr(entry, "customfield_id"))
		: jstr(entry, "label")          ? xstrdup(jstr(entry, "label"))
						: xstrdup("custom_fields");
	return NULL;
}

static int cf_value_ok(const json_t *def, const json_t *v)
{
	static const char *const numeric[] = { "number", "decimal", "amount", "percent", NULL };
	const char *type = jstr(def, "data_type");

	if (json_is_null(v))
		return 1;
	if (str_in(type, numeric))
		return json_is_number(v);
	if (str_eq(type, "check_box"))
		return json_is_boolean(v);
	if (str_eq(type, "email"))
		return json_is_string(v) && (!*json_string_value(v) || valid_email(json_string_value(v)));
	return json_is_string(v);
}

json_t *fin_apply_cf(struct fres *fr, const json_t *list, json_t *rec)
{
	static const char *const keys[] = { "api_name", "customfield_id", "index", "label", "value", NULL };
	json_t *hash = json_object_get(rec, "custom_field_hash"), *entry, *v;
	const json_t *def;
	const char *key;
	char *name = NULL;
	size_t i;

	if (!hash) {
		hash = json_object();
		json_object_set_new(rec, "custom_field_hash", hash);
	}
	json_array_foreach(list, i, entry) {
		if (!json_is_object(entry))
			return fin_bad_value("custom_fields");
		json_object_foreach(entry, key, v)
			if (!str_in(key, keys))
				return fin_bad_value(key);
		if (!(def = cf_lookup(fr, entry, &name))) {
			json_t *err = fin_bad_value(name);

			free(name);
			return err;
		}
		v = json_object_get(entry, "value");
		if (!v || !cf_value_ok(def, v))
			return fin_bad_value(jstr(def, "api_name"));
		json_object_set(hash, jstr(def, "api_name"), v);
	}
	return NULL;
}

/* Rebuild custom_fields and custom_field_hash: the array's values, then the
 * hash's (which a body updated; null there removes a value). */
void fin_finalize_cf(struct fres *fr, json_t *rec)
{
	json_t *values = json_object(), *list = json_array(), *hash = json_object();
	json_t *e, *v;
	const json_t *def;
	const char *key, *api;
	char *id;
	size_t i;

	json_array_foreach(json_object_get(rec, "custom_fields"), i, e)
		if (jstr(e, "api_name") && json_object_get(e, "value"))
			json_object_set(values, jstr(e, "api_name"), json_object_get(e, "value"));
	json_object_foreach(json_object_get(rec, "custom_field_hash"), key, v)
		json_object_set(values, key, v);
	json_array_foreach(fr->cf_defs, i, def) {
		api = jstr(def, "api_name");
		v = json_object_get(values, api);
		if (!v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v)))
			continue;
		id = cf_id(fr, i);
		json_array_append_new(list, json_pack("{s:s, s:I, s:s, s:O?, s:O?, s:O}", "customfield_id", id, "index",
						      (json_int_t)i + 1, "api_name", api, "label",
						      json_object_get(def, "label"), "data_type",
						      json_object_get(def, "data_type"), "value", v));
		json_object_set(hash, api, v);
		free(id);
	}
	json_object_set_new(rec, "custom_fields", list);
	json_object_set_new(rec, "custom_field_hash", hash);
	json_decref(values);
}

/* ---- addresses and contact persons --------------------------------------- */

static json_t *apply_address(struct fres *fr, const char *which, const json_t *in, json_t *rec)
{
	json_t *addr = json_object_get(rec, which), *v;
	const char *key;
	char what[96];

	if (!json_is_object(addr)) {
		addr = json_object();
		json_object_set_new(rec, which, addr);
	}
	json_object_foreach((json_t *)in, key, v) {
		if (!str_in(key, fr->app->address_keys) || !(json_is_string(v) || json_is_null(v))) {
			snprintf(what, sizeof(what), "%s.%s", which, key);
			return fin_bad_value(what);
		}
		json_object_set_new(addr, key, json_string(json_is_null(v) ? "" : json_string_value(v)));
	}
	return NULL;
}

static json_t *check_person(const json_t *p)
{
	static const char *const bools[] = { "is_primary_contact", "enable_portal", NULL };
	const char *key;
	json_t *v;

	if (!json_is_object(p))
		return fin_bad_value("contact_persons");
	json_object_foreach((json_t *)p, key, v) {
		if (!str_in(key, fin_person_keys))
			return fin_bad_value(key);
		if (str_in(key, bools) ? !json_is_boolean(v)
		    : str_eq(key, "communication_preference")
			    ? !json_is_object(v)
			    : !(json_is_string(v) || json_is_null(v)))
			return fin_bad_value(key);
	}
	if (!str_empty(jstr(p, "email")) && !valid_email(jstr(p, "email")))
		return fin_bad_value("email");
	/* Books "Update a Contact": is_primary_contact "Allowed value is true only". */
	if (json_is_false(json_object_get(p, "is_primary_contact")))
		return fin_bad_value("is_primary_contact");
	return NULL;
}

static json_t *find_person(const json_t *list, const char *id)
{
	json_t *p;
	size_t i;

	json_array_foreach(list, i, p)
		if (str_eq(jstr(p, "contact_person_id"), id))
			return p;
	return NULL;
}

static json_t *new_person(struct fres *fr)
{
	static const char *const keys[] = {
		"salutation", "first_name",  "last_name",  "email", "phone",
		"mobile",     "designation", "department", "skype", NULL
	};
	json_t *p = json_object();
	char *id = store_new_fin_id(fr->sb->st);
	const char *const *k;

	json_object_set_new(p, "contact_person_id", json_string(id));
	for (k = keys; *k; k++)
		json_object_set_new(p, *k, json_string(""));
	json_object_set_new(p, "is_primary_contact", json_false());
	free(id);
	return p;
}

static json_t *set_primary(json_t *list)
{
	json_t *p;
	size_t i, primaries = 0;

	json_array_foreach(list, i, p)
		primaries += json_is_true(json_object_get(p, "is_primary_contact"));
	if (primaries > 1)
		return fin_bad_value("is_primary_contact");
	if (!primaries && json_array_size(list))
		json_object_set_new(json_array_get(list, 0), "is_primary_contact", json_true());
	return NULL;
}

static json_t *apply_persons(struct fres *fr, const json_t *in, json_t *rec)
{
	json_t *old = json_object_get(rec, "contact_persons"), *list = json_array();
	json_t *e, *p, *err = NULL;
	const char *pid;
	size_t i;

	json_array_foreach(in, i, e) {
		if ((err = check_person(e)))
			break;
		pid = jstr(e, "contact_person_id");
		if (pid && !(p = find_person(old, pid))) {
			err = fin_bad_value("contact_person_id");
			break;
		}
		p = pid ? json_deep_copy(p) : new_person(fr);
		json_object_update(p, e);
		json_array_append_new(list, p);
	}
	if (!err)
		err = set_primary(list);
	if (err)
		json_decref(list);
	else
		json_object_set_new(rec, "contact_persons", list);
	return err;
}

/* ---- checks -------------------------------------------------------------- */

static const struct keyspec *find_key(const struct keyspec *ks, const char *key)
{
	for (; ks->key; ks++)
		if (strcmp(ks->key, key) == 0)
			return ks;
	return NULL;
}

static int type_ok(enum ktype t, const json_t *v)
{
	switch (t) {
	case K_STR:
		return json_is_string(v);
	case K_NUM:
		return json_is_number(v);
	case K_INT:
		return json_is_integer(v);
	case K_BOOL:
		return json_is_boolean(v);
	case K_OBJ:
		return json_is_object(v);
	case K_ARR:
		return json_is_array(v);
	default:
		return 1;
	}
}

json_t *fin_check_keys(const struct keyspec *keys, const json_t *in)
{
	const struct keyspec *ks;
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)in, key, v) {
		ks = find_key(keys, key);
		if (!ks || (!json_is_null(v) && !type_ok(ks->type, v)))
			return fin_bad_value(key);
	}
	return NULL;
}

json_t *fin_check_unique_cfs(struct fres *fr, const json_t *rec)
{
	const json_t *hash = json_object_get(rec, "custom_field_hash"), *def, *v;
	const char *api;
	char *other, msg[400];
	size_t i;

	json_array_foreach(fr->cf_defs, i, def) {
		api = jstr(def, "api_name");
		v = json_object_get(hash, api);
		if (!json_is_true(json_object_get(def, "is_unique")) || !json_is_string(v) || !*json_string_value(v))
			continue;
		other = fin_find_unique(fr, api, json_string_value(v), jstr(rec, fr->id_key));
		if (other) {
			free(other);
			snprintf(msg, sizeof(msg),
				 "The value \"%s\" for the unique custom field "
				 "\"%s\" is already used by another record.",
				 json_string_value(v), jstr_or(def, "label", api));
			return jerr_fin(3099, msg);
		}
	}
	return NULL;
}

static int blank(const char *s)
{
	char *n;
	int empty;

	if (!s)
		return 1;
	n = norm_name(s);
	empty = !*n;
	free(n);
	return empty;
}

static json_t *check_contact(struct fres *fr, const json_t *rec)
{
	static const char *const sub_types[] = { "business", "individual", NULL };
	const char *name = jstr(rec, fr->name_key), *type = jstr(rec, "contact_type");
	const char *sub = jstr(rec, "customer_sub_type");
	char *other, msg[400];

	if (blank(name))
		return jerr_fin(3013, fr->app->msg_contact_name);
	if (type && !str_eq(type, "customer") && !(str_eq(type, "vendor") && fr->app->vendors))
		return fin_bad_value("contact_type");
	if (sub && !str_in(sub, sub_types))
		return fin_bad_value("customer_sub_type");
	if (!str_empty(jstr(rec, "email")) && !valid_email(jstr(rec, "email")))
		return fin_bad_value("email");
	if ((other = find_by(fr, "name_key", name, jstr(rec, fr->id_key)))) {
		free(other);
		snprintf(msg, sizeof(msg),
			 "The %s \"%s\" already exists. Please specify a "
			 "different name.",
			 str_eq(type, "vendor") ? "vendor" : "customer", name);
		return jerr_fin(3062, msg);
	}
	return fin_check_unique_cfs(fr, rec);
}

static json_t *check_item(struct fres *fr, const json_t *rec)
{
	static const char *const product_types[] = { "goods", "service", "digital_service", NULL };
	static const char *const item_types[] = { "inventory", "sales", "purchases", "sales_and_purchases", NULL };
	const char *name = jstr(rec, "name"), *sku = jstr(rec, "sku");
	const json_t *rate = json_object_get(rec, "rate");
	char *other, msg[400];

	if (blank(name))
		return fin_bad_value("name");
	if (!json_is_number(rate) || json_number_value(rate) < 0)
		return fin_bad_value("rate");
	if (jstr(rec, "product_type") && !str_in(jstr(rec, "product_type"), product_types))
		return fin_bad_value("product_type");
	if (jstr(rec, "item_type") && !str_in(jstr(rec, "item_type"), item_types))
		return fin_bad_value("item_type");
	if ((other = find_by(fr, "name_key", name, jstr(rec, "item_id")))) {
		free(other);
		return jerr_fin(fr->app->dup_item_code, fr->app->msg_dup_item);
	}
	if (!str_empty(sku) && (other = find_by(fr, "sku_key", sku, jstr(rec, "item_id")))) {
		free(other);
		snprintf(msg, sizeof(msg), "The SKU \"%s\" already exists.", sku);
		return jerr_fin(1001, msg);
	}
	return fin_check_unique_cfs(fr, rec);
}

json_t *fin_rejected(struct fres *fr, const json_t *in, int *status)
{
	json_t *rule = faults_reject(fr->sb, fr->app->name, fr->res_name, in, status);
	json_t *err;
	const json_t *code;

	if (!rule)
		return NULL;
	code = json_object_get(rule, "code");
	err = json_pack("{s:I, s:s}", "code", json_is_integer(code) ? json_integer_value(code) : 4, "message",
			jstr_or(rule, "message", "Invalid value"));
	json_decref(rule);
	return err;
}

/* The body without the keys the app ignores (a new reference). */
static json_t *without_ignored(struct fres *fr, const json_t *in)
{
	const char *const *k = fr->kind == FIN_CONTACTS ? fr->app->ignored_keys : NULL;
	json_t *copy;

	if (!k || !json_is_object(in))
		return json_incref((json_t *)in);
	copy = json_copy((json_t *)in);
	for (; *k; k++)
		json_object_del(copy, *k);
	return copy;
}

static json_t *apply_keys(struct fres *fr, const json_t *in, json_t *rec)
{
	const char *key;
	json_t *v, *err = NULL;

	json_object_foreach((json_t *)in, key, v) {
		if (json_is_object(v) && (str_eq(key, "billing_address") || str_eq(key, "shipping_address")))
			err = apply_address(fr, key, v, rec);
		else if (str_eq(key, "contact_persons") && json_is_array(v))
			err = apply_persons(fr, v, rec);
		else if (str_eq(key, "custom_fields") && json_is_array(v))
			err = fin_apply_cf(fr, v, rec);
		else
			json_object_set(rec, key, v);
		if (err)
			return err;
	}
	return NULL;
}

json_t *fin_apply(struct fres *fr, const json_t *in, json_t *rec, int creating, int *status)
{
	json_t *body, *err = NULL;

	*status = 400;
	(void)creating;
	if (!json_is_object(in))
		return fin_bad_value("JSONString");
	body = without_ignored(fr, in);
	if (!(err = fin_rejected(fr, body, status)) && !(err = fin_check_keys(fr->keys, body)))
		err = apply_keys(fr, body, rec);
	json_decref(body);
	if (err)
		return err;
	return fr->kind == FIN_ITEMS ? check_item(fr, rec) : check_contact(fr, rec);
}

/* ---- the stored / returned object ---------------------------------------- */

void fin_set_default(json_t *rec, const char *key, json_t *v)
{
	json_t *old = json_object_get(rec, key);

	if (!old || json_is_null(old))
		json_object_set_new(rec, key, v);
	else
		json_decref(v);
}

static void finalize_address(struct fres *fr, json_t *rec, const char *which)
{
	json_t *addr = json_object_get(rec, which);
	const char *const *k;

	if (!json_is_object(addr)) {
		addr = json_object();
		json_object_set_new(rec, which, addr);
	}
	for (k = fr->app->address_keys; *k; k++)
		fin_set_default(addr, *k, json_string(""));
}

static void finalize_persons(struct fres *fr, json_t *rec)
{
	static const char *const top[] = { "first_name", "last_name", "email", "phone", "mobile", NULL };
	json_t *list = json_object_get(rec, "contact_persons"), *p, *primary = NULL;
	const char *const *k;
	size_t i;

	if (fr->app->persons_under_customer) {
		/* Billing: the customer's own keys; its persons are a list of their own. */
		if (!json_is_array(json_object_get(rec, fr->app->persons_key)))
			json_object_set_new(rec, fr->app->persons_key, json_array());
		for (k = top; *k; k++)
			fin_set_default(rec, *k, json_string(""));
		return;
	}
	if (!json_is_array(list)) {
		list = json_array();
		json_object_set_new(rec, "contact_persons", list);
	}
	json_array_foreach(list, i, p)
		if (json_is_true(json_object_get(p, "is_primary_contact")) && !primary)
			primary = p;
	json_object_set_new(rec, "primary_contact_id", json_string(primary ? jstr(primary, "contact_person_id") : ""));
	for (k = top; *k; k++)
		json_object_set_new(rec, *k, json_string(primary && jstr(primary, *k) ? jstr(primary, *k) : ""));
}

static void finalize_contact(struct fres *fr, json_t *rec)
{
	const json_t *org = fr->sb->fin_org;

	if (!fr->app->person_keys_on_top)
		fin_set_default(rec, "contact_type", json_string("customer"));
	if (!str_eq(jstr(rec, "contact_type"), "vendor") && !fr->app->ignored_keys)
		fin_set_default(rec, "customer_sub_type", json_string("business"));
	fin_set_default(rec, "company_name", json_string(""));
	fin_set_default(rec, "website", json_string(""));
	fin_set_default(rec, "currency_id", json_string(jstr(org, "currency_id") ? jstr(org, "currency_id") : ""));
	fin_set_default(rec, "currency_code",
			json_string(jstr(org, "currency_code") ? jstr(org, "currency_code") : ""));
	fin_set_default(rec, "payment_terms", json_integer(0));
	fin_set_default(rec, "payment_terms_label", json_string("Due on Receipt"));
	fin_set_default(rec, "notes", json_string(""));
	finalize_address(fr, rec, "billing_address");
	finalize_address(fr, rec, "shipping_address");
	finalize_persons(fr, rec);
	if (!fr->app->person_keys_on_top) {
		fin_set_default(rec, "outstanding_receivable_amount", json_real(0));
		fin_set_default(rec, "has_transaction", json_false());
		fin_set_default(rec, "is_linked_with_zohocrm", json_false());
	}
}

static void finalize_item(struct fres *fr, json_t *rec)
{
	fin_set_default(rec, "sku", json_string(""));
	fin_set_default(rec, "description", json_string(""));
	fin_set_default(rec, "unit", json_string(""));
	fin_set_default(rec, "product_type", json_string("goods"));
	fin_set_default(rec, "tax_id", json_string(""));
	if (fr->app->item_type)
		fin_set_default(rec, "item_type", json_string("sales"));
}

void fin_finalize(struct fres *fr, json_t *rec, int mode)
{
	char now[32], *id;

	fmt_fin_time(sb_now(fr->sb), now);
	if (mode == FIN_CREATE || (mode == FIN_RAW && str_empty(jstr(rec, fr->id_key)))) {
		id = store_new_fin_id(fr->sb->st);
		json_object_set_new(rec, fr->id_key, json_string(id));
		free(id);
	}
	if (mode == FIN_CREATE)
		json_object_set_new(rec, "created_time", json_string(now));
	fin_set_default(rec, "created_time", json_string(now));
	if (mode != FIN_RAW || !jstr(rec, "last_modified_time"))
		json_object_set_new(rec, "last_modified_time", json_string(now));
	if (fr->app->person_keys_on_top && fr->kind == FIN_CONTACTS)
		json_object_set(rec, "updated_time", json_object_get(rec, "last_modified_time"));
	fin_set_default(rec, "status", json_string("active"));
	if (fr->kind == FIN_ITEMS)
		finalize_item(fr, rec);
	else
		finalize_contact(fr, rec);
	fin_finalize_cf(fr, rec);
}

json_t *fin_list_row(struct fres *fr, const json_t *rec)
{
	const char *const *keys = fr->kind == FIN_ITEMS ? fr->app->item_list_keys : fr->app->contact_list_keys;
	json_t *row = json_object(), *v;

	for (; *keys; keys++) {
		v = json_object_get(rec, str_eq(*keys, "customer_name") ? fr->name_key : *keys);
		if (v)
			json_object_set(row, *keys, v);
	}
	return row;
}

/* ---- control and seed ----------------------------------------------------- */

json_t *fin_store_list(struct sandbox *sb, const struct fin_app *app, enum fin_kind k)
{
	sqlite3_stmt *s;
	json_t *list, *rec;
	size_t i;

	if (k >= FIN_INVOICES)
		return tx_store_list(sb, app, k);
	s = store_stmt(sb->st, "SELECT body FROM fin WHERE app = ?1 AND kind = ?2 ORDER BY idkey");
	list = json_array();
	sqlite3_bind_text(s, 1, app->name, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, k);
	while (sqlite3_step(s) == SQLITE_ROW)
		json_array_append_new(list, store_load_json(s, 0));
	sqlite3_reset(s);
	if (k == FIN_CONTACTS)
		json_array_foreach(list, i, rec)
			pay_contact_amounts(sb, app, rec);
	return list;
}

int fin_store_raw(struct sandbox *sb, const struct fin_app *app, enum fin_kind k, json_t *rec)
{
	struct fres fr;
	const char *name;

	if (k >= FIN_INVOICES)
		return tx_store_raw(sb, app, k, rec);
	fres_init(&fr, sb, app, k);
	if (!json_is_object(rec))
		return fail(FS_EINPUT, "a %s record must be a JSON object", fr.one_key);
	name = jstr(rec, fr.name_key);
	if (str_empty(name))
		return fail(FS_EINPUT, "a %s record needs '%s'", fr.one_key, fr.name_key);
	if (json_object_get(rec, fr.id_key) && !is_digits(jstr(rec, fr.id_key)))
		return fail(FS_EINPUT, "'%s' must be a string of digits", fr.id_key);
	fin_finalize(&fr, rec, FIN_RAW);
	fin_put(&fr, rec);
	return 0;
}
