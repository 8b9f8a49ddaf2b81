/*
 * oauth.c - the Zoho accounts token endpoint (refresh grant only) and the
 * access-token check every API call makes.
 *
 * Zoho's limits are kept (Kaizen #43 "Tokens and Limitations"; CRM v8
 * token-validity page): at most 10 token requests per refresh token in 10
 * minutes (the 11th gets "Access Denied", HTTP 200 like every token error),
 * at most 15 live access tokens per refresh token (the 16th deletes the
 * oldest), tokens expire after expires_in seconds.  Errors are HTTP 200 with
 * {"error": …}, as Zoho does.  The parameters come in the query (as Zoho's
 * pages show them) or in a form body (application/x-www-form-urlencoded,
 * RFC 6749 §6); a body of another type is not read.
 */
#include "../sb.h"

#include <string.h>
#include <strings.h>
#include <stdlib.h>

#define THROTTLE_WINDOW 600
#define THROTTLE_MAX 10
#define MAX_LIVE_TOKENS 15

/* 1 when the request's body is a form (a Content-Type parameter such as "; charset" may follow). */
static int form_body(struct req *r)
{
	static const char form[] = "application/x-www-form-urlencoded";
	const char *type = req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);

	return type && !strncasecmp(type, form, sizeof(form) - 1) &&
	       (type[sizeof(form) - 1] == '\0' || type[sizeof(form) - 1] == ';');
}

/* A parameter from the query (documented) or a form body; caller frees. */
static char *oauth_param(struct req *r, const char *name)
{
	const char *v = req_arg(r, name), *p, *amp, *eq;
	size_t n = strlen(name);

	if (v)
		return xstrdup(v);
	if (!form_body(r))
		return NULL;
	for (p = r->body; p && *p; p = *amp ? amp + 1 : amp) {
		amp = strchr(p, '&');
		if (!amp)
			amp = p + strlen(p);
		eq = memchr(p, '=', (size_t)(amp - p));
		if (eq && (size_t)(eq - p) == n && strncmp(p, name, n) == 0)
			return url_decode(eq + 1, (size_t)(amp - eq - 1));
	}
	return NULL;
}

static const json_t *find_client(struct sandbox *sb, const char *client_id)
{
	size_t i;
	json_t *c;

	json_array_foreach(sb->oauth_clients, i, c)
		if (str_eq(jstr(c, "client_id"), client_id))
			return c;
	return NULL;
}

static int throttled(struct sandbox *sb, const char *refresh)
{
	sqlite3_stmt *s = store_stmt(sb->st, "SELECT count(*) FROM token_requests"
					     " WHERE refresh = ?1 AND at > ?2");
	int n = 0;

	sqlite3_bind_text(s, 1, refresh, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, sb_now(sb) - THROTTLE_WINDOW);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int(s, 0);
	sqlite3_reset(s);
	return n >= THROTTLE_MAX;
}

static void count_request(struct sandbox *sb, const char *refresh)
{
	sqlite3_stmt *s = store_stmt(sb->st, "INSERT INTO token_requests VALUES(?1, ?2)");

	sqlite3_bind_text(s, 1, refresh, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, sb_now(sb));
	sqlite3_step(s);
	sqlite3_reset(s);
}

static void bump(json_t *counts, const char *key)
{
	json_object_set_new(counts, key, json_integer(json_integer_value(json_object_get(counts, key)) + 1));
}

static char *issue_token(struct sandbox *sb, const char *client_id, const char *refresh)
{
	char a[33], b[33];
	char *tok;
	sqlite3_stmt *s;
	int64_t now = sb_now(sb);

	random_hex(a, 32);
	random_hex(b, 32);
	tok = xasprintf("1000.%s.%s", a, b);
	s = store_stmt(sb->st, "INSERT INTO tokens VALUES(?1, ?2, ?3, ?4, ?5)");
	sqlite3_bind_text(s, 1, tok, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, client_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, refresh, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, now);
	sqlite3_bind_int64(s, 5, now + sb->token_ttl);
	sqlite3_step(s);
	sqlite3_reset(s);
	s = store_stmt(sb->st, "DELETE FROM tokens WHERE refresh = ?1 AND rowid NOT IN"
			       " (SELECT rowid FROM tokens WHERE refresh = ?1"
			       "  ORDER BY issued DESC, rowid DESC LIMIT ?2)");
	sqlite3_bind_text(s, 1, refresh, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, MAX_LIVE_TOKENS);
	sqlite3_step(s);
	sqlite3_reset(s);
	return tok;
}

static json_t *oauth_error(const char *error)
{
	return json_pack("{s:s}", "error", error);
}

static void token_request(struct req *r)
{
	struct sandbox *sb = r->sb;
	char *grant = oauth_param(r, "grant_type");
	char *client_id = oauth_param(r, "client_id");
	char *secret = oauth_param(r, "client_secret");
	char *refresh = oauth_param(r, "refresh_token");
	const json_t *client = NULL;
	char *tok = NULL;

	if (!str_eq(grant, "refresh_token")) {
		reply_json(r, 200, oauth_error("unsupported_grant_type"));
	} else if (!(client = find_client(sb, client_id))) {
		reply_json(r, 200, oauth_error("invalid_client"));
	} else if (!str_eq(jstr(client, "client_secret"), secret)) {
		reply_json(r, 200, oauth_error("invalid_client_secret"));
	} else if (!str_eq(jstr(client, "refresh_token"), refresh)) {
		reply_json(r, 200, oauth_error("invalid_code"));
	} else if (throttled(sb, refresh)) {
		reply_json(r, 200,
			   json_pack("{s:s, s:s}", "error", "Access Denied", "error_description",
				     "You have made too many requests continuously. "
				     "Please try again after some time."));
	} else {
		count_request(sb, refresh);
		bump(sb->refreshes, client_id);
		tok = issue_token(sb, client_id, refresh);
		reply_json(r, 200,
			   json_pack("{s:s, s:s, s:s, s:I}", "access_token", tok, "api_domain", sb->api_domain,
				     "token_type", "Bearer", "expires_in", (json_int_t)sb->token_ttl));
	}
	free(tok);
	free(grant);
	free(client_id);
	free(secret);
	free(refresh);
}

void oauth_handle(struct req *r)
{
	if (strcmp(r->path, "/oauth/v2/token") != 0) {
		reply_json(r, 404, oauth_error("invalid_request"));
		return;
	}
	if (strcmp(r->method, "POST") != 0) {
		reply_header(r, "Allow", "POST");
		reply_json(r, 405, oauth_error("invalid_request"));
		return;
	}
	token_request(r);
}

int oauth_check(struct req *r)
{
	const char *h = req_header(r, MHD_HTTP_HEADER_AUTHORIZATION);
	sqlite3_stmt *s;
	int ok = 0;

	if (!h)
		return 0;
	if (strncmp(h, "Zoho-oauthtoken ", 16) == 0)
		h += 16;
	else if (strncmp(h, "Bearer ", 7) == 0)
		h += 7;
	else
		return 0;
	s = store_stmt(r->sb->st, "SELECT expires FROM tokens WHERE token = ?1");
	sqlite3_bind_text(s, 1, h, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		ok = sqlite3_column_int64(s, 0) > sb_now(r->sb);
	sqlite3_reset(s);
	return ok;
}

void oauth_reset(struct sandbox *sb)
{
	store_exec(sb->st, "DELETE FROM token_requests");
	json_object_clear(sb->refreshes);
}
