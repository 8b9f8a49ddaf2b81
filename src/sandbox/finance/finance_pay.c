/*
 * finance_pay.c - customer payments (Books, Inventory).  A payment is
 * applied to sent invoices of its customer (table fin_applied): their
 * balance drops and they become partially_paid or paid.  Voiding an invoice
 * takes its payments off it (the money stays on the payment as unused);
 * deleting a payment gives the invoices their balance back.
 *
 * Also what a customer owes and has in credit, which the contact objects
 * report (outstanding_receivable_amount, unused_credits_receivable_amount).
 */
#include "finance.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct keyspec apply_keys[] = { { "invoice_id", K_STR }, { "amount_applied", K_NUM }, { NULL, K_ANY } };

static json_t *pay_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static json_t *pay_error(const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return jerr_fin(CODE_PAY_APPLY, msg);
}

static double amount(int64_t cents)
{
	return (double)cents / 100.0;
}

/* ---- checks ---------------------------------------------------------------- */

/* One entry of "invoices": a sent invoice of this customer, not paid over
 * its balance.  Appends {"invoice", "cents"} to apps. */
static json_t *check_application(struct fres *inv, const json_t *e, const char *customer, json_t *apps)
{
	const json_t *amt = json_object_get(e, "amount_applied"), *a;
	const char *id = jstr(e, "invoice_id");
	json_t *err, *invoice = NULL;
	int64_t c, balance;
	size_t i;

	if (!json_is_object(e))
		return fin_bad_value("invoices");
	if ((err = fin_check_keys(apply_keys, e)))
		return err;
	json_array_foreach(apps, i, a)
		if (str_eq(jstr(json_object_get(a, "invoice"), "invoice_id"), id))
			return fin_bad_value("invoice_id");
	if (str_empty(id) || !(invoice = tx_get(inv, id)))
		return fin_bad_value("invoice_id");
	balance = tx_cents(json_number_value(json_object_get(invoice, "balance")));
	c = json_is_number(amt) ? tx_cents(json_number_value(amt)) : 0;
	if (!str_eq(jstr(invoice, "customer_id"), customer))
		err = pay_error("The invoice %s belongs to another customer.", jstr(invoice, "invoice_number"));
	else if (!str_eq(jstr(invoice, "status"), "sent") && !str_eq(jstr(invoice, "status"), "partially_paid"))
		err = pay_error("Payments can only be applied to sent invoices: %s is %s.",
				jstr(invoice, "invoice_number"), tx_status(inv, invoice));
	else if (c <= 0)
		err = fin_bad_value("amount_applied");
	else if (c > balance)
		err = pay_error("The amount applied to %s (%.2f) is more than its balance (%.2f).",
				jstr(invoice, "invoice_number"), amount(c), amount(balance));
	if (err) {
		json_decref(invoice);
		return err;
	}
	json_array_append_new(apps, json_pack("{s:o, s:I}", "invoice", invoice, "cents", (json_int_t)c));
	return NULL;
}

static json_t *check_payment(struct fres *fr, json_t *rec, const json_t *list, json_t *apps)
{
	const json_t *amt = json_object_get(rec, "amount"), *e;
	struct fres inv;
	json_t *c, *err;
	int64_t total = 0;
	size_t i;

	if (!(c = tx_customer(fr->sb, fr->app, jstr(rec, "customer_id"))))
		return fin_bad_value("customer_id");
	json_object_set(rec, "customer_name", json_object_get(c, fr->app->contact_name_key));
	json_decref(c);
	if (str_empty(jstr(rec, "payment_mode")))
		return fin_bad_value("payment_mode");
	if (!json_is_number(amt) || tx_cents(json_number_value(amt)) <= 0)
		return fin_bad_value("amount");
	if (!valid_date(jstr(rec, "date")))
		return fin_bad_value("date");
	if (!json_is_array(list))
		return fin_bad_value("invoices");
	fres_init(&inv, fr->sb, fr->app, FIN_INVOICES);
	json_array_foreach(list, i, e) {
		if ((err = check_application(&inv, e, jstr(rec, "customer_id"), apps)))
			return err;
		total += json_integer_value(json_object_get(json_array_get(apps, i), "cents"));
	}
	if (total > tx_cents(json_number_value(amt)))
		return pay_error("The amounts applied (%.2f) are more than the payment amount "
				 "(%.2f).",
				 amount(total), amount(tx_cents(json_number_value(amt))));
	return fin_check_unique_cfs(fr, rec);
}

/* ---- applying ------------------------------------------------------------- */

/* Balance and status again; a seeded payment keeps the invoice's times. */
static void settle(struct fres *inv, json_t *invoice, int mode)
{
	tx_finalize(inv, invoice, mode == FIN_RAW ? FIN_RAW : FIN_UPDATE);
	tx_put(inv, invoice);
}

/* The payment gets its id, number and times, the invoices their payment. */
static void apply_payment(struct fres *fr, json_t *rec, json_t *apps, int mode)
{
	sqlite3_stmt *s;
	struct fres inv;
	json_t *a, *invoice, *list = json_array();
	int64_t used = 0, c;
	char now[32], *v;
	size_t i;

	fmt_fin_time(sb_now(fr->sb), now);
	if (mode == FIN_CREATE || str_empty(jstr(rec, "payment_id"))) {
		v = store_new_fin_id(fr->sb->st);
		json_object_set_new(rec, "payment_id", json_string(v));
		free(v);
	}
	if (str_empty(jstr(rec, "payment_number"))) {
		v = tx_next_number(fr);
		json_object_set_new(rec, "payment_number", json_string(v));
		free(v);
	}
	fres_init(&inv, fr->sb, fr->app, FIN_INVOICES);
	json_array_foreach(apps, i, a) {
		invoice = json_object_get(a, "invoice");
		c = json_integer_value(json_object_get(a, "cents"));
		s = store_stmt(fr->sb->st, "INSERT INTO fin_applied(app, payment_id, invoice_id,"
					   " cents) VALUES(?1, ?2, ?3, ?4)");
		sqlite3_bind_text(s, 1, fr->app->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, jstr(rec, "payment_id"), -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 3, jstr(invoice, "invoice_id"), -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 4, c);
		sqlite3_step(s);
		sqlite3_reset(s);
		settle(&inv, invoice, mode);
		json_array_append_new(list,
				      json_pack("{s:O, s:O, s:O, s:O, s:o, s:O}", "invoice_id",
						json_object_get(invoice, "invoice_id"), "invoice_number",
						json_object_get(invoice, "invoice_number"), "date",
						json_object_get(invoice, "date"), "invoice_amount",
						json_object_get(invoice, "total"), "amount_applied", tx_money(c),
						"balance_amount", json_object_get(invoice, "balance")));
		used += c;
	}
	json_object_set_new(rec, "invoices", list);
	json_object_set_new(rec, "amount", tx_money(tx_cents(json_number_value(json_object_get(rec, "amount")))));
	json_object_set_new(rec, "unused_amount",
			    tx_money(tx_cents(json_number_value(json_object_get(rec, "amount"))) - used));
	if (mode == FIN_CREATE)
		json_object_set_new(rec, "created_time", json_string(now));
	fin_set_default(rec, "created_time", json_string(now));
	if (mode != FIN_RAW || !jstr(rec, "last_modified_time"))
		json_object_set_new(rec, "last_modified_time", json_string(now));
	json_object_set(rec, "updated_time", json_object_get(rec, "last_modified_time"));
	fin_set_default(rec, "reference_number", json_string(""));
	fin_set_default(rec, "description", json_string(""));
	fin_set_default(rec, "exchange_rate", json_real(1));
	fin_set_default(rec, "bank_charges", json_real(0));
	fin_set_default(rec, "currency_code",
			json_string(jstr(fr->sb->fin_org, "currency_code") ? jstr(fr->sb->fin_org, "currency_code")
									   : ""));
	fin_finalize_cf(fr, rec);
	tx_put(fr, rec);
}

/* The accepted keys of an API body onto a new payment. */
static json_t *payment_from_body(struct fres *fr, const json_t *in, json_t *rec)
{
	const char *key;
	json_t *v, *err = NULL;

	json_object_foreach((json_t *)in, key, v) {
		if (str_eq(key, "invoices") || json_is_null(v))
			continue;
		if (str_eq(key, "custom_fields"))
			err = fin_apply_cf(fr, v, rec);
		else
			json_object_set(rec, key, v);
		if (err)
			return err;
	}
	return NULL;
}

json_t *pay_create(struct fres *fr, const json_t *in, json_t **out, int *status)
{
	json_t *rec = NULL, *apps = json_array(), *err;

	*out = NULL;
	*status = 400;
	if (!json_is_object(in)) {
		err = fin_bad_value("JSONString");
		goto out;
	}
	rec = json_pack("{s:s, s:s}", "payment_id", "", "payment_number", "");
	if ((err = fin_rejected(fr, in, status)) || (err = fin_check_keys(fr->keys, in)) ||
	    (err = payment_from_body(fr, in, rec)) ||
	    (err = check_payment(fr, rec, json_object_get(in, "invoices"), apps)))
		goto out;
	apply_payment(fr, rec, apps, FIN_CREATE);
	*out = json_incref(rec);
out:
	json_decref(apps);
	json_decref(rec);
	return err;
}

/* ---- taking payments off invoices ----------------------------------------- */

/* Rows of fin_applied for one payment or one invoice, as [[payment, invoice, cents]]. */
static json_t *applications(struct sandbox *sb, const struct fin_app *app, const char *col, const char *id)
{
	char *sql = xasprintf("SELECT payment_id, invoice_id, cents FROM fin_applied"
			      " WHERE app = ?1 AND %s = ?2 ORDER BY rowid",
			      col);
	sqlite3_stmt *s = store_stmt(sb->st, sql);
	json_t *rows = json_array();

	sqlite3_bind_text(s, 1, app->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, id, -1, SQLITE_STATIC);
	while (sqlite3_step(s) == SQLITE_ROW)
		json_array_append_new(rows, json_pack("[s, s, I]", (const char *)sqlite3_column_text(s, 0),
						      (const char *)sqlite3_column_text(s, 1),
						      (json_int_t)sqlite3_column_int64(s, 2)));
	sqlite3_reset(s);
	free(sql);
	return rows;
}

static void unapply(struct sandbox *sb, const struct fin_app *app, const char *payment_id, const char *invoice_id)
{
	sqlite3_stmt *s = store_stmt(sb->st, "DELETE FROM fin_applied WHERE app = ?1 AND"
					     " payment_id = ?2 AND invoice_id = ?3");

	sqlite3_bind_text(s, 1, app->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, payment_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, invoice_id, -1, SQLITE_STATIC);
	sqlite3_step(s);
	sqlite3_reset(s);
}

/* The payment no longer pays invoice_id: its entry goes, its unused amount grows. */
static void release(struct fres *pf, const char *payment_id, const char *invoice_id, int64_t cents)
{
	json_t *pay = tx_get(pf, payment_id), *list, *e;
	char now[32];
	size_t i;

	if (!pay)
		return;
	list = json_object_get(pay, "invoices");
	json_array_foreach(list, i, e) {
		if (str_eq(jstr(e, "invoice_id"), invoice_id)) {
			json_array_remove(list, i);
			break;
		}
	}
	json_object_set_new(pay, "unused_amount",
			    tx_money(tx_cents(json_number_value(json_object_get(pay, "unused_amount"))) + cents));
	fmt_fin_time(sb_now(pf->sb), now);
	json_object_set_new(pay, "last_modified_time", json_string(now));
	json_object_set_new(pay, "updated_time", json_string(now));
	tx_put(pf, pay);
	json_decref(pay);
}

void pay_unlink_invoice(struct sandbox *sb, const struct fin_app *app, const char *invoice_id)
{
	json_t *rows = applications(sb, app, "invoice_id", invoice_id), *row;
	struct fres pf;
	size_t i;

	fres_init(&pf, sb, app, FIN_PAYMENTS);
	json_array_foreach(rows, i, row) {
		unapply(sb, app, json_string_value(json_array_get(row, 0)), invoice_id);
		release(&pf, json_string_value(json_array_get(row, 0)), invoice_id,
			json_integer_value(json_array_get(row, 2)));
	}
	json_decref(rows);
}

json_t *pay_delete(struct fres *fr, const char *id)
{
	json_t *rows = applications(fr->sb, fr->app, "payment_id", id), *row, *invoice;
	struct fres inv;
	size_t i;

	fres_init(&inv, fr->sb, fr->app, FIN_INVOICES);
	json_array_foreach(rows, i, row) {
		unapply(fr->sb, fr->app, id, json_string_value(json_array_get(row, 1)));
		if ((invoice = tx_get(&inv, json_string_value(json_array_get(row, 1))))) {
			settle(&inv, invoice, FIN_UPDATE);
			json_decref(invoice);
		}
	}
	json_decref(rows);
	tx_delete(fr, id);
	return NULL;
}

json_t *pay_in_full(struct sandbox *sb, const struct fin_app *app, const char *invoice_id)
{
	struct fres inv, pf;
	json_t *invoice, *body, *err, *out = NULL;
	const char *msg;
	char today[11];
	int status;

	fres_init(&inv, sb, app, FIN_INVOICES);
	fres_init(&pf, sb, app, FIN_PAYMENTS);
	if (!(invoice = tx_get(&inv, invoice_id)))
		return jerr_fin(1002, "Invoice does not exist.");
	if (str_eq(jstr(invoice, "status"), "draft")) {
		if ((err = tx_set_status(&inv, invoice, "sent", &msg))) {
			json_decref(invoice);
			return err;
		}
		settle(&inv, invoice, FIN_UPDATE);
	}
	tx_today(sb, today);
	body = json_pack("{s:O, s:s, s:O, s:s, s:[{s:O, s:O}]}", "customer_id", json_object_get(invoice, "customer_id"),
			 "payment_mode", "cash", "amount", json_object_get(invoice, "balance"), "date", today,
			 "invoices", "invoice_id", json_object_get(invoice, "invoice_id"), "amount_applied",
			 json_object_get(invoice, "balance"));
	err = pay_create(&pf, body, &out, &status);
	json_decref(out);
	json_decref(body);
	json_decref(invoice);
	return err;
}

int pay_store_raw(struct sandbox *sb, const struct fin_app *app, json_t *rec)
{
	struct fres fr;
	json_t *apps, *list, *e;
	char today[11];
	int rc = 0;

	fres_init(&fr, sb, app, FIN_PAYMENTS);
	if (!json_is_object(rec))
		return fail(FS_EINPUT, "a payment record must be a JSON object");
	if (json_object_get(rec, "payment_id") && !is_digits(jstr(rec, "payment_id")))
		return fail(FS_EINPUT, "'payment_id' must be a string of digits");
	tx_today(sb, today);
	fin_set_default(rec, "payment_mode", json_string("cash"));
	fin_set_default(rec, "date", json_string(today));
	fin_set_default(rec, "invoices", json_array());
	list = json_incref(json_object_get(rec, "invoices"));
	apps = json_array();
	if ((e = check_payment(&fr, rec, list, apps))) {
		rc = fail(FS_EINPUT, "%s", jstr(e, "message"));
	} else {
		apply_payment(&fr, rec, apps, FIN_RAW);
	}
	json_decref(e);
	json_decref(list);
	json_decref(apps);
	return rc;
}

/* ---- what a customer owes ----------------------------------------------------- */

static int64_t sum_cents(struct sandbox *sb, const struct fin_app *app, const char *sql, const char *customer_id)
{
	sqlite3_stmt *s = store_stmt(sb->st, sql);
	int64_t n;

	sqlite3_bind_text(s, 1, app->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, customer_id, -1, SQLITE_STATIC);
	n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_reset(s);
	return n;
}

int pay_contact_has_tx(struct sandbox *sb, const struct fin_app *app, const char *id)
{
	return sum_cents(sb, app,
			 "SELECT COUNT(*) FROM fin_tx WHERE app = ?1 AND"
			 " kind IN (2, 3, 4) AND customer_id = ?2",
			 id ? id : "") > 0;
}

void pay_contact_amounts(struct sandbox *sb, const struct fin_app *app, json_t *rec)
{
	const char *id = jstr(rec, app->contact_id_key);

	if (!app->invoice_keys || !id)
		return;
	json_object_set_new(
		rec, "outstanding_receivable_amount",
		tx_money(sum_cents(sb, app,
				   "SELECT COALESCE(SUM(balance), 0) FROM fin_tx WHERE app = ?1 AND kind = 2 AND"
				   " customer_id = ?2 AND status IN ('sent', 'partially_paid')",
				   id)));
	/* One currency in the sandbox: the base-currency twin is the same amount. */
	json_object_set(rec, "outstanding_receivable_amount_bcy",
			json_object_get(rec, "outstanding_receivable_amount"));
	json_object_set_new(
		rec, "unused_credits_receivable_amount",
		tx_money(sum_cents(sb, app,
				   "SELECT COALESCE(SUM(balance), 0) FROM fin_tx WHERE app = ?1 AND kind = 4 AND"
				   " customer_id = ?2",
				   id)));
	json_object_set_new(rec, "has_transaction", json_boolean(pay_contact_has_tx(sb, app, id)));
}

int pay_item_in_use(struct sandbox *sb, const struct fin_app *app, const char *item_id)
{
	return sum_cents(sb, app,
			 "SELECT COUNT(*) FROM fin_tx, json_each(fin_tx.body,"
			 " '$.line_items') AS li WHERE fin_tx.app = ?1 AND fin_tx.kind IN (2, 3)"
			 " AND json_extract(li.value, '$.item_id') = ?2",
			 item_id ? item_id : "") > 0;
}
