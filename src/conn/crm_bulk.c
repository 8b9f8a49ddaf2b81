/*
 * crm_bulk.c - a Zoho CRM module read through Bulk Read jobs.
 *
 * Zoho's list API stops at 100,000 records a listing; Bulk Read is how a
 * bigger module is read whole.  A job (POST /crm/bulk/v8/read with the
 * module, the fields and the view) is polled with backoff until COMPLETED,
 * its result (a ZIP holding one CSV of at most 200,000 records) goes to a
 * temporary file in the run's staging folder, and the CSV is read by the
 * export reader (crm_csv.c) straight out of the ZIP (libzip, zip_fread):
 * one chunk and one row in memory, whatever the size.  The file is
 * unlinked as soon as it is made, so it never outlives the read.  A result
 * with more_records leads to the next job, by next_page_token (or the next
 * page when the answer has none).
 *
 * The CSV holds text; the records leave here as the list API gives them:
 * numbers, booleans and multi-select lists by the field's data_type
 * (settings/fields), a lookup as {"name", "id"} (the CSV's `X` column is the
 * id, `X.<name field>` the looked-up record's name), the owner as {"name",
 * "id", "email"}.  So the stages after the extract cannot tell the two
 * reads apart.  Downloads are paced to Zoho's ten a minute.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zip.h>
#include "finsync/alloc.h"
#include "finsync/buf.h"
#include "finsync/crm_bulk.h"
#include "finsync/err.h"
#include "finsync/interrupt.h"
#include "finsync/log.h"
#include "finsync/safe.h"
#include "finsync/timeutil.h"

#define POLL_FIRST_MS 250
#define POLL_CAP_MS 30000

/* How a CSV column becomes the list API's value. */
enum cell_kind { KIND_PLAIN, KIND_LOOKUP, KIND_OWNER };

struct bulk_source {
	struct source base;
	struct api *api;
	char *base_url; /* ".../crm/bulk/v8" */
	char *module;
	char *cvid;
	char *tmp_dir;
	json_t *columns;    /* the fields asked of each job */
	json_t *meta;       /* field -> settings/fields object (borrowed) */
	struct source *csv; /* the current job's CSV, or NULL */
	long page;          /* the job's page, from 1 */
	char *next_token;   /* the next job's page_token, or NULL */
	int more;           /* a job follows the current one */
	int started;
	char *job_id;
	long records; /* given so far, for messages */
	long jobs;    /* jobs made for this read */
	long long zip_bytes, csv_bytes;
};

static double download_at[BULK_DOWNLOADS_PER_MINUTE]; /* monotonic times of the last downloads */
static size_t download_pos;

/* The field a lookup to module shows as its name (the list API's lookup "name"). */
static const char *display_field(const char *module)
{
	static const char *const names[][2] = {
		{ "Accounts", "Account_Name" },   { "Contacts", "Full_Name" },          { "Leads", "Full_Name" },
		{ "Vendors", "Vendor_Name" },     { "Products", "Product_Name" },       { "Deals", "Deal_Name" },
		{ "Campaigns", "Campaign_Name" }, { "Price_Books", "Price_Book_Name" }, { "Quotes", "Subject" },
		{ "Sales_Orders", "Subject" },    { "Purchase_Orders", "Subject" },     { "Invoices", "Subject" },
	};
	size_t i;

	for (i = 0; module && i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(names[i][0], module))
			return names[i][1];
	return NULL;
}

static const char *field_type(json_t *meta, const char *field)
{
	return json_string_value(json_object_get(json_object_get(meta, field), "data_type"));
}

static const char *lookup_module(json_t *meta, const char *field)
{
	json_t *lk = json_object_get(json_object_get(meta, field), "lookup");

	return json_string_value(json_object_get(json_object_get(lk, "module"), "api_name"));
}

static enum cell_kind kind_of(json_t *meta, const char *field)
{
	const char *type = field_type(meta, field);

	if (type && !strcmp(type, "ownerlookup"))
		return KIND_OWNER;
	if (type && !strcmp(type, "lookup"))
		return KIND_LOOKUP;
	return KIND_PLAIN;
}

/* The columns to ask for: each field, a lookup's name beside its id, the owner's name and email. */
static json_t *job_columns(json_t *fields, json_t *meta)
{
	json_t *cols = json_pack("[s]", "id"), *f;
	size_t i;

	json_array_foreach(fields, i, f) {
		const char *name = json_string_value(f), *show;
		if (!name || !strcmp(name, "id"))
			continue;
		json_array_append(cols, f);
		switch (kind_of(meta, name)) {
		case KIND_LOOKUP:
			if ((show = display_field(lookup_module(meta, name))))
				json_array_append_new(cols, json_sprintf("%s.%s", name, show));
			break;
		case KIND_OWNER:
			json_array_append_new(cols, json_sprintf("%s.first_name", name));
			json_array_append_new(cols, json_sprintf("%s.last_name", name));
			json_array_append_new(cols, json_sprintf("%s.email", name));
			break;
		default:
			break;
		}
	}
	return cols;
}

/* "…/crm/v8" -> "…/crm/bulk/v8" (new string), or NULL when api_base is not a CRM API base. */
static char *bulk_base(const char *api_base)
{
	const char *at = NULL, *p;

	for (p = strstr(api_base, "/crm/"); p; p = strstr(p + 1, "/crm/"))
		at = p;
	if (!at || !at[5] || strchr(at + 5, '/'))
		return NULL;
	return xasprintf("%.*s/crm/bulk/%s", (int)(at - api_base), api_base, at + 5);
}

/* "CODE: message" of a Bulk Read answer (an error body, or data[0]'s). */
static char *answer_text(const struct api_result *res)
{
	json_t *row = json_array_get(json_object_get(res->json, "data"), 0);
	const char *code = json_string_value(json_object_get(res->json, "code"));
	const char *msg = json_string_value(json_object_get(res->json, "message"));

	if (!code && row) {
		code = json_string_value(json_object_get(row, "code"));
		msg = json_string_value(json_object_get(row, "message"));
	}
	if (!res->json)
		return xasprintf("HTTP %ld, an answer that is not JSON: %.200s", res->status,
				 res->text && *res->text ? res->text : "(empty)");
	return xasprintf("HTTP %ld %s%s%s", res->status, code ? code : "", msg ? ": " : "", msg ? msg : "");
}

/* POST read: a new job for the current page; its id in s->job_id. */
static int create_job(struct bulk_source *s)
{
	json_t *query = json_pack("{s:{s:s}, s:O}", "module", "api_name", s->module, "fields", s->columns);
	json_t *body, *details;
	struct api_result res = API_RESULT_INIT;
	char *url = xasprintf("%s/read", s->base_url);
	const char *id;
	int rc;

	if (s->cvid)
		json_object_set_new(query, "cvid", json_string(s->cvid));
	if (s->next_token)
		json_object_set_new(query, "page_token", json_string(s->next_token));
	else
		json_object_set_new(query, "page", json_integer(s->page));
	body = json_pack("{s:o}", "query", query);
	rc = api_call(s->api, "POST", url, body, NULL, &res);
	details = json_object_get(json_array_get(json_object_get(res.json, "data"), 0), "details");
	id = json_string_value(json_object_get(details, "id"));
	if (!rc && (res.status < 200 || res.status > 299 || !zoho_id_ok(id))) {
		char *why = answer_text(&res);
		rc = fail(FS_EABORT, "zoho-crm: cannot create a Bulk Read job for %s: %s", s->module, why);
		xfree(why);
	}
	if (!rc) {
		xfree(s->job_id);
		s->job_id = xstrdup(id);
		s->jobs++;
		log_info("%s: Bulk Read job %s made (page %ld)", s->module, id, s->page);
	}
	api_result_release(&res);
	json_decref(body);
	xfree(url);
	return rc;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR && !interrupted())
		;
}

/* Takes the finished job's result: where the next job starts. */
static int take_result(struct bulk_source *s, json_t *result)
{
	const char *token = json_string_value(json_object_get(result, "next_page_token"));

	s->more = json_is_true(json_object_get(result, "more_records"));
	xfree(s->next_token);
	s->next_token = s->more && token ? xstrdup(token) : NULL;
	log_debug("%s: Bulk Read job %s: %lld records%s", s->module, s->job_id,
		  (long long)json_integer_value(json_object_get(result, "count")), s->more ? ", more follow" : "");
	return 0;
}

/* One GET of the job: 1 when COMPLETED, 0 while it runs, <0 on FAILURE or an error answer. */
static int job_state(struct bulk_source *s)
{
	struct api_result res = API_RESULT_INIT;
	char *url = xasprintf("%s/read/%s", s->base_url, s->job_id);
	json_t *row;
	const char *state;
	int rc;

	if ((rc = api_call(s->api, "GET", url, NULL, NULL, &res)))
		goto out;
	row = json_array_get(json_object_get(res.json, "data"), 0);
	state = json_string_value(json_object_get(row, "state"));
	if (res.status != 200 || !state) {
		char *why = answer_text(&res);
		rc = fail(FS_EABORT, "zoho-crm: cannot read the state of Bulk Read job %s (%s): %s", s->job_id,
			  s->module, why);
		xfree(why);
	} else if (!strcmp(state, "COMPLETED")) {
		rc = take_result(s, json_object_get(row, "result")) ? -1 : 1;
	} else if (!strcmp(state, "FAILURE") || !strcmp(state, "FAILED")) {
		rc = fail(FS_EABORT,
			  "zoho-crm: Bulk Read job %s of %s failed in the CRM (state %s); run again later, "
			  "or set crm.read to rest for a module under 100,000 records",
			  s->job_id, s->module, state);
	}
out:
	api_result_release(&res);
	xfree(url);
	return rc;
}

/* Polls the job with backoff (250 ms, doubling, at most 30 s apart) until it is done. */
static int wait_job(struct bulk_source *s)
{
	long wait = POLL_FIRST_MS;
	int rc;

	while ((rc = job_state(s)) == 0) {
		if (interrupted())
			return fail_interrupted("waiting for a Bulk Read job");
		sleep_ms(wait);
		wait = wait * 2 > POLL_CAP_MS ? POLL_CAP_MS : wait * 2;
	}
	return rc < 0 ? rc : 0;
}

/* Zoho allows ten downloads a minute: waits until the tenth last one is a minute old. */
static void pace_download(void)
{
	double oldest = download_at[download_pos], now = time_mono();

	if (oldest > 0 && now - oldest < 60.0) {
		log_info("Bulk Read: waiting %.0f s (Zoho allows %d downloads a minute)", 60.0 - (now - oldest),
			 BULK_DOWNLOADS_PER_MINUTE);
		sleep_ms((long)((60.0 - (now - oldest)) * 1000) + 1);
	}
	download_at[download_pos] = time_mono();
	download_pos = (download_pos + 1) % BULK_DOWNLOADS_PER_MINUTE;
}

/*
 * The result's ZIP into a temporary file in tmp_dir, unlinked as soon as it
 * is made: a killed run leaves nothing behind.  Its descriptor, at the
 * file's start, in *fd.
 */
static int download(struct bulk_source *s, int *fd)
{
	struct api_result res = API_RESULT_INIT;
	char *url = xasprintf("%s/read/%s/result", s->base_url, s->job_id);
	char *tmpl = xasprintf("%s/.bulk-read-XXXXXX", s->tmp_dir);
	int tmp = mkstemp(tmpl), rc;
	FILE *fp = tmp >= 0 ? fdopen(tmp, "w+b") : NULL;

	*fd = -1;
	if (tmp >= 0)
		unlink(tmpl);
	if (!fp) {
		rc = fail(FS_EABORT, "cannot make a file in '%s' for a Bulk Read result: %s", s->tmp_dir,
			  strerror(errno));
		if (tmp >= 0)
			close(tmp);
		goto out;
	}
	pace_download();
	rc = api_download(s->api, url, fp, &res);
	if (!rc && res.status != 200) {
		char *why = answer_text(&res);
		rc = fail(FS_EABORT, "zoho-crm: cannot download Bulk Read job %s (%s): %s", s->job_id, s->module, why);
		xfree(why);
	}
	if (!rc && (fflush(fp) || ferror(fp)))
		rc = fail(FS_EABORT, "cannot write a Bulk Read result in '%s': %s", s->tmp_dir, strerror(errno));
	if (!rc) {
		s->zip_bytes += ftell(fp);
		if ((*fd = dup(fileno(fp))) < 0 || lseek(*fd, 0, SEEK_SET) < 0)
			rc = fail(FS_EABORT, "cannot read a Bulk Read result back: %s", strerror(errno));
	}
	fclose(fp);
out:
	if (rc && *fd >= 0) {
		close(*fd);
		*fd = -1;
	}
	api_result_release(&res);
	xfree(tmpl);
	xfree(url);
	return rc;
}

/* ---- the ZIP's CSV as a csv_input ---- */

struct zip_in {
	zip_t *zip;
	zip_file_t *file;
	char *name;
	long long *bytes; /* the source's count of CSV bytes read */
};

static long zip_in_read(void *ctx, char *buf, size_t n)
{
	struct zip_in *z = ctx;
	zip_int64_t got = zip_fread(z->file, buf, n);

	if (got < 0)
		return fail(FS_EABORT, "%s: %s", z->name, zip_strerror(z->zip));
	*z->bytes += got;
	return (long)got;
}

static void zip_in_close(void *ctx)
{
	struct zip_in *z = ctx;

	if (z->file)
		zip_fclose(z->file);
	if (z->zip)
		zip_discard(z->zip);
	xfree(z->name);
	xfree(z);
}

/* The first .csv member of the ZIP open as fd (taken: closed with the input, or now on an error). */
static int open_zip_csv(struct bulk_source *s, int fd, struct csv_input *in)
{
	struct zip_in *z = xcalloc(1, sizeof(*z));
	zip_int64_t i, n;
	int err = 0;

	z->bytes = &s->csv_bytes;
	if (!(z->zip = zip_fdopen(fd, ZIP_CHECKCONS, &err)))
		close(fd);
	if (!z->zip) {
		zip_error_t ze;
		zip_error_init_with_code(&ze, err);
		fail(FS_EABORT, "zoho-crm: the result of Bulk Read job %s (%s) is not a ZIP: %s", s->job_id, s->module,
		     zip_error_strerror(&ze));
		zip_error_fini(&ze);
		xfree(z);
		return FS_EABORT;
	}
	n = zip_get_num_entries(z->zip, 0);
	for (i = 0; i < n && !z->file; i++) {
		const char *name = zip_get_name(z->zip, (zip_uint64_t)i, 0);
		size_t len = name ? strlen(name) : 0;
		if (len > 4 && !strcasecmp(name + len - 4, ".csv")) {
			z->file = zip_fopen_index(z->zip, (zip_uint64_t)i, 0);
			z->name = xasprintf("Bulk Read job %s: '%s'", s->job_id, name);
		}
	}
	if (!z->file) {
		zip_in_close(z);
		return fail(FS_EABORT, "zoho-crm: the result of Bulk Read job %s (%s) holds no CSV file", s->job_id,
			    s->module);
	}
	*in = (struct csv_input){ z, zip_in_read, NULL, zip_in_close };
	return 0;
}

/* The next job: made, waited for, downloaded and opened as the CSV source. */
static int next_job(struct bulk_source *s)
{
	struct csv_input in;
	int rc, fd = -1;

	source_close(s->csv);
	s->csv = NULL;
	if ((rc = create_job(s)) || (rc = wait_job(s)) || (rc = download(s, &fd)))
		return rc;
	if (!(rc = open_zip_csv(s, fd, &in))) {
		char *name = xasprintf("Bulk Read job %s (%s)", s->job_id, s->module);
		rc = crm_csv_source_open(&s->csv, name, &in);
		xfree(name);
	}
	s->page++;
	return rc;
}

/* ---- the CSV's text as the list API's JSON ---- */

/* A JSON number's text (the list API's own form): an integer without '.', 'e', else a real; NULL when not one. */
static json_t *number_value(const char *t)
{
	const char *p = t;
	char *end;
	int is_real = 0;

	if (*p == '-')
		p++;
	if (*p < '0' || *p > '9')
		return NULL;
	for (; *p; p++)
		if (*p == '.' || *p == 'e' || *p == 'E')
			is_real = 1;
	errno = 0;
	if (!is_real) {
		long long v = strtoll(t, &end, 10);
		return !*end && !errno ? json_integer(v) : NULL;
	}
	double d = strtod(t, &end);
	return !*end && !errno ? json_real(d) : NULL;
}

static int type_in(const char *type, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(type, *list))
			return 1;
	return 0;
}

json_t *bulk_cell_value(const char *type, json_t *cell)
{
	static const char *const numbers[] = { "integer", "bigint", "double", "currency", "decimal", "percent", NULL };
	const char *t = json_string_value(cell);
	json_t *v;

	if (!t)
		return json_null();
	if (!type)
		return json_incref(cell);
	if (type_in(type, numbers) && (v = number_value(t)))
		return v;
	if (!strcmp(type, "boolean") && (!strcmp(t, "true") || !strcmp(t, "false")))
		return json_boolean(!strcmp(t, "true"));
	if (!strcmp(type, "multiselectpicklist")) {
		json_t *list = json_array();
		const char *p = t, *semi;
		/* Bulk Read joins the values with ';' (the list API gives an array). */
		do {
			semi = strchr(p, ';');
			size_t n = semi ? (size_t)(semi - p) : strlen(p);
			if (n)
				json_array_append_new(list, json_stringn(p, n));
			p = semi ? semi + 1 : NULL;
		} while (p);
		return list;
	}
	return json_incref(cell);
}

/* "first last" of the owner's parts, or NULL when both are empty (new string). */
static char *owner_name(json_t *obj)
{
	const char *first = json_string_value(json_object_get(obj, "first_name"));
	const char *last = json_string_value(json_object_get(obj, "last_name"));

	if (!first && !last)
		return NULL;
	return xasprintf("%s%s%s", first ? first : "", first && last ? " " : "", last ? last : "");
}

/* A lookup column pair (the reader's {"name": id, "<show>": name}) as the list API's object. */
static json_t *lookup_value(json_t *meta, const char *field, json_t *v)
{
	const char *id = json_string_value(json_is_object(v) ? json_object_get(v, "name") : v);
	json_t *out;

	if (!id)
		return json_null();
	if (kind_of(meta, field) == KIND_OWNER) {
		char *name = owner_name(v);
		out = json_pack("{s:s?, s:s, s:O?}", "name", name, "id", id, "email", json_object_get(v, "email"));
		xfree(name);
		return out;
	}
	const char *show = display_field(lookup_module(meta, field));
	return json_pack("{s:O?, s:s}", "name", show ? json_object_get(v, show) : NULL, "id", id);
}

/* The CSV reader's record, in place, as the list API's. */
static void convert_record(json_t *meta, json_t *rec)
{
	const char *field;
	json_t *v;
	void *tmp;

	json_object_foreach_safe(rec, tmp, field, v) {
		if (!strcmp(field, "id"))
			continue;
		if (kind_of(meta, field) != KIND_PLAIN)
			json_object_set_new(rec, field, lookup_value(meta, field, v));
		else if (json_is_string(v))
			json_object_set_new(rec, field, bulk_cell_value(field_type(meta, field), v));
	}
}

/* ---- the source ---- */

static int bulk_next(struct source *base, json_t **out)
{
	struct bulk_source *s = (struct bulk_source *)base;
	int rc;

	*out = NULL;
	for (;;) {
		if (s->csv && (rc = source_next(s->csv, out)) != 0) {
			if (rc == 1) {
				convert_record(s->meta, *out);
				s->records++;
			}
			return rc;
		}
		if (s->started && !s->more)
			return 0;
		s->started = 1;
		if (interrupted())
			return fail_interrupted("a Bulk Read");
		if ((rc = next_job(s)))
			return rc;
	}
}

static char *bulk_where(struct source *base)
{
	struct bulk_source *s = (struct bulk_source *)base;

	return s->csv ? source_where(s->csv) : xasprintf("%s, Bulk Read", s->module);
}

static void bulk_close(struct source *base)
{
	struct bulk_source *s = (struct bulk_source *)base;

	if (s->jobs)
		log_info("%s: Bulk Read: %ld records in %ld jobs, %.1f MB of ZIP, %.1f MB of CSV", s->module,
			 s->records, s->jobs, (double)s->zip_bytes / 1e6, (double)s->csv_bytes / 1e6);
	source_close(s->csv);
	json_decref(s->columns);
	xfree(s->base_url);
	xfree(s->module);
	xfree(s->cvid);
	xfree(s->tmp_dir);
	xfree(s->next_token);
	xfree(s->job_id);
	xfree(s);
}

static const struct source_ops bulk_source_ops = { bulk_next, bulk_close, bulk_where };

int bulk_source_open(struct source **out, struct api *api, const char *api_base, const struct crm_query *q,
		     json_t *meta)
{
	struct bulk_source *s;
	char *base = bulk_base(api_base);

	*out = NULL;
	if (!base)
		return fail(FS_EUSAGE,
			    "crm.api_base '%s' does not end in /crm/<version>: the Bulk Read API's "
			    "address cannot be made from it",
			    api_base);
	if (!q->tmp_dir)
		return fail(FS_EABORT, "zoho-crm: a Bulk Read of %s needs a folder for its download", q->module);
	s = xcalloc(1, sizeof(*s));
	s->base.ops = &bulk_source_ops;
	s->api = api;
	s->base_url = base;
	s->module = xstrdup(q->module);
	s->cvid = q->cvid ? xstrdup(q->cvid) : NULL;
	s->tmp_dir = xstrdup(q->tmp_dir);
	s->meta = meta;
	s->columns = job_columns(q->fields, meta);
	s->page = 1;
	*out = &s->base;
	return 0;
}
