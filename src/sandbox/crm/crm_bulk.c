/*
 * crm_bulk.c - Zoho CRM Bulk Read under /crm/bulk/v8/read, as documented
 * (docs/sandbox.md, "Bulk Read", names the pages):
 *
 *   POST /crm/bulk/v8/read             a job: query.module, fields, cvid,
 *                                      page or page_token
 *   GET  /crm/bulk/v8/read/{id}        its state: ADDED, IN PROGRESS, then
 *                                      COMPLETED (or FAILURE) with result
 *   GET  /crm/bulk/v8/read/{id}/result a ZIP holding {id}.csv
 *
 * A job moves from ADDED to IN PROGRESS to COMPLETED after configurable
 * delays, holds at most page_size records (200,000 as Zoho; smaller for
 * the tests) in id order, and its result names the next page's token when
 * more records follow.  Downloads are limited to ten in any minute (429).
 * The CSV is what the docs show: a header of the fields asked (id first), a
 * lookup's column holding the looked-up record's id, `X.field` its field,
 * multi-select values joined with ';'.  The ZIP is built with libzip.
 */
#include "../sb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zip.h>

#define MAX_DOWNLOADS 1000

struct bulk_state {
	long added_ms, progress_ms; /* time in ADDED, then IN PROGRESS */
	long page_size;             /* records a job holds */
	long downloads_per_minute;
	int fail;                        /* jobs made now end in FAILURE */
	json_t *jobs;                    /* id -> job */
	json_t *tokens;                  /* page_token -> {module, after}: where the next page starts */
	double downloads[MAX_DOWNLOADS]; /* monotonic times of the last downloads (a ring) */
	long dpos;
	long jobs_made;
};

struct bulk_state *bulk_new(void)
{
	struct bulk_state *b = xcalloc(1, sizeof(*b));

	b->added_ms = 100;
	b->progress_ms = 300;
	b->page_size = 200000;
	b->downloads_per_minute = 10;
	b->jobs = json_object();
	b->tokens = json_object();
	return b;
}

void bulk_free(struct bulk_state *b)
{
	if (!b)
		return;
	json_decref(b->jobs);
	json_decref(b->tokens);
	free(b);
}

static double mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static int bulk_fail(struct req *r, int status, const char *code, json_t *details, const char *message)
{
	reply_json(r, status, jerr_crm(code, details, message));
	return -1;
}

/* ---- create ---- */

/* 0 when every field (or `X.field` of a lookup X) is one the module has; else answered. */
static int check_fields(struct req *r, const struct crm_module *mod, const json_t *fields)
{
	const json_t *f;
	size_t i;

	if (fields && !json_is_array(fields))
		return bulk_fail(r, 400, "INVALID_DATA", json_pack("{s:s}", "api_name", "fields"),
				 "fields must be a list of field API names");
	json_array_foreach(fields, i, f) {
		const char *name = json_string_value(f), *dot = name ? strchr(name, '.') : NULL;
		char *head = name ? xstrndup(name, dot ? (size_t)(dot - name) : strlen(name)) : NULL;
		const char *type = head ? crm_field_type(mod, head) : NULL;
		int ok = str_eq(head, "id") ||
			 (type && (!dot || str_eq(type, "lookup") || str_eq(type, "ownerlookup")));
		free(head);
		if (!ok)
			return bulk_fail(r, 400, "INVALID_DATA", json_pack("{s:s?}", "api_name", name),
					 "the field given seems to be invalid");
	}
	return 0;
}

/* The job's query checked: module, fields, cvid, page or page_token; 0 or answered. */
static int check_query(struct req *r, const json_t *query, struct crm_module **mod)
{
	const json_t *m = json_object_get(query, "module"), *page = json_object_get(query, "page");
	const char *name = json_is_object(m) ? jstr(m, "api_name") : json_string_value(m);
	const char *cvid = jstr(query, "cvid"), *token = jstr(query, "page_token");

	if (!json_is_object(query))
		return bulk_fail(r, 400, "REQUIRED_PARAM_MISSING", json_pack("{s:s}", "api_name", "query"),
				 "One of the expected parameter is missing");
	if (!name || !(*mod = crm_module_get(r->sb->meta, name)))
		return bulk_fail(r, 400, "INVALID_DATA", json_pack("{s:s}", "api_name", "module"),
				 "the module name given seems to be invalid");
	if (cvid && !crm_find_view(r->sb, crm_module_name(*mod), cvid))
		return bulk_fail(r, 400, "INVALID_DATA", json_pack("{s:s}", "api_name", "cvid"),
				 "the custom view id given seems to be invalid");
	if (page && (!json_is_integer(page) || json_integer_value(page) < 1))
		return bulk_fail(r, 400, "INVALID_DATA", json_pack("{s:s}", "api_name", "page"), "invalid data");
	if (token && !str_eq(jstr(json_object_get(r->sb->bulk->tokens, token), "module"), name))
		return bulk_fail(r, 400, "INVALID_DATA", json_pack("{s:s}", "api_name", "page_token"),
				 "invalid page token");
	return check_fields(r, *mod, json_object_get(query, "fields"));
}

static void create_job(struct req *r)
{
	struct bulk_state *b = r->sb->bulk;
	const char *ct = req_header(r, "Content-Type");
	json_error_t err;
	json_t *body, *query, *job;
	struct crm_module *mod = NULL;
	char id[32], when[32];

	if (!ct || strncmp(ct, "application/json", 16)) {
		bulk_fail(r, 415, "MEDIA_TYPE_NOT_SUPPORTED", NULL, "the content type is not supported");
		return;
	}
	if (!(body = req_json_body(r, &err))) {
		bulk_fail(r, 400, "INVALID_DATA", NULL, "the body is not valid JSON");
		return;
	}
	query = json_object_get(body, "query");
	if (!check_query(r, query, &mod)) {
		snprintf(id, sizeof(id), "41508680%011ld", ++b->jobs_made);
		fmt_crm_time(sb_now(r->sb), when);
		job = json_pack("{s:s, s:s, s:O, s:s, s:f, s:b}", "id", id, "module", crm_module_name(mod), "query",
				query, "created_time", when, "created_ms", mono_ms(), "fail", b->fail);
		json_object_set_new(b->jobs, id, job);
		reply_json(r, 201,
			   json_pack("{s:[{s:s, s:s, s:s, s:{s:s, s:s, s:s, s:o, s:s}}], s:{}}", "data", "status",
				     "success", "code", "ADDED_SUCCESSFULLY", "message", "Added successfully.",
				     "details", "id", id, "operation", "read", "state", "ADDED", "created_by",
				     crm_user(0), "created_time", when, "info"));
	}
	json_decref(body);
}

/* ---- the job's records ---- */

/* The job's rows: the module (and view) in id order, from its page or after its token's last id. */
static sqlite3_stmt *job_rows(struct sandbox *sb, const json_t *job, struct sqlq *s, long limit)
{
	const json_t *query = json_object_get(job, "query");
	const char *cvid = jstr(query, "cvid"), *token = jstr(query, "page_token");
	const json_t *view = cvid ? crm_find_view(sb, jstr(job, "module"), cvid) : NULL;
	const char *after = token ? jstr(json_object_get(sb->bulk->tokens, token), "after") : NULL;
	json_int_t page = json_integer_value(json_object_get(query, "page"));

	q_init(s, "SELECT idkey, body FROM crm WHERE module = ?");
	json_array_append_new(s->binds, json_string(jstr(job, "module")));
	if (after)
		q_add(s, " AND idkey > ?", json_string(after));
	if (view)
		crm_view_filter(s, view);
	q_add(s, " ORDER BY idkey LIMIT ?", json_integer(limit));
	q_add(s, " OFFSET ?", json_integer(after || page < 1 ? 0 : (page - 1) * sb->bulk->page_size));
	return q_prepare(sb, s);
}

/* The result of a job just done: count, more_records and the next page's token. */
static json_t *job_result(struct sandbox *sb, json_t *job)
{
	struct bulk_state *b = sb->bulk;
	struct sqlq s;
	sqlite3_stmt *st = job_rows(sb, job, &s, b->page_size + 1);
	json_int_t page = json_integer_value(json_object_get(json_object_get(job, "query"), "page"));
	long n = 0;
	char *last = NULL, path[96];
	json_t *result;

	while (sqlite3_step(st) == SQLITE_ROW && n < b->page_size + 1) {
		if (++n <= b->page_size) {
			free(last);
			last = xstrdup((const char *)sqlite3_column_text(st, 0));
		}
	}
	sqlite3_reset(st);
	q_release(&s);
	snprintf(path, sizeof(path), "/crm/bulk/v8/read/%s/result", jstr(job, "id"));
	result = json_pack("{s:I, s:I, s:I, s:s, s:b}", "page", page > 0 ? page : (json_int_t)1, "per_page",
			   (json_int_t)b->page_size, "count", (json_int_t)(n > b->page_size ? b->page_size : n),
			   "download_url", path, "more_records", n > b->page_size);
	if (n > b->page_size) {
		char token[33];
		random_hex(token, 32);
		json_object_set_new(b->tokens, token,
				    json_pack("{s:s, s:s}", "module", jstr(job, "module"), "after", last));
		json_object_set_new(result, "next_page_token", json_string(token));
	}
	free(last);
	return result;
}

/* ADDED, IN PROGRESS, then COMPLETED (its result made once) or FAILURE, by the time since it was made. */
static const char *job_state(struct sandbox *sb, json_t *job)
{
	struct bulk_state *b = sb->bulk;
	double age = mono_ms() - json_real_value(json_object_get(job, "created_ms"));

	if (age < (double)b->added_ms)
		return "ADDED";
	if (age < (double)(b->added_ms + b->progress_ms))
		return "IN PROGRESS";
	if (json_is_true(json_object_get(job, "fail")))
		return "FAILURE";
	if (!json_object_get(job, "result"))
		json_object_set_new(job, "result", job_result(sb, job));
	return "COMPLETED";
}

static json_t *find_job(struct req *r, const char *id)
{
	json_t *job = json_object_get(r->sb->bulk->jobs, id);

	if (!job)
		bulk_fail(r, 404, "RESOURCE_NOT_FOUND", json_pack("{s:s}", "id", id),
			  "the requested resource is not found");
	return job;
}

static void job_status(struct req *r, const char *id)
{
	json_t *job = find_job(r, id), *row;
	const char *state;

	if (!job)
		return;
	state = job_state(r->sb, job);
	row = json_pack("{s:O, s:s, s:s, s:O, s:o, s:O, s:s}", "id", json_object_get(job, "id"), "operation", "read",
			"state", state, "query", json_object_get(job, "query"), "created_by", crm_user(0),
			"created_time", json_object_get(job, "created_time"), "file_type", "csv");
	if (!strcmp(state, "COMPLETED"))
		json_object_set(row, "result", json_object_get(job, "result"));
	reply_json(r, 200, json_pack("{s:[o]}", "data", row));
}

/* ---- the CSV and its ZIP ---- */

/* A CSV cell: quoted when it holds a comma, a quote or a line end. */
static void csv_cell(struct buf *out, const char *t)
{
	const char *p;

	if (!strpbrk(t, ",\"\r\n")) {
		buf_adds(out, t);
		return;
	}
	buf_addc(out, '"');
	for (p = t; *p; p++) {
		if (*p == '"')
			buf_addc(out, '"');
		buf_addc(out, *p);
	}
	buf_addc(out, '"');
}

/* A stored value as Bulk Read writes it: a lookup as its id, a list joined with ';'. */
static void value_text(struct buf *out, json_t *v)
{
	json_t *x;
	size_t i;
	char *t;

	if (json_is_string(v)) {
		buf_adds(out, json_string_value(v));
	} else if (json_is_object(v)) {
		buf_adds(out, jstr_or(v, "id", ""));
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, x) {
			if (i)
				buf_addc(out, ';');
			value_text(out, x);
		}
	} else if (v && !json_is_null(v)) {
		t = json_dumps(v, JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));
		buf_adds(out, t ? t : "");
		free(t);
	}
}

/* `X.field` of a record: the owner's name parts and email, or the looked-up record's field. */
static void dotted_text(struct sandbox *sb, const struct crm_module *mod, json_t *rec, const char *col, struct buf *out)
{
	const char *dot = strchr(col, '.'), *field = dot + 1;
	char *head = xstrndup(col, (size_t)(dot - col));
	json_t *v = json_object_get(rec, head), *target;
	const char *name = jstr(v, "name"), *sp = name ? strchr(name, ' ') : NULL;

	if (str_eq(crm_field_type(mod, head), "ownerlookup")) {
		if (str_eq(field, "email") || str_eq(field, "id"))
			value_text(out, json_object_get(v, field));
		else if (str_eq(field, "full_name") && name)
			buf_adds(out, name);
		else if (str_eq(field, "first_name") && name)
			buf_add(out, name, sp ? (size_t)(sp - name) : 0);
		else if (str_eq(field, "last_name") && name)
			buf_adds(out, sp ? sp + 1 : name);
	} else if (jstr(v, "id") && (target = crm_store_get(sb, crm_field_lookup(mod, head), jstr(v, "id")))) {
		value_text(out, json_object_get(target, field));
		json_decref(target);
	}
	free(head);
}

/* One record's CSV row, the columns in the order asked. */
static void csv_row(struct sandbox *sb, const struct crm_module *mod, json_t *rec, const json_t *cols, struct buf *out,
		    struct buf *cell)
{
	const json_t *c;
	size_t i;

	json_array_foreach(cols, i, c) {
		const char *col = json_string_value(c);
		buf_reset(cell);
		if (strchr(col, '.'))
			dotted_text(sb, mod, rec, col, cell);
		else
			value_text(cell, json_object_get(rec, col));
		if (i)
			buf_addc(out, ',');
		csv_cell(out, buf_str(cell));
	}
	buf_adds(out, "\r\n");
}

/* The columns: id first, then the fields asked (every field the module has when none were). */
static json_t *job_columns(const struct crm_module *mod, const json_t *query)
{
	json_t *cols = json_pack("[s]", "id"), *f, *all = NULL;
	const json_t *fields = json_object_get(query, "fields");
	size_t i;

	if (!json_array_size(fields))
		fields = all = crm_fields_json(mod);
	json_array_foreach(fields, i, f) {
		const char *name = json_is_object(f) ? jstr(f, "api_name") : json_string_value(f);
		if (name && !str_eq(name, "id"))
			json_array_append_new(cols, json_string(name));
	}
	json_decref(all);
	return cols;
}

static void job_csv(struct sandbox *sb, json_t *job, struct buf *out)
{
	const struct crm_module *mod = crm_module_get(sb->meta, jstr(job, "module"));
	json_t *cols = job_columns(mod, json_object_get(job, "query")), *c, *rec;
	struct buf cell = BUF_INIT;
	struct sqlq s;
	sqlite3_stmt *st = job_rows(sb, job, &s, sb->bulk->page_size);
	size_t i;

	json_array_foreach(cols, i, c) {
		if (i)
			buf_addc(out, ',');
		csv_cell(out, json_string_value(c));
	}
	buf_adds(out, "\r\n");
	while (sqlite3_step(st) == SQLITE_ROW) {
		rec = store_load_json(st, 1);
		csv_row(sb, mod, rec, cols, out, &cell);
		json_decref(rec);
	}
	sqlite3_reset(st);
	q_release(&s);
	buf_release(&cell);
	json_decref(cols);
}

/* The CSV zipped in memory (libzip): the archive's bytes in *zip, or -1. */
static int zip_bytes(const char *name, const struct buf *csv, char **zip, size_t *len)
{
	zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, NULL), *file;
	zip_t *za = src ? zip_open_from_source(src, ZIP_TRUNCATE, NULL) : NULL;
	zip_stat_t st;
	int rc = -1;

	*zip = NULL;
	if (!za)
		goto out;
	zip_source_keep(src);
	if (!(file = zip_source_buffer(za, csv->len ? buf_str(csv) : "", csv->len, 0)) ||
	    zip_file_add(za, name, file, ZIP_FL_ENC_UTF_8) < 0) {
		zip_source_free(file);
		zip_discard(za);
		goto out;
	}
	if (zip_close(za) < 0) {
		zip_discard(za);
		goto out;
	}
	if (zip_source_stat(src, &st) || zip_source_open(src))
		goto out;
	*zip = xmalloc(st.size ? st.size : 1);
	*len = (size_t)zip_source_read(src, *zip, st.size);
	zip_source_close(src);
	rc = *len == st.size ? 0 : -1;
out:
	if (src)
		zip_source_free(src);
	if (rc) {
		free(*zip);
		*zip = NULL;
	}
	return rc;
}

/* 1 when a download now would be more than downloads_per_minute in the last minute; else counts it. */
static int download_limited(struct bulk_state *b)
{
	long n = b->downloads_per_minute > MAX_DOWNLOADS ? MAX_DOWNLOADS : b->downloads_per_minute;
	double now = mono_ms();
	long i, recent = 0;

	if (n <= 0)
		return 0;
	for (i = 0; i < MAX_DOWNLOADS; i++)
		if (b->downloads[i] > 0 && now - b->downloads[i] < 60000.0)
			recent++;
	if (recent >= n)
		return 1;
	b->downloads[b->dpos] = now;
	b->dpos = (b->dpos + 1) % MAX_DOWNLOADS;
	return 0;
}

static void job_download(struct req *r, const char *id)
{
	json_t *job = find_job(r, id);
	struct buf csv = BUF_INIT;
	char *zip = NULL, name[64];
	size_t len = 0;

	if (!job)
		return;
	if (strcmp(job_state(r->sb, job), "COMPLETED")) {
		bulk_fail(r, 400, "INVALID_REQUEST", json_pack("{s:s}", "id", id), "the job is not completed");
		return;
	}
	if (download_limited(r->sb->bulk)) {
		bulk_fail(r, 429, "TOO_MANY_REQUESTS", NULL,
			  "only 10 requests for download are allowed for one-minute interval");
		return;
	}
	job_csv(r->sb, job, &csv);
	snprintf(name, sizeof(name), "%s.csv", id);
	if (zip_bytes(name, &csv, &zip, &len)) {
		buf_release(&csv);
		bulk_fail(r, 500, "INTERNAL_ERROR", NULL, "the result could not be made");
		return;
	}
	buf_release(&csv);
	reply_empty(r, 200);
	r->resp = zip;
	r->resp_len = len;
	reply_header(r, "Content-Type", "application/zip");
	snprintf(name, sizeof(name), "attachment; filename=\"%s.zip\"", id);
	reply_header(r, "Content-Disposition", name);
}

void bulk_handle(struct req *r)
{
	char buf[512];
	char *seg[4];
	int n = path_split(r->path, "/crm/bulk/v8", buf, sizeof(buf), seg, 3);
	int get = !strcmp(r->method, "GET");

	if (!oauth_check(r)) {
		bulk_fail(r, 401, "INVALID_TOKEN", NULL, "invalid oauth token");
		return;
	}
	if (n == 1 && str_eq(seg[0], "read") && !strcmp(r->method, "POST"))
		create_job(r);
	else if (n == 2 && str_eq(seg[0], "read") && get)
		job_status(r, seg[1]);
	else if (n == 3 && str_eq(seg[0], "read") && str_eq(seg[2], "result") && get)
		job_download(r, seg[1]);
	else
		bulk_fail(r, 404, "INVALID_URL_PATTERN", NULL,
			  "Please check if the URL trying to access is a correct one");
}

/* ---- /__control/bulk_read ---- */

/* body[key] into *out when it is an integer >= min; -1 (and *bad set) when present and not. */
static void take_long(json_t *body, const char *key, long min, long *out, const char **bad)
{
	const json_t *v = json_object_get(body, key);

	if (!v)
		return;
	if (!json_is_integer(v) || json_integer_value(v) < min)
		*bad = key;
	else
		*out = (long)json_integer_value(v);
}

void bulk_control(struct req *r)
{
	struct bulk_state *b = r->sb->bulk;
	json_error_t err;
	json_t *body, *fail;
	const char *bad = NULL;

	if (!strcmp(r->method, "POST")) {
		if (!(body = req_json_body(r, &err))) {
			reply_json(r, 400, json_pack("{s:s}", "error", "body must be a JSON object"));
			return;
		}
		take_long(body, "added_ms", 0, &b->added_ms, &bad);
		take_long(body, "in_progress_ms", 0, &b->progress_ms, &bad);
		take_long(body, "page_size", 1, &b->page_size, &bad);
		take_long(body, "downloads_per_minute", 0, &b->downloads_per_minute, &bad);
		take_long(body, "list_wall", 1, &r->sb->list_wall, &bad);
		fail = json_object_get(body, "fail");
		if (fail && !json_is_boolean(fail))
			bad = "fail";
		else if (fail)
			b->fail = json_is_true(fail);
		json_decref(body);
		if (bad) {
			reply_json(r, 400,
				   json_pack("{s:s, s:s}", "error", "not a whole number in range (or a boolean)", "key",
					     bad));
			return;
		}
	}
	reply_json(r, 200,
		   json_pack("{s:I, s:I, s:I, s:I, s:I, s:b, s:I}", "added_ms", (json_int_t)b->added_ms,
			     "in_progress_ms", (json_int_t)b->progress_ms, "page_size", (json_int_t)b->page_size,
			     "downloads_per_minute", (json_int_t)b->downloads_per_minute, "list_wall",
			     (json_int_t)r->sb->list_wall, "fail", b->fail, "jobs_made", (json_int_t)b->jobs_made));
}
