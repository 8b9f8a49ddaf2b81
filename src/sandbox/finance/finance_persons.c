/*
 * finance_persons.c - the per-person endpoints of a customer's contact
 * persons, so that a client can add, change or remove one person without
 * sending the whole set (which replaces it: Books "Update a Contact").
 *
 * Books, Invoice, Inventory (BooksOAS contact-persons.yml):
 *   POST   /contacts/contactpersons                 (contact_id in the body)
 *   PUT    /contacts/contactpersons/{id}            (contact_id, first_name required)
 *   DELETE /contacts/contactpersons/{id}
 *   POST   /contacts/contactpersons/{id}/primary
 *   GET    /contacts/{contact_id}/contactpersons[/{id}]
 * The persons live in the contact's contact_persons, as the contact shows them.
 *
 * Billing (zoho.com/billing/api/v1/contact-persons): /customers/{customer_id}
 * /contactpersons[/{contactperson_id}] with GET, POST, PUT, DELETE; email is
 * required; there is no primary person.  They are kept in the customer's
 * "contactpersons" (undocumented: reading chosen).
 */
#include "finance.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Body keys of a Books-style person write (the create request has no primary flag). */
static const char *const books_person_keys[] = {
	"contact_id",
	"salutation",
	"first_name",
	"last_name",
	"email",
	"phone",
	"mobile",
	"skype",
	"designation",
	"department",
	"enable_portal",
	"communication_preference",
	"is_primary_contact",
	NULL
};

static const char *const billing_person_keys[] = { "first_name", "last_name", "email", "mobile", "phone", "fax", NULL };

int persons_route(const struct fin_app *app, char **seg, int n)
{
	if (app->persons_under_customer)
		return n >= 3 && str_eq(seg[2], "contactpersons");
	if (n >= 2 && str_eq(seg[1], "contactpersons"))
		return n == 2 || n == 3 || (n == 4 && str_eq(seg[3], "primary"));
	return n >= 3 && n <= 4 && str_eq(seg[2], "contactpersons");
}

static void answer_error(struct req *r, int status, json_t *err)
{
	reply_json(r, status, err);
}

static void person_missing(struct req *r)
{
	answer_error(r, 404, jerr_fin(1002, "Contact person does not exist."));
}

static void customer_missing(struct req *r, const struct fres *fr)
{
	answer_error(r, 404, jerr_fin(1002, fr->app->msg_contact_missing));
}

static json_t *list_of(const struct fres *fr, json_t *rec)
{
	json_t *list = json_object_get(rec, fr->app->persons_key);

	if (!json_is_array(list)) {
		list = json_array();
		json_object_set_new(rec, fr->app->persons_key, list);
	}
	return list;
}

static json_t *find_in(const struct fres *fr, json_t *rec, const char *pid, size_t *at)
{
	json_t *p;
	size_t i;

	json_array_foreach(list_of(fr, rec), i, p)
		if (str_eq(jstr(p, fr->app->person_id_key), pid)) {
			if (at)
				*at = i;
			return p;
		}
	return NULL;
}

/* The contact holding person pid (Books style: the path names only the person). */
static json_t *owner_of(struct fres *fr, const char *pid)
{
	sqlite3_stmt *s = store_stmt(fr->sb->st, "SELECT body FROM fin WHERE app = ?1 AND kind = ?2"
						 " AND instr(body, ?3) > 0");
	char *needle = xasprintf("\"%s\"", pid);
	json_t *rec, *found = NULL;

	sqlite3_bind_text(s, 1, fr->app->name, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, fr->kind);
	sqlite3_bind_text(s, 3, needle, -1, SQLITE_STATIC);
	while (!found && sqlite3_step(s) == SQLITE_ROW) {
		rec = store_load_json(s, 0);
		if (find_in(fr, rec, pid, NULL))
			found = rec;
		else
			json_decref(rec);
	}
	sqlite3_reset(s);
	free(needle);
	return found;
}

/* Checks a person body: known keys, strings, a valid email, the required ones. */
static json_t *check_body(const struct fres *fr, const json_t *in, int creating)
{
	const char *const *keys = fr->app->persons_under_customer ? billing_person_keys : books_person_keys;
	static const char *const bools[] = { "enable_portal", "is_primary_contact", NULL };
	const char *key;
	json_t *v;

	if (!json_is_object(in))
		return fin_bad_value("JSONString");
	json_object_foreach((json_t *)in, key, v) {
		if (!str_in(key, keys) || (creating && str_eq(key, "is_primary_contact")))
			return fin_bad_value(key);
		if (str_in(key, bools) ? !json_is_boolean(v)
		    : str_eq(key, "communication_preference")
			    ? !json_is_object(v)
			    : !(json_is_string(v) || json_is_null(v)))
			return fin_bad_value(key);
	}
	if (json_is_false(json_object_get(in, "is_primary_contact")))
		return fin_bad_value("is_primary_contact");
	if (!str_empty(jstr(in, "email")) && !valid_email(jstr(in, "email")))
		return fin_bad_value("email");
	if (fr->app->persons_under_customer && str_empty(jstr(in, "email")))
		return fin_bad_value("email");
	if (!fr->app->persons_under_customer && str_empty(jstr(in, "first_name")))
		return fin_bad_value("first_name");
	if (!fr->app->persons_under_customer && !creating && str_empty(jstr(in, "contact_id")))
		return fin_bad_value("contact_id");
	return NULL;
}

static void make_primary(const struct fres *fr, json_t *rec, const char *pid)
{
	json_t *p;
	size_t i;

	json_array_foreach(list_of(fr, rec), i, p)
		json_object_set_new(p, "is_primary_contact",
				    json_boolean(str_eq(jstr(p, fr->app->person_id_key), pid)));
}

/* Books: the first person of a contact is its primary, and so is the first left. */
static void keep_a_primary(const struct fres *fr, json_t *rec)
{
	json_t *list = list_of(fr, rec), *p;
	size_t i;

	if (fr->app->persons_under_customer || !json_array_size(list))
		return;
	json_array_foreach(list, i, p)
		if (json_is_true(json_object_get(p, "is_primary_contact")))
			return;
	json_object_set_new(json_array_get(list, 0), "is_primary_contact", json_true());
}

/* The person as an answer shows it (a new object). */
static json_t *shown(const struct fres *fr, const json_t *rec, const json_t *p)
{
	json_t *out = json_deep_copy(p);

	json_object_set_new(out, fr->id_key, json_string(jstr(rec, fr->id_key)));
	return out;
}

static void save_customer(struct fres *fr, json_t *rec)
{
	fin_finalize(fr, rec, FIN_UPDATE);
	fin_put(fr, rec);
}

static json_t *new_person(struct fres *fr, const json_t *in)
{
	static const char *const books_blank[] = {
		"salutation", "first_name",  "last_name",  "email", "phone",
		"mobile",     "designation", "department", "skype", NULL
	};
	static const char *const billing_blank[] = {
		"first_name", "last_name", "email", "phone", "mobile", "fax", NULL
	};
	const char *const *k = fr->app->persons_under_customer ? billing_blank : books_blank;
	json_t *p = json_object();
	char *id = store_new_fin_id(fr->sb->st), now[32];

	json_object_set_new(p, fr->app->person_id_key, json_string(id));
	for (; *k; k++)
		json_object_set_new(p, *k, json_string(""));
	if (fr->app->persons_under_customer) {
		fmt_fin_time(sb_now(fr->sb), now);
		json_object_set_new(p, "created_time", json_string(now));
	} else {
		json_object_set_new(p, "is_primary_contact", json_false());
	}
	json_object_update(p, (json_t *)in);
	json_object_del(p, "contact_id");
	free(id);
	return p;
}

/* The answer's person: Books' spec answers a one-element array, Billing an object. */
static void answer_person(struct req *r, const struct fres *fr, int status, const char *msg, json_t *person)
{
	json_t *v = fr->app->persons_under_customer ? person : json_pack("[o]", person);

	reply_json(r, status, json_pack("{s:i, s:s, s:o}", "code", 0, "message", msg, "contact_person", v));
}

static void touch(const struct fres *fr, json_t *p)
{
	char now[32];

	if (fr->app->persons_under_customer) {
		fmt_fin_time(sb_now(fr->sb), now);
		json_object_set_new(p, "updated_time", json_string(now));
	}
}

static void create_person(struct req *r, struct fres *fr, const char *customer_id, const json_t *in)
{
	json_t *err = check_body(fr, in, 1), *rec, *p;
	const char *cid = fr->app->persons_under_customer ? customer_id : jstr(in, "contact_id");

	if (err) {
		answer_error(r, 400, err);
		return;
	}
	if (!cid || !(rec = fin_get(fr, cid))) {
		customer_missing(r, fr);
		return;
	}
	p = new_person(fr, in);
	touch(fr, p);
	json_array_append(list_of(fr, rec), p);
	keep_a_primary(fr, rec);
	save_customer(fr, rec);
	answer_person(r, fr, 201,
		      fr->app->persons_under_customer ? "The contact person has been created."
						      : "The contactperson has been Created",
		      shown(fr, rec, p));
	json_decref(p);
	json_decref(rec);
}

static void update_person(struct req *r, struct fres *fr, json_t *rec, json_t *p, const json_t *in)
{
	json_t *err = check_body(fr, in, 0), *body;

	if (err) {
		answer_error(r, 400, err);
		return;
	}
	if (!fr->app->persons_under_customer && !str_eq(jstr(in, "contact_id"), jstr(rec, fr->id_key))) {
		answer_error(r, 400, fin_bad_value("contact_id"));
		return;
	}
	body = json_copy((json_t *)in);
	json_object_del(body, "contact_id");
	json_object_update(p, body);
	json_decref(body);
	if (json_is_true(json_object_get(in, "is_primary_contact")))
		make_primary(fr, rec, jstr(p, fr->app->person_id_key));
	touch(fr, p);
	save_customer(fr, rec);
	answer_person(r, fr, 200,
		      fr->app->persons_under_customer ? "Contact person details have been updated."
						      : "The contactperson details has been updated.",
		      shown(fr, rec, p));
}

static void delete_person(struct req *r, struct fres *fr, json_t *rec, size_t at)
{
	json_array_remove(list_of(fr, rec), at);
	keep_a_primary(fr, rec);
	save_customer(fr, rec);
	reply_json(r, 200, json_pack("{s:i, s:s}", "code", 0, "message", "The contact person has been deleted."));
}

static void list_persons(struct req *r, struct fres *fr, json_t *rec)
{
	json_t *out = json_array(), *p;
	size_t i;

	json_array_foreach(list_of(fr, rec), i, p)
		json_array_append_new(out, fr->app->persons_under_customer ? shown(fr, rec, p) : json_deep_copy(p));
	reply_json(r, 200,
		   json_pack("{s:i, s:s, s:o, s:{s:i, s:i, s:b}}", "code", 0, "message", "success", "contact_persons",
			     out, "page_context", "page", 1, "per_page", 200, "has_more_page", 0));
}

static json_t *body_or_fail(struct req *r)
{
	json_error_t jerr;
	json_t *in = req_json_body(r, &jerr);

	if (!in)
		answer_error(r, 400, jerr_fin(2, "Invalid value passed for JSONString"));
	return in;
}

static void method_not_allowed(struct req *r)
{
	answer_error(r, 405, jerr_fin(37, "The HTTP method is not allowed for the requested resource"));
}

/* One person of a known customer: GET, PUT, DELETE, or POST …/primary. */
static void one_person(struct req *r, struct fres *fr, json_t *rec, const char *pid, int primary)
{
	const char *m = r->method;
	json_t *p, *in;
	size_t at = 0;

	if (!(p = find_in(fr, rec, pid, &at))) {
		person_missing(r);
	} else if (primary && str_eq(m, "POST")) {
		make_primary(fr, rec, pid);
		save_customer(fr, rec);
		reply_json(r, 200,
			   json_pack("{s:i, s:s}", "code", 0, "message",
				     "This contact person "
				     "has been marked as your primary contact person."));
	} else if (primary) {
		method_not_allowed(r);
	} else if (str_eq(m, "GET")) {
		reply_json(r, 200,
			   json_pack("{s:i, s:s, s:o}", "code", 0, "message", "success", "contact_person",
				     shown(fr, rec, p)));
	} else if (str_eq(m, "PUT") && (in = body_or_fail(r))) {
		update_person(r, fr, rec, p, in);
		json_decref(in);
	} else if (str_eq(m, "DELETE")) {
		delete_person(r, fr, rec, at);
	} else if (!str_eq(m, "PUT")) {
		method_not_allowed(r);
	}
}

/* The customer the path names (…/{customer_id}/contactpersons…), or the person's owner. */
static json_t *customer_of(struct fres *fr, char **seg, int n, const char **pid, int *primary)
{
	*primary = 0;
	if (fr->app->persons_under_customer || !str_eq(seg[1], "contactpersons")) {
		*pid = n == 4 ? seg[3] : NULL;
		return fin_get(fr, seg[1]);
	}
	*pid = n >= 3 ? seg[2] : NULL;
	*primary = n == 4;
	return *pid ? owner_of(fr, *pid) : NULL;
}

void persons_handle(struct req *r, struct fres *fr, char **seg, int n)
{
	const char *pid;
	json_t *rec, *in;
	int primary;

	store_begin(fr->sb->st);
	if (!fr->app->persons_under_customer && n == 2 && str_eq(seg[1], "contactpersons")) {
		if (!str_eq(r->method, "POST"))
			method_not_allowed(r);
		else if ((in = body_or_fail(r))) {
			create_person(r, fr, NULL, in);
			json_decref(in);
		}
	} else if (!fr->app->persons_under_customer && !str_eq(seg[1], "contactpersons") && !str_eq(r->method, "GET")) {
		method_not_allowed(r); /* /contacts/{id}/contactpersons is read only */
	} else if (!(rec = customer_of(fr, seg, n, &pid, &primary))) {
		if (pid && !fr->app->persons_under_customer && str_eq(seg[1], "contactpersons"))
			person_missing(r);
		else
			customer_missing(r, fr);
	} else {
		if (pid)
			one_person(r, fr, rec, pid, primary);
		else if (str_eq(r->method, "GET"))
			list_persons(r, fr, rec);
		else if (str_eq(r->method, "POST") && fr->app->persons_under_customer && (in = body_or_fail(r))) {
			create_person(r, fr, seg[1], in);
			json_decref(in);
		} else if (!str_eq(r->method, "POST") || !fr->app->persons_under_customer)
			method_not_allowed(r);
		json_decref(rec);
	}
	store_commit(fr->sb->st);
}
