/*
 * job.c - reads and validates a job file (docs/design.md "Job file").
 *
 * Strict on purpose: an unknown key is more often a typo than a wish, and a
 * job that runs nightly must fail on the first night it is written, not on
 * the first night it matters.  Every message names the file and the key.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "finsync/alloc.h"
#include "finsync/buf.h"
#include "finsync/err.h"
#include "finsync/job.h"
#include "finsync/safe.h"
#include "finsync/suggest.h"
#include "job_keys.h"

struct loader {
	struct job *job;
	const char *path;
	unsigned flags; /* job_load_flags */
};


static int job_error(struct loader *ld, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int job_error(struct loader *ld, const char *key, const char *fmt, ...)
{
	char detail[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	return fail(FS_EUSAGE, "job '%s': %s%s%s", ld->path, key ? key : "", key ? ": " : "", detail);
}

int job_key_error(const struct job *job, const char *key, const char *fmt, ...)
{
	char detail[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	return fail(FS_EUSAGE, "job '%s': %s: %s", job->path, key, detail);
}

/* FS_EUSAGE: where.key is unknown, with the name it was near (may be NULL). */
static int unknown_key(const struct job *job, const char *where, const char *key, const char *near)
{
	return fail(FS_EUSAGE, "job '%s': %s%s%s: unknown key%s%s%s", job->path, where, *where ? "." : "", key,
		    near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
}

/*
 * Unknown keys are refused, with the known key they were near; allowed is
 * NULL-terminated.  The key "//" is a comment (JSON has none), in any
 * object whose keys are the job file's own: `finsync init` writes them, and
 * operators note why a view or a mapping is there.  Not in objects whose
 * keys are data (field_map, views, field_owner).
 */
int check_keys(const struct job *job, json_t *obj, const char *where, const char *const *allowed)
{
	struct suggest sg;
	const char *key;
	json_t *v;
	size_t i;

	json_object_foreach(obj, key, v) {
		if (!strcmp(key, JOB_COMMENT_KEY))
			continue;
		for (i = 0; allowed[i] && strcmp(allowed[i], key); i++)
			;
		if (allowed[i])
			continue;
		suggest_init(&sg, key);
		for (i = 0; allowed[i]; i++)
			suggest_consider(&sg, allowed[i]);
		return unknown_key(job, where, key, suggest_result(&sg));
	}
	return 0;
}

/* Expands ${VAR} from the environment. */
static int expand_env(struct loader *ld, const char *key, const char *in, char **out)
{
	struct buf b = BUF_INIT;
	const char *p = in;

	while (*p) {
		const char *end;
		if (p[0] != '$' || p[1] != '{' || !(end = strchr(p + 2, '}'))) {
			buf_addc(&b, *p++);
			continue;
		}
		char *name = xstrndup(p + 2, (size_t)(end - p - 2));
		const char *val = getenv(name);
		if (!val) {
			int rc = job_error(ld, key, "environment variable '%s' is not set", name);
			xfree(name);
			buf_release(&b);
			return rc;
		}
		buf_adds(&b, val);
		xfree(name);
		p = end + 1;
	}
	*out = buf_detach(&b);
	return 0;
}

/* A string value at obj.name (optional unless required); expanded; NULL when absent. */
static int get_string(struct loader *ld, json_t *obj, const char *where, const char *name, int required, char **out)
{
	json_t *v = json_object_get(obj, name);
	char key[256];

	*out = NULL;
	snprintf(key, sizeof(key), "%s%s%s", where, *where ? "." : "", name);
	if (!v) {
		return required ? job_error(ld, key, "missing") : 0;
	}
	if (!json_is_string(v) || !*json_string_value(v))
		return job_error(ld, key, "must be a non-empty string");
	return expand_env(ld, key, json_string_value(v), out);
}

/*
 * Removes "." and "x/.." parts of an absolute path, in place, so messages
 * show the path a user would type.  Each kept part is written as "/part";
 * the write position never passes the read position.
 */
static void normalize_path(char *path)
{
	char *out = path, *in = path;

	while (*in) {
		char *end = strchr(in, '/');
		size_t n = end ? (size_t)(end - in) : strlen(in);
		if (n == 2 && in[0] == '.' && in[1] == '.') {
			while (out > path && *--out != '/')
				;
		} else if (n && !(n == 1 && in[0] == '.')) {
			*out++ = '/';
			memmove(out, in, n);
			out += n;
		}
		in += n + (end ? 1 : 0);
	}
	if (out == path)
		*out++ = '/';
	*out = '\0';
}

static char *resolve_path(const struct job *job, const char *p)
{
	char *path = p[0] == '/' ? xstrdup(p) : xasprintf("%s/%s", job->dir, p);

	normalize_path(path);
	return path;
}

static void strip_trailing(char *s, const char *chars)
{
	size_t n = strlen(s);

	while (n && strchr(chars, s[n - 1]))
		s[--n] = '\0';
}

static int read_secret_file(struct loader *ld, const char *key, const char *path, char **out)
{
	struct stat st;
	char line[4096];
	FILE *fp;

	if (stat(path, &st))
		return job_error(ld, key, "cannot read '%s': %s", path, strerror(errno));
	if (st.st_mode & 077)
		return job_error(ld, key, "'%s' is readable by group or others; chmod 600 it", path);
	if (!(fp = fopen(path, "r")))
		return job_error(ld, key, "cannot read '%s': %s", path, strerror(errno));
	if (!fgets(line, sizeof(line), fp))
		line[0] = '\0';
	fclose(fp);
	strip_trailing(line, "\r\n \t");
	if (!line[0])
		return job_error(ld, key, "'%s' is empty", path);
	*out = xstrdup(line);
	return 0;
}

/* A secret from <name>_env or <name>_file; a literal <name> is refused. */
static int get_secret(struct loader *ld, json_t *obj, const char *where, const char *name, char **out)
{
	char env_key[64], file_key[64], key[256];
	json_t *env = NULL, *file = NULL;
	char *path;
	int rc;

	*out = NULL;
	snprintf(env_key, sizeof(env_key), "%s_env", name);
	snprintf(file_key, sizeof(file_key), "%s_file", name);
	if (json_object_get(obj, name)) {
		snprintf(key, sizeof(key), "%s.%s", where, name);
		return job_error(ld, key, "a literal secret in the job file is refused; use %s or %s", env_key,
				 file_key);
	}
	env = json_object_get(obj, env_key);
	file = json_object_get(obj, file_key);
	if (env && file) {
		snprintf(key, sizeof(key), "%s.%s", where, env_key);
		return job_error(ld, key, "give %s or %s, not both", env_key, file_key);
	}
	/* Reading the ledger needs no secret: the keys are checked, not resolved. */
	if ((ld->flags & JOB_NO_SECRETS) && (env || file))
		return 0;
	if (env) {
		snprintf(key, sizeof(key), "%s.%s", where, env_key);
		if (!json_is_string(env))
			return job_error(ld, key, "must be the name of an environment variable");
		const char *val = getenv(json_string_value(env));
		if (!val || !*val)
			return job_error(ld, key, "environment variable '%s' is not set", json_string_value(env));
		*out = xstrdup(val);
		return 0;
	}
	snprintf(key, sizeof(key), "%s.%s", where, file_key);
	if (!file)
		return job_error(ld, key, "missing (or %s)", env_key);
	if (!json_is_string(file))
		return job_error(ld, key, "must be a file path");
	path = resolve_path(ld->job, json_string_value(file));
	rc = read_secret_file(ld, key, path, out);
	xfree(path);
	return rc;
}

#define REQUESTS_PER_MINUTE_MAX 60000

static int get_count(struct loader *ld, json_t *obj, const char *where, const char *name, long *out)
{
	json_t *v = json_object_get(obj, name);
	char key[256];

	if (!v)
		return 0;
	snprintf(key, sizeof(key), "%s.%s", where, name);
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 100000000)
		return job_error(ld, key, "must be a whole number from 0 (no limit) up");
	*out = (long)json_integer_value(v);
	return 0;
}

/*
 * An API root or accounts server: http(s), and nothing a message could leak
 * or a path could be bent by (a query, a fragment, user:password@, a
 * control character or a space).  Paths are appended to it as they are.
 */
static int check_base_url(struct loader *ld, const char *where, const char *name, const char *url)
{
	const char *host = !strncmp(url, "https://", 8) ? url + 8 : !strncmp(url, "http://", 7) ? url + 7 : NULL;
	char key[256];

	snprintf(key, sizeof(key), "%s.%s", where, name);
	if (!host || !*host)
		return job_error(ld, key, "must start with https:// (or http://)");
	if (!header_value_ok(url) || strpbrk(url, " ?#@\\"))
		return job_error(ld, key, "must be a plain URL without a query, a fragment, a user name or spaces");
	return 0;
}

static int load_oauth_endpoint(struct loader *ld, json_t *obj, const char *where, struct endpoint *ep)
{
	int rc;

	/*
	 * Zoho's finance apps allow 100 requests a minute per organisation and
	 * 5 in flight on the smallest plan (10 on paid ones).
	 */
	ep->requests_per_minute = strcmp(where, "finance") ? 0 : 100;
	ep->max_in_flight = 5;
	if ((rc = get_count(ld, obj, where, "requests_per_minute", &ep->requests_per_minute)) ||
	    (rc = get_count(ld, obj, where, "daily_budget", &ep->daily_budget)) ||
	    (!strcmp(where, "finance") && (rc = get_count(ld, obj, where, "max_in_flight", &ep->max_in_flight))))
		return rc;
	/* The pace keeps a slot per request of the minute: a bound keeps that memory small. */
	if (ep->requests_per_minute > REQUESTS_PER_MINUTE_MAX) {
		char key[64];
		snprintf(key, sizeof(key), "%s.requests_per_minute", where);
		return job_error(ld, key, "must be from 0 (no pacing) to 60000 (1,000 a second)");
	}
	if (ep->max_in_flight < 1 || ep->max_in_flight > 25)
		return job_error(ld, "finance.max_in_flight", "must be from 1 to 25 (Zoho's largest plans allow 25)");
	if ((rc = get_string(ld, obj, where, "api_base", 1, &ep->api_base)) ||
	    (rc = get_string(ld, obj, where, "accounts_url", 1, &ep->accounts_url)) ||
	    (rc = get_string(ld, obj, where, "client_id", 1, &ep->client_id)) ||
	    (rc = get_secret(ld, obj, where, "client_secret", &ep->client_secret)) ||
	    (rc = get_secret(ld, obj, where, "refresh_token", &ep->refresh_token)))
		return rc;
	strip_trailing(ep->api_base, "/");
	strip_trailing(ep->accounts_url, "/");
	if ((rc = check_base_url(ld, where, "api_base", ep->api_base)) ||
	    (rc = check_base_url(ld, where, "accounts_url", ep->accounts_url)))
		return rc;
	return 0;
}

/* A custom field's API name, which goes into the X-Unique-Identifier-Key header: cf_ and [A-Za-z0-9_]. */
static int field_name_ok(const char *s)
{
	if (strncmp(s, "cf_", 3) || !s[3])
		return 0;
	for (s += 3; *s; s++)
		if (!(*s == '_' || (*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
			return 0;
	return 1;
}

/* The keys every API endpoint of a job takes: where it is and how it signs in. */
/* clang-format off */
#define ENDPOINT_KEYS "type", "api_base", "accounts_url", "client_id", "client_secret_env", \
	"client_secret_file", "refresh_token_env", "refresh_token_file", "client_secret", "refresh_token"
/* clang-format on */

static const char *const crm_api_keys[] = { ENDPOINT_KEYS, "requests_per_minute", "daily_budget", "read", NULL };
/* crm.read, in the order of enum crm_read. */
static const char *const crm_read_names[] = { "auto", "rest", "bulk", NULL };
static const char *const crm_csv_keys[] = { "type", "dir", NULL };
static const char *const finance_keys[] = {
	ENDPOINT_KEYS,  "organization_id", "crm_id_field", "requests_per_minute",
	"daily_budget", "max_in_flight",   "plan",         NULL
};

static int get_enum(struct loader *ld, json_t *obj, const char *where, const char *name, const char *const *names,
		    int *out);

/*
 * finance.plan: the organisation's plan, whose documented daily call limit
 * `finsync plan` counts days against when the job sets no daily_budget.
 */
static int load_finance_plan(struct loader *ld, json_t *fin, struct endpoint *ep)
{
	const struct finance_plan *p = ld->job->app->plans;
	json_t *v = json_object_get(fin, "plan");
	char names[160] = "";

	if (!v)
		return 0;
	if (!p)
		return job_error(ld, "finance.plan", "%s documents no daily limit per plan; set daily_budget instead",
				 ep->type);
	ep->plan_calls_a_day = finance_plan_calls_a_day(ld->job->app, json_string_value(v));
	if (ep->plan_calls_a_day)
		return 0;
	for (; p->name; p++)
		snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s", *names ? ", " : "", p->name);
	return job_error(ld, "finance.plan", "unknown plan %s (%s)",
			 json_is_string(v) ? json_string_value(v) : "(not a string)", names);
}

static int load_crm(struct loader *ld, json_t *crm)
{
	struct endpoint *ep = &ld->job->crm;
	char *dir = NULL;
	int rc, mode = CRM_READ_AUTO;

	if (!json_is_object(crm))
		return job_error(ld, "crm", "missing or not an object");
	if ((rc = get_string(ld, crm, "crm", "type", 1, &ep->type)))
		return rc;
	if (!(ld->job->crm_source = crm_source_find(ep->type)))
		return job_error(ld, "crm.type", "unknown value '%s' (%s)", ep->type, crm_source_names());
	if (ld->job->crm_source->from_files) {
		if ((rc = check_keys(ld->job, crm, "crm", crm_csv_keys)) ||
		    (rc = get_string(ld, crm, "crm", "dir", 1, &dir)))
			return rc;
		ep->dir = resolve_path(ld->job, dir);
		xfree(dir);
		return 0;
	}
	if ((rc = check_keys(ld->job, crm, "crm", crm_api_keys)))
		return rc;
	ep->read = CRM_READ_AUTO;
	if ((rc = get_enum(ld, crm, "crm", "read", crm_read_names, &mode)))
		return rc;
	ep->read = (enum crm_read)mode;
	return load_oauth_endpoint(ld, crm, "crm", ep);
}

static int load_finance(struct loader *ld, json_t *fin)
{
	struct endpoint *ep = &ld->job->fin;
	json_t *cf;
	int rc;

	if (!json_is_object(fin))
		return job_error(ld, "finance", "missing or not an object");
	if ((rc = check_keys(ld->job, fin, "finance", finance_keys)) ||
	    (rc = get_string(ld, fin, "finance", "type", 1, &ep->type)))
		return rc;
	if (!(ld->job->app = finance_app_find(ep->type)))
		return job_error(ld, "finance.type", "unknown value '%s' (%s)", ep->type, finance_app_names());
	if ((rc = get_string(ld, fin, "finance", "organization_id", 1, &ep->organization_id)) ||
	    (rc = load_oauth_endpoint(ld, fin, "finance", ep)))
		return rc;
	/* It goes into every URL (or a header): Zoho's organisation ids are digits. */
	if (!zoho_id_ok(ep->organization_id))
		return job_error(ld, "finance.organization_id", "must be the organisation id, digits only");
	if ((rc = load_finance_plan(ld, fin, ep)))
		return rc;
	ld->job->crm_id_field = "cf_crm_id";
	if ((cf = json_object_get(fin, "crm_id_field"))) {
		if (!json_is_string(cf) || !field_name_ok(json_string_value(cf)))
			return job_error(ld, "finance.crm_id_field",
					 "must be a custom field's API name: 'cf_' then letters, digits and '_'");
		ld->job->crm_id_field = json_string_value(cf);
	}
	return 0;
}

/* Picks value among names (NULL-terminated); *out = index. */
static int get_enum(struct loader *ld, json_t *obj, const char *where, const char *name, const char *const *names,
		    int *out)
{
	json_t *v = json_object_get(obj, name);
	char key[256], list[256] = "";
	int i;

	if (!v)
		return 0;
	snprintf(key, sizeof(key), "%s.%s", where, name);
	for (i = 0; names[i]; i++) {
		if (json_is_string(v) && !strcmp(json_string_value(v), names[i])) {
			*out = i;
			return 0;
		}
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? ", " : "", names[i]);
	}
	if (!json_is_string(v))
		return job_error(ld, key, "must be one of %s", list);
	return job_error(ld, key, "unknown value '%s' (%s)", json_string_value(v), list);
}

static int get_bool(struct loader *ld, json_t *obj, const char *where, const char *name, int *out)
{
	json_t *v = json_object_get(obj, name);
	char key[256];

	if (!v)
		return 0;
	snprintf(key, sizeof(key), "%s.%s", where, name);
	if (!json_is_boolean(v))
		return job_error(ld, key, "must be true or false");
	*out = json_is_true(v);
	return 0;
}

static const char *const entity_keys[] = {
	"crm_module",
	"include_orphan_contacts",
	"extent",
	"on_duplicate",
	"match_on",
	"views",
	"field_map",
	"field_owner",
	"product_type_field",
	"product_type_default",
	NULL
};

static int check_entity_keys(struct loader *ld, json_t *cfg, struct entity_sync *e, const char *where)
{
	static const char *const per_entity_only[][3] = {
		{ "crm_module", "customers", NULL },
		{ "include_orphan_contacts", "customers", NULL },
		{ "product_type_field", "items", NULL },
		{ "product_type_default", "items", NULL },
	};
	size_t i;
	int rc;

	if ((rc = check_keys(ld->job, cfg, where, entity_keys)))
		return rc;
	for (i = 0; i < sizeof(per_entity_only) / sizeof(per_entity_only[0]); i++)
		if (json_object_get(cfg, per_entity_only[i][0]) && strcmp(e->name, per_entity_only[i][1]))
			return job_error(ld, NULL, "%s.%s: only for %s", where, per_entity_only[i][0],
					 per_entity_only[i][1]);
	return 0;
}

static int load_match_on(struct loader *ld, json_t *cfg, struct entity_sync *e, const char *where)
{
	json_t *m = json_object_get(cfg, "match_on"), *v;
	char key[256];
	size_t i;

	if (!m)
		return 0;
	snprintf(key, sizeof(key), "%s.match_on", where);
	if (!json_is_array(m))
		return job_error(ld, key, "must be a list such as [\"name\", \"email\"]");
	json_array_foreach(m, i, v) {
		const char *s = json_string_value(v);
		if (s && !strcmp(s, "name"))
			continue;
		if (s && !strcmp(s, "email") && e->kind != ENTITY_ITEMS) {
			e->match_email = 1;
			continue;
		}
		return job_error(ld, key, "unknown value '%s' (name%s)", s ? s : "?",
				 e->kind != ENTITY_ITEMS ? ", email" : "");
	}
	return 0;
}

static int load_views(struct loader *ld, json_t *cfg, struct entity_sync *e, const char *where)
{
	json_t *views = json_object_get(cfg, "views"), *v;
	const char *module;
	char key[256];

	if (!views)
		return 0;
	snprintf(key, sizeof(key), "%s.views", where);
	if (!json_is_object(views))
		return job_error(ld, key, "must be an object of CRM module to custom view id");
	json_object_foreach(views, module, v) {
		const char *const *m = entity_crm_modules(e);
		while (*m && strcmp(*m, module))
			m++;
		if (!*m)
			return job_error(ld, NULL, "%s.%s: %s does not read the CRM module '%s'", key, module, e->name,
					 module);
		if (!json_is_string(v) || !*json_string_value(v))
			return job_error(ld, NULL, "%s.%s: must be a custom view id", key, module);
	}
	e->views = views;
	return 0;
}

/*
 * An object at where.name of finance field to what value_ok accepts (to
 * and want say what, in messages); *out is left alone when the job has none.
 */
static int load_field_object(struct loader *ld, json_t *cfg, const char *where, const char *name, const char *to,
			     const char *want, int (*value_ok)(json_t *v), json_t **out)
{
	json_t *obj = json_object_get(cfg, name), *v;
	const char *k;
	char key[256];

	if (!obj)
		return 0;
	snprintf(key, sizeof(key), "%s.%s", where, name);
	if (!json_is_object(obj))
		return job_error(ld, key, "must be an object of finance field to %s", to);
	json_object_foreach(obj, k, v)
		if (!value_ok(v))
			return job_error(ld, NULL, "%s.%s: must be %s", key, k, want);
	*out = obj;
	return 0;
}

static int is_crm_field(json_t *v)
{
	return json_is_string(v) && *json_string_value(v);
}

static int is_owner(json_t *v)
{
	return json_is_string(v) && (!strcmp(json_string_value(v), "crm") || !strcmp(json_string_value(v), "finance"));
}

static int load_field_map(struct loader *ld, json_t *cfg, struct entity_sync *e, const char *where)
{
	return load_field_object(ld, cfg, where, "field_map", "CRM field", "a CRM field API name", is_crm_field,
				 &e->field_map);
}

static int load_field_owner(struct loader *ld, json_t *cfg, struct entity_sync *e, const char *where)
{
	json_t *owners = json_object_get(cfg, "field_owner");
	char key[256];

	snprintf(key, sizeof(key), "%s.field_owner", where);
	if (json_is_object(owners) && e->extent != EXTENT_BOTH_WAYS)
		return job_error(ld, key, "only with extent both_ways: in a one-way sync the CRM always wins");
	return load_field_object(ld, cfg, where, "field_owner", "\"crm\" or \"finance\"", "\"crm\" or \"finance\"",
				 is_owner, &e->field_owner);
}

static int load_product_type(struct loader *ld, json_t *cfg, struct entity_sync *e, const char *where)
{
	static const char *const types[] = { "goods", "service", "digital_service", NULL };
	json_t *f = json_object_get(cfg, "product_type_field");
	int t = 0, rc;

	e->product_type_default = "goods";
	if (f) {
		if (!json_is_string(f) || !*json_string_value(f))
			return job_error(ld, NULL, "%s.product_type_field: must be a CRM field API name", where);
		e->product_type_field = json_string_value(f);
	}
	if ((rc = get_enum(ld, cfg, where, "product_type_default", types, &t)))
		return rc;
	e->product_type_default = types[t];
	return 0;
}

static int load_entity(struct loader *ld, json_t *cfg, struct entity_sync *e)
{
	static const char *const modes[] = { "accounts", "contacts", "accounts_and_contacts", NULL };
	static const char *const extents[] = { "fetch_from_crm", "both_ways", NULL };
	static const char *const dups[] = { "skip", "clone", "overwrite", NULL };
	char where[64];
	int mode = CRM_ACCOUNTS, extent = 0, dup = 0, rc;

	snprintf(where, sizeof(where), "sync.%s", e->name);
	if (!json_is_object(cfg))
		return job_error(ld, where, "must be an object");
	if ((rc = check_entity_keys(ld, cfg, e, where)) ||
	    (rc = get_enum(ld, cfg, where, "crm_module", modes, &mode)) ||
	    (rc = get_enum(ld, cfg, where, "extent", extents, &extent)) ||
	    (rc = get_enum(ld, cfg, where, "on_duplicate", dups, &dup)) ||
	    (rc = get_bool(ld, cfg, where, "include_orphan_contacts", &e->include_orphan_contacts)))
		return rc;
	e->enabled = 1;
	e->crm_module = (enum crm_mode)mode;
	e->extent = (enum extent)extent;
	e->on_duplicate = (enum on_duplicate)dup;
	if (e->extent == EXTENT_BOTH_WAYS && !ld->job->crm_source->writable)
		return job_error(ld, NULL, "%s.extent: both_ways writes to the CRM: it needs crm.type zoho-crm, not %s",
				 where, ld->job->crm.type);
	if (e->include_orphan_contacts && e->crm_module != CRM_ACCOUNTS_AND_CONTACTS)
		return job_error(ld, NULL, "%s.include_orphan_contacts: only with crm_module accounts_and_contacts",
				 where);
	if ((rc = load_match_on(ld, cfg, e, where)) || (rc = load_views(ld, cfg, e, where)) ||
	    (rc = load_field_map(ld, cfg, e, where)) || (rc = load_field_owner(ld, cfg, e, where)))
		return rc;
	return e->kind == ENTITY_ITEMS ? load_product_type(ld, cfg, e, where) : 0;
}

/* The keys of the sync units beside the entities' (job_set_sync_keys), or NULL. */
static const struct job_sync_key *const *sync_keys;

void job_set_sync_keys(const struct job_sync_key *const *keys)
{
	sync_keys = keys;
}

static const struct job_sync_key *sync_key_find(const char *name)
{
	size_t i;

	for (i = 0; sync_keys && sync_keys[i]; i++)
		if (sync_keys[i]->name && !strcmp(sync_keys[i]->name, name))
			return sync_keys[i];
	return NULL;
}

json_t *job_sync_value(const struct job *job, const char *name)
{
	return json_object_get(json_object_get(job->root, "sync"), name);
}

/* Under sync: a record entity, a unit's key or a comment; anything else is refused, with the name it was near. */
static int check_sync_keys(struct loader *ld, json_t *sync)
{
	struct suggest sg;
	const char *key;
	json_t *v;
	size_t i;

	json_object_foreach(sync, key, v) {
		if (!strcmp(key, JOB_COMMENT_KEY) || entity_def_find(key) || sync_key_find(key))
			continue;
		suggest_init(&sg, key);
		for (i = 0; entity_names[i]; i++)
			suggest_consider(&sg, entity_names[i]);
		for (i = 0; sync_keys && sync_keys[i]; i++)
			if (sync_keys[i]->name)
				suggest_consider(&sg, sync_keys[i]->name);
		return unknown_key(ld->job, "sync", key, suggest_result(&sg));
	}
	return 0;
}

/* Each unit's key the job holds, checked and read by the unit's loader, in the units' order. */
static int load_unit_keys(struct job *job, json_t *sync)
{
	json_t *v;
	size_t i;
	int rc;

	for (i = 0; sync_keys && sync_keys[i]; i++)
		if (sync_keys[i]->name && (v = json_object_get(sync, sync_keys[i]->name)) &&
		    (rc = sync_keys[i]->load(job, v)))
			return rc;
	return 0;
}

static int load_sync(struct loader *ld, json_t *sync)
{
	struct job *job = ld->job;
	int i, rc, any = 0;

	if (!json_is_object(sync))
		return job_error(ld, "sync", "missing or not an object");
	if ((rc = check_sync_keys(ld, sync)))
		return rc;
	for (i = 0; i < ENTITY_COUNT; i++) {
		json_t *cfg = json_object_get(sync, entity_names[i]);
		if (!cfg)
			continue;
		if (i == ENTITY_VENDORS && !job->app->has_vendors)
			return job_error(ld, "sync.vendors",
					 "%s has no vendors (only zoho-books and zoho-inventory do)", job->app->type);
		if ((rc = load_entity(ld, cfg, &job->entities[i])))
			return rc;
		any = 1;
	}
	if (!any)
		return job_error(ld, "sync", "names no entity to sync (customers, vendors, items)");
	return load_unit_keys(job, sync);
}

static int load_stages(struct loader *ld, json_t *stages)
{
	static const char *const names[] = { "extract", "transform", "load" };
	json_t *v;
	size_t i;
	int k;

	ld->job->stages = STAGE_EXTRACT | STAGE_TRANSFORM | STAGE_LOAD;
	if (!stages)
		return 0;
	if (!json_is_array(stages) || !json_array_size(stages))
		return job_error(ld, "stages", "must be a list of extract, transform, load");
	ld->job->stages = 0;
	json_array_foreach(stages, i, v) {
		for (k = 0; k < 3; k++)
			if (json_is_string(v) && !strcmp(json_string_value(v), names[k]))
				break;
		if (k == 3)
			return job_error(ld, "stages", "unknown stage '%s' (extract, transform, load)",
					 json_is_string(v) ? json_string_value(v) : "?");
		ld->job->stages |= 1u << k;
	}
	return 0;
}

/*
 * How far before the watermark an incremental read starts: CRM clocks and
 * same-second edits must not slip between two runs (records read twice are
 * harmless: their content hash is unchanged).
 */
static int load_overlap(struct loader *ld, json_t *v)
{
	ld->job->overlap_seconds = 300;
	if (!v)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 86400 * 7)
		return job_error(ld, "overlap_seconds", "must be a whole number of seconds from 0 to 604800");
	ld->job->overlap_seconds = (long)json_integer_value(v);
	return 0;
}

/* The job name is a folder name under <job folder>/var: it must not climb out of it. */
static int name_stays_in_folder(const char *name)
{
	return *name && *name != '.' && !strpbrk(name, "/\\") && !strstr(name, "..");
}

static int load_top(struct loader *ld)
{
	static const char *const top_keys[] = {
		"job", "state_dir", "stages", "overlap_seconds", "crm", "finance", "sync", NULL
	};
	struct job *job = ld->job;
	char *state = NULL;
	int rc;

	if (!json_is_object(job->root))
		return job_error(ld, NULL, "not a JSON object");
	if ((rc = check_keys(ld->job, job->root, "", top_keys)))
		return rc;
	if ((rc = get_string(ld, job->root, "", "job", 1, &job->name)) ||
	    (rc = get_string(ld, job->root, "", "state_dir", 0, &state)))
		return rc;
	if (!name_stays_in_folder(job->name)) {
		xfree(state);
		return job_error(ld, "job",
				 "'%s' is not a job name: it names the state folder <job folder>/var/<name>, "
				 "so it takes no '/', '\\' or '..' and does not start with '.'",
				 job->name);
	}
	job->state_dir = state ? resolve_path(job, state) : xasprintf("%s/var/%s", job->dir, job->name);
	xfree(state);
	job->crm.token_cache = xasprintf("%s/tokens.json", job->state_dir);
	job->crm.token_key = "crm";
	job->fin.token_cache = xasprintf("%s/tokens.json", job->state_dir);
	job->fin.token_key = "finance";
	if ((rc = load_overlap(ld, json_object_get(job->root, "overlap_seconds"))) ||
	    (rc = load_stages(ld, json_object_get(job->root, "stages"))) ||
	    (rc = load_crm(ld, json_object_get(job->root, "crm"))) ||
	    (rc = load_finance(ld, json_object_get(job->root, "finance"))) ||
	    (rc = load_sync(ld, json_object_get(job->root, "sync"))))
		return rc;
	return 0;
}

static char *dir_of(const char *path)
{
	char *copy = xstrdup(path), *slash, *abs;
	char cwd[PATH_MAX];

	slash = strrchr(copy, '/');
	if (slash)
		*slash = '\0';
	if (slash && copy[0] == '/') {
		abs = xstrdup(*copy ? copy : "/");
	} else if (!getcwd(cwd, sizeof(cwd))) {
		abs = xstrdup(".");
	} else {
		abs = slash ? xasprintf("%s/%s", cwd, copy) : xstrdup(cwd);
	}
	xfree(copy);
	return abs;
}

/* A UTF-8 byte order mark, as some editors write at the start of a file. */
static const char utf8_bom[] = "\xef\xbb\xbf";

/*
 * The job file's JSON in *root (NULL with jerr filled when it is not JSON).
 * Only a regular file is read: a FIFO or a device would block the run, or
 * never end.  A BOM at the start is skipped.
 */
static int read_job_text(const char *path, json_t **root, json_error_t *jerr)
{
	struct stat st;
	struct buf text = BUF_INIT;
	char chunk[8192];
	ssize_t got;
	int fd, rc = 0;

	*root = NULL;
	memset(&st, 0, sizeof(st));
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0)
		return fail(FS_EUSAGE, "job '%s': cannot open: %s", path, strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return fail(FS_EUSAGE, "job '%s': not a regular file (%s); give the path of a JSON file", path,
			    S_ISDIR(st.st_mode)    ? "a directory"
			    : S_ISFIFO(st.st_mode) ? "a FIFO"
			    : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)
				    ? "a device"
				    : "not a file");
	}
	while ((got = read(fd, chunk, sizeof(chunk))) > 0)
		buf_add(&text, chunk, (size_t)got);
	if (got < 0)
		rc = fail(FS_EUSAGE, "job '%s': cannot read: %s", path, strerror(errno));
	close(fd);
	if (!rc) {
		size_t skip = text.len >= 3 && !memcmp(buf_str(&text), utf8_bom, 3) ? 3 : 0;
		*root = json_loadb(buf_str(&text) + skip, text.len - skip, JSON_REJECT_DUPLICATES, jerr);
	}
	buf_release(&text);
	return rc;
}

int job_load(struct job **out, const char *path)
{
	return job_load_flags(out, path, 0);
}

static job_field_check field_check;

void job_set_field_check(job_field_check check)
{
	field_check = check;
}

int job_load_flags(struct job **out, const char *path, unsigned flags)
{
	struct loader ld = { NULL, path, flags };
	json_error_t jerr;
	struct job *job;
	int i, rc;

	*out = NULL;
	job = xcalloc(1, sizeof(*job));
	ld.job = job;
	job->path = xstrdup(path);
	job->dir = dir_of(path);
	for (i = 0; i < ENTITY_COUNT; i++) {
		job->entities[i].kind = (enum entity_kind)i;
		job->entities[i].name = entity_names[i];
		job->entities[i].product_type_default = "goods";
	}
	if ((rc = read_job_text(path, &job->root, &jerr))) {
		job_free(job);
		return rc;
	}
	if (!job->root) {
		rc = fail(FS_EUSAGE, "job '%s' line %d column %d: %s", path, jerr.line, jerr.column, jerr.text);
		job_free(job);
		return rc;
	}
	if ((rc = load_top(&ld)) || (field_check && (rc = field_check(job)))) {
		job_free(job);
		return rc;
	}
	*out = job;
	return 0;
}

static void endpoint_release(struct endpoint *ep)
{
	xfree(ep->type);
	xfree(ep->api_base);
	xfree(ep->accounts_url);
	xfree(ep->client_id);
	if (ep->client_secret)
		memset(ep->client_secret, 0, strlen(ep->client_secret));
	xfree(ep->client_secret);
	if (ep->refresh_token)
		memset(ep->refresh_token, 0, strlen(ep->refresh_token));
	xfree(ep->refresh_token);
	xfree(ep->organization_id);
	xfree(ep->dir);
	xfree(ep->token_cache);
}

void job_free(struct job *job)
{
	if (!job)
		return;
	endpoint_release(&job->crm);
	endpoint_release(&job->fin);
	xfree(job->path);
	xfree(job->dir);
	xfree(job->name);
	xfree(job->state_dir);
	json_decref(job->deals.stage_order);
	json_decref(job->deals.lost_stages);
	json_decref(job->root);
	xfree(job);
}

struct entity_sync *job_entity(struct job *job, const char *name)
{
	int i;

	for (i = 0; i < ENTITY_COUNT; i++)
		if (!strcmp(entity_names[i], name))
			return &job->entities[i];
	return NULL;
}

const char *entity_view(const struct entity_sync *e, const char *module)
{
	return e->views ? json_string_value(json_object_get(e->views, module)) : NULL;
}
