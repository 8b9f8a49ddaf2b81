/*
 * finance_app.c - THE table of how Zoho Books, Invoice, Billing and
 * Inventory differ: root path, where the organisation id goes, resource
 * paths, envelope keys, field names, the keys each accepts, messages and
 * error codes.  Every other finance file reads this table; none of them
 * tests an app's name.
 *
 * Accepted keys follow the Books v3 OpenAPI "create-a-contact-request" (and
 * the facts sheet for the others); a key not listed is refused with code 2.
 */
#include "finance.h"

#include <string.h>

/* The tables below are laid out by hand, a few keys a line, as the pages list them. */
/* clang-format off */
static const char *const address_books[] = {
	"attention", "address", "street2", "state_code", "city", "state", "zip",
	"country", "fax", "phone", NULL
};

/* Billing: the facts sheet lists exactly these (note "street"). */
static const char *const address_billing[] = {
	"attention", "street", "city", "state", "zip", "country", "state_code", "fax", NULL
};

const char *const fin_person_keys[] = {
	"contact_person_id", "salutation", "first_name", "last_name", "email", "phone",
	"mobile", "designation", "department", "skype", "is_primary_contact",
	"enable_portal", "communication_preference", NULL
};

#define CONTACT_COMMON \
	{ "company_name", K_STR }, { "website", K_STR }, { "language_code", K_STR }, \
	{ "contact_type", K_STR }, { "customer_sub_type", K_STR }, \
	{ "currency_id", K_STR }, { "payment_terms", K_INT }, \
	{ "payment_terms_label", K_STR }, { "notes", K_STR }, \
	{ "billing_address", K_OBJ }, { "shipping_address", K_OBJ }, \
	{ "contact_persons", K_ARR }, { "default_templates", K_OBJ }, \
	{ "custom_fields", K_ARR }, { "is_portal_enabled", K_BOOL }, \
	{ "owner_id", K_STR }, { "pricebook_id", K_STR }, { "tags", K_ARR }, \
	{ "vat_reg_no", K_STR }, { "tax_reg_no", K_STR }, { "country_code", K_STR }, \
	{ "vat_treatment", K_STR }, { "tax_treatment", K_STR }, \
	{ "gst_no", K_STR }, { "gst_treatment", K_STR }, { "place_of_contact", K_STR }, \
	{ "tax_exemption_id", K_STR }, { "tax_authority_id", K_STR }, \
	{ "tax_id", K_STR }, { "is_taxable", K_BOOL }, { "facebook", K_STR }, \
	{ "twitter", K_STR }

static const struct keyspec contact_keys_books[] = {
	{ "contact_name", K_STR }, CONTACT_COMMON,
	{ "credit_limit", K_NUM }, { "contact_number", K_STR },
	{ "ignore_auto_number_generation", K_BOOL }, { "opening_balances", K_ARR },
	{ "tax_exemption_certificate_number", K_STR }, { "tax_regime", K_STR },
	{ "legal_name", K_STR }, { "is_tds_registered", K_BOOL },
	{ "tax_authority_name", K_STR }, { "avatax_exempt_no", K_STR },
	{ "avatax_use_code", K_STR }, { "tax_exemption_code", K_STR },
	{ "tds_tax_id", K_STR }, { "track_1099", K_BOOL }, { "tax_id_type", K_STR },
	{ "tax_id_value", K_STR }, { NULL, K_ANY }
};

static const struct keyspec contact_keys_invoice[] = {
	{ "contact_name", K_STR }, CONTACT_COMMON, { NULL, K_ANY }
};

static const struct keyspec contact_keys_inventory[] = {
	{ "contact_name", K_STR }, CONTACT_COMMON, { "credit_limit", K_NUM },
	{ NULL, K_ANY }
};

static const struct keyspec contact_keys_billing[] = {
	{ "display_name", K_STR }, { "salutation", K_STR }, { "first_name", K_STR },
	{ "last_name", K_STR }, { "email", K_STR }, { "company_name", K_STR },
	{ "phone", K_STR }, { "mobile", K_STR }, { "department", K_STR },
	{ "designation", K_STR }, { "website", K_STR }, { "contact_type", K_STR },
	{ "currency_code", K_STR },
	{ "currency_id", K_STR }, { "billing_address", K_OBJ },
	{ "shipping_address", K_OBJ }, { "payment_terms", K_INT },
	{ "payment_terms_label", K_STR }, { "notes", K_STR },
	{ "custom_fields", K_ARR },
	{ "default_templates", K_OBJ }, { "is_portal_enabled", K_BOOL },
	{ "language_code", K_STR }, { "ach_supported", K_BOOL }, { "tags", K_ARR },
	{ "gst_no", K_STR }, { "gst_treatment", K_STR }, { "place_of_contact", K_STR },
	{ "vat_treatment", K_STR }, { "vat_reg_no", K_STR }, { "country_code", K_STR },
	{ "is_taxable", K_BOOL }, { "tax_id", K_STR }, { "tax_authority_id", K_STR },
	{ "tax_exemption_id", K_STR }, { "twitter", K_STR }, { "facebook", K_STR },
	{ "skype", K_STR }, { NULL, K_ANY }
};

/*
 * Billing's customer page has neither contact_persons (its persons are
 * /customers/{id}/contactpersons) nor customer_sub_type: a body carrying
 * them is taken without them, as an app ignores a key it does not know.
 */
static const char *const ignored_billing[] = { "contact_persons", "customer_sub_type", NULL };

#define ITEM_COMMON \
	{ "name", K_STR }, { "rate", K_NUM }, { "description", K_STR }, \
	{ "sku", K_STR }, { "product_type", K_STR }, { "unit", K_STR }, \
	{ "tax_id", K_STR }, { "is_taxable", K_BOOL }, { "tax_exemption_id", K_STR }, \
	{ "account_id", K_STR }, { "hsn_or_sac", K_STR }, \
	{ "item_tax_preferences", K_ARR }, { "custom_fields", K_ARR }

static const struct keyspec item_keys_books[] = {
	ITEM_COMMON, { "item_type", K_STR }, { "purchase_rate", K_NUM },
	{ "purchase_description", K_STR }, { "purchase_account_id", K_STR },
	{ "inventory_account_id", K_STR }, { "vendor_id", K_STR },
	{ "reorder_level", K_NUM }, { "initial_stock", K_NUM },
	{ "initial_stock_rate", K_NUM }, { "sat_item_key_code", K_STR },
	{ "unitkey_code", K_STR }, { "avatax_tax_code", K_STR },
	{ "avatax_use_code", K_STR }, { "locations", K_ARR }, { "tags", K_ARR },
	{ NULL, K_ANY }
};

static const struct keyspec item_keys_inventory[] = {
	ITEM_COMMON, { "item_type", K_STR }, { "purchase_rate", K_NUM },
	{ "purchase_description", K_STR }, { "purchase_account_id", K_STR },
	{ "inventory_account_id", K_STR }, { "vendor_id", K_STR },
	{ "reorder_level", K_NUM }, { "initial_stock", K_NUM },
	{ "initial_stock_rate", K_NUM }, { "upc", K_STR }, { "ean", K_STR },
	{ "isbn", K_STR }, { "part_number", K_STR }, { "brand", K_STR },
	{ "manufacturer", K_STR }, { "weight", K_NUM }, { "package_details", K_OBJ },
	{ "is_returnable", K_BOOL }, { "locations", K_ARR }, { "tags", K_ARR },
	{ NULL, K_ANY }
};

static const struct keyspec item_keys_invoice[] = {
	ITEM_COMMON, { "sat_item_key_code", K_STR }, { "unitkey_code", K_STR },
	{ "avatax_tax_code", K_STR }, { "avatax_use_code", K_STR }, { NULL, K_ANY }
};

static const struct keyspec item_keys_billing[] = {
	ITEM_COMMON, { "tags", K_ARR }, { NULL, K_ANY }
};

/* Transactions.  Only what the sandbox computes is accepted: no taxes,
 * discounts, shipping or adjustments (they would change the totals). */
#define TX_COMMON \
	{ "customer_id", K_STR }, { "line_items", K_ARR }, { "date", K_STR }, \
	{ "reference_number", K_STR }, { "salesperson_name", K_STR }, \
	{ "notes", K_STR }, { "terms", K_STR }, { "custom_fields", K_ARR }, \
	{ "zcrm_potential_id", K_STR }, { "currency_id", K_STR }, \
	{ "exchange_rate", K_NUM }, { "contact_persons", K_ARR }, \
	{ "template_id", K_STR }, { "discount_type", K_STR }

static const struct keyspec invoice_keys_books[] = {
	TX_COMMON, { "invoice_number", K_STR }, { "due_date", K_STR },
	{ "payment_terms", K_INT }, { "payment_terms_label", K_STR },
	{ "allow_partial_payments", K_BOOL }, { "invoiced_estimate_id", K_STR },
	{ NULL, K_ANY }
};

static const struct keyspec invoice_keys_inventory[] = {
	TX_COMMON, { "invoice_number", K_STR }, { "due_date", K_STR },
	{ "payment_terms", K_INT }, { "payment_terms_label", K_STR },
	{ "allow_partial_payments", K_BOOL }, { NULL, K_ANY }
};

static const struct keyspec estimate_keys_books[] = {
	TX_COMMON, { "estimate_number", K_STR }, { "expiry_date", K_STR },
	{ NULL, K_ANY }
};

/* Books sales-order.yml create-a-sales-order-request, Inventory salesorders.yml. */
static const struct keyspec salesorder_keys[] = {
	TX_COMMON, { "salesorder_number", K_STR }, { "shipment_date", K_STR },
	{ "delivery_method", K_STR }, { NULL, K_ANY }
};

/* Books purchase-order.yml create-a-purchase-order-request, InvOAS purchaseorders.yml: a vendor's. */
static const struct keyspec purchaseorder_keys[] = {
	{ "vendor_id", K_STR }, { "line_items", K_ARR }, { "date", K_STR },
	{ "purchaseorder_number", K_STR }, { "reference_number", K_STR },
	{ "delivery_date", K_STR }, { "notes", K_STR }, { "terms", K_STR },
	{ "custom_fields", K_ARR }, { "currency_id", K_STR }, { "exchange_rate", K_NUM },
	{ NULL, K_ANY }
};

/* Billing's invoice body, once in the store's names (finance_billing_tx.c). */
static const struct keyspec invoice_keys_billing[] = {
	TX_COMMON, { "invoice_number", K_STR }, { "due_date", K_STR },
	{ "payment_terms", K_INT }, { "payment_terms_label", K_STR },
	{ "allow_partial_payments", K_BOOL }, { NULL, K_ANY }
};

static const struct keyspec payment_keys[] = {
	{ "customer_id", K_STR }, { "payment_mode", K_STR }, { "amount", K_NUM },
	{ "date", K_STR }, { "reference_number", K_STR }, { "description", K_STR },
	{ "invoices", K_ARR }, { "exchange_rate", K_NUM }, { "bank_charges", K_NUM },
	{ "account_id", K_STR }, { "custom_fields", K_ARR }, { "contact_persons", K_ARR },
	{ NULL, K_ANY }
};

/* List rows: the keys of the documented sample rows (Books list-contacts,
 * Inventory contacts.yml, Billing list-customers), no customer_sub_type and
 * no custom fields: the harsher reading of what real rows carry. */
static const char *const contact_list_keys[] = {
	"contact_id", "contact_name", "customer_name", "company_name", "contact_type",
	"status", "first_name", "last_name", "email", "phone",
	"mobile", "website", "currency_id", "currency_code", "payment_terms",
	"payment_terms_label", "outstanding_receivable_amount",
	"unused_credits_receivable_amount", "created_time", "last_modified_time", NULL
};

static const char *const customer_list_keys[] = {
	"customer_id", "display_name", "customer_name", "first_name", "last_name",
	"email", "company_name", "phone", "mobile", "website",
	"status", "currency_id", "currency_code", "created_time", "updated_time",
	"last_modified_time", NULL
};

static const char *const item_list_keys[] = {
	"item_id", "name", "sku", "rate", "description", "unit", "status",
	"product_type", "tax_id", "created_time", "last_modified_time", NULL
};

static const char *const item_list_keys_typed[] = {
	"item_id", "name", "sku", "rate", "description", "unit", "status",
	"product_type", "item_type", "tax_id", "created_time", "last_modified_time", NULL
};

/*
 * What Books, Invoice and Inventory say alike of contacts (the Books family's
 * /contacts, contact_person_id and messages), and what the apps with and
 * without item_type say alike of items: written once, so that an app's entry
 * below shows where it differs.
 */
#define BOOKS_FAMILY_CONTACTS \
	.contacts_path = "contacts", .contact_key = "contact", \
	.contacts_key = "contacts", .contact_id_key = "contact_id", \
	.contact_name_key = "contact_name", .street_key = "address", \
	.person_keys_on_top = 0, \
	.person_id_key = "contact_person_id", .persons_key = "contact_persons", \
	.msg_contact_created = "The contact has been created", \
	.msg_contact_updated = "Contact has been updated successfully", \
	.msg_contact_deleted = "The contact has been deleted.", \
	.msg_contact_missing = "Contact does not exist.", \
	.msg_contact_name = "Enter a valid Contact Name", \
	.address_keys = address_books, .contact_list_keys = contact_list_keys

/* Books and Inventory: items with item_type; a duplicate name is 1001, an unknown item 1002. */
#define TYPED_ITEMS \
	.item_type = 1, .dup_item_code = 1001, .msg_dup_item = "The item name already exist", \
	.item_missing_code = 1002, .item_list_keys = item_list_keys_typed

/* Invoice and Billing: no item_type; a duplicate name is 1000, an unknown item 2006. */
#define PLAIN_ITEMS \
	.item_type = 0, .dup_item_code = 1000, .msg_dup_item = "The item name already exist", \
	.item_missing_code = 2006, .item_list_keys = item_list_keys

const struct fin_app fin_apps[4] = {
	{
		.name = "books", .root = "/books/v3", .org_header = NULL, .index = 0,
		.lists_custom_fields = 1, .invoice_lines_need_item = 1, .deal_filter = 1,
		BOOKS_FAMILY_CONTACTS, .contact_keys = contact_keys_books,
		.vendors = 1, .upsert = 1,
		TYPED_ITEMS, .item_keys = item_keys_books,
		.invoice_keys = invoice_keys_books, .estimate_keys = estimate_keys_books,
		.payment_keys = payment_keys, .payments_path = "customerpayments",
		/* sales-order.yml: POST /salesorders/{id}/status/open */
		.salesorder_keys = salesorder_keys, .salesorder_confirm = "open",
		.purchaseorder_keys = purchaseorder_keys,
	},
	{
		.name = "invoice", .root = "/invoice/v3",
		.org_header = "X-com-zoho-invoice-organizationid", .index = 1,
		BOOKS_FAMILY_CONTACTS, .contact_keys = contact_keys_invoice,
		.vendors = 0, .upsert = 0,
		PLAIN_ITEMS, .item_keys = item_keys_invoice,
		/* Invoice v3 invoices and estimates: the Books family (fact sheet §4);
		 * a line's item_id required as in Books: reading chosen (harsher). */
		.invoice_keys = invoice_keys_books, .estimate_keys = estimate_keys_books,
		.invoice_lines_need_item = 1,
		.payment_keys = payment_keys, .payments_path = "customerpayments",
	},
	{
		.name = "billing", .root = "/billing/v1",
		.org_header = "X-com-zoho-subscriptions-organizationid", .index = 2,
		.contacts_path = "customers", .contact_key = "customer",
		.contacts_key = "customers", .contact_id_key = "customer_id",
		.contact_name_key = "display_name", .street_key = "street",
		.vendors = 0, .upsert = 0, .person_keys_on_top = 1,
		.persons_under_customer = 1, .person_id_key = "contactperson_id",
		.persons_key = "contactpersons", .ignored_keys = ignored_billing,
		.msg_contact_created = "The customer has been created",
		.msg_contact_updated = "Customer details have been updated.",
		.msg_contact_deleted = "The customer has been deleted.",
		.msg_contact_missing = "Customer does not exist.",
		.msg_contact_name = "Enter a valid Display Name",
		.address_keys = address_billing, .contact_keys = contact_keys_billing,
		.contact_list_keys = customer_list_keys,
		PLAIN_ITEMS, .item_keys = item_keys_billing,
		/* Billing v1 invoices: product_id on every line (finance_billing_tx.c) */
		.invoice_keys = invoice_keys_billing, .invoice_lines_need_item = 1,
		.billing_invoices = 1,
		/* Billing: /payments */
		.payment_keys = payment_keys, .payments_path = "payments",
	},
	{
		.name = "inventory", .root = "/inventory/v1", .org_header = NULL, .index = 3,
		BOOKS_FAMILY_CONTACTS, .contact_keys = contact_keys_inventory,
		.vendors = 1, .upsert = 1,
		TYPED_ITEMS, .item_keys = item_keys_inventory,
		.invoice_keys = invoice_keys_inventory, .estimate_keys = NULL,
		.payment_keys = payment_keys, .payments_path = "customerpayments",
		/* InvOAS salesorders.yml: POST /salesorders/{id}/status/confirmed;
		 * its create request marks salesorder_number required (Books':
		 * only with auto-numbering off): the harsher reading, unless
		 * POST /__control/readings {"salesorder_auto_number":true}. */
		.salesorder_keys = salesorder_keys, .salesorder_confirm = "confirmed",
		.salesorder_number_required = 1,
		.purchaseorder_keys = purchaseorder_keys,
	},
};
/* clang-format on */

const struct fin_app *fin_app_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < 4; i++)
		if (str_eq(fin_apps[i].name, name))
			return &fin_apps[i];
	return NULL;
}

int fin_kind_by_name(const struct fin_app *app, const char *res)
{
	if (str_eq(res, "items"))
		return FIN_ITEMS;
	if (str_eq(res, "invoices"))
		return app->invoice_keys ? FIN_INVOICES : -1;
	if (str_eq(res, "estimates"))
		return app->estimate_keys ? FIN_ESTIMATES : -1;
	if (app->payments_path && str_eq(res, app->payments_path))
		return app->payment_keys ? FIN_PAYMENTS : -1;
	if (str_eq(res, "salesorders"))
		return app->salesorder_keys ? FIN_SALESORDERS : -1;
	if (str_eq(res, "purchaseorders"))
		return app->purchaseorder_keys ? FIN_PURCHASEORDERS : -1;
	if (str_eq(res, "contacts") || str_eq(res, "customers") || str_eq(res, app->contacts_path))
		return FIN_CONTACTS;
	return -1;
}

const char *fin_app_name(const struct fin_app *app)
{
	return app->name;
}

int fin_app_index(const struct fin_app *app)
{
	return app->index;
}

static void tx_init(struct fres *fr, const char *what, const char *many, const struct keyspec *keys)
{
	static const char *const ids[] = {
		"invoice_id", "estimate_id", "payment_id", "salesorder_id", "purchaseorder_id"
	};
	static const char *const numbers[] = {
		"invoice_number", "estimate_number", "payment_number", "salesorder_number", "purchaseorder_number"
	};
	int i = fr->kind - FIN_INVOICES;

	fr->id_key = ids[i];
	fr->name_key = numbers[i];
	fr->one_key = what;
	fr->many_key = many;
	fr->res_name = many;
	fr->keys = keys;
	fr->cf_defs = json_object_get(fr->sb->fin_cf, many);
}

void fres_init(struct fres *fr, struct sandbox *sb, const struct fin_app *app, enum fin_kind kind)
{
	memset(fr, 0, sizeof(*fr));
	fr->sb = sb;
	fr->app = app;
	fr->kind = kind;
	if (kind == FIN_INVOICES) {
		tx_init(fr, "invoice", "invoices", app->invoice_keys);
	} else if (kind == FIN_ESTIMATES) {
		tx_init(fr, "estimate", "estimates", app->estimate_keys);
	} else if (kind == FIN_PAYMENTS) {
		tx_init(fr, "payment", app->payments_path, app->payment_keys);
	} else if (kind == FIN_SALESORDERS) {
		tx_init(fr, "salesorder", "salesorders", app->salesorder_keys);
	} else if (kind == FIN_PURCHASEORDERS) {
		tx_init(fr, "purchaseorder", "purchaseorders", app->purchaseorder_keys);
	} else if (kind == FIN_ITEMS) {
		fr->id_key = "item_id";
		fr->name_key = "name";
		fr->one_key = "item";
		fr->many_key = "items";
		fr->res_name = "items";
		fr->keys = app->item_keys;
		fr->cf_defs = json_object_get(sb->fin_cf, "items");
	} else {
		fr->id_key = app->contact_id_key;
		fr->name_key = app->contact_name_key;
		fr->one_key = app->contact_key;
		fr->many_key = app->contacts_key;
		fr->res_name = app->contacts_path;
		fr->keys = app->contact_keys;
		fr->cf_defs = json_object_get(sb->fin_cf, "contacts");
	}
}
