/*
 * transactions.c - sync.transactions: the finance app's invoices,
 * estimates, sales orders and purchase orders mirrored into the CRM's
 * Invoices, Quotes, Sales_Orders and Purchase_Orders (docs/design.md
 * "Transactions"), a read-only copy for sales to see the money.  One row
 * of the defs table per kind: the code below is the same for all.
 *
 * Extract lists each kind newest change first (sort_column
 * last_modified_time, a documented sort) to the end of the list, and
 * reads by id, for its line items, each transaction dated on or after
 * `since` whose last_modified_time is at or after the kind's watermark
 * (checked on the row: a sort or filter the app ignored costs pages, never
 * a missed change).  The watermark is the newest last_modified_time seen,
 * in the app's own clock, kept when the load is done.
 *
 * Load builds each CRM row (Subject ← number, the status on the module's
 * picklist, dates, totals, the account or vendor and the products through
 * the ledger's links, the deal through deal_links or the reference_number)
 * and writes only rows whose hash changed, 100 a call, through upsert on
 * the unique crm_finance_id_field: a row sent twice (a kill, a lost answer)
 * updates the one record.  An update replaces the record's lines: the
 * CRM keeps lines a write does not name, so the old ones are removed by id.
 */
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/crm.h"
#include "finsync/err.h"
#include "finsync/finclient.h"
#include "finsync/ledger.h"
#include "finsync/log.h"
#include "finsync/ndjson.h"
#include "finsync/safe.h"
#include "finsync/staging.h"
#include "finsync/timeutil.h"
#include "../xform/xform.h"
#include "load_loop.h"
#include "transactions.h"
#include "units.h"

#define ROWS_PER_CALL 100

/* How one kind of transaction is read and where it goes in the CRM. */
struct txn_def {
	enum txn_kind kind;
	const char *ledger_kind; /* transaction_links.kind */
	enum fin_doc doc;
	const char *path, *list_key, *id_key, *number_key;
	const char *module, *lines_field, *status_field, *date_field, *due_field, *due_key;
	const char *const *status_map; /* finance status, CRM value, … NULL */
	/* The party: the entity its id is linked in, its keys, the CRM lookup it fills. */
	const char *party_entity, *party_id_key, *party_name_key, *party_field, *party_what;
	const char *deal_kind; /* deal_links.kind of a deal that made it, or NULL */
};

static const char *const invoice_status[] = {
	"draft",          "Created",   "sent", "Delivered", "viewed", "Delivered", "overdue", "Delivered",
	"partially_paid", "Delivered", "paid", "Paid",      "void",   "Cancelled", NULL
};
static const char *const estimate_status[] = {
	"draft",      "Draft",    "sent",        "Delivered", "accepted",    "Confirmed", "invoiced",
	"Closed Won", "declined", "Closed Lost", "expired",   "Closed Lost", NULL
};
/* Books open, Inventory confirmed; the CRM's standard order picklist (docs/sandbox.md). */
/* A finance status and its CRM value, two pairs a line. */
/* clang-format off */
static const char *const salesorder_status[] = {
	"draft", "Created",          "pending_approval", "Created",
	"approved", "Approved",      "open", "Approved",
	"confirmed", "Approved",     "partially_invoiced", "Approved",
	"invoiced", "Delivered",     "fulfilled", "Delivered",
	"closed", "Delivered",       "void", "Cancelled",
	NULL
};
/* Books open and billed, Inventory issued and received. */
static const char *const purchaseorder_status[] = {
	"draft", "Created",          "pending_approval", "Created",
	"approved", "Approved",      "open", "Approved",
	"issued", "Approved",        "partially_billed", "Approved",
	"billed", "Delivered",       "received", "Delivered",
	"closed", "Delivered",       "cancelled", "Cancelled",
	NULL
};
/* clang-format on */

#define CUSTOMER "customers", "customer_id", "customer_name", "Account_Name", "customer"
#define VENDOR "vendors", "vendor_id", "vendor_name", "Vendor_Name", "vendor"

static const struct txn_def defs[] = {
	{ TXN_INVOICES, "invoice", FIN_DOC_INVOICE, "/invoices", "invoices", "invoice_id", "invoice_number", "Invoices",
	  "Invoiced_Items", "Status", "Invoice_Date", "Due_Date", "due_date", invoice_status, CUSTOMER, "invoice" },
	{ TXN_ESTIMATES, "estimate", FIN_DOC_ESTIMATE, "/estimates", "estimates", "estimate_id", "estimate_number",
	  "Quotes", "Quoted_Items", "Quote_Stage", NULL, "Valid_Till", "expiry_date", estimate_status, CUSTOMER,
	  "quote" },
	{ TXN_SALESORDERS, "salesorder", FIN_DOC_SALESORDER, "/salesorders", "salesorders", "salesorder_id",
	  "salesorder_number", "Sales_Orders", "Ordered_Items", "Status", NULL, "Due_Date", "shipment_date",
	  salesorder_status, CUSTOMER, "salesorder" },
	{ TXN_PURCHASEORDERS, "purchaseorder", FIN_DOC_PURCHASEORDER, "/purchaseorders", "purchaseorders",
	  "purchaseorder_id", "purchaseorder_number", "Purchase_Orders", "Purchased_Items", "Status", "PO_Date",
	  "Due_Date", "delivery_date", purchaseorder_status, VENDOR, NULL },
};
#define NDEFS (sizeof(defs) / sizeof(defs[0]))

const char *txn_crm_module(enum txn_kind kind)
{
	size_t i;

	for (i = 0; i < NDEFS; i++)
		if (defs[i].kind == kind)
			return defs[i].module;
	return NULL;
}

static const struct txn_def *def_of(const char *ledger_kind)
{
	size_t i;

	for (i = 0; ledger_kind && i < NDEFS; i++)
		if (!strcmp(defs[i].ledger_kind, ledger_kind))
			return &defs[i];
	return NULL;
}

/* ==== extract ==== */

struct txn_extract {
	struct pipeline *p;
	struct finclient *fin;
	struct staging_writer *w;
	const struct txn_def *d;
	time_t mark;     /* the kind's watermark, 0: none */
	char newest[40]; /* the newest last_modified_time seen */
	time_t newest_t;
	long listed, read;
};

static char *mark_key(const struct txn_def *d)
{
	return xasprintf("transactions.%s", d->list_key);
}

/*
 * What the list row says of a transaction (its status, amounts, dates,
 * number, customer and last change): kept with its link, so a row whose
 * last_modified_time equals the watermark (changes in the same second as
 * the newest one read) is read again only when it differs.
 */
static void row_print(const struct txn_def *d, json_t *row, char out[CONTENT_HASH_LEN])
{
	static const char *const keys[] = {
		"status",      "total",       "balance",          "date",
		"due_date",    "expiry_date", "shipment_date",    "delivery_date",
		"customer_id", "vendor_id",   "reference_number", "last_modified_time",
		NULL
	};
	json_t *seen = json_object();
	const char *const *k;

	for (k = keys; *k; k++)
		if (json_object_get(row, *k))
			json_object_set(seen, *k, json_object_get(row, *k));
	json_object_set(seen, "number", json_object_get(row, d->number_key));
	content_hash(seen, out);
	json_decref(seen);
}

/* 1 when the row at the watermark is the one mirrored last: its link ends with the row's print. */
static int mirrored_as(struct txn_extract *x, const char *id, const char *print)
{
	struct txn_link link;
	const char *slash;
	int rc = ledger_txn_link_get(x->p->lg, "finance", x->d->ledger_kind, id, &link);

	if (rc == 1)
		rc = link.hash && (slash = strchr(link.hash, '/')) && !strcmp(slash + 1, print);
	txn_link_release(&link);
	return rc;
}

/* One list row: read by id and staged when it is in scope and changed since the watermark. */
static int take_row(json_t *row, void *ud)
{
	struct txn_extract *x = ud;
	const char *since = x->p->job->transactions.since, *id = jstr(row, x->d->id_key);
	const char *date = jstr(row, "date"), *mt = jstr(row, "last_modified_time");
	char print[CONTENT_HASH_LEN];
	struct fin_doc_result res;
	time_t t = 0;
	int rc;

	x->listed++;
	if (!id || (since && (!date || strcmp(date, since) < 0)))
		return 0;
	row_print(x->d, row, print);
	if (mt && !time_parse_iso(mt, &t)) {
		if (t > x->newest_t) {
			x->newest_t = t;
			snprintf(x->newest, sizeof(x->newest), "%s", mt);
		}
		if (x->mark && t < x->mark)
			return 0;
		if (x->mark && t == x->mark && (rc = mirrored_as(x, id, print)) != 0)
			return rc < 0 ? rc : 0;
	}
	if ((rc = finclient_doc_get(x->fin, x->d->doc, id, &res)))
		return rc;
	if (res.out.ok && res.record) {
		json_t *line = json_pack("{s:s, s:s, s:O}", "kind", x->d->ledger_kind, "print", print, "record",
					 res.record);
		x->read++;
		rc = staging_write(x->w, line);
		json_decref(line);
	}
	fin_doc_result_release(&res);
	return rc;
}

static int extract_kind(struct txn_extract *x, struct manifest *m)
{
	char *key = mark_key(x->d), *mark = NULL, *query;
	int rc;

	x->mark = 0;
	x->newest[0] = 0;
	x->newest_t = 0;
	x->listed = x->read = 0;
	if (!x->p->full && (rc = ledger_watermark_get(x->p->lg, key, &mark)) < 0)
		goto out;
	if (mark && time_parse_iso(mark, &x->mark))
		x->mark = 0;
	query = xasprintf("sort_column=last_modified_time&sort_order=D%s%s",
			  x->p->job->transactions.since ? "&date_start=" : "",
			  x->p->job->transactions.since ? x->p->job->transactions.since : "");
	rc = finclient_list_path(x->fin, x->d->path, x->d->list_key, query, take_row, x);
	xfree(query);
	if (!rc && x->newest[0])
		manifest_note(m, key, x->newest);
	log_info("transactions: %s: %ld listed, %ld changed%s%s", x->d->list_key, x->listed, x->read,
		 mark ? " since " : "", mark ? mark : "");
out:
	xfree(mark);
	xfree(key);
	return rc;
}

static int transactions_extract(struct stage_run *s, const struct sync_unit *u)
{
	struct txn_extract x = { .p = s->p, .fin = s->fin };
	size_t i;
	int rc = 0;

	if (!pipeline_wants_unit(s->p, s->p->job->transactions.enabled))
		return 0;
	log_set_entity(u->name);
	if ((rc = staging_writer_open(&x.w, s->out_dir, u->name)))
		goto out;
	for (i = 0; i < NDEFS && !rc; i++) {
		x.d = &defs[i];
		if (s->p->job->transactions.to_crm[defs[i].kind])
			rc = extract_kind(&x, s->m);
	}
	if (rc)
		staging_writer_abort(x.w);
	else
		rc = staging_writer_finish(x.w, s->m);
out:
	log_set_entity(NULL);
	return rc;
}

/* ==== load ==== */

struct pending {
	json_t *row;          /* the CRM row to write */
	struct txn_link link; /* its link as known, then as answered */
	int known;            /* a link with a crm_id was there */
	size_t nlines;        /* lines the row carries */
};

struct txn_load {
	struct pipeline *p;
	struct crm *crm;
	struct stats s;
	long waiting;
	json_t *picklists; /* {module: [values]} */
	struct pending batch[NDEFS][ROWS_PER_CALL];
	size_t n[NDEFS];
	int held[NDEFS]; /* a transaction waits or failed: the kind's watermark stays */
	json_t *marks;   /* the extract's manifest: the newest last_modified_time of each kind */
};

static int record(struct txn_load *l, const struct txn_def *d, const char *crm_id, const char *finance_id,
		  const char *action, const char *reason, const struct txn_link *link)
{
	struct ledger *lg = l->p->lg;
	int rc;

	if (load_count(&l->s, action))
		l->p->records_failed++;
	if (!strcmp(action, "skip") || !strcmp(action, "failed"))
		l->held[d - defs] = 1;
	if ((rc = ledger_begin(lg)))
		return rc;
	if ((link && (rc = ledger_txn_link_put(lg, link))) ||
	    (rc = ledger_event_add(lg, l->p->run_id, "transactions", d->module, crm_id, finance_id, action, "",
				   reason)) ||
	    (rc = ledger_stats_add(lg, l->p->run_id, "transactions", "load", &l->s))) {
		ledger_rollback(lg);
		return rc;
	}
	return ledger_commit(lg);
}

/* The CRM id the ledger links a finance record of entity to, or NULL. */
static char *crm_of(struct txn_load *l, const char *entity, const char *finance_id)
{
	char *crm_id = NULL;

	if (finance_id && ledger_link_by_finance(l->p->lg, entity, finance_id, &crm_id) < 0)
		crm_id = NULL;
	return crm_id;
}

/* The status on the module's picklist, or NULL when the map or the picklist has no such value. */
static const char *crm_status(struct txn_load *l, const struct txn_def *d, const char *status)
{
	json_t *values = json_object_get(l->picklists, d->module);
	const char *const *m;

	for (m = d->status_map; status && *m; m += 2)
		if (!strcmp(*m, status) && jstr_in(values, m[1]))
			return m[1];
	return NULL;
}

/* The finance lines on their linked CRM products; NULL with *why when one is not linked. */
static json_t *crm_lines(struct txn_load *l, json_t *rec, char **why)
{
	json_t *lines = json_array(), *fl;
	size_t i;

	json_array_foreach(json_object_get(rec, "line_items"), i, fl) {
		const char *item = jstr(fl, "item_id");
		char *product = item && *item ? crm_of(l, "items", item) : NULL;
		if (!product) {
			*why = item && *item
				       ? xasprintf("its line '%s' is on item %s, which is linked to no CRM product",
						   jstr_or(fl, "name", ""), item)
				       : xasprintf("its line '%s' names no item: a CRM line needs a product",
						   jstr_or(fl, "name", ""));
			json_decref(lines);
			return NULL;
		}
		json_t *cl = json_pack("{s:{s:s}, s:O, s:O}", "Product_Name", "id", product, "Quantity",
				       json_object_get(fl, "quantity"), "List_Price", json_object_get(fl, "rate"));
		if (json_number_value(json_object_get(fl, "discount")) > 0)
			json_object_set(cl, "Discount", json_object_get(fl, "discount"));
		if (jstr(fl, "description") && *jstr(fl, "description"))
			json_object_set(cl, "Description", json_object_get(fl, "description"));
		json_array_append_new(lines, cl);
		xfree(product);
	}
	if (!json_array_size(lines)) {
		*why = xstrdup("it has no line items");
		json_decref(lines);
		return NULL;
	}
	return lines;
}

/* The deal that made the transaction (deal_links), or the one whose id is its reference_number; none for a vendor's. */
static int crm_deal(struct txn_load *l, const struct txn_def *d, json_t *rec, char **deal_id)
{
	const char *ref = jstr(rec, "reference_number");
	json_t *deal = NULL;
	int rc;

	*deal_id = NULL;
	if (!d->deal_kind)
		return 0; /* a purchase order is no deal's */
	if ((rc = ledger_deal_by_finance(l->p->lg, d->deal_kind, jstr(rec, d->id_key), deal_id)) != 0)
		return rc < 0 ? rc : 0;
	if (!ref || !zoho_id_ok(ref))
		return 0;
	/* A reference_number is only a deal's id when the CRM has that deal. */
	if ((rc = crm_get(l->crm, "Deals", ref, &deal)) == 1)
		*deal_id = xstrdup(ref);
	json_decref(deal);
	return rc < 0 ? rc : 0;
}

static void set_if(json_t *row, const char *field, json_t *v)
{
	if (field && v && !json_is_null(v) && (!json_is_string(v) || *json_string_value(v)))
		json_object_set(row, field, v);
}

/* The CRM row of a finance transaction; NULL with *why when it must wait (an unlinked party or product). */
static int crm_row(struct txn_load *l, const struct txn_def *d, json_t *rec, json_t **row, char **why)
{
	const struct transaction_sync *t = &l->p->job->transactions;
	char *party = crm_of(l, d->party_entity, jstr(rec, d->party_id_key)), *deal = NULL;
	const char *status = crm_status(l, d, jstr(rec, "status"));
	json_t *lines;
	int rc;

	*row = NULL;
	if (!party) {
		*why = xasprintf("its %s '%s' (%s) is linked to no CRM %s", d->party_what,
				 jstr_or(rec, d->party_name_key, ""), jstr_or(rec, d->party_id_key, "(none)"),
				 strcmp(d->party_entity, "vendors") ? "account" : "vendor");
		return 0;
	}
	if (!(lines = crm_lines(l, rec, why)) || (rc = crm_deal(l, d, rec, &deal))) {
		xfree(party);
		return lines ? (json_decref(lines), rc) : 0;
	}
	*row = json_pack("{s:s, s:O?, s:{s:s}, s:o}", t->crm_finance_id_field, jstr(rec, d->id_key), "Subject",
			 json_object_get(rec, d->number_key), d->party_field, "id", party, d->lines_field, lines);
	if (status)
		json_object_set_new(*row, d->status_field, json_string(status));
	if (deal)
		json_object_set_new(*row, "Deal_Name", json_pack("{s:s}", "id", deal));
	set_if(*row, d->date_field, json_object_get(rec, "date"));
	set_if(*row, d->due_field, json_object_get(rec, d->due_key));
	set_if(*row, "Sub_Total", json_object_get(rec, "sub_total"));
	set_if(*row, "Grand_Total", json_object_get(rec, "total"));
	set_if(*row, t->crm_balance_field, json_object_get(rec, "balance"));
	xfree(party);
	xfree(deal);
	return 0;
}

/* {"id", "_delete": null} for each line the CRM record holds now: an update then replaces them. */
static int old_lines(struct txn_load *l, const struct txn_def *d, const char *crm_id, json_t *into, size_t keep)
{
	json_t *rec = NULL, *line, *lines;
	size_t i, n;
	int rc = crm_get(l->crm, d->module, crm_id, &rec);

	lines = json_object_get(rec, d->lines_field);
	n = json_array_size(lines);
	for (i = 0; rc == 1 && i + keep < n; i++) {
		line = json_array_get(lines, i);
		if (jstr(line, "id"))
			json_array_insert_new(into, i, json_pack("{s:s, s:n}", "id", jstr(line, "id"), "_delete"));
	}
	json_decref(rec);
	return rc < 0 ? rc : 0;
}

/*
 * An upsert that found a record the ledger did not link (a run stopped
 * after its write): the CRM kept that record's lines beside the new ones,
 * so all but the lines just sent are removed.
 */
static int drop_stale_lines(struct txn_load *l, const struct txn_def *d, struct pending *pd)
{
	json_t *rows = json_array(), *row = json_pack("{s:s, s:[]}", "id", pd->link.crm_id, d->lines_field);
	struct crm_row_result res;
	int rc;

	memset(&res, 0, sizeof(res));
	if (!(rc = old_lines(l, d, pd->link.crm_id, json_object_get(row, d->lines_field), pd->nlines)) &&
	    json_array_size(json_object_get(row, d->lines_field))) {
		json_array_append(rows, row);
		rc = crm_write(l->crm, d->module, "update", rows, NULL, &res);
		if (!rc && !res.ok)
			log_warn("transactions: %s %s: its earlier lines could not be removed: %s", d->module,
				 pd->link.crm_id, res.message ? res.message : "");
		crm_row_result_release(&res);
	}
	json_decref(row);
	json_decref(rows);
	return rc;
}

/* The answer to one row: the link with its CRM id and hash, and the event. */
static int settle(struct txn_load *l, const struct txn_def *d, struct pending *pd, struct crm_row_result *res)
{
	const char *action = pd->known || (res->action && !strcmp(res->action, "update")) ? "update" : "create";
	char *why;
	int rc;

	if (!res->ok) {
		why = xasprintf("the CRM refused %s %s (%s): %s", d->module, jstr(pd->row, "Subject"),
				res->code ? res->code : "", res->message ? res->message : "");
		log_warn("transactions: %s", why);
		rc = record(l, d, pd->link.crm_id, pd->link.finance_id, "failed", why, NULL);
		xfree(why);
		return rc;
	}
	xfree(pd->link.crm_id);
	pd->link.crm_id = xstrdup(res->id);
	if (!pd->known && !strcmp(action, "update") && (rc = drop_stale_lines(l, d, pd)))
		return rc;
	why = xasprintf("%s %s %s in the CRM (%s)", d->ledger_kind, jstr(pd->row, "Subject"),
			!strcmp(action, "create") ? "mirrored" : "updated", d->module);
	rc = record(l, d, pd->link.crm_id, pd->link.finance_id, action, why, &pd->link);
	xfree(why);
	return rc;
}

/* Writes the rows gathered for one kind: one upsert call on the unique finance-id field. */
static int flush_kind(struct txn_load *l, size_t k)
{
	const struct txn_def *d = &defs[k];
	const char *dup[] = { l->p->job->transactions.crm_finance_id_field, NULL };
	struct crm_row_result res[ROWS_PER_CALL];
	json_t *rows = json_array();
	size_t i, n = l->n[k];
	int rc = 0;

	memset(res, 0, sizeof(res));
	for (i = 0; i < n && !rc; i++) {
		json_t *row = json_deep_copy(l->batch[k][i].row);
		if (l->batch[k][i].known)
			rc = old_lines(l, d, l->batch[k][i].link.crm_id, json_object_get(row, d->lines_field), 0);
		json_array_append_new(rows, row);
	}
	if (n && !rc && !(rc = crm_write(l->crm, d->module, "upsert", rows, dup, res)))
		for (i = 0; i < n && !rc; i++)
			rc = settle(l, d, &l->batch[k][i], &res[i]);
	for (i = 0; i < n; i++) {
		crm_row_result_release(&res[i]);
		json_decref(l->batch[k][i].row);
		txn_link_release(&l->batch[k][i].link);
	}
	l->n[k] = 0;
	json_decref(rows);
	return rc;
}

static int flush_all(void *ud)
{
	struct txn_load *l = ud;
	size_t k;
	int rc = 0;

	for (k = 0; k < NDEFS && !rc; k++)
		rc = flush_kind(l, k);
	return rc;
}

/* One staged transaction: its CRM row planned; unchanged, waiting, or gathered for the next call. */
static int take_txn(void *ud, json_t *line)
{
	struct txn_load *l = ud;
	const struct txn_def *d = def_of(jstr(line, "kind"));
	json_t *rec = json_object_get(line, "record"), *row = NULL;
	char hash[CONTENT_HASH_LEN], *why = NULL, *full = NULL;
	struct txn_link link;
	size_t k;
	int rc;

	if (!d || !jstr(rec, d->id_key)) {
		json_decref(line);
		return fail(FS_EINPUT, "transactions: a staged line without a kind or an id");
	}
	k = (size_t)(d - defs);
	if ((rc = crm_row(l, d, rec, &row, &why)) || why) {
		if (why)
			rc = record(l, d, NULL, jstr(rec, d->id_key), "skip", why, NULL);
		goto out;
	}
	content_hash(row, hash);
	full = xasprintf("%s/%s", hash, jstr_or(line, "print", ""));
	if ((rc = ledger_txn_link_get(l->p->lg, "finance", d->ledger_kind, jstr(rec, d->id_key), &link)) < 0)
		goto out;
	if (rc == 1 && link.hash && link.crm_id && !strncmp(link.hash, hash, strlen(hash)) &&
	    link.hash[strlen(hash)] == '/') {
		/* The CRM row is the same; the list row's print is kept for the next extract. */
		xfree(link.hash);
		link.hash = xstrdup(full);
		rc = record(l, d, link.crm_id, link.finance_id, "unchanged", "", &link);
		txn_link_release(&link);
		goto out;
	}
	if (rc == 0)
		link = (struct txn_link){
			.kind = xstrdup(d->ledger_kind),
			.finance_id = xstrdup(jstr(rec, d->id_key)),
			.crm_module = xstrdup(d->module),
			.origin = xstrdup("finance")
		};
	xfree(link.hash);
	link.hash = full;
	full = NULL;
	l->batch[k][l->n[k]] = (struct pending){
		.row = row,
		.link = link,
		.known = link.crm_id != NULL,
		.nlines = json_array_size(json_object_get(row, d->lines_field))
	};
	row = NULL;
	rc = ++l->n[k] == ROWS_PER_CALL ? flush_kind(l, k) : 0;
out:
	if (rc == FS_EBUDGET)
		l->waiting = 1;
	json_decref(row);
	json_decref(line);
	xfree(why);
	xfree(full);
	return rc;
}

static int is_write(json_t *line)
{
	(void)line;
	return 1;
}

/* The kinds whose transactions all settled move their watermark to the newest change read. */
static int put_marks(void *ud)
{
	struct txn_load *l = ud;
	size_t k;
	int rc = 0;

	for (k = 0; k < NDEFS && !rc; k++) {
		char *key = mark_key(&defs[k]);
		const char *mark = jstr(l->marks, key);
		if (mark && !l->held[k])
			rc = ledger_watermark_put(l->p->lg, key, mark, l->p->run_id);
		xfree(key);
	}
	return rc;
}

/* The Status (or Quote_Stage) picklist of each module written to. */
static int read_picklists(struct txn_load *l)
{
	json_t *values;
	size_t k;
	int rc;

	l->picklists = json_object();
	for (k = 0; k < NDEFS; k++) {
		if (!l->p->job->transactions.to_crm[defs[k].kind])
			continue;
		if ((rc = crm_picklist(l->p->job, defs[k].module, defs[k].status_field, &values)))
			return rc;
		json_object_set_new(l->picklists, defs[k].module, values ? values : json_array());
	}
	return 0;
}

static int transactions_load(struct stage_run *s, const struct sync_unit *u)
{
	struct txn_load *l;
	struct load_loop lp = {
		.p = s->p,
		.name = u->name,
		.left_over = "transactions",
		.no_watermark = 1,
		.take = take_txn,
		.flush = flush_all,
		.is_write = is_write,
		.finish = put_marks
	};
	struct staging_reader *r = NULL;
	char *dir;
	int rc = 0;

	if (!pipeline_wants_unit(s->p, s->p->job->transactions.enabled) || (rc = load_done_before(s->p, u->name)) != 0)
		return rc == 1 ? 0 : rc;
	log_set_entity(u->name);
	l = xcalloc(1, sizeof(*l));
	l->p = s->p;
	lp.s = &l->s;
	lp.waiting = &l->waiting;
	lp.ud = l;
	dir = staging_dir(s->p->job->state_dir, s->p->run_id, "extract");
	if ((rc = manifest_load(dir, &l->marks)) >= 0 && !(rc = crm_open(&l->crm, s->p->job)) &&
	    !(rc = read_picklists(l)) && !(rc = staging_reader_open(&r, dir, u->name, 1)) &&
	    (rc = ledger_stats_get(s->p->lg, s->p->run_id, u->name, "load", &l->s)) >= 0 &&
	    !(rc = load_loop_run(&lp, r)))
		rc = load_finish(&lp);
	log_info("transactions: %ld mirrored, %ld updated, %ld unchanged, %ld waiting, %ld failed", l->s.added,
		 l->s.updated, l->s.unchanged, l->s.skipped, l->s.failed);
	for (size_t k = 0; k < NDEFS; k++)
		while (l->n[k]) {
			l->n[k]--;
			json_decref(l->batch[k][l->n[k]].row);
			txn_link_release(&l->batch[k][l->n[k]].link);
		}
	staging_reader_close(r);
	crm_close(l->crm);
	json_decref(l->picklists);
	json_decref(l->marks);
	xfree(l);
	xfree(dir);
	log_set_entity(NULL);
	return rc;
}

const struct sync_unit unit_transactions = {
	.name = "transactions",
	.key = { "transactions", job_load_transactions },
	.extract = transactions_extract,
	.load = transactions_load,
};
