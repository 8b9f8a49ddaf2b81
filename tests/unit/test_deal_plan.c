/*
 * test_deal_plan.c - src/xform/deal_plan.c: a deal's outcome from its stage
 * and probability, and the steps on its quote and invoice for every stage
 * and status that matters (docs/design.md "Deals"), and the payload.
 */
#include <jansson.h>
#include "finsync/job.h"
#include "../../src/xform/deal_plan.h"
#include "unit.h"

static json_t *standard_stages(void)
{
	return json_pack("[ssssssss]", "Qualification", "Needs Analysis", "Value Proposition", "Id. Decision Makers",
			 "Perception Analysis", "Proposal/Price Quote", "Negotiation/Review", "Closed Won");
}

static void cfg_init(struct deal_sync *cfg, enum deal_automate mode)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->enabled = 1;
	cfg->automate = mode;
	cfg->decline_on_lost = 1;
	cfg->void_on_lost = 1;
	cfg->stage_order = standard_stages();
	cfg->lost_stages = json_pack("[ss]", "Closed Lost", "Closed Lost to Competition");
	if (mode == DEAL_QUOTE) {
		cfg->quote_create_stage = "Proposal/Price Quote";
		cfg->quote_accept_stage = "Negotiation/Review";
	}
}

static void cfg_release(struct deal_sync *cfg)
{
	json_decref(cfg->stage_order);
	json_decref(cfg->lost_stages);
}

/* The plan for a deal at stage (probability none) with these statuses, as "step,step" text. */
static const char *plan_text(const struct deal_sync *cfg, const char *stage, const char *quote, const char *invoice,
			     int changed)
{
	static char out[256];
	struct deal_facts f = { 0 };
	struct deal_plan pl;
	size_t i;

	f.outcome = deal_outcome(cfg, stage, 0, 0);
	f.stage_index = deal_stage_index(cfg, stage);
	f.quote_status = quote;
	f.invoice_status = invoice;
	f.quote_changed = f.invoice_changed = changed;
	deal_plan_decide(cfg, &f, &pl);
	out[0] = '\0';
	for (i = 0; i < pl.n; i++)
		snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s%s", i ? "," : "",
			 deal_step_name(pl.steps[i]));
	if (!pl.n)
		snprintf(out, sizeof(out), "- %s", pl.reason);
	return out;
}

static void test_deal_plan__outcome(void)
{
	struct deal_sync cfg;

	cfg_init(&cfg, DEAL_INVOICE);
	CHECK_INTEQ(deal_outcome(&cfg, "Closed Won", 0, 0), DEAL_WON);
	CHECK_INTEQ(deal_outcome(&cfg, "closed won", 0, 0), DEAL_WON);
	CHECK_INTEQ(deal_outcome(&cfg, "Closed Lost", 0, 0), DEAL_LOST);
	CHECK_INTEQ(deal_outcome(&cfg, "Closed Lost to Competition", 1, 100), DEAL_LOST);
	CHECK_INTEQ(deal_outcome(&cfg, "Qualification", 1, 10), DEAL_OPEN);
	CHECK_INTEQ(deal_outcome(&cfg, "Qualification", 1, 100), DEAL_WON);
	CHECK_INTEQ(deal_outcome(&cfg, "Negotiation/Review", 1, 0), DEAL_LOST);
	CHECK_INTEQ(deal_outcome(&cfg, "Closed Won", 1, 0), DEAL_WON);
	CHECK_INTEQ(deal_outcome(&cfg, "Somewhere Else", 0, 0), DEAL_OPEN);
	CHECK_INTEQ(deal_outcome(&cfg, NULL, 0, 0), DEAL_OPEN);
	CHECK_INTEQ(deal_stage_index(&cfg, "Qualification"), 0);
	CHECK_INTEQ(deal_stage_index(&cfg, "Closed Won"), 7);
	CHECK_INTEQ(deal_stage_index(&cfg, "Closed Lost"), -1);
	cfg_release(&cfg);
}

/* A CRM with its own stage names: the last of stage_order is the won one. */
static void test_deal_plan__own_stage_names(void)
{
	struct deal_sync cfg;

	cfg_init(&cfg, DEAL_INVOICE);
	json_decref(cfg.stage_order);
	json_decref(cfg.lost_stages);
	cfg.stage_order = json_pack("[sss]", "Erstkontakt", "Angebot", "Gewonnen");
	cfg.lost_stages = json_pack("[s]", "Verloren");
	CHECK_INTEQ(deal_outcome(&cfg, "Gewonnen", 0, 0), DEAL_WON);
	CHECK_INTEQ(deal_outcome(&cfg, "Closed Won", 0, 0), DEAL_OPEN);
	CHECK_INTEQ(deal_outcome(&cfg, "Verloren", 0, 0), DEAL_LOST);
	CHECK_STREQ(plan_text(&cfg, "Gewonnen", NULL, NULL, 0), "invoice_create");
	CHECK_STREQ(plan_text(&cfg, "Verloren", NULL, "draft", 0), "invoice_send,invoice_void");
	cfg_release(&cfg);
}

static void test_deal_plan__invoice_mode(void)
{
	struct deal_sync cfg;

	cfg_init(&cfg, DEAL_INVOICE);
	CHECK_STREQ(plan_text(&cfg, "Qualification", NULL, NULL, 0), "- not won yet");
	CHECK_STREQ(plan_text(&cfg, "Negotiation/Review", NULL, NULL, 0), "- not won yet");
	CHECK_STREQ(plan_text(&cfg, "Closed Won", NULL, NULL, 0), "invoice_create");
	/* Once ever: an invoice that exists, in any state, is not created again. */
	CHECK_STREQ(plan_text(&cfg, "Closed Won", NULL, "draft", 0), "- won; its invoice is a draft and up to date");
	CHECK_STREQ(plan_text(&cfg, "Closed Won", NULL, "void", 0),
		    "- won; the invoice is void: deal edits no longer change it");
	CHECK_STREQ(plan_text(&cfg, "Closed Won", NULL, "gone", 0),
		    "- won; its invoice was deleted in the finance app and is not created again");
	/* A draft follows the deal's amount; a sent one does not. */
	CHECK_STREQ(plan_text(&cfg, "Closed Won", NULL, "draft", 1), "invoice_update");
	CHECK_STREQ(plan_text(&cfg, "Closed Won", NULL, "sent", 1),
		    "- won; the invoice is sent: deal edits no longer change it");
	/* Lost: a draft is voided, a sent or paid one left alone. */
	CHECK_STREQ(plan_text(&cfg, "Closed Lost", NULL, "draft", 0), "invoice_send,invoice_void");
	CHECK_STREQ(plan_text(&cfg, "Closed Lost", NULL, "sent", 0),
		    "- lost; the invoice is sent: deal edits no longer change it");
	CHECK_STREQ(plan_text(&cfg, "Closed Lost", NULL, "paid", 0),
		    "- lost; the invoice is paid: deal edits no longer change it");
	CHECK_STREQ(plan_text(&cfg, "Closed Lost", NULL, "void", 0),
		    "- lost; the invoice is void: deal edits no longer change it");
	CHECK_STREQ(plan_text(&cfg, "Closed Lost", NULL, NULL, 0), "- lost; it has no invoice to void");
	/* Reopened after being lost: the void invoice is not replaced. */
	CHECK_STREQ(plan_text(&cfg, "Closed Won", NULL, "void", 0),
		    "- won; the invoice is void: deal edits no longer change it");
	cfg.void_on_lost = 0;
	CHECK_STREQ(plan_text(&cfg, "Closed Lost", NULL, "draft", 0),
		    "- lost; void_on_lost is false: the invoice is left draft");
	cfg_release(&cfg);
}

static void test_deal_plan__quote_mode_stages(void)
{
	struct deal_sync cfg;

	cfg_init(&cfg, DEAL_QUOTE);
	CHECK_STREQ(plan_text(&cfg, "Qualification", NULL, NULL, 0),
		    "- before quote_create_stage 'Proposal/Price Quote'");
	CHECK_STREQ(plan_text(&cfg, "Perception Analysis", NULL, NULL, 0),
		    "- before quote_create_stage 'Proposal/Price Quote'");
	CHECK_STREQ(plan_text(&cfg, "Proposal/Price Quote", NULL, NULL, 0), "quote_create");
	CHECK_STREQ(plan_text(&cfg, "Proposal/Price Quote", "draft", NULL, 0),
		    "- its quote is draft; not yet at quote_accept_stage");
	CHECK_STREQ(plan_text(&cfg, "Proposal/Price Quote", "draft", NULL, 1), "quote_update");
	CHECK_STREQ(plan_text(&cfg, "Negotiation/Review", "draft", NULL, 0), "quote_send,quote_accept");
	CHECK_STREQ(plan_text(&cfg, "Negotiation/Review", "sent", NULL, 0), "quote_accept");
	CHECK_STREQ(plan_text(&cfg, "Negotiation/Review", NULL, NULL, 0), "quote_create,quote_send,quote_accept");
	CHECK_STREQ(plan_text(&cfg, "Negotiation/Review", "accepted", NULL, 0),
		    "- its quote is accepted: deal edits no longer change it");
	CHECK_STREQ(plan_text(&cfg, "Closed Won", "accepted", NULL, 0),
		    "- its quote is accepted: deal edits no longer change it");
	/* Won skips the stages: created and accepted at once. */
	CHECK_STREQ(plan_text(&cfg, "Closed Won", NULL, NULL, 0), "quote_create,quote_send,quote_accept");
	/* Only once: a declined quote stays declined when the deal comes back. */
	CHECK_STREQ(plan_text(&cfg, "Proposal/Price Quote", "declined", NULL, 0),
		    "- its quote is declined: deal edits no longer change it");
	cfg.quote_accept_stage = NULL;
	CHECK_STREQ(plan_text(&cfg, "Negotiation/Review", "draft", NULL, 0),
		    "- its quote is draft; not yet at quote_accept_stage");
	CHECK_STREQ(plan_text(&cfg, "Closed Won", "draft", NULL, 0), "quote_send,quote_accept");
	cfg_release(&cfg);
}

static void test_deal_plan__quote_mode_lost_and_convert(void)
{
	struct deal_sync cfg;

	cfg_init(&cfg, DEAL_QUOTE);
	CHECK_STREQ(plan_text(&cfg, "Closed Lost", "draft", NULL, 0), "quote_send,quote_decline");
	CHECK_STREQ(plan_text(&cfg, "Closed Lost", "sent", NULL, 0), "quote_decline");
	CHECK_STREQ(plan_text(&cfg, "Closed Lost", "accepted", NULL, 0), "- lost; its quote is accepted");
	CHECK_STREQ(plan_text(&cfg, "Closed Lost", NULL, NULL, 0), "- lost; it has no quote");
	cfg.decline_on_lost = 0;
	CHECK_STREQ(plan_text(&cfg, "Closed Lost", "sent", NULL, 0),
		    "- lost; decline_on_lost is false: the quote is left sent");
	cfg.decline_on_lost = 1;
	/* Converting: the accepted quote's invoice, once; voided when lost while a draft. */
	CHECK_STREQ(plan_text(&cfg, "Negotiation/Review", "accepted", NULL, 0),
		    "- its quote is accepted: deal edits no longer change it");
	cfg.convert_accepted_to_invoice = 1;
	CHECK_STREQ(plan_text(&cfg, "Negotiation/Review", "accepted", NULL, 0), "invoice_create");
	CHECK_STREQ(plan_text(&cfg, "Closed Won", NULL, NULL, 0),
		    "quote_create,quote_send,quote_accept,invoice_create");
	CHECK_STREQ(plan_text(&cfg, "Closed Won", "accepted", "draft", 0),
		    "- its quote is accepted and its invoice draft");
	CHECK_STREQ(plan_text(&cfg, "Closed Won", "invoiced", "sent", 0),
		    "- its quote is invoiced and its invoice sent");
	CHECK_STREQ(plan_text(&cfg, "Closed Lost", "accepted", "draft", 0), "invoice_send,invoice_void");
	CHECK_STREQ(plan_text(&cfg, "Closed Lost", "invoiced", "sent", 0),
		    "- lost; the invoice is sent: deal edits no longer change it");
	cfg_release(&cfg);
}

static void test_deal_plan__steps_and_payload(void)
{
	json_t *deal = json_pack("{s:s, s:s, s:f, s:s, s:{s:s, s:s}}", "id", "4150868000000200001", "Deal_Name",
				 "Acme renewal", "Amount", 1250.5, "Description", "Two years", "Owner", "name",
				 "Ana Owner", "id", "1");
	json_t *body, *line;
	const char *why;
	double v;

	CHECK_STREQ(deal_step_action(STEP_QUOTE_ACCEPT), "accept");
	CHECK(deal_step_action(STEP_QUOTE_SEND) == NULL);
	CHECK_INTEQ(deal_step_from_name("invoice_void"), STEP_INVOICE_VOID);
	CHECK_INTEQ(deal_step_from_name("nonsense"), STEP_COUNT);
	CHECK(deal_step_is_quote(STEP_QUOTE_DECLINE));
	CHECK(!deal_step_is_quote(STEP_INVOICE_CREATE));
	body = deal_payload(deal, NULL, NULL, &why);
	CHECK(body != NULL);
	CHECK(json_object_get(body, "zcrm_potential_id") == NULL);
	CHECK_STREQ(json_string_value(json_object_get(body, "reference_number")), "4150868000000200001");
	CHECK_STREQ(json_string_value(json_object_get(body, "salesperson_name")), "Ana Owner");
	line = json_array_get(json_object_get(body, "line_items"), 0);
	CHECK_STREQ(json_string_value(json_object_get(line, "name")), "Acme renewal");
	CHECK_STREQ(json_string_value(json_object_get(line, "description")), "Two years");
	CHECK(json_real_value(json_object_get(line, "rate")) == 1250.5);
	CHECK_INTEQ(json_integer_value(json_object_get(line, "quantity")), 1);
	CHECK(json_object_get(body, "customer_id") == NULL);
	CHECK(json_object_get(line, "item_id") == NULL);
	json_decref(body);
	/* The default item goes on the line, beside the deal's name and amount. */
	body = deal_payload(deal, "460000000027001", NULL, &why);
	line = json_array_get(json_object_get(body, "line_items"), 0);
	CHECK_STREQ(json_string_value(json_object_get(line, "item_id")), "460000000027001");
	CHECK_STREQ(json_string_value(json_object_get(line, "name")), "Acme renewal");
	json_decref(body);
	/* CSV exports give strings. */
	json_object_set_new(deal, "Amount", json_string("99.90"));
	json_object_set_new(deal, "Probability", json_string(""));
	CHECK(deal_number(deal, "Amount", &v) == 1 && v > 99.89 && v < 99.91);
	CHECK(deal_number(deal, "Probability", &v) == 0);
	json_object_del(deal, "Deal_Name");
	CHECK(deal_payload(deal, NULL, NULL, &why) == NULL);
	CHECK_STREQ(why, "the deal has no Deal_Name");
	json_decref(deal);
}

/* A deal's products become its lines; each goes out on its linked item, or the deal waits for it. */
static void test_deal_plan__product_lines(void)
{
	json_t *deal = json_pack("{s:s, s:s, s:f}", "id", "4150868000000200001", "Deal_Name", "Acme renewal", "Amount",
				 1250.5);
	json_t *products =
		json_pack("[{s:s, s:s, s:f, s:s}, {s:s, s:s, s:i}]", "id", "41", "Product_Name", "Widget", "Unit_Price",
			  19.5, "Description", "Blue", "id", "42", "Product_Name", "Support", "Unit_Price", 100);
	json_t *items = json_pack("{s:s}", "41", "4600001"), *body, *ready, *missing, *line;
	struct deal_sync cfg;
	const char *why;

	body = deal_payload(deal, "4600009", products, &why);
	CHECK_INTEQ(json_array_size(json_object_get(body, "line_items")), 2);
	line = json_array_get(json_object_get(body, "line_items"), 0);
	CHECK_STREQ(json_string_value(json_object_get(line, "crm_product_id")), "41");
	CHECK(json_real_value(json_object_get(line, "rate")) == 19.5);
	CHECK_INTEQ(json_integer_value(json_object_get(line, "quantity")), 1);
	CHECK_STREQ(json_string_value(json_object_get(line, "description")), "Blue");
	CHECK(json_object_get(line, "item_id") == NULL); /* not the default item */
	/* Support is not linked: the deal waits, naming it. */
	CHECK(deal_lines_on_items(body, items, &missing) == NULL);
	CHECK_STREQ(json_string_value(json_object_get(missing, "name")), "Support");
	json_object_set_new(items, "42", json_string("4600002"));
	ready = deal_lines_on_items(body, items, &missing);
	line = json_array_get(json_object_get(ready, "line_items"), 1);
	CHECK_STREQ(json_string_value(json_object_get(line, "item_id")), "4600002");
	CHECK(json_object_get(line, "crm_product_id") == NULL);
	json_decref(ready);
	json_decref(body);
	/* Who reads products: won deals; in quote mode also from quote_create_stage; never lost ones. */
	cfg_init(&cfg, DEAL_INVOICE);
	CHECK(deal_wants_lines(&cfg, DEAL_WON, 7));
	CHECK(!deal_wants_lines(&cfg, DEAL_OPEN, 6));
	CHECK(!deal_wants_lines(&cfg, DEAL_LOST, -1));
	cfg_release(&cfg);
	cfg_init(&cfg, DEAL_QUOTE);
	CHECK(deal_wants_lines(&cfg, DEAL_OPEN, 5));
	CHECK(!deal_wants_lines(&cfg, DEAL_OPEN, 4));
	cfg_release(&cfg);
	json_array_append_new(products, json_pack("{s:s}", "Product_Name", "No id"));
	CHECK(deal_payload(deal, NULL, products, &why) == NULL);
	CHECK_STREQ(why, "a product of the deal has no id");
	json_decref(items);
	json_decref(products);
	json_decref(deal);
}

/* The deal's money fields: only those the job names; paid is total less balance; no balance, no paid. */
static void test_deal_plan__money_fields(void)
{
	json_t *inv = json_pack("{s:s, s:s, s:f, s:f}", "invoice_number", "INV-000007", "status", "partially_paid",
				"total", 1119.0, "balance", 619.005);
	json_t *so = json_pack("{s:s, s:s, s:f}", "salesorder_number", "SO-1", "status", "draft", "total", 50.0);
	struct deal_sync cfg;
	json_t *o;

	cfg_init(&cfg, DEAL_INVOICE);
	cfg.crm_fields[MONEY_NUMBER] = "Invoice_Number";
	cfg.crm_fields[MONEY_PAID] = "Amount_Paid";
	cfg.crm_fields[MONEY_BALANCE] = "Balance_Due";
	o = deal_money_fields(&cfg, inv, "invoice_number");
	CHECK_INTEQ(json_object_size(o), 3);
	CHECK_STREQ(json_string_value(json_object_get(o, "Invoice_Number")), "INV-000007");
	CHECK(json_real_value(json_object_get(o, "Amount_Paid")) == 499.99);
	CHECK(json_real_value(json_object_get(o, "Balance_Due")) == 619.01);
	json_decref(o);
	json_object_set_new(inv, "status", json_string("void"));
	json_object_set_new(inv, "balance", json_real(0));
	o = deal_money_fields(&cfg, inv, "invoice_number");
	CHECK(json_real_value(json_object_get(o, "Amount_Paid")) == 0);
	json_decref(o);
	json_object_set_new(inv, "payment_made", json_real(20));
	o = deal_money_fields(&cfg, inv, "invoice_number");
	CHECK(json_real_value(json_object_get(o, "Amount_Paid")) == 20);
	json_decref(o);
	o = deal_money_fields(&cfg, so, "salesorder_number");
	CHECK_INTEQ(json_object_size(o), 1);
	CHECK_STREQ(json_string_value(json_object_get(o, "Invoice_Number")), "SO-1");
	json_decref(o);
	cfg_release(&cfg);
	json_decref(inv);
	json_decref(so);
}

/* automate salesorder: won -> create (and confirm), a draft follows, lost voids only a draft. */
static void test_deal_plan__salesorder_mode(void)
{
	struct deal_sync cfg;
	struct deal_facts f = { .outcome = DEAL_WON, .stage_index = 7 };
	struct deal_plan p;

	cfg_init(&cfg, DEAL_SALESORDER);
	deal_plan_decide(&cfg, &f, &p);
	CHECK_INTEQ(p.n, 1);
	CHECK_INTEQ(p.steps[0], STEP_ORDER_CREATE);
	cfg.confirm_sales_order = 1;
	deal_plan_decide(&cfg, &f, &p);
	CHECK_INTEQ(p.n, 2);
	CHECK_INTEQ(p.steps[1], STEP_ORDER_CONFIRM);
	f.order_status = "draft";
	f.order_changed = 1;
	deal_plan_decide(&cfg, &f, &p);
	CHECK(p.n == 2 && p.steps[0] == STEP_ORDER_UPDATE && p.steps[1] == STEP_ORDER_CONFIRM);
	f.order_status = "open";
	deal_plan_decide(&cfg, &f, &p);
	CHECK_INTEQ(p.n, 0);
	CHECK_STREQ(p.reason, "won; the sales order is open: deal edits no longer change it");
	f.outcome = DEAL_LOST;
	deal_plan_decide(&cfg, &f, &p);
	CHECK_INTEQ(p.n, 0);
	f.order_status = "draft";
	deal_plan_decide(&cfg, &f, &p);
	CHECK(p.n == 1 && p.steps[0] == STEP_ORDER_VOID);
	CHECK(deal_step_is_order(STEP_ORDER_VOID) && !deal_step_is_quote(STEP_ORDER_CREATE));
	CHECK_STREQ(deal_step_action(STEP_ORDER_VOID), "void");
	f.outcome = DEAL_OPEN;
	f.order_status = NULL;
	deal_plan_decide(&cfg, &f, &p);
	CHECK_STREQ(p.reason, "not won yet");
	cfg_release(&cfg);
}

/* An invoice in Billing's names: invoice_items of product_id and price, and a date on a create. */
static void test_deal_plan__invoice_for_app(void)
{
	const struct finance_app *billing = finance_app_find("zoho-billing"), *books = finance_app_find("zoho-books");
	json_t *body = json_pack("{s:[{s:s, s:f, s:i}]}", "line_items", "item_id", "46001", "rate", 9.5, "quantity", 1);
	json_t *line;

	body = deal_invoice_for_app(body, books, 1, "2026-03-01");
	CHECK(json_object_get(body, "line_items") && !json_object_get(body, "date"));
	body = deal_invoice_for_app(body, billing, 1, "2026-03-01");
	line = json_array_get(json_object_get(body, "invoice_items"), 0);
	CHECK(json_object_get(body, "line_items") == NULL);
	CHECK_STREQ(json_string_value(json_object_get(line, "product_id")), "46001");
	CHECK(json_real_value(json_object_get(line, "price")) == 9.5);
	CHECK(json_object_get(line, "item_id") == NULL && json_object_get(line, "rate") == NULL);
	CHECK_STREQ(json_string_value(json_object_get(body, "date")), "2026-03-01");
	json_decref(body);
}

static const struct unit_test deal_plan_tests[] = {
	UNIT(test_deal_plan__outcome),
	UNIT(test_deal_plan__own_stage_names),
	UNIT(test_deal_plan__invoice_mode),
	UNIT(test_deal_plan__quote_mode_stages),
	UNIT(test_deal_plan__quote_mode_lost_and_convert),
	UNIT(test_deal_plan__steps_and_payload),
	UNIT(test_deal_plan__product_lines),
	UNIT(test_deal_plan__money_fields),
	UNIT(test_deal_plan__salesorder_mode),
	UNIT(test_deal_plan__invoice_for_app),
	{ 0 },
};
UNIT_SUITE(deal_plan_tests)
