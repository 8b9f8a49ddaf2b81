/*
 * customer_type.c - which CRM records become which finance customers
 * (DESIGN.md "Entities"), by sync.customers.crm_module:
 *
 *   accounts               every account is a business customer
 *   contacts               every contact is an individual customer
 *   accounts_and_contacts  every account is a business customer whose
 *                          contacts are its contact persons; a contact
 *                          without an account is an individual customer
 *                          only with include_orphan_contacts
 *
 * accounts_and_contacts reads contacts.ndjson.gz twice: first to group the
 * persons by account, then, after the accounts, for the orphans.  A contact
 * whose account is not in the extract (left out by a view, say) is dropped
 * and logged at debug level.
 *
 * Known limit: the persons grouped by account are held in memory until their
 * account comes by (the accounts file is not sorted by id, so no merge).
 */
#include <stdlib.h>
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/log.h"
#include "xform.h"

/*
 * A person is kept as one string "<contact id>\t<person JSON>": a jansson
 * object per person would take several times the memory.
 */
struct contact_groups {
	json_t *by_account;     /* account id -> ["<contact id>\t<person JSON>", …] */
};

static int emit_contact(struct xform *x, json_t *rec, void *ud)
{
	(void)ud;
	return xform_emit(x, "Contacts", rec, NULL);
}

/* Pass 1: the persons of the contacts that belong to an account. */
static int group_contact(struct xform *x, json_t *rec, void *ud)
{
	struct contact_groups *g = ud;
	char buf[32];
	const char *id = crm_record_id(rec, buf, sizeof(buf));
	const char *account = crm_lookup_id(rec, "Account_Name");
	json_t *person, *list;
	char *text, *entry;

	if (!id || !account)
		return 0;               /* orphans and invalid records: pass 2 */
	if (!(person = mapping_person_cached(x->maps, rec))) {
		log_debug("contact %s: no name, email or phone; not a contact person", id);
		return 0;
	}
	if (!(list = json_object_get(g->by_account, account))) {
		list = json_array();
		json_object_set_new(g->by_account, account, list);
	}
	text = json_dumps(person, JSON_COMPACT);
	entry = xasprintf("%s\t%s", id, text);
	json_array_append_new(list, json_string(entry));
	xfree(entry);
	xfree(text);
	json_decref(person);
	return 0;
}

/* CRM ids are numbers written as strings: shorter is smaller. */
static int cmp_contact_id(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	size_t lx = strcspn(x, "\t"), ly = strcspn(y, "\t");

	return lx != ly ? (lx < ly ? -1 : 1) : strncmp(x, y, lx);
}

/* The persons of an account's contacts in contact id order (new array); removes them. */
static json_t *take_persons(struct contact_groups *g, const char *account)
{
	json_t *list = json_object_get(g->by_account, account), *out = json_array();
	size_t n = json_array_size(list), i;
	const char **v;

	if (!n)
		return out;
	v = xcalloc(n, sizeof(*v));
	for (i = 0; i < n; i++)
		v[i] = json_string_value(json_array_get(list, i));
	qsort(v, n, sizeof(*v), cmp_contact_id);
	for (i = 0; i < n; i++)
		json_array_append_new(out, json_loads(strchr(v[i], '\t') + 1, 0, NULL));
	xfree(v);
	json_object_del(g->by_account, account);
	return out;
}

static int emit_account(struct xform *x, json_t *rec, void *ud)
{
	struct contact_groups *g = ud;
	char buf[32];
	const char *id = crm_record_id(rec, buf, sizeof(buf));
	json_t *persons = g && id ? take_persons(g, id) : NULL;
	int rc = xform_emit(x, "Accounts", rec, persons);

	json_decref(persons);
	return rc;
}

/* The contacts left over had an account that is not in the extract. */
static void report_unused(struct contact_groups *g)
{
	const char *account;
	json_t *list, *c;
	size_t i;

	json_object_foreach(g->by_account, account, list) {
		json_array_foreach(list, i, c) {
			const char *entry = json_string_value(c);
			log_debug("contact %.*s: its account %s is not in the extract; not synced",
				  (int)strcspn(entry, "\t"), entry, account);
		}
	}
}

/* Pass 2: contacts without an account (and those without an id, as invalid). */
static int orphan_contact(struct xform *x, json_t *rec, void *ud)
{
	char buf[32];
	const char *id = crm_record_id(rec, buf, sizeof(buf));

	(void)ud;
	if (id && crm_lookup_id(rec, "Account_Name"))
		return 0;
	if (id && !x->e->include_orphan_contacts) {
		log_debug("contact %s: no account; not synced (include_orphan_contacts is false)", id);
		x->dropped++;
		return 0;
	}
	return xform_emit(x, "Contacts", rec, NULL);
}

static int accounts_and_contacts(struct xform *x)
{
	struct contact_groups g = { json_object() };
	int rc;

	/* Pass 2 does not count malformed lines again: pass 1 did. */
	if (!(rc = xform_stream(x, "contacts", group_contact, &g, 1)) &&
	    !(rc = xform_stream(x, "accounts", emit_account, &g, 1))) {
		report_unused(&g);
		rc = xform_stream(x, "contacts", orphan_contact, NULL, 0);
	}
	json_decref(g.by_account);
	if (!rc && x->dropped)
		log_info("customers: %ld contacts without an account not synced (include_orphan_contacts is false)",
			 x->dropped);
	return rc;
}

int xform_customers(struct xform *x)
{
	switch (x->e->crm_module) {
	case CRM_ACCOUNTS:
		return xform_stream(x, "accounts", emit_account, NULL, 1);
	case CRM_CONTACTS:
		return xform_stream(x, "contacts", emit_contact, NULL, 1);
	default:
		return accounts_and_contacts(x);
	}
}
