/*
 * test_job_txn.c - sync.quotes and sync.transactions (src/job/job_txn.c):
 * what they set and default, the kinds each app can give, what they need
 * synced beside them, and the CRM writes a CSV source cannot take.
 */
#include <string.h>
#include "job_test.h"
#include "unit.h"

static void test_job_txn__transactions(void)
{
	struct job *job = NULL;

	CHECK(tjob_load(JT_CRM_API, JT_FIN("zoho-books"),
			"{\"customers\":{},\"transactions\":{\"to_crm\":[\"invoices\",\"estimates\"],"
			"\"since\":\"2026-01-31\"}}",
			&job) == 0);
	if (job) {
		CHECK(job->transactions.enabled);
		CHECK(job->transactions.to_crm[TXN_INVOICES] && job->transactions.to_crm[TXN_ESTIMATES]);
		CHECK(!job->transactions.to_crm[TXN_SALESORDERS] && !job->transactions.to_crm[TXN_PURCHASEORDERS]);
		CHECK_STREQ(job->transactions.since, "2026-01-31");
		CHECK_STREQ(job->transactions.crm_finance_id_field, "Finance_Id");
		CHECK(job->transactions.crm_balance_field == NULL);
	}
	job_free(job);
	CHECK_STREQ(txn_kind_key(TXN_PURCHASEORDERS), "purchaseorders");
}

static void test_job_txn__transactions_refused(void)
{
	const char *api = JT_CRM_API, *books = JT_FIN("zoho-books");

	tjob_refused(api, books, "{\"customers\":{},\"transactions\":{\"to_crm\":[]}}",
		     "sync.transactions.to_crm: must be a list of invoices, estimates, salesorders, purchaseorders");
	tjob_refused(api, books, "{\"customers\":{},\"transactions\":{\"to_crm\":[\"bills\"]}}",
		     "unknown value 'bills'");
	tjob_refused(api, JT_FIN("zoho-invoice"), "{\"customers\":{},\"transactions\":{\"to_crm\":[\"salesorders\"]}}",
		     "zoho-invoice has no salesorders finsync can read");
	tjob_refused(api, books, "{\"customers\":{},\"transactions\":{\"to_crm\":[\"purchaseorders\"]}}",
		     "purchaseorders: a purchase order's vendor must be linked");
	tjob_refused(api, books,
		     "{\"customers\":{},\"transactions\":{\"to_crm\":[\"invoices\"],\"since\":\"31/01/2026\"}}",
		     "sync.transactions.since: '31/01/2026' is not a date (yyyy-mm-dd)");
	tjob_refused(api, books,
		     "{\"customers\":{},\"transactions\":{\"to_crm\":[\"invoices\"],\"since\":\"2026-13-01\"}}",
		     "is not a date");
	tjob_refused(JT_CRM_CSV, books, "{\"customers\":{},\"transactions\":{\"to_crm\":[\"invoices\"]}}",
		     "sync.transactions: writes to the CRM: it needs crm.type zoho-crm, not csv");
	tjob_refused(api, books,
		     "{\"customers\":{},\"transactions\":{\"to_crm\":[\"invoices\"],\"crm_balance_field\":\"\"}}",
		     "sync.transactions.crm_balance_field: must be a non-empty string");
}

static void test_job_txn__quotes(void)
{
	struct job *job = NULL;
	const char *api = JT_CRM_API, *books = JT_FIN("zoho-books");

	CHECK(tjob_load(api, books, "{\"customers\":{},\"items\":{},\"quotes\":{\"invoice_at_stage\":\"Confirmed\"}}",
			&job) == 0);
	if (job) {
		CHECK(job->quotes.enabled);
		CHECK_STREQ(job->quotes.invoice_at_stage, "Confirmed");
		CHECK(job->quotes.create == QUOTE_TO_INVOICE);
		CHECK(job->quotes.views == NULL);
	}
	job_free(job);
	CHECK(tjob_load(
		      api, JT_FIN("zoho-inventory"),
		      "{\"customers\":{},\"items\":{},\"quotes\":{\"invoice_at_stage\":\"C\",\"create\":\"salesorder\","
		      "\"views\":{\"Quotes\":\"42\"}}}",
		      &job) == 0);
	if (job) {
		CHECK(job->quotes.create == QUOTE_TO_SALESORDER);
		CHECK(job->quotes.views != NULL);
	}
	job_free(job);
	tjob_refused(api, books, "{\"customers\":{},\"items\":{},\"quotes\":{}}",
		     "sync.quotes.invoice_at_stage: missing");
	tjob_refused(api, books,
		     "{\"customers\":{},\"items\":{},\"quotes\":{\"invoice_at_stage\":\"C\",\"create\":\"bill\"}}",
		     "sync.quotes.create: unknown value 'bill' (invoice, salesorder)");
	tjob_refused(
		api, JT_FIN("zoho-invoice"),
		"{\"customers\":{},\"items\":{},\"quotes\":{\"invoice_at_stage\":\"C\",\"create\":\"salesorder\"}}",
		"zoho-invoice has no sales orders finsync can create");
	tjob_refused(api, JT_FIN("zoho-billing"),
		     "{\"customers\":{},\"items\":{},\"quotes\":{\"invoice_at_stage\":\"C\"}}",
		     "zoho-billing has no invoices finsync can create");
	tjob_refused(
		api, books,
		"{\"customers\":{},\"items\":{},\"quotes\":{\"invoice_at_stage\":\"C\",\"views\":{\"Deals\":\"1\"}}}",
		"sync.quotes.views: must be {\"Quotes\": \"<custom view id>\"}");
	tjob_refused(JT_CRM_CSV, books, "{\"customers\":{},\"items\":{},\"quotes\":{\"invoice_at_stage\":\"C\"}}",
		     "it needs crm.type zoho-crm, not csv");
	tjob_refused(api, books, "{\"customers\":{},\"quotes\":{\"invoice_at_stage\":\"C\"}}",
		     "the job must sync customers and items");
}

static const struct unit_test job_txn_tests[] = {
	UNIT(test_job_txn__transactions),
	UNIT(test_job_txn__transactions_refused),
	UNIT(test_job_txn__quotes),
	{ 0 },
};
UNIT_SUITE(job_txn_tests)
