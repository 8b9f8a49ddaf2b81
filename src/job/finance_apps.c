/*
 * finance_apps.c - the one table of how the four Zoho finance apps differ
 * (zoho-api-facts.md §4).  Everything app-specific is read from here.
 */
#include <string.h>
#include "finsync/finance.h"

/* Of the person keys finsync maps, those each person endpoint documents. */
static const char *const books_person_keys[] = {
	"first_name", "last_name", "email", "phone", "mobile", "designation", "department", NULL
};
static const char *const billing_person_keys[] = { "first_name", "last_name", "email", "phone", "mobile", NULL };

/* Billing v1 invoices (CreateAnInvoiceRequest: customer_id, date, invoice_items[product_id, quantity]). */
static const struct invoice_shape billing_invoices = {
	.lines_key = "invoice_items",
	.item_key = "product_id",
	.rate_key = "price",
	.send_path = "/converttoopen",
	.void_path = "/void",
	.needs_date = 1,
};
/*
 * API calls a day per organisation by plan: Books' API introduction (Free
 * 1,000, Standard 2,000, Professional 5,000, Premium, Elite and Ultimate
 * 10,000); Inventory shares Books' rate-limit model (zoho-api-facts.md §4).
 */
static const struct finance_plan books_plans[] = {
	{ "free", 1000 },      { "standard", 2000 }, { "professional", 5000 }, { "premium", 10000 }, { "elite", 10000 },
	{ "ultimate", 10000 }, { NULL, 0 },
};

/* Books, Invoice and Inventory list invoices by status and customer payments the same way. */
#define BOOKS_PAYMENTS \
	.payments_path = "/customerpayments", .payments_key = "customerpayments", .overdue_query = "status=overdue", \
	.outstanding_in_list = 1

#define BOOKS_PERSONS \
	.persons_under_customer = 0, .persons_in_create = 1, .has_primary_person = 1, \
	.person_id_key = "contact_person_id", .person_required = "first_name", .person_keys = books_person_keys

/* What `finsync init --app` takes: NAME is the row of type "zoho-NAME" (t8730 runs each). */
const char *const finance_app_short_names[] = { "books", "invoice", "billing", "inventory", NULL };

/* Books, Invoice and Inventory: customers are /contacts, named by contact_name. */
#define BOOKS_CONTACTS \
	.customers_path = "/contacts", .customer_key = "contact", .customers_key = "contacts", \
	.customer_id_key = "contact_id", .customer_name_key = "contact_name", .street_key = "address"

/* One row an app, a few columns a line: laid out by hand. */
/* clang-format off */
static const struct finance_app apps[] = {
	{
		.plans = books_plans, .type = "zoho-books", .api_root = "books/v3", .label = "Zoho Books",
		.org = ORG_IN_QUERY, .org_header = NULL,
		BOOKS_CONTACTS,
		.has_vendors = 1, .has_contact_type = 1, .has_customer_sub_type = 1, .has_unique_upsert = 1,
		.has_item_type = 0, .has_deals = 1,
		.has_estimates = 1, BOOKS_PAYMENTS, BOOKS_PERSONS,
		/* create-an-invoice-request: line_items.items.required [item_id] */
		.invoice_line_needs_item = 1,
		/* sales-order.yml: POST /salesorders/{id}/status/open */
		.salesorder_confirm = "open",
		/* purchase-order.yml, InvOAS purchaseorders.yml: GET /purchaseorders, by id */
		.has_invoices = 1, .has_purchaseorders = 1,
		.custom_fields_path = "/settings/fields", .customers_menu = "Customers and Vendors",
	},
	{
		.type = "zoho-invoice", .api_root = "invoice/v3", .label = "Zoho Invoice",
		.org = ORG_IN_HEADER, .org_header = "X-com-zoho-invoice-organizationid",
		BOOKS_CONTACTS,
		.has_vendors = 0, .has_contact_type = 1, .has_customer_sub_type = 1, .has_unique_upsert = 0,
		.has_item_type = 0, .has_deals = 1,
		.has_estimates = 1, BOOKS_PAYMENTS, BOOKS_PERSONS,
		/* Invoice v3 invoices: the Books family; an item on every line, as the sandbox reads it */
		.invoice_line_needs_item = 1,
		.custom_fields_path = NULL, .customers_menu = "Customers",
	},
	{
		.type = "zoho-billing", .api_root = "billing/v1", .label = "Zoho Billing",
		.org = ORG_IN_HEADER, .org_header = "X-com-zoho-subscriptions-organizationid",
		.customers_path = "/customers", .customer_key = "customer",
		.customers_key = "customers", .customer_id_key = "customer_id",
		.customer_name_key = "display_name", .street_key = "street",
		.has_vendors = 0, .has_contact_type = 0, .has_unique_upsert = 0,
		.has_item_type = 0, .has_deals = 1,
		.has_estimates = 0,
		.invoice_line_needs_item = 1, .invoice_shape = &billing_invoices,
		/* Billing: /payments; its customer list rows carry no outstanding amount */
		.payments_path = "/payments", .payments_key = "payments", .overdue_query = "filter_by=Status.OverDue",
		.outstanding_in_list = 0,
		.persons_under_customer = 1, .persons_in_create = 0, .has_primary_person = 0,
		.person_id_key = "contactperson_id", .person_required = "email",
		.person_keys = billing_person_keys,
		.custom_fields_path = NULL, .customers_menu = "Customers",
	},
	{
		.plans = books_plans, .type = "zoho-inventory", .api_root = "inventory/v1", .label = "Zoho Inventory",
		.org = ORG_IN_QUERY, .org_header = NULL,
		BOOKS_CONTACTS,
		.has_vendors = 1, .has_contact_type = 1, .has_customer_sub_type = 1, .has_unique_upsert = 1,
		.has_item_type = 1, .has_deals = 1,
		.has_estimates = 0, BOOKS_PAYMENTS, BOOKS_PERSONS,
		/* InvOAS salesorders.yml: POST /salesorders/{id}/status/confirmed */
		.salesorder_confirm = "confirmed",
		/* purchase-order.yml, InvOAS purchaseorders.yml: GET /purchaseorders, by id */
		.has_invoices = 1, .has_purchaseorders = 1,
		.custom_fields_path = NULL, .customers_menu = "Customers and Vendors",
	},
};
/* clang-format on */

const struct finance_app *finance_app_find(const char *type)
{
	size_t i;

	for (i = 0; type && i < sizeof(apps) / sizeof(apps[0]); i++)
		if (!strcmp(apps[i].type, type))
			return &apps[i];
	return NULL;
}

long finance_plan_calls_a_day(const struct finance_app *app, const char *plan)
{
	const struct finance_plan *p;

	for (p = app->plans; p && p->name; p++)
		if (plan && !strcmp(p->name, plan))
			return p->calls_a_day;
	return 0;
}

const char *finance_app_names(void)
{
	return "zoho-books, zoho-invoice, zoho-billing, zoho-inventory";
}
