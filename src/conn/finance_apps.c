/*
 * finance_apps.c - the one table of how the four Zoho finance apps differ
 * (zoho-api-facts.md §4).  Everything app-specific is read from here.
 */
#include <string.h>
#include "finsync/finance.h"

static const struct finance_app apps[] = {
	{
		.type = "zoho-books", .label = "Zoho Books",
		.org = ORG_IN_QUERY, .org_header = NULL,
		.customers_path = "/contacts", .customer_key = "contact",
		.customers_key = "contacts", .customer_id_key = "contact_id",
		.customer_name_key = "contact_name", .street_key = "address",
		.has_vendors = 1, .has_contact_type = 1, .has_unique_upsert = 1,
		.has_item_type = 0, .has_deals = 1,
		.has_estimates = 1, .payments_path = "/customerpayments",
		/* create-an-invoice-request: line_items.items.required [item_id] */
		.invoice_line_needs_item = 1,
		.custom_fields_path = "/settings/fields", .customers_menu = "Customers and Vendors",
	},
	{
		.type = "zoho-invoice", .label = "Zoho Invoice",
		.org = ORG_IN_HEADER, .org_header = "X-com-zoho-invoice-organizationid",
		.customers_path = "/contacts", .customer_key = "contact",
		.customers_key = "contacts", .customer_id_key = "contact_id",
		.customer_name_key = "contact_name", .street_key = "address",
		.has_vendors = 0, .has_contact_type = 1, .has_unique_upsert = 0,
		.has_item_type = 0, .has_deals = 0,
		.has_estimates = 1, .payments_path = NULL,
		.custom_fields_path = NULL, .customers_menu = "Customers",
	},
	{
		.type = "zoho-billing", .label = "Zoho Billing",
		.org = ORG_IN_HEADER, .org_header = "X-com-zoho-subscriptions-organizationid",
		.customers_path = "/customers", .customer_key = "customer",
		.customers_key = "customers", .customer_id_key = "customer_id",
		.customer_name_key = "display_name", .street_key = "street",
		.has_vendors = 0, .has_contact_type = 0, .has_unique_upsert = 0,
		.has_item_type = 0, .has_deals = 0,
		.has_estimates = 0, .payments_path = NULL,
		.custom_fields_path = NULL, .customers_menu = "Customers",
	},
	{
		.type = "zoho-inventory", .label = "Zoho Inventory",
		.org = ORG_IN_QUERY, .org_header = NULL,
		.customers_path = "/contacts", .customer_key = "contact",
		.customers_key = "contacts", .customer_id_key = "contact_id",
		.customer_name_key = "contact_name", .street_key = "address",
		.has_vendors = 1, .has_contact_type = 1, .has_unique_upsert = 1,
		.has_item_type = 1, .has_deals = 1,
		.has_estimates = 0, .payments_path = "/customerpayments",
		.custom_fields_path = NULL, .customers_menu = "Customers and Vendors",
	},
};

const struct finance_app *finance_app_find(const char *type)
{
	size_t i;

	for (i = 0; type && i < sizeof(apps) / sizeof(apps[0]); i++)
		if (!strcmp(apps[i].type, type))
			return &apps[i];
	return NULL;
}

const char *finance_app_names(void)
{
	return "zoho-books, zoho-invoice, zoho-billing, zoho-inventory";
}
