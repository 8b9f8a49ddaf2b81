/*
 * test_reverse.c - a finance record seen from the CRM's side
 * (src/xform/reverse.c): business customers become Accounts and individual
 * ones Contacts (with the display name standing in for a missing
 * Last_Name), a list row and the full record of the same customer hash
 * the same, field_map is read backwards, and the ids are read from either
 * shape.
 */
#include <string.h>
#include <jansson.h>
#include "finsync/alloc.h"
#include "finsync/reverse.h"
#include "xform_test.h"
#include "unit.h"

static char *record_text(struct job *job, const char *entity, const char *row_text, const char **module)
{
	json_t *row = json_loads(row_text, 0, NULL), *rec = NULL;
	char *s;

	reverse_record(job, job_entity(job, entity), row, module, &rec);
	s = tdump(rec);
	json_decref(rec);
	json_decref(row);
	return s;
}

static void test_reverse__business_and_individual(void)
{
	struct job job;
	const char *module = NULL;
	char *s;

	tjob_init(&job, "zoho-books", "{\"customers\": {}}");
	s = record_text(&job, "customers",
			"{\"contact_id\":\"F1\",\"contact_name\":\"Acme\",\"customer_sub_type\":\"business\","
			"\"website\":\"acme.example\",\"billing_address\":{\"phone\":\"+1 555\"},"
			"\"cf_crm_id\":\"123\",\"cf_region\":\"north\"}",
			&module);
	CHECK_STREQ(module, "Accounts");
	/* Our own CRM id key is identity, not content: left out. */
	CHECK_STREQ(s, "{\"Account_Name\":\"Acme\",\"Phone\":\"+1 555\",\"Website\":\"acme.example\"}");
	xfree(s);
	s = record_text(&job, "customers",
			"{\"contact_name\":\"Jo Bloggs\",\"customer_sub_type\":\"individual\","
			"\"contact_persons\":[{\"first_name\":\"X\"},{\"first_name\":\"Jo\",\"email\":\"jo@example\","
			"\"is_primary_contact\":true}]}",
			&module);
	CHECK_STREQ(module, "Contacts");
	CHECK_STREQ(s, "{\"Email\":\"jo@example\",\"First_Name\":\"Jo\",\"Last_Name\":\"Jo Bloggs\"}");
	xfree(s);
	tjob_release(&job);
}

/* The list row carries the phone on the contact, the record on its primary person: one hash. */
static void test_reverse__row_and_record_hash_alike(void)
{
	struct job job;
	json_t *row, *full;
	char a[REVERSE_HASH_LEN], b[REVERSE_HASH_LEN], c[REVERSE_HASH_LEN];

	tjob_init(&job, "zoho-books", "{\"customers\": {}}");
	row = json_loads("{\"contact_id\":\"F1\",\"contact_name\":\"Acme\",\"phone\":\"1\",\"email\":\"a@x\"}", 0,
			 NULL);
	full = json_loads("{\"contact_id\":\"F1\",\"contact_name\":\"Acme\",\"phone\":\"\","
			  "\"contact_persons\":[{\"phone\":\"1\",\"email\":\"a@x\",\"is_primary_contact\":true}],"
			  "\"custom_field_hash\":{\"cf_crm_id\":\"123\"}}",
			  0, NULL);
	reverse_hash(&job, job_entity(&job, "customers"), row, a);
	reverse_hash(&job, job_entity(&job, "customers"), full, b);
	CHECK(strlen(a) == 16);
	CHECK_STREQ(b, a);
	json_object_set_new(row, "phone", json_string("2"));
	reverse_hash(&job, job_entity(&job, "customers"), row, c);
	CHECK(strcmp(c, a) != 0);
	reverse_hash(&job, job_entity(&job, "customers"), NULL, c);
	CHECK_STREQ(c, "");
	json_decref(row);
	json_decref(full);
	tjob_release(&job);
}

static void test_reverse__field_map_backwards(void)
{
	struct job job;
	const struct entity_sync *e;
	const char *module = NULL;
	char *s;

	tjob_init(&job, "zoho-books",
		  "{\"items\": {\"field_map\": {\"cf_colour\": \"Colour\", \"description\": \"Notes\","
		  " \"cf_dotted\": \"Vendor_Name.id\"}}}");
	e = job_entity(&job, "items");
	s = record_text(&job, "items",
			"{\"item_id\":\"I1\",\"name\":\"Bolt\",\"sku\":\"B-1\",\"rate\":2.5,\"description\":\"d\","
			"\"cf_colour\":\"red\",\"cf_dotted\":\"v\"}",
			&module);
	CHECK_STREQ(module, "Products");
	CHECK_STREQ(s, "{\"Colour\":\"red\",\"Description\":\"d\",\"Notes\":\"d\",\"Product_Code\":\"B-1\","
		       "\"Product_Name\":\"Bolt\",\"Unit_Price\":2.5}");
	xfree(s);
	CHECK_STREQ(reverse_finance_key(&job, e, "Products", "Colour"), "cf_colour");
	CHECK_STREQ(reverse_finance_key(&job, e, "Products", "Product_Code"), "sku");
	CHECK(reverse_finance_key(&job, e, "Products", "Nothing") == NULL);
	tjob_release(&job);
}

static void test_reverse__ids(void)
{
	struct job job;
	json_t *row = json_loads("{\"contact_id\": 460000000012345, \"cf_crm_id\": \"c9\"}", 0, NULL);
	json_t *bare = json_loads("{\"contact_id\": \"F2\", \"cf_crm_id\": \"\"}", 0, NULL);
	char buf[32];

	tjob_init(&job, "zoho-books", "{\"customers\": {}}");
	CHECK_STREQ(reverse_finance_id(&job, job_entity(&job, "customers"), row, buf, sizeof(buf)), "460000000012345");
	CHECK_STREQ(reverse_finance_id(&job, job_entity(&job, "customers"), bare, buf, sizeof(buf)), "F2");
	CHECK_STREQ(reverse_crm_id(&job, row), "c9");
	CHECK(reverse_crm_id(&job, bare) == NULL);
	json_decref(row);
	json_decref(bare);
	tjob_release(&job);
}

static const struct unit_test reverse_tests[] = {
	UNIT(test_reverse__business_and_individual),
	UNIT(test_reverse__row_and_record_hash_alike),
	UNIT(test_reverse__field_map_backwards),
	UNIT(test_reverse__ids),
	{ 0 },
};
UNIT_SUITE(reverse_tests)
