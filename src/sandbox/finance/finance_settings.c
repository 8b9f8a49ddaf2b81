/*
 * finance_settings.c - GET /settings/fields?entity=…: the custom fields of
 * one entity, from finance/custom_fields.json, so that `finsync check` can
 * see whether the CRM-id field exists and does not allow duplicates.
 *
 * Only Zoho Books documents a custom-fields resource (its API page "Custom
 * Fields": /settings/fields, per entity).  Invoice, Billing and Inventory
 * document none, so there the path is an unknown URL (404 code 5), as a
 * client must expect.  The list key ("customfields") and the `is_unique`
 * flag are not on the pages that could be read: reading chosen.
 */
#include "finance.h"

#include <stdio.h>
#include <string.h>

/* The API's entity name → the key of finance/custom_fields.json. */
static const char *const entities[][2] = {
	{ "contact", "contacts" },
	{ "item", "items" },
	{ "invoice", "invoices" },
	{ "estimate", "estimates" },
	{ "customer_payment", "customerpayments" },
};

static const char *seed_key(const char *entity)
{
	size_t i;

	for (i = 0; entity && i < sizeof(entities) / sizeof(entities[0]); i++)
		if (str_eq(entities[i][0], entity))
			return entities[i][1];
	return NULL;
}

static json_t *field_json(const json_t *def, const char *entity, size_t i)
{
	char id[32];

	snprintf(id, sizeof(id), "46000000000%04zu", i + 1);
	return json_pack("{s:s, s:O, s:O, s:O, s:s, s:b, s:b, s:b, s:b}", "customfield_id", id, "label",
			 json_object_get(def, "label"), "api_name", json_object_get(def, "api_name"), "data_type",
			 json_object_get(def, "data_type"), "entity", entity, "is_active", 1, "is_mandatory", 0,
			 "show_on_pdf", 0, "is_unique", json_is_true(json_object_get(def, "is_unique")));
}

void fin_custom_fields(struct req *r)
{
	const char *entity = req_arg(r, "entity"), *key = seed_key(entity);
	json_t *list, *def;
	size_t i;

	if (strcmp(r->method, "GET") != 0) {
		reply_header(r, "Allow", "GET");
		reply_json(r, 405, jerr_fin(37, "The HTTP method is not allowed for the requested resource"));
		return;
	}
	if (!key) {
		reply_json(r, 400, jerr_fin(2, "Invalid value passed for entity"));
		return;
	}
	list = json_array();
	json_array_foreach(json_object_get(r->sb->fin_cf, key), i, def)
		json_array_append_new(list, field_json(def, entity, i));
	reply_json(r, 200, json_pack("{s:i, s:s, s:o}", "code", 0, "message", "success", "customfields", list));
}
