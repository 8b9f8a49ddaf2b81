/*
 * job_txn.c - the job file's sync.quotes and sync.transactions
 * (docs/design.md "Transactions"): the loaders of the quotes' and the
 * transactions' keys (their units hand them to job.c, which calls them
 * after the entities), parsed into struct job for the commands that read
 * them.
 *
 * Like the rest of the loader it refuses early and names the key: a
 * document the app does not have, a CRM that cannot be written to, a date
 * that is no date.  Each list is offered where the app table gives the app it.
 */
#include <stdio.h>
#include <string.h>
#include "finsync/err.h"
#include "finsync/job.h"
#include "job_keys.h"

static const char *const quote_keys[] = { "invoice_at_stage", "create", "views", NULL };
static const char *const txn_keys[] = { "to_crm", "since", "crm_finance_id_field", "crm_balance_field", NULL };
static const char *const kind_keys[TXN_KIND_COUNT] = { "invoices", "estimates", "salesorders", "purchaseorders" };

const char *txn_kind_key(enum txn_kind k)
{
	return kind_keys[k];
}

/* A non-empty string at cfg.name, or NULL when absent; FS_EUSAGE naming key otherwise. */
static int get_name(const struct job *job, json_t *cfg, const char *key, const char *name, const char **out)
{
	json_t *v = json_object_get(cfg, name);

	if (v && (!json_is_string(v) || !*json_string_value(v)))
		return job_key_error(job, key, "must be a non-empty string");
	*out = v ? json_string_value(v) : NULL;
	return 0;
}

/* Only an app that has the list: sales orders where the table has salesorder_confirm. */
static int app_has(const struct job *job, enum txn_kind k)
{
	const struct finance_app *a = job->app;

	return k == TXN_INVOICES      ? a->has_invoices
	       : k == TXN_ESTIMATES   ? a->has_estimates
	       : k == TXN_SALESORDERS ? a->salesorder_confirm != NULL
				      : a->has_purchaseorders;
}

int job_load_quotes(struct job *job, json_t *cfg)
{
	struct quote_sync *q = &job->quotes;
	const char *create = NULL;
	json_t *views;
	int rc;

	if (!json_is_object(cfg))
		return job_key_error(job, "sync.quotes", "must be an object");
	if ((rc = check_keys(job, cfg, "sync.quotes", quote_keys)) ||
	    (rc = get_name(job, cfg, "sync.quotes.invoice_at_stage", "invoice_at_stage", &q->invoice_at_stage)) ||
	    (rc = get_name(job, cfg, "sync.quotes.create", "create", &create)))
		return rc;
	if (!q->invoice_at_stage)
		return job_key_error(job, "sync.quotes.invoice_at_stage",
				     "missing: the Quote_Stage at which a quote is invoiced");
	if (create && strcmp(create, "invoice") && strcmp(create, "salesorder"))
		return job_key_error(job, "sync.quotes.create", "unknown value '%s' (invoice, salesorder)", create);
	q->create = create && !strcmp(create, "salesorder") ? QUOTE_TO_SALESORDER : QUOTE_TO_INVOICE;
	if (q->create == QUOTE_TO_SALESORDER && !job->app->salesorder_confirm)
		return job_key_error(job, "sync.quotes.create", "%s has no sales orders finsync can create",
				     job->app->type);
	if (q->create == QUOTE_TO_INVOICE && !job->app->has_invoices)
		return job_key_error(job, "sync.quotes.create", "%s has no invoices finsync can create",
				     job->app->type);
	views = json_object_get(cfg, "views");
	if (views && (!json_is_object(views) || json_object_size(views) != 1 ||
		      !json_is_string(json_object_get(views, "Quotes"))))
		return job_key_error(job, "sync.quotes.views", "must be {\"Quotes\": \"<custom view id>\"}");
	q->views = views;
	if (job->crm_source->from_files)
		return job_key_error(
			job, "sync.quotes",
			"a quote's line items are read by id from Zoho CRM: it needs crm.type zoho-crm, not %s",
			job->crm.type);
	if (!job->entities[ENTITY_CUSTOMERS].enabled || !job->entities[ENTITY_ITEMS].enabled)
		return job_key_error(
			job, "sync.quotes",
			"a quote's account and products must be linked: the job must sync customers and items");
	q->enabled = 1;
	return 0;
}

static int load_to_crm(struct job *job, json_t *list)
{
	json_t *v;
	size_t i;
	int k;

	if (!json_is_array(list) || !json_array_size(list))
		return job_key_error(job, "sync.transactions.to_crm",
				     "must be a list of invoices, estimates, salesorders, purchaseorders");
	json_array_foreach(list, i, v) {
		for (k = 0; k < TXN_KIND_COUNT && (!json_is_string(v) || strcmp(json_string_value(v), kind_keys[k]));
		     k++)
			;
		if (k == TXN_KIND_COUNT)
			return job_key_error(job, "sync.transactions.to_crm",
					     "unknown value '%s' (invoices, estimates, salesorders, purchaseorders)",
					     json_is_string(v) ? json_string_value(v) : "?");
		if (!app_has(job, k))
			return job_key_error(job, "sync.transactions.to_crm", "%s has no %s finsync can read",
					     job->app->type, kind_keys[k]);
		job->transactions.to_crm[k] = 1;
	}
	/* Vendor_Name is the vendor's link: without the vendors synced every purchase order would wait. */
	if (job->transactions.to_crm[TXN_PURCHASEORDERS] && !job->entities[ENTITY_VENDORS].enabled)
		return job_key_error(
			job, "sync.transactions.to_crm",
			"purchaseorders: a purchase order's vendor must be linked: the job must sync vendors");
	return 0;
}

int job_load_transactions(struct job *job, json_t *cfg)
{
	struct transaction_sync *t = &job->transactions;
	int rc, y, m, d;

	if (!json_is_object(cfg))
		return job_key_error(job, "sync.transactions", "must be an object");
	if ((rc = check_keys(job, cfg, "sync.transactions", txn_keys)) ||
	    (rc = load_to_crm(job, json_object_get(cfg, "to_crm"))) ||
	    (rc = get_name(job, cfg, "sync.transactions.since", "since", &t->since)) ||
	    (rc = get_name(job, cfg, "sync.transactions.crm_finance_id_field", "crm_finance_id_field",
			   &t->crm_finance_id_field)) ||
	    (rc = get_name(job, cfg, "sync.transactions.crm_balance_field", "crm_balance_field",
			   &t->crm_balance_field)))
		return rc;
	if (t->since &&
	    (strlen(t->since) != 10 || sscanf(t->since, "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12 || d < 1 ||
	     d > 31))
		return job_key_error(job, "sync.transactions.since", "'%s' is not a date (yyyy-mm-dd)", t->since);
	if (!t->crm_finance_id_field)
		t->crm_finance_id_field = "Finance_Id";
	if (!job->crm_source->writable)
		return job_key_error(job, "sync.transactions", "writes to the CRM: it needs crm.type zoho-crm, not %s",
				     job->crm.type);
	t->enabled = 1;
	return 0;
}
