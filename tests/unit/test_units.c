/*
 * test_units.c - the table of sync units (src/stage/units.c) keeps the
 * promises the stages rely on: one line per name, each record entity once
 * with its own row of the entity table, the entities before the units
 * that need their links (deals, quotes, the summary, transactions), every
 * line doing something in some stage, and the other units' job keys handed
 * to the job loader.
 */
#include <stdio.h>
#include <string.h>
#include "../../src/stage/units.h"
#include "unit.h"

static int index_of(const char *name)
{
	int i;

	for (i = 0; sync_units[i]; i++)
		if (!strcmp(sync_units[i]->name, name))
			return i;
	return -1;
}

static void test_units__table_promises(void)
{
	static const char *const need_links[] = { "deals", "quotes", "summary", "transactions" };
	int i, j, last_entity = -1, entities = 0;

	for (i = 0; sync_units[i]; i++) {
		const struct sync_unit *u = sync_units[i];

		CHECK(u->extract || u->transform || u->load);
		CHECK_INTEQ(index_of(u->name), i); /* no name twice */
		if (u->entity) {
			CHECK_STREQ(u->entity->name, u->name);
			CHECK(u->entity == &entity_defs[u->entity->kind]);
			CHECK(u->has_links);
			CHECK(u->key.name == NULL); /* the job model reads an entity's key */
			entities++;
			last_entity = i;
		}
	}
	CHECK_INTEQ(entities, ENTITY_COUNT);
	for (j = 0; j < ENTITY_COUNT; j++)
		CHECK(index_of(entity_defs[j].name) >= 0);
	for (j = 0; j < (int)(sizeof(need_links) / sizeof(need_links[0])); j++) {
		int at = index_of(need_links[j]);

		CHECK(at > last_entity);
	}
}

/* The keys handed to the job loader are those of the units that have one, in their order. */
static void test_units__sync_keys(void)
{
	int i, k = 0;

	for (i = 0; sync_units[i]; i++) {
		if (sync_units[i]->entity)
			continue;
		if (!unit_sync_keys[k] || unit_sync_keys[k] != &sync_units[i]->key) {
			fprintf(stderr, "unit '%s': its key is not the %dth of unit_sync_keys\n", sync_units[i]->name,
				k);
			unit_failures++;
			return;
		}
		k++;
	}
	CHECK(unit_sync_keys[k] == NULL);
}

static const struct unit_test units_tests[] = {
	UNIT(test_units__table_promises),
	UNIT(test_units__sync_keys),
	{ 0 },
};
UNIT_SUITE(units_tests)
