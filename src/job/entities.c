/*
 * entities.c - the one table of what the job can sync record by record
 * (customers, vendors, items): each entity's names, the CRM module it reads,
 * what it is in the finance app and where its records are there (its
 * finance list), and which side wins a clash.  Every layer reads this row
 * instead of naming an entity; the entity's line of RECORD_ENTITIES
 * (job.h) gives it its enum value, its name and its sync unit
 * (src/stage/units.c).
 */
#include <string.h>
#include "finsync/job.h"

static const char *const modules_accounts[] = { "Accounts", NULL };
static const char *const modules_contacts[] = { "Contacts", NULL };
static const char *const modules_both[] = { "Accounts", "Contacts", NULL };
static const char *const modules_vendors[] = { "Vendors", NULL };
static const char *const modules_products[] = { "Products", NULL };

/* Display names the apps accept, in characters. */
#define CONTACT_NAME_MAX 200
#define ITEM_NAME_MAX 100

const struct entity_def entity_defs[ENTITY_COUNT] = {
	[ENTITY_CUSTOMERS] = { ENTITY_CUSTOMERS, "customers", "customer", 1, ENTITY_VENDORS, NULL, CONTACT_NAME_MAX, 0,
			       .contact_type = "customer" },
	[ENTITY_VENDORS] = { ENTITY_VENDORS, "vendors", "vendor", 1, ENTITY_CUSTOMERS, modules_vendors,
			     CONTACT_NAME_MAX, 0, .contact_type = "vendor" },
	[ENTITY_ITEMS] = { ENTITY_ITEMS, "items", "item", 0, ENTITY_COUNT, modules_products, ITEM_NAME_MAX, 1,
			   .list = { "/items", "item", "items", "item_id", "name" } },
};

#define ENTITY_NAME(KIND, name) #name,
const char *const entity_names[ENTITY_COUNT + 1] = { RECORD_ENTITIES(ENTITY_NAME) NULL };
#undef ENTITY_NAME

const char *entity_kind_name(enum entity_kind kind)
{
	return entity_defs[kind].name;
}

const struct entity_def *entity_def_find(const char *name)
{
	int i;

	for (i = 0; name && i < ENTITY_COUNT; i++)
		if (!strcmp(entity_defs[i].name, name))
			return &entity_defs[i];
	return NULL;
}

const char *const *entity_crm_modules(const struct entity_sync *e)
{
	if (entity_defs[e->kind].crm_modules)
		return entity_defs[e->kind].crm_modules;
	/* Customers: the job's crm_module says which. */
	if (e->crm_module == CRM_ACCOUNTS)
		return modules_accounts;
	return e->crm_module == CRM_CONTACTS ? modules_contacts : modules_both;
}

int entity_finance_owns(const struct entity_sync *e, const char *finance_key)
{
	const char *owner = e->field_owner ? json_string_value(json_object_get(e->field_owner, finance_key)) : NULL;

	if (owner)
		return !strcmp(owner, "finance");
	return entity_defs[e->kind].finance_first;
}

void entity_finance_list(const struct finance_app *app, enum entity_kind kind, struct finance_list *out)
{
	if (!entity_defs[kind].is_contact) {
		*out = entity_defs[kind].list;
		return;
	}
	*out = (struct finance_list){
		app->customers_path, app->customer_key, app->customers_key, app->customer_id_key, app->customer_name_key
	};
}

const char *entity_finance_id_key(const struct job *job, enum entity_kind kind)
{
	struct finance_list l;

	entity_finance_list(job->app, kind, &l);
	return l.id_key;
}

const char *entity_finance_name_key(const struct job *job, enum entity_kind kind)
{
	struct finance_list l;

	entity_finance_list(job->app, kind, &l);
	return l.name_key;
}
