/*
 * test_ledger_transactions.c - transaction_links (src/ledger/transactions.c):
 * the two kinds of row told apart by origin, each found by its own key; a
 * put replaces the row of the same key (a pending quote gets its invoice),
 * a delete takes only that row, and the table refuses a row without its
 * key (origin crm without a CRM id).
 */
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/ledger.h"
#include "ledger_test.h"
#include "unit.h"

static struct txn_link from_crm(const char *crm_id, const char *finance_id, const char *hash)
{
	return (struct txn_link){
		.kind = (char *)"invoice",
		.finance_id = (char *)finance_id,
		.crm_module = (char *)"Quotes",
		.crm_id = (char *)crm_id,
		.origin = (char *)"crm",
		.hash = (char *)hash
	};
}

static void test_ledger_transactions__both_origins(void)
{
	const char *dir = unit_tmpdir();
	struct ledger *lg = NULL;
	struct txn_link t, pending = from_crm("q1", NULL, "h1"), done = from_crm("q1", "INV1", "h2");
	struct txn_link mirror = {
		.kind = (char *)"invoice",
		.finance_id = (char *)"INV1",
		.crm_module = (char *)"Invoices",
		.crm_id = NULL,
		.origin = (char *)"finance"
	};

	CHECK(ledger_open(&lg, dir) == 0);
	CHECK(ledger_txn_link_get(lg, "crm", "Quotes", "q1", &t) == 0);
	txn_link_release(&t);
	CHECK(ledger_txn_link_put(lg, &pending) == 0);
	CHECK(ledger_txn_link_get(lg, "crm", "Quotes", "q1", &t) == 1);
	CHECK(t.finance_id == NULL);
	CHECK_STREQ(t.hash, "h1");
	txn_link_release(&t);
	CHECK(ledger_txn_link_put(lg, &done) == 0); /* the create answered */
	CHECK_INTEQ(ledger_txn_links_count(lg), 1);
	CHECK(ledger_txn_link_get(lg, "crm", "Quotes", "q1", &t) == 1);
	CHECK_STREQ(t.finance_id, "INV1");
	CHECK_STREQ(t.hash, "h2");
	CHECK_STREQ(t.origin, "crm");
	CHECK(t.updated_at != NULL);
	txn_link_release(&t);
	/* The same invoice mirrored into the CRM is a row of its own, keyed by kind and finance id. */
	CHECK(ledger_txn_link_put(lg, &mirror) == 0);
	CHECK_INTEQ(ledger_txn_links_count(lg), 2);
	CHECK(ledger_txn_link_get(lg, "finance", "invoice", "INV1", &t) == 1);
	CHECK_STREQ(t.crm_module, "Invoices");
	CHECK(t.crm_id == NULL);
	txn_link_release(&t);
	CHECK(ledger_txn_link_get(lg, "finance", "estimate", "INV1", &t) == 0);
	txn_link_release(&t);
	mirror.crm_id = (char *)"crmInv1";
	CHECK(ledger_txn_link_put(lg, &mirror) == 0);
	CHECK_INTEQ(ledger_txn_links_count(lg), 2);
	CHECK(ledger_txn_link_delete(lg, &done) == 0);
	CHECK(ledger_txn_link_get(lg, "crm", "Quotes", "q1", &t) == 0);
	txn_link_release(&t);
	CHECK(ledger_txn_link_get(lg, "finance", "invoice", "INV1", &t) == 1);
	CHECK_STREQ(t.crm_id, "crmInv1");
	txn_link_release(&t);
	ledger_close(lg);
	CHECK_INTEQ(ledger_query_int(dir, "SELECT count(*) FROM transaction_links WHERE origin = 'finance'"), 1);
}

static void test_ledger_transactions__key_required(void)
{
	struct ledger *lg = NULL;
	struct txn_link bad = from_crm(NULL, "INV2", NULL), odd = from_crm("q2", "X", NULL);

	CHECK(ledger_open(&lg, unit_tmpdir()) == 0);
	CHECK(ledger_txn_link_put(lg, &bad) == FS_EABORT);
	CHECK(strstr(err_msg(), "write transaction link") != NULL);
	odd.kind = (char *)"receipt"; /* not a kind the table knows */
	CHECK(ledger_txn_link_put(lg, &odd) == FS_EABORT);
	CHECK_INTEQ(ledger_txn_links_count(lg), 0);
	ledger_close(lg);
}

static const struct unit_test ledger_transactions_tests[] = {
	UNIT(test_ledger_transactions__both_origins),
	UNIT(test_ledger_transactions__key_required),
	{ 0 },
};
UNIT_SUITE(ledger_transactions_tests)
