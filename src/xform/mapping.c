/*
 * mapping.c - CRM record -> finance payload (docs/design.md "Field mapping").
 *
 * Three tables drive it: the finance keys each entity knows (keys[] and
 * address_keys[]), the default CRM field per finance key and module
 * (defaults[]), and the job's field_map, which overrides a default per
 * finance key.  A key resolves to a *target*: where in the payload the value
 * goes (top level, an address, the primary contact person, a custom field)
 * and which JSON type it must have.
 *
 * Records from the CRM API and from CSV export files (every value a string)
 * must give byte-identical payloads, so values are coerced by the finance
 * key's type, never passed through as they came.
 *
 * The field_map applies to the module a customer is made from: Accounts for
 * crm_module accounts and accounts_and_contacts, Contacts for contacts.  The
 * persons embedded in an account (and orphan contacts) use the defaults.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "finsync/alloc.h"
#include "finsync/buf.h"
#include "finsync/err.h"
#include "finsync/mapping.h"
#include "xform.h"

enum place { PL_NAME, PL_TOP, PL_BILLING, PL_SHIPPING, PL_PERSON, PL_CF };
enum vtype { VT_STR, VT_NUM, VT_BOOL };

/* Which apps offer a key: all; Books and Inventory (purchases, vendors); by person layout. */
enum need { N_ANY, N_PURCHASES, N_FLAT_PERSON, N_NESTED_PERSON };

#define E_CUST (1u << ENTITY_CUSTOMERS)
#define E_VEND (1u << ENTITY_VENDORS)
#define E_ITEM (1u << ENTITY_ITEMS)
#define E_CONTACTS (E_CUST | E_VEND)

struct fkey {
	const char *key;
	enum place place;
	enum vtype type;
	unsigned entities;
	enum need need;
};

static const struct fkey keys[] = {
	{ "company_name", PL_TOP, VT_STR, E_CONTACTS, N_ANY },
	{ "website", PL_TOP, VT_STR, E_CONTACTS, N_ANY },
	{ "notes", PL_TOP, VT_STR, E_CONTACTS, N_ANY },
	{ "language_code", PL_TOP, VT_STR, E_CONTACTS, N_ANY },
	{ "payment_terms", PL_TOP, VT_NUM, E_CONTACTS, N_ANY },
	{ "payment_terms_label", PL_TOP, VT_STR, E_CONTACTS, N_ANY },
	{ "credit_limit", PL_TOP, VT_NUM, E_CUST, N_PURCHASES },
	{ "first_name", PL_PERSON, VT_STR, E_CONTACTS, N_ANY },
	{ "last_name", PL_PERSON, VT_STR, E_CONTACTS, N_ANY },
	{ "email", PL_PERSON, VT_STR, E_CONTACTS, N_ANY },
	{ "phone", PL_PERSON, VT_STR, E_CONTACTS, N_ANY },
	{ "mobile", PL_PERSON, VT_STR, E_CONTACTS, N_ANY },
	{ "designation", PL_PERSON, VT_STR, E_CONTACTS, N_ANY },
	{ "department", PL_PERSON, VT_STR, E_CONTACTS, N_ANY },
	{ "sku", PL_TOP, VT_STR, E_ITEM, N_ANY },
	{ "rate", PL_TOP, VT_NUM, E_ITEM, N_ANY },
	{ "description", PL_TOP, VT_STR, E_ITEM, N_ANY },
	{ "unit", PL_TOP, VT_STR, E_ITEM, N_ANY },
	{ "is_taxable", PL_TOP, VT_BOOL, E_ITEM, N_ANY },
	{ "purchase_rate", PL_TOP, VT_NUM, E_ITEM, N_PURCHASES },
	{ "purchase_description", PL_TOP, VT_STR, E_ITEM, N_PURCHASES },
	{ "reorder_level", PL_TOP, VT_NUM, E_ITEM, N_PURCHASES },
};

/* Sub-keys of billing_address / shipping_address; "@street" is the app's street key. */
static const struct fkey address_keys[] = {
	{ "@street", PL_BILLING, VT_STR, E_CONTACTS, N_ANY },
	{ "street2", PL_BILLING, VT_STR, E_CONTACTS, N_ANY },
	{ "city", PL_BILLING, VT_STR, E_CONTACTS, N_ANY },
	{ "state", PL_BILLING, VT_STR, E_CONTACTS, N_ANY },
	{ "state_code", PL_BILLING, VT_STR, E_CONTACTS, N_ANY },
	{ "zip", PL_BILLING, VT_STR, E_CONTACTS, N_ANY },
	{ "country", PL_BILLING, VT_STR, E_CONTACTS, N_ANY },
	{ "phone", PL_BILLING, VT_STR, E_CONTACTS, N_NESTED_PERSON },
	{ "fax", PL_BILLING, VT_STR, E_CONTACTS, N_ANY },
	{ "attention", PL_BILLING, VT_STR, E_CONTACTS, N_ANY },
};

/* The person keys, in the order a contact person is written. */
static const char *const person_keys[] = {
	"first_name", "last_name", "email", "phone", "mobile", "designation", "department", NULL
};

/* The person keys Billing also carries at the top level of a customer (all of them). */
static const char *const *const flat_person_keys = person_keys;

struct dflt {
	const char *module;
	const char *key; /* "@name": the app's name key; "@street": its street key */
	const char *crm;
	enum need need;
};

static const struct dflt defaults[] = {
	{ "Accounts", "@name", "Account_Name", N_ANY },
	{ "Accounts", "company_name", "Account_Name", N_ANY },
	{ "Accounts", "website", "Website", N_ANY },
	{ "Accounts", "notes", "Description", N_ANY },
	{ "Accounts", "billing_address.@street", "Billing_Street", N_ANY },
	{ "Accounts", "billing_address.city", "Billing_City", N_ANY },
	{ "Accounts", "billing_address.state", "Billing_State", N_ANY },
	{ "Accounts", "billing_address.zip", "Billing_Code", N_ANY },
	{ "Accounts", "billing_address.country", "Billing_Country", N_ANY },
	{ "Accounts", "billing_address.phone", "Phone", N_NESTED_PERSON },
	{ "Accounts", "phone", "Phone", N_FLAT_PERSON },
	{ "Accounts", "shipping_address.@street", "Shipping_Street", N_ANY },
	{ "Accounts", "shipping_address.city", "Shipping_City", N_ANY },
	{ "Accounts", "shipping_address.state", "Shipping_State", N_ANY },
	{ "Accounts", "shipping_address.zip", "Shipping_Code", N_ANY },
	{ "Accounts", "shipping_address.country", "Shipping_Country", N_ANY },
	{ "Contacts", "first_name", "First_Name", N_ANY },
	{ "Contacts", "last_name", "Last_Name", N_ANY },
	{ "Contacts", "email", "Email", N_ANY },
	{ "Contacts", "phone", "Phone", N_ANY },
	{ "Contacts", "mobile", "Mobile", N_ANY },
	{ "Contacts", "designation", "Title", N_ANY },
	{ "Contacts", "department", "Department", N_ANY },
	{ "Contacts", "company_name", "Account_Name", N_ANY },
	{ "Contacts", "billing_address.@street", "Mailing_Street", N_ANY },
	{ "Contacts", "billing_address.city", "Mailing_City", N_ANY },
	{ "Contacts", "billing_address.state", "Mailing_State", N_ANY },
	{ "Contacts", "billing_address.zip", "Mailing_Zip", N_ANY },
	{ "Contacts", "billing_address.country", "Mailing_Country", N_ANY },
	{ "Vendors", "@name", "Vendor_Name", N_ANY },
	{ "Vendors", "company_name", "Vendor_Name", N_ANY },
	{ "Vendors", "website", "Website", N_ANY },
	{ "Vendors", "notes", "Description", N_ANY },
	{ "Vendors", "email", "Email", N_ANY },
	{ "Vendors", "phone", "Phone", N_ANY },
	{ "Vendors", "billing_address.@street", "Street", N_ANY },
	{ "Vendors", "billing_address.city", "City", N_ANY },
	{ "Vendors", "billing_address.state", "State", N_ANY },
	{ "Vendors", "billing_address.zip", "Zip_Code", N_ANY },
	{ "Vendors", "billing_address.country", "Country", N_ANY },
	{ "Products", "@name", "Product_Name", N_ANY },
	{ "Products", "sku", "Product_Code", N_ANY },
	{ "Products", "rate", "Unit_Price", N_ANY },
	{ "Products", "description", "Description", N_ANY },
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

struct target {
	enum place place;
	enum vtype type;
	const char *sub; /* key inside the place */
};

/*
 * Billing's /customers carries the primary person's fields at the top level
 * and has no phone in its addresses (zoho-api-facts.md §4).  The app table
 * has no flag for that yet; Billing is the one app whose envelope is
 * "customer".
 */
static int app_flat_person(const struct finance_app *app)
{
	return !strcmp(app->customer_key, "customer");
}

static int need_met(const struct finance_app *app, enum need need)
{
	switch (need) {
	case N_PURCHASES:
		return app->has_vendors;
	case N_FLAT_PERSON:
		return app_flat_person(app);
	case N_NESTED_PERSON:
		return !app_flat_person(app);
	default:
		return 1;
	}
}

const char *mapping_name_key(const struct job *job, const struct entity_sync *e)
{
	return entity_finance_name_key(job, e->kind);
}

static int is_name_key(const struct job *job, const struct entity_sync *e, const char *key)
{
	return !strcmp(key, "@name") || !strcmp(key, mapping_name_key(job, e));
}

static int resolve_address(const struct job *job, const char *sub, enum place place, struct target *t)
{
	size_t i;

	for (i = 0; i < COUNT(address_keys); i++) {
		const char *k = address_keys[i].key;
		int street = !strcmp(k, "@street");
		if (!need_met(job->app, address_keys[i].need))
			continue;
		if (strcmp(sub, k) && !(street && !strcmp(sub, job->app->street_key)))
			continue;
		t->place = place;
		t->type = VT_STR;
		t->sub = street ? job->app->street_key : k;
		return 1;
	}
	return 0;
}

/* Where a finance key goes for e and the job's app: 1 known, 0 unknown. */
static int key_resolve(const struct job *job, const struct entity_sync *e, const char *key, struct target *t)
{
	unsigned bit = 1u << e->kind;
	size_t i;

	t->type = VT_STR;
	t->sub = key;
	if (is_name_key(job, e, key)) {
		t->place = PL_NAME;
		return 1;
	}
	if (!strncmp(key, "cf_", 3) && key[3] && strcmp(key, job->crm_id_field)) {
		t->place = PL_CF;
		return 1;
	}
	if ((bit & E_CONTACTS) && !strncmp(key, "billing_address.", 16))
		return resolve_address(job, key + 16, PL_BILLING, t);
	if ((bit & E_CONTACTS) && !strncmp(key, "shipping_address.", 17))
		return resolve_address(job, key + 17, PL_SHIPPING, t);
	for (i = 0; i < COUNT(keys); i++) {
		if (strcmp(keys[i].key, key) || !(keys[i].entities & bit) || !need_met(job->app, keys[i].need))
			continue;
		t->place = keys[i].place;
		t->type = keys[i].type;
		t->sub = keys[i].key;
		return 1;
	}
	return 0;
}

static int same_target(const struct target *a, const struct target *b)
{
	return a->place == b->place && (a->place == PL_NAME || !strcmp(a->sub, b->sub));
}

/* The module the job's field_map reads (see the comment at the top). */
static int map_applies(const struct entity_sync *e, const char *module)
{
	const char *const *own = entity_defs[e->kind].crm_modules;

	/* Customers read the module the job says (crm_module); any other entity its row's one module. */
	if (!own)
		return !strcmp(module, e->crm_module == CRM_CONTACTS ? "Contacts" : "Accounts");
	return !strcmp(module, own[0]);
}

/* Whether a field_map key of the job overrides the default target t. */
static int overridden(const struct job *job, const struct entity_sync *e, const struct target *t)
{
	const char *key;
	json_t *v;
	struct target o;

	if (!e->field_map)
		return 0;
	json_object_foreach(e->field_map, key, v)
		if (key_resolve(job, e, key, &o) && same_target(&o, t))
			return 1;
	return 0;
}

/*
 * Whether the default d is used for e: right module and app, not overridden,
 * and, for contacts that only become persons of an account, a person field.
 */
static int default_used(const struct job *job, const struct entity_sync *e, const char *module, int persons_only,
			const struct dflt *d, struct target *t)
{
	if (strcmp(d->module, module) || !need_met(job->app, d->need) || !key_resolve(job, e, d->key, t))
		return 0;
	if (persons_only)
		return t->place == PL_PERSON;
	return !(map_applies(e, module) && overridden(job, e, t));
}

/* ---- values ---- */

size_t utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static char *trimmed(const char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	n = strlen(s);
	while (n && strchr(" \t\r\n", s[n - 1]))
		n--;
	return n ? xstrndup(s, n) : NULL;
}

/*
 * trimmed(s) as a JSON string, or NULL when empty: one copy instead of two.
 * A piece of valid UTF-8 cut at ASCII white space is valid UTF-8.
 */
static json_t *string_trimmed(const char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	return n ? json_stringn_nocheck(s, n) : NULL;
}

static char *value_string(json_t *v);

/* A multi-select: the values joined with ";" as in the CRM's CSV export. */
static char *join_array(json_t *a)
{
	struct buf b = BUF_INIT;
	json_t *v;
	size_t i;

	json_array_foreach(a, i, v) {
		char *s = value_string(v);
		if (!s)
			continue;
		if (b.len)
			buf_addc(&b, ';');
		buf_adds(&b, s);
		xfree(s);
	}
	if (!b.len) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b);
}

/* Any CRM value as text (new string), or NULL when null or empty; a lookup gives its name. */
static char *value_string(json_t *v)
{
	if (!v)
		return NULL;
	switch (json_typeof(v)) {
	case JSON_STRING:
		return trimmed(json_string_value(v));
	case JSON_INTEGER:
		return xasprintf("%" JSON_INTEGER_FORMAT, json_integer_value(v));
	case JSON_REAL:
		return xasprintf("%.15g", json_real_value(v));
	case JSON_TRUE:
		return xstrdup("true");
	case JSON_FALSE:
		return xstrdup("false");
	case JSON_OBJECT:
		return value_string(json_object_get(v, "name"));
	case JSON_ARRAY:
		return join_array(v);
	default:
		return NULL;
	}
}

/* rec[field], where "Owner.email" reads a key of a lookup. */
static json_t *crm_get(json_t *rec, const char *field)
{
	const char *dot = strchr(field, '.');
	char base[128];

	if (!dot)
		return json_object_get(rec, field);
	snprintf(base, sizeof(base), "%.*s", (int)(dot - field), field);
	return json_object_get(json_object_get(rec, base), dot + 1);
}

/* One canonical form per number, so 12.5, "12.50" and 12.50 all dump alike. */
static json_t *number_new(double x)
{
	if (x > -9007199254740992.0 && x < 9007199254740992.0 && x == (double)(json_int_t)x)
		return json_integer((json_int_t)x);
	return json_real(x);
}

static int parse_number(const char *s, double *out)
{
	char *end;

	if (strspn(s, "0123456789+-.eE") != strlen(s))
		return -1;
	errno = 0;
	*out = strtod(s, &end);
	if (end == s || *end || errno || *out != *out)
		return -1;
	return 0;
}

struct build {
	const struct job *job;
	const struct entity_sync *e;
	const char *module;
	json_t *rec;
	json_t *top, *billing, *shipping, *person, *cf;
	char *name;
	const char *name_field; /* CRM field the name came from; NULL when composed */
	char *reason;           /* first invalid value */
};

static void build_invalid(struct build *b, char *reason)
{
	if (b->reason)
		xfree(reason);
	else
		b->reason = reason;
}

/* The value of a CRM field as the JSON type of the finance key; NULL when empty or invalid. */
static json_t *coerce(struct build *b, const char *crm, enum vtype type)
{
	json_t *v = crm_get(b->rec, crm), *out = NULL;
	char *s;
	double x;

	if (type == VT_NUM && json_is_number(v))
		return number_new(json_number_value(v));
	if (type == VT_BOOL && json_is_boolean(v))
		return json_boolean(json_is_true(v));
	if (type == VT_STR && json_is_string(v))
		return string_trimmed(json_string_value(v));
	if (!(s = value_string(v)))
		return NULL;
	if (type == VT_STR)
		out = json_string(s);
	else if (type == VT_NUM && !parse_number(s, &x))
		out = number_new(x);
	else if (type == VT_BOOL && (!strcasecmp(s, "true") || !strcasecmp(s, "false")))
		out = json_boolean(!strcasecmp(s, "true"));
	else
		build_invalid(b, xasprintf("%s '%s' is not %s", crm, s, type == VT_NUM ? "a number" : "true or false"));
	xfree(s);
	return out;
}

static json_t *place_object(struct build *b, enum place place)
{
	switch (place) {
	case PL_BILLING:
		return b->billing;
	case PL_SHIPPING:
		return b->shipping;
	case PL_PERSON:
		return b->person;
	case PL_CF:
		return b->cf;
	default:
		return b->top;
	}
}

/* Reads one CRM field into its target (keys are the tables' or the job's: no UTF-8 check). */
static void put(struct build *b, const struct target *t, const char *crm)
{
	json_t *v;

	if (t->place == PL_NAME)
		b->name_field = crm;
	if (!(v = coerce(b, crm, t->type)))
		return;
	if (t->place == PL_NAME) {
		xfree(b->name);
		b->name = xstrdup(json_string_value(v));
		json_decref(v);
		return;
	}
	json_object_set_new_nocheck(place_object(b, t->place), t->sub, v);
}

/*
 * A recipe: what a module's records are read into, in order: the defaults
 * that apply, then the job's field_map (which so wins).  It depends only on
 * the job, the entity and the module, so a transform compiles it once per
 * module (struct mapping_cache) instead of resolving every key for every
 * record, which was a tenth of the stage's time.
 */
struct step {
	struct target t;
	const char *crm; /* the CRM field; static or owned by the job */
};

struct recipe {
	char module[16];
	int persons_only;
	struct step *steps;
	size_t n;
};

#define RECIPES 8 /* 4 modules, with and without persons_only */

struct mapping_cache {
	const struct job *job;
	const struct entity_sync *e;
	struct recipe r[RECIPES];
	size_t n;
};

static void recipe_build(const struct job *job, const struct entity_sync *e, const char *module, int persons_only,
			 struct recipe *r)
{
	const char *key;
	struct target t;
	json_t *v;
	size_t i;

	snprintf(r->module, sizeof(r->module), "%s", module);
	r->persons_only = persons_only;
	r->n = 0;
	r->steps = xcalloc(COUNT(defaults) + json_object_size(e->field_map) + 1, sizeof(*r->steps));
	for (i = 0; i < COUNT(defaults); i++)
		if (default_used(job, e, module, persons_only, &defaults[i], &t))
			r->steps[r->n++] = (struct step){ t, defaults[i].crm };
	if (persons_only || !e->field_map || !map_applies(e, module))
		return;
	json_object_foreach(e->field_map, key, v)
		if (key_resolve(job, e, key, &t))
			r->steps[r->n++] = (struct step){ t, json_string_value(v) };
}

struct mapping_cache *mapping_cache_new(const struct job *job, const struct entity_sync *e)
{
	struct mapping_cache *c = xcalloc(1, sizeof(*c));

	c->job = job;
	c->e = e;
	return c;
}

void mapping_cache_free(struct mapping_cache *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->n; i++)
		xfree(c->r[i].steps);
	xfree(c);
}

/* The module's recipe, compiled on first use; NULL when the cache is full (no module is that long). */
static const struct recipe *recipe_get(struct mapping_cache *c, const char *module, int persons_only)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->r[i].persons_only == persons_only && !strcmp(c->r[i].module, module))
			return &c->r[i];
	if (c->n == RECIPES || strlen(module) >= sizeof(c->r[0].module))
		return NULL;
	recipe_build(c->job, c->e, module, persons_only, &c->r[c->n]);
	return &c->r[c->n++];
}

static void apply_recipe(struct build *b, struct mapping_cache *c, int persons_only)
{
	const struct recipe *r = recipe_get(c, b->module, persons_only);
	struct recipe once;
	size_t i;

	if (!r) {
		recipe_build(c->job, c->e, b->module, persons_only, &once);
		r = &once;
	}
	for (i = 0; i < r->n; i++)
		put(b, &r->steps[i].t, r->steps[i].crm);
	if (r == &once)
		xfree(once.steps);
}

static void build_init(struct build *b, const struct job *job, const struct entity_sync *e, const char *module,
		       json_t *rec)
{
	memset(b, 0, sizeof(*b));
	b->job = job;
	b->e = e;
	b->module = module;
	b->rec = rec;
	/*
	 * The payload itself: the name key first (its value set at assembly,
	 * in place), then the top-level fields in recipe order.  Copying them
	 * into a new object cost a tenth of the mapping.
	 */
	b->top = json_object();
	json_object_set_new_nocheck(b->top, mapping_name_key(job, e), json_null());
	b->billing = json_object();
	b->shipping = json_object();
	b->person = json_object();
	b->cf = json_object();
}

static void build_release(struct build *b)
{
	json_decref(b->top);
	json_decref(b->billing);
	json_decref(b->shipping);
	json_decref(b->person);
	json_decref(b->cf);
	xfree(b->name);
	xfree(b->reason);
}

/* ---- the name ---- */

/* Contacts: First_Name + " " + Last_Name, or Last_Name alone. */
static void compose_person_name(struct build *b)
{
	const char *first = json_string_value(json_object_get(b->person, "first_name"));
	const char *last = json_string_value(json_object_get(b->person, "last_name"));

	if (first && last)
		b->name = xasprintf("%s %s", first, last);
	else if (first || last)
		b->name = xstrdup(first ? first : last);
}

static void check_name(struct build *b)
{
	size_t max = entity_defs[b->e->kind].name_max;
	const char *field = b->name_field ? b->name_field : "First_Name and Last_Name";
	size_t n;

	if (!b->name) {
		build_invalid(b, xasprintf("%s %s empty", field, b->name_field ? "is" : "are"));
		return;
	}
	if ((n = utf8_chars(b->name)) > max)
		build_invalid(b, xasprintf("%s is longer than %zu characters (%zu)", field, max, n));
}

/* ---- assembly ---- */

/* A person object with the person keys of src in the fixed order; NULL when none. */
static json_t *person_from(json_t *src, const char *const *skip)
{
	json_t *p = json_object();
	size_t i, k;

	for (i = 0; person_keys[i]; i++) {
		for (k = 0; skip && skip[k] && strcmp(skip[k], person_keys[i]); k++)
			;
		if (skip && skip[k])
			continue;
		json_t *v = json_object_get(src, person_keys[i]);
		if (v)
			json_object_set_nocheck(p, person_keys[i], v);
	}
	if (!json_object_size(p)) {
		json_decref(p);
		return NULL;
	}
	return p;
}

/* Fills the keys the primary person lacks from the record's own person fields. */
static void fill_gaps(json_t *primary, json_t *own)
{
	const char *key;
	json_t *v;

	json_object_foreach(own, key, v)
		if (!json_object_get(primary, key))
			json_object_set_nocheck(primary, key, v);
}

/*
 * contact_persons: an individual is its own person; an account's persons are
 * its contacts (the account's own person fields fill what the first lacks).
 * On Billing the record's own person is its top-level keys, so only an
 * account's contacts are persons there.  Each person names its CRM record
 * (PERSON_CRM_ID, taken out before anything is sent): the load keeps the
 * persons by it (person_links) and decides the primary; the payload carries
 * the list so that a change of any person changes the customer's hash.
 */
static json_t *persons_list(struct build *b, const char *crm_id, json_t *persons)
{
	/* An account without person fields (most of a bulk import) has no own person to build. */
	json_t *own =
		app_flat_person(b->job->app) || !json_object_size(b->person) ? NULL : person_from(b->person, NULL);
	json_t *list = json_array(), *p;
	size_t i;

	json_array_foreach(persons, i, p)
		json_array_append_new(list, json_deep_copy(p));
	if (own && json_array_size(list)) {
		fill_gaps(json_array_get(list, 0), own);
	} else if (own) {
		json_object_set_new_nocheck(own, PERSON_CRM_ID, json_string(crm_id));
		json_array_append(list, own);
	}
	json_decref(own);
	return list;
}

static void set_if_any(json_t *payload, const char *key, json_t *v)
{
	if (json_is_array(v) ? json_array_size(v) : json_object_size(v))
		json_object_set_nocheck(payload, key, v);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* {"api_name": name, "value": value} (value stolen); json_pack would parse a format each time. */
static json_t *custom_field(const char *name, json_t *value)
{
	json_t *cf;

	if (!value)
		return NULL;
	cf = json_object();
	json_object_set_new_nocheck(cf, "api_name", json_string(name));
	json_object_set_new_nocheck(cf, "value", value);
	return cf;
}

/* The CRM id first, then the mapped cf_* fields sorted by name. */
static json_t *custom_fields(struct build *b, const char *crm_id)
{
	json_t *list = json_array();
	size_t n = json_object_size(b->cf), i = 0;
	const char **names;
	const char *key;
	json_t *v;

	json_array_append_new(list, custom_field(b->job->crm_id_field, json_string(crm_id)));
	if (n <= 1) { /* the usual case: nothing to sort */
		json_object_foreach(b->cf, key, v)
			json_array_append_new(list, custom_field(key, json_incref(v)));
		return list;
	}
	names = xcalloc(n, sizeof(*names));
	json_object_foreach(b->cf, key, v)
		names[i++] = key;
	qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n; i++)
		json_array_append_new(list, custom_field(names[i], json_incref(json_object_get(b->cf, names[i]))));
	xfree(names);
	return list;
}

/* Billing: the primary person's flat keys also at the top level. */
static void add_flat_person(struct build *b, json_t *payload)
{
	size_t i;

	if (!app_flat_person(b->job->app))
		return;
	for (i = 0; flat_person_keys[i]; i++) {
		json_t *v = json_object_get(b->person, flat_person_keys[i]);
		if (v)
			json_object_set_nocheck(payload, flat_person_keys[i], v);
	}
}

/* The payload so far (b->top, a new reference) with its name set. */
static json_t *payload_start(struct build *b)
{
	json_t *pl = json_incref(b->top);
	const char *key = mapping_name_key(b->job, b->e);

	if (json_object_set_new_nocheck(pl, key, json_string(b->name)))
		json_object_del(pl, key);
	return pl;
}

static json_t *assemble_contact(struct build *b, const char *crm_id, json_t *persons)
{
	int vendor = b->e->kind == ENTITY_VENDORS;
	json_t *pl = payload_start(b), *list;

	if (b->job->app->has_contact_type)
		json_object_set_new_nocheck(pl, "contact_type", json_string(vendor ? "vendor" : "customer"));
	if (!vendor && b->job->app->has_customer_sub_type)
		json_object_set_new_nocheck(pl, "customer_sub_type",
					    json_string(strcmp(b->module, "Contacts") ? "business" : "individual"));
	add_flat_person(b, pl);
	set_if_any(pl, "billing_address", b->billing);
	set_if_any(pl, "shipping_address", b->shipping);
	list = persons_list(b, crm_id, persons);
	set_if_any(pl, "contact_persons", list);
	json_decref(list);
	json_object_set_new_nocheck(pl, "custom_fields", custom_fields(b, crm_id));
	return pl;
}

/* goods/good and service/services in any case; anything else takes the default. */
static const char *product_type(struct build *b)
{
	const char *f = b->e->product_type_field;
	char *s = f ? value_string(crm_get(b->rec, f)) : NULL;
	const char *type = b->e->product_type_default ? b->e->product_type_default : "goods";

	if (s && (!strcasecmp(s, "goods") || !strcasecmp(s, "good")))
		type = "goods";
	else if (s && (!strcasecmp(s, "service") || !strcasecmp(s, "services")))
		type = "service";
	xfree(s);
	return type;
}

static json_t *assemble_item(struct build *b, const char *crm_id)
{
	json_t *pl = payload_start(b);

	if (!json_object_get(pl, "rate")) /* required by the app; empty means 0 */
		json_object_set_new_nocheck(pl, "rate", json_integer(0));
	json_object_set_new_nocheck(pl, "product_type", json_string(product_type(b)));
	if (b->job->app->has_item_type)
		json_object_set_new_nocheck(pl, "item_type", json_string("sales"));
	json_object_set_new_nocheck(pl, "custom_fields", custom_fields(b, crm_id));
	return pl;
}

int mapping_payload(const struct job *job, const struct entity_sync *e, const char *module, json_t *rec,
		    json_t *persons, struct mapped *m)
{
	struct mapping_cache *c = mapping_cache_new(job, e);
	int rc = mapping_payload_cached(c, module, rec, persons, m);

	mapping_cache_free(c);
	return rc;
}

int mapping_payload_cached(struct mapping_cache *c, const char *module, json_t *rec, json_t *persons, struct mapped *m)
{
	const struct entity_sync *e = c->e;
	struct build b;
	char idbuf[32];
	const char *crm_id = crm_record_id(rec, idbuf, sizeof(idbuf));

	memset(m, 0, sizeof(*m));
	build_init(&b, c->job, e, module, rec);
	if (!crm_id)
		build_invalid(&b, xstrdup("the record has no id"));
	apply_recipe(&b, c, 0);
	if (!b.name && !b.name_field && !strcmp(module, "Contacts"))
		compose_person_name(&b);
	check_name(&b);
	if (b.reason) {
		m->reason = b.reason;
		b.reason = NULL;
	} else if (e->kind == ENTITY_ITEMS) {
		m->payload = assemble_item(&b, crm_id);
	} else {
		m->payload = assemble_contact(&b, crm_id, persons);
	}
	m->name = b.name;
	b.name = NULL;
	build_release(&b);
	return m->reason ? FS_EINPUT : 0;
}

void mapped_release(struct mapped *m)
{
	json_decref(m->payload);
	xfree(m->name);
	xfree(m->reason);
	memset(m, 0, sizeof(*m));
}

json_t *mapping_person(const struct job *job, const struct entity_sync *e, json_t *contact)
{
	struct mapping_cache *c = mapping_cache_new(job, e);
	json_t *p = mapping_person_cached(c, contact);

	mapping_cache_free(c);
	return p;
}

json_t *mapping_person_cached(struct mapping_cache *c, json_t *contact)
{
	struct build b;
	char idbuf[32];
	const char *id = crm_record_id(contact, idbuf, sizeof(idbuf));
	json_t *p;

	build_init(&b, c->job, c->e, "Contacts", contact);
	apply_recipe(&b, c, 1);
	p = person_from(b.person, NULL);
	if (p && id)
		json_object_set_new_nocheck(p, PERSON_CRM_ID, json_string(id));
	build_release(&b);
	return p;
}

const char *mapping_primary_email(json_t *payload)
{
	const char *top = json_string_value(json_object_get(payload, "email"));
	json_t *p;
	size_t i;

	if (top)
		return top;
	/* The first person: the primary unless the finance app's links say otherwise (load). */
	json_array_foreach(json_object_get(payload, "contact_persons"), i, p)
		return json_string_value(json_object_get(p, "email"));
	return NULL;
}

const char *crm_record_id(json_t *rec, char *buf, size_t size)
{
	json_t *id = json_object_get(rec, "id");
	const char *s = json_string_value(id);

	if (s)
		return *s ? s : NULL;
	if (!json_is_integer(id))
		return NULL;
	snprintf(buf, size, "%" JSON_INTEGER_FORMAT, json_integer_value(id));
	return buf;
}

const char *crm_lookup_id(json_t *rec, const char *field)
{
	const char *id = json_string_value(json_object_get(json_object_get(rec, field), "id"));

	return id && *id ? id : NULL;
}

/* ---- job checks and the fields to fetch ---- */

static void add_known(struct buf *b, const char *key)
{
	buf_addf(b, "%s%s", b->len ? ", " : "", key);
}

static void add_known_address(struct buf *b, const struct finance_app *app, const char *prefix)
{
	size_t i;

	buf_addf(b, ", %s.{", prefix);
	for (i = 0; i < COUNT(address_keys); i++) {
		const char *k = address_keys[i].key;
		if (need_met(app, address_keys[i].need))
			buf_addf(b, "%s%s", i ? "," : "", strcmp(k, "@street") ? k : app->street_key);
	}
	buf_addc(b, '}');
}

/* "contact_name, company_name, …, cf_<name>" for the error message. */
static char *known_keys(const struct job *job, const struct entity_sync *e)
{
	struct buf b = BUF_INIT;
	unsigned bit = 1u << e->kind;
	size_t i;

	add_known(&b, mapping_name_key(job, e));
	for (i = 0; i < COUNT(keys); i++)
		if ((keys[i].entities & bit) && need_met(job->app, keys[i].need))
			add_known(&b, keys[i].key);
	if (bit & E_CONTACTS) {
		add_known_address(&b, job->app, "billing_address");
		add_known_address(&b, job->app, "shipping_address");
	}
	add_known(&b, "cf_<name>");
	return buf_detach(&b);
}

static int check_key(const struct job *job, const struct entity_sync *e, const char *key)
{
	struct target t;
	char *known;
	int rc;

	if (!strcmp(key, job->crm_id_field))
		return fail(
			FS_EUSAGE,
			"job '%s': sync.%s.field_map.%s: holds the CRM id (finance.crm_id_field); map another custom field",
			job->path, e->name, key);
	if (!strchr(key, '@') && key_resolve(job, e, key, &t))
		return 0;
	known = known_keys(job, e);
	rc = fail(FS_EUSAGE, "job '%s': sync.%s.field_map.%s: not a field of %s %s (known: %s)", job->path, e->name,
		  key, job->app->label, e->name, known);
	xfree(known);
	return rc;
}

int mapping_check_job(const struct job *job)
{
	const char *key;
	json_t *v;
	int i, rc;

	for (i = 0; i < ENTITY_COUNT; i++) {
		const struct entity_sync *e = &job->entities[i];
		if (!e->enabled || !e->field_map)
			continue;
		json_object_foreach(e->field_map, key, v)
			if ((rc = check_key(job, e, key)))
				return rc;
	}
	return 0;
}

static int module_read(const struct entity_sync *e, const char *module)
{
	const char *const *m;

	for (m = entity_crm_modules(e); *m; m++)
		if (!strcmp(*m, module))
			return 1;
	return 0;
}

/* Contacts of accounts_and_contacts without orphans only ever become persons. */
static int persons_only(const struct entity_sync *e, const char *module)
{
	return e->kind == ENTITY_CUSTOMERS && e->crm_module == CRM_ACCOUNTS_AND_CONTACTS &&
	       !e->include_orphan_contacts && !strcmp(module, "Contacts");
}

/* The field of a CRM field reference: "Owner.email" reads the field "Owner". */
static void field_base(const char *ref, char *out, size_t size)
{
	snprintf(out, size, "%.*s", (int)strcspn(ref, "."), ref);
}

static int has_field(json_t *list, const char *ref)
{
	char base[128];
	json_t *v;
	size_t i;

	field_base(ref, base, sizeof(base));
	json_array_foreach(list, i, v)
		if (json_is_string(v) && !strcmp(json_string_value(v), base))
			return 1;
	return 0;
}

static void add_field(json_t *list, const char *ref)
{
	char base[128];

	field_base(ref, base, sizeof(base));
	if (!has_field(list, base))
		json_array_append_new(list, json_string(base));
}

json_t *mapping_crm_fields(const struct job *job, const struct entity_sync *e, const char *module)
{
	json_t *out = json_array(), *v;
	const char *key;
	struct target t;
	size_t i;

	if (!module_read(e, module))
		return out;
	for (i = 0; i < COUNT(defaults); i++)
		if (default_used(job, e, module, persons_only(e, module), &defaults[i], &t))
			add_field(out, defaults[i].crm);
	if (e->field_map && map_applies(e, module))
		json_object_foreach(e->field_map, key, v)
			add_field(out, json_string_value(v));
	if (e->kind == ENTITY_ITEMS && e->product_type_field)
		add_field(out, e->product_type_field);
	if (!strcmp(module, "Contacts")) /* the account a contact belongs to */
		add_field(out, "Account_Name");
	return out;
}

int mapping_check_crm_fields(const struct job *job, const struct entity_sync *e, const char *module, json_t *available)
{
	const char *key;
	json_t *v;

	if (!module_read(e, module))
		return 0;
	if (e->field_map && map_applies(e, module))
		json_object_foreach(e->field_map, key, v)
			if (!has_field(available, json_string_value(v)))
				return fail(FS_EUSAGE,
					    "job '%s': sync.%s.field_map.%s: the CRM module %s has no field '%s'",
					    job->path, e->name, key, module, json_string_value(v));
	if (e->kind == ENTITY_ITEMS && e->product_type_field && !has_field(available, e->product_type_field))
		return fail(FS_EUSAGE, "job '%s': sync.items.product_type_field: the CRM module %s has no field '%s'",
			    job->path, module, e->product_type_field);
	return 0;
}

/* One recipe as data: its steps in order, each [place, type, key, CRM field]. */
static json_t *recipe_json(const struct job *job, const struct entity_sync *e, const char *module, int persons_only)
{
	struct recipe r;
	json_t *steps = json_array();
	size_t i;

	recipe_build(job, e, module, persons_only, &r);
	for (i = 0; i < r.n; i++)
		json_array_append_new(steps, json_pack("[i, i, s?, s?]", (int)r.steps[i].t.place,
						       (int)r.steps[i].t.type, r.steps[i].t.sub, r.steps[i].crm));
	xfree(r.steps);
	return json_pack("{s:s, s:b, s:o}", "module", module, "persons_only", persons_only, "steps", steps);
}

char *mapping_fingerprint(const struct job *job, const struct entity_sync *e)
{
	const char *const *m;
	char hash[CONTENT_HASH_LEN];
	json_t *doc, *recipes = json_array();
	int persons_only;

	for (m = entity_crm_modules(e); *m; m++)
		for (persons_only = 0; persons_only < 2; persons_only++)
			json_array_append_new(recipes, recipe_json(job, e, *m, persons_only));
	doc = json_pack("{s:s, s:i, s:s?, s:s?, s:O?, s:o}", "app", job->app->label, "crm_module", (int)e->crm_module,
			"product_type_field", e->product_type_field, "product_type_default", e->product_type_default,
			"field_owner", e->field_owner, "recipes", recipes);
	content_hash(doc, hash);
	json_decref(doc);
	return xstrdup(hash);
}

/* ---- the mapping as people read it (finsync mapping) ---- */

static const char *const vtype_names[] = { "string", "number", "boolean" };

/* Where a target lands in the payload, as the app names it ("billing_address.city"). */
static char *target_text(const struct job *job, const struct entity_sync *e, const struct target *t)
{
	switch (t->place) {
	case PL_NAME:
		return xstrdup(mapping_name_key(job, e));
	case PL_BILLING:
		return xasprintf("billing_address.%s", t->sub);
	case PL_SHIPPING:
		return xasprintf("shipping_address.%s", t->sub);
	case PL_PERSON:
		return xasprintf("contact_persons.%s", t->sub);
	default:
		return xstrdup(t->sub);
	}
}

static void describe_row(json_t *rows, const struct job *job, const struct entity_sync *e, const char *module,
			 const struct target *t, const char *crm, const char *origin)
{
	char *finance = target_text(job, e, t);

	json_array_append_new(rows, json_pack("{s:s, s:s, s:s, s:s, s:s}", "module", module, "finance", finance, "crm",
					      crm, "origin", origin, "type", vtype_names[t->type]));
	xfree(finance);
}

/* Why a field_map key is there: a custom field, a default replaced, or a field the defaults leave out. */
static const char *map_origin(const struct job *job, const struct entity_sync *e, const char *module,
			      const struct target *t)
{
	struct target d;
	size_t i;

	if (t->place == PL_CF)
		return "custom field";
	for (i = 0; i < COUNT(defaults); i++)
		if (!strcmp(defaults[i].module, module) && need_met(job->app, defaults[i].need) &&
		    key_resolve(job, e, defaults[i].key, &d) && same_target(&d, t))
			return "override";
	return "field_map";
}

/* The fields finsync sets itself: the CRM id, an item's product type. */
static void describe_own(json_t *rows, const struct job *job, const struct entity_sync *e, const char *module)
{
	json_array_append_new(rows, json_pack("{s:s, s:s, s:s, s:s, s:s}", "module", module, "finance",
					      job->crm_id_field, "crm", "id", "origin", "crm id", "type", "string"));
	if (e->kind == ENTITY_ITEMS)
		json_array_append_new(
			rows,
			json_pack("{s:s, s:s, s:s, s:s, s:s}", "module", module, "finance", "product_type", "crm",
				  e->product_type_field ? e->product_type_field : "", "origin",
				  e->product_type_field ? "product_type_field"
				  : e->product_type_default && !strcmp(e->product_type_default, "service")
					  ? "default: service"
					  : "default: goods",
				  "type", "string"));
}

json_t *mapping_describe(const struct job *job, const struct entity_sync *e)
{
	const char *const *m;
	json_t *rows = json_array(), *v;
	const char *key;
	struct target t;
	size_t i;

	for (m = entity_crm_modules(e); *m; m++) {
		int po = persons_only(e, *m);
		for (i = 0; i < COUNT(defaults); i++)
			if (default_used(job, e, *m, po, &defaults[i], &t))
				describe_row(rows, job, e, *m, &t, defaults[i].crm, "default");
		if (!po && e->field_map && map_applies(e, *m))
			json_object_foreach(e->field_map, key, v)
				if (key_resolve(job, e, key, &t))
					describe_row(rows, job, e, *m, &t, json_string_value(v),
						     map_origin(job, e, *m, &t));
		if (!po)
			describe_own(rows, job, e, *m);
	}
	return rows;
}
