/*
 * crm_related.c - the CRM's related lists, as Get Related Records (v8)
 * documents them: GET /crm/v8/{module}/{id}/{relation} with `fields`
 * mandatory, `page` and `per_page` (at most 200), 204 when the record has
 * none, and {data, info} like a module's list.  The sandbox knows one
 * relation, Deals -> Products (the deal's products); the links live in the
 * table crm_related, seeded from crm/related.json and set by the tests
 * through /__control/crm/{module}/{id}/{relation}.
 *
 * Source: https://www.zoho.com/crm/developer/docs/api/v8/get-related-records.html
 */
#include "../sb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PER_PAGE 200
#define MAX_FIELDS 50

/* The relations the sandbox serves: module, relation (its API name), the related module. */
static const char *const relations[][3] = {
	{ "Deals", "Products", "Products" },
};

static const char *related_module(const char *module, const char *relation)
{
	size_t i;

	for (i = 0; i < sizeof(relations) / sizeof(relations[0]); i++)
		if (str_eq(relations[i][0], module) && str_eq(relations[i][1], relation))
			return relations[i][2];
	return NULL;
}

static void related_fail(struct req *r, int status, const char *code, json_t *details, const char *message)
{
	reply_json(r, status, jerr_crm(code, details, message));
}

int crm_related_put(struct sandbox *sb, const char *module, const char *id, const char *relation, const json_t *ids)
{
	sqlite3_stmt *del = store_stmt(sb->st, "DELETE FROM crm_related WHERE module = ?1 AND id = ?2 AND"
					       " relation = ?3");
	sqlite3_stmt *ins;
	const json_t *v;
	size_t i;

	if (!related_module(module, relation) || !json_is_array(ids))
		return -1;
	json_array_foreach(ids, i, v)
		if (!is_digits(json_string_value(v)))
			return -1;
	sqlite3_bind_text(del, 1, module, -1, SQLITE_STATIC);
	sqlite3_bind_text(del, 2, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(del, 3, relation, -1, SQLITE_STATIC);
	sqlite3_step(del);
	sqlite3_reset(del);
	ins = store_stmt(sb->st, "INSERT OR REPLACE INTO crm_related(module, id, relation, rid, pos)"
				 " VALUES (?1, ?2, ?3, ?4, ?5)");
	json_array_foreach(ids, i, v) {
		sqlite3_bind_text(ins, 1, module, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 2, id, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 3, relation, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 4, json_string_value(v), -1, SQLITE_STATIC);
		sqlite3_bind_int64(ins, 5, (sqlite3_int64)i);
		sqlite3_step(ins);
		sqlite3_reset(ins);
	}
	return 0;
}

/* crm/related.json: {"Deals": {"<deal id>": {"Products": ["<product id>", …]}}}. */
int crm_related_seed(struct sandbox *sb, const json_t *doc)
{
	const char *module, *id, *relation;
	json_t *records, *lists, *ids;

	if (!json_is_object(doc))
		return -1;
	json_object_foreach((json_t *)doc, module, records) {
		if (!json_is_object(records))
			return -1;
		json_object_foreach(records, id, lists) {
			if (!is_digits(id) || !json_is_object(lists))
				return -1;
			json_object_foreach(lists, relation, ids)
				if (crm_related_put(sb, module, id, relation, ids))
					return -1;
		}
	}
	return 0;
}

/* The fields parameter against the related module: an array, or NULL after answering the error. */
static json_t *related_fields(struct req *r, const char *module)
{
	struct crm_module *mod = crm_module_get(r->sb->meta, module);
	const char *raw = req_arg(r, "fields"), *p, *comma;
	json_t *fields;
	char *name;

	if (str_empty(raw)) {
		related_fail(r, 400, "REQUIRED_PARAM_MISSING", json_pack("{s:s}", "param_name", "fields"),
			     "One of the expected parameter is missing");
		return NULL;
	}
	fields = json_array();
	for (p = raw; p; p = comma ? comma + 1 : NULL) {
		comma = strchr(p, ',');
		name = comma ? xstrndup(p, (size_t)(comma - p)) : xstrdup(p);
		if (!mod || !crm_field_type(mod, name)) {
			related_fail(r, 400, "INVALID_DATA",
				     json_pack("{s:s, s:s}", "param_name", "fields", "api_name", name),
				     "invalid field name in fields");
			free(name);
			json_decref(fields);
			return NULL;
		}
		json_array_append_new(fields, json_string(name));
		free(name);
	}
	if (json_array_size(fields) > MAX_FIELDS) {
		related_fail(r, 400, "LIMIT_EXCEEDED",
			     json_pack("{s:s, s:i}", "param_name", "fields", "limit", MAX_FIELDS),
			     "the number of fields exceeds the limit");
		json_decref(fields);
		return NULL;
	}
	return fields;
}

/* One page of the related records: (page - 1) * per_page on, in the order they were related. */
static void related_page(struct req *r, const char *module, const char *id, const char *relation, const char *target,
			 json_t *fields, long page, long per_page)
{
	sqlite3_stmt *s = store_stmt(r->sb->st, "SELECT c.body FROM crm_related l JOIN crm c ON c.module = ?4"
						" AND c.id = l.rid WHERE l.module = ?1 AND l.id = ?2 AND"
						" l.relation = ?3 ORDER BY l.pos LIMIT ?5 OFFSET ?6");
	json_t *data = json_array(), *rec;
	size_t n = 0;

	sqlite3_bind_text(s, 1, module, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, relation, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, target, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, per_page + 1);
	sqlite3_bind_int64(s, 6, (page - 1) * per_page);
	while (sqlite3_step(s) == SQLITE_ROW && ++n <= (size_t)per_page) {
		rec = store_load_json(s, 0);
		json_array_append_new(data, crm_project(crm_module_get(r->sb->meta, target), rec, fields));
		json_decref(rec);
	}
	sqlite3_reset(s);
	if (!json_array_size(data)) {
		json_decref(data);
		reply_empty(r, 204);
		return;
	}
	reply_json(r, 200,
		   json_pack("{s:o, s:{s:I, s:I, s:I, s:b}}", "data", data, "info", "per_page", (json_int_t)per_page,
			     "count", (json_int_t)json_array_size(data), "page", (json_int_t)page, "more_records",
			     n > (size_t)per_page));
}

void crm_related_get(struct req *r, struct crm_module *mod, const char *id, const char *relation)
{
	const char *module = crm_module_name(mod), *target = related_module(module, relation);
	const char *pp = req_arg(r, "per_page"), *pg = req_arg(r, "page");
	long page = 1, per_page = MAX_PER_PAGE;
	json_t *parent, *fields;

	if (!target) {
		related_fail(r, 400, "INVALID_DATA", json_pack("{s:s}", "param_name", "related_list_api_name"),
			     "The relation name given seems to be invalid");
		return;
	}
	if (!(parent = crm_store_get(r->sb, module, id))) {
		related_fail(r, 400, "INVALID_DATA", json_pack("{s:s}", "id", id), "the id given seems to be invalid");
		return;
	}
	json_decref(parent);
	if ((pp && parse_long(pp, 1, MAX_PER_PAGE, &per_page)) || (pg && parse_long(pg, 1, 1000000, &page))) {
		related_fail(r, 400, "INVALID_DATA", json_pack("{s:s}", "param_name", pp ? "per_page" : "page"),
			     "invalid data");
		return;
	}
	if (!(fields = related_fields(r, target)))
		return;
	related_page(r, module, id, relation, target, fields, page, per_page);
	json_decref(fields);
}
