/*
 * test_finance_apps.c - the finance app table (src/job/finance_apps.c):
 * every name the job file may give is found and only those, each row is
 * consistent with itself (the stages trust a capability without checking
 * another), and a plan's daily calls are the documented figures.
 */
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/finance.h"
#include "unit.h"

/* Each type of finance_app_names() ("a, b, c") in turn. */
static int each_name(int (*fn)(const char *type))
{
	char *names = xstrdup(finance_app_names()), *save = NULL, *t;
	int n = 0;

	for (t = strtok_r(names, ", ", &save); t; t = strtok_r(NULL, ", ", &save))
		n += fn(t);
	xfree(names);
	return n;
}

static int row_consistent(const char *type)
{
	const struct finance_app *a = finance_app_find(type);
	int ok = a && !strcmp(a->type, type) && a->label && *a->label;

	ok = ok && (a->org == ORG_IN_HEADER) == (a->org_header != NULL);
	ok = ok && a->customers_path && a->customer_key && a->customers_key && a->customer_id_key &&
	     a->customer_name_key && a->street_key;
	ok = ok && (!a->has_vendors || a->has_contact_type); /* a vendor is a contact_type */
	ok = ok && !(a->persons_in_create && a->persons_under_customer);
	ok = ok && (a->payments_path != NULL) == (a->payments_key != NULL);
	ok = ok && a->person_id_key && a->person_required && a->person_keys;
	if (!ok)
		fprintf(stderr, "finance app '%s' is not consistent\n", type);
	return ok;
}

static void test_finance_apps__names_and_rows(void)
{
	CHECK_INTEQ(each_name(row_consistent), 4);
	CHECK(finance_app_find("zoho-sheets") == NULL);
	CHECK(finance_app_find("Zoho-Books") == NULL); /* exact, as the job file is checked */
	CHECK(finance_app_find(NULL) == NULL);
	CHECK_STREQ(finance_app_find("zoho-billing")->customer_name_key, "display_name");
	CHECK(finance_app_find("zoho-billing")->invoice_shape != NULL);
	CHECK(finance_app_find("zoho-books")->invoice_shape == NULL);
	CHECK_STREQ(finance_app_find("zoho-inventory")->salesorder_confirm, "confirmed");
	CHECK(finance_app_find("zoho-invoice")->has_vendors == 0);
}

static void test_finance_apps__plans(void)
{
	const struct finance_app *books = finance_app_find("zoho-books");

	CHECK_INTEQ(finance_plan_calls_a_day(books, "free"), 1000);
	CHECK_INTEQ(finance_plan_calls_a_day(books, "standard"), 2000);
	CHECK_INTEQ(finance_plan_calls_a_day(books, "professional"), 5000);
	CHECK_INTEQ(finance_plan_calls_a_day(books, "ultimate"), 10000);
	CHECK_INTEQ(finance_plan_calls_a_day(finance_app_find("zoho-inventory"), "premium"), 10000);
	CHECK_INTEQ(finance_plan_calls_a_day(books, "platinum"), 0);
	CHECK_INTEQ(finance_plan_calls_a_day(books, NULL), 0);
	CHECK_INTEQ(finance_plan_calls_a_day(finance_app_find("zoho-billing"), "standard"), 0); /* none documented */
}

static const struct unit_test finance_apps_tests[] = {
	UNIT(test_finance_apps__names_and_rows),
	UNIT(test_finance_apps__plans),
	{ 0 },
};
UNIT_SUITE(finance_apps_tests)
