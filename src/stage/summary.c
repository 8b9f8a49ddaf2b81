/*
 * summary.c - the financial summary back to the CRM (docs/design.md
 * "Financial summary"; job key sync.summary), at the end of the load.
 *
 * Per linked customer: the outstanding receivable, the count of overdue
 * invoices, and the date and amount of the last payment.  The finance app
 * is read in three paged lists, never once per customer: its customers
 * (outstanding_receivable_amount; on Billing, whose customer rows lack it,
 * the balances of its unpaid invoices), its overdue invoices and its
 * customer payments.  A list's filter narrows the reading; the row's own
 * status decides.  The figures are grouped in a TEMP table of the ledger's
 * connection, then read back 100 linked records at a time and written to
 * the CRM record (Accounts for a business customer, Contacts for an
 * individual) with one update call per module, only where the figures
 * differ from the last ones written (their hash, in the summaries table).
 *
 * Outcomes: run_stats row "summary" (updated, unchanged, failed) and an
 * event per record written or refused.
 */
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/crm.h"
#include "finsync/err.h"
#include "finsync/finclient.h"
#include "finsync/ledger.h"
#include "finsync/log.h"
#include "finsync/ndjson.h"
#include "../xform/deal_plan.h"
#include "../xform/xform.h"
#include "deals.h"
#include "load_loop.h"
#include "units.h"

#define ROWS 100

struct summary {
	struct pipeline *p;
	struct finclient *fin;
	struct crm *crm;
	struct stats s;
	long rows; /* list rows taken in */
};

/* The CRM modules the job's customers come from. */
static void summary_modules(const struct job *job, const char *out[3])
{
	const struct entity_sync *c = &job->entities[ENTITY_CUSTOMERS];
	int n = 0;

	if (c->crm_module != CRM_CONTACTS)
		out[n++] = "Accounts";
	if (c->crm_module == CRM_CONTACTS || c->include_orphan_contacts)
		out[n++] = "Contacts";
	out[n] = NULL;
}

/* The CRM field type a summary figure needs. */
static const char *summary_field_type(enum summary_field f)
{
	static const char *const types[SUM_FIELD_COUNT] = { "currency", "number", "date", "currency" };

	return types[f];
}

int summary_check_fields(const struct job *job, struct crm *crm)
{
	const char *modules[3];
	int i, m, rc = 0;

	summary_modules(job, modules);
	for (m = 0; modules[m] && !rc; m++) {
		json_t *available = NULL;
		if ((rc = crm_fields(crm, modules[m], &available)))
			break;
		for (i = 0; i < SUM_FIELD_COUNT && !rc; i++)
			if (job->summary.fields[i] && json_array_size(available) &&
			    !jstr_in(available, job->summary.fields[i]))
				rc = fail(FS_EUSAGE,
					  "job '%s': sync.summary.fields.%s: the CRM module %s has no field '%s'; "
					  "create it (type %s) in Zoho CRM → Settings → Modules and Fields → %s, "
					  "or name an existing field in the job",
					  job->path, summary_field_key((enum summary_field)i), modules[m],
					  job->summary.fields[i], summary_field_type((enum summary_field)i),
					  modules[m]);
		json_decref(available);
	}
	return rc;
}

/* ---- the finance app's lists into the work table ---- */

static const char *id_of(json_t *row, const char *key, char *buf, size_t n)
{
	json_t *v = json_object_get(row, key);

	if (json_is_integer(v)) {
		snprintf(buf, n, "%lld", (long long)json_integer_value(v));
		return buf;
	}
	return json_string_value(v);
}

static int money(json_t *row, const char *key, double *out)
{
	return deal_number(row, key, out);
}

static int take_customer(json_t *row, void *ud)
{
	struct summary *s = ud;
	char buf[32];
	const char *id = id_of(row, s->p->job->app->customer_id_key, buf, sizeof(buf));
	double amount;

	s->rows++;
	/*
	 * The base-currency figure where the row has it: the plain one is in the
	 * customer's own currency, and the CRM field is in the organisation's
	 * (the preflight made sure both sides share one base currency).
	 */
	if (!s->p->job->app->outstanding_in_list)
		amount = 0; /* the unpaid invoices' balances are added to it (take_unpaid) */
	else if (!id || (!money(row, "outstanding_receivable_amount_bcy", &amount) &&
			 !money(row, "outstanding_receivable_amount", &amount)))
		return 0;
	if (!id)
		return 0;
	return ledger_summary_work_outstanding(s->p->lg, id, amount);
}

static const char *row_status(json_t *row)
{
	return jstr_or(row, "status", "");
}

/* An overdue invoice: the list's filter is the app's, the status on the row decides. */
static int take_overdue(json_t *row, void *ud)
{
	struct summary *s = ud;
	char buf[32];
	const char *id = id_of(row, "customer_id", buf, sizeof(buf));

	s->rows++;
	return id && !strcmp(row_status(row), "overdue") ? ledger_summary_work_overdue(s->p->lg, id) : 0;
}

/* Where customer rows carry no outstanding amount (Billing): the balances of the unpaid invoices. */
static int take_unpaid(json_t *row, void *ud)
{
	static const char *const unpaid[] = { "sent", "overdue", "partially_paid", "viewed", NULL };
	struct summary *s = ud;
	char buf[32];
	const char *id = id_of(row, "customer_id", buf, sizeof(buf)), *const * u;
	double balance;

	s->rows++;
	for (u = unpaid; *u && strcmp(*u, row_status(row)); u++)
		;
	if (!id || !*u || !money(row, "balance", &balance))
		return 0;
	return ledger_summary_work_add_outstanding(s->p->lg, id, balance);
}

static int take_payment(json_t *row, void *ud)
{
	struct summary *s = ud;
	char buf[32], key_buf[32];
	const char *id = id_of(row, "customer_id", buf, sizeof(buf));
	const char *date = jstr(row, "date");
	const char *key = jstr(row, "created_time");
	double amount;

	s->rows++;
	if (!key)
		key = id_of(row, "payment_id", key_buf, sizeof(key_buf));
	if (!id || !date || !money(row, "amount", &amount))
		return 0;
	return ledger_summary_work_payment(s->p->lg, id, date, amount, key);
}

static int gather(struct summary *s)
{
	const struct finance_app *app = s->p->job->app;
	int rc;

	if ((rc = ledger_summary_work_reset(s->p->lg)) ||
	    (rc = finclient_list(s->fin, ENTITY_CUSTOMERS, take_customer, s)) ||
	    (!app->outstanding_in_list &&
	     (rc = finclient_list_path(s->fin, "/invoices", "invoices", "filter_by=Status.Unpaid", take_unpaid, s))) ||
	    (rc = finclient_list_path(s->fin, "/invoices", "invoices", app->overdue_query, take_overdue, s)) ||
	    (rc = finclient_list_path(s->fin, app->payments_path, app->payments_key, NULL, take_payment, s)))
		return fail_prefix(rc, "summary");
	log_info("summary: %ld rows read from %s (customers, overdue invoices, payments)", s->rows, app->label);
	return 0;
}

/* ---- one page of linked records ---- */

static json_t *amount_json(double v)
{
	/* Cents, rounded half away from zero (no libm for one rounding). */
	return json_real((double)(long long)(v * 100.0 + (v < 0 ? -0.5 : 0.5)) / 100.0);
}

/* The CRM fields of one record's figures (new object), without its id. */
static json_t *figures(const struct job *job, const struct summary_row *r)
{
	const char *const *f = job->summary.fields;
	json_t *o = json_object();

	if (f[SUM_OUTSTANDING])
		json_object_set_new(o, f[SUM_OUTSTANDING],
				    r->has_outstanding ? amount_json(r->outstanding) : json_null());
	if (f[SUM_OVERDUE_COUNT])
		json_object_set_new(o, f[SUM_OVERDUE_COUNT], json_integer(r->overdue));
	if (f[SUM_LAST_PAYMENT_DATE])
		json_object_set_new(o, f[SUM_LAST_PAYMENT_DATE],
				    r->has_payment ? json_string(r->pay_date) : json_null());
	if (f[SUM_LAST_PAYMENT_AMOUNT])
		json_object_set_new(o, f[SUM_LAST_PAYMENT_AMOUNT],
				    r->has_payment ? amount_json(r->pay_amount) : json_null());
	return o;
}

static const char *module_of(const struct job *job, const struct summary_row *r)
{
	if (r->crm_module && (!strcmp(r->crm_module, "Accounts") || !strcmp(r->crm_module, "Contacts")))
		return r->crm_module;
	return job->entities[ENTITY_CUSTOMERS].crm_module == CRM_CONTACTS ? "Contacts" : "Accounts";
}

/* The rows of one module that changed, written in one call; outcomes into the ledger. */
struct batch {
	const char *module;
	json_t *rows;     /* CRM update rows */
	size_t idx[ROWS]; /* into the page */
	char hash[ROWS][CONTENT_HASH_LEN];
	size_t n;
};

static int settle_batch(struct summary *s, struct batch *b, const struct summary_row *page, struct crm_row_result *res)
{
	struct ledger *lg = s->p->lg;
	size_t i;
	int rc;

	if ((rc = ledger_begin(lg)))
		return rc;
	for (i = 0; i < b->n && !rc; i++) {
		const struct summary_row *r = &page[b->idx[i]];
		if (res[i].ok) {
			s->s.updated++;
			if (!(rc = ledger_summary_put(lg, "customers", r->crm_id, b->hash[i])))
				rc = ledger_event_add(lg, s->p->run_id, "summary", b->module, r->crm_id, r->finance_id,
						      "update", "ledger", "financial summary written to the CRM");
		} else {
			char *why = xasprintf("the CRM refused the financial summary of %s %s: %s %s", b->module,
					      r->crm_id, res[i].code ? res[i].code : "",
					      res[i].message ? res[i].message : "");
			log_warn("%s", why);
			s->s.failed++;
			s->p->records_failed++;
			rc = ledger_event_add(lg, s->p->run_id, "summary", b->module, r->crm_id, r->finance_id,
					      "failed", "ledger", why);
			xfree(why);
		}
	}
	if (!rc)
		rc = ledger_stats_add(lg, s->p->run_id, "summary", "load", &s->s);
	if (rc) {
		ledger_rollback(lg);
		return rc;
	}
	return ledger_commit(lg);
}

static int write_batch(struct summary *s, struct batch *b, const struct summary_row *page)
{
	struct crm_row_result res[ROWS];
	size_t i;
	int rc;

	if (!b->n)
		return 0;
	memset(res, 0, sizeof(res));
	if (!(rc = crm_write(s->crm, b->module, "update", b->rows, NULL, res)))
		rc = settle_batch(s, b, page, res);
	for (i = 0; i < b->n; i++)
		crm_row_result_release(&res[i]);
	return rc;
}

static int summary_page(struct summary *s, const struct summary_row *page, int n)
{
	struct batch b[2] = { { .module = "Accounts" }, { .module = "Contacts" } };
	int i, k, rc = 0;

	for (k = 0; k < 2; k++)
		b[k].rows = json_array();
	for (i = 0; i < n; i++) {
		const struct summary_row *r = &page[i];
		json_t *row = figures(s->p->job, r);
		char hash[CONTENT_HASH_LEN];
		k = strcmp(module_of(s->p->job, r), "Accounts") ? 1 : 0;
		content_hash(row, hash);
		if (r->hash && !strcmp(r->hash, hash)) {
			s->s.unchanged++;
			json_decref(row);
			continue;
		}
		json_object_set_new(row, "id", json_string(r->crm_id));
		json_array_append_new(b[k].rows, row);
		memcpy(b[k].hash[b[k].n], hash, CONTENT_HASH_LEN);
		b[k].idx[b[k].n++] = (size_t)i;
	}
	for (k = 0; k < 2 && !rc; k++)
		rc = write_batch(s, &b[k], page);
	for (k = 0; k < 2; k++)
		json_decref(b[k].rows);
	return rc;
}

static int write_back(struct summary *s)
{
	struct load_loop lp = { .p = s->p, .name = "summary", .s = &s->s, .no_watermark = 1 };
	struct summary_row page[ROWS];
	char *after = xstrdup("");
	int n = ROWS, i, rc = 0;

	while (!rc && n == ROWS) {
		if ((rc = ledger_summary_rows(s->p->lg, "customers", after, ROWS, page, &n)))
			break;
		if (n) {
			xfree(after);
			after = xstrdup(page[n - 1].crm_id);
		}
		rc = summary_page(s, page, n);
		for (i = 0; i < n; i++)
			summary_row_release(&page[i]);
	}
	xfree(after);
	/* The final counts (unchanged ones are not written per batch); also when nothing was written. */
	return rc ? rc : load_finish(&lp);
}

static int summary_run(struct pipeline *p, struct finclient *fin)
{
	struct summary s = { .p = p, .fin = fin };
	int rc;

	log_set_entity("summary");
	if (!(rc = crm_open(&s.crm, p->job)) && !(rc = gather(&s)) && !(rc = write_back(&s)))
		log_info("summary: %ld written to the CRM, %ld unchanged, %ld refused", s.s.updated, s.s.unchanged,
			 s.s.failed);
	crm_close(s.crm);
	log_set_entity(NULL);
	return rc;
}

static int summary_load(struct stage_run *s, const struct sync_unit *u)
{
	(void)u;
	if (!pipeline_wants_unit(s->p, s->p->job->summary.enabled))
		return 0;
	return summary_run(s->p, s->fin);
}

const struct sync_unit unit_summary = {
	.name = "summary",
	.key = { "summary", job_load_summary },
	.load = summary_load,
};
