/*
 * units.c - the one table of sync units (units.h): one line per thing a job
 * syncs, in run order.  The stages loop over it; nothing else lists them.
 */
#include "units.h"

const struct sync_unit sync_units[] = {
	{ "customers", &entity_defs[ENTITY_CUSTOMERS], 1, entity_extract, entity_transform, entity_load },
	{ "vendors", &entity_defs[ENTITY_VENDORS], 1, entity_extract, entity_transform, entity_load },
	{ "items", &entity_defs[ENTITY_ITEMS], 1, entity_extract, entity_transform, entity_load },
	{ "deals", NULL, 1, deals_extract, deals_transform, deals_load },
	{ "deal_money", NULL, 0, NULL, NULL, deal_money_load },
	{ "quotes", NULL, 0, quotes_extract, quotes_transform, quotes_load },
	{ "summary", NULL, 0, NULL, NULL, summary_load },
	{ "transactions", NULL, 0, transactions_extract, NULL, transactions_load },
	{ "price_books", NULL, 0, price_books_extract, NULL, NULL },
	{ NULL, NULL, 0, NULL, NULL, NULL },
};

static unit_hook hook_of(const struct sync_unit *u, enum stage_bits stage)
{
	return stage == STAGE_EXTRACT ? u->extract : stage == STAGE_TRANSFORM ? u->transform : u->load;
}

int units_run(struct stage_run *s, enum stage_bits stage)
{
	const struct sync_unit *u;
	int rc = 0;

	for (u = sync_units; u->name && !rc; u++)
		if (hook_of(u, stage))
			rc = hook_of(u, stage)(s, u);
	return rc;
}
