/*
 * check_deep.c - `finsync check --deep`: read-only probes of what Zoho's
 * documentation leaves open (docs/sandbox.md, "Open readings"): does a
 * list filter the docs do not list filter, or is it ignored; do list rows
 * carry the fields finsync reads.  One GET each, never a write: an
 * operator can run it against a live organisation.  Each probe prints what
 * it found and what finsync does about it, whatever the answer, because
 * finsync is built to be right under every reading.
 *
 * A filter is judged with a value no record holds: rows in the answer mean
 * the filter was ignored.  An organisation with no rows at all cannot tell.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/finclient.h"
#include "check_deep.h"

#define NO_SUCH_VALUE "finsync-probe-no-such-value"

struct listing {
	long status;
	json_t *body;
	json_t *rows; /* borrowed from body; NULL when the answer had no list */
};

static void probe(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void probe(const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("probe %s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static int list_page(struct finclient *fc, const char *path, const char *key, const char *query, struct listing *l)
{
	char *q = xasprintf("page=1&per_page=50%s%s", query ? "&" : "", query ? query : "");
	int rc = finclient_get(fc, path, q, &l->status, &l->body);

	l->rows = l->status == 200 ? json_object_get(l->body, key) : NULL;
	if (!json_is_array(l->rows))
		l->rows = NULL;
	xfree(q);
	return rc;
}

static void listing_release(struct listing *l)
{
	json_decref(l->body);
	l->body = l->rows = NULL;
}

static const char *refusal(const struct listing *l, char *buf, size_t n)
{
	const char *msg = json_string_value(json_object_get(l->body, "message"));

	snprintf(buf, n, "refused it (HTTP %ld code %lld%s%s)", l->status,
		 (long long)json_integer_value(json_object_get(l->body, "code")), msg ? ": " : "", msg ? msg : "");
	return buf;
}

/* A filter the docs do not list: sent with a value no record holds. */
static int probe_filter(struct finclient *fc, const char *name, const char *path, const char *key, const char *param,
			const char *what_finsync_does)
{
	struct listing all = { 0 }, some = { 0 };
	char *query = xasprintf("%s=%s", param, NO_SUCH_VALUE), buf[256];
	int rc;

	if ((rc = list_page(fc, path, key, NULL, &all)) || (rc = list_page(fc, path, key, query, &some)))
		goto out;
	if (!some.rows)
		probe(name, "GET %s?%s=… %s; %s", path, param, refusal(&some, buf, sizeof(buf)), what_finsync_does);
	else if (json_array_size(some.rows))
		probe(name,
		      "GET %s?%s=<a value no record holds> answered %zu rows: the filter is ignored; "
		      "%s",
		      path, param, json_array_size(some.rows), what_finsync_does);
	else if (!all.rows || !json_array_size(all.rows))
		probe(name, "cannot tell: %s lists no records; %s", path, what_finsync_does);
	else
		probe(name,
		      "GET %s?%s=<a value no record holds> answered no rows: the filter is honoured; "
		      "%s",
		      path, param, what_finsync_does);
out:
	listing_release(&all);
	listing_release(&some);
	xfree(query);
	return rc;
}

/* Rows whose own contact_type is not vendor. */
static size_t non_vendors(const struct listing *l)
{
	size_t i, n = 0;
	json_t *row;

	json_array_foreach(l->rows, i, row) {
		const char *t = json_string_value(json_object_get(row, "contact_type"));
		n += !t || strcmp(t, "vendor");
	}
	return n;
}

/* contact_type=vendor: a customer among the rows means the filter is ignored. */
static int probe_contact_type(struct finclient *fc, const struct finance_app *app)
{
	static const char *const does = "finsync keeps only the rows whose own contact_type is the one asked for";
	struct listing l = { 0 }, all = { 0 };
	size_t other, customers;
	char buf[256];
	int rc;

	if ((rc = list_page(fc, app->customers_path, app->customers_key, "contact_type=vendor", &l)) ||
	    (rc = list_page(fc, app->customers_path, app->customers_key, NULL, &all)))
		goto out;
	other = non_vendors(&l);
	customers = non_vendors(&all);
	if (!l.rows)
		probe("contact_type filter", "GET %s?contact_type=vendor %s; %s", app->customers_path,
		      refusal(&l, buf, sizeof(buf)), does);
	else if (other)
		probe("contact_type filter",
		      "GET %s?contact_type=vendor answered %zu rows that are not vendors: "
		      "the filter is ignored; %s",
		      app->customers_path, other, does);
	else if (customers)
		probe("contact_type filter",
		      "GET %s?contact_type=vendor answered %zu rows and no customer, where "
		      "the list holds %zu: the filter is honoured; %s",
		      app->customers_path, json_array_size(l.rows), customers, does);
	else
		probe("contact_type filter", "cannot tell: the first page of %s holds no customer; %s",
		      app->customers_path, does);
out:
	listing_release(&l);
	listing_release(&all);
	return rc;
}

static int carries_cf(json_t *row, const char *name)
{
	json_t *e;
	size_t i;

	if (json_object_get(row, name) || json_object_get(json_object_get(row, "custom_field_hash"), name))
		return 1;
	json_array_foreach(json_object_get(row, "custom_fields"), i, e) {
		const char *api = json_string_value(json_object_get(e, "api_name"));
		if (api && !strcmp(api, name))
			return 1;
	}
	return 0;
}

/* Do the customers' list rows carry customer_sub_type and the CRM-id field? */
static int probe_rows(struct finclient *fc, const struct job *job)
{
	const struct finance_app *app = job->app;
	struct listing l = { 0 };
	size_t i, sub = 0, cf = 0, n;
	json_t *row;
	char buf[256];
	int rc;

	if ((rc = list_page(fc, app->customers_path, app->customers_key, NULL, &l)))
		return rc;
	n = l.rows ? json_array_size(l.rows) : 0;
	json_array_foreach(l.rows, i, row) {
		sub += json_object_get(row, "customer_sub_type") != NULL;
		cf += carries_cf(row, job->crm_id_field);
	}
	if (!l.rows) {
		probe("list rows", "GET %s %s", app->customers_path, refusal(&l, buf, sizeof(buf)));
	} else if (!n) {
		probe("list rows", "cannot tell: %s lists no records", app->customers_path);
	} else {
		probe("list rows: customer_sub_type",
		      "%zu of %zu rows of GET %s carry it; where a row "
		      "lacks it, finsync reads the record by id before choosing CRM Accounts or Contacts",
		      sub, n, app->customers_path);
		probe("list rows: custom fields",
		      "%zu of %zu rows of GET %s carry %s (as a key, in "
		      "custom_field_hash or custom_fields); where a row lacks it, finsync reads the record "
		      "by id rather than take the record for one without a CRM id",
		      cf, n, app->customers_path, job->crm_id_field);
	}
	listing_release(&l);
	return 0;
}

int check_deep(const struct job *job, struct finclient *fc)
{
	const struct finance_app *app = job->app;
	int rc;

	if ((rc = probe_filter(fc, "custom-field filter", app->customers_path, app->customers_key, job->crm_id_field,
			       "finsync adopts a record found by a lookup only when the row itself "
			       "holds the CRM id asked for")))
		return rc;
	if (app->has_vendors && (rc = probe_contact_type(fc, app)))
		return rc;
	if ((rc = probe_rows(fc, job)))
		return rc;
	if (app->has_deals) {
		static const char *const by_ref = "finsync finds a deal's transactions by reference_number "
						  "(the deal's id) and adopts one only when its row holds that value";
		if ((rc = probe_filter(fc, "zcrm_potential_id filter", "/invoices", "invoices", "zcrm_potential_id",
				       by_ref)) ||
		    (rc = probe_filter(fc, "reference_number filter", "/invoices", "invoices", "reference_number",
				       by_ref)))
			return rc;
	}
	printf("--    not probed (each needs a write, and --deep only reads): invoice lines without item_id, "
	       "zcrm_potential_id stored on create, fields Billing ignores or refuses, partial updates, the "
	       "answer to an upsert on a field that allows duplicates, an unknown salesperson_name\n");
	return 0;
}
