/*
 * job_deals.c - the job file's sync.deals and sync.summary (docs/design.md
 * "Deals", "Financial summary"): the loaders of the deals' and the
 * summary's keys (their units hand them to job.c, which calls them after
 * the entities), parsed into struct job for the commands that read them.
 *
 * Like the rest of the loader it refuses early and names the key: a stage
 * name the job does not list, quotes asked of an app without estimates,
 * deals without the customers they are invoiced to.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/job.h"
#include "job_keys.h"

static const char *const deal_keys[] = {
	"automate",
	"quote_create_stage",
	"quote_accept_stage",
	"convert_accepted_to_invoice",
	"decline_on_lost",
	"void_on_lost",
	"stage_order",
	"lost_stages",
	"views",
	"default_item",
	"line_items",
	"crm_fields",
	"confirm_sales_order",
	NULL
};
static const char *const money_keys[] = { "invoice_number", "invoice_status", "total", "paid", "balance", NULL };
static const char *const summary_keys[] = { "fields", NULL };
static const char *const summary_field_keys[] = {
	"outstanding", "overdue_count", "last_payment_date", "last_payment_amount", NULL
};

/* Zoho CRM's standard pipeline, and its two lost stages. */
static const char *const default_stage_order[] = {
	"Qualification",       "Needs Analysis",      "Value Proposition",
	"Id. Decision Makers", "Perception Analysis", "Proposal/Price Quote",
	"Negotiation/Review",  "Closed Won",          NULL
};
static const char *const default_lost_stages[] = { "Closed Lost", "Closed Lost to Competition", NULL };
static const char *const default_summary_fields[] = {
	"Outstanding_Receivable", "Overdue_Invoices", "Last_Payment_Date", "Last_Payment_Amount"
};

const char *deal_money_key(enum deal_money f)
{
	return f < MONEY_FIELD_COUNT ? money_keys[f] : "?";
}

const char *summary_field_key(enum summary_field f)
{
	return summary_field_keys[f];
}

static int get_bool(const struct job *job, json_t *cfg, const char *name, int *out)
{
	json_t *v = json_object_get(cfg, name);
	char key[128];

	if (!v)
		return 0;
	snprintf(key, sizeof(key), "sync.deals.%s", name);
	if (!json_is_boolean(v))
		return job_key_error(job, key, "must be true or false");
	*out = json_is_true(v);
	return 0;
}

static json_t *names_array(const char *const *names)
{
	json_t *a = json_array();

	while (*names)
		json_array_append_new(a, json_string(*names++));
	return a;
}

/* Index of a stage in list (names compared without regard to ASCII case), or -1. */
static long stage_index(json_t *list, const char *stage)
{
	json_t *v;
	size_t i;

	json_array_foreach(list, i, v)
		if (!strcasecmp(json_string_value(v), stage))
			return (long)i;
	return -1;
}

/* A list of distinct non-empty stage names at cfg.name, or the default (a new reference in *out). */
static int get_stages(const struct job *job, json_t *cfg, const char *name, const char *const *dflt, json_t **out)
{
	json_t *v = json_object_get(cfg, name), *s;
	char key[128];
	size_t i;

	*out = NULL;
	snprintf(key, sizeof(key), "sync.deals.%s", name);
	if (!v) {
		*out = names_array(dflt);
		return 0;
	}
	if (!json_is_array(v) || (!json_array_size(v) && !strcmp(name, "stage_order")))
		return job_key_error(job, key, "must be a list of CRM stage names");
	json_array_foreach(v, i, s) {
		if (!json_is_string(s) || !*json_string_value(s))
			return job_key_error(job, key, "must be a list of CRM stage names");
		json_t *before = json_array();
		size_t k;
		for (k = 0; k < i; k++)
			json_array_append(before, json_array_get(v, k));
		long dup = stage_index(before, json_string_value(s));
		json_decref(before);
		if (dup >= 0)
			return job_key_error(job, key, "'%s' is listed twice", json_string_value(s));
	}
	*out = json_incref(v);
	return 0;
}

static int get_stage_name(const struct job *job, json_t *cfg, const char *name, const char **out)
{
	json_t *v = json_object_get(cfg, name);
	char key[128];

	*out = NULL;
	if (!v)
		return 0;
	snprintf(key, sizeof(key), "sync.deals.%s", name);
	if (!json_is_string(v) || !*json_string_value(v))
		return job_key_error(job, key, "must be a CRM stage name");
	if (stage_index(job->deals.stage_order, json_string_value(v)) < 0) {
		char list[1024] = "";
		json_t *s;
		size_t i;
		json_array_foreach(job->deals.stage_order, i, s)
			snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? ", " : "",
				 json_string_value(s));
		return job_key_error(job, key, "'%s' is not in stage_order (%s)", json_string_value(v), list);
	}
	*out = json_string_value(v);
	return 0;
}

static int load_automate(struct job *job, json_t *cfg)
{
	json_t *v = json_object_get(cfg, "automate");
	const char *a = json_string_value(v);

	if (!v)
		return job_key_error(job, "sync.deals.automate", "missing (invoice, quote, salesorder)");
	if (!a || (strcmp(a, "invoice") && strcmp(a, "quote") && strcmp(a, "salesorder")))
		return job_key_error(job, "sync.deals.automate", "unknown value '%s' (invoice, quote, salesorder)",
				     a ? a : "?");
	job->deals.automate = !strcmp(a, "quote")        ? DEAL_QUOTE
			      : !strcmp(a, "salesorder") ? DEAL_SALESORDER
							 : DEAL_INVOICE;
	if (job->deals.automate == DEAL_QUOTE && !job->app->has_estimates)
		return job_key_error(job, "sync.deals.automate", "%s has no quotes (estimates); use invoice",
				     job->app->type);
	if (job->deals.automate == DEAL_SALESORDER && !job->app->salesorder_confirm)
		return job_key_error(job, "sync.deals.automate", "%s has no sales orders; use invoice", job->app->type);
	return 0;
}

static int load_line_items(struct job *job, json_t *cfg)
{
	json_t *v = json_object_get(cfg, "line_items");
	const char *s = json_string_value(v);

	job->deals.line_items = LINES_PRODUCTS;
	if (!v)
		return 0;
	if (!s || (strcmp(s, "products") && strcmp(s, "deal")))
		return job_key_error(job, "sync.deals.line_items", "unknown value '%s' (products, deal)", s ? s : "?");
	job->deals.line_items = strcmp(s, "deal") ? LINES_PRODUCTS : LINES_DEAL;
	return 0;
}

/* sync.deals.crm_fields: {"invoice_number": "Invoice_No", …}; checked against the CRM by the ready check. */
static int load_crm_fields(struct job *job, json_t *cfg)
{
	json_t *fields = json_object_get(cfg, "crm_fields"), *v;
	const char *key;
	int i;

	if (!fields)
		return 0;
	if (!json_is_object(fields))
		return job_key_error(job, "sync.deals.crm_fields",
				     "must be an object such as {\"invoice_number\": \"Invoice_Number\"}");
	if (!job->crm_source->writable)
		return job_key_error(job, "sync.deals.crm_fields",
				     "writes to the CRM: it needs crm.type zoho-crm, not %s", job->crm.type);
	json_object_foreach(fields, key, v) {
		char full[256];
		snprintf(full, sizeof(full), "sync.deals.crm_fields.%s", key);
		for (i = 0; money_keys[i] && strcmp(money_keys[i], key); i++)
			;
		if (!money_keys[i])
			return job_key_error(job, full,
					     "unknown key (invoice_number, invoice_status, total, paid, balance)");
		if (!json_is_string(v) || !*json_string_value(v))
			return job_key_error(job, full, "must be a CRM Deals field API name");
		job->deals.crm_fields[i] = json_string_value(v);
		job->deals.has_crm_fields = 1;
	}
	return 0;
}

/* Keys that only make sense with automate quote. */
static int check_quote_only(struct job *job, json_t *cfg)
{
	static const char *const quote_only[] = {
		"quote_create_stage", "quote_accept_stage", "convert_accepted_to_invoice", "decline_on_lost", NULL
	};
	const char *const *k;
	char key[128];

	if (job->deals.automate != DEAL_SALESORDER && json_object_get(cfg, "confirm_sales_order"))
		return job_key_error(job, "sync.deals.confirm_sales_order", "only with automate salesorder");
	if (job->deals.automate == DEAL_QUOTE)
		return 0;
	for (k = quote_only; *k; k++) {
		if (!json_object_get(cfg, *k))
			continue;
		snprintf(key, sizeof(key), "sync.deals.%s", *k);
		return job_key_error(job, key, "only with automate quote");
	}
	return 0;
}

static int check_lost_stages(struct job *job)
{
	json_t *v;
	size_t i;

	json_array_foreach(job->deals.lost_stages, i, v)
		if (stage_index(job->deals.stage_order, json_string_value(v)) >= 0)
			return job_key_error(job, "sync.deals.lost_stages", "'%s' is also in stage_order",
					     json_string_value(v));
	return 0;
}

static int load_quote_stages(struct job *job, json_t *cfg)
{
	struct deal_sync *d = &job->deals;
	int rc;

	if (d->automate != DEAL_QUOTE)
		return 0;
	if (!json_object_get(cfg, "quote_create_stage"))
		return job_key_error(job, "sync.deals.quote_create_stage",
				     "missing: the stage at which a deal gets its quote");
	if ((rc = get_stage_name(job, cfg, "quote_create_stage", &d->quote_create_stage)) ||
	    (rc = get_stage_name(job, cfg, "quote_accept_stage", &d->quote_accept_stage)))
		return rc;
	if (d->quote_accept_stage &&
	    stage_index(d->stage_order, d->quote_accept_stage) < stage_index(d->stage_order, d->quote_create_stage))
		return job_key_error(job, "sync.deals.quote_accept_stage",
				     "'%s' comes before quote_create_stage '%s' in stage_order", d->quote_accept_stage,
				     d->quote_create_stage);
	return 0;
}

static int load_views(struct job *job, json_t *cfg)
{
	json_t *views = json_object_get(cfg, "views"), *v;
	const char *module;

	if (!views)
		return 0;
	if (!json_is_object(views))
		return job_key_error(job, "sync.deals.views", "must be an object of CRM module to custom view id");
	json_object_foreach(views, module, v) {
		char key[256];
		snprintf(key, sizeof(key), "sync.deals.views.%s", module);
		if (strcmp(module, "Deals"))
			return job_key_error(job, key, "deals read only the CRM module 'Deals'");
		if (!json_is_string(v) || !*json_string_value(v))
			return job_key_error(job, key, "must be a custom view id");
	}
	job->deals.views = views;
	return 0;
}

/*
 * The item a deal's one line carries (its item_id).  Required where the app
 * requires an item on an invoice line (Books) and the job makes invoices:
 * without it every invoice create would be refused.
 */
static int load_default_item(struct job *job, json_t *cfg)
{
	json_t *v = json_object_get(cfg, "default_item");
	struct deal_sync *d = &job->deals;
	int invoices = d->automate == DEAL_INVOICE || d->convert_accepted_to_invoice;

	if (v && (!json_is_string(v) || !*json_string_value(v)))
		return job_key_error(job, "sync.deals.default_item", "must be a %s item id or item name",
				     job->app->label);
	d->default_item = json_string_value(v);
	if (!d->default_item && invoices && job->app->invoice_line_needs_item)
		return job_key_error(
			job, "sync.deals.default_item",
			"missing: %s invoice lines need an item; name the item (its id or name) a deal's invoice line is for",
			job->app->label);
	return 0;
}

int job_load_deals(struct job *job, json_t *cfg)
{
	struct deal_sync *d = &job->deals;
	int rc;

	if (!json_is_object(cfg))
		return job_key_error(job, "sync.deals", "must be an object");
	if ((rc = check_keys(job, cfg, "sync.deals", deal_keys)))
		return rc;
	if (!job->app->has_deals)
		return job_key_error(job, "sync.deals", "%s has no deal automation", job->app->type);
	if (!job->entities[ENTITY_CUSTOMERS].enabled)
		return job_key_error(
			job, "sync.deals",
			"a deal is invoiced to its account or contact: the job must sync them too (add sync.customers)");
	d->enabled = 1;
	d->decline_on_lost = 1;
	d->void_on_lost = 1;
	if ((rc = load_automate(job, cfg)) || (rc = check_quote_only(job, cfg)) ||
	    (rc = get_bool(job, cfg, "convert_accepted_to_invoice", &d->convert_accepted_to_invoice)) ||
	    (rc = get_bool(job, cfg, "decline_on_lost", &d->decline_on_lost)) ||
	    (rc = get_bool(job, cfg, "void_on_lost", &d->void_on_lost)) ||
	    (rc = get_bool(job, cfg, "confirm_sales_order", &d->confirm_sales_order)) ||
	    (rc = load_line_items(job, cfg)) || (rc = load_crm_fields(job, cfg)) ||
	    (rc = get_stages(job, cfg, "stage_order", default_stage_order, &d->stage_order)) ||
	    (rc = get_stages(job, cfg, "lost_stages", default_lost_stages, &d->lost_stages)) ||
	    (rc = check_lost_stages(job)) || (rc = load_quote_stages(job, cfg)) || (rc = load_views(job, cfg)))
		return rc;
	return load_default_item(job, cfg);
}

static int load_summary_fields(struct job *job, json_t *fields)
{
	const char *key;
	json_t *v;
	int i;

	for (i = 0; i < SUM_FIELD_COUNT; i++)
		job->summary.fields[i] = default_summary_fields[i];
	if (!fields)
		return 0;
	if (!json_is_object(fields))
		return job_key_error(job, "sync.summary.fields",
				     "must be an object such as {\"outstanding\": \"Outstanding_Receivable\"}");
	json_object_foreach(fields, key, v) {
		char full[256];
		snprintf(full, sizeof(full), "sync.summary.fields.%s", key);
		for (i = 0; summary_field_keys[i] && strcmp(summary_field_keys[i], key); i++)
			;
		if (!summary_field_keys[i])
			return job_key_error(
				job, full,
				"unknown key (outstanding, overdue_count, last_payment_date, last_payment_amount)");
		if (!json_is_null(v) && (!json_is_string(v) || !*json_string_value(v)))
			return job_key_error(job, full, "must be a CRM field API name, or null to leave it out");
		job->summary.fields[i] = json_string_value(v);
	}
	for (i = 0; i < SUM_FIELD_COUNT && !job->summary.fields[i]; i++)
		;
	if (i == SUM_FIELD_COUNT)
		return job_key_error(job, "sync.summary.fields", "leaves every field out: nothing would be written");
	return 0;
}

int job_load_summary(struct job *job, json_t *cfg)
{
	int rc;

	if (!json_is_object(cfg))
		return job_key_error(job, "sync.summary", "must be an object");
	if ((rc = check_keys(job, cfg, "sync.summary", summary_keys)))
		return rc;
	if (!job->crm_source->writable)
		return job_key_error(job, "sync.summary", "writes to the CRM: it needs crm.type zoho-crm, not %s",
				     job->crm.type);
	if (!job->app->payments_path)
		return job_key_error(job, "sync.summary", "%s: not available (it has no customer payments)",
				     job->app->type);
	if (!job->entities[ENTITY_CUSTOMERS].enabled)
		return job_key_error(
			job, "sync.summary",
			"is written per linked customer: the job must sync customers (add sync.customers)");
	if ((rc = load_summary_fields(job, json_object_get(cfg, "fields"))))
		return rc;
	job->summary.enabled = 1;
	return 0;
}
