/*
 * test_quote_plan.c - src/xform/quote_plan.c: when a quote's stage has
 * reached the job's invoice stage, and its lines from either subform name.
 */
#include <jansson.h>
#include "../../src/xform/quote_plan.h"
#include "unit.h"

static void test_quote_plan__stage_reached(void)
{
	json_t *order = json_pack("[sssssss]", "Draft", "Negotiation", "Delivered", "On Hold", "Confirmed",
				  "Closed Won", "Closed Lost");

	CHECK(quote_stage_reached(order, "Confirmed", "Confirmed"));
	CHECK(quote_stage_reached(order, "confirmed", "Confirmed"));
	CHECK(quote_stage_reached(order, "Closed Won", "Confirmed"));
	CHECK(!quote_stage_reached(order, "Draft", "Confirmed"));
	CHECK(!quote_stage_reached(order, "Closed Lost", "Confirmed"));
	CHECK(!quote_stage_reached(order, "Closed Lost", "Closed Lost"));
	CHECK(!quote_stage_reached(NULL, "Closed Won", "Confirmed"));
	CHECK(quote_stage_reached(NULL, "Confirmed", "Confirmed"));
	CHECK(!quote_stage_reached(order, NULL, "Confirmed"));
	CHECK(!quote_stage_reached(order, "Unknown", "Confirmed"));
	json_decref(order);
}

static void test_quote_plan__lines(void)
{
	json_t *q =
		json_loads("{\"Quoted_Items\": [{\"Product_Name\": {\"name\": \"A\", \"id\": \"1\"}, \"Quantity\": 2,"
			   " \"List_Price\": 10.5, \"Discount\": 1, \"Description\": \"x\"}]}",
			   0, NULL);
	json_t *old = json_loads("{\"Product_Details\": [{\"product\": {\"id\": \"7\"}, \"quantity\": 1,"
				 " \"list_price\": 3, \"product_description\": \"\"}]}",
				 0, NULL);
	json_t *bad = json_loads("{\"Quoted_Items\": [{\"Quantity\": 1}]}", 0, NULL);
	const char *why = NULL;
	json_t *l = quote_lines(q, &why);

	CHECK(l && json_array_size(l) == 1);
	CHECK_STREQ(json_string_value(json_object_get(json_array_get(l, 0), "product_id")), "1");
	CHECK(json_real_value(json_object_get(json_array_get(l, 0), "rate")) == 10.5);
	CHECK(json_real_value(json_object_get(json_array_get(l, 0), "discount")) == 1);
	json_decref(l);
	l = quote_lines(old, &why);
	CHECK(l && !json_string_value(json_object_get(json_array_get(l, 0), "description")));
	CHECK_STREQ(json_string_value(json_object_get(json_array_get(l, 0), "product_id")), "7");
	json_decref(l);
	CHECK(!quote_lines(bad, &why));
	CHECK_STREQ(why, "a line item names no product");
	json_t *empty = json_object();
	CHECK(!quote_lines(empty, &why) && !strcmp(why, "the quote has no line items"));
	json_decref(empty);
	json_decref(q);
	json_decref(old);
	json_decref(bad);
}

static const struct unit_test quote_plan_tests[] = {
	UNIT(test_quote_plan__stage_reached),
	UNIT(test_quote_plan__lines),
	{ 0 },
};
UNIT_SUITE(quote_plan_tests)
