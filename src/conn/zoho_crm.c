/*
 * zoho_crm.c - CRM source over the Zoho CRM v8 REST API.
 *
 * Reads a module page by page (per_page 200): `page` for the first 2,000
 * records, then `page_token` from info.next_page_token, as v8 requires.
 * `fields` is mandatory and takes at most 50 names: the first batch drives
 * the paging; each further batch is fetched for the same page with `ids=`
 * and merged into its records, so one page is the most held in memory.
 */
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/api.h"
#include "finsync/buf.h"
#include "finsync/crm.h"
#include "finsync/crm_bulk.h"
#include "finsync/err.h"
#include "finsync/log.h"
#include "finsync/pageguard.h"
#include "finsync/safe.h"

#define PER_PAGE 200
#define PAGE_LIMIT 2000 /* records reachable with `page`; beyond needs page_token */
#define FIELDS_PER_CALL 50
/* Records one listing reaches (Zoho: PAGINATION_LIMIT_EXCEEDED past it); a bigger module goes by Bulk Read. */
#define LIST_WALL 100000

struct zoho_crm {
	struct crm base;
	struct api *api;
	json_t *meta; /* module -> {field API name -> its settings/fields object} */
};

struct zoho_source {
	struct source base;
	struct zoho_crm *crm;
	char *module;
	json_t *batches; /* array of comma-joined field lists */
	char *cvid;
	char *if_modified_since; /* header line, or NULL */
	json_t *page;            /* current page's data array */
	size_t pos;
	long page_no;
	char *next_token;
	char *ids;     /* read these records only */
	char *related; /* a related list's path ("Deals/{id}/Products"), or NULL */
	int deleted;   /* the /deleted feed instead of the records */
	int done;
	struct page_guard guard; /* stops a paging that would not end (set up on the first page) */
	/* crm.read auto, a full read: past the wall it goes on by Bulk Read */
	struct crm_query *switchable;
	int wall_hit;        /* the list answered PAGINATION_LIMIT_EXCEEDED */
	int counted;         /* the module's record count was asked */
	long listed;         /* records listed so far */
	struct source *bulk; /* the Bulk Read it went on with */
};

static int zoho_open(struct crm **out, const struct job *job)
{
	struct zoho_crm *c = xcalloc(1, sizeof(*c));
	int rc;

	c->base.ops = &zoho_crm_ops;
	c->base.job = job;
	c->meta = json_object();
	if ((rc = api_new(&c->api, &job->crm, "zoho-crm"))) {
		json_decref(c->meta);
		xfree(c);
		return rc;
	}
	*out = &c->base;
	return 0;
}

static void zoho_close(struct crm *base)
{
	struct zoho_crm *c = (struct zoho_crm *)base;

	api_free(c->api);
	json_decref(c->meta);
	xfree(c);
}

/* "CODE: message" from a Zoho CRM error body, for messages. */
static char *crm_error_text(const struct api_result *res)
{
	const char *code = json_string_value(json_object_get(res->json, "code"));
	const char *msg = json_string_value(json_object_get(res->json, "message"));
	json_t *details = json_object_get(res->json, "details");
	char *d = details && json_object_size(details) ? json_dumps(details, JSON_COMPACT) : NULL;
	char *text;

	if (!res->json)
		return xasprintf("HTTP %ld, an answer that is not JSON: %.200s", res->status,
				 res->text && *res->text ? res->text : "(empty)");
	if (!code && json_is_array(json_object_get(res->json, "data"))) {
		json_t *row = json_array_get(json_object_get(res->json, "data"), 0);
		code = json_string_value(json_object_get(row, "code"));
		msg = json_string_value(json_object_get(row, "message"));
	}
	text = xasprintf("HTTP %ld%s%s%s%s%s%s", res->status, code ? " " : "", code ? code : "", msg ? ": " : "",
			 msg ? msg : (res->text ? res->text : ""), d ? " " : "", d ? d : "");
	xfree(d);
	return text;
}

/* The module's settings/fields objects by API name (borrowed, kept for the run) in *out. */
static int module_meta(struct zoho_crm *c, const char *module, json_t **out)
{
	struct api_result res = API_RESULT_INIT;
	char *url;
	json_t *field, *meta;
	size_t i;
	int rc;

	if ((*out = json_object_get(c->meta, module)))
		return 0;
	url = xasprintf("%s/settings/fields?module=%s", c->base.job->crm.api_base, module);
	meta = json_object();
	if ((rc = api_call(c->api, "GET", url, NULL, NULL, &res)))
		goto out;
	if (res.status != 204 && (res.status != 200 || !json_is_array(json_object_get(res.json, "fields")))) {
		char *why = crm_error_text(&res);
		rc = fail(FS_EABORT, "zoho-crm: cannot read the fields of %s: %s", module, why);
		xfree(why);
		goto out;
	}
	json_array_foreach(json_object_get(res.json, "fields"), i, field) {
		const char *name = json_string_value(json_object_get(field, "api_name"));
		if (name)
			json_object_set(meta, name, field);
	}
	json_object_set(c->meta, module, meta);
	*out = meta;
out:
	json_decref(meta);
	api_result_release(&res);
	xfree(url);
	return rc;
}

/*
 * The module's field metadata: *out gets each field's api_name, as an array
 * of names (types 0) or as an object name -> data_type ("text",
 * "picklist", "lookup" …) for people (`finsync mapping`).
 */
static int zoho_field_list(struct crm *base, const char *module, json_t **out, int types)
{
	json_t *meta = NULL, *field, *type;
	const char *name;
	int rc;

	*out = types ? json_object() : json_array();
	if ((rc = module_meta((struct zoho_crm *)base, module, &meta)))
		return rc;
	json_object_foreach(meta, name, field) {
		type = json_object_get(field, "data_type");
		if (types)
			json_object_set_new(*out, name,
					    json_string(json_is_string(type) ? json_string_value(type) : "unknown"));
		else
			json_array_append_new(*out, json_string(name));
	}
	return 0;
}

static int zoho_fields(struct crm *base, const char *module, json_t **out)
{
	return zoho_field_list(base, module, out, 0);
}

static int zoho_field_types(struct crm *base, const char *module, json_t **out)
{
	return zoho_field_list(base, module, out, 1);
}

/*
 * GET /{module}/actions/count (Zoho CRM v8 "Get Record Count"): one call
 * instead of a walk, which is what `finsync plan` can afford on a module of
 * millions.  An answer without a count is an error, not zero.
 */
static int zoho_count(struct crm *base, const char *module, const char *cvid, long *n)
{
	struct zoho_crm *c = (struct zoho_crm *)base;
	struct api_result res = API_RESULT_INIT;
	char *url = xasprintf("%s/%s/actions/count%s%s", base->job->crm.api_base, module, cvid ? "?cvid=" : "",
			      cvid ? cvid : "");
	json_t *count;
	int rc;

	*n = 0;
	if ((rc = api_call(c->api, "GET", url, NULL, NULL, &res)))
		goto out;
	count = json_object_get(res.json, "count");
	if (res.status == 200 && json_is_integer(count) && json_integer_value(count) >= 0) {
		*n = (long)json_integer_value(count);
	} else if (res.status != 204) {
		char *why = crm_error_text(&res);
		rc = fail(FS_EABORT, "zoho-crm: cannot count the records of %s: %s", module, why);
		xfree(why);
	}
out:
	api_result_release(&res);
	xfree(url);
	return rc;
}

/* Splits the wanted fields into comma-joined batches of at most 50. */
static json_t *field_batches(json_t *fields)
{
	json_t *batches = json_array(), *f;
	struct buf b = BUF_INIT;
	size_t i, n = 0;

	json_array_foreach(fields, i, f) {
		if (!json_is_string(f) || !strcmp(json_string_value(f), "id"))
			continue;
		if (n == FIELDS_PER_CALL) {
			json_array_append_new(batches, json_string(buf_str(&b)));
			buf_reset(&b);
			n = 0;
		}
		if (n++)
			buf_addc(&b, ',');
		buf_adds(&b, json_string_value(f));
	}
	if (n || !json_array_size(batches))
		json_array_append_new(batches, json_string(n ? buf_str(&b) : "id"));
	buf_release(&b);
	return batches;
}

static char *list_url(struct zoho_source *s, const char *fields, const char *ids)
{
	struct buf b = BUF_INIT;
	char *esc;

	if (s->deleted) {
		buf_addf(&b, "%s/%s/deleted?type=all&per_page=%d&page=%ld", s->crm->base.job->crm.api_base, s->module,
			 PER_PAGE, s->page_no);
		return buf_detach(&b);
	}
	if (s->related) {
		esc = http_escape(fields);
		buf_addf(&b, "%s/%s?fields=%s&per_page=%d&page=%ld", s->crm->base.job->crm.api_base, s->related, esc,
			 PER_PAGE, s->page_no);
		xfree(esc);
		return buf_detach(&b);
	}
	if (!ids)
		ids = s->ids;
	esc = http_escape(fields);
	buf_addf(&b, "%s/%s?fields=%s&per_page=%d", s->crm->base.job->crm.api_base, s->module, esc, PER_PAGE);
	xfree(esc);
	/*
	 * Oldest id first, so that of two records whose names collide the older
	 * one is created and the newer is the duplicate, run after run.  A view
	 * refuses sort_by: it keeps Zoho's order.  A read by ids names records
	 * the view already chose; Zoho documents no cvid beside ids, so none is
	 * sent with them.
	 */
	if (s->cvid && !ids)
		buf_addf(&b, "&cvid=%s", s->cvid);
	else if (!ids)
		buf_adds(&b, "&sort_by=id&sort_order=asc");
	if (ids) {
		buf_addf(&b, "&ids=%s", ids);
	} else if (s->next_token) {
		esc = http_escape(s->next_token);
		buf_addf(&b, "&page_token=%s", esc);
		xfree(esc);
	} else {
		buf_addf(&b, "&page=%ld", s->page_no);
	}
	return buf_detach(&b);
}

static int get_page(struct zoho_source *s, const char *url, json_t **data)
{
	const char *headers[2] = { s->if_modified_since, NULL };
	struct api_result res = API_RESULT_INIT;
	int rc;

	*data = NULL;
	if ((rc = api_call(s->crm->api, "GET", url, NULL, headers, &res)))
		return rc;
	if (!s->crm->base.first_list_time)
		s->crm->base.first_list_time = res.date;
	if (res.status == 204 || res.status == 304) {
		api_result_release(&res);
		return 0;
	}
	const char *code = json_string_value(json_object_get(res.json, "code"));
	if (s->switchable && res.status == 400 && code && !strcmp(code, "PAGINATION_LIMIT_EXCEEDED")) {
		s->wall_hit = 1;
		api_result_release(&res);
		return 0;
	}
	if (res.status != 200 || !json_is_array(json_object_get(res.json, "data"))) {
		char *why = crm_error_text(&res);
		rc = fail(FS_EABORT, "zoho-crm: cannot read %s: %s", s->module, why);
		xfree(why);
		api_result_release(&res);
		return rc;
	}
	*data = json_incref(json_object_get(res.json, "data"));
	/* Keep where to go next before the answer is released. */
	json_t *info = json_object_get(res.json, "info");
	const char *token = json_string_value(json_object_get(info, "next_page_token"));
	if (!json_is_true(json_object_get(info, "more_records"))) {
		s->done = 1;
	} else if (!s->deleted && !s->related && ((s->page_no + 1) * PER_PAGE > PAGE_LIMIT || s->next_token)) {
		xfree(s->next_token);
		s->next_token = token ? xstrdup(token) : NULL;
		if (!token)
			rc = fail(FS_EABORT, "zoho-crm: %s: more records but no next_page_token after page %ld",
				  s->module, s->page_no);
	}
	api_result_release(&res);
	return rc;
}

/* Fetches the other field batches for this page's ids and merges them in. */
static int merge_batches(struct zoho_source *s, json_t *page)
{
	struct buf ids = BUF_INIT;
	json_t *rec, *extra = NULL;
	size_t i, k;
	int rc = 0;

	json_array_foreach(page, i, rec) {
		const char *id = json_string_value(json_object_get(rec, "id"));
		/* An id that is not digits is not asked for (the extract refuses its record). */
		if (!zoho_id_ok(id))
			continue;
		if (ids.len)
			buf_addc(&ids, ',');
		buf_adds(&ids, id);
	}
	for (k = 1; k < json_array_size(s->batches) && ids.len && !rc; k++) {
		char *url = list_url(s, json_string_value(json_array_get(s->batches, k)), buf_str(&ids));
		int done = s->done;
		rc = get_page(s, url, &extra);
		s->done = done;
		xfree(url);
		for (i = 0; !rc && extra && i < json_array_size(extra); i++) {
			json_t *x = json_array_get(extra, i), *r;
			size_t j;
			json_array_foreach(page, j, r)
				if (json_equal(json_object_get(r, "id"), json_object_get(x, "id")))
					json_object_update_missing(r, x);
		}
		json_decref(extra);
		extra = NULL;
	}
	buf_release(&ids);
	return rc;
}

/* The page just read, shown to the guard: a repeated page or token ends the read. */
static int guard_page(struct zoho_source *s)
{
	if (!s->guard.endpoint) {
		char *endpoint = xasprintf("zoho-crm: GET /%s%s", s->module, s->deleted ? "/deleted" : "");
		page_guard_init(&s->guard, endpoint, PER_PAGE);
		xfree(endpoint);
	}
	return page_guard_check(&s->guard, s->page, !s->done, s->next_token);
}

static int bulk_open(struct zoho_crm *c, const struct crm_query *q, struct source **out)
{
	json_t *meta = NULL;
	int rc;

	if ((rc = module_meta(c, q->module, &meta)))
		return rc;
	return bulk_source_open(out, c->api, c->base.job->crm.api_base, q, meta);
}

/*
 * The listing reached the CRM's wall: the module is read on by Bulk Read,
 * whole.  The records listed already come again; the extract writes an id
 * once (its set of the ids written), so each record is staged once, as
 * it was listed.
 */
static int go_bulk(struct zoho_source *s)
{
	json_decref(s->page);
	s->page = NULL;
	return bulk_open(s->crm, s->switchable, &s->bulk);
}

static int count_check(struct zoho_source *s);

static int fetch_page(struct zoho_source *s)
{
	char *url;
	int rc;

	json_decref(s->page);
	s->page = NULL;
	s->pos = 0;
	s->page_no++;
	url = list_url(s, json_string_value(json_array_get(s->batches, 0)), NULL);
	rc = get_page(s, url, &s->page);
	xfree(url);
	if (!rc && s->wall_hit) {
		log_info("%s: the CRM's list API stops after %ld records (PAGINATION_LIMIT_EXCEEDED); reading the "
			 "module by Bulk Read, the records already listed kept once",
			 s->module, s->listed);
		return go_bulk(s);
	}
	if (!rc && !s->page)
		s->done = 1;
	s->listed += s->page ? (long)json_array_size(s->page) : 0;
	/* Switched to Bulk Read: this page comes again from there. */
	if (!rc && s->switchable && !s->counted && !s->done && s->listed >= PAGE_LIMIT &&
	    ((rc = count_check(s)) || s->bulk))
		return rc;
	if (s->ids)
		s->done = 1;
	if (!rc)
		rc = guard_page(s);
	if (!rc && s->page && json_array_size(s->batches) > 1)
		rc = merge_batches(s, s->page);
	log_debug("zoho-crm: %s page %ld: %zu records", s->module, s->page_no, s->page ? json_array_size(s->page) : 0);
	return rc;
}

static int zoho_next(struct source *base, json_t **out)
{
	struct zoho_source *s = (struct zoho_source *)base;
	int rc;

	*out = NULL;
	while (!s->bulk && (!s->page || s->pos >= json_array_size(s->page))) {
		if (s->done)
			return 0;
		if ((rc = fetch_page(s)))
			return rc;
	}
	if (s->bulk)
		return source_next(s->bulk, out);
	*out = json_incref(json_array_get(s->page, s->pos++));
	/* Not a record: that element's error, never the whole read's. */
	if (!json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		return fail(FS_EINPUT, "%s page %ld, record %zu: not a JSON object", s->module, s->page_no, s->pos);
	}
	return 1;
}

static void zoho_source_close(struct source *base)
{
	struct zoho_source *s = (struct zoho_source *)base;

	json_decref(s->page);
	json_decref(s->batches);
	source_close(s->bulk);
	if (s->switchable) {
		json_decref(s->switchable->fields);
		xfree((char *)s->switchable->module);
		xfree((char *)s->switchable->cvid);
		xfree((char *)s->switchable->tmp_dir);
		xfree(s->switchable);
	}
	xfree(s->module);
	xfree(s->cvid);
	xfree(s->if_modified_since);
	xfree(s->next_token);
	xfree(s->ids);
	xfree(s->related);
	page_guard_release(&s->guard);
	xfree(s);
}

static char *zoho_where(struct source *base)
{
	struct zoho_source *s = (struct zoho_source *)base;

	if (s->bulk)
		return source_where(s->bulk);
	return xasprintf("%s page %ld, record %zu", s->module, s->page_no, s->pos);
}

static const struct source_ops zoho_source_ops = { zoho_next, zoho_source_close, zoho_where };

/* The module's record count in *n (zoho_count, the one reader of the count API). */
static int record_count(struct zoho_crm *c, const char *module, long *n)
{
	return zoho_count(&c->base, module, NULL, n);
}

static struct crm_query *query_copy(const struct crm_query *q)
{
	struct crm_query *copy = xcalloc(1, sizeof(*copy));

	copy->module = xstrdup(q->module);
	copy->fields = json_incref(q->fields);
	copy->cvid = q->cvid ? xstrdup(q->cvid) : NULL;
	copy->tmp_dir = xstrdup(q->tmp_dir);
	return copy;
}

/*
 * How a read goes: by Bulk Read (crm.read bulk; 1), or listed (0), switching
 * to Bulk Read when auto finds the module past the wall (count_check, go_bulk).
 * Only a full read can go by Bulk Read: an incremental one keeps the list API.
 */
static int read_by_bulk(struct zoho_crm *c, const struct crm_query *q, int *switchable)
{
	*switchable = 0;
	if (!q->tmp_dir || q->modified_since || q->ids || c->base.job->crm.read == CRM_READ_REST)
		return 0;
	if (c->base.job->crm.read == CRM_READ_BULK)
		return 1;
	*switchable = 1;
	return 0;
}

/*
 * crm.read auto, once the listing passed the first 2,000 records (a small
 * module is never counted): the module's record count past the wall reads it
 * by Bulk Read now rather than after 100,000 records listed.  A count the
 * CRM cannot give leaves the wall's answer to switch.
 */
static int count_check(struct zoho_source *s)
{
	long n;
	int rc;

	s->counted = 1;
	if ((rc = record_count(s->crm, s->module, &n)) && rc != FS_EABORT)
		return rc; /* a spent budget stops the read as any call's would */
	if (rc) {
		log_warn("%s; listing on, by Bulk Read from the list API's wall", err_msg());
		return 0;
	}
	if (n <= LIST_WALL)
		return 0;
	log_info("%s: %ld records, more than the list API's %d: reading the module by Bulk Read, the %ld records "
		 "already listed kept once",
		 s->module, n, LIST_WALL, s->listed);
	return go_bulk(s);
}

static int zoho_read(struct crm *base, const struct crm_query *q, struct source **out)
{
	struct zoho_crm *c = (struct zoho_crm *)base;
	struct zoho_source *s;
	int rc, switchable;

	*out = NULL;
	if ((rc = read_by_bulk(c, q, &switchable)) < 0)
		return rc;
	if (rc == 1)
		return bulk_open(c, q, out);
	s = xcalloc(1, sizeof(*s));
	s->base.ops = &zoho_source_ops;
	s->crm = c;
	s->module = xstrdup(q->module);
	s->batches = field_batches(q->fields);
	s->cvid = q->cvid ? http_escape(q->cvid) : NULL;
	if (q->modified_since)
		s->if_modified_since = xasprintf("If-Modified-Since: %s", q->modified_since);
	s->ids = q->ids ? xstrdup(q->ids) : NULL;
	s->switchable = switchable ? query_copy(q) : NULL;
	*out = &s->base;
	return 0;
}

static int zoho_deleted(struct crm *base, const char *module, const char *modified_since, struct source **out)
{
	struct zoho_source *s = xcalloc(1, sizeof(*s));

	s->base.ops = &zoho_source_ops;
	s->crm = (struct zoho_crm *)base;
	s->module = xstrdup(module);
	s->batches = json_pack("[s]", "id");
	s->deleted = 1;
	if (modified_since)
		s->if_modified_since = xasprintf("If-Modified-Since: %s", modified_since);
	*out = &s->base;
	return 0;
}

/* A related list's records: paged like a module (page, per_page 200), fields in one call. */
static int zoho_related(struct crm *base, const char *module, const char *id, const char *relation, json_t *fields,
			struct source **out)
{
	struct zoho_source *s = xcalloc(1, sizeof(*s));
	char *esc = http_escape(id);

	s->base.ops = &zoho_source_ops;
	s->crm = (struct zoho_crm *)base;
	s->module = xasprintf("%s/%s", module, relation);
	s->related = xasprintf("%s/%s/%s", module, esc, relation);
	s->batches = field_batches(fields);
	xfree(esc);
	*out = &s->base;
	return 0;
}

#define ROWS_PER_CALL 100

static void take_row(json_t *row, struct crm_row_result *r)
{
	json_t *details = json_object_get(row, "details");
	const char *code = json_string_value(json_object_get(row, "code"));
	const char *msg = json_string_value(json_object_get(row, "message"));
	const char *id = json_string_value(json_object_get(details, "id"));
	const char *action = json_string_value(json_object_get(row, "action"));
	char *d = details ? json_dumps(details, JSON_COMPACT) : NULL;

	memset(r, 0, sizeof(*r));
	r->ok = code && !strcmp(code, "SUCCESS");
	r->id = id ? xstrdup(id) : NULL;
	r->action = action ? xstrdup(action) : NULL;
	r->code = xstrdup(code ? code : "NO_CODE");
	r->message = r->ok ? xstrdup(msg ? msg : "") : xasprintf("%s%s%s", msg ? msg : "", d ? " " : "", d ? d : "");
	xfree(d);
}

/* One call of at most 100 rows; every row gets a result, even when the call as a whole failed. */
static int write_chunk(struct zoho_crm *c, const char *url, const char *method, json_t *body, size_t n,
		       struct crm_row_result *results)
{
	struct api_result res = API_RESULT_INIT;
	json_t *data;
	size_t i;
	int rc;

	if ((rc = api_call(c->api, method, url, body, NULL, &res)))
		return rc;
	data = json_object_get(res.json, "data");
	for (i = 0; i < n; i++) {
		json_t *row = json_array_get(data, i);
		if (row) {
			take_row(row, &results[i]);
			continue;
		}
		/* No per-row answer (a call-level error): each row says why. */
		char *why = crm_error_text(&res);
		memset(&results[i], 0, sizeof(results[i]));
		results[i].code = xstrdup("NO_ROW_RESULT");
		results[i].message = why;
	}
	api_result_release(&res);
	return 0;
}

static int zoho_write(struct crm *base, const char *module, const char *how, json_t *rows,
		      const char *const *dup_fields, struct crm_row_result *results)
{
	struct zoho_crm *c = (struct zoho_crm *)base;
	int upsert = !strcmp(how, "upsert"), insert = !strcmp(how, "insert");
	char *url = xasprintf("%s/%s%s", base->job->crm.api_base, module, upsert ? "/upsert" : "");
	size_t i, n = json_array_size(rows);
	int rc = 0;

	for (i = 0; i < n && !rc; i += ROWS_PER_CALL) {
		json_t *chunk = json_array(), *body;
		size_t k;
		for (k = i; k < n && k < i + ROWS_PER_CALL; k++)
			json_array_append(chunk, json_array_get(rows, k));
		/* trigger [] keeps the CRM's workflows from firing on a sync's writes. */
		body = json_pack("{s:o, s:[]}", "data", chunk, "trigger");
		if (upsert && dup_fields) {
			json_t *f = json_array();
			const char *const *d;
			for (d = dup_fields; *d; d++)
				json_array_append_new(f, json_string(*d));
			json_object_set_new(body, "duplicate_check_fields", f);
		}
		rc = write_chunk(c, url, upsert || insert ? "POST" : "PUT", body, k - i, results + i);
		json_decref(body);
	}
	xfree(url);
	return rc;
}

/* GET /{module}/{id}: the record with its subforms, which list rows never carry. */
static int zoho_get(struct crm *base, const char *module, const char *id, json_t **out)
{
	struct zoho_crm *c = (struct zoho_crm *)base;
	struct api_result res = API_RESULT_INIT;
	char *esc = http_escape(id), *url = xasprintf("%s/%s/%s", base->job->crm.api_base, module, esc);
	json_t *rec;
	int rc;

	*out = NULL;
	if ((rc = api_call(c->api, "GET", url, NULL, NULL, &res)))
		goto out;
	rec = json_array_get(json_object_get(res.json, "data"), 0);
	if (res.status == 200 && json_is_object(rec)) {
		*out = json_incref(rec);
		rc = 1;
	} else if (res.status != 204 && res.status != 404 &&
		   !(res.status == 400 && res.json &&
		     !strcmp(json_string_value(json_object_get(res.json, "code"))
				     ? json_string_value(json_object_get(res.json, "code"))
				     : "",
			     "INVALID_DATA"))) {
		char *why = crm_error_text(&res);
		rc = fail(FS_EABORT, "zoho-crm: cannot read %s %s: %s", module, id, why);
		xfree(why);
	}
out:
	api_result_release(&res);
	xfree(url);
	xfree(esc);
	return rc;
}

const struct crm_ops zoho_crm_ops = {
	.get = zoho_get,
	.type = "zoho-crm",
	.open = zoho_open,
	.fields = zoho_fields,
	.field_types = zoho_field_types,
	.read = zoho_read,
	.deleted = zoho_deleted,
	.write = zoho_write,
	.related = zoho_related,
	.count = zoho_count,
	.close = zoho_close,
};
