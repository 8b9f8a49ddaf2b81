/*
 * test_entities.c - the record entity table (src/job/entities.c): names
 * and rows agree, customers read the CRM modules their mode names, the
 * finance keys follow the app, and field_owner overrides which side wins
 * a both-ways clash.
 */
#include <string.h>
#include <jansson.h>
#include "finsync/finance.h"
#include "finsync/job.h"
#include "unit.h"

static void test_entities__names_and_rows(void)
{
	int i;

	for (i = 0; i < ENTITY_COUNT; i++) {
		CHECK(entity_defs[i].kind == (enum entity_kind)i);
		CHECK_STREQ(entity_names[i], entity_defs[i].name);
		CHECK_STREQ(entity_kind_name((enum entity_kind)i), entity_defs[i].name);
		CHECK(entity_def_find(entity_defs[i].name) == &entity_defs[i]);
		CHECK(entity_defs[i].name_max > 0);
	}
	CHECK(entity_names[ENTITY_COUNT] == NULL);
	CHECK(entity_def_find("deals") == NULL);
	CHECK(entity_def_find(NULL) == NULL);
	/* Customers and vendors share the app's contact names; items share with nothing. */
	CHECK(entity_defs[ENTITY_CUSTOMERS].same_names == ENTITY_VENDORS);
	CHECK(entity_defs[ENTITY_VENDORS].same_names == ENTITY_CUSTOMERS);
	CHECK(entity_defs[ENTITY_ITEMS].same_names == ENTITY_COUNT);
}

static const char *modules(enum entity_kind kind, enum crm_mode mode)
{
	static char text[64];
	struct entity_sync e = { 0 };
	const char *const *m;

	e.kind = kind;
	e.crm_module = mode;
	text[0] = '\0';
	for (m = entity_crm_modules(&e); *m; m++) {
		strcat(text, *m);
		strcat(text, m[1] ? "," : "");
	}
	return text;
}

static void test_entities__crm_modules(void)
{
	CHECK_STREQ(modules(ENTITY_CUSTOMERS, CRM_ACCOUNTS), "Accounts");
	CHECK_STREQ(modules(ENTITY_CUSTOMERS, CRM_CONTACTS), "Contacts");
	CHECK_STREQ(modules(ENTITY_CUSTOMERS, CRM_ACCOUNTS_AND_CONTACTS), "Accounts,Contacts");
	CHECK_STREQ(modules(ENTITY_VENDORS, CRM_CONTACTS), "Vendors"); /* the mode is the customers' */
	CHECK_STREQ(modules(ENTITY_ITEMS, CRM_ACCOUNTS), "Products");
}

static void test_entities__finance_keys_follow_the_app(void)
{
	struct job job = { 0 };

	job.app = finance_app_find("zoho-billing");
	CHECK_STREQ(entity_finance_id_key(&job, ENTITY_CUSTOMERS), "customer_id");
	CHECK_STREQ(entity_finance_name_key(&job, ENTITY_CUSTOMERS), "display_name");
	CHECK_STREQ(entity_finance_id_key(&job, ENTITY_ITEMS), "item_id");
	job.app = finance_app_find("zoho-books");
	CHECK_STREQ(entity_finance_id_key(&job, ENTITY_VENDORS), "contact_id");
	CHECK_STREQ(entity_finance_name_key(&job, ENTITY_VENDORS), "contact_name");
	CHECK_STREQ(entity_finance_name_key(&job, ENTITY_ITEMS), "name");
}

static void test_entities__field_owner(void)
{
	struct entity_sync e = { 0 };
	json_t *owner = json_pack("{s:s, s:s}", "phone", "finance", "rate", "crm");

	e.kind = ENTITY_CUSTOMERS;
	CHECK(entity_finance_owns(&e, "phone") == 0); /* customers: the CRM goes first */
	e.field_owner = owner;
	CHECK(entity_finance_owns(&e, "phone") == 1);
	CHECK(entity_finance_owns(&e, "email") == 0);
	e.kind = ENTITY_ITEMS;
	e.field_owner = NULL;
	CHECK(entity_finance_owns(&e, "rate") == 1); /* items: the finance side goes first */
	e.field_owner = owner;
	CHECK(entity_finance_owns(&e, "rate") == 0);
	json_decref(owner);
}

static const struct unit_test entities_tests[] = {
	UNIT(test_entities__names_and_rows),
	UNIT(test_entities__crm_modules),
	UNIT(test_entities__finance_keys_follow_the_app),
	UNIT(test_entities__field_owner),
	{ 0 },
};
UNIT_SUITE(entities_tests)
