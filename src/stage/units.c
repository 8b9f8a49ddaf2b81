/*
 * units.c - the one list of sync units (units.h), in run order.  The
 * stages loop over the table it makes, and main() hands the units' job
 * keys down to the job loader from it; nothing else lists the units.
 */
#include "units.h"

/*
 * The units that are not record entities, in run order after the entities:
 * each NAME is the `const struct sync_unit unit_NAME` of its own file.
 */
#define SYNC_UNITS(X) X(deals) X(deal_money) X(quotes) X(summary) X(transactions) X(price_books)

/* A record entity's unit: its row of entities.c and the entity hooks. */
#define ENTITY_UNIT(KIND, NAME) \
	static const struct sync_unit unit_##NAME = { \
		.name = #NAME, \
		.entity = &entity_defs[ENTITY_##KIND], \
		.has_links = 1, \
		.extract = entity_extract, \
		.transform = entity_transform, \
		.load = entity_load, \
	};
RECORD_ENTITIES(ENTITY_UNIT)

#define DECLARE_UNIT(NAME) extern const struct sync_unit unit_##NAME;
SYNC_UNITS(DECLARE_UNIT)

#define ENTITY_UNIT_ADDRESS(KIND, NAME) &unit_##NAME,
#define UNIT_ADDRESS(NAME) &unit_##NAME,
const struct sync_unit *const sync_units[] = { RECORD_ENTITIES(ENTITY_UNIT_ADDRESS) SYNC_UNITS(UNIT_ADDRESS) NULL };

/* The record entities' keys are the job model's own (entity rows); the other units' are theirs. */
#define UNIT_KEY(NAME) &unit_##NAME.key,
const struct job_sync_key *const unit_sync_keys[] = { SYNC_UNITS(UNIT_KEY) NULL };

static unit_hook hook_of(const struct sync_unit *u, enum stage_bits stage)
{
	return stage == STAGE_EXTRACT ? u->extract : stage == STAGE_TRANSFORM ? u->transform : u->load;
}

int units_run(struct stage_run *s, enum stage_bits stage)
{
	size_t i;
	int rc = 0;

	for (i = 0; sync_units[i] && !rc; i++)
		if (hook_of(sync_units[i], stage))
			rc = hook_of(sync_units[i], stage)(s, sync_units[i]);
	return rc;
}
