/*
 * persons.c - a customer's contact persons, kept by id (docs/design.md
 * "Contact persons are kept, not replaced").
 *
 * Zoho replaces the whole set when a customer's update carries
 * contact_persons: a listed person with its contact_person_id is updated, one
 * without is new, one left out is deleted (Books "Update a Contact").  An
 * update could send every person with its id, finsync's and the finance
 * users', but it would need the customer's persons read just before, and a
 * person a user adds between that read and the write would still be
 * deleted.  So an update never sends contact_persons: each person finsync
 * owns is added, changed or removed on its own through the app's person
 * endpoints, and a person that is not in person_links (a user's) is never
 * in a request at all.  Only a create sends them in its body (where the
 * app documents it): a new customer has no one else's persons.  (A create
 * sent again after an interrupted run, which the app takes as an update of
 * the customer the first attempt made, replaces that customer's persons:
 * those are finsync's own, from moments before.)
 *
 * person_links keys a person by its CRM contact: a contact that moved to
 * another account is deleted from the customer its link names and added
 * to the new one, whichever of the two is written first; one that left
 * the account (deleted in the CRM, or moved) is removed when its old
 * customer is next written.  The primary person is the oldest linked one
 * still there (person_links keeps the order its rows were added), else the
 * first new one.  Each link keeps the hash of the person as last written,
 * its primary flag included: an unchanged person gets no request.
 */
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/ledger.h"
#include "finsync/log.h"
#include "finsync/ndjson.h"
#include "../xform/xform.h"
#include "persons.h"

static int has_key(const char *const *keys, const char *key)
{
	for (; keys && *keys; keys++)
		if (!strcmp(*keys, key))
			return 1;
	return 0;
}

/*
 * The body one person is written with: the keys the app's person endpoint
 * takes.  Books requires first_name: a contact with only a last name (the
 * CRM's one required name) goes with it as its first name.  NULL when the
 * app cannot take the person (Billing requires an email).
 */
static json_t *person_body(const struct finance_app *app, const json_t *person)
{
	json_t *body = json_object(), *v;
	const char *key;

	json_object_foreach((json_t *)person, key, v)
		if (has_key(app->person_keys, key))
			json_object_set(body, key, v);
	if (!jstr(body, app->person_required) || !*jstr(body, app->person_required)) {
		if (!strcmp(app->person_required, "first_name") && jstr(body, "last_name")) {
			json_object_set(body, "first_name", json_object_get(body, "last_name"));
			json_object_del(body, "last_name");
		} else {
			json_decref(body);
			return NULL;
		}
	}
	return body;
}

/*
 * The hash a person's link keeps: of its body, then PRIMARY_MARK when it is
 * the primary (so that a person made primary elsewhere can be noted
 * without its body at hand).
 */
#define PRIMARY_MARK "+primary"
#define PERSON_HASH_LEN (CONTENT_HASH_LEN + sizeof(PRIMARY_MARK))

static void person_hash(const json_t *body, int primary, char out[PERSON_HASH_LEN])
{
	content_hash((json_t *)body, out);
	if (primary)
		strcat(out, PRIMARY_MARK);
}

/* A link's hash with the primary mark (new string). */
static char *hash_as_primary(const char *hash)
{
	size_t n = hash ? strcspn(hash, "+") : 0;

	return hash ? xasprintf("%.*s%s", (int)n, hash, PRIMARY_MARK) : NULL;
}

json_t *persons_take(const struct finance_app *app, json_t *payload, int create, int *in_body)
{
	json_t *persons = json_incref(json_object_get(payload, "contact_persons")), *list, *p, *body;
	size_t i;

	*in_body = 0;
	json_object_del(payload, "contact_persons");
	if (!json_is_array(persons) || !json_array_size(persons) || !create || !app->persons_in_create)
		return persons;
	/* Zoho documents is_primary_contact "Allowed value is true only": the others omit it. */
	list = json_array();
	json_array_foreach(persons, i, p) {
		if (!(body = person_body(app, p)))
			continue;
		if (!json_array_size(list) && app->has_primary_person)
			json_object_set_new(body, "is_primary_contact", json_true());
		json_array_append_new(list, body);
	}
	json_object_set_new(payload, "contact_persons", list);
	*in_body = 1;
	return persons;
}

/* ---- one customer's persons ---- */

struct customer_persons {
	struct pipeline *p;
	struct finclient *fin;
	const struct finance_app *app;
	const char *customer_id;
	int *incomplete;
	int may_adopt;    /* the customer has no person_links yet */
	json_t *existing; /* its persons as read once for that (NULL: not read) */
};

static int same_text(const json_t *a, const json_t *b, const char *key)
{
	const char *x = jstr(a, key), *y = jstr(b, key);

	return !strcmp(x ? x : "", y ? y : "");
}

/* The answer's person that is body (by name and email), not taken yet; else the index'th. */
static const json_t *answered_person(const json_t *answer, const json_t *body, size_t index, char *taken)
{
	const json_t *a;
	size_t i;

	json_array_foreach(answer, i, a)
		if (!taken[i] && same_text(a, body, "first_name") && same_text(a, body, "last_name") &&
		    same_text(a, body, "email")) {
			taken[i] = 1;
			return a;
		}
	if (index < json_array_size(answer) && !taken[index]) {
		taken[index] = 1;
		return json_array_get(answer, index);
	}
	return NULL;
}

static int link_person(struct customer_persons *c, const char *crm_id, const char *person_id, const char *hash)
{
	struct person_link pl = { (char *)crm_id, (char *)c->customer_id, (char *)person_id, (char *)hash };

	return ledger_person_link_put(c->p->lg, &pl);
}

/* A create carried the persons: the ids the app gave them go into person_links. */
static int record_created(struct customer_persons *c, json_t *persons, const struct fin_outcome *out)
{
	size_t i, n = 0, count = json_array_size(out->persons);
	char *taken = xcalloc(count ? count : 1, 1), hash[PERSON_HASH_LEN];
	const json_t *a;
	json_t *p, *body;
	int rc = 0;

	json_array_foreach(persons, i, p) {
		if (rc || !(body = person_body(c->app, p)))
			continue;
		a = answered_person(out->persons, body, n, taken);
		person_hash(body, n == 0 && c->app->has_primary_person, hash);
		if (a && jstr(a, c->app->person_id_key) && jstr(p, PERSON_CRM_ID))
			rc = link_person(c, jstr(p, PERSON_CRM_ID), jstr(a, c->app->person_id_key), hash);
		else if (jstr(p, PERSON_CRM_ID))
			log_warn("customer %s: the app's answer has no id for the person of CRM record %s",
				 c->customer_id, jstr(p, PERSON_CRM_ID));
		json_decref(body);
		n++;
	}
	xfree(taken);
	return rc;
}

static void person_failed(struct customer_persons *c, const char *what, const char *crm_id, int rc,
			  const struct fin_outcome *o)
{
	*c->incomplete = 1;
	if (rc)
		log_warn("customer %s: %s the person of CRM record %s: %s", c->customer_id, what, crm_id, err_msg());
	else
		log_warn("customer %s: %s the person of CRM record %s: HTTP %ld code %ld: %s", c->customer_id, what,
			 crm_id, o->status, o->code, o->message ? o->message : "");
}

/* Deletes a person finsync added; 1 when it is gone (also when it was gone already). */
static int remove_person(struct customer_persons *c, const struct person_link *l)
{
	struct fin_outcome o;
	int rc = finclient_person_delete(c->fin, l->finance_customer_id, l->finance_person_id, &o);
	int gone = !rc && (o.ok || o.status == 404);

	if (!gone)
		person_failed(c, "could not delete", l->crm_contact_id, rc, &o);
	fin_outcome_release(&o);
	return gone;
}

/*
 * A person leaves a customer other than the one being written (its contact
 * was deleted, or moved): when it was that customer's primary (its oldest
 * link), the next oldest becomes the primary there now, since that customer
 * may not be written again soon.  Its link keeps its hash, so the next write
 * of that customer sends it once more with the flag; nothing is lost.
 */
static int remove_elsewhere(struct customer_persons *c, const struct person_link *l)
{
	struct person_link *links = NULL;
	struct fin_outcome o;
	size_t n = 0, i;
	int rc, gone = 0;

	if ((rc = ledger_person_links_of(c->p->lg, l->finance_customer_id, &links, &n)) < 0)
		goto out;
	rc = 0;
	if (!(gone = remove_person(c, l)) || (rc = ledger_person_link_delete(c->p->lg, l->crm_contact_id)))
		goto out;
	if (c->app->has_primary_person && n > 1 && !strcmp(links[0].crm_contact_id, l->crm_contact_id)) {
		int prc = finclient_person_primary(c->fin, links[1].finance_person_id, &o);
		if (prc || !o.ok) {
			person_failed(c, "could not make primary", links[1].crm_contact_id, prc, &o);
		} else {
			char *hash = hash_as_primary(links[1].hash);
			xfree(links[1].hash);
			links[1].hash = hash;
			rc = ledger_person_link_put(c->p->lg, &links[1]);
		}
		fin_outcome_release(&o);
	}
out:
	for (i = 0; i < n; i++)
		person_link_release(&links[i]);
	xfree(links);
	return rc < 0 ? rc : gone;
}

/* The persons this customer keeps no more (their CRM contact left it): removed. */
static int remove_departed(struct customer_persons *c, json_t *persons, struct person_link *links, size_t n)
{
	json_t *p;
	size_t i, k;
	int rc = 0;

	for (i = 0; i < n && !rc; i++) {
		json_array_foreach(persons, k, p)
			if (jstr_is(p, PERSON_CRM_ID, links[i].crm_contact_id))
				break;
		if (k < json_array_size(persons))
			continue;
		log_info("customer %s: CRM record %s is no longer one of its persons; removing it", c->customer_id,
			 links[i].crm_contact_id);
		if (remove_person(c, &links[i]))
			rc = ledger_person_link_delete(c->p->lg, links[i].crm_contact_id);
	}
	return rc;
}

/* The CRM id of the person to be primary: the oldest link still wanted, else the first. */
static const char *primary_of(struct customer_persons *c, json_t *persons, const struct person_link *links, size_t n)
{
	json_t *p, *body;
	size_t i, k;

	for (i = 0; i < n; i++)
		json_array_foreach(persons, k, p)
			if (jstr_is(p, PERSON_CRM_ID, links[i].crm_contact_id))
				return links[i].crm_contact_id;
	json_array_foreach(persons, k, p) {
		if ((body = person_body(c->app, p))) {
			json_decref(body);
			return jstr(p, PERSON_CRM_ID);
		}
	}
	return NULL;
}

static int collect_row(json_t *row, void *ud)
{
	return json_array_append(ud, row);
}

/* The customer's persons as the app lists them now (new array; empty when they cannot be read). */
static json_t *read_persons(struct customer_persons *c)
{
	json_t *rows = json_array();

	if (finclient_person_list(c->fin, c->customer_id, collect_row, rows) < 0) {
		log_warn("customer %s: its contact persons could not be read: %s", c->customer_id, err_msg());
		json_array_clear(rows);
	}
	return rows;
}

/*
 * The id of a person in rows that is body (same first name, last name and
 * email) and in no link; taken out of rows.  NULL when there is none.
 */
static char *take_unlinked(struct customer_persons *c, json_t *rows, const json_t *body)
{
	const char *id;
	char *crm_id = NULL, *found = NULL;
	json_t *row;
	size_t i;

	json_array_foreach(rows, i, row) {
		id = jstr(row, c->app->person_id_key);
		if (!id || !same_text(row, body, "first_name") || !same_text(row, body, "last_name") ||
		    !same_text(row, body, "email") || ledger_person_link_by_person(c->p->lg, id, &crm_id) != 0) {
			xfree(crm_id);
			crm_id = NULL;
			continue;
		}
		found = xstrdup(id);
		json_array_remove(rows, i);
		break;
	}
	return found;
}

/*
 * A person POST that got no answer may have been applied (FS_EUNSURE): the
 * customer's persons are read and one that is this person and belongs to no
 * link is taken as it, instead of adding it a second time next run.
 */
static char *find_unsure(struct customer_persons *c, const json_t *body)
{
	json_t *rows = read_persons(c);
	char *found = take_unlinked(c, rows, body);

	json_decref(rows);
	return found;
}

/*
 * A customer with no person_links yet (linked by an earlier finsync that did
 * not keep them, or found by name): a person already there that is exactly
 * this one (name and email) is taken as it rather than added a second time.
 */
static char *adopt(struct customer_persons *c, const json_t *body)
{
	if (!c->may_adopt)
		return NULL;
	if (!c->existing)
		c->existing = read_persons(c);
	return take_unlinked(c, c->existing, body);
}

/* Adds one person; its link is written only with the id the app answered. */
static int add_person(struct customer_persons *c, const char *crm_id, json_t *body, int primary)
{
	struct fin_outcome o;
	char hash[PERSON_HASH_LEN];
	int rc = finclient_person_write(c->fin, c->customer_id, NULL, body, &o);

	if (rc == FS_EUNSURE && (o.finance_id = find_unsure(c, body))) {
		log_info("customer %s: the person of CRM record %s was added without an answer; found it as %s",
			 c->customer_id, crm_id, o.finance_id);
		o.ok = 1;
		rc = 0;
	}
	if (rc || !o.ok) {
		person_failed(c, "could not add", crm_id, rc, &o);
		fin_outcome_release(&o);
		return 0;
	}
	if (primary) {
		struct fin_outcome po;
		int prc = finclient_person_primary(c->fin, o.finance_id, &po);
		if (prc || !po.ok) {
			person_failed(c, "could not make primary", crm_id, prc, &po);
			primary = 0;
		}
		fin_outcome_release(&po);
	}
	person_hash(body, primary, hash);
	rc = link_person(c, crm_id, o.finance_id, hash);
	fin_outcome_release(&o);
	return rc;
}

/* Changes one person in place (its id stays); 1 when the app no longer has it. */
static int change_person(struct customer_persons *c, const struct person_link *l, json_t *body, int primary,
			 const char *hash, int *gone)
{
	json_t *sent = json_copy(body);
	struct fin_outcome o;
	int rc;

	*gone = 0;
	if (primary)
		json_object_set_new(sent, "is_primary_contact", json_true());
	rc = finclient_person_write(c->fin, c->customer_id, l->finance_person_id, sent, &o);
	json_decref(sent);
	if (!rc && o.ok)
		rc = link_person(c, l->crm_contact_id, l->finance_person_id, hash);
	else if (!rc && o.status == 404)
		*gone = 1;
	else
		person_failed(c, "could not update", l->crm_contact_id, rc, &o), rc = 0;
	fin_outcome_release(&o);
	return rc;
}

/* One wanted person: unchanged, changed in place, moved here, or new. */
static int sync_person(struct customer_persons *c, json_t *person, const char *primary_id)
{
	const char *crm_id = jstr(person, PERSON_CRM_ID);
	int primary = c->app->has_primary_person && primary_id && crm_id && !strcmp(crm_id, primary_id);
	char hash[PERSON_HASH_LEN];
	struct person_link l;
	char *adopted;
	json_t *body;
	int rc, gone = 0;

	if (!crm_id || !(body = person_body(c->app, person))) {
		log_info("customer %s: CRM record %s has no %s; not a contact person in %s", c->customer_id,
			 crm_id ? crm_id : "?", c->app->person_required, c->app->label);
		return 0;
	}
	person_hash(body, primary, hash);
	if ((rc = ledger_person_link_get(c->p->lg, crm_id, &l)) < 0)
		goto out;
	if (rc == 1 && !strcmp(l.finance_customer_id, c->customer_id)) {
		rc = 0;
		if (!l.hash || strcmp(l.hash, hash))
			rc = change_person(c, &l, body, primary, hash, &gone);
		if (!rc && gone)
			rc = add_person(c, crm_id, body, primary);
	} else if (rc == 1) {
		log_info("customer %s: CRM record %s moved here from customer %s", c->customer_id, crm_id,
			 l.finance_customer_id);
		if ((rc = remove_elsewhere(c, &l)) == 1)
			rc = add_person(c, crm_id, body, primary);
	} else if ((adopted = adopt(c, body))) {
		struct person_link found = { (char *)crm_id, (char *)c->customer_id, adopted, NULL };
		log_info("customer %s: its person %s is CRM record %s; kept as it", c->customer_id, adopted, crm_id);
		rc = change_person(c, &found, body, primary, hash, &gone);
		if (!rc && gone)
			rc = add_person(c, crm_id, body, primary);
		xfree(adopted);
	} else {
		rc = add_person(c, crm_id, body, primary);
	}
out:
	person_link_release(&l);
	json_decref(body);
	return rc;
}

static int sync_persons(struct customer_persons *c, json_t *persons)
{
	struct person_link *links = NULL;
	const char *primary_id;
	json_t *p;
	size_t n = 0, i;
	int rc;

	if ((rc = ledger_person_links_of(c->p->lg, c->customer_id, &links, &n)) < 0)
		goto out;
	if ((rc = remove_departed(c, persons, links, n)))
		goto out;
	c->may_adopt = n == 0;
	primary_id = primary_of(c, persons, links, n);
	json_array_foreach(persons, i, p)
		if ((rc = sync_person(c, p, primary_id)))
			break;
out:
	for (i = 0; i < n; i++)
		person_link_release(&links[i]);
	xfree(links);
	return rc;
}

int persons_settle(struct pipeline *p, struct finclient *fin, const char *customer_id, json_t *persons, int in_body,
		   const struct fin_outcome *out, int *incomplete)
{
	struct customer_persons c = { p, fin, p->job->app, customer_id, incomplete, 0, NULL };
	json_t *none = NULL;
	int rc;

	*incomplete = 0;
	if (in_body)
		return record_created(&c, persons, out);
	if (!persons)
		persons = none = json_array();
	rc = sync_persons(&c, persons);
	json_decref(c.existing);
	json_decref(none);
	return rc;
}

int persons_remove(struct pipeline *p, struct finclient *fin, const char *crm_contact_id, int *incomplete)
{
	struct customer_persons c = { p, fin, p->job->app, NULL, incomplete, 0, NULL };
	struct person_link l;
	int rc;

	*incomplete = 0;
	if ((rc = ledger_person_link_get(p->lg, crm_contact_id, &l)) == 1) {
		c.customer_id = l.finance_customer_id;
		rc = remove_elsewhere(&c, &l);
		rc = rc < 0 ? rc : 0;
	}
	person_link_release(&l);
	return rc;
}
