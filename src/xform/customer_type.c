/*
 * customer_type.c - which CRM records become which finance customers
 * (docs/design.md "Entities"), by sync.customers.crm_module:
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
 * The persons grouped by account wait in a scratch SQLite database on disk
 * (transform/persons.tmp, removed at the end) until their account comes by:
 * the accounts file is not sorted like the contacts, so there is no merge,
 * and in memory they grew with the CRM (470 MB at a million accounts; the
 * database keeps the stage's memory flat, BENCH.md).
 */
#include <stdlib.h>
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/log.h"
#include "finsync/ndjson.h"
#include "finsync/scratch.h"
#include "xform.h"

struct contact_groups {
	struct scratch_groups *persons; /* by account, in contact id order */
	struct buf text;                /* a person's JSON, reused */
	long n;                         /* persons put */
};

static int emit_contact(struct xform *x, json_t *rec, void *ud)
{
	(void)ud;
	return xform_emit(x, "Contacts", rec, NULL);
}

static int groups_open(struct contact_groups *g, struct xform *x)
{
	char *path = xasprintf("%s/transform/persons.tmp", x->run_dir);
	int rc;

	buf_init(&g->text, (size_t)1 << 26);
	rc = scratch_groups_open(&g->persons, path);
	xfree(path);
	return rc;
}

static void groups_close(struct contact_groups *g)
{
	scratch_groups_close(g->persons);
	buf_release(&g->text);
}

/* Pass 1: the persons of the contacts that belong to an account. */
static int group_contact(struct xform *x, json_t *rec, void *ud)
{
	struct contact_groups *g = ud;
	char buf[32];
	const char *id = crm_record_id(rec, buf, sizeof(buf));
	const char *account = crm_lookup_id(rec, "Account_Name");
	json_t *person;
	int rc = 0;

	if (!id || !account)
		return 0; /* orphans and invalid records: pass 2 */
	if (!(person = mapping_person_cached(x->maps, rec))) {
		log_debug("contact %s: no name, email or phone; not a contact person", id);
		return 0;
	}
	buf_reset(&g->text);
	if (ndjson_dump(person, &g->text, 0)) {
		char *t = json_dumps(person, JSON_COMPACT);
		buf_reset(&g->text);
		buf_adds(&g->text, t ? t : "null");
		xfree(t);
	}
	json_decref(person);
	rc = scratch_groups_put(g->persons, account, id, g->text.data, g->text.len);
	g->n++;
	return rc;
}

static int add_person(const char *text, size_t len, void *ud)
{
	json_array_append_new(ud, ndjson_parse(text, len, 0, NULL));
	return 0;
}

/* The persons of an account's contacts in contact id order (new array); removes them. */
static int take_persons(struct contact_groups *g, const char *account, json_t **out)
{
	long n;

	*out = json_array();
	return scratch_groups_take(g->persons, account, add_person, *out, &n);
}

static int emit_account(struct xform *x, json_t *rec, void *ud)
{
	struct contact_groups *g = ud;
	char buf[32];
	const char *id = crm_record_id(rec, buf, sizeof(buf));
	json_t *persons = NULL;
	int rc = 0;

	if (g && id)
		rc = take_persons(g, id, &persons);
	if (!rc)
		rc = xform_emit(x, "Accounts", rec, persons);
	json_decref(persons);
	return rc;
}

static int log_unused(const char *contact, const char *account, void *ud)
{
	(void)ud;
	log_debug("contact %s: its account %s is not in the extract; not synced", contact, account);
	return 0;
}

/* The contacts left over had an account that is not in the extract. */
static int report_unused(struct contact_groups *g)
{
	if (log_get_level() < LOG_DEBUG)
		return 0;
	return scratch_groups_each(g->persons, log_unused, NULL);
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
	struct contact_groups g = { 0 };
	int rc;

	/* Pass 2 does not count malformed lines again: pass 1 did. */
	if (!(rc = groups_open(&g, x)) && !(rc = xform_stream(x, "contacts", group_contact, &g, 1)) &&
	    !(rc = scratch_groups_seal(g.persons)) && !(rc = xform_stream(x, "accounts", emit_account, &g, 1)) &&
	    !(rc = report_unused(&g)))
		rc = xform_stream(x, "contacts", orphan_contact, NULL, 0);
	groups_close(&g);
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
