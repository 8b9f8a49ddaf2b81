/*
 * test_persons.c - a customer's contact persons kept by id
 * (src/stage/persons.c): persons_take() takes them out of a customer's
 * payload (back into a create's body where the app takes them there, never
 * into an update); against a finsync-sandbox, persons_settle() adds each
 * person on its own, keeps it in person_links, changes it in place under
 * the same id, removes the one that left, and never touches a person a
 * user added.
 */
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/finance.h"
#include "finsync/finclient.h"
#include "finsync/ledger.h"
#include "finsync/ndjson.h"
#include "finsync/pipeline.h"
#include "../../src/stage/persons.h"
#include "ledger_test.h"
#include "sandbox_test.h"
#include "unit.h"

#define GLOBEX "460000000026049"

static json_t *payload_with(const char *persons)
{
	json_t *p = json_pack("{s:s}", "contact_name", "Globex Corporation");

	json_object_set_new(p, "contact_persons", json_loads(persons, 0, NULL));
	return p;
}

static void test_persons__take(void)
{
	const char *two = "[{\"first_name\":\"Ann\",\"email\":\"ann@example.com\",\"crm_contact_id\":\"1\"},"
			  "{\"last_name\":\"Lee\",\"crm_contact_id\":\"2\"}]";
	json_t *payload = payload_with(two), *persons;
	int in_body = -1;

	persons = persons_take(finance_app_find("zoho-books"), payload, 0, &in_body);
	CHECK_INTEQ(json_array_size(persons), 2);
	CHECK_INTEQ(in_body, 0);
	CHECK(json_object_get(payload, "contact_persons") == NULL); /* an update never carries them */
	json_decref(persons);
	json_decref(payload);
	payload = payload_with(two);
	persons = persons_take(finance_app_find("zoho-books"), payload, 1, &in_body);
	CHECK_INTEQ(in_body, 1); /* Books takes them in a create */
	CHECK_INTEQ(json_array_size(json_object_get(payload, "contact_persons")), 2);
	json_decref(persons);
	json_decref(payload);
	payload = payload_with(two);
	persons = persons_take(finance_app_find("zoho-billing"), payload, 1, &in_body);
	CHECK_INTEQ(in_body, 0); /* Billing: never in the body */
	CHECK(json_object_get(payload, "contact_persons") == NULL);
	json_decref(persons);
	json_decref(payload);
	payload = json_pack("{s:s}", "contact_name", "No Persons");
	CHECK(persons_take(finance_app_find("zoho-books"), payload, 0, &in_body) == NULL);
	json_decref(payload);
}

/* Globex's persons in the sandbox's store as "first:email," in order. */
static char *persons_in_store(struct sandbox_job *fx)
{
	json_t *all = ctl(&fx->sb, "GET", "/store/books/contacts", NULL), *c, *p;
	char text[512] = "";
	size_t i, k;

	json_array_foreach(json_object_get(all, "records"), i, c) {
		if (strcmp(jstr_or(c, "contact_id", ""), GLOBEX))
			continue;
		json_array_foreach(json_object_get(c, "contact_persons"), k, p) {
			snprintf(text + strlen(text), sizeof(text) - strlen(text), "%s:%s,",
				 jstr_or(p, "first_name", "?"), jstr_or(p, "email", "-"));
		}
	}
	json_decref(all);
	return xstrdup(text);
}

static int settle(struct sandbox_job *fx, struct pipeline *p, const char *persons_text)
{
	struct finclient *fin = NULL;
	struct fin_outcome out = { 0 };
	json_t *persons = json_loads(persons_text, 0, NULL);
	int incomplete = -1, rc;

	(void)fx;
	out.ok = 1;
	out.finance_id = (char *)GLOBEX;
	CHECK(pipeline_finclient(p, &fin) == 0);
	CHECK(ledger_begin(p->lg) == 0);
	rc = persons_settle(p, fin, GLOBEX, persons, 0, &out, &incomplete);
	CHECK(ledger_commit(p->lg) == 0);
	CHECK_INTEQ(incomplete, 0);
	json_decref(persons);
	return rc;
}

/* A person a finance user adds to the customer (through the API, as the app's own screen would). */
static void add_users_person(struct pipeline *p)
{
	struct finclient *fin = NULL;
	struct fin_outcome out = { 0 };
	json_t *body = json_pack("{s:s, s:s, s:s}", "contact_id", GLOBEX, "first_name", "Uma", "email",
				 "uma@example.com");

	CHECK(pipeline_finclient(p, &fin) == 0);
	CHECK(finclient_person_write(fin, GLOBEX, NULL, body, &out) == 0);
	CHECK(out.ok);
	fin_outcome_release(&out);
	json_decref(body);
}

static void test_persons__kept_by_id(void)
{
	struct sandbox_job fx;
	struct pipeline p = { 0 };
	char *store, *id_before, *id_after;

	if (sandbox_job_setup(&fx, "books"))
		return;
	p.job = fx.job;
	CHECK(ledger_open(&p.lg, fx.job->state_dir) == 0);
	CHECK(ledger_run_start(p.lg, fx.job->name, "load", &p.run_id) == 0);
	CHECK(settle(&fx, &p,
		     "[{\"first_name\":\"Ann\",\"email\":\"ann@example.com\",\"crm_contact_id\":\"1\"},"
		     "{\"first_name\":\"Bob\",\"email\":\"bob@example.com\",\"crm_contact_id\":\"2\"}]") == 0);
	store = persons_in_store(&fx);
	CHECK(strstr(store, "Ann:ann@example.com,") && strstr(store, "Bob:bob@example.com,"));
	xfree(store);
	CHECK_INTEQ(ledger_query_int(fx.job->state_dir, "SELECT count(*) FROM person_links"), 2);
	id_before = ledger_query_text(fx.job->state_dir,
				      "SELECT finance_person_id FROM person_links WHERE crm_contact_id = '1'");
	add_users_person(&p);
	/* Ann's email changes, Bob left the account; Uma, a user's, is not finsync's to touch. */
	CHECK(settle(&fx, &p, "[{\"first_name\":\"Ann\",\"email\":\"ann@new.example\",\"crm_contact_id\":\"1\"}]") ==
	      0);
	store = persons_in_store(&fx);
	CHECK(strstr(store, "Ann:ann@new.example,") != NULL);
	CHECK(strstr(store, "Bob:") == NULL);
	CHECK(strstr(store, "Uma:uma@example.com,") != NULL);
	xfree(store);
	id_after = ledger_query_text(fx.job->state_dir,
				     "SELECT finance_person_id FROM person_links WHERE crm_contact_id = '1'");
	CHECK(id_before && id_after && !strcmp(id_before, id_after)); /* changed in place, not replaced */
	CHECK_INTEQ(ledger_query_int(fx.job->state_dir, "SELECT count(*) FROM person_links"), 1);
	xfree(id_before);
	xfree(id_after);
	pipeline_release(&p);
	ledger_close(p.lg);
	sandbox_job_teardown(&fx);
}

static const struct unit_test persons_tests[] = {
	UNIT(test_persons__take),
	UNIT(test_persons__kept_by_id),
	{ 0 },
};
UNIT_SUITE(persons_tests)
