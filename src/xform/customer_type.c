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
 * The persons grouped by account wait in a scratch SQLite database on disk
 * (transform/persons.tmp, removed at the end) until their account comes by:
 * the accounts file is not sorted like the contacts, so there is no merge,
 * and in memory they grew with the CRM (470 MB at a million accounts; the
 * database keeps the stage's memory flat, BENCH.md).
 */
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/log.h"
#include "finsync/ndjson.h"
#include "finsync/scratch.h"
#include "xform.h"

/*
 * One row per person: its account, its contact id (length first, so that the
 * key orders ids as numbers) and the person as JSON text.
 */
#define PERSONS_SCHEMA "CREATE TABLE persons (account TEXT NOT NULL, clen INTEGER NOT NULL, " \
		       "contact TEXT NOT NULL, person TEXT NOT NULL)"

struct contact_groups {
	sqlite3 *db;
	char *path;
	sqlite3_stmt *put, *get, *del;
	struct buf text;        /* a person's JSON, reused */
	long n;                 /* persons put */
};

static int emit_contact(struct xform *x, json_t *rec, void *ud)
{
	(void)ud;
	return xform_emit(x, "Contacts", rec, NULL);
}

static int groups_open(struct contact_groups *g, struct xform *x)
{
	int rc;

	g->path = xasprintf("%s/transform/persons.tmp", x->p->run_dir);
	buf_init(&g->text, (size_t)1 << 26);
	if ((rc = scratch_open(&g->db, g->path, PERSONS_SCHEMA)) ||
	    (rc = scratch_prepare(g->db, g->path, "INSERT INTO persons VALUES (?1, ?2, ?3, ?4)", &g->put)))
		return rc;
	if (sqlite3_exec(g->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return scratch_fail(g->db, g->path, "begin");
	return 0;
}

/* After pass 1: the index that reads an account's persons in contact id order. */
static int groups_index(struct contact_groups *g)
{
	if (sqlite3_exec(g->db, "COMMIT; CREATE INDEX persons_by_account ON persons (account, clen, contact)",
			 NULL, NULL, NULL) != SQLITE_OK)
		return scratch_fail(g->db, g->path, "index");
	if (scratch_prepare(g->db, g->path,
			    "SELECT person FROM persons WHERE account = ?1 ORDER BY clen, contact", &g->get) ||
	    scratch_prepare(g->db, g->path, "DELETE FROM persons WHERE account = ?1", &g->del))
		return FS_EABORT;
	return 0;
}

static void groups_close(struct contact_groups *g)
{
	sqlite3_finalize(g->put);
	sqlite3_finalize(g->get);
	sqlite3_finalize(g->del);
	scratch_close(g->db, g->path);
	xfree(g->path);
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
		return 0;               /* orphans and invalid records: pass 2 */
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
	sqlite3_bind_text(g->put, 1, account, -1, SQLITE_STATIC);
	sqlite3_bind_int64(g->put, 2, (sqlite3_int64)strlen(id));
	sqlite3_bind_text(g->put, 3, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(g->put, 4, g->text.data, (int)g->text.len, SQLITE_STATIC);
	if (sqlite3_step(g->put) != SQLITE_DONE)
		rc = scratch_fail(g->db, g->path, "insert");
	sqlite3_reset(g->put);
	g->n++;
	return rc;
}

/* The persons of an account's contacts in contact id order (new array); removes them. */
static int take_persons(struct contact_groups *g, const char *account, json_t **out)
{
	json_t *list = json_array();
	int rc, n = 0;

	*out = list;
	sqlite3_bind_text(g->get, 1, account, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(g->get)) == SQLITE_ROW) {
		json_t *p = ndjson_parse((const char *)sqlite3_column_text(g->get, 0),
					 (size_t)sqlite3_column_bytes(g->get, 0), 0, NULL);
		json_array_append_new(list, p);
		n++;
	}
	sqlite3_reset(g->get);
	if (rc != SQLITE_DONE)
		return scratch_fail(g->db, g->path, "read");
	if (!n)
		return 0;
	sqlite3_bind_text(g->del, 1, account, -1, SQLITE_STATIC);
	rc = sqlite3_step(g->del);
	sqlite3_reset(g->del);
	return rc == SQLITE_DONE ? 0 : scratch_fail(g->db, g->path, "delete");
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

/* The contacts left over had an account that is not in the extract. */
static int report_unused(struct contact_groups *g)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (log_get_level() < LOG_DEBUG)
		return 0;
	if ((rc = scratch_prepare(g->db, g->path, "SELECT contact, account FROM persons ORDER BY rowid", &st)))
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		log_debug("contact %s: its account %s is not in the extract; not synced",
			  (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : scratch_fail(g->db, g->path, "read");
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
	    !(rc = groups_index(&g)) && !(rc = xform_stream(x, "accounts", emit_account, &g, 1)) &&
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
