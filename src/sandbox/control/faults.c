/*
 * faults.c - the fault-injection table: rules the tests add through
 * /__control/faults (and /__control/reject), each matching requests by path
 * prefix and method, firing `count` times (0: until cleared) after letting
 * `skip` matching requests through.
 *
 * Kinds:
 *   status        answer with HTTP `status` (and `body`, or `raw` text sent
 *                 byte for byte, or the API's usual error body), with
 *                 Retry-After only when `retry_after` is given: Zoho
 *                 documents none, so a test asks for it explicitly
 *   expire_token  answer 401 as for an expired token
 *   delay         wait `delay_ms` before answering
 *   cut           send half the body, then drop the connection
 *   drop          close the connection without an answer
 *   reject        a create/update in `app`/`resource` whose body `field`
 *                 equals `value` gets `status` (400) with `code`/`message`
 *
 * Adding a kind: a name in kinds[], its parameters in fault_parse(), its
 * effect in fire().
 */
#include "../sb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum fkind { F_STATUS, F_EXPIRE, F_DELAY, F_CUT, F_DROP, F_REJECT };

static const char *const kinds[] = { "status", "expire_token", "delay", "cut", "drop", "reject", NULL };

struct fault_rule {
	long id;
	enum fkind kind;
	json_t *spec;       /* the rule as given, for GET */
	const char *prefix; /* borrowed from spec */
	const char *method;
	long count; /* fires left; 0 = unlimited */
	long skip;
	long fired;
};

struct fault_table {
	struct fault_rule *rules;
	size_t n;
	long next_id;
};

struct fault_table *faults_new(void)
{
	return xcalloc(1, sizeof(struct fault_table));
}

static void rule_release(struct fault_rule *f)
{
	json_decref(f->spec);
}

void faults_free(struct fault_table *ft)
{
	size_t i;

	if (!ft)
		return;
	for (i = 0; i < ft->n; i++)
		rule_release(&ft->rules[i]);
	free(ft->rules);
	free(ft);
}

static void remove_at(struct fault_table *ft, size_t i)
{
	rule_release(&ft->rules[i]);
	memmove(&ft->rules[i], &ft->rules[i + 1], (ft->n - i - 1) * sizeof(ft->rules[0]));
	ft->n--;
}

void faults_clear(struct fault_table *ft, const char *kind)
{
	size_t i = 0;

	while (i < ft->n) {
		if (!kind || str_eq(kinds[ft->rules[i].kind], kind))
			remove_at(ft, i);
		else
			i++;
	}
}

static int get_long(const json_t *spec, const char *key, long def, long *out)
{
	const json_t *v = json_object_get(spec, key);

	if (!v || json_is_null(v)) {
		*out = def;
		return 0;
	}
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return -1;
	*out = (long)json_integer_value(v);
	return 0;
}

static int check_reject(const json_t *spec)
{
	static const char *const need[] = { "app", "resource", "field", NULL };
	const char *const *k;
	const json_t *code = json_object_get(spec, "code");

	for (k = need; *k; k++)
		if (!jstr(spec, *k))
			return fail(FS_EINPUT, "reject rule needs a string '%s'", *k);
	if (!json_object_get(spec, "value"))
		return fail(FS_EINPUT, "reject rule needs 'value'");
	if (code && !json_is_integer(code) && !json_is_string(code))
		return fail(FS_EINPUT, "'code' must be a number or a string");
	return 0;
}

static int fault_parse(struct fault_rule *f, const json_t *spec)
{
	const char *kind = jstr(spec, "kind");
	long status, v;
	int i;

	for (i = 0; kinds[i] && !str_eq(kinds[i], kind); i++)
		;
	if (!json_is_object(spec) || !kinds[i])
		return fail(FS_EINPUT, "'kind' must be one of status, expire_token, delay, "
				       "cut, drop, reject");
	f->kind = (enum fkind)i;
	if (get_long(spec, "count", 0, &f->count) || get_long(spec, "skip", 0, &f->skip) ||
	    get_long(spec, "delay_ms", 0, &v) || get_long(spec, "retry_after", 0, &v) ||
	    get_long(spec, "status", f->kind == F_STATUS ? 500 : 400, &status) || status < 100 || status > 599)
		return fail(FS_EINPUT, "count, skip, delay_ms, retry_after and status must be "
				       "non-negative integers (status 100-599)");
	if ((json_object_get(spec, "path_prefix") && !jstr(spec, "path_prefix")) ||
	    (json_object_get(spec, "method") && !jstr(spec, "method")) ||
	    (json_object_get(spec, "raw") && !jstr(spec, "raw")))
		return fail(FS_EINPUT, "path_prefix, method and raw must be strings");
	return f->kind == F_REJECT ? check_reject(spec) : 0;
}

int faults_add(struct fault_table *ft, const json_t *spec)
{
	struct fault_rule f;
	int rc;

	memset(&f, 0, sizeof(f));
	if ((rc = fault_parse(&f, spec)))
		return rc;
	f.id = ++ft->next_id;
	f.spec = json_deep_copy(spec);
	f.prefix = jstr(f.spec, "path_prefix");
	f.method = jstr(f.spec, "method");
	ft->rules = xrealloc(ft->rules, (ft->n + 1) * sizeof(ft->rules[0]));
	ft->rules[ft->n++] = f;
	return 0;
}

json_t *faults_json(const struct fault_table *ft)
{
	json_t *list = json_array(), *r;
	size_t i;

	for (i = 0; i < ft->n; i++) {
		r = json_deep_copy(ft->rules[i].spec);
		json_object_set_new(r, "id", json_integer(ft->rules[i].id));
		json_object_set_new(r, "fired", json_integer(ft->rules[i].fired));
		json_array_append_new(list, r);
	}
	return list;
}

/* Count a match; 1 when the rule fires now. May remove rule i. */
static int take(struct fault_table *ft, size_t i, int *removed)
{
	struct fault_rule *f = &ft->rules[i];

	*removed = 0;
	if (f->skip > 0) {
		f->skip--;
		return 0;
	}
	f->fired++;
	if (f->count > 0 && --f->count == 0) {
		remove_at(ft, i);
		*removed = 1;
	}
	return 1;
}

static json_t *default_body(struct req *r, int status)
{
	if (str_eq(r->api, "crm"))
		return jerr_crm(status == 429 ? "TOO_MANY_REQUESTS" : "INTERNAL_ERROR", NULL,
				status == 429 ? "too many requests" : "Internal Server Error");
	if (str_eq(r->api, "oauth"))
		return json_pack("{s:s}", "error", "server_error");
	if (status == 429)
		return jerr_fin(44, "For security reasons your organization has been blocked "
				    "as it have exceeded the maximum number of requests per minute "
				    "that can originate from an organization.");
	return jerr_fin(status >= 500 ? 1000 : 2, status >= 500 ? "Internal Error" : "Invalid request");
}

/* The effect of one firing; 1 when r is answered. */
static int fire(struct req *r, const json_t *spec, enum fkind kind)
{
	long status = 500, retry = 0, delay = 0;
	char buf[32];

	get_long(spec, "status", 500, &status);
	get_long(spec, "retry_after", 0, &retry);
	get_long(spec, "delay_ms", 0, &delay);
	switch (kind) {
	case F_STATUS:
		if (json_object_get(spec, "retry_after")) {
			snprintf(buf, sizeof(buf), "%ld", retry);
			reply_header(r, "Retry-After", buf);
		}
		reply_json(r, (int)status,
			   json_object_get(spec, "body") ? json_deep_copy(json_object_get(spec, "body"))
							 : default_body(r, (int)status));
		if (jstr(spec, "raw")) { /* an answer the JSON writer would never make (spaces, layout) */
			free(r->resp);
			r->resp = xstrdup(jstr(spec, "raw"));
			r->resp_len = strlen(r->resp);
		}
		return 1;
	case F_EXPIRE:
		if (str_eq(r->api, "crm"))
			reply_json(r, 401, jerr_crm("INVALID_TOKEN", NULL, "invalid oauth token"));
		else
			reply_json(r, 401,
				   jerr_fin(57, "You are not authorized to perform "
						"this operation"));
		return 1;
	case F_DELAY:
		r->delay_ms += delay;
		return 0;
	case F_CUT:
		r->cut = 1;
		return 0;
	case F_DROP:
		r->drop = 1;
		reply_empty(r, 0);
		return 1;
	default:
		return 0;
	}
}

int faults_apply(struct sandbox *sb, struct req *r)
{
	struct fault_table *ft = sb->faults;
	struct fault_rule *f;
	json_t *spec;
	enum fkind kind;
	size_t i = 0;
	int removed, done = 0;

	while (!done && i < ft->n) {
		f = &ft->rules[i];
		if (f->kind == F_REJECT || (f->prefix && strncmp(r->path, f->prefix, strlen(f->prefix)) != 0) ||
		    (f->method && strcasecmp(f->method, r->method) != 0)) {
			i++;
			continue;
		}
		spec = json_incref(f->spec);
		kind = f->kind;
		if (take(ft, i, &removed))
			done = fire(r, spec, kind);
		json_decref(spec);
		if (!removed)
			i++;
	}
	return done;
}

static int same_resource(const char *a, const char *b)
{
	static const char *const contacts[] = { "contacts", "customers", NULL };

	return str_eq(a, b) || (str_in(a, contacts) && str_in(b, contacts));
}

json_t *faults_reject(struct sandbox *sb, const char *app, const char *resource, const json_t *body, int *status)
{
	struct fault_table *ft = sb->faults;
	struct fault_rule *f;
	json_t *answer = NULL;
	long st = 400;
	size_t i;
	int removed;

	for (i = 0; i < ft->n && !answer; i++) {
		f = &ft->rules[i];
		if (f->kind != F_REJECT || !str_eq(jstr(f->spec, "app"), app) ||
		    !same_resource(jstr(f->spec, "resource"), resource) ||
		    !json_equal(json_object_get(body, jstr(f->spec, "field")), json_object_get(f->spec, "value")))
			continue;
		get_long(f->spec, "status", 400, &st);
		answer = json_pack("{s:O?, s:O?, s:O?}", "code", json_object_get(f->spec, "code"), "message",
				   json_object_get(f->spec, "message"), "field", json_object_get(f->spec, "field"));
		if (!take(ft, i, &removed)) {
			json_decref(answer);
			answer = NULL;
		}
		if (removed)
			i--;
	}
	*status = (int)st;
	return answer;
}
