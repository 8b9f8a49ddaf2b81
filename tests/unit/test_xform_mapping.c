/*
 * test_xform_mapping.c - CRM record -> finance payload per entity and app, the
 * field_map checks, the CRM fields to fetch, and the content hash.
 */
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/mapping.h"
#include "../../src/xform/xform.h"
#include "xform_test.h"
#include "unit.h"

/* Maps rec (JSON text) of module for entity; returns the payload as sorted compact JSON. */
static char *map_text(struct job *job, const char *entity, const char *module, const char *rec_json, json_t *persons,
		      struct mapped *m)
{
	json_t *rec = json_loads(rec_json, 0, NULL);
	char *text;

	CHECK(rec != NULL);
	mapping_payload(job, job_entity(job, entity), module, rec, persons, m);
	json_decref(rec);
	text = tdump(m->payload);
	return text;
}

/* Checks the payload of one record against the expected sorted JSON. */
static void check_map(struct job *job, const char *entity, const char *module, const char *rec, const char *want,
		      int line)
{
	struct mapped m;
	char *got = map_text(job, entity, module, rec, NULL, &m);

	if (!got || strcmp(got, want)) {
		fprintf(stderr, "%s:%d: payload\n  expected %s\n  got      %s (%s)\n", __FILE__, line, want,
			got ? got : "(null)", m.reason ? m.reason : "");
		unit_failures++;
	}
	xfree(got);
	mapped_release(&m);
}

#define MAP(job, entity, module, rec, want) check_map(job, entity, module, rec, want, __LINE__)

static const char account[] =
	"{\"id\":\"41\",\"Account_Name\":\" Acme Ltd \",\"Website\":\"acme.example\",\"Phone\":\"555 1\","
	"\"Billing_Street\":\"1 Rue\",\"Billing_City\":\"Paris\",\"Billing_Code\":null,"
	"\"Shipping_City\":\"\",\"Description\":\"\",\"Owner\":{\"name\":\"Ann\",\"id\":\"9\"}}";

static void test_mapping__account_books(void)
{
	struct job job;

	tjob_init(&job, "zoho-books", "{\"customers\":{}}");
	MAP(&job, "customers", "Accounts", account,
	    "{\"billing_address\":{\"address\":\"1 Rue\",\"city\":\"Paris\",\"phone\":\"555 1\"},"
	    "\"company_name\":\"Acme Ltd\",\"contact_name\":\"Acme Ltd\",\"contact_type\":\"customer\","
	    "\"custom_fields\":[{\"api_name\":\"cf_crm_id\",\"value\":\"41\"}],"
	    "\"customer_sub_type\":\"business\",\"website\":\"acme.example\"}");
	tjob_release(&job);
}

static void test_mapping__account_billing(void)
{
	struct job job;

	tjob_init(&job, "zoho-billing", "{\"customers\":{}}");
	MAP(&job, "customers", "Accounts", account,
	    "{\"billing_address\":{\"city\":\"Paris\",\"street\":\"1 Rue\"},"
	    "\"company_name\":\"Acme Ltd\",\"custom_fields\":[{\"api_name\":\"cf_crm_id\",\"value\":\"41\"}],"
	    "\"display_name\":\"Acme Ltd\",\"phone\":\"555 1\","
	    "\"website\":\"acme.example\"}");
	tjob_release(&job);
}

static const char contact[] =
	"{\"id\":\"77\",\"First_Name\":\"Ann\",\"Last_Name\":\"Lee\",\"Email\":\"ann@x.example\","
	"\"Title\":\"CFO\",\"Mailing_City\":\"Oslo\",\"Account_Name\":{\"name\":\"Acme Ltd\",\"id\":\"41\"}}";

static void test_mapping__contact_individual(void)
{
	struct job job;

	tjob_init(&job, "zoho-books", "{\"customers\":{\"crm_module\":\"contacts\"}}");
	MAP(&job, "customers", "Contacts", contact,
	    "{\"billing_address\":{\"city\":\"Oslo\"},\"company_name\":\"Acme Ltd\","
	    "\"contact_name\":\"Ann Lee\",\"contact_persons\":[{\"crm_contact_id\":\"77\",\"designation\":\"CFO\","
	    "\"email\":\"ann@x.example\",\"first_name\":\"Ann\",\"last_name\":\"Lee\"}],"
	    "\"contact_type\":\"customer\",\"custom_fields\":[{\"api_name\":\"cf_crm_id\",\"value\":\"77\"}],"
	    "\"customer_sub_type\":\"individual\"}");
	MAP(&job, "customers", "Contacts", "{\"id\":\"78\",\"Last_Name\":\"Lee\",\"First_Name\":null}",
	    "{\"contact_name\":\"Lee\",\"contact_persons\":[{\"crm_contact_id\":\"78\",\"last_name\":\"Lee\"}],"
	    "\"contact_type\":\"customer\",\"custom_fields\":[{\"api_name\":\"cf_crm_id\",\"value\":\"78\"}],"
	    "\"customer_sub_type\":\"individual\"}");
	tjob_release(&job);
}

static void test_mapping__contact_billing_flat(void)
{
	struct job job;

	tjob_init(&job, "zoho-billing", "{\"customers\":{\"crm_module\":\"contacts\"}}");
	MAP(&job, "customers", "Contacts",
	    "{\"id\":\"77\",\"First_Name\":\"Ann\",\"Last_Name\":\"Lee\",\"Email\":\"a@x.example\"}",
	    "{\"custom_fields\":[{\"api_name\":\"cf_crm_id\",\"value\":\"77\"}],"
	    "\"display_name\":\"Ann Lee\",\"email\":\"a@x.example\","
	    "\"first_name\":\"Ann\",\"last_name\":\"Lee\"}");
	tjob_release(&job);
}

static void test_mapping__account_with_persons(void)
{
	struct job job;
	struct mapped m;
	json_t *persons = json_loads("[{\"first_name\":\"Bo\",\"last_name\":\"Ek\"},{\"last_name\":\"Al\"}]", 0, NULL);
	char *got;

	tjob_init(
		&job, "zoho-books",
		"{\"customers\":{\"crm_module\":\"accounts_and_contacts\",\"field_map\":{\"email\":\"Acct_Email\"}}}");
	got = map_text(&job, "customers", "Accounts",
		       "{\"id\":\"41\",\"Account_Name\":\"Acme\",\"Acct_Email\":\"info@acme.example\"}", persons, &m);
	CHECK_STREQ(
		got,
		"{\"company_name\":\"Acme\",\"contact_name\":\"Acme\",\"contact_persons\":["
		"{\"email\":\"info@acme.example\",\"first_name\":\"Bo\",\"last_name\":\"Ek\"},"
		"{\"last_name\":\"Al\"}],\"contact_type\":\"customer\","
		"\"custom_fields\":[{\"api_name\":\"cf_crm_id\",\"value\":\"41\"}],\"customer_sub_type\":\"business\"}");
	CHECK_STREQ(mapping_primary_email(m.payload), "info@acme.example");
	xfree(got);
	mapped_release(&m);
	/* The persons passed in are not changed. */
	CHECK(json_object_get(json_array_get(persons, 0), "email") == NULL);
	json_decref(persons);
	tjob_release(&job);
}

static void test_mapping__vendor_persons(void)
{
	struct job job;

	tjob_init(&job, "zoho-inventory", "{\"vendors\":{}}");
	MAP(&job, "vendors", "Vendors",
	    "{\"id\":\"5\",\"Vendor_Name\":\"Parts Co\",\"Email\":\"p@parts.example\",\"Zip_Code\":\"0150\"}",
	    "{\"billing_address\":{\"zip\":\"0150\"},\"company_name\":\"Parts Co\",\"contact_name\":\"Parts Co\","
	    "\"contact_persons\":[{\"crm_contact_id\":\"5\",\"email\":\"p@parts.example\"}],"
	    "\"contact_type\":\"vendor\",\"custom_fields\":[{\"api_name\":\"cf_crm_id\",\"value\":\"5\"}]}");
	MAP(&job, "vendors", "Vendors", "{\"id\":\"6\",\"Vendor_Name\":\"Quiet Co\",\"Email\":\"\",\"Phone\":null}",
	    "{\"company_name\":\"Quiet Co\",\"contact_name\":\"Quiet Co\",\"contact_type\":\"vendor\","
	    "\"custom_fields\":[{\"api_name\":\"cf_crm_id\",\"value\":\"6\"}]}");
	tjob_release(&job);
}

static void test_mapping__item_types(void)
{
	struct job job;

	tjob_init(&job, "zoho-inventory",
		  "{\"items\":{\"product_type_field\":\"Product_Category\","
		  "\"product_type_default\":\"service\"}}");
	MAP(&job, "items", "Products",
	    "{\"id\":\"3\",\"Product_Name\":\"Bolt\",\"Product_Code\":\"B-1\","
	    "\"Unit_Price\":\"2\",\"Product_Category\":\"GOOD\"}",
	    "{\"custom_fields\":[{\"api_name\":\"cf_crm_id\",\"value\":\"3\"}],\"item_type\":\"sales\","
	    "\"name\":\"Bolt\",\"product_type\":\"goods\",\"rate\":2,\"sku\":\"B-1\"}");
	MAP(&job, "items", "Products", "{\"id\":\"4\",\"Product_Name\":\"Setup\",\"Product_Category\":\"Services\"}",
	    "{\"custom_fields\":[{\"api_name\":\"cf_crm_id\",\"value\":\"4\"}],\"item_type\":\"sales\","
	    "\"name\":\"Setup\",\"product_type\":\"service\",\"rate\":0}");
	MAP(&job, "items", "Products",
	    "{\"id\":\"5\",\"Product_Name\":\"Thing\",\"Product_Category\":\"Hardware\",\"Unit_Price\":\"\"}",
	    "{\"custom_fields\":[{\"api_name\":\"cf_crm_id\",\"value\":\"5\"}],\"item_type\":\"sales\","
	    "\"name\":\"Thing\",\"product_type\":\"service\",\"rate\":0}");
	tjob_release(&job);
}

/* The same product from the API (typed) and from a CSV export (strings) maps byte for byte alike. */
static void test_mapping__api_and_csv_identical(void)
{
	static const char api[] =
		"{\"id\":\"3\",\"Product_Name\":\"Bolt\",\"Unit_Price\":12.5,"
		"\"Taxable\":true,\"Qty\":10,\"Reorder_Level\":5.0,\"Tax\":[\"VAT\",\"Eco\"],"
		"\"Vendor_Name\":{\"name\":\"Parts Co\",\"id\":\"8\"}}";
	static const char csv[] =
		"{\"id\":\"3\",\"Product_Name\":\"Bolt\",\"Unit_Price\":\"12.50\","
		"\"Taxable\":\"TRUE\",\"Qty\":\"10\",\"Reorder_Level\":\"5\",\"Tax\":\"VAT;Eco\","
		"\"Vendor_Name\":{\"name\":\"Parts Co\",\"id\":\"8\"}}";
	struct job job;
	struct mapped a, b;
	char *ta, *tb, ha[CONTENT_HASH_LEN], hb[CONTENT_HASH_LEN];

	tjob_init(
		&job, "zoho-books",
		"{\"items\":{\"field_map\":{\"is_taxable\":\"Taxable\","
		"\"cf_qty\":\"Qty\",\"reorder_level\":\"Reorder_Level\",\"cf_tax\":\"Tax\",\"cf_vendor\":\"Vendor_Name\"}}}");
	ta = map_text(&job, "items", "Products", api, NULL, &a);
	tb = map_text(&job, "items", "Products", csv, NULL, &b);
	CHECK_STREQ(ta, "{\"custom_fields\":[{\"api_name\":\"cf_crm_id\",\"value\":\"3\"},"
			"{\"api_name\":\"cf_qty\",\"value\":\"10\"},{\"api_name\":\"cf_tax\",\"value\":\"VAT;Eco\"},"
			"{\"api_name\":\"cf_vendor\",\"value\":\"Parts Co\"}],\"is_taxable\":true,\"name\":\"Bolt\","
			"\"product_type\":\"goods\",\"rate\":12.5,\"reorder_level\":5}");
	CHECK_STREQ(tb, ta);
	if (a.payload && b.payload) {
		content_hash(a.payload, ha);
		content_hash(b.payload, hb);
		CHECK_STREQ(ha, hb);
	}
	xfree(ta);
	xfree(tb);
	mapped_release(&a);
	mapped_release(&b);
	tjob_release(&job);
}

static void test_mapping__invalid_values(void)
{
	struct job job;
	struct mapped m;
	char *got, longname[260];

	tjob_init(&job, "zoho-books",
		  "{\"items\":{\"field_map\":{\"is_taxable\":\"Taxable\"}},"
		  "\"customers\":{\"crm_module\":\"contacts\"}}");
	got = map_text(&job, "items", "Products", "{\"id\":\"1\",\"Product_Name\":\"X\",\"Unit_Price\":\"12,50\"}",
		       NULL, &m);
	CHECK(got == NULL);
	CHECK_STREQ(m.reason, "Unit_Price '12,50' is not a number");
	CHECK_STREQ(m.name, "X");
	mapped_release(&m);
	map_text(&job, "items", "Products", "{\"id\":\"1\",\"Product_Name\":\"X\",\"Taxable\":\"maybe\"}", NULL, &m);
	CHECK_STREQ(m.reason, "Taxable 'maybe' is not true or false");
	mapped_release(&m);
	map_text(&job, "items", "Products", "{\"id\":\"1\",\"Product_Name\":\"  \"}", NULL, &m);
	CHECK_STREQ(m.reason, "Product_Name is empty");
	mapped_release(&m);
	map_text(&job, "items", "Products", "{\"Product_Name\":\"X\"}", NULL, &m);
	CHECK_STREQ(m.reason, "the record has no id");
	mapped_release(&m);
	map_text(&job, "customers", "Contacts", "{\"id\":\"2\",\"Email\":\"a@b.example\"}", NULL, &m);
	CHECK_STREQ(m.reason, "First_Name and Last_Name are empty");
	mapped_release(&m);
	memset(longname, 'n', 101);
	snprintf(longname + 101, sizeof(longname) - 101, "%s", "");
	{
		char *rec = xasprintf("{\"id\":\"1\",\"Product_Name\":\"%s\"}", longname);
		map_text(&job, "items", "Products", rec, NULL, &m);
		CHECK_STREQ(m.reason, "Product_Name is longer than 100 characters (101)");
		mapped_release(&m);
		xfree(rec);
	}
	tjob_release(&job);
}

/* 100 two-byte characters are within the item limit: characters count, not bytes. */
static void test_mapping__name_length_in_characters(void)
{
	struct job job;
	struct mapped m;
	char name[256] = "", *rec;
	int i;

	for (i = 0; i < 100; i++)
		strcat(name, "\xc3\xa9");
	rec = xasprintf("{\"id\":\"1\",\"Product_Name\":\"%s\"}", name);
	tjob_init(&job, "zoho-books", "{\"items\":{}}");
	xfree(map_text(&job, "items", "Products", rec, NULL, &m));
	CHECK(m.reason == NULL);
	CHECK(m.payload != NULL);
	mapped_release(&m);
	xfree(rec);
	tjob_release(&job);
}

static void test_mapping__field_map_overrides(void)
{
	struct job job;

	tjob_init(&job, "zoho-books",
		  "{\"customers\":{\"field_map\":{\"website\":\"Site2\","
		  "\"cf_tier\":\"Tier\",\"cf_industry\":\"Industry\",\"billing_address.city\":\"Town\","
		  "\"payment_terms\":\"Terms\",\"phone\":\"Phone\",\"contact_name\":\"Legal_Name\"}}}");
	MAP(&job, "customers", "Accounts",
	    "{\"id\":\"41\",\"Account_Name\":\"Acme\",\"Legal_Name\":\"Acme Holdings\",\"Website\":\"w1\","
	    "\"Site2\":\"w2\",\"Tier\":\"Gold\",\"Industry\":\"Retail\",\"Billing_City\":\"Paris\",\"Town\":\"\","
	    "\"Terms\":\"30\",\"Phone\":\"555\"}",
	    "{\"billing_address\":{\"phone\":\"555\"},\"company_name\":\"Acme\",\"contact_name\":\"Acme Holdings\","
	    "\"contact_persons\":[{\"crm_contact_id\":\"41\",\"phone\":\"555\"}],\"contact_type\":\"customer\","
	    "\"custom_fields\":[{\"api_name\":\"cf_crm_id\",\"value\":\"41\"},{\"api_name\":\"cf_industry\","
	    "\"value\":\"Retail\"},{\"api_name\":\"cf_tier\",\"value\":\"Gold\"}],\"customer_sub_type\":\"business\","
	    "\"payment_terms\":30,\"website\":\"w2\"}");
	tjob_release(&job);
}

/* "module|crm|origin|type" of the described row for finance key, "" when none. */
static void check_row(json_t *rows, const char *finance, const char *want, int line)
{
	char got[256] = "";
	json_t *r;
	size_t i;

	json_array_foreach(rows, i, r)
		if (!strcmp(json_string_value(json_object_get(r, "finance")), finance))
			snprintf(got, sizeof(got), "%s|%s|%s|%s", json_string_value(json_object_get(r, "module")),
				 json_string_value(json_object_get(r, "crm")),
				 json_string_value(json_object_get(r, "origin")),
				 json_string_value(json_object_get(r, "type")));
	if (strcmp(got, want)) {
		fprintf(stderr, "%s:%d: %s\n  expected %s\n  got      %s\n", __FILE__, line, finance, want, got);
		unit_failures++;
	}
}

#define ROW(rows, finance, want) check_row(rows, finance, want, __LINE__)

/* finsync mapping: every finance field with its CRM field and why, as the payload is built. */
static void test_mapping__describe(void)
{
	struct job job;
	json_t *rows;

	tjob_init(&job, "zoho-books",
		  "{\"customers\":{\"field_map\":{\"website\":\"Site2\","
		  "\"cf_tier\":\"Tier\",\"billing_address.city\":\"Town\",\"payment_terms\":\"Terms\","
		  "\"contact_name\":\"Legal_Name\"}},\"items\":{}}");
	rows = mapping_describe(&job, job_entity(&job, "customers"));
	ROW(rows, "contact_name", "Accounts|Legal_Name|override|string");
	ROW(rows, "website", "Accounts|Site2|override|string");
	ROW(rows, "billing_address.city", "Accounts|Town|override|string");
	ROW(rows, "billing_address.address", "Accounts|Billing_Street|default|string");
	ROW(rows, "cf_tier", "Accounts|Tier|custom field|string");
	ROW(rows, "payment_terms", "Accounts|Terms|field_map|number");
	ROW(rows, "cf_crm_id", "Accounts|id|crm id|string");
	CHECK_INTEQ((long)json_array_size(rows), 18); /* 15 defaults, less 3 overridden, 5 of field_map, the id */
	json_decref(rows);
	rows = mapping_describe(&job, job_entity(&job, "items"));
	ROW(rows, "rate", "Products|Unit_Price|default|number");
	ROW(rows, "product_type", "Products||default: goods|string");
	json_decref(rows);
	tjob_release(&job);

	tjob_init(&job, "zoho-billing", "{\"customers\":{\"crm_module\":\"accounts_and_contacts\"}}");
	rows = mapping_describe(&job, job_entity(&job, "customers"));
	ROW(rows, "display_name", "Accounts|Account_Name|default|string");
	ROW(rows, "billing_address.street", "Accounts|Billing_Street|default|string");
	/* Contacts of accounts only become persons: person fields, no crm id row of their own. */
	ROW(rows, "contact_persons.email", "Contacts|Email|default|string");
	json_decref(rows);
	tjob_release(&job);
}

static void test_mapping__check_job(void)
{
	struct job job;

	tjob_init(&job, "zoho-books", "{\"customers\":{\"field_map\":{\"colour\":\"X\"}}}");
	CHECK(mapping_check_job(&job) == FS_EUSAGE);
	CHECK(strstr(err_msg(), "job 'test.json': sync.customers.field_map.colour: not a field of "
				"Zoho Books customers (known: contact_name, company_name,") != NULL);
	CHECK(strstr(err_msg(), "billing_address.{address,street2,") != NULL);
	tjob_release(&job);

	tjob_init(&job, "zoho-billing", "{\"customers\":{\"field_map\":{\"billing_address.phone\":\"Phone\"}}}");
	CHECK(mapping_check_job(&job) == FS_EUSAGE);
	tjob_release(&job);
	tjob_init(&job, "zoho-invoice", "{\"items\":{\"field_map\":{\"reorder_level\":\"R\"}}}");
	CHECK(mapping_check_job(&job) == FS_EUSAGE);
	tjob_release(&job);
	tjob_init(&job, "zoho-books", "{\"items\":{\"field_map\":{\"cf_crm_id\":\"id\"}}}");
	CHECK(mapping_check_job(&job) == FS_EUSAGE);
	CHECK(strstr(err_msg(), "holds the CRM id") != NULL);
	tjob_release(&job);
	tjob_init(&job, "zoho-books", "{\"customers\":{\"field_map\":{\"contact_name\":\"@name\",\"@name\":\"X\"}}}");
	CHECK(mapping_check_job(&job) == FS_EUSAGE);
	tjob_release(&job);

	tjob_init(&job, "zoho-inventory",
		  "{\"customers\":{\"field_map\":{\"billing_address.address\":\"S\","
		  "\"shipping_address.zip\":\"Z\",\"cf_x\":\"X\",\"email\":\"E\",\"credit_limit\":\"C\"}},"
		  "\"items\":{\"field_map\":{\"unit\":\"Usage_Unit\",\"purchase_rate\":\"Cost\",\"name\":\"N\"}}}");
	CHECK(mapping_check_job(&job) == 0);
	tjob_release(&job);
}

/* True when the array of names holds s. */
static int has(json_t *a, const char *s)
{
	json_t *v;
	size_t i;

	json_array_foreach(a, i, v)
		if (!strcmp(json_string_value(v), s))
			return 1;
	return 0;
}

static void test_mapping__crm_fields(void)
{
	struct job job;
	json_t *f;

	tjob_init(&job, "zoho-books",
		  "{\"customers\":{\"crm_module\":\"accounts_and_contacts\","
		  "\"field_map\":{\"cf_industry\":\"Industry\",\"website\":\"Site2\",\"cf_owner\":\"Owner.email\"}},"
		  "\"items\":{\"product_type_field\":\"Product_Category\"}}");
	f = mapping_crm_fields(&job, job_entity(&job, "customers"), "Accounts");
	CHECK(has(f, "Account_Name") && has(f, "Billing_Code") && has(f, "Phone") && has(f, "Industry"));
	CHECK(has(f, "Site2") && !has(f, "Website") && has(f, "Owner") && !has(f, "id"));
	json_decref(f);
	f = mapping_crm_fields(&job, job_entity(&job, "customers"), "Contacts");
	CHECK(has(f, "Account_Name") && has(f, "Last_Name") && has(f, "Title"));
	CHECK(!has(f, "Mailing_City") && !has(f, "Industry"));
	json_decref(f);
	f = mapping_crm_fields(&job, job_entity(&job, "customers"), "Products");
	CHECK(json_array_size(f) == 0);
	json_decref(f);
	f = mapping_crm_fields(&job, job_entity(&job, "items"), "Products");
	CHECK(has(f, "Product_Name") && has(f, "Unit_Price") && has(f, "Product_Category"));
	json_decref(f);
	job.entities[ENTITY_CUSTOMERS].include_orphan_contacts = 1;
	f = mapping_crm_fields(&job, job_entity(&job, "customers"), "Contacts");
	CHECK(has(f, "Mailing_City"));
	json_decref(f);
	tjob_release(&job);
}

static void test_mapping__check_crm_fields(void)
{
	struct job job;
	json_t *products = json_loads("[\"id\",\"Product_Name\",\"Unit_Price\",\"Product_Category\"]", 0, NULL);
	json_t *accounts = json_loads("[\"id\",\"Account_Name\",\"Owner\"]", 0, NULL);

	tjob_init(&job, "zoho-books",
		  "{\"items\":{\"field_map\":{\"unit\":\"Usage_Unit\"}},"
		  "\"customers\":{\"field_map\":{\"cf_owner\":\"Owner.email\"}}}");
	CHECK(mapping_check_crm_fields(&job, job_entity(&job, "items"), "Products", products) == FS_EUSAGE);
	CHECK_STREQ(err_msg(),
		    "job 'test.json': sync.items.field_map.unit: the CRM module Products has no field 'Usage_Unit'");
	/* Defaults the module lacks (Website, Billing_*) are not an error; Owner.email reads Owner. */
	CHECK(mapping_check_crm_fields(&job, job_entity(&job, "customers"), "Accounts", accounts) == 0);
	tjob_release(&job);
	tjob_init(&job, "zoho-books", "{\"items\":{\"product_type_field\":\"Kind\"}}");
	CHECK(mapping_check_crm_fields(&job, job_entity(&job, "items"), "Products", products) == FS_EUSAGE);
	CHECK(strstr(err_msg(), "sync.items.product_type_field") && strstr(err_msg(), "'Kind'"));
	tjob_release(&job);
	json_decref(products);
	json_decref(accounts);
}

static void test_mapping__hash(void)
{
	json_t *a = json_loads("{\"b\":1,\"a\":2}", 0, NULL), *b = json_loads("{\"a\":2,\"b\":1}", 0, NULL);
	json_t *empty = json_object();
	char ha[CONTENT_HASH_LEN], hb[CONTENT_HASH_LEN], he[CONTENT_HASH_LEN];

	content_hash(a, ha);
	content_hash(b, hb);
	content_hash(empty, he);
	CHECK_STREQ(ha, "f85f5878cbf2dc03"); /* FNV-1a 64 of {"a":2,"b":1} */
	CHECK_STREQ(hb, ha);
	CHECK_STREQ(he, "08f44b07b5901a25"); /* FNV-1a 64 of {} */
	json_decref(a);
	json_decref(b);
	json_decref(empty);
}

static const struct unit_test mapping_tests[] = {
	UNIT(test_mapping__account_books),
	UNIT(test_mapping__account_billing),
	UNIT(test_mapping__contact_individual),
	UNIT(test_mapping__contact_billing_flat),
	UNIT(test_mapping__account_with_persons),
	UNIT(test_mapping__vendor_persons),
	UNIT(test_mapping__item_types),
	UNIT(test_mapping__api_and_csv_identical),
	UNIT(test_mapping__invalid_values),
	UNIT(test_mapping__name_length_in_characters),
	UNIT(test_mapping__field_map_overrides),
	UNIT(test_mapping__describe),
	UNIT(test_mapping__check_job),
	UNIT(test_mapping__crm_fields),
	UNIT(test_mapping__check_crm_fields),
	UNIT(test_mapping__hash),
	{ 0 },
};
UNIT_SUITE(mapping_tests)
