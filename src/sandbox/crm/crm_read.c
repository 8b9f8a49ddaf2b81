/*
 * crm_read.c - Zoho CRM v8 under /crm/v8: routing, and the read side:
 * Get Records (fields, paging with page and page_token, sort, cvid, ids,
 * If-Modified-Since), one record, Search, the deleted-records feed, the
 * record count (GET /{module}/actions/count), org, and the settings endpoints (fields, custom views, modules).
 *
 * Writes (insert, update, upsert, delete) are in crm_write.c.
 */
#include "../sb.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FIELDS 50
#define MAX_PER_PAGE 200
#define DISCRETE_LIMIT 2000
#define TOKEN_TTL 86400
#define MAX_CRITERIA 10

/* Answer with a CRM error; returns -1 for the caller to pass on. */
static int crm_fail(struct req *r, int status, const char *code, json_t *details, const char *message)
{
	reply_json(r, status, jerr_crm(code, details, message));
	return -1;
}

static int fail_param(struct req *r, const char *code, const char *param, const char *message)
{
	return crm_fail(r, 400, code, json_pack("{s:s}", "param_name", param), message);
}

/* ---- page tokens ------------------------------------------------------ */

struct ptoken {
	long pos;        /* records before this page */
	long page;       /* the page number this token fetches */
	int64_t sortval; /* keyset: last row's sort value and id key */
	char idkey[40];
	uint64_t hash; /* of the query parameters it is bound to */
	int64_t issued;
};

static uint64_t token_mac(struct sandbox *sb, const char *text)
{
	uint64_t h = fnv1a(&sb->secret, sizeof(sb->secret), FNV_INIT);

	return fnv1a(text, strlen(text), h);
}

static char *ptoken_encode(struct sandbox *sb, const struct ptoken *t)
{
	static const char hex[] = "0123456789abcdef";
	char *text = xasprintf("%ld:%ld:%" PRId64 ":%s:%016" PRIx64 ":%" PRId64, t->pos, t->page, t->sortval, t->idkey,
			       t->hash, t->issued);
	char *full = xasprintf("%s:%016" PRIx64, text, token_mac(sb, text));
	size_t i, n = strlen(full);
	char *out = xmalloc(2 * n + 1);

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[(unsigned char)full[i] >> 4];
		out[2 * i + 1] = hex[(unsigned char)full[i] & 15];
	}
	out[2 * n] = '\0';
	free(text);
	free(full);
	return out;
}

static int ptoken_decode(struct sandbox *sb, const char *s, struct ptoken *t)
{
	size_t i, n = strlen(s);
	char text[256], *colon;
	unsigned v;
	uint64_t mac;

	if (n == 0 || n % 2 || n / 2 >= sizeof(text))
		return -1;
	for (i = 0; i < n / 2; i++) {
		if (sscanf(s + 2 * i, "%2x", &v) != 1 || !v)
			return -1;
		text[i] = (char)v;
	}
	text[n / 2] = '\0';
	memset(t, 0, sizeof(*t));
	if (sscanf(text, "%ld:%ld:%" SCNd64 ":%39[0-9]:%16" SCNx64 ":%" SCNd64, &t->pos, &t->page, &t->sortval,
		   t->idkey, &t->hash, &t->issued) != 6)
		return -1;
	colon = strrchr(text, ':');
	if (!colon || sscanf(colon + 1, "%16" SCNx64, &mac) != 1)
		return -1;
	*colon = '\0';
	return mac == token_mac(sb, text) && t->pos >= 0 && t->page > 0 ? 0 : -1;
}

/* ---- Get Records ------------------------------------------------------- */

struct listq {
	struct crm_module *mod;
	json_t *fields; /* array of names */
	long page, per_page;
	const char *sort_by;
	const char *sort_col; /* idkey, ctime or mtime */
	int desc;
	const json_t *view;
	json_t *ids; /* array or NULL */
	int has_ims;
	int64_t ims;
	int has_token;
	struct ptoken tok;
	uint64_t hash;
};

static int parse_fields(struct req *r, struct listq *q)
{
	const char *raw = req_arg(r, "fields"), *p, *comma;
	char *name;

	if (str_empty(raw))
		return fail_param(r, "REQUIRED_PARAM_MISSING", "fields", "One of the expected parameter is missing");
	q->fields = json_array();
	for (p = raw; p; p = comma ? comma + 1 : NULL) {
		comma = strchr(p, ',');
		name = comma ? xstrndup(p, (size_t)(comma - p)) : xstrdup(p);
		json_array_append_new(q->fields, json_string(name));
		if (!crm_field_type(q->mod, name)) {
			crm_fail(r, 400, "INVALID_DATA",
				 json_pack("{s:s, s:s}", "param_name", "fields", "api_name", name),
				 "invalid field name in fields");
			free(name);
			return -1;
		}
		free(name);
	}
	if (json_array_size(q->fields) > MAX_FIELDS)
		return crm_fail(r, 400, "LIMIT_EXCEEDED",
				json_pack("{s:s, s:i}", "param_name", "fields", "limit", MAX_FIELDS),
				"the number of fields exceeds the limit");
	return 0;
}

/* Past the listing's wall (Zoho: 100,000 records; POST /__control/bulk_read lowers it). */
static int wall_fail(struct req *r)
{
	char msg[96];

	snprintf(msg, sizeof(msg), "you cannot fetch more than %ld records", r->sb->list_wall);
	return crm_fail(r, 400, "PAGINATION_LIMIT_EXCEEDED", json_pack("{s:I}", "limit", (json_int_t)r->sb->list_wall),
			msg);
}

static int parse_paging(struct req *r, struct listq *q)
{
	const char *pp = req_arg(r, "per_page"), *page = req_arg(r, "page");

	q->per_page = MAX_PER_PAGE;
	q->page = 1;
	if (pp && parse_long(pp, 1, MAX_PER_PAGE, &q->per_page))
		return fail_param(r, "INVALID_DATA", "per_page", "invalid data");
	if (page && req_arg(r, "page_token"))
		return crm_fail(r, 400, "INVALID_REQUEST", json_pack("{s:[s,s]}", "param_names", "page", "page_token"),
				"page and page_token cannot be given together");
	if (page && parse_long(page, 1, 1000000000, &q->page))
		return fail_param(r, "INVALID_DATA", "page", "invalid data");
	if (q->page * q->per_page > DISCRETE_LIMIT)
		return crm_fail(r, 400, "DISCRETE_PAGINATION_LIMIT_EXCEEDED",
				json_pack("{s:i}", "limit", DISCRETE_LIMIT),
				"you can fetch only the first 2000 records with the page "
				"parameter; use page_token to fetch more");
	if ((q->page - 1) * q->per_page >= r->sb->list_wall)
		return wall_fail(r);
	return 0;
}

static int parse_sort(struct req *r, struct listq *q)
{
	static const char *const by[] = { "id", "Created_Time", "Modified_Time", NULL };
	const char *sb = req_arg(r, "sort_by"), *so = req_arg(r, "sort_order");

	q->sort_by = sb ? sb : "id";
	if (!str_in(q->sort_by, by))
		return fail_param(r, "INVALID_DATA", "sort_by", "invalid data");
	q->sort_col = str_eq(q->sort_by, "id") ? "idkey" : str_eq(q->sort_by, "Created_Time") ? "ctime" : "mtime";
	q->desc = 1;
	if (so && !str_eq(so, "desc")) {
		if (!str_eq(so, "asc"))
			return fail_param(r, "INVALID_DATA", "sort_order", "invalid data");
		q->desc = 0;
	}
	return 0;
}

const json_t *crm_find_view(struct sandbox *sb, const char *module, const char *cvid)
{
	json_t *views = json_object_get(sb->crm_views, module), *v;
	size_t i;

	json_array_foreach(views, i, v)
		if (str_eq(jstr(v, "id"), cvid))
			return v;
	return NULL;
}

static int parse_filters(struct req *r, struct listq *q)
{
	const char *cvid = req_arg(r, "cvid"), *ids = req_arg(r, "ids");
	const char *ims = req_header(r, "If-Modified-Since"), *p, *comma;
	char *id;

	if (cvid) {
		if (req_arg(r, "sort_by"))
			return crm_fail(r, 400, "AMBIGUITY_DURING_PROCESSING",
					json_pack("{s:[s,s]}", "ambiguity_due_to", "cvid", "sort_by"),
					"cvid and sort_by cannot be given together");
		if (!(q->view = crm_find_view(r->sb, crm_module_name(q->mod), cvid)))
			return fail_param(r, "INVALID_DATA", "cvid", "invalid cvid");
	}
	if (ids) {
		q->ids = json_array();
		for (p = ids; p; p = comma ? comma + 1 : NULL) {
			comma = strchr(p, ',');
			id = comma ? xstrndup(p, (size_t)(comma - p)) : xstrdup(p);
			json_array_append_new(q->ids, json_string(id));
			if (!is_digits(id))
				return free(id), fail_param(r, "INVALID_DATA", "ids", "invalid id in ids");
			free(id);
		}
		if (json_array_size(q->ids) > 100)
			return crm_fail(r, 400, "LIMIT_EXCEEDED",
					json_pack("{s:s, s:i}", "param_name", "ids", "limit", 100), "too many ids");
	}
	if (ims) {
		if (parse_iso_time(ims, 1, &q->ims))
			return crm_fail(r, 400, "INVALID_DATA", json_pack("{s:s}", "header_name", "If-Modified-Since"),
					"invalid If-Modified-Since; expected "
					"yyyy-MM-ddTHH:mm:ss+HH:mm");
		q->has_ims = 1;
	}
	return 0;
}

static uint64_t bind_hash(struct req *r, const struct crm_module *mod)
{
	static const char *const params[] = {
		"fields", "per_page",  "sort_by",      "sort_order",    "cvid",
		"ids",    "converted", "territory_id", "include_child", NULL
	};
	const char *const *p;
	const char *v;
	uint64_t h = fnv1a(crm_module_name(mod), strlen(crm_module_name(mod)), FNV_INIT);

	for (p = params; *p; p++) {
		v = req_arg(r, *p);
		h = fnv1a(v ? v : "\x01", v ? strlen(v) : 1, fnv1a("\x1f", 1, h));
	}
	v = req_header(r, "If-Modified-Since");
	return fnv1a(v ? v : "\x01", v ? strlen(v) : 1, h);
}

static int parse_token(struct req *r, struct listq *q)
{
	const char *raw = req_arg(r, "page_token");

	q->hash = bind_hash(r, q->mod);
	if (!raw)
		return 0;
	if (ptoken_decode(r->sb, raw, &q->tok))
		return fail_param(r, "INVALID_DATA", "page_token", "invalid page token");
	if (q->tok.hash != q->hash)
		return fail_param(r, "TOKEN_BOUND_DATA_MISMATCH", "page_token",
				  "the parameters differ from those the page token was "
				  "issued for");
	if (q->tok.issued + TOKEN_TTL < sb_now(r->sb))
		return fail_param(r, "EXPIRED_VALUE", "page_token", "page token expired");
	if (q->tok.pos >= r->sb->list_wall)
		return wall_fail(r);
	q->has_token = 1;
	q->page = q->tok.page;
	return 0;
}

void crm_view_filter(struct sqlq *s, const json_t *view)
{
	const json_t *crit = json_object_get(view, "criteria");
	const char *field = jstr(crit, "field");
	json_t *v = json_object_get(crit, "equals");

	q_add(s, " AND (CASE json_type(body, ?) WHEN 'object'", json_sprintf("$.%s", field));
	q_add(s, " THEN json_extract(body, ?)", json_sprintf("$.%s.name", field));
	q_add(s, " ELSE json_extract(body, ?) END) = ?", json_sprintf("$.%s", field));
	json_array_append(s->binds, v);
}

static void build_list_sql(struct sqlq *s, const struct listq *q)
{
	const char *dir = q->desc ? "DESC" : "ASC", *cmp = q->desc ? "<" : ">";
	int by_id = str_eq(q->sort_col, "idkey");
	char buf[160];

	q_init(s, "SELECT idkey, ctime, mtime, body FROM crm WHERE module = ?");
	json_array_append_new(s->binds, json_string(crm_module_name(q->mod)));
	if (q->has_ims)
		q_add(s, " AND mtime >= ?", json_integer(q->ims));
	if (q->ids) {
		char *ids = ndjson_dumps(q->ids, JSON_COMPACT);

		q_add(s, " AND id IN (SELECT value FROM json_each(?))", json_string(ids));
		free(ids);
	}
	if (q->view)
		crm_view_filter(s, q->view);
	if (q->has_token && by_id) {
		snprintf(buf, sizeof(buf), " AND idkey %s ?", cmp);
		q_add(s, buf, json_string(q->tok.idkey));
	} else if (q->has_token) {
		snprintf(buf, sizeof(buf), " AND (%s, idkey) %s (?, ?)", q->sort_col, cmp);
		q_add(s, buf, json_integer(q->tok.sortval));
		json_array_append_new(s->binds, json_string(q->tok.idkey));
	}
	if (by_id)
		snprintf(buf, sizeof(buf), " ORDER BY idkey %s LIMIT ? OFFSET ?", dir);
	else
		snprintf(buf, sizeof(buf), " ORDER BY %s %s, idkey %s LIMIT ? OFFSET ?", q->sort_col, dir, dir);
	q_add(s, buf, json_integer(q->per_page + 1));
	json_array_append_new(s->binds, json_integer(q->has_token ? 0 : (q->page - 1) * q->per_page));
}

/* A row: the fields asked for, but never a line-item subform (a single-record GET only). */
json_t *crm_project(const struct crm_module *mod, const json_t *rec, const json_t *fields)
{
	json_t *out = json_object(), *f, *v;
	size_t i;

	json_array_foreach(fields, i, f) {
		if (mod && str_eq(crm_field_type(mod, json_string_value(f)), "lineitem"))
			continue;
		v = json_object_get(rec, json_string_value(f));
		json_object_set(out, json_string_value(f), v ? v : json_null());
	}
	json_object_set(out, "id", json_object_get(rec, "id"));
	return out;
}

static json_t *list_info(struct req *r, const struct listq *q, size_t count, int more, int64_t last_sort,
			 const char *last_idkey)
{
	struct ptoken t;
	char expiry[32];
	char *tok;
	json_t *info;

	info = json_pack("{s:I, s:I, s:I, s:s, s:s, s:b, s:n, s:n, s:n}", "per_page", (json_int_t)q->per_page, "count",
			 (json_int_t)count, "page", (json_int_t)q->page, "sort_by", q->sort_by, "sort_order",
			 q->desc ? "desc" : "asc", "more_records", more, "next_page_token", "previous_page_token",
			 "page_token_expiry");
	if (!more)
		return info;
	memset(&t, 0, sizeof(t));
	t.pos = (q->has_token ? q->tok.pos : (q->page - 1) * q->per_page) + (long)count;
	t.page = q->page + 1;
	t.sortval = last_sort;
	snprintf(t.idkey, sizeof(t.idkey), "%s", last_idkey);
	t.hash = q->hash;
	t.issued = sb_now(r->sb);
	tok = ptoken_encode(r->sb, &t);
	fmt_crm_time(t.issued + TOKEN_TTL, expiry);
	json_object_set_new(info, "next_page_token", json_string(tok));
	json_object_set_new(info, "page_token_expiry", json_string(expiry));
	free(tok);
	return info;
}

static void run_list(struct req *r, const struct listq *q)
{
	struct sqlq s;
	sqlite3_stmt *st;
	json_t *data = json_array(), *rec;
	int64_t last_sort = 0;
	char *last_idkey = NULL;
	int col = str_eq(q->sort_col, "ctime") ? 1 : 2;
	size_t n = 0;

	build_list_sql(&s, q);
	st = q_prepare(r->sb, &s);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (++n > (size_t)q->per_page)
			break;
		rec = store_load_json(st, 3);
		json_array_append_new(data, crm_project(q->mod, rec, q->fields));
		json_decref(rec);
		free(last_idkey);
		last_idkey = xstrdup((const char *)sqlite3_column_text(st, 0));
		last_sort = sqlite3_column_int64(st, col);
	}
	sqlite3_reset(st);
	q_release(&s);
	if (!json_array_size(data)) {
		reply_empty(r, q->has_ims ? 304 : 204);
		json_decref(data);
	} else {
		reply_json(r, 200,
			   json_pack("{s:o, s:o}", "data", data, "info",
				     list_info(r, q, json_array_size(data), n > (size_t)q->per_page, last_sort,
					       last_idkey)));
	}
	free(last_idkey);
}

static void get_records(struct req *r, struct crm_module *mod)
{
	struct listq q;

	memset(&q, 0, sizeof(q));
	q.mod = mod;
	if (!parse_fields(r, &q) && !parse_paging(r, &q) && !parse_sort(r, &q) && !parse_filters(r, &q) &&
	    !parse_token(r, &q))
		run_list(r, &q);
	json_decref(q.fields);
	json_decref(q.ids);
}

static void get_record(struct req *r, struct crm_module *mod, const char *id)
{
	json_t *rec = crm_store_get(r->sb, crm_module_name(mod), id);

	if (!rec) {
		crm_fail(r, 400, "INVALID_DATA", json_pack("{s:s}", "id", id), "the id given seems to be invalid");
		return;
	}
	reply_json(r, 200, json_pack("{s:[o]}", "data", rec));
}

/* ---- Search ------------------------------------------------------------- */

struct crit_parser {
	const char *p;
	struct crm_module *mod;
	struct sqlq *q;
	int nconds;
	char err[160];
};

static int crit_fail(struct crit_parser *cp, const char *msg)
{
	if (!cp->err[0])
		snprintf(cp->err, sizeof(cp->err), "%s", msg);
	return -1;
}

/* Read a value up to the unescaped ')' ; \( \) \, \\ are escapes. */
static char *crit_value(struct crit_parser *cp)
{
	struct buf b = BUF_INIT;

	while (*cp->p && *cp->p != ')') {
		if (*cp->p == '\\' && cp->p[1] && strchr("(),\\", cp->p[1])) {
			if (cp->p[1] == ',')
				buf_add(&b, "\\,", 2); /* kept for 'in' splitting */
			else
				buf_add(&b, cp->p + 1, 1);
			cp->p += 2;
		} else {
			buf_add(&b, cp->p++, 1);
		}
	}
	return buf_detach(&b);
}

static void unescape_commas(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] == ',')
			s++;
		*o++ = *s;
	}
	*o = '\0';
}

static int is_text_type(const char *t)
{
	static const char *const text[] = {
		"text", "textarea", "email", "phone", "website", "picklist", "date", "datetime", "bigint", NULL
	};
	return str_in(t, text);
}

static int is_number_type(const char *t)
{
	static const char *const num[] = { "integer", "double", "currency", NULL };
	return str_in(t, num);
}

static int crit_in(struct crit_parser *cp, const char *path, char *value)
{
	char *p = value, *start = value;
	int first = 1;

	q_add(cp->q, "(0", NULL);
	for (;; p++) {
		if (*p == '\\' && p[1] == ',') {
			p++;
			continue;
		}
		if (*p != ',' && *p)
			continue;
		{
			char *one = xstrndup(start, (size_t)(p - start));

			unescape_commas(one);
			q_add(cp->q, " OR sb_match(json_extract(body, ?),'eq',?)", json_string(path));
			json_array_append_new(cp->q->binds, json_string(one));
			free(one);
		}
		first = 0;
		if (!*p)
			break;
		start = p + 1;
	}
	(void)first;
	q_add(cp->q, ")", NULL);
	return 0;
}

static int crit_compare(struct crit_parser *cp, const char *path, const char *type, const char *op, const char *value)
{
	static const char *const ops[] = {
		"greater_than", ">", "greater_equal", ">=", "less_than", "<", "less_equal", "<=", NULL
	};
	char sql[96], *end;
	double d;
	int i;

	for (i = 0; ops[i]; i += 2)
		if (strcmp(ops[i], op) == 0)
			break;
	if (!ops[i])
		return crit_fail(cp, "unsupported comparator");
	snprintf(sql, sizeof(sql), "json_extract(body, ?) %s ?", ops[i + 1]);
	q_add(cp->q, sql, json_string(path));
	if (is_number_type(type)) {
		d = strtod(value, &end);
		if (*end || end == value)
			return crit_fail(cp, "invalid number in criteria");
		json_array_append_new(cp->q->binds, json_real(d));
	} else {
		json_array_append_new(cp->q->binds, json_string(value));
	}
	return 0;
}

static int crit_condition(struct crit_parser *cp, const char *field, const char *op, char *value)
{
	const char *type = crm_field_type(cp->mod, field);
	char *path;
	int rc = 0, lookup;

	if (!type)
		return crit_fail(cp, "invalid field in criteria");
	lookup = str_eq(type, "lookup") || str_eq(type, "ownerlookup");
	path = lookup ? xasprintf("$.%s.%s", field, is_digits(value) && strlen(value) >= 15 ? "id" : "name")
		      : xasprintf("$.%s", field);
	if (!str_eq(op, "in"))
		unescape_commas(value);
	if (str_eq(op, "equals") || str_eq(op, "not_equal") || str_eq(op, "starts_with")) {
		const char *m =
			str_eq(op, "starts_with") ? "starts_with"
			: (is_text_type(type) || lookup) && !str_eq(field, "id") && !(lookup && is_digits(value))
				? "contains"
				: "eq";

		if (str_eq(op, "equals") && str_eq(type, "boolean"))
			m = "eq";
		q_add(cp->q,
		      str_eq(op, "not_equal") ? "NOT sb_match(json_extract(body, ?),?,?)"
					      : "sb_match(json_extract(body, ?),?,?)",
		      json_string(path));
		json_array_append_new(cp->q->binds, json_string(str_eq(op, "not_equal") ? "eq" : m));
		json_array_append_new(cp->q->binds, json_string(value));
	} else if (str_eq(op, "in")) {
		rc = crit_in(cp, path, value);
	} else {
		rc = crit_compare(cp, path, type, op, value);
	}
	free(path);
	return rc;
}

static int crit_group(struct crit_parser *cp);

static int crit_leaf(struct crit_parser *cp)
{
	const char *c1 = strchr(cp->p, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	char *field, *op, *value;
	int rc;

	if (!c1 || !c2)
		return crit_fail(cp, "criteria must be (field:operator:value)");
	if (++cp->nconds > MAX_CRITERIA)
		return crit_fail(cp, "LIMIT");
	field = xstrndup(cp->p, (size_t)(c1 - cp->p));
	op = xstrndup(c1 + 1, (size_t)(c2 - c1 - 1));
	cp->p = c2 + 1;
	value = crit_value(cp);
	rc = crit_condition(cp, field, op, value);
	free(field);
	free(op);
	free(value);
	return rc;
}

static int crit_group(struct crit_parser *cp)
{
	if (*cp->p++ != '(')
		return crit_fail(cp, "expected '('");
	q_add(cp->q, "(", NULL);
	if (*cp->p == '(') {
		for (;;) {
			if (crit_group(cp))
				return -1;
			if (*cp->p == ')')
				break;
			if (strncasecmp(cp->p, "and", 3) == 0 && cp->p[3] == '(') {
				q_add(cp->q, " AND ", NULL);
				cp->p += 3;
			} else if (strncasecmp(cp->p, "or", 2) == 0 && cp->p[2] == '(') {
				q_add(cp->q, " OR ", NULL);
				cp->p += 2;
			} else {
				return crit_fail(cp, "expected 'and' or 'or'");
			}
		}
	} else if (crit_leaf(cp)) {
		return -1;
	}
	if (*cp->p++ != ')')
		return crit_fail(cp, "expected ')'");
	q_add(cp->q, ")", NULL);
	return 0;
}

static int search_where(struct req *r, struct crm_module *mod, struct sqlq *q)
{
	const char *crit = req_arg(r, "criteria"), *email = req_arg(r, "email");
	const char *phone = req_arg(r, "phone"), *word = req_arg(r, "word");
	struct crit_parser cp;

	if (!!crit + !!email + !!phone + !!word != 1)
		return crm_fail(r, 400, crit || email || phone || word ? "INVALID_REQUEST" : "REQUIRED_PARAM_MISSING",
				json_pack("{s:[s,s,s,s]}", "param_names", "criteria", "email", "phone", "word"),
				"give exactly one of criteria, email, phone, word");
	if (email || phone) {
		const char *a = email ? "$.Email" : "$.Phone";
		const char *b = email ? "$.Secondary_Email" : "$.Mobile";

		q_add(q, " AND (sb_match(json_extract(body, ?),'eq',?)", json_string(a));
		json_array_append_new(q->binds, json_string(email ? email : phone));
		q_add(q, " OR sb_match(json_extract(body, ?),'eq',?))", json_string(b));
		json_array_append_new(q->binds, json_string(email ? email : phone));
		return 0;
	}
	if (word) {
		q_add(q,
		      " AND EXISTS (SELECT 1 FROM json_each(body) WHERE type = 'text'"
		      " AND sb_match(value,'contains',?))",
		      json_string(word));
		return 0;
	}
	memset(&cp, 0, sizeof(cp));
	cp.p = crit;
	cp.mod = mod;
	cp.q = q;
	q_add(q, " AND ", NULL);
	if (crit_group(&cp) == 0 && *cp.p)
		crit_fail(&cp, "unexpected text after the criteria");
	if (!cp.err[0])
		return 0;
	if (strcmp(cp.err, "LIMIT") == 0)
		return crm_fail(r, 400, "LIMIT_EXCEEDED",
				json_pack("{s:s, s:i}", "param_name", "criteria", "limit", MAX_CRITERIA),
				"more than 10 conditions in criteria");
	return crm_fail(r, 400, "INVALID_QUERY", json_pack("{s:s}", "reason", cp.err), "invalid query formed");
}

static void search(struct req *r, struct crm_module *mod)
{
	struct sqlq q;
	sqlite3_stmt *st;
	json_t *data = json_array();
	long page = 1, per_page = MAX_PER_PAGE;
	const char *pp = req_arg(r, "per_page"), *pg = req_arg(r, "page");
	size_t n = 0;

	q_init(&q, "SELECT body FROM crm WHERE module = ?");
	json_array_append_new(q.binds, json_string(crm_module_name(mod)));
	if ((pp && parse_long(pp, 1, MAX_PER_PAGE, &per_page)) || (pg && parse_long(pg, 1, 1000000, &page))) {
		fail_param(r, "INVALID_DATA", pp ? "per_page" : "page", "invalid data");
	} else if (page * per_page > DISCRETE_LIMIT) {
		crm_fail(r, 400, "LIMIT_EXCEEDED", json_pack("{s:i}", "limit", DISCRETE_LIMIT),
			 "search returns at most 2000 records");
	} else if (!search_where(r, mod, &q)) {
		q_add(&q, " ORDER BY idkey ASC LIMIT ? OFFSET ?", json_integer(per_page + 1));
		json_array_append_new(q.binds, json_integer((page - 1) * per_page));
		st = q_prepare(r->sb, &q);
		while (sqlite3_step(st) == SQLITE_ROW && ++n <= (size_t)per_page)
			json_array_append_new(data, store_load_json(st, 0));
		sqlite3_reset(st);
		if (!json_array_size(data))
			reply_empty(r, 204);
		else
			reply_json(r, 200,
				   json_pack("{s:O, s:{s:I, s:I, s:I, s:b}}", "data", data, "info", "per_page",
					     (json_int_t)per_page, "count", (json_int_t)json_array_size(data), "page",
					     (json_int_t)page, "more_records", n > (size_t)per_page));
	}
	json_decref(data);
	q_release(&q);
}

/* ---- deleted records ---------------------------------------------------- */

static int deleted(struct req *r, struct crm_module *mod)
{
	static const char *const types[] = { "all", "recycle", "permanent", NULL };
	const char *type = req_arg(r, "type"), *ims = req_header(r, "If-Modified-Since");
	const char *pp = req_arg(r, "per_page"), *pg = req_arg(r, "page");
	long page = 1, per_page = MAX_PER_PAGE;
	int64_t since = 0;
	struct sqlq q;
	sqlite3_stmt *st;
	json_t *data;
	size_t n = 0;

	type = type ? type : "all";
	if (!str_in(type, types))
		return fail_param(r, "PATTERN_NOT_MATCHED", "type",
				  "Please check whether the input values are correct");
	if ((pp && parse_long(pp, 1, MAX_PER_PAGE, &per_page)) || (pg && parse_long(pg, 1, 1000000, &page)))
		return fail_param(r, "INVALID_DATA", pp ? "per_page" : "page", "invalid data");
	if (ims && parse_iso_time(ims, 1, &since))
		return crm_fail(r, 400, "INVALID_DATA", json_pack("{s:s}", "header_name", "If-Modified-Since"),
				"invalid If-Modified-Since");
	q_init(&q, "SELECT body FROM crm_deleted WHERE module = ?");
	json_array_append_new(q.binds, json_string(crm_module_name(mod)));
	if (!str_eq(type, "all"))
		q_add(&q, " AND type = ?", json_string(type));
	if (ims)
		q_add(&q, " AND dtime >= ?", json_integer(since));
	q_add(&q, " ORDER BY dtime DESC, seq DESC LIMIT ? OFFSET ?", json_integer(per_page + 1));
	json_array_append_new(q.binds, json_integer((page - 1) * per_page));
	data = json_array();
	st = q_prepare(r->sb, &q);
	while (sqlite3_step(st) == SQLITE_ROW && ++n <= (size_t)per_page)
		json_array_append_new(data, store_load_json(st, 0));
	sqlite3_reset(st);
	q_release(&q);
	if (!json_array_size(data)) {
		json_decref(data);
		reply_empty(r, ims ? 304 : 204);
		return 0;
	}
	reply_json(r, 200,
		   json_pack("{s:o, s:{s:I, s:I, s:I, s:b}}", "data", data, "info", "per_page", (json_int_t)per_page,
			     "count", (json_int_t)json_array_size(data), "page", (json_int_t)page, "more_records",
			     n > (size_t)per_page));
	return 0;
}

/* ---- settings and org ---------------------------------------------------- */

static struct crm_module *module_param(struct req *r)
{
	const char *name = req_arg(r, "module");
	struct crm_module *mod;

	if (str_empty(name)) {
		fail_param(r, "REQUIRED_PARAM_MISSING", "module", "One of the expected parameter is missing");
		return NULL;
	}
	if (!(mod = crm_module_get(r->sb->meta, name)))
		crm_fail(r, 400, "INVALID_MODULE", json_pack("{s:s}", "param_name", "module"),
			 "the module name given seems to be invalid");
	return mod;
}

static json_t *view_json(const json_t *v)
{
	const json_t *crit = json_object_get(v, "criteria");
	return json_pack("{s:O, s:O, s:O, s:n, s:b, s:b, s:s, s:s, s:s, s:o, s:o,"
			 " s:n, s:b, s:n, s:{s:s, s:{s:O}, s:O}}",
			 "id", json_object_get(v, "id"), "name", json_object_get(v, "name"), "display_value",
			 json_object_get(v, "name"), "system_name", "system_defined", 0, "default", 0, "category",
			 "public_views", "created_time", "2026-01-01T09:00:00+00:00", "modified_time",
			 "2026-01-01T09:00:00+00:00", "created_by", crm_user(0), "modified_by", crm_user(0),
			 "last_accessed_time", "locked", 0, "favorite", "criteria", "comparator", "equal", "field",
			 "api_name", json_object_get(crit, "field"), "value", json_object_get(crit, "equals"));
}

static int custom_views(struct req *r, const char *cvid)
{
	struct crm_module *mod = module_param(r);
	json_t *views, *list, *v;
	size_t i;

	if (!mod)
		return -1;
	views = json_object_get(r->sb->crm_views, crm_module_name(mod));
	list = json_array();
	json_array_foreach(views, i, v)
		if (!cvid || str_eq(jstr(v, "id"), cvid))
			json_array_append_new(list, view_json(v));
	if (cvid && !json_array_size(list)) {
		json_decref(list);
		return crm_fail(r, 400, "INVALID_DATA", json_pack("{s:s}", "id", cvid),
				"the id given seems to be invalid");
	}
	if (!json_array_size(list)) {
		json_decref(list);
		reply_empty(r, 204);
		return 0;
	}
	reply_json(r, 200,
		   json_pack("{s:o, s:{s:i, s:n, s:I, s:i, s:b}}", "custom_views", list, "info", "per_page", 200,
			     "default", "count", (json_int_t)json_array_size(views), "page", 1, "more_records", 0));
	return 0;
}

static int settings(struct req *r, char **seg, int n)
{
	struct crm_module *mod;

	if (strcmp(r->method, "GET") != 0)
		return crm_fail(r, 400, "INVALID_REQUEST_METHOD", NULL,
				"the http request method type is not a valid one");
	if (n == 2 && str_eq(seg[1], "fields")) {
		if ((mod = module_param(r)))
			reply_json(r, 200, json_pack("{s:o}", "fields", crm_fields_json(mod)));
	} else if (n == 2 && str_eq(seg[1], "modules")) {
		reply_json(r, 200, json_pack("{s:o}", "modules", crm_modules_json(r->sb->meta)));
	} else if ((n == 2 || n == 3) && str_eq(seg[1], "custom_views")) {
		custom_views(r, n == 3 ? seg[2] : NULL);
	} else {
		crm_fail(r, 404, "INVALID_URL_PATTERN", NULL,
			 "Please check if the URL trying to access is a correct one");
	}
	return 0;
}

/*
 * Get Record Count: {"count": N} of the module, or of its custom view with
 * cvid.  criteria, email, phone and word are documented filters the sandbox
 * does not emulate: refused rather than ignored, since an ignored filter
 * would give a count that looks right and is not.
 */
static int record_count(struct req *r, struct crm_module *mod)
{
	static const char *const not_emulated[] = { "criteria", "email", "phone", "word", NULL };
	const char *const *k;
	const char *cvid = req_arg(r, "cvid");
	const json_t *view = NULL;
	struct sqlq s;
	sqlite3_stmt *st;
	json_int_t n = 0;

	for (k = not_emulated; *k; k++)
		if (req_arg(r, *k))
			return fail_param(r, "NOT_SUPPORTED", *k, "the sandbox does not emulate this filter");
	if (cvid && !(view = crm_find_view(r->sb, crm_module_name(mod), cvid)))
		return fail_param(r, "INVALID_DATA", "cvid", "the custom view id given seems to be invalid");
	q_init(&s, "SELECT count(*) FROM crm WHERE module = ?");
	json_array_append_new(s.binds, json_string(crm_module_name(mod)));
	if (view)
		crm_view_filter(&s, view);
	st = q_prepare(r->sb, &s);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	q_release(&s);
	reply_json(r, 200, json_pack("{s:I}", "count", n));
	return 0;
}

static void module_get(struct req *r, struct crm_module *mod, char **seg, int n)
{
	if (n == 1)
		get_records(r, mod);
	else if (n == 3)
		crm_related_get(r, mod, seg[1], seg[2]);
	else if (str_eq(seg[1], "search"))
		search(r, mod);
	else if (str_eq(seg[1], "deleted"))
		deleted(r, mod);
	else if (str_eq(seg[1], "upsert"))
		crm_fail(r, 400, "INVALID_REQUEST_METHOD", NULL, "the http request method type is not a valid one");
	else
		get_record(r, mod, seg[1]);
}

static int crm_route(struct req *r)
{
	char buf[1024];
	char *seg[4];
	int n = path_split(r->path, "/crm/v8", buf, sizeof(buf), seg, 3);
	struct crm_module *mod;

	if (!oauth_check(r))
		return crm_fail(r, 401, "INVALID_TOKEN", NULL, "invalid oauth token");
	if (n == 3 && str_eq(seg[1], "actions") && str_eq(seg[2], "count") && str_eq(r->method, "GET")) {
		if (!(mod = crm_module_get(r->sb->meta, seg[0])))
			return crm_fail(r, 400, "INVALID_MODULE", NULL, "the module name given seems to be invalid");
		return record_count(r, mod);
	}
	if (n <= 0 || (n == 3 && !str_eq(seg[0], "settings") && strcmp(r->method, "GET")))
		return crm_fail(r, 404, "INVALID_URL_PATTERN", NULL,
				"Please check if the URL trying to access is a correct one");
	if (str_eq(seg[0], "settings"))
		return settings(r, seg, n);
	if (str_eq(seg[0], "org") && n == 1) {
		if (strcmp(r->method, "GET") != 0)
			return crm_fail(r, 400, "INVALID_REQUEST_METHOD", NULL,
					"the http request method type is not a valid one");
		reply_json(r, 200, json_pack("{s:[O]}", "org", r->sb->crm_org));
		return 0;
	}
	if (!(mod = crm_module_get(r->sb->meta, seg[0])))
		return crm_fail(r, 400, "INVALID_MODULE", NULL, "the module name given seems to be invalid");
	if (strcmp(r->method, "GET") == 0)
		module_get(r, mod, seg, n);
	else
		crm_write_handle(r, mod, n == 2 ? seg[1] : NULL);
	return 0;
}

void crm_handle(struct req *r)
{
	if (!strncmp(r->path, "/crm/bulk/", 10))
		bulk_handle(r);
	else
		crm_route(r);
}
