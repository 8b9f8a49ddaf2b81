/*
 * finance_tx_api.c - the HTTP side of invoices, estimates and customer
 * payments under an app's root: create, list (filters, the status as of the
 * sandbox clock, page_context), get, update, delete and the status actions
 * (POST /invoices/{id}/status/sent|void|draft, /estimates/{id}/status/
 * sent|accepted|declined).  finance_api.c routes here after the token, the
 * organisation id and the rate limit.
 */
#include "finance.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- messages ---------------------------------------------------------------- */

static const char *msg_created(const struct fres *fr)
{
	return fr->kind == FIN_INVOICES      ? "The invoice has been created."
	       : fr->kind == FIN_ESTIMATES   ? "The estimate has been created"
	       : fr->kind == FIN_SALESORDERS ? "Sales Order Created Successfully."
	       : fr->kind == FIN_PURCHASEORDERS
		       ? "Purchase Order has been added."
		       : "The payment has been created.";
}

static const char *msg_deleted(const struct fres *fr)
{
	return fr->kind == FIN_INVOICES      ? "The invoice has been deleted."
	       : fr->kind == FIN_ESTIMATES   ? "The estimate has been deleted."
	       : fr->kind == FIN_SALESORDERS ? "Sales Order has been deleted."
	       : fr->kind == FIN_PURCHASEORDERS
		       ? "Purchase Order has been deleted."
		       : "The payment has been deleted.";
}

static void not_found(struct req *r, const struct fres *fr)
{
	reply_json(r, 404,
		   jerr_fin(1002, fr->kind == FIN_INVOICES         ? "Invoice does not exist."
				  : fr->kind == FIN_ESTIMATES      ? "Estimate does not exist."
				  : fr->kind == FIN_SALESORDERS    ? "Sales Order does not exist."
				  : fr->kind == FIN_PURCHASEORDERS ? "Purchase Order does not exist."
								   : "Payment does not exist."));
}

static int billing(const struct fres *fr)
{
	return fr->kind == FIN_INVOICES && fr->app->billing_invoices;
}

static void answer(struct req *r, struct fres *fr, int status, const char *message, json_t *rec)
{
	tx_present(fr, rec);
	if (billing(fr))
		billing_invoice_out(rec);
	reply_json(r, status, json_pack("{s:i, s:s, s:O}", "code", 0, "message", message, fr->one_key, rec));
}

static void answer_plain(struct req *r, const char *message)
{
	reply_json(r, 200, json_pack("{s:i, s:s}", "code", 0, "message", message));
}

static json_t *body_of(struct req *r)
{
	json_error_t jerr;
	json_t *in = req_json_body(r, &jerr);

	if (!in)
		reply_json(r, 400, jerr_fin(2, "Invalid value passed for JSONString"));
	return in;
}

/* The body in the store's shape (Billing's invoices are turned), or NULL after answering. */
static json_t *tx_body_of(struct req *r, struct fres *fr, int creating)
{
	json_t *in = body_of(r), *out, *err;

	if (!in || !billing(fr))
		return in;
	out = billing_invoice_in(in, creating, &err);
	json_decref(in);
	if (err)
		reply_json(r, 400, err);
	return out;
}

static int bool_arg(struct req *r, const char *name, int *out)
{
	const char *v = req_arg(r, name);
	char msg[128];

	*out = str_eq(v, "true");
	if (!v || str_eq(v, "true") || str_eq(v, "false"))
		return 0;
	snprintf(msg, sizeof(msg), "Invalid value passed for %s", name);
	reply_json(r, 400, jerr_fin(2, msg));
	return -1;
}

static int parse_opts(struct req *r, struct tx_opts *o)
{
	return bool_arg(r, "ignore_auto_number_generation", &o->ignore_auto_number) || bool_arg(r, "send", &o->send);
}

/* ---- writes -------------------------------------------------------------------- */

/* Every write runs in one transaction: a refused one leaves nothing behind. */
static void finish(struct req *r, json_t *err, int status)
{
	if (err) {
		store_rollback(r->sb->st);
		reply_json(r, status, err);
	} else {
		store_commit(r->sb->st);
	}
}

static void create(struct req *r, struct fres *fr)
{
	struct tx_opts o = { 0, 0 };
	json_t *in, *rec = NULL, *err;
	int status = 400;

	if (parse_opts(r, &o) || !(in = tx_body_of(r, fr, 1)))
		return;
	store_begin(r->sb->st);
	if (fr->kind == FIN_PAYMENTS) {
		err = pay_create(fr, in, &rec, &status);
	} else {
		rec = json_pack("{s:s}", fr->id_key, ""); /* the id comes first */
		if (!(err = tx_apply(fr, in, rec, 1, &o, &status))) {
			if (o.send)
				json_object_set_new(rec, "status", json_string("sent"));
			tx_finalize(fr, rec, FIN_CREATE);
			tx_put(fr, rec);
		}
	}
	if (!err)
		answer(r, fr, 201, msg_created(fr), rec);
	finish(r, err, status);
	json_decref(rec);
	json_decref(in);
}

static void update(struct req *r, struct fres *fr, const char *id)
{
	struct tx_opts o = { 0, 0 };
	json_t *rec, *in = NULL, *err = NULL;
	int status = 400;

	if (!(rec = tx_get(fr, id))) {
		not_found(r, fr);
		return;
	}
	if (parse_opts(r, &o) || !(in = tx_body_of(r, fr, 0)))
		goto out;
	store_begin(r->sb->st);
	if (!(err = tx_apply(fr, in, rec, 0, &o, &status))) {
		tx_finalize(fr, rec, FIN_UPDATE);
		tx_put(fr, rec);
		answer(r, fr, 200,
		       fr->kind == FIN_INVOICES      ? "Invoice information has been "
						       "updated."
		       : fr->kind == FIN_SALESORDERS ? "Sales Order has been updated."
		       : fr->kind == FIN_PURCHASEORDERS
			       ? "Purchase Order has been updated."
			       : "Estimate has been updated.",
		       rec);
	}
	finish(r, err, status);
out:
	json_decref(in);
	json_decref(rec);
}

static void delete_one(struct req *r, struct fres *fr, const char *id)
{
	json_t *rec = tx_get(fr, id), *err = NULL;

	if (!rec) {
		not_found(r, fr);
		return;
	}
	store_begin(r->sb->st);
	if (fr->kind == FIN_PAYMENTS)
		err = pay_delete(fr, id);
	else if (!(err = tx_delete_check(fr, rec)))
		tx_delete(fr, id);
	if (!err)
		answer_plain(r, msg_deleted(fr));
	finish(r, err, 400);
	json_decref(rec);
}

static void set_status(struct req *r, struct fres *fr, const char *id, const char *to)
{
	json_t *rec = tx_get(fr, id), *err;
	const char *message = NULL;

	if (!rec) {
		not_found(r, fr);
		return;
	}
	store_begin(r->sb->st);
	if (!(err = tx_set_status(fr, rec, to, &message))) {
		tx_finalize(fr, rec, FIN_UPDATE);
		tx_put(fr, rec);
		answer_plain(r, message);
	}
	finish(r, err, 400);
	json_decref(rec);
}

static void get_one(struct req *r, struct fres *fr, const char *id)
{
	json_t *rec = tx_get(fr, id);

	if (!rec) {
		not_found(r, fr);
		return;
	}
	answer(r, fr, 200, "success", rec);
	json_decref(rec);
}

/* ---- lists ---------------------------------------------------------------------- */

struct tl {
	struct req *r;
	struct fres *fr;
	struct sqlq q;
	json_t *args;
	long page, per_page;
	const char *sort_column;
	const char *order_sql;
	int desc;
	const char *filter_by;
	char today[11];
	char err[200];
};

/* Which stored statuses a filter_by or status value means (as of today). */
struct status_filter {
	enum fin_kind kind;
	const char *param; /* filter_by | status */
	const char *value;
	const char *const statuses[4]; /* none: every record */
};

static const struct status_filter status_filters[] = {
	{ FIN_INVOICES, "filter_by", "Status.All", { NULL } },
	{ FIN_INVOICES, "filter_by", "Status.Draft", { "draft", NULL } },
	{ FIN_INVOICES, "filter_by", "Status.Sent", { "sent", NULL } },
	{ FIN_INVOICES, "filter_by", "Status.OverDue", { "overdue", NULL } },
	{ FIN_INVOICES, "filter_by", "Status.Paid", { "paid", NULL } },
	{ FIN_INVOICES, "filter_by", "Status.Void", { "void", NULL } },
	{ FIN_INVOICES, "filter_by", "Status.Unpaid", { "sent", "overdue", "partially_paid", NULL } },
	{ FIN_INVOICES, "filter_by", "Status.PartiallyPaid", { "partially_paid", NULL } },
	{ FIN_INVOICES, "status", "draft", { "draft", NULL } },
	{ FIN_INVOICES, "status", "sent", { "sent", NULL } },
	{ FIN_INVOICES, "status", "overdue", { "overdue", NULL } },
	{ FIN_INVOICES, "status", "paid", { "paid", NULL } },
	{ FIN_INVOICES, "status", "void", { "void", NULL } },
	{ FIN_INVOICES, "status", "unpaid", { "sent", "overdue", "partially_paid", NULL } },
	{ FIN_INVOICES, "status", "partially_paid", { "partially_paid", NULL } },
	{ FIN_INVOICES, "status", "viewed", { "viewed", NULL } },
	{ FIN_ESTIMATES, "filter_by", "Status.All", { NULL } },
	{ FIN_ESTIMATES, "filter_by", "Status.Draft", { "draft", NULL } },
	{ FIN_ESTIMATES, "filter_by", "Status.Sent", { "sent", NULL } },
	{ FIN_ESTIMATES, "filter_by", "Status.Invoiced", { "invoiced", NULL } },
	{ FIN_ESTIMATES, "filter_by", "Status.Accepted", { "accepted", NULL } },
	{ FIN_ESTIMATES, "filter_by", "Status.Declined", { "declined", NULL } },
	{ FIN_ESTIMATES, "filter_by", "Status.Expired", { "expired", NULL } },
	{ FIN_ESTIMATES, "status", "draft", { "draft", NULL } },
	{ FIN_ESTIMATES, "status", "sent", { "sent", NULL } },
	{ FIN_ESTIMATES, "status", "invoiced", { "invoiced", NULL } },
	{ FIN_ESTIMATES, "status", "accepted", { "accepted", NULL } },
	{ FIN_ESTIMATES, "status", "declined", { "declined", NULL } },
	{ FIN_ESTIMATES, "status", "expired", { "expired", NULL } },
	{ FIN_PAYMENTS, "filter_by", "PaymentMode.All", { NULL } },
	{ FIN_SALESORDERS, "filter_by", "Status.All", { NULL } },
	{ FIN_SALESORDERS, "filter_by", "Status.Draft", { "draft", NULL } },
	{ FIN_SALESORDERS, "filter_by", "Status.Open", { "open", NULL } },
	{ FIN_SALESORDERS, "filter_by", "Status.Confirmed", { "confirmed", NULL } },
	{ FIN_SALESORDERS, "filter_by", "Status.Void", { "void", NULL } },
};

/* The status as of today, in SQL; binds today. */
static const char *status_sql(enum fin_kind kind)
{
	return kind == FIN_INVOICES
		       ? "(CASE WHEN status IN ('sent', 'partially_paid') AND due <> '' AND due < ?"
			 " THEN 'overdue' ELSE status END)"
		       : "(CASE WHEN status = 'sent' AND due <> '' AND due < ? THEN 'expired'"
			 " ELSE status END)";
}

static int tl_fail(struct tl *l, const char *param)
{
	snprintf(l->err, sizeof(l->err), "Invalid value passed for %s", param);
	return -1;
}

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	if (key && !json_object_get(cls, key))
		json_object_set_new(cls, key, json_string(value ? value : ""));
	return MHD_YES;
}

/* The parameters a test told the lists to ignore (POST /__control/transaction_filters). */
static void drop_ignored(struct sandbox *sb, json_t *args)
{
	json_t *v;
	size_t i;

	json_array_foreach(sb->tx_ignored, i, v)
		json_object_del(args, json_string_value(v));
}

static int status_filter(struct tl *l, const char *param)
{
	const char *v = jstr(l->args, param);
	const struct status_filter *f = NULL;
	const char *const *s;
	size_t i;

	if (!v)
		return 0;
	for (i = 0; i < sizeof(status_filters) / sizeof(status_filters[0]); i++)
		if (status_filters[i].kind == l->fr->kind && str_eq(status_filters[i].param, param) &&
		    str_eq(status_filters[i].value, v))
			f = &status_filters[i];
	if (!f)
		return tl_fail(l, param);
	if (str_eq(param, "filter_by"))
		l->filter_by = f->value;
	if (!f->statuses[0])
		return 0;
	q_add(&l->q, " AND ", NULL);
	q_add(&l->q, status_sql(l->fr->kind), json_string(l->today));
	q_add(&l->q, " IN (", NULL);
	for (s = f->statuses; *s; s++)
		q_add(&l->q, s == f->statuses ? "?" : ", ?", json_string(*s));
	q_add(&l->q, ")", NULL);
	return 0;
}

static int date_filters(struct tl *l)
{
	static const char *const params[] = {
		"date", " AND tdate = ?", "date_start", " AND tdate >= ?", "date_end", " AND tdate <= ?", NULL
	};
	const char *since = jstr(l->args, "last_modified_time"), *v;
	int64_t t;
	size_t i;

	for (i = 0; params[i]; i += 2) {
		if (!(v = jstr(l->args, params[i])))
			continue;
		if (!valid_date(v))
			return tl_fail(l, params[i]);
		q_add(&l->q, params[i + 1], json_string(v));
	}
	if (since) {
		if (parse_iso_time(since, 1, &t))
			return tl_fail(l, "last_modified_time");
		q_add(&l->q, " AND mtime >= ?", json_integer(t));
	}
	return 0;
}

/* cf_<api_name>=value: a custom field of the resource, compared after case folding. */
static int cf_filters(struct tl *l)
{
	const char *key;
	json_t *v;
	char *norm;

	json_object_foreach(l->args, key, v) {
		if (strncmp(key, "cf_", 3) != 0)
			continue;
		if (!fin_cf_def(l->fr, key))
			return tl_fail(l, key);
		norm = norm_name(json_string_value(v));
		q_add(&l->q, " AND sb_match(json_extract(body, ?), 'eq', ?)",
		      json_sprintf("$.custom_field_hash.%s", key));
		json_array_append_new(l->q.binds, json_string(norm));
		free(norm);
	}
	return 0;
}

static int record_filters(struct tl *l)
{
	const char *v;
	char *norm;

	/* The party's column: a purchase order's list filters by vendor_id (purchase-order.yml). */
	if ((v = jstr(l->args, l->fr->kind == FIN_PURCHASEORDERS ? "vendor_id" : "customer_id")))
		q_add(&l->q, " AND customer_id = ?", json_string(v));
	/* Books documents zcrm_potential_id as an invoice and estimate filter;
	 * Inventory's GET /invoices does not (its OpenAPI invoices.yml), so
	 * there it is ignored like any unknown parameter. */
	if ((v = jstr(l->args, "zcrm_potential_id")) && l->fr->kind != FIN_PAYMENTS && l->fr->app->deal_filter)
		q_add(&l->q, " AND deal_id = ?", json_string(v));
	if ((v = jstr(l->args, l->fr->name_key))) {
		norm = norm_name(v);
		q_add(&l->q, " AND number_key = ?", json_string(norm));
		free(norm);
	}
	/* Billing documents no reference_number filter on its invoice list: ignored. */
	if ((v = jstr(l->args, "reference_number")) && !l->fr->app->billing_invoices)
		q_add(&l->q, " AND json_extract(body, '$.reference_number') = ?", json_string(v));
	if ((v = jstr(l->args, "customer_name")))
		q_add(&l->q, " AND sb_match(json_extract(body, '$.customer_name'), 'eq', ?)", json_string(v));
	if ((v = jstr(l->args, "payment_mode")) && l->fr->kind == FIN_PAYMENTS)
		q_add(&l->q, " AND sb_match(json_extract(body, '$.payment_mode'), 'eq', ?)", json_string(v));
	return date_filters(l) || cf_filters(l);
}

struct sort_col {
	unsigned kinds; /* 1 << enum fin_kind */
	const char *name;
	const char *sql;
};

#define K_INV (1u << FIN_INVOICES)
#define K_EST (1u << FIN_ESTIMATES)
#define K_PAY (1u << FIN_PAYMENTS)
#define K_SO (1u << FIN_SALESORDERS)
#define K_PO (1u << FIN_PURCHASEORDERS)

static const struct sort_col sort_cols[] = {
	{ K_INV | K_EST | K_PAY | K_SO | K_PO, "created_time", "ctime" },
	{ K_INV | K_EST | K_PAY | K_SO | K_PO, "last_modified_time", "mtime" },
	{ K_INV | K_EST | K_PAY | K_SO | K_PO, "date", "tdate" },
	{ K_INV | K_EST | K_PAY | K_SO, "customer_name", "json_extract(body, '$.customer_name')" },
	{ K_PO, "vendor_name", "json_extract(body, '$.vendor_name')" },
	{ K_SO, "salesorder_number", "number_key" },
	{ K_PO, "purchaseorder_number", "number_key" },
	{ K_SO | K_PO, "total", "amount" },
	{ K_INV, "due_date", "due" },
	{ K_EST, "expiry_date", "due" },
	{ K_INV, "invoice_number", "number_key" },
	{ K_EST, "estimate_number", "number_key" },
	{ K_PAY, "payment_number", "CAST(number_key AS INTEGER)" },
	{ K_INV | K_EST, "total", "amount" },
	{ K_PAY, "amount", "amount" },
	{ K_INV, "balance", "balance" },
};

static int parse_sort(struct tl *l)
{
	const char *col = jstr(l->args, "sort_column"), *order = jstr(l->args, "sort_order");
	size_t i;

	l->sort_column = col ? col : "created_time";
	for (i = 0; i < sizeof(sort_cols) / sizeof(sort_cols[0]); i++)
		if ((sort_cols[i].kinds & (1u << l->fr->kind)) && str_eq(sort_cols[i].name, l->sort_column))
			l->order_sql = sort_cols[i].sql;
	if (!l->order_sql)
		return tl_fail(l, "sort_column");
	if (order && !str_eq(order, "A") && !str_eq(order, "D"))
		return tl_fail(l, "sort_order");
	l->desc = !str_eq(order, "A"); /* newest first unless asked */
	return 0;
}

static int parse_paging(struct tl *l)
{
	const char *bad;

	return fin_parse_paging(l->args, &l->page, &l->per_page, &bad) ? tl_fail(l, bad) : 0;
}

static const char *const invoice_row[] = {
	"invoice_id",
	"invoice_number",
	"customer_id",
	"customer_name",
	"status",
	"date",
	"due_date",
	"reference_number",
	"salesperson_name",
	"total",
	"balance",
	"currency_code",
	"zcrm_potential_id",
	"invoiced_estimate_id",
	"created_time",
	"last_modified_time",
	NULL
};

static const char *const estimate_row[] = {
	"estimate_id",   "estimate_number",   "customer_id",      "customer_name",      "status",
	"date",          "expiry_date",       "reference_number", "salesperson_name",   "total",
	"currency_code", "zcrm_potential_id", "created_time",     "last_modified_time", NULL
};

static const char *const payment_row[] = {
	"payment_id",   "payment_number",     "customer_id", "customer_name",    "payment_mode",
	"amount",       "unused_amount",      "date",        "reference_number", "description",
	"created_time", "last_modified_time", NULL
};

static const char *const salesorder_row[] = {
	"salesorder_id",
	"salesorder_number",
	"customer_id",
	"customer_name",
	"status",
	"date",
	"shipment_date",
	"reference_number",
	"salesperson_name",
	"total",
	"currency_code",
	"created_time",
	"last_modified_time",
	NULL
};

static const char *const purchaseorder_row[] = {
	"purchaseorder_id",
	"purchaseorder_number",
	"vendor_id",
	"vendor_name",
	"status",
	"date",
	"delivery_date",
	"reference_number",
	"total",
	"currency_code",
	"created_time",
	"last_modified_time",
	NULL
};

static json_t *list_row(struct fres *fr, json_t *rec)
{
	const char *const *keys =
		fr->kind == FIN_INVOICES      ? invoice_row
		: fr->kind == FIN_ESTIMATES   ? estimate_row
		: fr->kind == FIN_SALESORDERS ? salesorder_row
		: fr->kind == FIN_PURCHASEORDERS
			? purchaseorder_row
			: payment_row;
	json_t *row = json_object(), *v, *e;
	struct buf numbers = BUF_INIT;
	const char *key;
	size_t i;

	tx_present(fr, rec);
	for (; *keys; keys++)
		if ((v = json_object_get(rec, *keys)))
			json_object_set(row, *keys, v);
	if (fr->kind == FIN_PAYMENTS) {
		buf_adds(&numbers, "");
		json_array_foreach(json_object_get(rec, "invoices"), i, e)
			buf_addf(&numbers, "%s%s", i ? "," : "", jstr(e, "invoice_number"));
		json_object_set_new(row, "invoice_numbers", json_string(numbers.data));
		buf_release(&numbers);
	}
	json_object_foreach(json_object_get(rec, "custom_field_hash"), key, v)
		json_object_set(row, key, v);
	return row;
}

static void run(struct tl *l)
{
	const char *dir = l->desc ? "DESC" : "ASC";
	const char *report =
		l->fr->kind == FIN_INVOICES    ? "Invoices"
		: l->fr->kind == FIN_ESTIMATES ? "Estimates"
		: l->fr->kind == FIN_SALESORDERS
			? "Sales Orders"
			: "Customer Payments";
	json_t *rows = json_array(), *rec;
	sqlite3_stmt *s;
	char *sql;
	size_t n = 0;

	sql = xasprintf(" ORDER BY %s %s, idkey %s LIMIT ? OFFSET ?", l->order_sql, dir, dir);
	q_add(&l->q, sql, json_integer(l->per_page + 1));
	json_array_append_new(l->q.binds, json_integer((l->page - 1) * l->per_page));
	free(sql);
	s = q_prepare(l->r->sb, &l->q);
	while (sqlite3_step(s) == SQLITE_ROW && ++n <= (size_t)l->per_page) {
		rec = store_load_json(s, 0);
		json_array_append_new(rows, list_row(l->fr, rec));
		json_decref(rec);
	}
	sqlite3_reset(s);
	fin_reply_page(l->r, l->fr, rows,
		       &(struct fin_page){ l->page, l->per_page, n > (size_t)l->per_page, report, l->filter_by,
					   l->sort_column, l->desc });
}

static void list(struct req *r, struct fres *fr)
{
	struct tl l;

	memset(&l, 0, sizeof(l));
	l.r = r;
	l.fr = fr;
	l.filter_by = fr->kind == FIN_PAYMENTS ? "PaymentMode.All" : "Status.All";
	tx_today(r->sb, l.today);
	l.args = json_object();
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, collect_arg, l.args);
	drop_ignored(r->sb, l.args);
	q_init(&l.q, "SELECT body FROM fin_tx WHERE app = ? AND kind = ?");
	json_array_append_new(l.q.binds, json_string(fin_app_name(fr->app)));
	json_array_append_new(l.q.binds, json_integer(fr->kind));
	if (parse_paging(&l) || parse_sort(&l) || status_filter(&l, "filter_by") ||
	    (fr->kind != FIN_PAYMENTS && status_filter(&l, "status")) || record_filters(&l))
		reply_json(r, 400, jerr_fin(2, l.err));
	else
		run(&l);
	q_release(&l.q);
	json_decref(l.args);
}

/* ---- routing ---------------------------------------------------------------------- */

static void method_not_allowed(struct req *r, const char *allow)
{
	char msg[128];

	snprintf(msg, sizeof(msg),
		 "The HTTP method %s is not allowed for the requested "
		 "resource",
		 r->method);
	reply_header(r, "Allow", allow);
	reply_json(r, 405, jerr_fin(37, msg));
}

void tx_handle(struct req *r, struct fres *fr, char **seg, int n)
{
	const char *m = r->method;
	int pay = fr->kind == FIN_PAYMENTS;

	if (n == 1 && !strcmp(m, "GET"))
		list(r, fr);
	else if (n == 1 && !strcmp(m, "POST"))
		create(r, fr);
	else if (n == 1)
		method_not_allowed(r, "GET, POST");
	else if (n == 2 && !strcmp(m, "GET"))
		get_one(r, fr, seg[1]);
	else if (n == 2 && !strcmp(m, "PUT") && !pay)
		update(r, fr, seg[1]);
	else if (n == 2 && !strcmp(m, "DELETE"))
		delete_one(r, fr, seg[1]);
	else if (n == 2)
		method_not_allowed(r, pay ? "GET, DELETE" : "GET, PUT, DELETE");
	else if (n == 3 && !strcmp(m, "POST") && billing(fr))
		set_status(r, fr, seg[1], billing_invoice_action(seg[2]));
	else if (!strcmp(m, "POST"))
		set_status(r, fr, seg[1], seg[3]);
	else
		method_not_allowed(r, "POST");
}
