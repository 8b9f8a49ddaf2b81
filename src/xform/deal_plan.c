/*
 * deal_plan.c - a deal's stage -> the steps on its quote and invoice
 * (docs/design.md "Deals").  Pure: no ledger, no API, so every case is a unit
 * test (tests/unit/test_deal_plan.c).
 *
 * The rules, by job setting automate:
 *
 *   invoice  won -> a draft invoice, once ever; lost -> void it
 *            (void_on_lost) while it is a draft: marked sent, then void,
 *            as the apps void only what was sent.
 *   quote    at or past quote_create_stage, or won -> a draft estimate,
 *            once ever; at or past quote_accept_stage, or won -> sent (when
 *            a draft) then accepted; lost -> sent then declined
 *            (decline_on_lost); accepted and convert_accepted_to_invoice ->
 *            the invoice, once ever; lost -> that invoice voided as above.
 *
 * A transaction a person has moved on is never touched again by deal edits:
 * an invoice that is anything but a draft (sent, paid, void, overdue …), an
 * estimate that is accepted, declined, invoiced or expired.  An estimate
 * that is sent is still accepted or declined by the deal: that is what a
 * quote is sent for.  A draft takes the deal's new amount, name and
 * description (the *_UPDATE steps).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "deal_plan.h"

static const char *const step_names[STEP_COUNT] = {
	[STEP_QUOTE_CREATE] = "quote_create",     [STEP_QUOTE_UPDATE] = "quote_update",
	[STEP_QUOTE_SEND] = "quote_send",         [STEP_QUOTE_ACCEPT] = "quote_accept",
	[STEP_QUOTE_DECLINE] = "quote_decline",   [STEP_INVOICE_CREATE] = "invoice_create",
	[STEP_INVOICE_UPDATE] = "invoice_update", [STEP_INVOICE_SEND] = "invoice_send",
	[STEP_INVOICE_VOID] = "invoice_void",     [STEP_ORDER_CREATE] = "order_create",
	[STEP_ORDER_UPDATE] = "order_update",     [STEP_ORDER_CONFIRM] = "order_confirm",
	[STEP_ORDER_VOID] = "order_void",
};

static const char *const step_actions[STEP_COUNT] = {
	[STEP_QUOTE_CREATE] = "create",   [STEP_QUOTE_UPDATE] = "update",   [STEP_QUOTE_SEND] = NULL,
	[STEP_QUOTE_ACCEPT] = "accept",   [STEP_QUOTE_DECLINE] = "decline", [STEP_INVOICE_CREATE] = "create",
	[STEP_INVOICE_UPDATE] = "update", [STEP_INVOICE_SEND] = NULL,       [STEP_INVOICE_VOID] = "void",
	[STEP_ORDER_CREATE] = "create",   [STEP_ORDER_UPDATE] = "update",   [STEP_ORDER_CONFIRM] = "update",
	[STEP_ORDER_VOID] = "void",
};

const char *deal_step_name(enum deal_step s)
{
	return s < STEP_COUNT ? step_names[s] : "?";
}

enum deal_step deal_step_from_name(const char *name)
{
	int s;

	for (s = 0; name && s < STEP_COUNT; s++)
		if (!strcmp(step_names[s], name))
			return (enum deal_step)s;
	return STEP_COUNT;
}

const char *deal_step_action(enum deal_step s)
{
	return s < STEP_COUNT ? step_actions[s] : NULL;
}

int deal_step_is_quote(enum deal_step s)
{
	return s <= STEP_QUOTE_DECLINE;
}

int deal_step_is_order(enum deal_step s)
{
	return s >= STEP_ORDER_CREATE && s <= STEP_ORDER_VOID;
}

int deal_step_creates(enum deal_step s)
{
	return s == STEP_QUOTE_CREATE || s == STEP_INVOICE_CREATE || s == STEP_ORDER_CREATE;
}

int deal_step_writes_lines(enum deal_step s)
{
	return deal_step_creates(s) || s == STEP_QUOTE_UPDATE || s == STEP_INVOICE_UPDATE || s == STEP_ORDER_UPDATE;
}

long deal_stage_index(const struct deal_sync *cfg, const char *stage)
{
	json_t *v;
	size_t i;

	if (!stage)
		return -1;
	json_array_foreach(cfg->stage_order, i, v)
		if (!strcasecmp(json_string_value(v), stage))
			return (long)i;
	return -1;
}

static int in_list(json_t *list, const char *stage)
{
	json_t *v;
	size_t i;

	json_array_foreach(list, i, v)
		if (stage && !strcasecmp(json_string_value(v), stage))
			return 1;
	return 0;
}

/*
 * The stage decides first (a deal moved to Closed Won whose probability was
 * not updated is still won); the probability settles stages outside both
 * lists, as Zoho sets 100 and 0 on its won and lost stages.
 */
enum deal_outcome deal_outcome(const struct deal_sync *cfg, const char *stage, int has_prob, double prob)
{
	size_t n = json_array_size(cfg->stage_order);

	if (in_list(cfg->lost_stages, stage))
		return DEAL_LOST;
	if (n && stage && !strcasecmp(json_string_value(json_array_get(cfg->stage_order, n - 1)), stage))
		return DEAL_WON;
	if (has_prob && prob >= 100)
		return DEAL_WON;
	if (has_prob && prob <= 0)
		return DEAL_LOST;
	return DEAL_OPEN;
}

static void add(struct deal_plan *p, enum deal_step s)
{
	if (p->n < DEAL_MAX_STEPS)
		p->steps[p->n++] = s;
}

static int is(const char *status, const char *want)
{
	return status && !strcmp(status, want);
}

/* An estimate the deal can still send, accept or decline. */
static int quote_open(const char *status)
{
	return is(status, "draft") || is(status, "sent");
}

static void say(struct deal_plan *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(struct deal_plan *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->reason, sizeof(p->reason), fmt, ap);
	va_end(ap);
}

/* Lost: void a draft invoice (both modes). */
static void void_invoice(const struct deal_sync *cfg, const struct deal_facts *f, struct deal_plan *p)
{
	if (!f->invoice_status)
		return;
	if (!cfg->void_on_lost)
		say(p, "lost; void_on_lost is false: the invoice is left %s", f->invoice_status);
	else if (is(f->invoice_status, "draft")) {
		add(p, STEP_INVOICE_SEND);
		add(p, STEP_INVOICE_VOID);
	} else if (is(f->invoice_status, "gone"))
		say(p, "lost; its invoice was deleted in the finance app");
	else
		say(p, "lost; the invoice is %s: deal edits no longer change it", f->invoice_status);
}

static void decide_invoice(const struct deal_sync *cfg, const struct deal_facts *f, struct deal_plan *p)
{
	if (f->outcome == DEAL_LOST) {
		say(p, "lost; it has no invoice to void");
		void_invoice(cfg, f, p);
		return;
	}
	if (f->outcome != DEAL_WON) {
		if (f->invoice_status)
			say(p, "not won; its invoice is %s", f->invoice_status);
		else
			say(p, "not won yet");
		return;
	}
	if (!f->invoice_status) {
		add(p, STEP_INVOICE_CREATE);
		return;
	}
	if (is(f->invoice_status, "draft") && f->invoice_changed)
		add(p, STEP_INVOICE_UPDATE);
	else if (is(f->invoice_status, "gone"))
		say(p, "won; its invoice was deleted in the finance app and is not created again");
	else if (is(f->invoice_status, "draft"))
		say(p, "won; its invoice is a draft and up to date");
	else
		say(p, "won; the invoice is %s: deal edits no longer change it", f->invoice_status);
}

static void quote_lost(const struct deal_sync *cfg, const struct deal_facts *f, struct deal_plan *p)
{
	if (f->quote_status)
		say(p, "lost; its quote is %s", f->quote_status);
	else
		say(p, "lost; it has no quote");
	if (quote_open(f->quote_status)) {
		if (!cfg->decline_on_lost) {
			say(p, "lost; decline_on_lost is false: the quote is left %s", f->quote_status);
		} else {
			if (is(f->quote_status, "draft"))
				add(p, STEP_QUOTE_SEND);
			add(p, STEP_QUOTE_DECLINE);
		}
	}
	void_invoice(cfg, f, p);
}

/* Quote mode, not lost: create, update, send, accept, convert, as far as the stage goes. */
static void quote_open_deal(const struct deal_sync *cfg, const struct deal_facts *f, struct deal_plan *p)
{
	long create_at = deal_stage_index(cfg, cfg->quote_create_stage);
	long accept_at = deal_stage_index(cfg, cfg->quote_accept_stage);
	int won = f->outcome == DEAL_WON;
	int want_quote = won || (f->stage_index >= 0 && create_at >= 0 && f->stage_index >= create_at);
	int want_accept = won || (f->stage_index >= 0 && accept_at >= 0 && f->stage_index >= accept_at);
	const char *q = f->quote_status;

	if (!want_quote) {
		say(p, "before quote_create_stage '%s'", cfg->quote_create_stage);
		return;
	}
	if (!q) {
		add(p, STEP_QUOTE_CREATE);
		q = "draft";
	} else if (is(q, "draft") && f->quote_changed) {
		add(p, STEP_QUOTE_UPDATE);
	}
	if (want_accept && quote_open(q)) {
		if (is(q, "draft"))
			add(p, STEP_QUOTE_SEND);
		add(p, STEP_QUOTE_ACCEPT);
		q = "accepted";
	}
	if (is(q, "accepted") && cfg->convert_accepted_to_invoice) {
		if (!f->invoice_status)
			add(p, STEP_INVOICE_CREATE);
		else if (is(f->invoice_status, "draft") && f->invoice_changed)
			add(p, STEP_INVOICE_UPDATE);
	}
	if (p->n)
		return;
	if (is(q, "gone"))
		say(p, "its quote was deleted in the finance app and is not created again");
	else if (f->invoice_status && cfg->convert_accepted_to_invoice)
		say(p, "its quote is %s and its invoice %s", q, f->invoice_status);
	else if (quote_open(q))
		say(p, "its quote is %s%s", q, want_accept ? "" : "; not yet at quote_accept_stage");
	else
		say(p, "its quote is %s: deal edits no longer change it", q);
}

/*
 * Sales orders: won -> a draft, once ever (confirmed at once with
 * confirm_sales_order); lost -> a draft voided.  A confirmed (open) one
 * counts as sent: deal edits no longer change it.
 */
static void order_lost(const struct deal_sync *cfg, const struct deal_facts *f, struct deal_plan *p)
{
	const char *st = f->order_status;

	if (!st)
		say(p, "lost; it has no sales order to void");
	else if (is(st, "draft") && cfg->void_on_lost)
		add(p, STEP_ORDER_VOID);
	else if (is(st, "draft"))
		say(p, "lost; void_on_lost is false: the sales order is left a draft");
	else if (is(st, "gone"))
		say(p, "lost; its sales order was deleted in the finance app");
	else
		say(p, "lost; the sales order is %s: it counts as sent and deal edits no longer change it", st);
}

static void decide_order(const struct deal_sync *cfg, const struct deal_facts *f, struct deal_plan *p)
{
	const char *st = f->order_status;

	if (f->outcome == DEAL_LOST) {
		order_lost(cfg, f, p);
		return;
	}
	if (f->outcome != DEAL_WON) {
		if (st)
			say(p, "not won; its sales order is %s", st);
		else
			say(p, "not won yet");
		return;
	}
	if (!st)
		add(p, STEP_ORDER_CREATE);
	else if (is(st, "draft") && f->order_changed)
		add(p, STEP_ORDER_UPDATE);
	if ((!st || is(st, "draft")) && cfg->confirm_sales_order)
		add(p, STEP_ORDER_CONFIRM);
	if (p->n)
		return;
	if (is(st, "gone"))
		say(p, "won; its sales order was deleted in the finance app and is not created again");
	else if (is(st, "draft"))
		say(p, "won; its sales order is a draft and up to date");
	else
		say(p, "won; the sales order is %s: deal edits no longer change it", st);
}

void deal_plan_decide(const struct deal_sync *cfg, const struct deal_facts *f, struct deal_plan *out)
{
	memset(out, 0, sizeof(*out));
	if (cfg->automate == DEAL_SALESORDER)
		decide_order(cfg, f, out);
	else if (cfg->automate == DEAL_INVOICE)
		decide_invoice(cfg, f, out);
	else if (f->outcome == DEAL_LOST)
		quote_lost(cfg, f, out);
	else
		quote_open_deal(cfg, f, out);
	if (out->n)
		out->reason[0] = '\0';
}

int deal_number(json_t *rec, const char *field, double *out)
{
	json_t *v = json_object_get(rec, field);
	const char *s = json_string_value(v);
	char *end;

	if (json_is_number(v)) {
		*out = json_number_value(v);
		return 1;
	}
	if (!s || !*s)
		return 0;
	*out = strtod(s, &end);
	while (*end == ' ')
		end++;
	return *end == '\0' && end != s;
}

static const char *lookup_name(json_t *rec, const char *field)
{
	json_t *v = json_object_get(rec, field);

	return json_is_string(v) ? json_string_value(v) : json_string_value(json_object_get(v, "name"));
}

/* One line per product of the deal (see deal_payload); NULL with *why when one has no id. */
static json_t *product_lines(json_t *products, const char **why)
{
	json_t *lines = json_array(), *p, *line;
	const char *desc;
	double rate;
	size_t i;

	json_array_foreach(products, i, p) {
		const char *id = json_string_value(json_object_get(p, "id"));
		const char *name = json_string_value(json_object_get(p, "Product_Name"));
		if (!id || !*id) {
			*why = "a product of the deal has no id";
			json_decref(lines);
			return NULL;
		}
		line = json_pack("{s:s, s:i}", "crm_product_id", id, "quantity", 1);
		if (name && *name)
			json_object_set_new(line, "name", json_string(name));
		if (deal_number(p, "Unit_Price", &rate))
			json_object_set_new(line, "rate", json_real(rate));
		if ((desc = json_string_value(json_object_get(p, "Description"))) && *desc)
			json_object_set_new(line, "description", json_string(desc));
		json_array_append_new(lines, line);
	}
	return lines;
}

/* The one line made from the deal itself. */
static json_t *deal_line(json_t *deal, const char *name, const char *item_id)
{
	const char *desc = json_string_value(json_object_get(deal, "Description"));
	double amount = 0;
	json_t *line;

	deal_number(deal, "Amount", &amount);
	line = json_pack("{s:s, s:f, s:i}", "name", name, "rate", amount, "quantity", 1);
	if (item_id && *item_id)
		json_object_set_new(line, "item_id", json_string(item_id));
	if (desc && *desc)
		json_object_set_new(line, "description", json_string(desc));
	return json_pack("[o]", line);
}

json_t *deal_payload(json_t *deal, const char *item_id, json_t *products, const char **why)
{
	const char *id = json_string_value(json_object_get(deal, "id"));
	const char *name = json_string_value(json_object_get(deal, "Deal_Name"));
	const char *owner = lookup_name(deal, "Owner");
	json_t *body, *lines;

	*why = NULL;
	if (!id || !*id) {
		*why = "the deal has no id";
		return NULL;
	}
	if (!name || !*name) {
		*why = "the deal has no Deal_Name";
		return NULL;
	}
	lines = json_array_size(products) ? product_lines(products, why) : deal_line(deal, name, item_id);
	if (!lines)
		return NULL;
	/* Not zcrm_potential_id: no create request documents it (Zoho's own CRM
	 * integration fills it), so it may never be stored. */
	body = json_pack("{s:s, s:o}", "reference_number", id, "line_items", lines);
	if (owner && *owner)
		json_object_set_new(body, "salesperson_name", json_string(owner));
	return body;
}

int deal_wants_lines(const struct deal_sync *cfg, enum deal_outcome outcome, long stage_index)
{
	long create_at;

	if (outcome == DEAL_WON)
		return 1;
	if (outcome == DEAL_LOST || cfg->automate != DEAL_QUOTE)
		return 0;
	create_at = deal_stage_index(cfg, cfg->quote_create_stage);
	return stage_index >= 0 && create_at >= 0 && stage_index >= create_at;
}

json_t *deal_lines_on_items(json_t *payload, json_t *items, json_t **missing)
{
	json_t *body = json_deep_copy(payload), *line;
	size_t i;

	*missing = NULL;
	json_array_foreach(json_object_get(body, "line_items"), i, line) {
		const char *pid = json_string_value(json_object_get(line, "crm_product_id"));
		const char *item = pid ? json_string_value(json_object_get(items, pid)) : NULL;
		if (!pid)
			continue;
		if (!item || !*item) {
			*missing = json_array_get(json_object_get(payload, "line_items"), i);
			json_decref(body);
			return NULL;
		}
		json_object_set_new(line, "item_id", json_string(item));
		json_object_del(line, "crm_product_id");
	}
	return body;
}

/* An amount in whole cents, rounded half away from zero (no libm for one rounding). */
static long long cents(double v)
{
	return (long long)(v * 100.0 + (v < 0 ? -0.5 : 0.5));
}

static json_t *money_json(long long c)
{
	return json_real((double)c / 100.0);
}

json_t *deal_money_fields(const struct deal_sync *cfg, json_t *txn, const char *number_key)
{
	const char *const *f = cfg->crm_fields;
	json_t *o = json_object();
	const char *status = json_string_value(json_object_get(txn, "status"));
	double total = 0, balance = 0, paid = 0;
	int has_total = deal_number(txn, "total", &total), has_balance = deal_number(txn, "balance", &balance);

	if (f[MONEY_NUMBER])
		json_object_set(o, f[MONEY_NUMBER],
				json_object_get(txn, number_key) ? json_object_get(txn, number_key) : json_null());
	if (f[MONEY_STATUS])
		json_object_set(o, f[MONEY_STATUS],
				json_object_get(txn, "status") ? json_object_get(txn, "status") : json_null());
	if (f[MONEY_TOTAL])
		json_object_set_new(o, f[MONEY_TOTAL], has_total ? money_json(cents(total)) : json_null());
	/*
	 * Paid: payment_made where the row has it; else the rounded total less
	 * the balance, except on a void invoice (balance 0, its payments taken
	 * off it: nothing paid on it).
	 */
	if (f[MONEY_PAID] && deal_number(txn, "payment_made", &paid))
		json_object_set_new(o, f[MONEY_PAID], money_json(cents(paid)));
	else if (f[MONEY_PAID] && has_balance)
		json_object_set_new(o, f[MONEY_PAID],
				    money_json(is(status, "void") ? 0 : cents(total) - cents(balance)));
	if (f[MONEY_BALANCE] && has_balance)
		json_object_set_new(o, f[MONEY_BALANCE], money_json(cents(balance)));
	return o;
}

static void line_for_app(json_t *line, const struct invoice_shape *sh)
{
	json_t *v;

	if ((v = json_object_get(line, "item_id"))) {
		json_object_set(line, sh->item_key, v);
		json_object_del(line, "item_id");
	}
	if ((v = json_object_get(line, "rate"))) {
		json_object_set(line, sh->rate_key, v);
		json_object_del(line, "rate");
	}
}

json_t *deal_invoice_for_app(json_t *body, const struct finance_app *app, int creating, const char *today)
{
	const struct invoice_shape *sh = app ? app->invoice_shape : NULL;
	json_t *lines, *line;
	size_t i;

	if (!sh || !body)
		return body;
	lines = json_incref(json_object_get(body, "line_items"));
	json_array_foreach(lines, i, line)
		line_for_app(line, sh);
	if (lines) {
		json_object_del(body, "line_items");
		json_object_set_new(body, sh->lines_key, lines);
	}
	if (creating && sh->needs_date && !json_object_get(body, "date") && today)
		json_object_set_new(body, "date", json_string(today));
	return body;
}
