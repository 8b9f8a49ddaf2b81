/*
 * test_job_deals.c - sync.deals and sync.summary (src/job/job_deals.c):
 * the defaults a deal job gets, the stage lists and the keys that only one
 * mode takes, what the app must offer, and the CRM writes a CSV source
 * cannot take, each refusal naming its key.
 */
#include <string.h>
#include <jansson.h>
#include "job_test.h"
#include "unit.h"

#define CUST "\"customers\":{},"

static void test_job_deals__defaults(void)
{
	struct job *job = NULL;
	const struct deal_sync *d;

	CHECK(tjob_load(JT_CRM_API, JT_FIN("zoho-books"),
			"{" CUST "\"deals\":{\"automate\":\"invoice\",\"default_item\":\"Services\"}}", &job) == 0);
	if (!job)
		return;
	d = &job->deals;
	CHECK(d->enabled && d->automate == DEAL_INVOICE);
	CHECK(d->decline_on_lost && d->void_on_lost && !d->convert_accepted_to_invoice);
	CHECK(d->line_items == LINES_PRODUCTS);
	CHECK_INTEQ(json_array_size(d->stage_order), 8);
	CHECK_STREQ(json_string_value(json_array_get(d->stage_order, 7)), "Closed Won");
	CHECK_STREQ(json_string_value(json_array_get(d->lost_stages, 0)), "Closed Lost");
	CHECK_STREQ(d->default_item, "Services");
	CHECK(!d->has_crm_fields && d->crm_fields[MONEY_TOTAL] == NULL);
	CHECK_STREQ(deal_money_key(MONEY_BALANCE), "balance");
	job_free(job);
}

static void test_job_deals__quote_mode_and_money_fields(void)
{
	struct job *job = NULL;

	CHECK(tjob_load(JT_CRM_API, JT_FIN("zoho-books"),
			"{" CUST "\"deals\":{\"automate\":\"quote\",\"stage_order\":[\"A\",\"B\",\"Won\"],"
			"\"lost_stages\":[\"Lost\"],\"quote_create_stage\":\"A\",\"quote_accept_stage\":\"B\","
			"\"line_items\":\"deal\",\"crm_fields\":{\"total\":\"Invoice_Total\"}}}",
			&job) == 0);
	if (!job)
		return;
	CHECK(job->deals.automate == DEAL_QUOTE);
	CHECK_STREQ(job->deals.quote_create_stage, "A");
	CHECK_STREQ(job->deals.quote_accept_stage, "B");
	CHECK(job->deals.line_items == LINES_DEAL);
	CHECK(job->deals.has_crm_fields);
	CHECK_STREQ(job->deals.crm_fields[MONEY_TOTAL], "Invoice_Total");
	job_free(job);
}

static void test_job_deals__refusals(void)
{
	const char *api = JT_CRM_API, *books = JT_FIN("zoho-books");

	tjob_refused(api, books, "{\"items\":{},\"deals\":{\"automate\":\"invoice\",\"default_item\":\"S\"}}",
		     "sync.deals: a deal is invoiced to its account or contact");
	tjob_refused(api, books, "{" CUST "\"deals\":{}}", "sync.deals.automate: missing");
	tjob_refused(api, books, "{" CUST "\"deals\":{\"automate\":\"order\"}}",
		     "sync.deals.automate: unknown value 'order' (invoice, quote, salesorder)");
	tjob_refused(api, JT_FIN("zoho-billing"), "{" CUST "\"deals\":{\"automate\":\"quote\"}}",
		     "zoho-billing has no quotes (estimates); use invoice");
	tjob_refused(api, JT_FIN("zoho-invoice"), "{" CUST "\"deals\":{\"automate\":\"salesorder\"}}",
		     "zoho-invoice has no sales orders; use invoice");
	tjob_refused(api, books, "{" CUST "\"deals\":{\"automate\":\"invoice\"}}",
		     "sync.deals.default_item: missing: Zoho Books invoice lines need an item");
	tjob_refused(api, books, "{" CUST "\"deals\":{\"automate\":\"invoice\",\"default_item\":\"S\",\"stage\":1}}",
		     "sync.deals.stage: unknown key");
	tjob_refused(api, books,
		     "{" CUST
		     "\"deals\":{\"automate\":\"invoice\",\"default_item\":\"S\",\"quote_create_stage\":\"A\"}}",
		     "sync.deals.quote_create_stage: only with automate quote");
	tjob_refused(api, books,
		     "{" CUST
		     "\"deals\":{\"automate\":\"invoice\",\"default_item\":\"S\",\"confirm_sales_order\":true}}",
		     "sync.deals.confirm_sales_order: only with automate salesorder");
	tjob_refused(api, books, "{" CUST "\"deals\":{\"automate\":\"quote\"}}",
		     "sync.deals.quote_create_stage: missing");
	tjob_refused(api, books,
		     "{" CUST "\"deals\":{\"automate\":\"quote\",\"stage_order\":[\"A\",\"B\"],\"quote_create_stage\":"
		     "\"B\",\"quote_accept_stage\":\"A\"}}",
		     "'A' comes before quote_create_stage 'B' in stage_order");
	tjob_refused(api, books,
		     "{" CUST "\"deals\":{\"automate\":\"quote\",\"stage_order\":[\"A\",\"B\"],\"quote_create_stage\":"
		     "\"C\"}}",
		     "'C' is not in stage_order");
	tjob_refused(api, books,
		     "{" CUST
		     "\"deals\":{\"automate\":\"invoice\",\"default_item\":\"S\",\"stage_order\":[\"A\",\"A\"]}}",
		     "'A' is listed twice");
	tjob_refused(api, books,
		     "{" CUST
		     "\"deals\":{\"automate\":\"invoice\",\"default_item\":\"S\",\"stage_order\":[\"A\",\"W\"],"
		     "\"lost_stages\":[\"W\"]}}",
		     "sync.deals.lost_stages: 'W' is also in stage_order");
	tjob_refused(api, books,
		     "{" CUST
		     "\"deals\":{\"automate\":\"invoice\",\"default_item\":\"S\",\"views\":{\"Quotes\":\"1\"}}}",
		     "sync.deals.views.Quotes: deals read only the CRM module 'Deals'");
	tjob_refused(api, books,
		     "{" CUST
		     "\"deals\":{\"automate\":\"invoice\",\"default_item\":\"S\",\"crm_fields\":{\"tax\":\"T\"}}}",
		     "sync.deals.crm_fields.tax: unknown key");
	tjob_refused(JT_CRM_CSV, books,
		     "{" CUST
		     "\"deals\":{\"automate\":\"invoice\",\"default_item\":\"S\",\"crm_fields\":{\"total\":\"T\"}}}",
		     "sync.deals.crm_fields: writes to the CRM: it needs crm.type zoho-crm, not csv");
	tjob_refused(api, books,
		     "{" CUST "\"deals\":{\"automate\":\"invoice\",\"default_item\":\"S\",\"void_on_lost\":\"no\"}}",
		     "sync.deals.void_on_lost: must be true or false");
}

static void test_job_deals__summary(void)
{
	struct job *job = NULL;
	const char *api = JT_CRM_API, *books = JT_FIN("zoho-books");

	CHECK(tjob_load(api, books, "{" CUST "\"summary\":{}}", &job) == 0);
	if (job) {
		CHECK(job->summary.enabled);
		CHECK_STREQ(job->summary.fields[SUM_OUTSTANDING], "Outstanding_Receivable");
		CHECK_STREQ(job->summary.fields[SUM_LAST_PAYMENT_AMOUNT], "Last_Payment_Amount");
	}
	job_free(job);
	CHECK(tjob_load(api, books, "{" CUST "\"summary\":{\"fields\":{\"overdue_count\":null}}}", &job) == 0);
	if (job) {
		CHECK(job->summary.fields[SUM_OVERDUE_COUNT] == NULL);
		CHECK_STREQ(job->summary.fields[SUM_LAST_PAYMENT_DATE], "Last_Payment_Date");
	}
	job_free(job);
	tjob_refused(api, books, "{\"items\":{},\"summary\":{}}", "sync.summary: is written per linked customer");
	tjob_refused(JT_CRM_CSV, books, "{" CUST "\"summary\":{}}",
		     "sync.summary: writes to the CRM: it needs crm.type zoho-crm, not csv");
	tjob_refused(api, books,
		     "{" CUST "\"summary\":{\"fields\":{\"outstanding\":null,\"overdue_count\":null,"
		     "\"last_payment_date\":null,\"last_payment_amount\":null}}}",
		     "sync.summary.fields: leaves every field out");
	tjob_refused(api, books, "{" CUST "\"summary\":{\"fields\":{\"credit\":\"C\"}}}",
		     "sync.summary.fields.credit: unknown key");
}

static const struct unit_test job_deals_tests[] = {
	UNIT(test_job_deals__defaults),
	UNIT(test_job_deals__quote_mode_and_money_fields),
	UNIT(test_job_deals__refusals),
	UNIT(test_job_deals__summary),
	{ 0 },
};
UNIT_SUITE(job_deals_tests)
