/*
 * crm_write.c - Zoho CRM v8 writes: insert, update (bulk and by id), upsert
 * and delete, with Zoho's per-row results, plus the record store helpers
 * that control.c and seed.c share.
 *
 * Each row is checked on its own (field names and types, lookups, mandatory
 * fields, the module's system duplicate-check field); a bad row never stops
 * the others.  The call answers 201/200 when every row succeeded, 207 when
 * some did, 400 when none did.
 */
#include "../sb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ROWS 100

enum wmode { W_INSERT, W_UPDATE, W_UPSERT };

struct wctx {
	struct req *r;
	struct crm_module *mod;
	enum wmode mode;
	const char *path_id; /* PUT /{Module}/{id} */
	json_t *dup_fields;  /* upsert */
	int ok, failed, inserted;
};

json_t *crm_user(int with_email)
{
	json_t *u = json_pack("{s:s, s:s}", "name", "Sandbox Admin", "id", "4150868000000225013");

	if (with_email)
		json_object_set_new(u, "email", json_string("admin@sandbox.example"));
	return u;
}

char *crm_dup_key(const struct crm_module *mod, const json_t *rec)
{
	const char *f = crm_module_dup_field(mod);
	const char *v = f ? jstr(rec, f) : NULL;

	return str_empty(v) ? NULL : norm_name(v);
}

static int64_t rec_time(struct sandbox *sb, const json_t *rec, const char *key)
{
	int64_t t;

	return parse_iso_time(jstr(rec, key), 0, &t) ? sb_now(sb) : t;
}

int crm_store_put(struct sandbox *sb, const struct crm_module *mod, json_t *rec)
{
	const char *id = jstr(rec, "id");
	char *key = id_key(id), *dup = crm_dup_key(mod, rec);
	char *text = ndjson_dumps(rec, JSON_COMPACT | JSON_REAL_PRECISION(15));
	sqlite3_stmt *s = store_stmt(sb->st, "INSERT OR REPLACE INTO crm"
					     "(module, id, idkey, ctime, mtime, dupkey, body)"
					     " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)");
	int rc;

	sqlite3_bind_text(s, 1, crm_module_name(mod), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, rec_time(sb, rec, "Created_Time"));
	sqlite3_bind_int64(s, 5, rec_time(sb, rec, "Modified_Time"));
	if (dup)
		sqlite3_bind_text(s, 6, dup, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, text, -1, SQLITE_STATIC);
	rc = sqlite3_step(s) == SQLITE_DONE ? 0 : -1;
	sqlite3_reset(s);
	store_note_id(sb->st, id);
	free(key);
	free(dup);
	free(text);
	return rc;
}

json_t *crm_store_get(struct sandbox *sb, const char *module, const char *id)
{
	sqlite3_stmt *s = store_stmt(sb->st, "SELECT body FROM crm WHERE module = ?1 AND id = ?2");
	json_t *rec = NULL;

	sqlite3_bind_text(s, 1, module, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, id, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		rec = store_load_json(s, 0);
	sqlite3_reset(s);
	return rec;
}

static json_t *name_id(const json_t *user)
{
	if (!json_is_object(user))
		return crm_user(0);
	return json_pack("{s:O?, s:O?}", "name", json_object_get(user, "name"), "id", json_object_get(user, "id"));
}

int crm_store_delete(struct sandbox *sb, const struct crm_module *mod, const char *id, const char *type)
{
	json_t *rec = crm_store_get(sb, crm_module_name(mod), id), *entry;
	sqlite3_stmt *s;
	char when[32], *name, *key, *text;
	int64_t now = sb_now(sb);

	if (!rec)
		return -1;
	fmt_crm_time(now, when);
	name = crm_display_name(mod, rec);
	entry = json_pack("{s:o, s:s, s:s, s:s, s:o, s:s}", "deleted_by", crm_user(0), "id", id, "display_name", name,
			  "type", type, "created_by", name_id(json_object_get(rec, "Created_By")), "deleted_time",
			  when);
	s = store_stmt(sb->st, "DELETE FROM crm WHERE module = ?1 AND id = ?2");
	sqlite3_bind_text(s, 1, crm_module_name(mod), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, id, -1, SQLITE_STATIC);
	sqlite3_step(s);
	sqlite3_reset(s);
	key = id_key(id);
	text = ndjson_dumps(entry, JSON_COMPACT);
	s = store_stmt(sb->st, "INSERT INTO crm_deleted(module, id, idkey, type, dtime, body)"
			       " VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
	sqlite3_bind_text(s, 1, crm_module_name(mod), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, type, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, now);
	sqlite3_bind_text(s, 6, text, -1, SQLITE_STATIC);
	sqlite3_step(s);
	sqlite3_reset(s);
	free(text);
	free(key);
	free(name);
	json_decref(entry);
	json_decref(rec);
	return 0;
}

/* ---- per-row checks ---------------------------------------------------- */

static json_t *row_error(const char *code, const char *field, size_t i, const char *expected, const char *message)
{
	json_t *d = json_object();

	if (field) {
		json_object_set_new(d, "api_name", json_string(field));
		json_object_set_new(d, "json_path", json_sprintf("$.data[%zu].%s", i, field));
	}
	if (expected)
		json_object_set_new(d, "expected_data_type", json_string(expected));
	return jerr_crm(code, d, message);
}

static size_t max_len(const char *type)
{
	if (str_eq(type, "textarea"))
		return 32000;
	if (str_eq(type, "phone"))
		return 30;
	if (str_eq(type, "email"))
		return 100;
	return 255;
}

static int scalar_ok(const char *type, const json_t *v)
{
	static const char *const strings[] = {
		"text", "textarea", "email", "phone", "website", "picklist", "date", "datetime", NULL
	};
	const char *s = json_string_value(v);
	int64_t t;

	if (str_in(type, strings)) {
		if (!s || strlen(s) > max_len(type))
			return 0;
		if (str_eq(type, "email") && *s && !valid_email(s))
			return 0;
		if (str_eq(type, "date") && !valid_date(s))
			return 0;
		return !str_eq(type, "datetime") || !parse_iso_time(s, 1, &t);
	}
	if (str_eq(type, "integer"))
		return json_is_integer(v);
	if (str_eq(type, "double") || str_eq(type, "currency"))
		return json_is_number(v);
	if (str_eq(type, "boolean"))
		return json_is_boolean(v);
	return 1;
}

/* A deal's Probability is a percentage (facts §1.4: INVALID_DATA outside 0–100). */
static int in_range(const struct crm_module *mod, const char *key, const json_t *v)
{
	if (str_eq(crm_module_name(mod), "Deals") && str_eq(key, "Probability"))
		return json_integer_value(v) >= 0 && json_integer_value(v) <= 100;
	return 1;
}

static int multi_ok(const json_t *v)
{
	size_t i;
	json_t *e;

	if (!json_is_array(v))
		return 0;
	json_array_foreach(v, i, e)
		if (!json_is_string(e))
			return 0;
	return 1;
}

/* A lookup value as stored: {"name", "id"}; NULL when invalid. */
static json_t *resolve_lookup(struct wctx *w, const char *field, const json_t *v)
{
	const char *target = crm_field_lookup(w->mod, field), *id = jstr(v, "id");
	json_t *rec, *res;
	char *name;
	struct crm_module *tmod;

	if (!json_is_object(v) || !is_digits(id))
		return NULL;
	if (!target || !(tmod = crm_module_get(w->r->sb->meta, target)))
		return json_pack("{s:O?, s:s}", "name", json_object_get(v, "name"), "id", id);
	if (!(rec = crm_store_get(w->r->sb, target, id)))
		return NULL;
	name = crm_display_name(tmod, rec);
	json_decref(rec);
	res = json_pack("{s:s, s:s}", "name", name, "id", id);
	free(name);
	return res;
}

static json_t *check_value(struct wctx *w, const char *key, json_t *v, size_t i, json_t **out)
{
	const char *type = crm_field_type(w->mod, key);

	*out = NULL;
	if (!type)
		return row_error("INVALID_DATA", key, i, NULL, "invalid field name");
	if (json_is_null(v)) {
		*out = json_null();
	} else if (str_eq(type, "lookup")) {
		if (!(*out = resolve_lookup(w, key, v)))
			return row_error("INVALID_DATA", key, i, "jsonobject",
					 "the related id given seems to be invalid");
	} else if (str_eq(type, "ownerlookup")) {
		if (!json_is_object(v) || !jstr(v, "id"))
			return row_error("INVALID_DATA", key, i, "jsonobject", "invalid data");
		*out = str_eq(jstr(v, "id"), "4150868000000225013") ? crm_user(1) : json_deep_copy(v);
	} else if (str_eq(type, "lineitem")) {
		return crm_lines_check(w->r->sb, key, v, i, out);
	} else if (str_eq(type, "multiselectpicklist")) {
		if (!multi_ok(v))
			return row_error("INVALID_DATA", key, i, "jsonarray", "invalid data");
		*out = json_deep_copy(v);
	} else {
		if (!scalar_ok(type, v) || !in_range(w->mod, key, v))
			return row_error("INVALID_DATA", key, i, type, "invalid data");
		*out = json_deep_copy(v);
	}
	return NULL;
}

/* The row's writable fields, checked; read-only and $-keys are dropped. */
static json_t *clean_row(struct wctx *w, json_t *row, size_t i, json_t **err)
{
	json_t *clean = json_object(), *v, *nv;
	const char *key;

	*err = NULL;
	json_object_foreach(row, key, v) {
		if (key[0] == '$' || crm_field_read_only(w->mod, key))
			continue;
		if ((*err = check_value(w, key, v, i, &nv)))
			break;
		json_object_set_new(clean, key, nv);
	}
	if (*err) {
		json_decref(clean);
		return NULL;
	}
	return clean;
}

static json_t *check_mandatory(struct wctx *w, const json_t *rec, size_t i)
{
	const char *const *m;
	const json_t *v;

	for (m = crm_module_mandatory(w->mod); *m; m++) {
		v = json_object_get(rec, *m);
		if (!v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v)))
			return row_error("MANDATORY_NOT_FOUND", *m, i, NULL, "required field not found");
	}
	return NULL;
}

static char *find_dup(struct sandbox *sb, const struct crm_module *mod, const char *key, const char *except_id)
{
	sqlite3_stmt *s = store_stmt(sb->st, "SELECT id FROM crm WHERE module = ?1 AND"
					     " dupkey = ?2 AND id <> ?3 LIMIT 1");
	char *id = NULL;

	sqlite3_bind_text(s, 1, crm_module_name(mod), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, except_id ? except_id : "", -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		id = xstrdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_reset(s);
	return id;
}

/* A user-defined unique field of rec whose value another record holds: that record's id, else NULL. */
static char *unique_clash(struct wctx *w, const json_t *rec, const char **field)
{
	const char *key;
	json_t *v;
	char *other;

	json_object_foreach((json_t *)rec, key, v)
		if (json_is_string(v) && *json_string_value(v) && crm_field_unique(w->mod, key) &&
		    (other = crm_find_unique(w->r->sb, w->mod, key, json_string_value(v), jstr(rec, "id")))) {
			*field = key;
			return other;
		}
	return NULL;
}

static json_t *check_duplicate(struct wctx *w, const json_t *rec, size_t i)
{
	char *key = crm_dup_key(w->mod, rec), *other = NULL;
	const char *field = crm_module_dup_field(w->mod);
	json_t *err = NULL;

	if ((key && (other = find_dup(w->r->sb, w->mod, key, jstr(rec, "id")))) ||
	    (other = unique_clash(w, rec, &field))) {
		err = row_error("DUPLICATE_DATA", field, i, NULL, "duplicate data");
		json_object_set_new(json_object_get(err, "details"), "duplicate_record",
				    json_pack("{s:s, s:{s:s, s:s}}", "id", other, "module", "api_name",
					      crm_module_name(w->mod), "id", crm_module_id(w->mod)));
	}
	free(key);
	free(other);
	return err;
}

void crm_fill_full_name(const struct crm_module *mod, json_t *rec, int replace)
{
	const char *first = jstr(rec, "First_Name"), *last = jstr(rec, "Last_Name");

	if (!last || !crm_field_type(mod, "Full_Name") || (!replace && json_object_get(rec, "Full_Name")))
		return;
	json_object_set_new(rec, "Full_Name",
			    str_empty(first) ? json_string(last) : json_sprintf("%s %s", first, last));
}

void crm_stamp_loaded(struct sandbox *sb, json_t *rec, char now[32])
{
	char *id;

	fmt_crm_time(sb_now(sb), now);
	if (!jstr(rec, "id")) {
		id = store_new_crm_id(sb->st);
		json_object_set_new(rec, "id", json_string(id));
		free(id);
	}
	if (!jstr(rec, "Created_Time"))
		json_object_set_new(rec, "Created_Time", json_string(now));
}

static void stamp(struct wctx *w, json_t *rec, int creating)
{
	char now[32];
	char *id;

	fmt_crm_time(sb_now(w->r->sb), now);
	if (creating) {
		id = store_new_crm_id(w->r->sb->st);
		json_object_set_new(rec, "id", json_string(id));
		free(id);
		json_object_set_new(rec, "Created_Time", json_string(now));
		json_object_set_new(rec, "Created_By", crm_user(1));
		if (!json_is_object(json_object_get(rec, "Owner")))
			json_object_set_new(rec, "Owner", crm_user(1));
	}
	json_object_set_new(rec, "Modified_Time", json_string(now));
	json_object_set_new(rec, "Modified_By", crm_user(1));
	crm_fill_full_name(w->mod, rec, 1);
}

static json_t *row_success(const json_t *rec, int added)
{
	return json_pack("{s:s, s:{s:O, s:O, s:O, s:o, s:o}, s:s, s:s}", "code", "SUCCESS", "details", "id",
			 json_object_get(rec, "id"), "Created_Time", json_object_get(rec, "Created_Time"),
			 "Modified_Time", json_object_get(rec, "Modified_Time"), "Created_By",
			 name_id(json_object_get(rec, "Created_By")), "Modified_By",
			 name_id(json_object_get(rec, "Modified_By")), "message",
			 added ? "record added" : "record updated", "status", "success");
}

/* Merge clean into the target (existing or new), check, store. */
static json_t *apply_row(struct wctx *w, json_t *target, json_t *clean, size_t i, int creating)
{
	json_t *err;

	crm_lines_merge(w->r->sb, target, clean, w->mod);
	json_object_update(target, clean);
	if ((err = check_mandatory(w, target, i)) || (err = check_duplicate(w, target, i)))
		return err;
	stamp(w, target, creating);
	crm_store_put(w->r->sb, w->mod, target);
	return row_success(target, creating);
}

static json_t *rejected(struct wctx *w, const json_t *row)
{
	int status = 400;
	json_t *rule = faults_reject(w->r->sb, "crm", crm_module_name(w->mod), row, &status);
	json_t *err;
	const json_t *code;

	if (!rule)
		return NULL;
	code = json_object_get(rule, "code");
	err = jerr_crm(json_is_string(code) ? json_string_value(code) : "INVALID_DATA",
		       json_pack("{s:O?}", "api_name", json_object_get(rule, "field")),
		       jstr_or(rule, "message", "invalid data"));
	json_decref(rule);
	return err;
}

/* The existing record an update or upsert row targets, or NULL. */
static json_t *upsert_target(struct wctx *w, const json_t *row, const char **dup_field)
{
	const char *id = jstr(row, "id"), *f;
	json_t *rec, *fv;
	char *key, *found;
	size_t k;

	*dup_field = NULL;
	if (id && (rec = crm_store_get(w->r->sb, crm_module_name(w->mod), id)))
		return rec;
	json_array_foreach(w->dup_fields, k, fv) {
		f = json_string_value(fv);
		if (str_empty(jstr(row, f)))
			continue;
		if (crm_field_unique(w->mod, f)) {
			found = crm_find_unique(w->r->sb, w->mod, f, jstr(row, f), NULL);
		} else {
			key = norm_name(jstr(row, f));
			found = find_dup(w->r->sb, w->mod, key, NULL);
			free(key);
		}
		if (found) {
			rec = crm_store_get(w->r->sb, crm_module_name(w->mod), found);
			free(found);
			*dup_field = f;
			return rec;
		}
	}
	return NULL;
}

static json_t *update_row(struct wctx *w, json_t *row, json_t *clean, size_t i)
{
	const char *id = w->path_id ? w->path_id : jstr(row, "id");
	json_t *target, *res;

	if (!id)
		return row_error("MANDATORY_NOT_FOUND", "id", i, NULL, "required field not found");
	if (!(target = crm_store_get(w->r->sb, crm_module_name(w->mod), id)))
		return row_error("INVALID_DATA", "id", i, NULL, "the id given seems to be invalid");
	res = apply_row(w, target, clean, i, 0);
	json_decref(target);
	return res;
}

static json_t *upsert_row(struct wctx *w, json_t *row, json_t *clean, size_t i)
{
	const char *dup_field;
	json_t *target = upsert_target(w, row, &dup_field), *res;
	int creating = target == NULL;

	if (creating)
		target = json_object();
	res = apply_row(w, target, clean, i, creating);
	json_decref(target);
	if (json_object_get(res, "status") && str_eq(jstr(res, "status"), "success")) {
		json_object_set_new(res, "action", json_string(creating ? "insert" : "update"));
		json_object_set_new(res, "duplicate_field", dup_field ? json_string(dup_field) : json_null());
	}
	return res;
}

static json_t *write_row(struct wctx *w, json_t *row, size_t i)
{
	json_t *clean, *err, *res, *target;

	if (!json_is_object(row))
		return row_error("INVALID_DATA", NULL, i, "jsonobject", "invalid data");
	if ((err = rejected(w, row)) || !(clean = clean_row(w, row, i, &err)))
		return err;
	if (w->mode == W_UPDATE) {
		res = update_row(w, row, clean, i);
	} else if (w->mode == W_UPSERT) {
		res = upsert_row(w, row, clean, i);
	} else {
		target = json_object();
		res = apply_row(w, target, clean, i, 1);
		json_decref(target);
	}
	json_decref(clean);
	return res;
}

/* ---- the call ------------------------------------------------------------ */

static int body_fail(struct req *r, const char *code, json_t *details, const char *msg)
{
	reply_json(r, 400, jerr_crm(code, details, msg));
	return -1;
}

static int check_body(struct wctx *w, json_t *body)
{
	static const char *const allowed[] = {
		"data",
		"trigger",
		"duplicate_check_fields",
		"apply_feature_execution",
		"skip_feature_execution",
		"lar_id",
		"process",
		"wf_trigger",
		NULL
	};
	json_t *data = json_object_get(body, "data"), *v;
	const char *key;

	if (!json_is_object(body))
		return body_fail(w->r, "INVALID_DATA", NULL, "the request body is not valid JSON");
	json_object_foreach(body, key, v)
		if (!str_in(key, allowed) || (str_eq(key, "duplicate_check_fields") && w->mode != W_UPSERT))
			return body_fail(w->r, "INVALID_DATA", json_pack("{s:s}", "api_name", key),
					 "invalid key in the request body");
	if (!data)
		return body_fail(w->r, "MANDATORY_NOT_FOUND", json_pack("{s:s}", "api_name", "data"),
				 "required field not found");
	if (!json_is_array(data) || !json_array_size(data))
		return body_fail(w->r, "INVALID_DATA", json_pack("{s:s}", "api_name", "data"), "invalid data");
	if (json_array_size(data) > MAX_ROWS || (w->path_id && json_array_size(data) > 1))
		return body_fail(w->r, "LIMIT_EXCEEDED",
				 json_pack("{s:s, s:i}", "api_name", "data", "limit", w->path_id ? 1 : MAX_ROWS),
				 "the number of records exceeds the limit");
	return 0;
}

static int check_dup_fields(struct wctx *w, json_t *body)
{
	json_t *f = json_object_get(body, "duplicate_check_fields"), *v;
	const char *sys = crm_module_dup_field(w->mod);
	size_t i;

	if (!f) {
		w->dup_fields = sys ? json_pack("[s]", sys) : json_array();
		return 0;
	}
	if (!json_is_array(f) || !json_array_size(f))
		return body_fail(w->r, "INVALID_DATA", json_pack("{s:s}", "api_name", "duplicate_check_fields"),
				 "invalid data");
	json_array_foreach(f, i, v)
		if (!str_eq(json_string_value(v), sys) && !crm_field_unique(w->mod, json_string_value(v)))
			return body_fail(w->r, "INVALID_DATA",
					 json_pack("{s:s, s:O}", "param_name", "duplicate_check_fields", "api_name", v),
					 "the field is not a duplicate-check field");
	w->dup_fields = json_incref(f);
	return 0;
}

static void write_rows(struct wctx *w, json_t *data)
{
	json_t *results = json_array(), *res, *row;
	size_t i;
	int status;

	store_begin(w->r->sb->st);
	json_array_foreach(data, i, row) {
		res = write_row(w, row, i);
		if (str_eq(jstr(res, "status"), "success")) {
			w->ok++;
			w->inserted += str_eq(jstr(res, "message"), "record added");
		} else {
			w->failed++;
		}
		json_array_append_new(results, res);
	}
	store_commit(w->r->sb->st);
	if (!w->ok)
		status = 400;
	else if (w->failed)
		status = 207;
	else
		status = w->inserted ? 201 : 200;
	reply_json(w->r, status, json_pack("{s:o}", "data", results));
}

static void write_call(struct req *r, struct crm_module *mod, enum wmode mode, const char *path_id)
{
	struct wctx w = { r, mod, mode, path_id, NULL, 0, 0, 0 };
	json_error_t jerr;
	json_t *body = req_json_body(r, &jerr);

	if (!body) {
		body_fail(r, "INVALID_DATA", json_pack("{s:s}", "reason", jerr.text),
			  "the request body is not valid JSON");
		return;
	}
	if (!check_body(&w, body) && (mode != W_UPSERT || !check_dup_fields(&w, body)))
		write_rows(&w, json_object_get(body, "data"));
	json_decref(w.dup_fields);
	json_decref(body);
}

static json_t *delete_one(struct req *r, struct crm_module *mod, const char *id)
{
	if (is_digits(id) && crm_store_delete(r->sb, mod, id, "recycle") == 0)
		return json_pack("{s:s, s:{s:s}, s:s, s:s}", "code", "SUCCESS", "details", "id", id, "message",
				 "record deleted", "status", "success");
	return jerr_crm("INVALID_DATA", json_pack("{s:s}", "id", id), "record not deleted");
}

static size_t count_ids(const char *ids)
{
	size_t n = 1;

	for (; *ids; ids++)
		n += *ids == ',';
	return n;
}

static void delete_call(struct req *r, struct crm_module *mod, const char *path_id)
{
	const char *ids = path_id ? path_id : req_arg(r, "ids"), *p, *comma;
	json_t *results = json_array(), *res;
	int ok = 0, failed = 0;
	char *id;

	if (str_empty(ids) || count_ids(ids) > MAX_ROWS) {
		json_decref(results);
		if (str_empty(ids))
			body_fail(r, "REQUIRED_PARAM_MISSING", json_pack("{s:s}", "param_name", "ids"),
				  "One of the expected parameter is missing");
		else
			body_fail(r, "LIMIT_EXCEEDED", json_pack("{s:s, s:i}", "param_name", "ids", "limit", MAX_ROWS),
				  "too many ids");
		return;
	}
	store_begin(r->sb->st);
	for (p = ids; p; p = comma ? comma + 1 : NULL) {
		comma = strchr(p, ',');
		id = comma ? xstrndup(p, (size_t)(comma - p)) : xstrdup(p);
		res = delete_one(r, mod, id);
		if (str_eq(jstr(res, "status"), "success"))
			ok++;
		else
			failed++;
		json_array_append_new(results, res);
		free(id);
	}
	store_commit(r->sb->st);
	reply_json(r, !ok ? 400 : failed ? 207 : 200, json_pack("{s:o}", "data", results));
}

void crm_write_handle(struct req *r, struct crm_module *mod, const char *sub)
{
	int special = str_eq(sub, "upsert") || str_eq(sub, "search") || str_eq(sub, "deleted");

	if (strcmp(r->method, "POST") == 0 && !sub)
		write_call(r, mod, W_INSERT, NULL);
	else if (strcmp(r->method, "POST") == 0 && str_eq(sub, "upsert"))
		write_call(r, mod, W_UPSERT, NULL);
	else if (strcmp(r->method, "PUT") == 0 && !special)
		write_call(r, mod, W_UPDATE, sub);
	else if (strcmp(r->method, "DELETE") == 0 && !special)
		delete_call(r, mod, sub);
	else
		reply_json(r, 400,
			   jerr_crm("INVALID_REQUEST_METHOD", NULL, "the http request method type is not a valid one"));
}
