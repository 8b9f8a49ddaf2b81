/*
 * finance_tx.c - invoices (Books, Inventory) and estimates (Books): the
 * store (table fin_tx), the checks a create or update body goes through,
 * line items and totals, numbering, the status actions, and the status as
 * of the sandbox clock (overdue, expired).
 *
 * Amounts are computed in cents (tx_cents) and answered as JSON numbers.  A
 * total is the sum of rate × quantity less the line's discount (an amount;
 * Books' line_items.discount) over the line items: the keys that would
 * change it otherwise (taxes, shipping, adjustment) are refused.
 * An invoice's balance is its total less the payments applied to it (table
 * fin_applied, finance_pay.c); its own status follows from that balance.
 */
#include "finance.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct keyspec line_keys[] = {
	{ "line_item_id", K_STR }, { "item_id", K_STR },  { "name", K_STR }, { "description", K_STR },
	{ "rate", K_NUM },         { "quantity", K_NUM }, { "unit", K_STR }, { "item_order", K_INT },
	{ "product_type", K_STR }, { "discount", K_NUM }, { NULL, K_ANY }
};

/* ---- money, dates, messages ------------------------------------------- */

int64_t tx_cents(double v)
{
	double c = v * 100.0;

	return (int64_t)(c < 0 ? c - 0.5 : c + 0.5);
}

json_t *tx_money(int64_t cents)
{
	return json_real((double)cents / 100.0);
}

static int64_t cents_of(const json_t *rec, const char *key)
{
	return tx_cents(json_number_value(json_object_get(rec, key)));
}

void tx_today(struct sandbox *sb, char out[11])
{
	fmt_date(sb_now(sb), out);
}

static const char *what(const struct fres *fr)
{
	return fr->kind == FIN_INVOICES      ? "invoice"
	       : fr->kind == FIN_ESTIMATES   ? "estimate"
	       : fr->kind == FIN_SALESORDERS ? "sales order"
	       : fr->kind == FIN_PURCHASEORDERS
		       ? "purchase order"
		       : "payment";
}

/* The party a transaction is of: a purchase order's vendor, else the customer. */
static const char *party_key(const struct fres *fr)
{
	return fr->kind == FIN_PURCHASEORDERS ? "vendor_id" : "customer_id";
}

static json_t *tx_error(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static json_t *tx_error(int code, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return jerr_fin(code, msg);
}

/* ---- store --------------------------------------------------------------- */

json_t *tx_get(struct fres *fr, const char *id)
{
	return fin_body_by_id(fr, "SELECT body FROM fin_tx WHERE app = ?1 AND kind = ?2 AND id = ?3", id);
}

static void bind_or_null(sqlite3_stmt *s, int col, const char *v)
{
	if (str_empty(v))
		sqlite3_bind_null(s, col);
	else
		sqlite3_bind_text(s, col, v, -1, SQLITE_STATIC);
}

void tx_put(struct fres *fr, json_t *rec)
{
	const char *number = jstr(rec, fr->name_key);
	const char *due = jstr(rec, fr->kind == FIN_INVOICES ? "due_date" : "expiry_date");
	int pay = fr->kind == FIN_PAYMENTS;
	char *nkey = str_empty(number) ? NULL : norm_name(number);
	sqlite3_stmt *s =
		store_stmt(fr->sb->st,
			   "INSERT OR REPLACE INTO fin_tx(app, kind, id,"
			   " idkey, number_key, customer_id, deal_id, status, due, tdate, amount, balance,"
			   " ctime, mtime, body) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
			   " ?13, ?14, ?15)");

	bind_or_null(s, 5, nkey);
	bind_or_null(s, 6, jstr(rec, party_key(fr)));
	bind_or_null(s, 7, jstr(rec, "zcrm_potential_id"));
	bind_or_null(s, 8, jstr(rec, "status"));
	sqlite3_bind_text(s, 9, due ? due : "", -1, SQLITE_STATIC);
	bind_or_null(s, 10, jstr(rec, "date"));
	sqlite3_bind_int64(s, 11, cents_of(rec, pay ? "amount" : "total"));
	sqlite3_bind_int64(s, 12, cents_of(rec, pay ? "unused_amount" : "balance"));
	fin_row_put(fr, s, 13, rec);
	free(nkey);
}

void tx_delete(struct fres *fr, const char *id)
{
	fin_delete_from(fr, "DELETE FROM fin_tx WHERE app = ?1 AND kind = ?2 AND id = ?3", id);
}

static int number_taken(struct fres *fr, const char *number, const char *except_id)
{
	sqlite3_stmt *s = store_stmt(fr->sb->st, "SELECT 1 FROM fin_tx WHERE app = ?1 AND"
						 " kind = ?2 AND number_key = ?3 AND id <> ?4");
	char *key = norm_name(number);
	int taken;

	sqlite3_bind_text(s, 1, fr->app->name, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, fr->kind);
	sqlite3_bind_text(s, 3, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, except_id ? except_id : "", -1, SQLITE_STATIC);
	taken = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_reset(s);
	free(key);
	return taken;
}

/* INV-000001, EST-000001, payments 1, 2, …; skips numbers given by hand. */
char *tx_next_number(struct fres *fr)
{
	char name[64], *number;

	snprintf(name, sizeof(name), "number:%s:%s", fr->app->name, fr->many_key);
	for (;;) {
		long n = store_next_seq(fr->sb->st, name);

		number = fr->kind == FIN_PAYMENTS
				 ? xasprintf("%ld", n)
				 : xasprintf("%s-%06ld",
					     fr->kind == FIN_INVOICES         ? "INV"
					     : fr->kind == FIN_SALESORDERS    ? "SO"
					     : fr->kind == FIN_PURCHASEORDERS ? "PO"
									      : "EST",
					     n);
		if (!number_taken(fr, number, NULL))
			return number;
		free(number);
	}
}

static int64_t applied_cents(struct sandbox *sb, const struct fin_app *app, const char *id)
{
	sqlite3_stmt *s = store_stmt(sb->st, "SELECT COALESCE(SUM(cents), 0) FROM fin_applied"
					     " WHERE app = ?1 AND invoice_id = ?2");
	int64_t n;

	sqlite3_bind_text(s, 1, app->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, id ? id : "", -1, SQLITE_STATIC);
	n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_reset(s);
	return n;
}

/* ---- status ------------------------------------------------------------- */

const char *tx_status(struct fres *fr, const json_t *rec)
{
	const char *st = jstr(rec, "status");
	const char *due = jstr(rec, fr->kind == FIN_INVOICES ? "due_date" : "expiry_date");
	char today[11];

	if (fr->kind == FIN_PAYMENTS || str_empty(due))
		return st;
	tx_today(fr->sb, today);
	if (strcmp(due, today) >= 0)
		return st;
	if (fr->kind == FIN_INVOICES && (str_eq(st, "sent") || str_eq(st, "partially_paid")))
		return "overdue";
	if (fr->kind == FIN_ESTIMATES && str_eq(st, "sent"))
		return "expired";
	return st;
}

void tx_present(struct fres *fr, json_t *rec)
{
	const char *st = tx_status(fr, rec);

	if (st && !str_eq(st, jstr(rec, "status")))
		json_object_set_new(rec, "status", json_string(st));
	if (fr->kind == FIN_INVOICES)
		json_object_set_new(rec, "current_sub_status", json_string(st ? st : ""));
}

/* The contact id names: a customer, or with vendor a vendor; NULL when it is not that. */
static json_t *tx_party(struct sandbox *sb, const struct fin_app *app, const char *id, int vendor)
{
	struct fres cf;
	json_t *c;

	fres_init(&cf, sb, app, FIN_CONTACTS);
	if (str_empty(id) || !(c = fin_get(&cf, id)))
		return NULL;
	if (str_eq(jstr(c, "contact_type"), "vendor") != vendor) {
		json_decref(c);
		return NULL;
	}
	return c;
}

json_t *tx_customer(struct sandbox *sb, const struct fin_app *app, const char *id)
{
	return tx_party(sb, app, id, 0);
}

/* ---- line items ----------------------------------------------------------- */

static const json_t *find_line(const json_t *lines, const char *id)
{
	const json_t *l;
	size_t i;

	json_array_foreach(lines, i, l)
		if (str_eq(jstr(l, "line_item_id"), id))
			return l;
	return NULL;
}

/* Name, description, rate and unit from the item, where the line lacks them. */
static json_t *fill_from_item(struct fres *fr, json_t *line, const char *item_id)
{
	struct fres items;
	json_t *item;
	static const char *const keys[] = { "name", "description", "rate", "unit", "product_type", NULL };
	const char *const *k;

	fres_init(&items, fr->sb, fr->app, FIN_ITEMS);
	if (!(item = fin_get(&items, item_id)))
		return fin_bad_value("line_items.item_id");
	if (str_eq(jstr(item, "status"), "inactive")) {
		json_t *err = tx_error(2007, "The item \"%s\" is inactive.", jstr(item, "name"));

		json_decref(item);
		return err;
	}
	for (k = keys; *k; k++)
		if (!json_object_get(line, *k) && json_object_get(item, *k))
			json_object_set(line, *k, json_object_get(item, *k));
	json_decref(item);
	return NULL;
}

/* Books' create-an-invoice-request and update-an-invoice-request mark a
 * line's item_id required (line_items.items.required); Books estimates and
 * Inventory invoices do not. */
static int needs_item(const struct fres *fr)
{
	return fr->kind == FIN_INVOICES && fr->app->invoice_lines_need_item;
}

static json_t *check_line(struct fres *fr, json_t *line)
{
	const char *item_id = jstr(line, "item_id");
	const json_t *rate, *qty;
	json_t *err;

	if (str_empty(item_id) && needs_item(fr))
		return fin_bad_value("line_items.item_id");
	if (!str_empty(item_id) && (err = fill_from_item(fr, line, item_id)))
		return err;
	if (str_empty(jstr(line, "name")))
		return fin_bad_value("line_items.name");
	rate = json_object_get(line, "rate");
	if (!json_is_number(rate) || json_number_value(rate) < 0)
		return fin_bad_value("line_items.rate");
	if (!(qty = json_object_get(line, "quantity")))
		json_object_set_new(line, "quantity", json_real(1));
	else if (!json_is_number(qty) || json_number_value(qty) <= 0)
		return fin_bad_value("line_items.quantity");
	if (json_number_value(json_object_get(line, "discount")) < 0 ||
	    json_number_value(json_object_get(line, "discount")) >
		    json_number_value(rate) * json_number_value(json_object_get(line, "quantity")))
		return fin_bad_value("line_items.discount");
	return NULL;
}

/* One line of the body: merged into the existing line it names, checked. */
static json_t *line_item(struct fres *fr, const json_t *in, const json_t *old, json_t **out)
{
	const char *lid, *key;
	json_t *line, *err, *v;
	char *id;

	*out = NULL;
	if (!json_is_object(in))
		return fin_bad_value("line_items");
	if ((err = fin_check_keys(line_keys, in)))
		return err;
	lid = jstr(in, "line_item_id");
	if (lid && !find_line(old, lid))
		return fin_bad_value("line_items.line_item_id");
	if (lid) {
		line = json_deep_copy(find_line(old, lid));
	} else {
		line = json_object();
		id = store_new_fin_id(fr->sb->st);
		json_object_set_new(line, "line_item_id", json_string(id));
		free(id);
	}
	json_object_foreach((json_t *)in, key, v) {
		if (json_is_null(v))
			json_object_del(line, key);
		else
			json_object_set(line, key, v);
	}
	if ((err = check_line(fr, line))) {
		json_decref(line);
		return err;
	}
	*out = line;
	return NULL;
}

/* Sending line_items replaces the set, like contact_persons. */
static json_t *apply_lines(struct fres *fr, const json_t *in, json_t *rec)
{
	const json_t *old = json_object_get(rec, "line_items");
	json_t *list = json_array(), *line, *err = NULL, *e;
	size_t i;

	if (!json_array_size(in))
		err = fin_bad_value("line_items");
	json_array_foreach(in, i, e) {
		if (err || (err = line_item(fr, e, old, &line)))
			break;
		json_array_append_new(list, line);
	}
	if (err)
		json_decref(list);
	else
		json_object_set_new(rec, "line_items", list);
	return err;
}

/* ---- checks ---------------------------------------------------------------- */

static json_t *check_editable(struct fres *fr, const json_t *rec)
{
	const char *st = tx_status(fr, rec);

	if (str_eq(jstr(rec, "status"), "draft"))
		return NULL;
	return tx_error(CODE_TX_LOCKED, "The %s %s is %s: only a draft %s can be edited.", what(fr),
			jstr(rec, fr->name_key), st, what(fr));
}

/* customer_id names an active customer of this app (a purchase order's
 * vendor_id a vendor); a new customer brings its name, addresses, currency
 * and payment terms. */
static json_t *apply_customer(struct fres *fr, json_t *rec, const char *old_customer)
{
	int po = fr->kind == FIN_PURCHASEORDERS;
	const char *id = jstr(rec, party_key(fr));
	static const char *const copied[] = {
		"billing_address", "shipping_address", "currency_id", "currency_code", NULL
	};
	const char *const *k;
	json_t *c = tx_party(fr->sb, fr->app, id, po);

	if (!c || str_eq(jstr(c, "status"), "inactive")) {
		json_decref(c);
		return fin_bad_value(party_key(fr));
	}
	json_object_set(rec, po ? "vendor_name" : "customer_name", json_object_get(c, fr->app->contact_name_key));
	if (!str_eq(id, old_customer)) {
		for (k = copied; *k; k++)
			if (json_object_get(c, *k))
				json_object_set(rec, *k, json_object_get(c, *k));
		if (fr->kind == FIN_INVOICES && !json_object_get(rec, "payment_terms"))
			json_object_set(rec, "payment_terms", json_object_get(c, "payment_terms"));
	}
	json_decref(c);
	return NULL;
}

/* date defaults to today; due_date to date + payment_terms; expiry_date is
 * optional; neither may come before date. */
static json_t *apply_dates(struct fres *fr, json_t *rec)
{
	const char *dkey =
		fr->kind == FIN_INVOICES      ? "due_date"
		: fr->kind == FIN_SALESORDERS ? "shipment_date"
		: fr->kind == FIN_PURCHASEORDERS
			? "delivery_date"
			: "expiry_date";
	const char *date, *due;
	char today[11], buf[11];

	if (!json_object_get(rec, "date")) {
		tx_today(fr->sb, today);
		json_object_set_new(rec, "date", json_string(today));
	}
	date = jstr(rec, "date");
	if (!valid_date(date))
		return fin_bad_value("date");
	if (fr->kind == FIN_INVOICES && !json_object_get(rec, "due_date")) {
		date_add_days(date, (long)json_integer_value(json_object_get(rec, "payment_terms")), buf);
		json_object_set_new(rec, "due_date", json_string(buf));
	}
	due = jstr(rec, dkey);
	if (json_object_get(rec, dkey) && !(str_empty(due) && fr->kind != FIN_INVOICES) &&
	    (!valid_date(due) || strcmp(due, date) < 0))
		return fin_bad_value(dkey);
	return NULL;
}

static json_t *check_number(struct fres *fr, const json_t *in, json_t *rec, int creating, const struct tx_opts *o)
{
	const json_t *given = json_object_get(in, fr->name_key);
	const char *number = jstr(rec, fr->name_key);

	if ((given && !o->ignore_auto_number) || (creating && o->ignore_auto_number && str_empty(number)))
		return fin_bad_value(fr->name_key);
	/* Inventory's spec marks salesorder_number required on create: refused
	 * without one unless the lenient reading numbers it (docs/sandbox.md). */
	if (creating && !given && fr->kind == FIN_SALESORDERS && fr->app->salesorder_number_required &&
	    !fr->sb->salesorder_auto_number)
		return fin_bad_value(fr->name_key);
	if (given && str_empty(number))
		return fin_bad_value(fr->name_key);
	if (given && number_taken(fr, number, jstr(rec, fr->id_key)))
		return tx_error(1001, "%s Number already exist",
				fr->kind == FIN_INVOICES         ? "Invoice"
				: fr->kind == FIN_SALESORDERS    ? "Sales Order"
				: fr->kind == FIN_PURCHASEORDERS ? "Purchase Order"
								 : "Estimate");
	return NULL;
}

/* invoiced_estimate_id: an accepted estimate of the same customer. */
static json_t *check_estimate_link(struct fres *fr, const json_t *rec)
{
	const char *eid = jstr(rec, "invoiced_estimate_id");
	struct fres ef;
	json_t *est, *err = NULL;

	if (str_empty(eid))
		return NULL;
	fres_init(&ef, fr->sb, fr->app, FIN_ESTIMATES);
	est = tx_get(&ef, eid);
	if (!est || !str_eq(jstr(est, "customer_id"), jstr(rec, "customer_id")))
		err = fin_bad_value("invoiced_estimate_id");
	else if (str_eq(jstr(est, "status"), "invoiced"))
		err = tx_error(CODE_TX_CONVERT, "The estimate %s has already been invoiced.",
			       jstr(est, "estimate_number"));
	else if (!str_eq(tx_status(&ef, est), "accepted"))
		err = tx_error(CODE_TX_CONVERT,
			       "The estimate %s is %s: only an accepted "
			       "estimate can be converted to an invoice.",
			       jstr(est, "estimate_number"), tx_status(&ef, est));
	json_decref(est);
	return err;
}

static json_t *check_header(const json_t *rec)
{
	const char *sp = jstr(rec, "salesperson_name");

	if (sp && strlen(sp) > 200)
		return fin_bad_value("salesperson_name");
	return NULL;
}

/* The body's keys onto rec: null removes, custom fields merge, line items
 * wait for apply_lines(). */
static json_t *apply_keys(struct fres *fr, const json_t *in, json_t *rec, int creating)
{
	const char *key;
	json_t *v, *err = NULL;

	json_object_foreach((json_t *)in, key, v) {
		/* zcrm_potential_id is no field of create-an-invoice-request or
		 * create-an-estimate-request (Books, Inventory): Zoho's own CRM
		 * integration fills it.  Sent, it is ignored: never stored. */
		if (str_eq(key, "line_items") || str_eq(key, "zcrm_potential_id"))
			continue;
		if (str_eq(key, "invoiced_estimate_id") && !creating)
			err = fin_bad_value(key);
		else if (str_eq(key, "custom_fields") && json_is_array(v))
			err = fin_apply_cf(fr, v, rec);
		else if (json_is_null(v))
			json_object_del(rec, key);
		else
			json_object_set(rec, key, v);
		if (err)
			return err;
	}
	return NULL;
}

/* An update body carries what the spec's update request requires:
 * update-an-invoice-request [customer_id, line_items] (Books and Inventory),
 * update-an-estimate-request customer_id (Books). */
static json_t *check_update_required(const struct fres *fr, const json_t *in)
{
	if (str_empty(jstr(in, party_key(fr))))
		return fin_bad_value(party_key(fr));
	if (fr->kind == FIN_INVOICES && !json_is_array(json_object_get(in, "line_items")))
		return fin_bad_value("line_items");
	return NULL;
}

json_t *tx_apply(struct fres *fr, const json_t *in, json_t *rec, int creating, const struct tx_opts *o, int *status)
{
	const json_t *lines;
	char *old_customer;
	json_t *err;

	*status = 400;
	if (!json_is_object(in))
		return fin_bad_value("JSONString");
	if ((err = fin_rejected(fr, in, status)) || (err = fin_check_keys(fr->keys, in)) ||
	    (!creating && (err = check_editable(fr, rec))) || (!creating && (err = check_update_required(fr, in))))
		return err;
	old_customer = xstrdup(creating || !jstr(rec, party_key(fr)) ? "" : jstr(rec, party_key(fr)));
	lines = json_object_get(in, "line_items");
	if ((err = apply_keys(fr, in, rec, creating)) || (err = apply_customer(fr, rec, old_customer)) ||
	    (json_is_array(lines) && (err = apply_lines(fr, lines, rec))) ||
	    (!json_object_get(rec, "line_items") && (err = fin_bad_value("line_items"))) ||
	    (err = check_number(fr, in, rec, creating, o)) || (err = apply_dates(fr, rec)) ||
	    (err = check_header(rec)) || (fr->kind == FIN_INVOICES && (err = check_estimate_link(fr, rec))))
		goto out;
	err = fin_check_unique_cfs(fr, rec);
out:
	free(old_customer);
	return err;
}

/* ---- the stored / returned object ----------------------------------------- */

static int64_t line_totals(json_t *rec)
{
	json_t *line;
	int64_t sum = 0, t;
	size_t i;

	json_array_foreach(json_object_get(rec, "line_items"), i, line) {
		t = tx_cents(json_number_value(json_object_get(line, "rate")) *
			     json_number_value(json_object_get(line, "quantity"))) -
		    tx_cents(json_number_value(json_object_get(line, "discount")));
		json_object_set_new(line, "item_total", tx_money(t));
		json_object_set_new(line, "item_order", json_integer((json_int_t)i + 1));
		fin_set_default(line, "item_id", json_string(""));
		fin_set_default(line, "description", json_string(""));
		fin_set_default(line, "unit", json_string(""));
		sum += t;
	}
	return sum;
}

/* Balance and status from the payments applied; draft and void stay. */
static void settle_invoice(struct fres *fr, json_t *rec, int64_t total)
{
	const char *st = jstr(rec, "status");
	int64_t paid = applied_cents(fr->sb, fr->app, jstr(rec, "invoice_id"));
	int64_t balance = str_eq(st, "void") ? 0 : total - paid;

	if (!str_eq(st, "draft") && !str_eq(st, "void"))
		json_object_set_new(rec, "status",
				    json_string(balance <= 0 ? "paid"
						: paid > 0   ? "partially_paid"
							     : "sent"));
	json_object_set_new(rec, "payment_made", tx_money(paid));
	json_object_set_new(rec, "balance", tx_money(balance));
}

/* An invoice made from an estimate marks it invoiced (for good). */
static void mark_invoiced(struct fres *fr, const json_t *invoice)
{
	struct fres ef;
	json_t *est;
	char now[32];

	fres_init(&ef, fr->sb, fr->app, FIN_ESTIMATES);
	if (!(est = tx_get(&ef, jstr(invoice, "invoiced_estimate_id"))))
		return;
	if (!str_eq(jstr(est, "status"), "invoiced")) {
		fmt_fin_time(sb_now(fr->sb), now);
		json_object_set_new(est, "status", json_string("invoiced"));
		json_object_set(est, "invoice_id", json_object_get(invoice, "invoice_id"));
		json_object_set_new(est, "last_modified_time", json_string(now));
		tx_put(&ef, est);
	}
	json_decref(est);
}

static void finalize_defaults(struct fres *fr, json_t *rec)
{
	static const char *const text[] = {
		"reference_number", "salesperson_name", "notes", "terms", "zcrm_potential_id", NULL
	};
	const json_t *org = fr->sb->fin_org;
	const char *const *k;

	for (k = text; *k; k++)
		fin_set_default(rec, *k, json_string(""));
	fin_set_default(rec, "currency_code",
			json_string(jstr(org, "currency_code") ? jstr(org, "currency_code") : ""));
	fin_set_default(rec, "currency_id", json_string(jstr(org, "currency_id") ? jstr(org, "currency_id") : ""));
	fin_set_default(rec, "exchange_rate", json_real(1));
	fin_set_default(rec, "status", json_string("draft"));
	if (fr->kind == FIN_INVOICES) {
		fin_set_default(rec, "invoiced_estimate_id", json_string(""));
		fin_set_default(rec, "payment_terms", json_integer(0));
	} else if (fr->kind == FIN_SALESORDERS) {
		fin_set_default(rec, "shipment_date", json_string(""));
	} else if (fr->kind == FIN_PURCHASEORDERS) {
		fin_set_default(rec, "delivery_date", json_string(""));
	} else {
		fin_set_default(rec, "expiry_date", json_string(""));
	}
}

void tx_finalize(struct fres *fr, json_t *rec, int mode)
{
	char now[32], *v;
	int64_t total;

	fmt_fin_time(sb_now(fr->sb), now);
	if (mode == FIN_CREATE || (mode == FIN_RAW && str_empty(jstr(rec, fr->id_key)))) {
		v = store_new_fin_id(fr->sb->st);
		json_object_set_new(rec, fr->id_key, json_string(v));
		free(v);
	}
	if (mode != FIN_UPDATE && str_empty(jstr(rec, fr->name_key))) {
		v = tx_next_number(fr);
		json_object_set_new(rec, fr->name_key, json_string(v));
		free(v);
	}
	if (mode == FIN_CREATE)
		json_object_set_new(rec, "created_time", json_string(now));
	fin_set_default(rec, "created_time", json_string(now));
	if (mode != FIN_RAW || !jstr(rec, "last_modified_time"))
		json_object_set_new(rec, "last_modified_time", json_string(now));
	finalize_defaults(fr, rec);
	total = line_totals(rec);
	json_object_set_new(rec, "sub_total", tx_money(total));
	json_object_set_new(rec, "total", tx_money(total));
	if (fr->kind == FIN_INVOICES)
		settle_invoice(fr, rec, total);
	fin_finalize_cf(fr, rec);
	if (mode != FIN_UPDATE && fr->kind == FIN_INVOICES)
		mark_invoiced(fr, rec);
}

/* ---- status actions and delete ------------------------------------------- */

struct transition {
	enum fin_kind kind;
	const char *to;
	const char *const from[4]; /* stored statuses it may come from */
	const char *message;
};

static const struct transition transitions[] = {
	{ FIN_INVOICES, "sent", { "draft", NULL }, "Invoice status has been changed to Sent." },
	{ FIN_INVOICES,
	  "void",
	  { "sent", "partially_paid", "paid", NULL },
	  "Invoice status has been changed to Void." },
	{ FIN_INVOICES, "draft", { "void", NULL }, "Status of invoice changed from void to draft" },
	{ FIN_ESTIMATES, "sent", { "draft", NULL }, "Estimate status has been changed to Sent" },
	{ FIN_ESTIMATES, "accepted", { "sent", NULL }, "Estimate status has been changed to Accepted." },
	{ FIN_ESTIMATES, "declined", { "sent", NULL }, "Estimate status has been changed to Declined." },
	/* Books marks a draft open, Inventory confirmed (fin_app.salesorder_confirm). */
	{ FIN_SALESORDERS, "open", { "draft", NULL }, "Sales Order status has been changed to Open." },
	{ FIN_SALESORDERS, "confirmed", { "draft", NULL }, "Sales Order status has been changed to Confirmed." },
	{ FIN_SALESORDERS,
	  "void",
	  { "draft", "open", "confirmed", NULL },
	  "Sales Order status has been changed to Void." },
};

int tx_action_ok(enum fin_kind kind, const char *to)
{
	size_t i;

	for (i = 0; i < sizeof(transitions) / sizeof(transitions[0]); i++)
		if (transitions[i].kind == kind && str_eq(transitions[i].to, to))
			return 1;
	return 0;
}

json_t *tx_set_status(struct fres *fr, json_t *rec, const char *to, const char **message)
{
	const struct transition *t = NULL;
	const char *now = tx_status(fr, rec);
	size_t i;

	for (i = 0; i < sizeof(transitions) / sizeof(transitions[0]); i++)
		if (transitions[i].kind == fr->kind && str_eq(transitions[i].to, to))
			t = &transitions[i];
	/* The other app's confirmation is no action of this one. */
	if (t && fr->kind == FIN_SALESORDERS && !str_eq(to, "void") && !str_eq(to, fr->app->salesorder_confirm))
		t = NULL;
	/* an expired estimate is sent in the store, but can no longer be answered */
	if (!t || !str_in(jstr(rec, "status"), t->from) || str_eq(now, "expired"))
		return tx_error(CODE_TX_STATUS, "The %s %s is %s and cannot be marked as %s.", what(fr),
				jstr(rec, fr->name_key), now, to);
	if (fr->kind == FIN_INVOICES && str_eq(to, "void"))
		pay_unlink_invoice(fr->sb, fr->app, jstr(rec, "invoice_id"));
	json_object_set_new(rec, "status", json_string(to));
	*message = t->message;
	return NULL;
}

json_t *tx_delete_check(struct fres *fr, const json_t *rec)
{
	if (fr->kind == FIN_INVOICES && applied_cents(fr->sb, fr->app, jstr(rec, "invoice_id")))
		return tx_error(4001,
				"The invoice %s cannot be deleted as payments have been "
				"recorded for it.",
				jstr(rec, "invoice_number"));
	if (fr->kind == FIN_ESTIMATES && str_eq(jstr(rec, "status"), "invoiced"))
		return tx_error(CODE_TX_LOCKED,
				"The estimate %s has been invoiced and cannot "
				"be deleted.",
				jstr(rec, "estimate_number"));
	return NULL;
}

/* ---- control and seed --------------------------------------------------- */

json_t *tx_store_list(struct sandbox *sb, const struct fin_app *app, enum fin_kind k)
{
	sqlite3_stmt *s = store_stmt(sb->st, "SELECT body FROM fin_tx WHERE app = ?1 AND"
					     " kind = ?2 ORDER BY idkey");
	json_t *list = json_array(), *rec;
	struct fres fr;

	fres_init(&fr, sb, app, k);
	sqlite3_bind_text(s, 1, app->name, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, k);
	while (sqlite3_step(s) == SQLITE_ROW) {
		rec = store_load_json(s, 0);
		tx_present(&fr, rec);
		json_array_append_new(list, rec);
	}
	sqlite3_reset(s);
	return list;
}

/* A raw record's line items: ids, quantity 1 and totals where missing. */
static int raw_lines(struct fres *fr, json_t *rec)
{
	json_t *lines = json_object_get(rec, "line_items"), *line;
	char *id;
	size_t i;

	if (!lines) {
		json_object_set_new(rec, "line_items", json_array());
		return 0;
	}
	if (!json_is_array(lines))
		return fail(FS_EINPUT, "\"line_items\" must be an array");
	json_array_foreach(lines, i, line) {
		if (!json_is_object(line) || !json_is_number(json_object_get(line, "rate")))
			return fail(FS_EINPUT, "line_items[%zu] needs a numeric \"rate\"", i);
		if (!jstr(line, "line_item_id")) {
			id = store_new_fin_id(fr->sb->st);
			json_object_set_new(line, "line_item_id", json_string(id));
			free(id);
		}
		fin_set_default(line, "quantity", json_real(1));
		fin_set_default(line, "name", json_string(""));
	}
	return 0;
}

/* Raw status: an invoice's paid/partially_paid comes from its payments and
 * overdue/expired from the clock, so only the stored statuses are taken. */
static int raw_status(struct fres *fr, json_t *rec)
{
	static const char *const inv[] = { "draft", "sent", "void", NULL };
	static const char *const est[] = { "draft", "sent", "accepted", "declined", "invoiced", NULL };
	/* Books open, billed; Inventory issued, received (purchase-order.yml, InvOAS). */
	static const char *const po[] = { "draft", "open", "issued", "billed", "received", "cancelled", NULL };
	const char *st = jstr(rec, "status");

	if (fr->kind == FIN_PURCHASEORDERS)
		return st && !str_in(st, po)
			       ? fail(FS_EINPUT, "\"status\" must be one of draft, open, issued, "
						 "billed, received, cancelled")
			       : 0;
	if (str_eq(st, "overdue") || str_eq(st, "expired"))
		json_object_set_new(rec, "status", json_string("sent"));
	else if (st && !str_in(st, fr->kind == FIN_INVOICES ? inv : est))
		return fail(FS_EINPUT, "\"status\" must be one of %s",
			    fr->kind == FIN_INVOICES
				    ? "draft, sent, overdue, void (paid "
				      "comes from a payment)"
				    : "draft, sent, expired, accepted, "
				      "declined, invoiced");
	return 0;
}

int tx_store_raw(struct sandbox *sb, const struct fin_app *app, enum fin_kind k, json_t *rec)
{
	struct fres fr;
	json_t *c;
	char today[11];
	const char *number;
	int rc;

	if (k == FIN_PAYMENTS)
		return pay_store_raw(sb, app, rec);
	fres_init(&fr, sb, app, k);
	if (!json_is_object(rec))
		return fail(FS_EINPUT, "an %s record must be a JSON object", fr.one_key);
	if (json_object_get(rec, fr.id_key) && !is_digits(jstr(rec, fr.id_key)))
		return fail(FS_EINPUT, "'%s' must be a string of digits", fr.id_key);
	if (!(c = tx_party(sb, app, jstr(rec, party_key(&fr)), k == FIN_PURCHASEORDERS)))
		return fail(FS_EINPUT, "\"%s\" must be a %s of %s", party_key(&fr),
			    k == FIN_PURCHASEORDERS ? "vendor" : "customer", app->name);
	fin_set_default(rec, k == FIN_PURCHASEORDERS ? "vendor_name" : "customer_name",
			json_incref(json_object_get(c, app->contact_name_key)));
	json_decref(c);
	number = jstr(rec, fr.name_key);
	if (number && number_taken(&fr, number, jstr(rec, fr.id_key)))
		return fail(FS_EINPUT, "%s \"%s\" is used already", fr.name_key, number);
	if ((rc = raw_lines(&fr, rec)) || (rc = raw_status(&fr, rec)))
		return rc;
	tx_today(sb, today);
	fin_set_default(rec, "date", json_string(today));
	if (!valid_date(jstr(rec, "date")))
		return fail(FS_EINPUT, "\"date\" must look like 2026-03-01");
	if (k == FIN_INVOICES)
		fin_set_default(rec, "due_date", json_string(jstr(rec, "date")));
	tx_finalize(&fr, rec, FIN_RAW);
	tx_put(&fr, rec);
	return 0;
}
