/*
 * server.c - libmicrohttpd plumbing: one struct req per request, the body
 * collected under a cap, routing by path prefix, the request log and the
 * answer (with the fault switches that delay, cut or drop it).
 *
 * MHD runs a small pool of threads; each request is handled with sb->lock
 * held (see sb.h), except for an injected delay, which sleeps unlocked.
 */
#include "../sb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#define LOG_KEEP 200000 /* request-log entries kept */

struct cut_body {
	char *data;
	size_t len, send;
};

const char *req_arg(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *req_header(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *req_query(struct req *r)
{
	const char *q = r->uri ? strchr(r->uri, '?') : NULL;

	return q ? q + 1 : "";
}

void reply_json(struct req *r, int status, json_t *body)
{
	free(r->resp);
	r->status = status;
	r->resp = ndjson_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(15));
	r->resp_len = r->resp ? strlen(r->resp) : 0;
	json_decref(body);
}

void reply_empty(struct req *r, int status)
{
	free(r->resp);
	r->resp = NULL;
	r->resp_len = 0;
	r->status = status;
}

void reply_header(struct req *r, const char *name, const char *value)
{
	int i;

	for (i = 0; i < r->nhdrs; i++) {
		if (strcmp(r->hdr_name[i], name) == 0) {
			free(r->hdr_value[i]);
			r->hdr_value[i] = xstrdup(value);
			return;
		}
	}
	if (r->nhdrs >= REQ_MAX_HDRS)
		return;
	r->hdr_name[r->nhdrs] = xstrdup(name);
	r->hdr_value[r->nhdrs++] = xstrdup(value);
}

int path_split(const char *path, const char *prefix, char *buf, size_t buflen, char **seg, int max)
{
	size_t plen = strlen(prefix);
	char *p;
	int n = 0;

	if (strncmp(path, prefix, plen) != 0)
		return -1;
	path += plen;
	if (!*path)
		return 0;
	if (*path != '/' || strlen(path) >= buflen)
		return -1;
	memcpy(buf, path + 1, strlen(path));
	for (p = buf; p; n++) {
		if (n == max)
			return -1;
		seg[n] = p;
		p = strchr(p, '/');
		if (p)
			*p++ = '\0';
		if (!*seg[n])
			return -1;
	}
	return n;
}

/* A JSON body, or the legacy form field JSONString=… (Zoho finance). */
static json_t *parse_body(struct req *r, json_error_t *err)
{
	const char *ct = req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
	json_t *v;
	char *text;

	if (!r->body || !r->body_len) {
		memset(err, 0, sizeof(*err));
		snprintf(err->text, sizeof(err->text), "empty body");
		return NULL;
	}
	if (ct && strncmp(ct, "application/x-www-form-urlencoded", 33) == 0 &&
	    strncmp(r->body, "JSONString=", 11) == 0) {
		text = url_decode(r->body + 11, r->body_len - 11);
		v = ndjson_parse(text, strlen(text), JSON_REJECT_DUPLICATES, err);
		free(text);
		return v;
	}
	return ndjson_parse(r->body, r->body_len, JSON_REJECT_DUPLICATES, err);
}

/* Parsing needs no shared state: done before the lock, other requests go on meanwhile. */
static void parse_body_early(struct req *r)
{
	if (!r->body || !r->body_len || r->body_too_big)
		return;
	r->body_json = parse_body(r, &r->body_err);
	r->body_parsed = 1;
}

json_t *req_json_body(struct req *r, json_error_t *err)
{
	json_t *v;

	if (!r->body_parsed)
		return parse_body(r, err);
	v = r->body_json;
	*err = r->body_err;
	r->body_json = NULL;
	r->body_parsed = 0;
	return v;
}

/* The query string with secrets blanked, for the log. */
static char *redacted_query(const char *q)
{
	static const char *const secret[] = { "client_secret", "refresh_token", "code", "access_token", NULL };
	struct buf b = BUF_INIT;
	const char *p = q, *amp, *eq;
	char *key;

	while (*p) {
		amp = strchr(p, '&');
		if (!amp)
			amp = p + strlen(p);
		eq = memchr(p, '=', (size_t)(amp - p));
		key = xstrndup(p, (size_t)((eq ? eq : amp) - p));
		if (b.len)
			buf_adds(&b, "&");
		if (eq && str_in(key, secret))
			buf_addf(&b, "%s=REDACTED", key);
		else
			buf_add(&b, p, (size_t)(amp - p));
		free(key);
		p = *amp ? amp + 1 : amp;
	}
	return buf_detach(&b);
}

static void log_request(struct req *r)
{
	struct store *st = r->sb->st;
	sqlite3_stmt *s;
	char at[40];
	char *q = redacted_query(req_query(r));
	sqlite3_int64 seq;

	fmt_log_time(at);
	s = store_stmt(st, "INSERT INTO requests(method, path, query, status, api, at)"
			   " VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
	sqlite3_bind_text(s, 1, r->method, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, r->path, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, q, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 4, r->status);
	sqlite3_bind_text(s, 5, r->api, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, at, -1, SQLITE_STATIC);
	sqlite3_step(s);
	sqlite3_reset(s);
	seq = sqlite3_last_insert_rowid(store_db(st));
	if (seq % 10000 == 0 && seq > LOG_KEEP) {
		s = store_stmt(st, "DELETE FROM requests WHERE seq <= ?1");
		sqlite3_bind_int64(s, 1, seq - LOG_KEEP);
		sqlite3_step(s);
		sqlite3_reset(s);
	}
	if (!r->sb->quiet)
		fprintf(stderr, SB_NAME ": %s %s%s%s %d\n", r->method, r->path, *q ? "?" : "", q, r->status);
	free(q);
}

static const struct {
	const char *prefix;
	const char *api;
	void (*handle)(struct req *r);
} routes[] = {
	{ "/oauth/", "oauth", oauth_handle },       { "/crm/", "crm", crm_handle },
	{ "/books/", "books", finance_handle },     { "/invoice/", "invoice", finance_handle },
	{ "/billing/", "billing", finance_handle }, { "/inventory/", "inventory", finance_handle },
};

static void dispatch(struct req *r)
{
	size_t i;

	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		if (strncmp(r->path, routes[i].prefix, strlen(routes[i].prefix)) == 0) {
			r->api = routes[i].api;
			if (!faults_apply(r->sb, r))
				routes[i].handle(r);
			return;
		}
	}
	r->api = "unknown";
	reply_json(r, 404, jerr_fin(5, "Invalid URL Passed"));
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0)
		;
}

static void handle(struct req *r)
{
	struct sandbox *sb = r->sb;

	parse_body_early(r);
	pthread_mutex_lock(&sb->lock);
	store_hold(sb->st);
	if (strncmp(r->path, "/__control", 10) == 0 && (r->path[10] == '/' || !r->path[10])) {
		control_handle(r);
		store_flush(sb->st);
		pthread_mutex_unlock(&sb->lock);
		return;
	}
	if (r->body_too_big) {
		r->api = "unknown";
		reply_json(r, 413, jerr_fin(413, "Request entity too large"));
	} else {
		dispatch(r);
	}
	if (r->delay_ms > 0) {
		pthread_mutex_unlock(&sb->lock);
		sleep_ms(r->delay_ms);
		pthread_mutex_lock(&sb->lock);
	}
	log_request(r);
	store_release(sb->st);
	pthread_mutex_unlock(&sb->lock);
}

static ssize_t cut_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct cut_body *c = cls;
	size_t n;

	if (pos >= c->send)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	n = c->send - (size_t)pos;
	if (n > max)
		n = max;
	memcpy(buf, c->data + pos, n);
	return (ssize_t)n;
}

static void cut_free(void *cls)
{
	struct cut_body *c = cls;

	free(c->data);
	free(c);
}

/* The MHD response; takes r->resp on success. */
static struct MHD_Response *make_response(struct req *r)
{
	struct MHD_Response *resp;
	struct cut_body *c;

	if (!r->resp || !r->resp_len)
		return MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
	if (r->cut && r->resp_len > 1) {
		c = xcalloc(1, sizeof(*c));
		c->data = r->resp;
		c->len = r->resp_len;
		c->send = r->resp_len / 2;
		resp = MHD_create_response_from_callback(c->len, 4096, cut_reader, c, cut_free);
		if (!resp)
			free(c);
	} else {
		resp = MHD_create_response_from_buffer_with_free_callback(r->resp_len, r->resp, free);
	}
	if (resp)
		r->resp = NULL;
	return resp;
}

/*
 * Date by the sandbox clock (moved by POST /__control/clock), the clock its
 * Modified_Time and last_modified_time follow, as a server's Date follows
 * its own clock (RFC 9110 6.6.1).  libmicrohttpd adds none of its own then.
 */
static void add_date(struct req *r, struct MHD_Response *resp)
{
	time_t now = (time_t)sb_now(r->sb);
	struct tm tm;
	char date[64];

	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_DATE, date);
}

static enum MHD_Result answer(struct req *r)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	int i, has_body = r->resp && r->resp_len;

	for (i = 0; i < r->nhdrs; i++)
		if (!strcasecmp(r->hdr_name[i], "Content-Type"))
			has_body = 0; /* a download says its own type */
	if (r->drop)
		return MHD_NO;
	resp = make_response(r);
	if (!resp)
		return MHD_NO;
	if (has_body)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json;charset=UTF-8");
	for (i = 0; i < r->nhdrs; i++)
		MHD_add_response_header(resp, r->hdr_name[i], r->hdr_value[i]);
	add_date(r, resp);
	ret = MHD_queue_response(r->conn, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_size, void **req_cls)
{
	struct req *r = *req_cls;

	(void)cls;
	(void)version;
	if (!r)
		return MHD_NO;
	if (!r->started) {
		r->started = 1;
		r->conn = conn;
		r->method = method;
		r->path = url;
		return MHD_YES;
	}
	if (*upload_size) {
		if (r->body_len + *upload_size > SB_MAX_BODY) {
			r->body_too_big = 1;
		} else {
			r->body = xrealloc(r->body, r->body_len + *upload_size + 1);
			memcpy(r->body + r->body_len, upload_data, *upload_size);
			r->body_len += *upload_size;
			r->body[r->body_len] = '\0';
		}
		*upload_size = 0;
		return MHD_YES;
	}
	handle(r);
	return answer(r);
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct req *r = xcalloc(1, sizeof(*r));

	(void)conn;
	r->sb = cls;
	r->uri = xstrdup(uri ? uri : "");
	r->status = 500;
	r->api = "unknown";
	return r;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls, enum MHD_RequestTerminationCode toe)
{
	struct req *r = *req_cls;
	int i;

	(void)cls;
	(void)conn;
	(void)toe;
	if (!r)
		return;
	for (i = 0; i < r->nhdrs; i++) {
		free(r->hdr_name[i]);
		free(r->hdr_value[i]);
	}
	free(r->resp);
	json_decref(r->body_json);
	free(r->body);
	free(r->uri);
	free(r);
	*req_cls = NULL;
}

int server_start(struct sandbox *sb, struct MHD_Daemon **out)
{
	struct sockaddr_in addr;
	const union MHD_DaemonInfo *info;
	struct MHD_Daemon *d;

	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)sb->port);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	/* MHD's own error log (e.g. a "cut" fault closing a connection) only
	 * when requests are logged too. */
	d = MHD_start_daemon(MHD_USE_AUTO_INTERNAL_THREAD | (sb->quiet ? 0 : MHD_USE_ERROR_LOG), (uint16_t)sb->port,
			     NULL, NULL, on_request, sb, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
			     MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)4, MHD_OPTION_URI_LOG_CALLBACK, on_uri, sb,
			     MHD_OPTION_NOTIFY_COMPLETED, on_completed, sb, MHD_OPTION_CONNECTION_TIMEOUT,
			     (unsigned int)120, MHD_OPTION_CONNECTION_LIMIT, (unsigned int)2000, MHD_OPTION_END);
	if (!d)
		return -1;
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	sb->port = info ? info->port : sb->port;
	snprintf(sb->api_domain, sizeof(sb->api_domain), "http://127.0.0.1:%d", sb->port);
	*out = d;
	return 0;
}

void server_stop(struct MHD_Daemon *d)
{
	if (d)
		MHD_stop_daemon(d);
}
