/*
 * test_person_links.c - the ledger's schema v6: person_links keyed by CRM
 * contact, the persons of a customer oldest first (a row replaced keeps its
 * age, which is how "the oldest linked contact" is told), the lookup by the
 * finance person id, and the delete.
 */
#include "finsync/alloc.h"
#include "finsync/ledger.h"
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

static const struct unit_test person_links_tests[] = {
	UNIT(test_person_links__order_and_moves),
	{ 0 },
};
UNIT_SUITE(person_links_tests)
