/*
 * crm_lines.c - the line items of the CRM's inventory modules (Quotes'
 * Quoted_Items, Sales_Orders' Ordered_Items, Invoices' Invoiced_Items,
 * Purchase_Orders' Purchased_Items) and the user-defined unique fields.
 *
 * As the v8 Records API documents them: a line names its product
 * (Product_Name {id}, a Products record) and its Quantity; List_Price,
 * Discount and Description are optional.  On an update a line with an id
 * changes that line, {"id", "_delete": null} removes it, and a line without
 * an id is added beside the ones stored: the harsher of the readings, so a
 * client that means to replace the lines must remove the old ones by id.
 * Line items are returned only by a single-record GET (crm_read.c).
 */
#include "../sb.h"

#include <string.h>

static json_t *line_error(const char *field, size_t i, const char *key, const char *msg)
{
	json_t *d = json_pack("{s:s, s:s}", "api_name", key, "json_path", "");

	json_object_set_new(d, "json_path", json_sprintf("$.data[%zu].%s[].%s", i, field, key));
	return jerr_crm(str_eq(msg, "required field not found") ? "MANDATORY_NOT_FOUND" : "INVALID_DATA", d, msg);
}

/* One line, checked: the product must exist, the quantity be a positive number. */
static json_t *check_line(struct sandbox *sb, const char *field, const json_t *row, size_t i, json_t **out)
{
	const json_t *product = json_object_get(row, "Product_Name"), *qty = json_object_get(row, "Quantity");
	const char *pid = jstr(product, "id"), *key;
	json_t *rec, *v;

	*out = NULL;
	if (!json_is_object(row))
		return line_error(field, i, field, "invalid data");
	if (json_object_get(row, "_delete") && is_digits(jstr(row, "id"))) {
		*out = json_pack("{s:s, s:n}", "id", jstr(row, "id"), "_delete");
		return NULL;
	}
	if (!product)
		return line_error(field, i, "Product_Name", "required field not found");
	if (!is_digits(pid) || !(rec = crm_store_get(sb, "Products", pid)))
		return line_error(field, i, "Product_Name", "the related id given seems to be invalid");
	if (!json_is_number(qty) || json_number_value(qty) <= 0)
		return json_decref(rec),
		       line_error(field, i, "Quantity", qty ? "invalid data" : "required field not found");
	*out = json_pack("{s:{s:O?, s:s}}", "Product_Name", "name", json_object_get(rec, "Product_Name"), "id", pid);
	json_decref(rec);
	json_object_foreach((json_t *)row, key, v) {
		if (str_eq(key, "List_Price") || str_eq(key, "Discount") || str_eq(key, "Quantity")) {
			if (!json_is_number(v))
				return json_decref(*out), *out = NULL, line_error(field, i, key, "invalid data");
		} else if (str_eq(key, "Description")) {
			if (!json_is_string(v))
				return json_decref(*out), *out = NULL, line_error(field, i, key, "invalid data");
		} else if (!str_eq(key, "id") && !str_eq(key, "Product_Name") && !str_eq(key, "Line_Tax")) {
			return json_decref(*out), *out = NULL, line_error(field, i, key, "invalid field name");
		}
		if (!str_eq(key, "Product_Name"))
			json_object_set(*out, key, v);
	}
	return NULL;
}

json_t *crm_lines_check(struct sandbox *sb, const char *field, const json_t *v, size_t i, json_t **out)
{
	json_t *row, *clean, *err;
	size_t k;

	*out = NULL;
	if (!json_is_array(v))
		return line_error(field, i, field, "invalid data");
	*out = json_array();
	json_array_foreach(v, k, row) {
		if ((err = check_line(sb, field, row, i, &clean))) {
			json_decref(*out);
			*out = NULL;
			return err;
		}
		json_array_append_new(*out, clean);
	}
	return NULL;
}

static void line_totals(json_t *line)
{
	double qty = json_number_value(json_object_get(line, "Quantity"));
	double price = json_number_value(json_object_get(line, "List_Price"));
	double discount = json_number_value(json_object_get(line, "Discount"));

	json_object_set_new(line, "Total", json_real(qty * price));
	json_object_set_new(line, "Net_Total", json_real(qty * price - discount));
}

static json_t *line_by_id(json_t *lines, const char *id, size_t *at)
{
	json_t *l;
	size_t k;

	json_array_foreach(lines, k, l)
		if (str_eq(jstr(l, "id"), id)) {
			*at = k;
			return l;
		}
	return NULL;
}

/* The stored lines with the request's applied: by id changed or removed, without an id added. */
static json_t *merge_lines(struct sandbox *sb, const json_t *stored, const json_t *asked)
{
	json_t *lines = stored ? json_deep_copy(stored) : json_array(), *row, *old;
	size_t k, at;

	if (!json_is_array(lines)) {
		json_decref(lines);
		lines = json_array();
	}
	json_array_foreach(asked, k, row) {
		old = jstr(row, "id") ? line_by_id(lines, jstr(row, "id"), &at) : NULL;
		if (json_object_get(row, "_delete")) {
			if (old)
				json_array_remove(lines, at);
			continue;
		}
		if (old) {
			json_object_update(old, row);
			line_totals(old);
			continue;
		}
		old = json_deep_copy(row);
		char *id = store_new_crm_id(sb->st);
		json_object_set_new(old, "id", json_string(id));
		free(id);
		line_totals(old);
		json_array_append_new(lines, old);
	}
	return lines;
}

void crm_lines_merge(struct sandbox *sb, const json_t *target, json_t *clean, const struct crm_module *mod)
{
	const char *key;
	json_t *v;

	json_object_foreach(clean, key, v)
		if (str_eq(crm_field_type(mod, key), "lineitem"))
			json_object_set_new(clean, key, merge_lines(sb, json_object_get(target, key), v));
}

char *crm_find_unique(struct sandbox *sb, const struct crm_module *mod, const char *field, const char *value,
		      const char *except_id)
{
	sqlite3_stmt *s = store_stmt(sb->st, "SELECT id FROM crm WHERE module = ?1 AND id <> ?4 AND "
					     "lower(json_extract(body, '$.\"' || ?2 || '\"')) = lower(?3) LIMIT 1");
	char *id = NULL;

	sqlite3_bind_text(s, 1, crm_module_name(mod), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, field, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, value, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, except_id ? except_id : "", -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		id = xstrdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_reset(s);
	return id;
}
