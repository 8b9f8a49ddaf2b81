/*
 * finance_billing_tx.c - Zoho Billing's invoices in their own shape, on
 * the one invoice store: a create or update body carries `invoice_items`
 * (each `product_id`, `price`, `quantity` …) where Books says `line_items`
 * (`item_id`, `rate`), `date` is required, and the status actions are
 * POST /invoices/{id}/converttoopen and /invoices/{id}/void.  A body is
 * turned into the store's shape before the shared checks (finance_tx.c),
 * and an answer back into Billing's.
 *
 * Source: Billing API v1 invoices (https://www.zoho.com/billing/api/v1/invoices/),
 * as its OpenAPI-generated client Letstream/zoho-billing-python-sdk shows it:
 * CreateAnInvoiceRequest (customer_id, date, invoice_items required),
 * CreateAnInvoiceRequestInvoiceItemsInner (product_id, quantity required;
 * price, name, description, item_order, unit optional), InvoicesApi.md
 * (converttoopen, void).
 */
#include "finance.h"

#include <string.h>

/* Billing's line keys and the store's. */
static const char *const line_names[][2] = {
	{ "product_id", "item_id" },
	{ "price", "rate" },
	{ "quantity", "quantity" },
	{ "name", "name" },
	{ "description", "description" },
	{ "item_order", "item_order" },
	{ "unit", "unit" },
	{ "item_total", "item_total" },
	{ "line_item_id", "line_item_id" },
};

static const char *renamed(const char *key, int to_store)
{
	size_t i;

	for (i = 0; i < sizeof(line_names) / sizeof(line_names[0]); i++)
		if (str_eq(line_names[i][to_store ? 0 : 1], key))
			return line_names[i][to_store ? 1 : 0];
	return NULL;
}

/* One line renamed; keys Billing does not document are dropped (ignored). */
static json_t *line_renamed(const json_t *line, int to_store)
{
	json_t *out = json_object(), *v;
	const char *key, *name;

	json_object_foreach((json_t *)line, key, v)
		if ((name = renamed(key, to_store)))
			json_object_set(out, name, v);
	return out;
}

static json_t *lines_renamed(const json_t *lines, int to_store)
{
	json_t *out = json_array(), *line;
	size_t i;

	json_array_foreach(lines, i, line)
		json_array_append_new(out, json_is_object(line) ? line_renamed(line, to_store) : json_incref(line));
	return out;
}

static json_t *check_items(const json_t *items, int creating)
{
	const json_t *line;
	size_t i;

	if (!items)
		return creating ? fin_bad_value("invoice_items") : NULL;
	if (!json_is_array(items) || !json_array_size(items))
		return fin_bad_value("invoice_items");
	json_array_foreach(items, i, line) {
		if (!json_is_object(line) || str_empty(jstr(line, "product_id")))
			return fin_bad_value("invoice_items.product_id");
		if (!json_is_number(json_object_get(line, "quantity")))
			return fin_bad_value("invoice_items.quantity");
	}
	return NULL;
}

json_t *billing_invoice_in(const json_t *in, int creating, json_t **err)
{
	const json_t *items = json_object_get(in, "invoice_items");
	json_t *out;

	*err = NULL;
	if (!json_is_object(in))
		return json_incref((json_t *)in);
	if ((*err = check_items(items, creating)))
		return NULL;
	if (creating && str_empty(jstr(in, "date"))) {
		*err = fin_bad_value("date");
		return NULL;
	}
	out = json_deep_copy(in);
	json_object_del(out, "line_items"); /* Books' name: not Billing's */
	json_object_del(out, "invoice_items");
	if (items)
		json_object_set_new(out, "line_items", lines_renamed(items, 1));
	return out;
}

void billing_invoice_out(json_t *rec)
{
	json_t *lines = json_object_get(rec, "line_items");

	if (!lines)
		return;
	json_object_set_new(rec, "invoice_items", lines_renamed(lines, 0));
	json_object_del(rec, "line_items");
}

const char *billing_invoice_action(const char *segment)
{
	return str_eq(segment, "converttoopen") ? "sent" : str_eq(segment, "void") ? "void" : NULL;
}
