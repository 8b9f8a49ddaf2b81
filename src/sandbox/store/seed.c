/*
 * seed.c - read a seed directory (layout in docs/sandbox.md) into the
 * sandbox: configuration (OAuth clients, orgs, views, extra fields, custom
 * field definitions) on every start, records only into a fresh store.
 * Overlay directories (a second and later --seed) add records and CRM
 * fields to the seed, nothing else.
 *
 * Any problem names the file, and for bad JSON the line and column; the
 * sandbox then exits 2.
 */
#include "../finance/finance.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct seed {
	struct sandbox *sb;
	const char *dir;
	int load_records;
};

static int seed_fail(const char *path, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* FS_EUSAGE with "seed file 'PATH': ...": the sandbox does not start. */
static int seed_fail(const char *path, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return fail(FS_EUSAGE, "seed file '%s': %s", path, msg);
}

static int exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* Load dir/rel; *out NULL when optional and absent. */
static int load(struct seed *sd, const char *rel, int required, json_t **out)
{
	char *path = xasprintf("%s/%s", sd->dir, rel);
	json_error_t jerr;
	int rc = 0;

	*out = NULL;
	if (!exists(path)) {
		if (required)
			rc = seed_fail(path, "%s", "missing (required)");
	} else if (!(*out = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr))) {
		rc = fail(FS_EUSAGE, "seed file '%s': line %d, column %d: %s", path, jerr.line, jerr.column, jerr.text);
	}
	free(path);
	return rc;
}

static int expect(struct seed *sd, const char *rel, int ok, const char *what)
{
	char *path;

	if (ok)
		return 0;
	path = xasprintf("%s/%s", sd->dir, rel);
	seed_fail(path, "%s", what);
	free(path);
	return -1;
}

static int seed_oauth(struct seed *sd)
{
	json_t *doc, *clients, *c;
	size_t i;
	int ok;

	if (load(sd, "oauth.json", 1, &doc))
		return -1;
	clients = json_object_get(doc, "clients");
	ok = json_is_array(clients);
	json_array_foreach(clients, i, c)
		ok = ok && jstr(c, "client_id") && jstr(c, "client_secret") && jstr(c, "refresh_token");
	if (expect(sd, "oauth.json", ok,
		   "expected {\"clients\": [{\"client_id\", "
		   "\"client_secret\", \"refresh_token\"}, …]}")) {
		json_decref(doc);
		return -1;
	}
	sd->sb->oauth_clients = json_incref(clients);
	json_decref(doc);
	return 0;
}

static int api_name_ok(const char *s)
{
	if (str_empty(s))
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return 0;
	return 1;
}

static int views_ok(const json_t *views)
{
	const char *module;
	json_t *list, *v, *crit;
	size_t i;

	if (!json_is_object(views))
		return 0;
	json_object_foreach((json_t *)views, module, list) {
		if (!json_is_array(list))
			return 0;
		json_array_foreach(list, i, v) {
			crit = json_object_get(v, "criteria");
			if (!is_digits(jstr(v, "id")) || !jstr(v, "name") || !api_name_ok(jstr(crit, "field")) ||
			    !json_object_get(crit, "equals"))
				return 0;
		}
	}
	return 1;
}

/* A field of crm/fields.json: "Api_Name" (text) or {"api_name", "data_type"}. */
static const char *field_type(const json_t *f)
{
	static const char *const types[] = {
		"text",    "textarea", "email",    "phone",   "website", "picklist", "multiselectpicklist",
		"integer", "double",   "currency", "boolean", "date",    "datetime", NULL
	};

	const json_t *values = json_object_get(f, "pick_list_values"), *v;
	const json_t *unique = json_object_get(f, "unique");
	size_t i;

	if (json_is_string(f))
		return api_name_ok(json_string_value(f)) ? "text" : NULL;
	if (!json_is_object(f) || !api_name_ok(jstr(f, "api_name")) || !str_in(jstr(f, "data_type"), types) ||
	    json_object_size(f) != 2 + (size_t)(values != NULL) + (size_t)(unique != NULL) ||
	    (unique && !json_is_boolean(unique)))
		return NULL;
	if (values && (!json_is_array(values) || !strstr(jstr(f, "data_type"), "picklist")))
		return NULL;
	json_array_foreach(values, i, v)
		if (!json_is_string(v))
			return NULL;
	return jstr(f, "data_type");
}

static int fields_ok(const json_t *fields)
{
	const char *module;
	json_t *list, *f;
	size_t i;

	if (!json_is_object(fields))
		return 0;
	json_object_foreach((json_t *)fields, module, list) {
		if (!json_is_array(list))
			return 0;
		json_array_foreach(list, i, f)
			if (!field_type(f))
				return 0;
	}
	return 1;
}

static int seed_crm_fields(struct seed *sd)
{
	json_t *fields, *list, *f;
	const char *module;
	size_t i;

	if (load(sd, "crm/fields.json", 0, &fields))
		return -1;
	if (fields &&
	    expect(sd, "crm/fields.json", fields_ok(fields),
		   "expected {\"Module\": [\"Field_API_Name\" or {\"api_name\", "
		   "\"data_type\"[, \"pick_list_values\": [\"…\"]][, \"unique\": true]}, …]}")) {
		json_decref(fields);
		return -1;
	}
	json_object_foreach(fields, module, list)
		json_array_foreach(list, i, f) {
			struct crm_module *mod = crm_module_add(sd->sb->meta, module);
			const char *name = json_is_string(f) ? json_string_value(f) : jstr(f, "api_name");
			crm_field_add(mod, name, field_type(f), 1);
			if (json_object_get(f, "pick_list_values"))
				crm_field_set_values(mod, name, json_object_get(f, "pick_list_values"));
			if (json_is_true(json_object_get(f, "unique")))
				crm_field_set_unique(mod, name);
		}
	json_decref(fields);
	return 0;
}

static int seed_crm_config(struct seed *sd)
{
	json_t *list;

	if (load(sd, "crm/org.json", 1, &sd->sb->crm_org) ||
	    expect(sd, "crm/org.json", json_is_object(sd->sb->crm_org) && jstr(sd->sb->crm_org, "id"),
		   "expected an object with \"id\""))
		return -1;
	if (load(sd, "crm/views.json", 0, &list))
		return -1;
	if (list) {
		json_decref(sd->sb->crm_views);
		sd->sb->crm_views = list;
		if (expect(sd, "crm/views.json", views_ok(list),
			   "expected {\"Module\": [{\"id\": "
			   "\"digits\", \"name\", \"criteria\": {\"field\", \"equals\"}}]}"))
			return -1;
	}
	return seed_crm_fields(sd);
}

static int crm_record(struct seed *sd, struct crm_module *mod, json_t *rec, const char *path, size_t i)
{
	char what[160], now[32];
	int64_t t;

	snprintf(what, sizeof(what), "record %zu: ", i);
	if (!json_is_object(rec))
		return seed_fail(path, "%snot an object", what);
	if (json_object_get(rec, "id") && !is_digits(jstr(rec, "id")))
		return seed_fail(path, "%s\"id\" must be a string of digits", what);
	if ((jstr(rec, "Modified_Time") && parse_iso_time(jstr(rec, "Modified_Time"), 1, &t)) ||
	    (jstr(rec, "Created_Time") && parse_iso_time(jstr(rec, "Created_Time"), 1, &t)))
		return seed_fail(path,
				 "%sCreated_Time/Modified_Time must look like "
				 "2026-03-01T10:15:00+05:30",
				 what);
	crm_fill_full_name(mod, rec, 0);
	crm_module_learn(mod, rec);
	if (!sd->load_records)
		return 0;
	crm_stamp_loaded(sd->sb, rec, now);
	if (!jstr(rec, "Modified_Time"))
		json_object_set(rec, "Modified_Time", json_object_get(rec, "Created_Time"));
	return crm_store_put(sd->sb, mod, rec);
}

static int seed_crm_module(struct seed *sd, const char *file)
{
	char *rel = xasprintf("crm/%s", file), *path = xasprintf("%s/%s", sd->dir, rel);
	char *module = xstrndup(file, strlen(file) - 5);
	struct crm_module *mod;
	json_t *list = NULL, *rec;
	size_t i;
	int rc = -1;

	if (load(sd, rel, 1, &list))
		goto out;
	if (!json_is_array(list) || !api_name_ok(module)) {
		seed_fail(path, "%s",
			  "expected a JSON array of records, in a file named "
			  "after the module (Accounts.json)");
		goto out;
	}
	mod = crm_module_add(sd->sb->meta, module);
	json_array_foreach(list, i, rec)
		if (crm_record(sd, mod, rec, path, i))
			goto out;
	rc = 0;
out:
	json_decref(list);
	free(module);
	free(path);
	free(rel);
	return rc;
}

static int json_file(const char *name)
{
	size_t n = strlen(name);

	return n > 5 && strcmp(name + n - 5, ".json") == 0;
}

static int seed_crm_records(struct seed *sd)
{
	static const char *const config[] = { "org.json", "views.json", "fields.json", "related.json", NULL };
	char *dir = xasprintf("%s/crm", sd->dir);
	struct dirent **names = NULL;
	int i, n = exists(dir) ? scandir(dir, &names, NULL, alphasort) : 0, rc = 0;

	if (n < 0) {
		rc = fail(FS_EUSAGE, "seed directory '%s': %s", dir, strerror(errno));
	}
	for (i = 0; i < n; i++) {
		if (!rc && json_file(names[i]->d_name) && !str_in(names[i]->d_name, config))
			rc = seed_crm_module(sd, names[i]->d_name);
		free(names[i]);
	}
	free(names);
	free(dir);
	return rc;
}

/* crm/related.json: the related lists' links (crm_related.c), after every module's records. */
static int seed_crm_related(struct seed *sd)
{
	json_t *doc = NULL;
	int rc;

	if (load(sd, "crm/related.json", 0, &doc))
		return -1;
	if (!doc || !sd->load_records) {
		json_decref(doc);
		return 0;
	}
	rc = expect(sd, "crm/related.json", !crm_related_seed(sd->sb, doc),
		    "expected {\"Deals\": {\"<deal id>\": {\"Products\": [\"<product id>\"]}}}");
	json_decref(doc);
	return rc;
}

static int cf_list_ok(const json_t *list)
{
	const json_t *d;
	size_t i;

	if (!list)
		return 1;
	if (!json_is_array(list))
		return 0;
	json_array_foreach(list, i, d) {
		const json_t *u = json_object_get(d, "is_unique");

		if (!jstr(d, "api_name") || strncmp(jstr(d, "api_name"), "cf_", 3) != 0 || !jstr(d, "label") ||
		    !jstr(d, "data_type") || (u && !json_is_boolean(u)))
			return 0;
	}
	return 1;
}

static int cf_doc_ok(const json_t *cf)
{
	static const char *const lists[] = { "contacts", "items", "invoices", "estimates", "customerpayments", NULL };
	const char *key;
	json_t *v;

	if (!json_is_object(cf))
		return 0;
	json_object_foreach((json_t *)cf, key, v)
		if (!str_in(key, lists) || !cf_list_ok(v))
			return 0;
	return 1;
}

static int seed_finance_config(struct seed *sd)
{
	json_t *cf;
	const json_t *org;

	if (load(sd, "finance/org.json", 1, &sd->sb->fin_org))
		return -1;
	org = sd->sb->fin_org;
	if (expect(sd, "finance/org.json",
		   json_is_object(org) && is_digits(jstr(org, "organization_id")) && jstr(org, "currency_code"),
		   "expected {\"organization_id\": \"digits\", \"name\", \"currency_code\", "
		   "\"currency_id\"}"))
		return -1;
	if (load(sd, "finance/custom_fields.json", 0, &cf))
		return -1;
	if (!cf)
		return 0;
	json_decref(sd->sb->fin_cf);
	sd->sb->fin_cf = cf;
	return expect(sd, "finance/custom_fields.json", cf_doc_ok(cf),
		      "expected {\"contacts\": [{\"api_name\": \"cf_…\", \"label\", "
		      "\"data_type\", \"is_unique\"}], \"items\": […], \"invoices\": […], "
		      "\"estimates\": […], \"customerpayments\": […]}");
}

/* The files of an app's folder, in the order they load (a payment needs its
 * invoices, an invoice its customer, items and estimate). */
static const char *const fin_files[] = { "contacts", "items", "estimates", "invoices", "customerpayments", NULL };

static int seed_finance_file(struct seed *sd, const struct fin_app *app, int kind, const char *rel)
{
	char *path = xasprintf("%s/%s", sd->dir, rel);
	json_t *list = NULL, *rec;
	size_t i;
	int rc = -1;

	if (!load(sd, rel, 1, &list)) {
		if (!json_is_array(list))
			seed_fail(path, "%s", "expected a JSON array of records");
		else
			rc = 0;
		json_array_foreach(list, i, rec) {
			if (rc || !sd->load_records)
				break;
			if (fin_store_raw(sd->sb, app, (enum fin_kind)kind, rec))
				rc = fail_prefix(FS_EUSAGE, "seed file '%s': record %zu", path, i);
		}
	}
	json_decref(list);
	free(path);
	return rc;
}

/* The resource a file of finance/<app>/ holds, or -1 for a file the app has
 * no use for. */
static int finance_kind(const struct fin_app *app, const char *file)
{
	char *res = xstrndup(file, strlen(file) - 5);
	int kind = str_eq(res, app->contacts_path) ? FIN_CONTACTS
		   : str_eq(res, "contacts") || str_eq(res, "customers")
			   ? -1
			   : fin_kind_by_name(app, res);

	free(res);
	return kind;
}

static int check_finance_dir(const struct fin_app *app, const char *dir)
{
	struct dirent **names = NULL;
	char *path;
	int i, n = exists(dir) ? scandir(dir, &names, NULL, alphasort) : 0, rc = 0;

	for (i = 0; i < n; i++) {
		if (!rc && json_file(names[i]->d_name) && finance_kind(app, names[i]->d_name) < 0) {
			path = xasprintf("%s/%s", dir, names[i]->d_name);
			rc = seed_fail(path, "unknown resource; %s knows %s.json, items.json%s%s%s%s%s", app->name,
				       app->contacts_path, app->estimate_keys ? ", estimates.json" : "",
				       app->invoice_keys ? ", invoices.json" : "", app->payment_keys ? ", " : "",
				       app->payment_keys ? app->payments_path : "", app->payment_keys ? ".json" : "");
			free(path);
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

static int seed_finance_records(struct seed *sd)
{
	const char *const *f;
	char *dir, *rel, *file;
	int a, rc = 0, kind;

	for (a = 0; a < 4 && !rc; a++) {
		dir = xasprintf("%s/finance/%s", sd->dir, fin_apps[a].name);
		rc = check_finance_dir(&fin_apps[a], dir);
		for (f = fin_files; *f && !rc; f++) {
			file = xasprintf("%s.json",
					 str_eq(*f, "contacts") ? fin_apps[a].contacts_path
					 : str_eq(*f, "customerpayments") && fin_apps[a].payments_path
						 ? fin_apps[a].payments_path
						 : *f);
			rel = xasprintf("finance/%s/%s", fin_apps[a].name, file);
			kind = finance_kind(&fin_apps[a], file);
			free(file);
			file = xasprintf("%s/%s", sd->dir, rel);
			if (kind >= 0 && exists(file))
				rc = seed_finance_file(sd, &fin_apps[a], kind, rel);
			free(file);
			free(rel);
		}
		free(dir);
	}
	return rc;
}

/* Only the first seed directory configures; an overlay adds records. */
static int check_overlay(struct seed *sd)
{
	static const char *const config[] = {
		"oauth.json", "crm/org.json", "crm/views.json", "finance/org.json", "finance/custom_fields.json", NULL
	};
	const char *const *c;
	char *path;
	int rc = 0;

	for (c = config; *c && !rc; c++) {
		path = xasprintf("%s/%s", sd->dir, *c);
		if (exists(path))
			rc = seed_fail(path, "%s",
				       "belongs in the first --seed directory, not "
				       "in an overlay");
		free(path);
	}
	return rc;
}

static int seed_one(struct seed *sd, const char *dir, int overlay)
{
	sd->dir = dir;
	if (!exists(dir))
		return fail(FS_EUSAGE, "seed directory '%s' does not exist", dir);
	if (overlay)
		return check_overlay(sd) || seed_crm_fields(sd) || seed_crm_records(sd) || seed_crm_related(sd)
			       ? -1
			       : 0;
	return seed_oauth(sd) || seed_crm_config(sd) || seed_crm_records(sd) || seed_crm_related(sd) ||
			       seed_finance_config(sd)
		       ? -1
		       : 0;
}

int seed_load(struct sandbox *sb, const char *const *dirs, int n)
{
	struct seed sd = { sb, NULL, 0 };
	int i, rc = 0;

	sd.load_records = !store_is_seeded(sb->st);
	store_begin(sb->st);
	for (i = 0; i < n && !rc; i++)
		rc = seed_one(&sd, dirs[i], i > 0);
	/* finance records after every directory's CRM side and the finance
	 * configuration, so an overlay's invoices find the seed's customers */
	for (i = 0; i < n && !rc; i++) {
		sd.dir = dirs[i];
		rc = seed_finance_records(&sd);
	}
	if (!rc && sd.load_records)
		store_mark_seeded(sb->st);
	if (rc)
		store_rollback(sb->st);
	else
		store_commit(sb->st);
	return rc;
}
