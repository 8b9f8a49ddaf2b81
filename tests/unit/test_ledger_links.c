/*
 * test_ledger_links.c - src/ledger/links.c: links (put replaces by entity
 * and CRM id, found by finance id unless the source was deleted, counted,
 * walked with "created only"), create intents, the finance reads kept per
 * version, and person_links (schema v6) keyed by CRM contact, the persons
 * of a customer oldest first (a row replaced keeps its age, which is how
 * "the oldest linked contact" is told), the lookup by the finance person
 * id, and the delete.
 */
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/ledger.h"
#include "ledger_test.h"
#include "unit.h"

static int put(struct ledger *lg, const char *crm, const char *customer, const char *person, const char *hash)
{
	struct person_link p = { (char *)crm, (char *)customer, (char *)person, (char *)hash };

	return ledger_person_link_put(lg, &p);
}

static void test_person_links__order_and_moves(void)
{
	struct ledger *lg = NULL;
	struct person_link *links = NULL, one;
	char *crm = NULL;
	size_t n = 0, i;

	CHECK(ledger_open(&lg, unit_tmpdir()) == 0);
	CHECK(put(lg, "c1", "F1", "P1", "h1") == 0);
	CHECK(put(lg, "c2", "F1", "P2", "h2") == 0);
	CHECK(put(lg, "c3", "F2", "P3", "h3") == 0);
	/* c1 written again (a new hash): still the oldest of F1. */
	CHECK(put(lg, "c1", "F1", "P1", "h1b") == 0);
	CHECK(ledger_person_links_of(lg, "F1", &links, &n) == 0);
	CHECK_INTEQ((int)n, 2);
	if (n == 2) {
		CHECK_STREQ(links[0].crm_contact_id, "c1");
		CHECK_STREQ(links[0].hash, "h1b");
		CHECK_STREQ(links[1].finance_person_id, "P2");
	}
	for (i = 0; i < n; i++)
		person_link_release(&links[i]);
	xfree(links);
	/* c3 moves to F1 under a new person id; F2 has none left. */
	CHECK(put(lg, "c3", "F1", "P4", "h3") == 0);
	CHECK(ledger_person_link_get(lg, "c3", &one) == 1);
	CHECK_STREQ(one.finance_customer_id, "F1");
	person_link_release(&one);
	CHECK(ledger_person_links_of(lg, "F2", &links, &n) == 0);
	CHECK_INTEQ((int)n, 0);
	xfree(links);
	CHECK(ledger_person_link_by_person(lg, "P4", &crm) == 1);
	CHECK_STREQ(crm, "c3");
	xfree(crm);
	CHECK(ledger_person_link_by_person(lg, "P3", &crm) == 0);
	CHECK(ledger_person_link_delete(lg, "c2") == 0);
	CHECK(ledger_person_link_get(lg, "c2", &one) == 0);
	person_link_release(&one);
	ledger_close(lg);
}

static int link_put(struct ledger *lg, const char *crm_id, const char *fin_id, const char *origin, const char *state)
{
	struct link l = { (char *)"customers", (char *)crm_id, (char *)fin_id, (char *)origin,
			  (char *)"ch",        NULL,           (char *)state,  NULL };

	return ledger_link_put(lg, &l);
}

static void test_ledger_links__put_get_replace(void)
{
	const char *dir = unit_tmpdir();
	struct ledger *lg = NULL;
	struct link l;
	char *crm = NULL;

	CHECK(ledger_open(&lg, dir) == 0);
	CHECK(ledger_link_get(lg, "customers", "c1", &l) == 0);
	link_release(&l);
	CHECK(link_put(lg, "c1", "F1", NULL, NULL) == 0); /* origin crm, state linked by default */
	CHECK(ledger_link_get(lg, "customers", "c1", &l) == 1);
	CHECK_STREQ(l.finance_id, "F1");
	CHECK_STREQ(l.origin, "crm");
	CHECK_STREQ(l.state, "linked");
	CHECK_STREQ(l.crm_hash, "ch");
	CHECK(l.finance_hash == NULL && l.updated_at && strlen(l.updated_at) == 20);
	link_release(&l);
	CHECK(ledger_link_get(lg, "vendors", "c1", &l) == 0); /* entities apart */
	link_release(&l);
	CHECK(link_put(lg, "c1", "F2", "finance", "linked") == 0);
	CHECK_INTEQ(ledger_links_count(lg, "customers"), 1);
	CHECK(ledger_link_by_finance(lg, "customers", "F2", &crm) == 1);
	CHECK_STREQ(crm, "c1");
	xfree(crm);
	CHECK(ledger_link_by_finance(lg, "customers", "F1", &crm) == 0);
	/* A deleted source no longer claims its finance record. */
	CHECK(link_put(lg, "c1", "F2", "crm", "source_deleted") == 0);
	CHECK(ledger_link_by_finance(lg, "customers", "F2", &crm) == 0);
	CHECK_INTEQ(ledger_linked_count(lg, "customers"), 0);
	CHECK(link_put(lg, "c2", NULL, NULL, "pending") == 0);
	CHECK(link_put(lg, "c3", "F3", NULL, NULL) == 0);
	CHECK_INTEQ(ledger_links_count(lg, "customers"), 3);
	CHECK_INTEQ(ledger_linked_count(lg, "customers"), 1);
	CHECK(ledger_entity_known(lg, "customers") == 1);
	CHECK(ledger_entity_known(lg, "items") == 0);
	CHECK(ledger_link_delete(lg, "customers", "c3") == 0);
	CHECK_INTEQ(ledger_links_count(lg, "customers"), 2);
	ledger_close(lg);
	CHECK_INTEQ(ledger_query_int(dir, "SELECT count(*) FROM links WHERE entity = 'customers'"), 2);
}

static int collect(const struct link *l, void *ud)
{
	char *seen = ud;

	strcat(seen, l->crm_id);
	strcat(seen, ",");
	return !strcmp(l->crm_id, "stop") ? 7 : 0;
}

/* "Created only": origin crm and a create event for that very finance id. */
static void test_ledger_links__walk_created_only(void)
{
	struct ledger *lg = NULL;
	char seen[128] = "";
	long run;

	CHECK(ledger_open(&lg, unit_tmpdir()) == 0);
	CHECK(ledger_run_start(lg, "job", "load", &run) == 0);
	CHECK(link_put(lg, "made", "F1", "crm", NULL) == 0);
	CHECK(ledger_event_add(lg, run, "customers", "Accounts", "made", "F1", "create", NULL, NULL) == 0);
	CHECK(link_put(lg, "found", "F2", "crm", NULL) == 0);
	CHECK(ledger_event_add(lg, run, "customers", "Accounts", "found", "F2", "link", "name", NULL) == 0);
	CHECK(link_put(lg, "theirs", "F3", "finance", NULL) == 0);
	CHECK(ledger_event_add(lg, run, "customers", "Accounts", "theirs", "F3", "create", NULL, NULL) == 0);
	CHECK(link_put(lg, "moved", "F5", "crm", NULL) == 0); /* created as F4, linked to F5 since */
	CHECK(ledger_event_add(lg, run, "customers", "Accounts", "moved", "F4", "create", NULL, NULL) == 0);
	CHECK(link_put(lg, "pending", NULL, "crm", "pending") == 0);
	CHECK(ledger_links_each(lg, "customers", 1, collect, seen) == 0);
	CHECK_STREQ(seen, "made,");
	seen[0] = '\0';
	CHECK(ledger_links_each(lg, "customers", 0, collect, seen) == 0);
	CHECK_STREQ(seen, "found,made,moved,theirs,");
	/* The callback's non-zero answer stops the walk and is returned. */
	CHECK(link_put(lg, "stop", "F9", "crm", NULL) == 0);
	seen[0] = '\0';
	CHECK_INTEQ(ledger_links_each(lg, "customers", 0, collect, seen), 7);
	CHECK_STREQ(seen, "found,made,moved,stop,");
	ledger_close(lg);
}

static void test_ledger_links__intents(void)
{
	const char *dir = unit_tmpdir();
	struct ledger *lg = NULL;

	CHECK(ledger_open(&lg, dir) == 0);
	CHECK(ledger_intent_exists(lg, "customers", "c1") == 0);
	CHECK(ledger_intent_put(lg, "customers", "c1", 4, "h1") == 0);
	CHECK(ledger_intent_put(lg, "customers", "c1", 5, "h2") == 0); /* replaced, not doubled */
	CHECK(ledger_intent_exists(lg, "customers", "c1") == 1);
	CHECK(ledger_intent_exists(lg, "vendors", "c1") == 0);
	CHECK_INTEQ(ledger_query_int(dir, "SELECT count(*) FROM intents"), 1);
	CHECK_INTEQ(ledger_query_int(dir, "SELECT run_id FROM intents WHERE crm_id = 'c1'"), 5);
	CHECK(ledger_intent_clear(lg, "customers", "c1") == 0);
	CHECK(ledger_intent_exists(lg, "customers", "c1") == 0);
	CHECK(ledger_intent_clear(lg, "customers", "c1") == 0); /* nothing to clear: fine */
	ledger_close(lg);
}

/* A finance record's CRM id is known only at the version it was read at. */
static void test_ledger_links__finance_reads_by_version(void)
{
	struct ledger *lg = NULL;
	char *crm = (char *)"x";

	CHECK(ledger_open(&lg, unit_tmpdir()) == 0);
	CHECK(ledger_finance_read_get(lg, "customers", "F1", "2026-01-01T00:00:00Z", &crm) == 0);
	CHECK(ledger_finance_read_put(lg, "customers", "F1", "2026-01-01T00:00:00Z", "c1") == 0);
	CHECK(ledger_finance_read_get(lg, "customers", "F1", "2026-01-01T00:00:00Z", &crm) == 1);
	CHECK_STREQ(crm, "c1");
	xfree(crm);
	CHECK(ledger_finance_read_get(lg, "customers", "F1", "2026-02-01T00:00:00Z", &crm) == 0);
	/* Read again after a change: it carries no CRM id now. */
	CHECK(ledger_finance_read_put(lg, "customers", "F1", "2026-02-01T00:00:00Z", NULL) == 0);
	CHECK(ledger_finance_read_get(lg, "customers", "F1", "2026-02-01T00:00:00Z", &crm) == 1);
	CHECK(crm == NULL);
	CHECK(ledger_finance_read_get(lg, "customers", "F1", "2026-01-01T00:00:00Z", &crm) == 0);
	ledger_close(lg);
}

static const struct unit_test ledger_links_tests[] = {
	UNIT(test_ledger_links__put_get_replace),
	UNIT(test_ledger_links__walk_created_only),
	UNIT(test_ledger_links__intents),
	UNIT(test_ledger_links__finance_reads_by_version),
	{ 0 },
};
UNIT_SUITE(ledger_links_tests)

static const struct unit_test person_links_tests[] = {
	UNIT(test_person_links__order_and_moves),
	{ 0 },
};
UNIT_SUITE(person_links_tests)
