/*
 * deal_plan.h - what a deal's stage asks of its quote and invoice
 * (docs/design.md "Deals"): the pure decisions, no I/O.  src/stage/deals.c calls
 * deal_plan_decide() twice: in the transform with the states the ledger
 * knows (deal_links), and in the load with the states the finance app
 * reports (read by id before any change), then carries out the steps.
 */
#ifndef FINSYNC_DEAL_PLAN_H
#define FINSYNC_DEAL_PLAN_H
#include <jansson.h>
#include <stddef.h>
#include "finsync/job.h"

enum deal_outcome { DEAL_OPEN, DEAL_WON, DEAL_LOST };

enum deal_step {
	STEP_QUOTE_CREATE, /* a draft estimate */
	STEP_QUOTE_UPDATE, /* the draft estimate takes the deal's new amount, name … */
	STEP_QUOTE_SEND,   /* draft -> sent, on the way to accepted or declined */
	STEP_QUOTE_ACCEPT,
	STEP_QUOTE_DECLINE,
	STEP_INVOICE_CREATE, /* a draft invoice (from the accepted estimate in quote mode) */
	STEP_INVOICE_UPDATE,
	STEP_INVOICE_SEND, /* draft -> sent: the apps void only what was sent */
	STEP_INVOICE_VOID,
	STEP_ORDER_CREATE, /* a draft sales order (automate salesorder) */
	STEP_ORDER_UPDATE,
	STEP_ORDER_CONFIRM, /* draft -> open (Books) / confirmed (Inventory): confirm_sales_order */
	STEP_ORDER_VOID,    /* lost: a draft sales order voided */
	STEP_COUNT
};

#define DEAL_MAX_STEPS 8

/*
 * What is known of one deal.  A status is the finance app's ("draft",
 * "sent", "accepted", "paid", "void" …), "gone" for a transaction deleted in
 * the app, or NULL when the deal has none (a creation intent that found
 * nothing counts as none).  *_changed: the deal's fields differ from what
 * the transaction was last written with.
 */
struct deal_facts {
	enum deal_outcome outcome;
	long stage_index; /* in stage_order; -1 when not in it */
	const char *quote_status;
	const char *invoice_status;
	const char *order_status; /* the sales order's */
	int quote_changed;
	int invoice_changed;
	int order_changed;
};

struct deal_plan {
	enum deal_step steps[DEAL_MAX_STEPS];
	size_t n;
	char reason[200]; /* why nothing is done, or what is */
};

/* Won, lost or open, by stage name (stage_order's last stage wins) and probability (has_prob: given). */
enum deal_outcome deal_outcome(const struct deal_sync *cfg, const char *stage, int has_prob, double prob);

/* Index of a stage in stage_order (ASCII case ignored), or -1. */
long deal_stage_index(const struct deal_sync *cfg, const char *stage);

/* The steps for a deal, in the order they are carried out. */
void deal_plan_decide(const struct deal_sync *cfg, const struct deal_facts *f, struct deal_plan *out);

/* "quote_create" …: the step's name in staging files and messages. */
const char *deal_step_name(enum deal_step s);
/* The step by name, or STEP_COUNT. */
enum deal_step deal_step_from_name(const char *name);

/* The step's event action: "create", "update", "accept", "decline", "void"; NULL for a send. */
const char *deal_step_action(enum deal_step s);

/* 1 for a step on the quote (estimate), 0 on the invoice or the sales order. */
int deal_step_is_quote(enum deal_step s);
/* 1 for a step on the sales order. */
int deal_step_is_order(enum deal_step s);
/* 1 for a step that creates a transaction, or writes its lines (create, update). */
int deal_step_creates(enum deal_step s);
int deal_step_writes_lines(enum deal_step s);

/*
 * The body of a deal's invoice, estimate or sales order, without
 * customer_id (new object): reference_number <- the deal id (a documented
 * create field and list filter: how the transaction is found again),
 * salesperson_name <- Owner.name, and its line items.  With products (the
 * deal's Deals -> Products list, an array of CRM product records, not
 * empty) one line per product: crm_product_id <- its id (replaced by the
 * linked item_id before sending, deal_lines_on_items), name <-
 * Product_Name, rate <- Unit_Price, description <- Description, quantity
 * 1 (the list carries no quantity).  Otherwise one line from the deal
 * (item_id <- item_id when not NULL, name <- Deal_Name, description <-
 * Description, rate <- Amount, quantity 1).  NULL with *why (static text)
 * when the deal cannot make one (no id or name, a product without an id).
 */
json_t *deal_payload(json_t *deal, const char *item_id, json_t *products, const char **why);

/*
 * Whether a deal's plan may write its transaction's lines at this stage
 * (won; in quote mode also at or past quote_create_stage): only those deals
 * have their products read.
 */
int deal_wants_lines(const struct deal_sync *cfg, enum deal_outcome outcome, long stage_index);

/*
 * The payload ready to send (new object): each product line's
 * crm_product_id replaced by the finance item id items maps it to
 * ({crm product id: item id}).  NULL when a product is not linked yet:
 * *missing is that line (borrowed from payload), for the reason the deal
 * waits.
 */
json_t *deal_lines_on_items(json_t *payload, json_t *items, json_t **missing);

/*
 * The CRM fields of a deal that show its transaction's money (new object,
 * without the deal's id): by cfg->crm_fields, invoice_number <- the
 * transaction's number (number_key), invoice_status <- status, total,
 * balance, and paid <- payment_made, or total less balance (none on a void
 * one).  A transaction without a balance (a quote, a sales order) leaves
 * paid and balance out.
 */
json_t *deal_money_fields(const struct deal_sync *cfg, json_t *txn, const char *number_key);

/*
 * An invoice body in the app's own names (steals body, returns it): with
 * an invoice_shape, line_items -> its lines_key, each item_id -> item_key
 * and rate -> rate_key, and date <- today (YYYY-MM-DD) on a create where
 * the app requires one.  Without one, body unchanged.
 */
json_t *deal_invoice_for_app(json_t *body, const struct finance_app *app, int creating, const char *today);

/* A number field of a CRM record (a JSON number, or a string from a CSV export): 1 with *out, 0 when none. */
int deal_number(json_t *rec, const char *field, double *out);

#endif
