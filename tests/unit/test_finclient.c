/*
 * test_finclient.c - the finance app's REST API (src/conn/finclient.c)
 * against a finsync-sandbox started by the test: a create, read back by id,
 * then an update of it; the list walks every record once, customers and
 * vendors apart; a record is found by its CRM id custom field; an upsert
 * sent twice makes one record; a refused write is an answer (not an
 * error) carrying the app's code and message; a missing record is "none".
 * fin_row_cf() reads a custom field from each shape Zoho answers with.
 */
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/finclient.h"
#include "sandbox_test.h"
#include "unit.h"

static json_t *customer(const char *name, const char *crm_id)
{
	return json_pack("{s:s, s:s, s:[{s:s, s:s}]}", "contact_name", name, "contact_type", "customer",
			 "custom_fields", "api_name", "cf_crm_id", "value", crm_id);
}

static int count_row(json_t *row, void *ud)
{
	const char *name = json_string_value(json_object_get(row, "contact_name"));
	int *n = ud;

	n[0]++;
	n[1] += name && !strcmp(name, "Unit Test Ltd");
	return 0;
}

static void test_finclient__create_read_update_list_find(void)
{
	struct sandbox_job fx;
	struct finclient *fc = NULL;
	struct fin_outcome out = { 0 };
	json_t *payload = customer("Unit Test Ltd", "4150868000000099901"), *rec = NULL;
	char *id = NULL, *found = NULL;
	int n[2] = { 0, 0 }, vendors[2] = { 0, 0 };

	if (sandbox_job_setup(&fx, "books"))
		return;
	CHECK(finclient_open(&fc, fx.job) == 0);
	CHECK(finclient_write(fc, ENTITY_CUSTOMERS, NULL, payload, &out) == 0);
	CHECK(out.ok && out.finance_id && out.code == 0);
	id = xstrdup(out.finance_id);
	fin_outcome_release(&out);
	CHECK(finclient_read(fc, ENTITY_CUSTOMERS, id, &rec) == 1);
	CHECK_STREQ(json_string_value(json_object_get(rec, "contact_name")), "Unit Test Ltd");
	json_decref(rec);
	json_object_set_new(payload, "website", json_string("https://unit.example"));
	CHECK(finclient_write(fc, ENTITY_CUSTOMERS, id, payload, &out) == 0);
	CHECK(out.ok);
	CHECK_STREQ(out.finance_id, id);
	fin_outcome_release(&out);
	CHECK(finclient_read(fc, ENTITY_CUSTOMERS, id, &rec) == 1);
	CHECK_STREQ(json_string_value(json_object_get(rec, "website")), "https://unit.example");
	json_decref(rec);
	/* The seeds' two customers and this one; no vendor among them. */
	CHECK(finclient_list(fc, ENTITY_CUSTOMERS, count_row, n) == 0);
	CHECK_INTEQ(n[0], 3);
	CHECK_INTEQ(n[1], 1);
	CHECK(finclient_list(fc, ENTITY_VENDORS, count_row, vendors) == 0);
	CHECK_INTEQ(vendors[0], 0);
	CHECK(finclient_find(fc, ENTITY_CUSTOMERS, "cf_crm_id", "4150868000000099901", &found) == 1);
	CHECK_STREQ(found, id);
	xfree(found);
	found = NULL;
	CHECK(finclient_find(fc, ENTITY_CUSTOMERS, "cf_crm_id", "4150868000000099999", &found) == 0);
	CHECK(found == NULL);
	CHECK(finclient_read(fc, ENTITY_CUSTOMERS, "460000000099999", &rec) == 0);
	xfree(id);
	json_decref(payload);
	finclient_close(fc);
	sandbox_job_teardown(&fx);
}

static void test_finclient__upsert_twice_one_record(void)
{
	struct sandbox_job fx;
	struct finclient *fc = NULL;
	struct fin_outcome a = { 0 }, b = { 0 };
	json_t *payload = customer("Upsert Ltd", "4150868000000099902");
	int n[2] = { 0, 0 };

	if (sandbox_job_setup(&fx, "books"))
		return;
	CHECK(finclient_open(&fc, fx.job) == 0);
	CHECK(finclient_upsert(fc, ENTITY_CUSTOMERS, "cf_crm_id", "4150868000000099902", payload, &a) == 0);
	CHECK(finclient_upsert(fc, ENTITY_CUSTOMERS, "cf_crm_id", "4150868000000099902", payload, &b) == 0);
	CHECK(a.ok && b.ok);
	CHECK(a.finance_id && b.finance_id && !strcmp(a.finance_id, b.finance_id));
	CHECK(finclient_list(fc, ENTITY_CUSTOMERS, count_row, n) == 0);
	CHECK_INTEQ(n[0], 3);
	fin_outcome_release(&a);
	fin_outcome_release(&b);
	json_decref(payload);
	finclient_close(fc);
	sandbox_job_teardown(&fx);
}

/* The same display name twice: the app refuses the second, and says why. */
static void test_finclient__refusal_is_an_answer(void)
{
	struct sandbox_job fx;
	struct finclient *fc = NULL;
	struct fin_outcome out = { 0 };
	json_t *payload = customer("Globex Corporation", "4150868000000099903");

	if (sandbox_job_setup(&fx, "books"))
		return;
	CHECK(finclient_open(&fc, fx.job) == 0);
	CHECK(finclient_write(fc, ENTITY_CUSTOMERS, NULL, payload, &out) == 0);
	CHECK(!out.ok);
	CHECK(out.status >= 400 && out.code != 0);
	CHECK(out.message && *out.message);
	CHECK(out.finance_id == NULL);
	fin_outcome_release(&out);
	json_decref(payload);
	finclient_close(fc);
	sandbox_job_teardown(&fx);
}

static void test_finclient__custom_field_shapes(void)
{
	json_t *top = json_loads("{\"cf_crm_id\":\"1\",\"name\":\"x\"}", 0, NULL);
	json_t *hash = json_loads("{\"custom_field_hash\":{\"cf_crm_id\":\"2\"}}", 0, NULL);
	json_t *list = json_loads("{\"custom_fields\":[{\"api_name\":\"cf_other\",\"value\":\"9\"},"
				  "{\"api_name\":\"cf_crm_id\",\"value\":\"3\"}]}",
				  0, NULL);
	json_t *none = json_loads("{\"contact_name\":\"row\"}", 0, NULL);
	json_t *empty = json_loads("{\"custom_fields\":[]}", 0, NULL);
	int carried = -1;

	CHECK_STREQ(json_string_value(fin_row_cf(top, "cf_crm_id", &carried)), "1");
	CHECK_INTEQ(carried, 1);
	CHECK_STREQ(json_string_value(fin_row_cf(hash, "cf_crm_id", &carried)), "2");
	CHECK_STREQ(json_string_value(fin_row_cf(list, "cf_crm_id", &carried)), "3");
	CHECK(fin_row_cf(none, "cf_crm_id", &carried) == NULL);
	CHECK_INTEQ(carried, 0); /* a list row: only the record can tell */
	CHECK(fin_row_cf(empty, "cf_crm_id", &carried) == NULL);
	CHECK_INTEQ(carried, 1); /* it has custom fields, not this one */
	json_decref(top);
	json_decref(hash);
	json_decref(list);
	json_decref(none);
	json_decref(empty);
}

static const struct unit_test finclient_tests[] = {
	UNIT(test_finclient__create_read_update_list_find),
	UNIT(test_finclient__upsert_twice_one_record),
	UNIT(test_finclient__refusal_is_an_answer),
	UNIT(test_finclient__custom_field_shapes),
	{ 0 },
};
UNIT_SUITE(finclient_tests)
