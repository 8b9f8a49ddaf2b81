/*
 * quote_plan.c - the decisions about a CRM quote (quote_plan.h): kept apart
 * from the stage that does the I/O so they are unit-tested
 * (tests/unit/test_quote_plan.c).  The two names of the line-item subform
 * (v8's Quoted_Items, the older Product_Details) are both read: the CRM
 * answers with the one its API version has.
 */
#include <string.h>
#include <strings.h>
#include "quote_plan.h"

static long index_of(json_t *order, const char *stage)
{
	json_t *v;
	size_t i;

	json_array_foreach(order, i, v)
		if (json_is_string(v) && !strcasecmp(json_string_value(v), stage))
			return (long)i;
	return -1;
}

int quote_stage_in(json_t *order, const char *stage)
{
	return stage && index_of(order, stage) >= 0;
}

static int is_lost(const char *stage)
{
	const char *p;

	for (p = stage; *p; p++)
		if (!strncasecmp(p, "lost", 4))
			return 1;
	return 0;
}

int quote_stage_reached(json_t *order, const char *stage, const char *at)
{
	long si, ai;

	if (!stage || !at || is_lost(stage))
		return 0;
	if (!strcasecmp(stage, at))
		return 1;
	si = index_of(order, stage);
	ai = index_of(order, at);
	return si >= 0 && ai >= 0 && si > ai;
}

static double num(json_t *row, const char *key)
{
	return json_number_value(json_object_get(row, key));
}

/* One subform row as a plan line, or NULL when it names no product or a bad quantity. */
static json_t *plan_line(json_t *row, int v8, const char **why)
{
	json_t *product = json_object_get(row, v8 ? "Product_Name" : "product");
	const char *pid = json_string_value(json_object_get(product, "id"));
	json_t *qty = json_object_get(row, v8 ? "Quantity" : "quantity");
	const char *desc = json_string_value(json_object_get(row, v8 ? "Description" : "product_description"));

	if (!pid || !*pid) {
		*why = "a line item names no product";
		return NULL;
	}
	if (!json_is_number(qty) || json_number_value(qty) <= 0) {
		*why = "a line item has no positive quantity";
		return NULL;
	}
	return json_pack("{s:s, s:O?, s:O, s:f, s:f, s:s?}", "product_id", pid, "product_name",
			 json_object_get(product, "name"), "quantity", qty, "rate",
			 num(row, v8 ? "List_Price" : "list_price"), "discount", num(row, "Discount"), "description",
			 desc && *desc ? desc : NULL);
}

json_t *quote_lines(json_t *quote, const char **why)
{
	json_t *rows = json_object_get(quote, "Quoted_Items"), *lines, *row, *l;
	int v8 = rows != NULL;
	size_t i;

	if (!v8)
		rows = json_object_get(quote, "Product_Details");
	if (!json_is_array(rows) || !json_array_size(rows)) {
		*why = "the quote has no line items";
		return NULL;
	}
	lines = json_array();
	json_array_foreach(rows, i, row) {
		if (!(l = plan_line(row, v8, why))) {
			json_decref(lines);
			return NULL;
		}
		json_array_append_new(lines, l);
	}
	return lines;
}
