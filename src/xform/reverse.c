/*
 * reverse.c - a finance record as the CRM record it maps to (both-ways sync).
 *
 * The pairs below are the default mapping read backwards, plus the job's
 * field_map for top-level and custom (cf_*) keys.  Only what both sides
 * hold goes back: addresses and contact persons stay finance-side.
 */
#include <stdio.h>
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/finclient.h"
#include "finsync/reverse.h"
#include "xform.h"

struct pair {
	const char *finance; /* key in the view */
	const char *crm;     /* CRM field API name */
};

static const struct pair accounts_pairs[] = {
	{ "name", "Account_Name" },
	{ "phone", "Phone" },
	{ "website", "Website" },
	{ NULL, NULL },
};
static const struct pair contacts_pairs[] = {
	{ "first_name", "First_Name" }, { "last_name", "Last_Name" }, { "email", "Email" },
	{ "phone", "Phone" },           { "mobile", "Mobile" },       { NULL, NULL },
};
static const struct pair vendors_pairs[] = {
	{ "name", "Vendor_Name" }, { "email", "Email" }, { "phone", "Phone" }, { "website", "Website" }, { NULL, NULL },
};
static const struct pair products_pairs[] = {
	{ "name", "Product_Name" },
	{ "sku", "Product_Code" },
	{ "rate", "Unit_Price" },
	{ "description", "Description" },
	{ NULL, NULL },
};

static json_t *primary_person(json_t *row)
{
	json_t *persons = json_object_get(row, "contact_persons"), *p;
	size_t i;

	json_array_foreach(persons, i, p)
		if (json_is_true(json_object_get(p, "is_primary_contact")))
			return p;
	return json_array_get(persons, 0);
}

/* The first non-empty string among the candidates. */
static void take(json_t *view, const char *key, json_t *a, json_t *b, json_t *c)
{
	json_t *cands[3] = { a, b, c };
	int i;

	for (i = 0; i < 3; i++) {
		if (json_is_string(cands[i]) && *json_string_value(cands[i])) {
			json_object_set(view, key, cands[i]);
			return;
		}
	}
}

static void view_custom_fields(const struct job *job, json_t *row, json_t *view)
{
	json_t *hash = json_object_get(row, "custom_field_hash"), *v;
	const char *k;

	json_object_foreach(row, k, v)
		if (!strncmp(k, "cf_", 3) && !strstr(k, "_unformatted"))
			json_object_set(view, k, v);
	json_object_foreach(hash, k, v)
		if (!strncmp(k, "cf_", 3) && !strstr(k, "_unformatted"))
			json_object_set(view, k, v);
	/* Our own key is identity, not content. */
	json_object_del(view, job->crm_id_field);
}

/* A list row or a full record, flattened to the fields both sides hold. */
static json_t *view_of(const struct job *job, const struct entity_sync *e, json_t *row)
{
	json_t *view = json_object(), *p = primary_person(row);

	if (e->kind == ENTITY_ITEMS) {
		take(view, "name", json_object_get(row, "name"), NULL, NULL);
		take(view, "sku", json_object_get(row, "sku"), NULL, NULL);
		take(view, "description", json_object_get(row, "description"), NULL, NULL);
		if (json_is_number(json_object_get(row, "rate")))
			json_object_set(view, "rate", json_object_get(row, "rate"));
	} else {
		take(view, "name", json_object_get(row, job->app->customer_name_key), NULL, NULL);
		take(view, "company_name", json_object_get(row, "company_name"), NULL, NULL);
		take(view, "website", json_object_get(row, "website"), NULL, NULL);
		take(view, "email", json_object_get(row, "email"), json_object_get(p, "email"), NULL);
		take(view, "phone", json_object_get(row, "phone"),
		     json_object_get(json_object_get(row, "billing_address"), "phone"), json_object_get(p, "phone"));
		take(view, "mobile", json_object_get(row, "mobile"), json_object_get(p, "mobile"), NULL);
		take(view, "first_name", json_object_get(row, "first_name"), json_object_get(p, "first_name"), NULL);
		take(view, "last_name", json_object_get(row, "last_name"), json_object_get(p, "last_name"), NULL);
		take(view, "customer_sub_type", json_object_get(row, "customer_sub_type"), NULL, NULL);
	}
	view_custom_fields(job, row, view);
	return view;
}

static const struct pair *pairs_of(const char *module)
{
	if (!strcmp(module, "Accounts"))
		return accounts_pairs;
	if (!strcmp(module, "Contacts"))
		return contacts_pairs;
	return !strcmp(module, "Vendors") ? vendors_pairs : products_pairs;
}

static const char *module_of(const struct entity_sync *e, json_t *view)
{
	const char *sub;

	if (entity_defs[e->kind].crm_modules)
		return entity_defs[e->kind].crm_modules[0];
	sub = json_string_value(json_object_get(view, "customer_sub_type"));
	return sub && !strcmp(sub, "individual") ? "Contacts" : "Accounts";
}

/* field_map read backwards: finance key -> CRM field, for keys the view holds. */
static void apply_field_map(const struct entity_sync *e, json_t *view, json_t *record)
{
	const char *fin;
	json_t *crm;

	json_object_foreach(e->field_map, fin, crm) {
		json_t *v = json_object_get(view, fin);
		if (v && json_is_string(crm) && !strchr(json_string_value(crm), '.'))
			json_object_set(record, json_string_value(crm), v);
	}
}

void reverse_record(const struct job *job, const struct entity_sync *e, json_t *row, const char **module,
		    json_t **record)
{
	json_t *view = view_of(job, e, row);
	const struct pair *p;

	*module = module_of(e, view);
	*record = json_object();
	for (p = pairs_of(*module); p->finance; p++) {
		json_t *v = json_object_get(view, p->finance);
		if (v)
			json_object_set(*record, p->crm, v);
	}
	/* Zoho CRM needs a contact's Last_Name: the display name stands in. */
	if (!strcmp(*module, "Contacts") && !json_object_get(*record, "Last_Name") && json_object_get(view, "name"))
		json_object_set(*record, "Last_Name", json_object_get(view, "name"));
	apply_field_map(e, view, *record);
	json_decref(view);
}

void reverse_hash(const struct job *job, const struct entity_sync *e, json_t *row, char out[REVERSE_HASH_LEN])
{
	const char *module;
	json_t *record;

	out[0] = '\0';
	if (!row)
		return;
	reverse_record(job, e, row, &module, &record);
	content_hash(record, out);
	json_decref(record);
}

const char *reverse_finance_key(const struct job *job, const struct entity_sync *e, const char *module,
				const char *crm_field)
{
	const struct pair *p;
	const char *fin;
	json_t *crm;

	(void)job;
	json_object_foreach(e->field_map, fin, crm)
		if (json_is_string(crm) && !strcmp(json_string_value(crm), crm_field))
			return fin;
	for (p = pairs_of(module); p->finance; p++)
		if (!strcmp(p->crm, crm_field))
			return p->finance;
	return NULL;
}

const char *reverse_finance_id(const struct job *job, const struct entity_sync *e, json_t *row, char *buf, size_t n)
{
	json_t *id = json_object_get(row, entity_finance_id_key(job, e->kind));

	if (json_is_string(id))
		return json_string_value(id);
	if (json_is_integer(id)) {
		snprintf(buf, n, "%lld", (long long)json_integer_value(id));
		return buf;
	}
	return NULL;
}

const char *reverse_crm_id(const struct job *job, json_t *row)
{
	int carried;
	json_t *v = fin_row_cf(row, job->crm_id_field, &carried);

	return json_is_string(v) && *json_string_value(v) ? json_string_value(v) : NULL;
}
