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

struct crm_module_def {
	const char *name;
	const char *dup_field;          /* system duplicate-check field */
	const char *display;            /* the record's name */
	const char *mandatory[4];
};

static const struct crm_module_def module_defs[] = {
	{ "Leads", "Email", "Last_Name", { "Last_Name", NULL } },
	{ "Accounts", "Account_Name", "Account_Name", { "Account_Name", NULL } },
	{ "Contacts", "Email", "Last_Name", { "Last_Name", NULL } },
	{ "Deals", "Deal_Name", "Deal_Name", { "Deal_Name", "Stage", NULL } },
	{ "Products", "Product_Name", "Product_Name", { "Product_Name", NULL } },
	{ "Vendors", "Vendor_Name", "Vendor_Name", { "Vendor_Name", NULL } },
	{ "Campaigns", "Campaign_Name", "Campaign_Name", { "Campaign_Name", NULL } },
	{ "Cases", "Subject", "Subject", { "Subject", NULL } },
	{ "Solutions", "Solution_Title", "Solution_Title", { "Solution_Title", NULL } },
	{ "Price_Books", "Price_Book_Name", "Price_Book_Name", { "Price_Book_Name", NULL } },
	/* v8 system-mandatory fields (facts §1.5): Subject and the line-item subform. */
	{ "Quotes", "Subject", "Subject", { "Subject", "Quoted_Items", NULL } },
	{ "Sales_Orders", "Subject", "Subject", { "Subject", "Ordered_Items", NULL } },
	{ "Purchase_Orders", "Subject", "Subject", { "Subject", "Vendor_Name", "Purchased_Items", NULL } },
	{ "Invoices", "Subject", "Subject", { "Subject", "Invoiced_Items", NULL } },
	{ "Tasks", NULL, "Subject", { "Subject", NULL } },
	{ "Events", NULL, "Event_Title", { "Event_Title", NULL } },
	{ "Calls", NULL, "Subject", { "Subject", NULL } },
};

static const struct crm_module_def custom_def = { NULL, "Name", "Name", { "Name", NULL } };

struct std_field {
	const char *module;             /* NULL: every module */
	const char *name;
	const char *type;
	const char *lookup;             /* module a lookup points to */
};

/* What the four inventory modules share (facts §1.10). */
#define INVENTORY_FIELDS(m) \
	{ m, "Subject", "text", NULL }, { m, "Account_Name", "lookup", "Accounts" }, \
	{ m, "Contact_Name", "lookup", "Contacts" }, { m, "Deal_Name", "lookup", "Deals" }, \
	{ m, "Sub_Total", "currency", NULL }, { m, "Tax", "currency", NULL }, \
	{ m, "Adjustment", "currency", NULL }, { m, "Discount", "currency", NULL }, \
	{ m, "Grand_Total", "currency", NULL }, { m, "Terms_and_Conditions", "textarea", NULL }

/* Types: text textarea email phone website picklist multiselectpicklist
 * integer double currency boolean date datetime lookup ownerlookup any. */
static const struct std_field std_fields[] = {
	{ NULL, "Owner", "ownerlookup", NULL },
	{ NULL, "Description", "textarea", NULL },
	{ NULL, "Tag", "any", NULL },
	{ "Accounts", "Account_Name", "text", NULL },
	{ "Accounts", "Account_Number", "text", NULL },
	{ "Accounts", "Account_Site", "text", NULL },
	{ "Accounts", "Account_Type", "picklist", NULL },
	{ "Accounts", "Parent_Account", "lookup", "Accounts" },
	{ "Accounts", "Phone", "phone", NULL },
	{ "Accounts", "Fax", "phone", NULL },
	{ "Accounts", "Website", "website", NULL },
	{ "Accounts", "Industry", "picklist", NULL },
	{ "Accounts", "Employees", "integer", NULL },
	{ "Accounts", "Annual_Revenue", "currency", NULL },
	{ "Accounts", "Ownership", "picklist", NULL },
	{ "Accounts", "Rating", "picklist", NULL },
	{ "Accounts", "SIC_Code", "integer", NULL },
	{ "Accounts", "Ticker_Symbol", "text", NULL },
	{ "Accounts", "Billing_Street", "text", NULL },
	{ "Accounts", "Billing_City", "text", NULL },
	{ "Accounts", "Billing_State", "text", NULL },
	{ "Accounts", "Billing_Code", "text", NULL },
	{ "Accounts", "Billing_Country", "text", NULL },
	{ "Accounts", "Shipping_Street", "text", NULL },
	{ "Accounts", "Shipping_City", "text", NULL },
	{ "Accounts", "Shipping_State", "text", NULL },
	{ "Accounts", "Shipping_Code", "text", NULL },
	{ "Accounts", "Shipping_Country", "text", NULL },
	{ "Accounts", "Territories", "any", NULL },
	{ "Accounts", "Record_Image", "text", NULL },
	{ "Contacts", "First_Name", "text", NULL },
	{ "Contacts", "Last_Name", "text", NULL },
	{ "Contacts", "Full_Name", "text", NULL },
	{ "Contacts", "Salutation", "picklist", NULL },
	{ "Contacts", "Email", "email", NULL },
	{ "Contacts", "Secondary_Email", "email", NULL },
	{ "Contacts", "Phone", "phone", NULL },
	{ "Contacts", "Mobile", "phone", NULL },
	{ "Contacts", "Home_Phone", "phone", NULL },
	{ "Contacts", "Other_Phone", "phone", NULL },
	{ "Contacts", "Fax", "phone", NULL },
	{ "Contacts", "Assistant", "text", NULL },
	{ "Contacts", "Asst_Phone", "phone", NULL },
	{ "Contacts", "Title", "text", NULL },
	{ "Contacts", "Department", "text", NULL },
	{ "Contacts", "Account_Name", "lookup", "Accounts" },
	{ "Contacts", "Vendor_Name", "lookup", "Vendors" },
	{ "Contacts", "Reporting_To", "lookup", "Contacts" },
	{ "Contacts", "Mailing_Street", "text", NULL },
	{ "Contacts", "Mailing_City", "text", NULL },
	{ "Contacts", "Mailing_State", "text", NULL },
	{ "Contacts", "Mailing_Zip", "text", NULL },
	{ "Contacts", "Mailing_Country", "text", NULL },
	{ "Contacts", "Other_Street", "text", NULL },
	{ "Contacts", "Other_City", "text", NULL },
	{ "Contacts", "Other_State", "text", NULL },
	{ "Contacts", "Other_Zip", "text", NULL },
	{ "Contacts", "Other_Country", "text", NULL },
	{ "Contacts", "Date_of_Birth", "date", NULL },
	{ "Contacts", "Lead_Source", "picklist", NULL },
	{ "Contacts", "Email_Opt_Out", "boolean", NULL },
	{ "Contacts", "Skype_ID", "text", NULL },
	{ "Contacts", "Twitter", "text", NULL },
	{ "Products", "Product_Name", "text", NULL },
	{ "Products", "Product_Code", "text", NULL },
	{ "Products", "Product_Category", "picklist", NULL },
	{ "Products", "Product_Active", "boolean", NULL },
	{ "Products", "Unit_Price", "currency", NULL },
	{ "Products", "Tax", "multiselectpicklist", NULL },
	{ "Products", "Taxable", "boolean", NULL },
	{ "Products", "Commission_Rate", "currency", NULL },
	{ "Products", "Manufacturer", "picklist", NULL },
	{ "Products", "Vendor_Name", "lookup", "Vendors" },
	{ "Products", "Qty_in_Stock", "double", NULL },
	{ "Products", "Qty_in_Demand", "double", NULL },
	{ "Products", "Qty_Ordered", "double", NULL },
	{ "Products", "Reorder_Level", "double", NULL },
	{ "Products", "Usage_Unit", "picklist", NULL },
	{ "Products", "Handler", "ownerlookup", NULL },
	{ "Products", "Sales_Start_Date", "date", NULL },
	{ "Products", "Sales_End_Date", "date", NULL },
	{ "Products", "Support_Start_Date", "date", NULL },
	{ "Products", "Support_Expiry_Date", "date", NULL },
	{ "Vendors", "Vendor_Name", "text", NULL },
	{ "Vendors", "Email", "email", NULL },
	{ "Vendors", "Phone", "phone", NULL },
	{ "Vendors", "Website", "website", NULL },
	{ "Vendors", "Category", "text", NULL },
	{ "Vendors", "GL_Account", "picklist", NULL },
	{ "Vendors", "Street", "text", NULL },
	{ "Vendors", "City", "text", NULL },
	{ "Vendors", "State", "text", NULL },
	{ "Vendors", "Zip_Code", "text", NULL },
	{ "Vendors", "Country", "text", NULL },
	{ "Deals", "Deal_Name", "text", NULL },
	{ "Deals", "Stage", "picklist", NULL },
	{ "Deals", "Amount", "currency", NULL },
	{ "Deals", "Closing_Date", "date", NULL },
	{ "Deals", "Probability", "integer", NULL },
	{ "Deals", "Expected_Revenue", "currency", NULL },
	{ "Deals", "Account_Name", "lookup", "Accounts" },
	{ "Deals", "Contact_Name", "lookup", "Contacts" },
	{ "Deals", "Type", "picklist", NULL },
	{ "Deals", "Lead_Source", "picklist", NULL },
	{ "Deals", "Next_Step", "text", NULL },
	{ "Deals", "Campaign_Source", "lookup", "Campaigns" },
	{ "Deals", "Pipeline", "picklist", NULL },
	{ "Deals", "Deal_Category_Status", "picklist", NULL },
	{ "Deals", "Territory", "any", NULL },
	/* The inventory modules (CRM v8 Records API, Quotes sample; facts §1.10). */
	INVENTORY_FIELDS("Quotes"),
	{ "Quotes", "Quote_Stage", "picklist", NULL },
	{ "Quotes", "Valid_Till", "date", NULL },
	{ "Quotes", "Quoted_Items", "lineitem", NULL },
	INVENTORY_FIELDS("Sales_Orders"),
	{ "Sales_Orders", "Status", "picklist", NULL },
	{ "Sales_Orders", "Due_Date", "date", NULL },
	{ "Sales_Orders", "Quote_Name", "lookup", "Quotes" },
	{ "Sales_Orders", "Ordered_Items", "lineitem", NULL },
	INVENTORY_FIELDS("Invoices"),
	{ "Invoices", "Status", "picklist", NULL },
	{ "Invoices", "Invoice_Date", "date", NULL },
	{ "Invoices", "Due_Date", "date", NULL },
	{ "Invoices", "Sales_Order", "lookup", "Sales_Orders" },
	{ "Invoices", "Invoiced_Items", "lineitem", NULL },
	INVENTORY_FIELDS("Purchase_Orders"),
	{ "Purchase_Orders", "Vendor_Name", "lookup", "Vendors" },
	{ "Purchase_Orders", "Status", "picklist", NULL },
	{ "Purchase_Orders", "PO_Date", "date", NULL },
	{ "Purchase_Orders", "Due_Date", "date", NULL },
	{ "Purchase_Orders", "Purchased_Items", "lineitem", NULL },
	{ "Leads", "First_Name", "text", NULL },
	{ "Leads", "Last_Name", "text", NULL },
	{ "Leads", "Full_Name", "text", NULL },
	{ "Leads", "Salutation", "picklist", NULL },
	{ "Leads", "Company", "text", NULL },
	{ "Leads", "Email", "email", NULL },
	{ "Leads", "Phone", "phone", NULL },
	{ "Leads", "Mobile", "phone", NULL },
	{ "Leads", "Lead_Source", "picklist", NULL },
	{ "Leads", "Lead_Status", "picklist", NULL },
	{ "Leads", "Industry", "picklist", NULL },
	{ "Leads", "Annual_Revenue", "currency", NULL },
	{ "Leads", "No_of_Employees", "integer", NULL },
	{ "Leads", "Street", "text", NULL },
	{ "Leads", "City", "text", NULL },
	{ "Leads", "State", "text", NULL },
	{ "Leads", "Zip_Code", "text", NULL },
	{ "Leads", "Country", "text", NULL },
	{ "Leads", "Website", "website", NULL },
	{ "Leads", "Designation", "text", NULL },
	{ "Leads", "Rating", "picklist", NULL },
};

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

static void field_put(struct crm_module *mod, const char *name, const char *type,
		      const char *lookup, int custom)
{
	json_t *f = json_pack("{s:s, s:b}", "data_type", type, "custom", custom);

	if (lookup)
		json_object_set_new(f, "lookup", json_string(lookup));
	json_object_set_new(mod->fields, name, f);
}

static struct crm_module *module_new(const char *name, const struct crm_module_def *def,
				     size_t index)
{
	struct crm_module *mod = xcalloc(1, sizeof(*mod));
	size_t i;

	mod->name = xstrdup(name);
	mod->id = xasprintf("%llu", 4150868000000002000ULL + (unsigned long long)index);
	mod->def = def;
	mod->fields = json_object();
	field_put(mod, "id", "bigint", NULL, 0);
	for (i = 0; i < sizeof(std_fields) / sizeof(std_fields[0]); i++)
		if (str_eq(std_fields[i].module, name))
			field_put(mod, std_fields[i].name, std_fields[i].type,
				  std_fields[i].lookup, 0);
	if (def == &custom_def || !json_object_get(mod->fields, def->display))
		field_put(mod, def->display, "text", NULL, 0);
	for (i = 0; i < sizeof(std_fields) / sizeof(std_fields[0]); i++)
		if (!std_fields[i].module)
			field_put(mod, std_fields[i].name, std_fields[i].type, NULL, 0);
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
	"Qualification", "Needs Analysis", "Value Proposition", "Id. Decision Makers",
	"Perception Analysis", "Proposal/Price Quote", "Negotiation/Review", "Closed Won",
	"Closed Lost", "Closed Lost to Competition", NULL
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
			json_array_append_new(list, json_pack("{s:O, s:O, s:s}", "display_value", v,
							      "actual_value", v, "type", "used"));
		return list;
	}
	if (!std)
		return NULL;
	list = json_array();
	for (i = 0; std[i]; i++)
		json_array_append_new(list, json_pack("{s:s, s:s, s:s}", "display_value", std[i],
						      "actual_value", std[i], "type", "used"));
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
		f = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:b}",
			      "api_name", key, "field_label", label, "display_label", label,
			      "data_type", str_eq(type, "any") ? "text" : type,
			      "json_type", json_type_of(type),
			      "id", "", "system_mandatory", is_mandatory(mod, key),
			      "custom_field", json_is_true(json_object_get(def, "custom")),
			      "read_only", crm_field_read_only(mod, key));
		json_object_set_new(f, "id", json_sprintf("4150868000000%06llu",
							  (unsigned long long)(h % 1000000)));
		/* v8 field metadata: "unique" is {} unless the field is a unique one. */
		json_object_set_new(f, "unique", json_is_true(json_object_get(def, "unique")) ?
					 json_pack("{s:s}", "casesensitive", "false") : json_object());
		lookup = jstr(def, "lookup");
		if (lookup)
			json_object_set_new(f, "lookup", json_pack("{s:{s:s}}", "module",
								   "api_name", lookup));
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
		json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:s}",
			"api_name", m->mods[i]->name, "module_name", m->mods[i]->name,
			"plural_label", m->mods[i]->name, "singular_label", m->mods[i]->name,
			"id", m->mods[i]->id, "api_supported", 1,
			"generated_type", m->mods[i]->def == &custom_def ? "custom" : "default"));
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
	return xstrdup(jstr(rec, mod->def->display) ? jstr(rec, mod->def->display) : "");
}
