/*
 * quote_plan.h - what a CRM quote asks of the finance app (docs/design.md
 * "Transactions"): whether its stage has reached the job's invoice stage,
 * and its lines as products, quantities and prices.  Pure decisions, no
 * I/O: src/stage/quotes.c reads, links and writes.
 */
#ifndef FINSYNC_QUOTE_PLAN_H
#define FINSYNC_QUOTE_PLAN_H
#include <jansson.h>

/*
 * 1 when stage has reached at: the same value, or one after it in the
 * Quote_Stage picklist (order, a list of strings, NULL or empty: only the
 * same value counts); a stage with "lost" in its name never has.
 */
int quote_stage_reached(json_t *order, const char *stage, const char *at);

/* 1 when stage is a value of the picklist order (compared without regard to case). */
int quote_stage_in(json_t *order, const char *stage);

/*
 * The quote's lines as [{product_id, product_name, quantity, rate, discount,
 * description}]: from its v8 subform Quoted_Items (Product_Name, Quantity,
 * List_Price, Discount, Description) or the older Product_Details (product,
 * quantity, list_price, Discount, product_description).  NULL with *why
 * (static) when the quote has no lines or a line is unusable.
 */
json_t *quote_lines(json_t *quote, const char **why);

#endif
