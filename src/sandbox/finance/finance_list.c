/*
 * finance_list.c - GET /contacts, /customers, /items: page and per_page
 * (at most 200), the filters Zoho documents (name and its _startswith /
 * _contains variants, email, sku, filter_by, search_text,
 * last_modified_time), sort_column and sort_order, and the page_context
 * envelope.  A parameter Zoho does not document for these lists is ignored,
 * as Zoho does: cf_<api_name> always, contact_type unless a test asks for it
 * (POST /__control/readings).  Without filter_by a list holds the active
 * records only (Billing: "Get the list of all active items").  Rows carry the
 * list keys of the app's table and no custom fields (the documented sample
 * rows have none), so a client that needs one reads the record by id.
 */
#include "finance.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct lq {
	struct req *r;
	struct fres *fr;
	struct sqlq q;
	json_t *args; /* every query argument */
	long page, per_page;
	const char *sort_column;
	const char *order_sql;
	int desc;
	const char *filter_by;
	int narrow; /* an indexed equality filter: sort the few rows */
	char err[200];
};

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	if (key && !json_object_get(cls, key))
		json_object_set_new(cls, key, json_string(value ? value : ""));
	return MHD_YES;
}

static int lq_fail(struct lq *l, const char *what)
{
	snprintf(l->err, sizeof(l->err), "Invalid value passed for %s", what);
	return -1;
}

/* name, name_startswith, name_contains on a text key of the record; the
 * exact form uses the indexed column when there is one (name_key, sku_key). */
static int text_filter(struct lq *l, const char *field, const char *path, const char *column)
{
	static const char *const suffix[] = { "", "eq", "_startswith", "starts_with", "_contains", "contains", NULL };
	char param[80], sql[128], *norm;
	const char *v;
	int i;

	for (i = 0; suffix[i]; i += 2) {
		snprintf(param, sizeof(param), "%s%s", field, suffix[i]);
		v = jstr(l->args, param);
		if (!v)
			continue;
		if (i == 0 && column) {
			norm = norm_name(v);
			snprintf(sql, sizeof(sql), " AND %s = ?", column);
			q_add(&l->q, sql, json_string(norm));
			free(norm);
			l->narrow = 1;
			continue;
		}
		snprintf(sql, sizeof(sql), " AND sb_match(json_extract(body, ?), '%s', ?)", suffix[i + 1]);
		q_add(&l->q, sql, json_string(path));
		json_array_append_new(l->q.binds, json_string(v));
	}
	return 0;
}

static int status_filters(struct lq *l)
{
	static const char *const filters[] = { "Status.All", "Status.Active", "Status.Inactive", NULL };
	const char *f = jstr(l->args, "filter_by"), *since = jstr(l->args, "last_modified_time");
	const char *search = jstr(l->args, "search_text"), *type = jstr(l->args, "contact_type");
	int64_t t;
	char *path;

	l->filter_by = f ? f : "Status.Active";
	if (!str_in(l->filter_by, filters))
		return lq_fail(l, "filter_by");
	if (!str_eq(l->filter_by, "Status.All"))
		q_add(&l->q, " AND json_extract(body, '$.status') = ?",
		      json_string(str_eq(l->filter_by, "Status.Active") ? "active" : "inactive"));
	if (since) {
		if (parse_iso_time(since, 1, &t))
			return lq_fail(l, "last_modified_time");
		q_add(&l->q, " AND mtime >= ?", json_integer(t));
	}
	if (search) {
		path = xasprintf("$.%s", l->fr->name_key);
		q_add(&l->q, " AND sb_match(json_extract(body, ?), 'contains', ?)", json_string(path));
		json_array_append_new(l->q.binds, json_string(search));
		free(path);
	}
	/* Undocumented on Books v3 and Inventory list-contacts: ignored unless asked for. */
	if (type && l->fr->kind == FIN_CONTACTS && l->r->sb->honour_contact_type) {
		if (!str_eq(type, "customer") && !(str_eq(type, "vendor") && l->fr->app->vendors))
			return lq_fail(l, "contact_type");
		q_add(&l->q, " AND ctype = ?", json_string(type));
	}
	return 0;
}

static int record_filters(struct lq *l)
{
	static const char *const contact_fields[] = {
		"company_name", "first_name", "last_name", "email", "phone", NULL
	};
	static const char *const item_fields[] = { "sku", "description", NULL };
	const char *const *f = l->fr->kind == FIN_ITEMS ? item_fields : contact_fields;
	char *path = xasprintf("$.%s", l->fr->name_key);

	text_filter(l, l->fr->name_key, path, "name_key");
	free(path);
	for (; *f; f++) {
		path = xasprintf("$.%s", *f);
		text_filter(l, *f, path, str_eq(*f, "sku") ? "sku_key" : NULL);
		free(path);
	}
	return 0;
}

static int parse_sort(struct lq *l)
{
	static const char *const contact_cols[] = {
		"first_name",         "last_name",    "email",        "created_time",
		"last_modified_time", "contact_name", "display_name", NULL
	};
	static const char *const item_cols[] = { "name", "rate", "sku", "created_time", "last_modified_time", NULL };
	const char *col = jstr(l->args, "sort_column"), *order = jstr(l->args, "sort_order");

	l->sort_column = col ? col : l->fr->name_key;
	if (col && !str_in(col, l->fr->kind == FIN_ITEMS ? item_cols : contact_cols))
		return lq_fail(l, "sort_column");
	if (str_eq(l->sort_column, "contact_name") || str_eq(l->sort_column, "display_name") ||
	    str_eq(l->sort_column, "name"))
		l->order_sql = "name_key";
	else if (str_eq(l->sort_column, "created_time"))
		l->order_sql = "ctime";
	else if (str_eq(l->sort_column, "last_modified_time"))
		l->order_sql = "mtime";
	else
		l->order_sql = NULL;
	if (order && !str_eq(order, "A") && !str_eq(order, "D"))
		return lq_fail(l, "sort_order");
	l->desc = str_eq(order, "D");
	return 0;
}

/*
 * page (from 1) and per_page (1-200, default 200), as every finance list
 * documents them: 0, or -1 with *bad the parameter that is out of range.
 * One reading for the record lists here and the transaction lists
 * (finance_tx_api.c).
 */
int fin_parse_paging(const json_t *args, long *page, long *per_page, const char **bad)
{
	const char *pp = jstr(args, "per_page"), *pg = jstr(args, "page");

	*page = 1;
	*per_page = 200;
	*bad = NULL;
	if (pp && parse_long(pp, 1, 200, per_page))
		*bad = "per_page";
	else if (pg && parse_long(pg, 1, 1000000000, page))
		*bad = "page";
	return *bad ? -1 : 0;
}

static int parse_paging(struct lq *l)
{
	const char *bad;

	return fin_parse_paging(l->args, &l->page, &l->per_page, &bad) ? lq_fail(l, bad) : 0;
}

static void add_order(struct lq *l)
{
	const char *dir = l->desc ? "DESC" : "ASC";
	char sql[160];

	if (l->order_sql) {
		/* "+" keeps SQLite from walking the sort index past a narrow filter */
		snprintf(sql, sizeof(sql), " ORDER BY %s%s %s, idkey %s LIMIT ? OFFSET ?", l->narrow ? "+" : "",
			 l->order_sql, dir, dir);
		q_add(&l->q, sql, NULL);
	} else {
		snprintf(sql, sizeof(sql),
			 " ORDER BY json_extract(body, ?) %s, idkey %s"
			 " LIMIT ? OFFSET ?",
			 dir, dir);
		q_add(&l->q, sql, json_sprintf("$.%s", l->sort_column));
	}
	json_array_append_new(l->q.binds, json_integer(l->per_page + 1));
	json_array_append_new(l->q.binds, json_integer((l->page - 1) * l->per_page));
}

static void run(struct lq *l)
{
	sqlite3_stmt *s;
	json_t *recs = json_array(), *rows = json_array(), *rec;
	size_t n = 0, i;
	const char *report =
		l->fr->kind == FIN_ITEMS ? "Items"
		: l->fr->app->person_keys_on_top
			? "Customers"
			: "Contacts";

	add_order(l);
	s = q_prepare(l->r->sb, &l->q);
	while (sqlite3_step(s) == SQLITE_ROW && ++n <= (size_t)l->per_page)
		json_array_append_new(recs, store_load_json(s, 0));
	sqlite3_reset(s);
	/* after the reset: the amounts run queries of their own, which may
	 * evict the list's statement from the cache */
	json_array_foreach(recs, i, rec) {
		if (l->fr->kind == FIN_CONTACTS)
			pay_contact_amounts(l->r->sb, l->fr->app, rec);
		json_array_append_new(rows, fin_list_row(l->fr, rec));
	}
	json_decref(recs);
	fin_reply_page(l->r, l->fr, rows,
		       &(struct fin_page){ l->page, l->per_page, n > (size_t)l->per_page, report, l->filter_by,
					   l->sort_column, l->desc });
}

void fin_reply_page(struct req *r, const struct fres *fr, json_t *rows, const struct fin_page *pg)
{
	reply_json(r, 200,
		   json_pack("{s:i, s:s, s:o, s:{s:I, s:I, s:b, s:s, s:s, s:s, s:s, s:[]}}", "code", 0, "message",
			     "success", fr->many_key, rows, "page_context", "page", (json_int_t)pg->page, "per_page",
			     (json_int_t)pg->per_page, "has_more_page", pg->more, "report_name", pg->report,
			     "applied_filter", pg->filter_by, "sort_column", pg->sort_column, "sort_order",
			     pg->desc ? "D" : "A", "search_criteria"));
}

void fin_list(struct req *r, struct fres *fr)
{
	struct lq l;

	memset(&l, 0, sizeof(l));
	l.r = r;
	l.fr = fr;
	l.args = json_object();
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, collect_arg, l.args);
	q_init(&l.q, "SELECT body FROM fin WHERE app = ? AND kind = ?");
	json_array_append_new(l.q.binds, json_string(fin_app_name(fr->app)));
	json_array_append_new(l.q.binds, json_integer(fr->kind));
	if (parse_paging(&l) || parse_sort(&l) || status_filters(&l) || record_filters(&l))
		reply_json(r, 400, jerr_fin(2, l.err));
	else
		run(&l);
	q_release(&l.q);
	json_decref(l.args);
}
