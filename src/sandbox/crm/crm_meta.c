/*
 * crm_meta.c - what the sandbox knows about CRM modules and their fields:
 * the standard modules (system duplicate-check field, mandatory fields), the
 * standard fields of each (facts sheet §1.10) with a data type, plus every
 * field seen in seeded records and in crm/fields.json.
 */
#include "../sb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A standard field: its API name, data type and, for a lookup, the module it points to. */
struct std_field {
	const char *name;
	const char *type;
	const char *lookup;
};

/* The field tables below are laid out by hand, one field a line. */
/* clang-format off */
#define F(name, type) { name, type, NULL }
#define LOOKUP(name, module) { name, "lookup", module }

/*
 * The standard fields of each module (facts §1.10), in the order the field
 * list gives them.  Types: text textarea email phone website picklist
 * multiselectpicklist integer double currency boolean date datetime lookup
 * ownerlookup lineitem any.  First, every module's: after its own and
 * its record name.
 */
static const struct std_field every_module_fields[] = {
	F("Owner", "ownerlookup"), F("Description", "textarea"), F("Tag", "any"),
	{ NULL, NULL, NULL }
};

static const struct std_field account_fields[] = {
	F("Account_Name", "text"), F("Account_Number", "text"), F("Account_Site", "text"),
	F("Account_Type", "picklist"), LOOKUP("Parent_Account", "Accounts"),
	F("Phone", "phone"), F("Fax", "phone"), F("Website", "website"),
	F("Industry", "picklist"), F("Employees", "integer"), F("Annual_Revenue", "currency"),
	F("Ownership", "picklist"), F("Rating", "picklist"), F("SIC_Code", "integer"),
	F("Ticker_Symbol", "text"),
	F("Billing_Street", "text"), F("Billing_City", "text"), F("Billing_State", "text"),
	F("Billing_Code", "text"), F("Billing_Country", "text"),
	F("Shipping_Street", "text"), F("Shipping_City", "text"), F("Shipping_State", "text"),
	F("Shipping_Code", "text"), F("Shipping_Country", "text"),
	F("Territories", "any"), F("Record_Image", "text"),
	{ NULL, NULL, NULL }
};

static const struct std_field contact_fields[] = {
	F("First_Name", "text"), F("Last_Name", "text"), F("Full_Name", "text"),
	F("Salutation", "picklist"), F("Email", "email"), F("Secondary_Email", "email"),
	F("Phone", "phone"), F("Mobile", "phone"), F("Home_Phone", "phone"), F("Other_Phone", "phone"),
	F("Fax", "phone"), F("Assistant", "text"), F("Asst_Phone", "phone"),
	F("Title", "text"), F("Department", "text"), LOOKUP("Account_Name", "Accounts"),
	LOOKUP("Vendor_Name", "Vendors"), LOOKUP("Reporting_To", "Contacts"),
	F("Mailing_Street", "text"), F("Mailing_City", "text"), F("Mailing_State", "text"),
	F("Mailing_Zip", "text"), F("Mailing_Country", "text"),
	F("Other_Street", "text"), F("Other_City", "text"), F("Other_State", "text"),
	F("Other_Zip", "text"), F("Other_Country", "text"),
	F("Date_of_Birth", "date"), F("Lead_Source", "picklist"), F("Email_Opt_Out", "boolean"),
	F("Skype_ID", "text"), F("Twitter", "text"),
	{ NULL, NULL, NULL }
};

static const struct std_field product_fields[] = {
	F("Product_Name", "text"), F("Product_Code", "text"), F("Product_Category", "picklist"),
	F("Product_Active", "boolean"), F("Unit_Price", "currency"),
	F("Tax", "multiselectpicklist"), F("Taxable", "boolean"),
	F("Commission_Rate", "currency"), F("Manufacturer", "picklist"),
	LOOKUP("Vendor_Name", "Vendors"),
	F("Qty_in_Stock", "double"), F("Qty_in_Demand", "double"), F("Qty_Ordered", "double"),
	F("Reorder_Level", "double"), F("Usage_Unit", "picklist"), F("Handler", "ownerlookup"),
	F("Sales_Start_Date", "date"), F("Sales_End_Date", "date"),
	F("Support_Start_Date", "date"), F("Support_Expiry_Date", "date"),
	{ NULL, NULL, NULL }
};

static const struct std_field vendor_fields[] = {
	F("Vendor_Name", "text"), F("Email", "email"), F("Phone", "phone"),
	F("Website", "website"), F("Category", "text"), F("GL_Account", "picklist"),
	F("Street", "text"), F("City", "text"), F("State", "text"), F("Zip_Code", "text"),
	F("Country", "text"),
	{ NULL, NULL, NULL }
};

static const struct std_field deal_fields[] = {
	F("Deal_Name", "text"), F("Stage", "picklist"), F("Amount", "currency"),
	F("Closing_Date", "date"), F("Probability", "integer"),
	F("Expected_Revenue", "currency"), LOOKUP("Account_Name", "Accounts"),
	LOOKUP("Contact_Name", "Contacts"), F("Type", "picklist"),
	F("Lead_Source", "picklist"), F("Next_Step", "text"),
	LOOKUP("Campaign_Source", "Campaigns"), F("Pipeline", "picklist"),
	F("Deal_Category_Status", "picklist"), F("Territory", "any"),
	{ NULL, NULL, NULL }
};

/* What the four inventory modules share (CRM v8 Records API, Quotes sample). */
static const struct std_field inventory_fields[] = {
	F("Subject", "text"), LOOKUP("Account_Name", "Accounts"),
	LOOKUP("Contact_Name", "Contacts"), LOOKUP("Deal_Name", "Deals"),
	F("Sub_Total", "currency"), F("Tax", "currency"), F("Adjustment", "currency"),
	F("Discount", "currency"), F("Grand_Total", "currency"),
	F("Terms_and_Conditions", "textarea"),
	{ NULL, NULL, NULL }
};

static const struct std_field quote_fields[] = {
	F("Quote_Stage", "picklist"), F("Valid_Till", "date"), F("Quoted_Items", "lineitem"),
	{ NULL, NULL, NULL }
};

static const struct std_field sales_order_fields[] = {
	F("Status", "picklist"), F("Due_Date", "date"), LOOKUP("Quote_Name", "Quotes"),
	F("Ordered_Items", "lineitem"),
	{ NULL, NULL, NULL }
};

static const struct std_field invoice_fields[] = {
	F("Status", "picklist"), F("Invoice_Date", "date"), F("Due_Date", "date"),
	LOOKUP("Sales_Order", "Sales_Orders"),
	F("Invoiced_Items", "lineitem"),
	{ NULL, NULL, NULL }
};

static const struct std_field purchase_order_fields[] = {
	LOOKUP("Vendor_Name", "Vendors"), F("Status", "picklist"), F("PO_Date", "date"),
	F("Due_Date", "date"), F("Purchased_Items", "lineitem"),
	{ NULL, NULL, NULL }
};

static const struct std_field lead_fields[] = {
	F("First_Name", "text"), F("Last_Name", "text"), F("Full_Name", "text"),
	F("Salutation", "picklist"), F("Company", "text"), F("Email", "email"),
	F("Phone", "phone"), F("Mobile", "phone"), F("Lead_Source", "picklist"),
	F("Lead_Status", "picklist"), F("Industry", "picklist"),
	F("Annual_Revenue", "currency"), F("No_of_Employees", "integer"), F("Street", "text"),
	F("City", "text"), F("State", "text"), F("Zip_Code", "text"), F("Country", "text"),
	F("Website", "website"), F("Designation", "text"), F("Rating", "picklist"),
	{ NULL, NULL, NULL }
};

#undef F
#undef LOOKUP

struct crm_module_def {
	const char *name;
	const char *dup_field;          /* system duplicate-check field */
	const char *display;            /* the record's name */
	const char *mandatory[4];
	const struct std_field *shared;         /* fields it shares with others, first */
	const struct std_field *fields;         /* its own */
};

static const struct crm_module_def module_defs[] = {
	{ "Leads", "Email", "Last_Name", { "Last_Name", NULL }, NULL, lead_fields },
	{ "Accounts", "Account_Name", "Account_Name", { "Account_Name", NULL },
	  NULL, account_fields },
	{ "Contacts", "Email", "Last_Name", { "Last_Name", NULL }, NULL, contact_fields },
	{ "Deals", "Deal_Name", "Deal_Name", { "Deal_Name", "Stage", NULL }, NULL, deal_fields },
	{ "Products", "Product_Name", "Product_Name", { "Product_Name", NULL },
	  NULL, product_fields },
	{ "Vendors", "Vendor_Name", "Vendor_Name", { "Vendor_Name", NULL }, NULL, vendor_fields },
	{ "Campaigns", "Campaign_Name", "Campaign_Name", { "Campaign_Name", NULL }, NULL, NULL },
	{ "Cases", "Subject", "Subject", { "Subject", NULL }, NULL, NULL },
	{ "Solutions", "Solution_Title", "Solution_Title", { "Solution_Title", NULL }, NULL, NULL },
	{ "Price_Books", "Price_Book_Name", "Price_Book_Name", { "Price_Book_Name", NULL }, NULL, NULL },
	/* v8 system-mandatory fields (facts §1.5): Subject and the line-item subform. */
	{ "Quotes", "Subject", "Subject", { "Subject", "Quoted_Items", NULL },
	  inventory_fields, quote_fields },
	{ "Sales_Orders", "Subject", "Subject", { "Subject", "Ordered_Items", NULL },
	  inventory_fields, sales_order_fields },
	{ "Purchase_Orders", "Subject", "Subject", { "Subject", "Vendor_Name", "Purchased_Items", NULL },
	  inventory_fields, purchase_order_fields },
	{ "Invoices", "Subject", "Subject", { "Subject", "Invoiced_Items", NULL },
	  inventory_fields, invoice_fields },
	{ "Tasks", NULL, "Subject", { "Subject", NULL }, NULL, NULL },
	{ "Events", NULL, "Event_Title", { "Event_Title", NULL }, NULL, NULL },
	{ "Calls", NULL, "Subject", { "Subject", NULL }, NULL, NULL },
};

static const struct crm_module_def custom_def = { NULL, "Name", "Name", { "Name", NULL }, NULL, NULL };

/* Fields the server sets: readable, never written by a client. */
static const char *const system_fields[] = {
	"id", "Created_Time", "Modified_Time", "Created_By", "Modified_By",
	"Last_Activity_Time", NULL
};

struct crm_module {
	char *name;
	char *id;
	const struct crm_module_def *def;
	json_t *fields;         /* api_name -> {data_type, lookup, custom} */
};

struct crm_meta {
	struct crm_module **mods;
	size_t n;
};
/* clang-format on */

static void field_put(struct crm_module *mod, const char *name, const char *type, const char *lookup, int custom)
{
	json_t *f = json_pack("{s:s, s:b}", "data_type", type, "custom", custom);

	if (lookup)
		json_object_set_new(f, "lookup", json_string(lookup));
	json_object_set_new(mod->fields, name, f);
}

static void std_fields_put(struct crm_module *mod, const struct std_field *f)
{
	for (; f && f->name; f++)
		field_put(mod, f->name, f->type, f->lookup, 0);
}

static struct crm_module *module_new(const char *name, const struct crm_module_def *def, size_t index)
{
	struct crm_module *mod = xcalloc(1, sizeof(*mod));

	mod->name = xstrdup(name);
	mod->id = xasprintf("%llu", 4150868000000002000ULL + (unsigned long long)index);
	mod->def = def;
	mod->fields = json_object();
	field_put(mod, "id", "bigint", NULL, 0);
	std_fields_put(mod, def->shared);
	std_fields_put(mod, def->fields);
	if (def == &custom_def || !json_object_get(mod->fields, def->display))
		field_put(mod, def->display, "text", NULL, 0);
	std_fields_put(mod, every_module_fields);
	field_put(mod, "Created_By", "ownerlookup", NULL, 0);
	field_put(mod, "Modified_By", "ownerlookup", NULL, 0);
	field_put(mod, "Created_Time", "datetime", NULL, 0);
	field_put(mod, "Modified_Time", "datetime", NULL, 0);
	field_put(mod, "Last_Activity_Time", "datetime", NULL, 0);
	return mod;
}

static void meta_append(struct crm_meta *m, struct crm_module *mod)
{
	m->mods = xrealloc(m->mods, (m->n + 1) * sizeof(*m->mods));
	m->mods[m->n++] = mod;
}

struct crm_meta *crm_meta_new(void)
{
	struct crm_meta *m = xcalloc(1, sizeof(*m));
	size_t i;

	for (i = 0; i < sizeof(module_defs) / sizeof(module_defs[0]); i++)
		meta_append(m, module_new(module_defs[i].name, &module_defs[i], i));
	return m;
}

void crm_meta_free(struct crm_meta *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; i < m->n; i++) {
		free(m->mods[i]->name);
		free(m->mods[i]->id);
		json_decref(m->mods[i]->fields);
		free(m->mods[i]);
	}
	free(m->mods);
	free(m);
}

struct crm_module *crm_module_get(struct crm_meta *m, const char *name)
{
	size_t i;

	for (i = 0; name && i < m->n; i++)
		if (strcmp(m->mods[i]->name, name) == 0)
			return m->mods[i];
	return NULL;
}

struct crm_module *crm_module_add(struct crm_meta *m, const char *name)
{
	struct crm_module *mod = crm_module_get(m, name);

	if (!mod) {
		mod = module_new(name, &custom_def, m->n);
		meta_append(m, mod);
	}
	return mod;
}

const char *crm_module_name(const struct crm_module *mod)
{
	return mod->name;
}

const char *crm_module_id(const struct crm_module *mod)
{
	return mod->id;
}

const char *crm_module_dup_field(const struct crm_module *mod)
{
	return mod->def->dup_field;
}

const char *const *crm_module_mandatory(const struct crm_module *mod)
{
	return mod->def->mandatory;
}

const char *crm_field_type(const struct crm_module *mod, const char *field)
{
	return jstr(json_object_get(mod->fields, field), "data_type");
}

const char *crm_field_lookup(const struct crm_module *mod, const char *field)
{
	return jstr(json_object_get(mod->fields, field), "lookup");
}

int crm_field_read_only(const struct crm_module *mod, const char *field)
{
	return str_in(field, system_fields) ||
	       (str_eq(field, "Full_Name") && json_object_get(mod->fields, "Last_Name"));
}

void crm_field_set_values(struct crm_module *mod, const char *field, const json_t *values)
{
	json_t *def = json_object_get(mod->fields, field);

	if (def)
		json_object_set_new(def, "values", json_deep_copy(values));
}

void crm_field_set_unique(struct crm_module *mod, const char *field)
{
	json_t *def = json_object_get(mod->fields, field);

	if (def)
		json_object_set_new(def, "unique", json_true());
}

int crm_field_unique(const struct crm_module *mod, const char *field)
{
	return json_is_true(json_object_get(json_object_get(mod->fields, field), "unique"));
}

void crm_field_add(struct crm_module *mod, const char *field, const char *type, int custom)
{
	if (!json_object_get(mod->fields, field))
		field_put(mod, field, type, NULL, custom);
}

static const char *infer_type(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return json_object_get(v, "email") ? "ownerlookup" : "lookup";
	case JSON_ARRAY:
		return "multiselectpicklist";
	case JSON_INTEGER:
		return "integer";
	case JSON_REAL:
		return "double";
	case JSON_TRUE:
	case JSON_FALSE:
		return "boolean";
	default:
		return "text";
	}
}

void crm_module_learn(struct crm_module *mod, const json_t *record)
{
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)record, key, v)
		if (key[0] != '$')
			crm_field_add(mod, key, infer_type(v), 1);
}

static const char *json_type_of(const char *type)
{
	if (str_eq(type, "lookup") || str_eq(type, "ownerlookup"))
		return "jsonobject";
	if (str_eq(type, "multiselectpicklist") || str_eq(type, "any") || str_eq(type, "lineitem"))
		return "jsonarray";
	if (str_eq(type, "integer"))
		return "integer";
	if (str_eq(type, "double") || str_eq(type, "currency"))
		return "double";
	if (str_eq(type, "boolean"))
		return "boolean";
	return "string";
}

static char *field_label(const char *api_name)
{
	char *s = xstrdup(api_name), *p;

	for (p = s; *p; p++)
		if (*p == '_')
			*p = ' ';
	return s;
}

static int is_mandatory(const struct crm_module *mod, const char *field)
{
	const char *const *m;

	for (m = mod->def->mandatory; *m; m++)
		if (strcmp(*m, field) == 0)
			return 1;
	return 0;
}

/*
 * The standard Deals pipeline of a new Zoho CRM organisation: the values of
 * the Stage picklist (CRM v8 "Fields Metadata": pick_list_values with
 * display_value and actual_value).
 */
static const char *const deal_stages[] = {
	"Qualification",
	"Needs Analysis",
	"Value Proposition",
	"Id. Decision Makers",
	"Perception Analysis",
	"Proposal/Price Quote",
	"Negotiation/Review",
	"Closed Won",
	"Closed Lost",
	"Closed Lost to Competition",
	NULL
};

/* The standard picklists of a new organisation's inventory modules (CRM help "Quotes", "Invoices"). */
static const char *const quote_stages[] = {
	"Draft", "Negotiation", "Delivered", "On Hold", "Confirmed", "Closed Won", "Closed Lost", NULL
};
static const char *const invoice_statuses[] = { "Created", "Approved", "Delivered", "Paid", "Cancelled", NULL };
static const char *const order_statuses[] = { "Created", "Approved", "Delivered", "Cancelled", NULL };

static const char *const *std_picklist(const struct crm_module *mod, const char *field)
{
	if (str_eq(mod->name, "Deals") && str_eq(field, "Stage"))
		return deal_stages;
	if (str_eq(mod->name, "Quotes") && str_eq(field, "Quote_Stage"))
		return quote_stages;
	if (str_eq(mod->name, "Invoices") && str_eq(field, "Status"))
		return invoice_statuses;
	if ((str_eq(mod->name, "Sales_Orders") || str_eq(mod->name, "Purchase_Orders")) && str_eq(field, "Status"))
		return order_statuses;
	return NULL;
}

static json_t *pick_list_values(const struct crm_module *mod, const char *field)
{
	const char *const *std = std_picklist(mod, field);
	json_t *list;
	size_t i;

	const json_t *seeded = json_object_get(json_object_get(mod->fields, field), "values"), *v;

	if (seeded) {
		list = json_array();
		json_array_foreach(seeded, i, v)
			json_array_append_new(list, json_pack("{s:O, s:O, s:s}", "display_value", v, "actual_value", v,
							      "type", "used"));
		return list;
	}
	if (!std)
		return NULL;
	list = json_array();
	for (i = 0; std[i]; i++)
		json_array_append_new(list, json_pack("{s:s, s:s, s:s}", "display_value", std[i], "actual_value",
						      std[i], "type", "used"));
	return list;
}

json_t *crm_fields_json(const struct crm_module *mod)
{
	json_t *list = json_array(), *f, *def, *picks;
	const char *key, *type, *lookup;
	char *label;
	uint64_t h;

	json_object_foreach(mod->fields, key, def) {
		type = jstr(def, "data_type");
		label = field_label(key);
		h = fnv1a(key, strlen(key), fnv1a(mod->name, strlen(mod->name), FNV_INIT));
		f = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:b}", "api_name", key, "field_label", label,
			      "display_label", label, "data_type", str_eq(type, "any") ? "text" : type, "json_type",
			      json_type_of(type), "id", "", "system_mandatory", is_mandatory(mod, key), "custom_field",
			      json_is_true(json_object_get(def, "custom")), "read_only", crm_field_read_only(mod, key));
		json_object_set_new(f, "id", json_sprintf("4150868000000%06llu", (unsigned long long)(h % 1000000)));
		/* v8 field metadata: "unique" is {} unless the field is a unique one. */
		json_object_set_new(f, "unique",
				    json_is_true(json_object_get(def, "unique"))
					    ? json_pack("{s:s}", "casesensitive", "false")
					    : json_object());
		lookup = jstr(def, "lookup");
		if (lookup)
			json_object_set_new(f, "lookup", json_pack("{s:{s:s}}", "module", "api_name", lookup));
		if ((picks = pick_list_values(mod, key)))
			json_object_set_new(f, "pick_list_values", picks);
		json_array_append_new(list, f);
		free(label);
	}
	return list;
}

json_t *crm_modules_json(struct crm_meta *m)
{
	json_t *list = json_array();
	size_t i;

	for (i = 0; i < m->n; i++)
		json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:s}", "api_name",
						      m->mods[i]->name, "module_name", m->mods[i]->name, "plural_label",
						      m->mods[i]->name, "singular_label", m->mods[i]->name, "id",
						      m->mods[i]->id, "api_supported", 1, "generated_type",
						      m->mods[i]->def == &custom_def ? "custom" : "default"));
	return list;
}

char *crm_display_name(const struct crm_module *mod, const json_t *rec)
{
	const char *first, *last;

	if (str_eq(mod->name, "Contacts") || str_eq(mod->name, "Leads")) {
		if (jstr(rec, "Full_Name"))
			return xstrdup(jstr(rec, "Full_Name"));
		first = jstr(rec, "First_Name");
		last = jstr(rec, "Last_Name");
		if (!str_empty(first))
			return xasprintf("%s %s", first, last ? last : "");
		return xstrdup(last ? last : "");
	}
	return xstrdup(jstr_or(rec, mod->def->display, ""));
}
