/*
 * store.c - the sandbox's SQLite store: schema, a cache of prepared
 * statements, transactions, id allocation and two SQL functions.
 *
 * Records are kept as the JSON text the API returns, next to the few columns
 * the queries filter and sort on (sort keys, times as UTC seconds, normalised
 * names).  The caller holds sb->lock around every use.
 *
 * Requests share one transaction (store_hold/store_release), committed
 * after HOLD_REQUESTS requests or by the first request HOLD_MS after it
 * began (and by control requests, and at exit): a commit per request (two,
 * with the request log) was a third of a finance create's cost.  Nobody else
 * reads the store while the sandbox runs, and a --db file is committed at
 * exit; store_begin/commit/rollback are savepoints inside it, so a
 * handler's changes are still all or nothing.
 */
#include "../sb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define STMT_CACHE 96
#define HOLD_REQUESTS 500
#define HOLD_MS 200
#define CRM_ID_BASE 4150868000000300000ULL
#define FIN_ID_BASE 460000000040000ULL

struct cached_stmt {
	char *sql;
	sqlite3_stmt *stmt;
};

struct store {
	sqlite3 *db;
	struct cached_stmt cache[STMT_CACHE];
	int ncache, next_evict;
	unsigned long long next_id;
	int counter_dirty;      /* next_id is ahead of the meta row */
	int held;               /* the shared transaction is open */
	unsigned held_requests; /* requests in it so far */
	struct timespec held_since;
};

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);"
	"CREATE TABLE IF NOT EXISTS crm(module TEXT NOT NULL, id TEXT NOT NULL,"
	" idkey TEXT NOT NULL, ctime INTEGER NOT NULL, mtime INTEGER NOT NULL,"
	" dupkey TEXT, body TEXT NOT NULL, PRIMARY KEY(module, id));"
	"CREATE INDEX IF NOT EXISTS crm_by_idkey ON crm(module, idkey);"
	"CREATE INDEX IF NOT EXISTS crm_by_mtime ON crm(module, mtime, idkey);"
	"CREATE INDEX IF NOT EXISTS crm_by_ctime ON crm(module, ctime, idkey);"
	"CREATE INDEX IF NOT EXISTS crm_by_dup ON crm(module, dupkey);"
	"CREATE TABLE IF NOT EXISTS crm_deleted(seq INTEGER PRIMARY KEY,"
	" module TEXT NOT NULL, id TEXT NOT NULL, idkey TEXT NOT NULL,"
	" type TEXT NOT NULL, dtime INTEGER NOT NULL, body TEXT NOT NULL);"
	"CREATE INDEX IF NOT EXISTS crm_deleted_by_time ON crm_deleted(module, dtime);"
	"CREATE TABLE IF NOT EXISTS crm_related(module TEXT NOT NULL, id TEXT NOT NULL,"
	" relation TEXT NOT NULL, rid TEXT NOT NULL, pos INTEGER NOT NULL,"
	" PRIMARY KEY(module, id, relation, rid));"
	"CREATE TABLE IF NOT EXISTS fin(app TEXT NOT NULL, kind INTEGER NOT NULL,"
	" id TEXT NOT NULL, idkey TEXT NOT NULL, name_key TEXT, sku_key TEXT,"
	" ctype TEXT, ctime INTEGER NOT NULL, mtime INTEGER NOT NULL,"
	" body TEXT NOT NULL, PRIMARY KEY(app, kind, id));"
	"CREATE INDEX IF NOT EXISTS fin_by_name ON fin(app, kind, name_key, idkey);"
	"CREATE INDEX IF NOT EXISTS fin_by_sku ON fin(app, kind, sku_key);"
	"CREATE INDEX IF NOT EXISTS fin_by_ctime ON fin(app, kind, ctime, idkey);"
	"CREATE INDEX IF NOT EXISTS fin_by_mtime ON fin(app, kind, mtime, idkey);"
	"CREATE TABLE IF NOT EXISTS fin_unique(app TEXT NOT NULL, kind INTEGER NOT NULL,"
	" field TEXT NOT NULL, value TEXT NOT NULL, id TEXT NOT NULL,"
	" PRIMARY KEY(app, kind, field, value));"
	"CREATE INDEX IF NOT EXISTS fin_unique_by_id ON fin_unique(app, kind, id);"
	"CREATE TABLE IF NOT EXISTS fin_tx(app TEXT NOT NULL, kind INTEGER NOT NULL,"
	" id TEXT NOT NULL, idkey TEXT NOT NULL, number_key TEXT, customer_id TEXT,"
	" deal_id TEXT, status TEXT, due TEXT, tdate TEXT, amount REAL, balance REAL,"
	" ctime INTEGER NOT NULL, mtime INTEGER NOT NULL, body TEXT NOT NULL,"
	" PRIMARY KEY(app, kind, id));"
	"CREATE INDEX IF NOT EXISTS fin_tx_by_idkey ON fin_tx(app, kind, idkey);"
	"CREATE INDEX IF NOT EXISTS fin_tx_by_customer ON fin_tx(app, kind, customer_id);"
	"CREATE INDEX IF NOT EXISTS fin_tx_by_deal ON fin_tx(app, kind, deal_id);"
	"CREATE INDEX IF NOT EXISTS fin_tx_by_number ON fin_tx(app, kind, number_key);"
	"CREATE INDEX IF NOT EXISTS fin_tx_by_mtime ON fin_tx(app, kind, mtime, idkey);"
	"CREATE TABLE IF NOT EXISTS fin_applied(app TEXT NOT NULL, payment_id TEXT NOT NULL,"
	" invoice_id TEXT NOT NULL, cents INTEGER NOT NULL,"
	" PRIMARY KEY(app, payment_id, invoice_id));"
	"CREATE INDEX IF NOT EXISTS fin_applied_by_invoice ON fin_applied(app, invoice_id);"
	"CREATE TABLE IF NOT EXISTS tokens(token TEXT PRIMARY KEY, client_id TEXT,"
	" refresh TEXT, issued INTEGER, expires INTEGER);"
	"CREATE INDEX IF NOT EXISTS tokens_by_refresh ON tokens(refresh, issued);"
	"CREATE TABLE IF NOT EXISTS token_requests(refresh TEXT, at INTEGER);"
	"CREATE TABLE IF NOT EXISTS requests(seq INTEGER PRIMARY KEY, method TEXT,"
	" path TEXT, query TEXT, status INTEGER, api TEXT, at TEXT);";

/* sb_norm(text): the finance apps' name comparison key. */
static void sql_norm(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *s = (const char *)sqlite3_value_text(argv[0]);
	char *n;

	(void)argc;
	if (!s) {
		sqlite3_result_null(ctx);
		return;
	}
	n = norm_name(s);
	sqlite3_result_text(ctx, n, -1, free);
}

/* sb_match(value, op, needle): op is eq, contains or starts_with, compared
 * after norm_name(). */
static void sql_match(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *v = (const char *)sqlite3_value_text(argv[0]);
	const char *op = (const char *)sqlite3_value_text(argv[1]);
	const char *needle = (const char *)sqlite3_value_text(argv[2]);
	char *a, *b;
	int res = 0;

	(void)argc;
	if (!v || !op || !needle || sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_int(ctx, 0);
		return;
	}
	a = norm_name(v);
	b = norm_name(needle);
	if (strcmp(op, "eq") == 0)
		res = strcmp(a, b) == 0;
	else if (strcmp(op, "contains") == 0)
		res = strstr(a, b) != NULL;
	else if (strcmp(op, "starts_with") == 0)
		res = strncmp(a, b, strlen(b)) == 0;
	free(a);
	free(b);
	sqlite3_result_int(ctx, res);
}

static void load_counter(struct store *st)
{
	sqlite3_stmt *s = store_stmt(st, "SELECT value FROM meta WHERE key='next_id'");

	st->next_id = 1;
	if (sqlite3_step(s) == SQLITE_ROW)
		st->next_id = strtoull((const char *)sqlite3_column_text(s, 0), NULL, 10);
	sqlite3_reset(s);
}

int store_open(struct store **out, const char *path)
{
	struct store *st = xcalloc(1, sizeof(*st));
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, rc;

	*out = NULL;
	/* No allocation statistics: their mutex was on every SQLite malloc. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	if (sqlite3_open_v2(path ? path : ":memory:", &st->db, flags, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_busy_timeout(st->db, 5000);
	if (store_exec(st, "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;") || store_exec(st, schema))
		goto fail;
	sqlite3_create_function(st->db, "sb_norm", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, sql_norm, NULL, NULL);
	sqlite3_create_function(st->db, "sb_match", 3, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, sql_match, NULL, NULL);
	load_counter(st);
	*out = st;
	return 0;
fail:
	rc = fail(FS_EUSAGE, "%s: %s", path ? path : ":memory:", st->db ? sqlite3_errmsg(st->db) : "cannot open");
	store_free(st);
	return rc;
}

void store_free(struct store *st)
{
	int i;

	if (!st)
		return;
	store_flush(st);
	for (i = 0; i < st->ncache; i++) {
		sqlite3_finalize(st->cache[i].stmt);
		free(st->cache[i].sql);
	}
	sqlite3_close(st->db);
	free(st);
}

sqlite3 *store_db(struct store *st)
{
	return st->db;
}

sqlite3_stmt *store_stmt(struct store *st, const char *sql)
{
	struct cached_stmt *c;
	sqlite3_stmt *s = NULL;
	int i;

	for (i = 0; i < st->ncache; i++) {
		if (strcmp(st->cache[i].sql, sql) == 0) {
			sqlite3_reset(st->cache[i].stmt);
			sqlite3_clear_bindings(st->cache[i].stmt);
			return st->cache[i].stmt;
		}
	}
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
		fprintf(stderr, SB_NAME ": BUG: SQL %s: %s\n", sql, sqlite3_errmsg(st->db));
		abort();
	}
	if (st->ncache < STMT_CACHE) {
		c = &st->cache[st->ncache++];
	} else {
		c = &st->cache[st->next_evict];
		st->next_evict = (st->next_evict + 1) % STMT_CACHE;
		sqlite3_finalize(c->stmt);
		free(c->sql);
	}
	c->sql = xstrdup(sql);
	c->stmt = s;
	return s;
}

int store_exec(struct store *st, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, SB_NAME ": SQL: %s\n", msg ? msg : "error");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static void save_counter(struct store *st);

static long ms_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t->tv_sec) * 1000L + (now.tv_nsec - t->tv_nsec) / 1000000L;
}

void store_hold(struct store *st)
{
	/* An error SQLite answers with a rollback of its own ends the transaction too. */
	if (st->held && !sqlite3_get_autocommit(st->db))
		return;
	if (store_exec(st, "BEGIN"))
		return;
	st->held = 1;
	st->held_requests = 0;
	clock_gettime(CLOCK_MONOTONIC, &st->held_since);
}

void store_flush(struct store *st)
{
	if (!st->held)
		return;
	st->held = 0;
	if (sqlite3_get_autocommit(st->db))
		return;
	if (st->counter_dirty)
		save_counter(st);
	store_exec(st, "COMMIT");
}

void store_release(struct store *st)
{
	if (st->held && (++st->held_requests >= HOLD_REQUESTS || ms_since(&st->held_since) >= HOLD_MS))
		store_flush(st);
}

/* A cached statement run once (sqlite3_exec() would prepare it each time). */
static void run_cached(struct store *st, const char *sql)
{
	sqlite3_stmt *s = store_stmt(st, sql);

	if (sqlite3_step(s) != SQLITE_DONE)
		fprintf(stderr, SB_NAME ": SQL %s: %s\n", sql, sqlite3_errmsg(st->db));
	sqlite3_reset(s);
}

void store_begin(struct store *st)
{
	run_cached(st, "SAVEPOINT handler");
}

void store_commit(struct store *st)
{
	run_cached(st, "RELEASE handler");
}

void store_rollback(struct store *st)
{
	run_cached(st, "ROLLBACK TO handler");
	run_cached(st, "RELEASE handler");
}

int store_is_seeded(struct store *st)
{
	sqlite3_stmt *s = store_stmt(st, "SELECT 1 FROM meta WHERE key='seeded'");
	int seeded = sqlite3_step(s) == SQLITE_ROW;

	sqlite3_reset(s);
	return seeded;
}

void store_mark_seeded(struct store *st)
{
	store_exec(st, "INSERT OR REPLACE INTO meta VALUES('seeded','1')");
}

static void save_counter(struct store *st)
{
	sqlite3_stmt *s;
	char buf[32];

	snprintf(buf, sizeof(buf), "%llu", st->next_id);
	s = store_stmt(st, "INSERT OR REPLACE INTO meta VALUES('next_id', ?1)");
	sqlite3_bind_text(s, 1, buf, -1, SQLITE_TRANSIENT);
	sqlite3_step(s);
	sqlite3_reset(s);
	st->counter_dirty = 0;
}

/* In the shared transaction the counter is saved once, when it commits. */
static unsigned long long take_id(struct store *st)
{
	unsigned long long n = st->next_id++;

	st->counter_dirty = 1;
	if (!st->held)
		save_counter(st);
	return n;
}

char *store_new_crm_id(struct store *st)
{
	return xasprintf("%llu", CRM_ID_BASE + take_id(st));
}

char *store_new_fin_id(struct store *st)
{
	return xasprintf("%llu", FIN_ID_BASE + take_id(st));
}

void store_note_id(struct store *st, const char *id)
{
	unsigned long long v, base;
	size_t n = strlen(id);

	if (!is_digits(id) || (n != 19 && n != 15))
		return;
	base = n == 19 ? CRM_ID_BASE : FIN_ID_BASE;
	v = strtoull(id, NULL, 10);
	if (v >= base + st->next_id && v - base < 1000000000ULL) {
		st->next_id = v - base;
		take_id(st);
	}
}

long store_next_seq(struct store *st, const char *name)
{
	sqlite3_stmt *s = store_stmt(st, "SELECT value FROM meta WHERE key = ?1");
	char buf[32];
	long n = 1;

	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = strtol((const char *)sqlite3_column_text(s, 0), NULL, 10);
	sqlite3_reset(s);
	snprintf(buf, sizeof(buf), "%ld", n + 1);
	s = store_stmt(st, "INSERT OR REPLACE INTO meta VALUES(?1, ?2)");
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, buf, -1, SQLITE_TRANSIENT);
	sqlite3_step(s);
	sqlite3_reset(s);
	return n;
}

json_t *store_load_json(sqlite3_stmt *s, int col)
{
	const char *text = (const char *)sqlite3_column_text(s, col);
	int n = sqlite3_column_bytes(s, col);

	if (!text)
		return NULL;
	return ndjson_parse(text, (size_t)n, 0, NULL);
}

void q_init(struct sqlq *q, const char *sql)
{
	memset(q, 0, sizeof(*q));
	q->sql = (struct buf)BUF_INIT; /* a zero buf has room for nothing */
	q->binds = json_array();
	buf_adds(&q->sql, sql);
}

void q_release(struct sqlq *q)
{
	buf_release(&q->sql);
	json_decref(q->binds);
}

void q_add(struct sqlq *q, const char *sql, json_t *bind)
{
	buf_adds(&q->sql, sql);
	if (bind)
		json_array_append_new(q->binds, bind);
}

sqlite3_stmt *q_prepare(struct sandbox *sb, struct sqlq *q)
{
	sqlite3_stmt *s = store_stmt(sb->st, q->sql.data);
	size_t i;
	json_t *v;

	json_array_foreach(q->binds, i, v) {
		int n = (int)i + 1;

		if (json_is_string(v))
			sqlite3_bind_text(s, n, json_string_value(v), -1, SQLITE_TRANSIENT);
		else if (json_is_integer(v))
			sqlite3_bind_int64(s, n, json_integer_value(v));
		else if (json_is_real(v))
			sqlite3_bind_double(s, n, json_real_value(v));
		else if (json_is_boolean(v))
			sqlite3_bind_int(s, n, json_is_true(v));
	}
	return s;
}
