/*
 * scratch.c - temporary SQLite databases for bounded memory (see scratch.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sqlite3.h>
#include "finsync/alloc.h"
#include "finsync/buf.h"
#include "finsync/err.h"
#include "finsync/keyruns.h"
#include "finsync/rowfile.h"
#include "finsync/scratch.h"

/* FS_EABORT with SQLite's message about db, naming path and what was done. */
static int scratch_fail(sqlite3 *db, const char *path, const char *what)
{
	return fail(FS_EABORT, "scratch database '%s': %s: %s", path, what, db ? sqlite3_errmsg(db) : "out of memory");
}

static void scratch_close(sqlite3 *db, const char *path);

/* Opens path as a new scratch database and runs schema (SQL, may be NULL); 0 or FS_EABORT. */
static int scratch_open(sqlite3 **out, const char *path, const char *schema)
{
	char *pragmas = xasprintf("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; "
				  "PRAGMA locking_mode = EXCLUSIVE; PRAGMA temp_store = FILE; "
				  "PRAGMA cache_size = -%d",
				  SCRATCH_CACHE_KIB);
	sqlite3 *db = NULL;
	int rc = 0;

	*out = NULL;
	unlink(path);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
		rc = scratch_fail(db, path, "open");
	else if (sqlite3_exec(db, pragmas, NULL, NULL, NULL) != SQLITE_OK)
		rc = scratch_fail(db, path, "set up");
	else if (schema && sqlite3_exec(db, schema, NULL, NULL, NULL) != SQLITE_OK)
		rc = scratch_fail(db, path, "create tables");
	xfree(pragmas);
	if (rc) {
		scratch_close(db, path);
		return rc;
	}
	*out = db;
	return 0;
}

/* Prepares sql on db; 0 or FS_EABORT naming path. */
static int scratch_prepare(sqlite3 *db, const char *path, const char *sql, sqlite3_stmt **out)
{
	if (sqlite3_prepare_v2(db, sql, -1, out, NULL) != SQLITE_OK)
		return scratch_fail(db, path, "prepare");
	return 0;
}

/* Closes db and removes path; NULL-safe. */
static void scratch_close(sqlite3 *db, const char *path)
{
	if (db)
		sqlite3_close_v2(db);
	if (path)
		unlink(path);
}

/* ---- a set of strings ---- */

#define SET_BLOOM_BITS ((uint64_t)1 << 23) /* 1 MiB */

struct scratch_set {
	char *path;
	sqlite3 *db;
	sqlite3_stmt *add, *has;
	uint64_t *bloom;
	int failed;
};

struct scratch_set *scratch_set_new(const char *dir, const char *name)
{
	struct scratch_set *s = xcalloc(1, sizeof(*s));

	s->path = xasprintf("%s/%s", dir, name);
	return s;
}

static uint64_t set_hash(const char *key)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *key; key++)
		h = (h ^ (unsigned char)*key) * 0x100000001b3ULL;
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	return h ^ (h >> 32);
}

/* Sets (set) or tests the key's two bits. */
static int set_bloom(struct scratch_set *s, const char *key, int set)
{
	uint64_t h = set_hash(key), a = h & (SET_BLOOM_BITS - 1), b = (h >> 32) & (SET_BLOOM_BITS - 1);

	if (set) {
		s->bloom[a >> 6] |= (uint64_t)1 << (a & 63);
		s->bloom[b >> 6] |= (uint64_t)1 << (b & 63);
		return 1;
	}
	return (s->bloom[a >> 6] >> (a & 63) & 1) && (s->bloom[b >> 6] >> (b & 63) & 1);
}

static int set_open(struct scratch_set *s)
{
	if (s->failed)
		return FS_EABORT;
	if (s->db)
		return 0;
	s->failed = 1;
	if (scratch_open(&s->db, s->path, "CREATE TABLE ids (id TEXT PRIMARY KEY) WITHOUT ROWID; BEGIN") ||
	    scratch_prepare(s->db, s->path, "INSERT OR IGNORE INTO ids VALUES (?1)", &s->add) ||
	    scratch_prepare(s->db, s->path, "SELECT 1 FROM ids WHERE id = ?1", &s->has))
		return FS_EABORT;
	s->bloom = xcalloc(SET_BLOOM_BITS / 64, sizeof(uint64_t));
	s->failed = 0;
	return 0;
}

int scratch_set_add(struct scratch_set *s, const char *key)
{
	int rc;

	if ((rc = set_open(s)))
		return rc;
	set_bloom(s, key, 1);
	sqlite3_bind_text(s->add, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(s->add);
	sqlite3_reset(s->add);
	if (rc != SQLITE_DONE) {
		s->failed = 1;
		return scratch_fail(s->db, s->path, "insert");
	}
	return sqlite3_changes(s->db) > 0;
}

int scratch_set_has(struct scratch_set *s, const char *key)
{
	int rc;

	if (!s->db)
		return s->failed ? FS_EABORT : 0;
	if (!set_bloom(s, key, 0))
		return 0;
	sqlite3_bind_text(s->has, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(s->has);
	sqlite3_reset(s->has);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		s->failed = 1;
		return scratch_fail(s->db, s->path, "read");
	}
	return rc == SQLITE_ROW;
}

int scratch_set_clear(struct scratch_set *s)
{
	if (!s->db)
		return s->failed ? FS_EABORT : 0;
	memset(s->bloom, 0, SET_BLOOM_BITS / 8);
	if (sqlite3_exec(s->db, "DELETE FROM ids", NULL, NULL, NULL) != SQLITE_OK) {
		s->failed = 1;
		return scratch_fail(s->db, s->path, "clear");
	}
	return 0;
}

void scratch_set_free(struct scratch_set *s)
{
	if (!s)
		return;
	sqlite3_finalize(s->add);
	sqlite3_finalize(s->has);
	scratch_close(s->db, s->db ? s->path : NULL);
	xfree(s->bloom);
	xfree(s->path);
	xfree(s);
}

/* ---- texts grouped by a key ---- */

/*
 * One row per text: its group, its member id (length first, so that the
 * key orders ids as numbers) and the text.
 */
#define GROUPS_SCHEMA \
	"CREATE TABLE texts (grp TEXT NOT NULL, mlen INTEGER NOT NULL, " \
	"member TEXT NOT NULL, body TEXT NOT NULL); BEGIN"

struct scratch_groups {
	char *path;
	sqlite3 *db;
	sqlite3_stmt *put, *get, *del;
};

int scratch_groups_open(struct scratch_groups **out, const char *path)
{
	struct scratch_groups *g = xcalloc(1, sizeof(*g));
	int rc;

	*out = g;
	g->path = xstrdup(path);
	if ((rc = scratch_open(&g->db, g->path, GROUPS_SCHEMA)))
		return rc;
	return scratch_prepare(g->db, g->path, "INSERT INTO texts VALUES (?1, ?2, ?3, ?4)", &g->put);
}

int scratch_groups_put(struct scratch_groups *g, const char *group, const char *member, const char *text, size_t len)
{
	int rc;

	sqlite3_bind_text(g->put, 1, group, -1, SQLITE_STATIC);
	sqlite3_bind_int64(g->put, 2, (sqlite3_int64)strlen(member));
	sqlite3_bind_text(g->put, 3, member, -1, SQLITE_STATIC);
	sqlite3_bind_text(g->put, 4, text, (int)len, SQLITE_STATIC);
	rc = sqlite3_step(g->put) == SQLITE_DONE ? 0 : scratch_fail(g->db, g->path, "insert");
	sqlite3_reset(g->put);
	return rc;
}

int scratch_groups_seal(struct scratch_groups *g)
{
	if (sqlite3_exec(g->db, "COMMIT; CREATE INDEX texts_by_group ON texts (grp, mlen, member)", NULL, NULL, NULL) !=
	    SQLITE_OK)
		return scratch_fail(g->db, g->path, "index");
	if (scratch_prepare(g->db, g->path, "SELECT body FROM texts WHERE grp = ?1 ORDER BY mlen, member", &g->get) ||
	    scratch_prepare(g->db, g->path, "DELETE FROM texts WHERE grp = ?1", &g->del))
		return FS_EABORT;
	return 0;
}

int scratch_groups_take(struct scratch_groups *g, const char *group, int (*fn)(const char *text, size_t len, void *ud),
			void *ud, long *n)
{
	int rc, stop = 0;

	*n = 0;
	sqlite3_bind_text(g->get, 1, group, -1, SQLITE_STATIC);
	while (!stop && (rc = sqlite3_step(g->get)) == SQLITE_ROW) {
		(*n)++;
		stop = fn((const char *)sqlite3_column_text(g->get, 0), (size_t)sqlite3_column_bytes(g->get, 0), ud);
	}
	sqlite3_reset(g->get);
	if (stop)
		return stop;
	if (rc != SQLITE_DONE)
		return scratch_fail(g->db, g->path, "read");
	if (!*n)
		return 0;
	sqlite3_bind_text(g->del, 1, group, -1, SQLITE_STATIC);
	rc = sqlite3_step(g->del);
	sqlite3_reset(g->del);
	return rc == SQLITE_DONE ? 0 : scratch_fail(g->db, g->path, "delete");
}

int scratch_groups_each(struct scratch_groups *g, int (*fn)(const char *member, const char *group, void *ud), void *ud)
{
	sqlite3_stmt *st = NULL;
	int rc, stop = 0;

	if ((rc = scratch_prepare(g->db, g->path, "SELECT member, grp FROM texts ORDER BY rowid", &st)))
		return rc;
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW)
		stop = fn((const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1), ud);
	sqlite3_finalize(st);
	if (stop)
		return stop;
	return rc == SQLITE_DONE ? 0 : scratch_fail(g->db, g->path, "read");
}

void scratch_groups_close(struct scratch_groups *g)
{
	if (!g)
		return;
	sqlite3_finalize(g->put);
	sqlite3_finalize(g->get);
	sqlite3_finalize(g->del);
	scratch_close(g->db, g->path);
	xfree(g->path);
	xfree(g);
}

/* ---- rows with keys ---- */

#define COUNTS_SCHEMA "CREATE TABLE counts (k TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID; BEGIN"

/*
 * The rows are appended to a file of their own (util/rowfile.c) and their
 * indexed columns' keys are in sorted runs (util/keyruns.c), filed by a hash
 * of the column and the text.  A bulk import writes a million rows and
 * reads a few thousand back: SQLite's inserts, and its indexes' pages read
 * and written again for keys that come in no order, were a third of the
 * transform (BENCH.md).  A row found by hash is read by rid and its column
 * compared, so a shared hash or a row whose key has changed since matches
 * nothing.  The counters stay in SQLite.
 */
struct scratch_rows {
	char *path; /* "" for SQLite's own temporary file */
	sqlite3 *db;
	sqlite3_stmt *count_get, *count_put;
	struct rowfile *file;
	struct keyruns *keys;
	long long *ids; /* the rids a lookup reads */
	size_t cap_ids;
	unsigned indexed;
	int failed;
};

/* Reports the first failure only; every call after it is refused quietly. */
static int rows_fail(struct scratch_rows *r, const char *what)
{
	if (!r->failed)
		scratch_fail(r->db, r->path, what);
	r->failed = 1;
	return FS_EABORT;
}

static int rows_prepare(struct scratch_rows *r, const char *sql, sqlite3_stmt **st)
{
	if (*st)
		return 0;
	if (sqlite3_prepare_v2(r->db, sql, -1, st, NULL) != SQLITE_OK)
		return rows_fail(r, "prepare");
	return 0;
}

/* Marks the store failed after a failure keyruns or rowfile reported; FS_EABORT. */
static int rows_failed(struct scratch_rows *r)
{
	r->failed = 1;
	return FS_EABORT;
}

int scratch_rows_open(struct scratch_rows **out, const char *path, unsigned indexed)
{
	struct scratch_rows *r = xcalloc(1, sizeof(*r));
	char *keys = path ? xasprintf("%s-keys", path) : NULL, *rows = path ? xasprintf("%s-rows", path) : NULL;
	int col, rc;

	*out = r;
	r->path = xstrdup(path ? path : "");
	r->keys = keyruns_new(keys);
	r->file = rowfile_new(rows, SCRATCH_ROW_TEXTS);
	xfree(keys);
	xfree(rows);
	if ((rc = scratch_open(&r->db, r->path, COUNTS_SCHEMA))) {
		r->failed = 1;
		return rc;
	}
	for (col = 0; col < SCRATCH_ROW_TEXTS; col++)
		if ((indexed >> col & 1) && (rc = scratch_rows_index(r, col)))
			return rc;
	return 0;
}

/* The hash a column's text is filed under: the column is part of it. */
static uint64_t rows_key_hash(int col, const char *text)
{
	return set_hash(text) ^ ((uint64_t)(col + 1) * 0x9e3779b97f4a7c15ULL);
}

static int rows_key_add(struct scratch_rows *r, int col, const char *text, long long rid)
{
	if (!text || !(r->indexed >> col & 1))
		return 0;
	return keyruns_add(r->keys, rows_key_hash(col, text), rid) ? rows_failed(r) : 0;
}

struct backfill {
	struct scratch_rows *r;
	int col;
};

static int backfill_row(long long rid, int kind, const char *const *text, void *ud)
{
	struct backfill *b = ud;

	(void)kind;
	return rows_key_add(b->r, b->col, text[b->col], rid);
}

int scratch_rows_index(struct scratch_rows *r, int col)
{
	struct backfill b = { r, col };

	if (r->failed)
		return FS_EABORT;
	if (r->indexed >> col & 1)
		return 0;
	r->indexed |= 1u << col;
	/* the rows written before: every version (an old one matches nothing) */
	return rowfile_each(r->file, backfill_row, &b) ? rows_failed(r) : 0;
}

int scratch_rows_put(struct scratch_rows *r, const struct scratch_row *const *rows, size_t n)
{
	size_t i;
	int c, rc = 0;

	if (r->failed)
		return FS_EABORT;
	for (i = 0; i < n && !rc; i++) {
		if (rowfile_put(r->file, rows[i]->rid, rows[i]->kind, rows[i]->text))
			return rows_failed(r);
		for (c = 0; c < SCRATCH_ROW_TEXTS && !rc; c++)
			rc = rows_key_add(r, c, rows[i]->text[c], rows[i]->rid);
	}
	return rc;
}

/* Row rid (*row), when there is one: 1, 0 or FS_EABORT. */
static int rows_read(struct scratch_rows *r, long long rid, struct scratch_row *row)
{
	int rc;

	row->rid = rid;
	if ((rc = rowfile_get(r->file, rid, &row->kind, row->text)) < 0)
		return rows_failed(r);
	return rc;
}

int scratch_rows_find(struct scratch_rows *r, int col, const char *key,
		      int (*fn)(const struct scratch_row *row, void *ud), void *ud)
{
	struct scratch_row row;
	const long long *ids;
	size_t i, n;
	int rc, stop = 0;

	if (r->failed)
		return FS_EABORT;
	if (!(r->indexed >> col & 1) && (rc = scratch_rows_index(r, col)))
		return rc;
	if (keyruns_find(r->keys, rows_key_hash(col, key), &ids, &n))
		return rows_failed(r);
	/* fn may call back in: the rids are copied out of the key runs first */
	if (n > r->cap_ids) {
		r->cap_ids = n;
		r->ids = xrealloc(r->ids, n * sizeof(*r->ids));
	}
	memcpy(r->ids, ids, n * sizeof(*ids));
	for (i = 0; i < n && !stop; i++) {
		if ((rc = rows_read(r, r->ids[i], &row)) < 0)
			return rc;
		if (rc && row.text[col] && !strcmp(row.text[col], key))
			stop = fn(&row, ud);
	}
	return stop;
}

int scratch_rows_set(struct scratch_rows *r, long long rid, int col, const char *text)
{
	struct scratch_row row;
	int rc;

	if (r->failed)
		return FS_EABORT;
	if ((rc = rows_read(r, rid, &row)) <= 0) {
		if (!rc)
			fail(FS_EABORT, "scratch rows: row %lld was never written", rid);
		return rows_failed(r);
	}
	/* The other texts are borrowed from the file's read buffer, which a write leaves alone. */
	row.text[col] = text;
	if (rowfile_put(r->file, rid, row.kind, row.text))
		return rows_failed(r);
	return rows_key_add(r, col, text, rid);
}

static int rows_step_done(struct scratch_rows *r, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : rows_fail(r, what);

	sqlite3_reset(st);
	return rc;
}

int scratch_rows_count_get(struct scratch_rows *r, const char *key, long long *n)
{
	int rc;

	*n = 0;
	if (r->failed)
		return FS_EABORT;
	if ((rc = rows_prepare(r, "SELECT n FROM counts WHERE k = ?1", &r->count_get)))
		return rc;
	sqlite3_bind_text(r->count_get, 1, key, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(r->count_get)) == SQLITE_ROW)
		*n = sqlite3_column_int64(r->count_get, 0);
	sqlite3_reset(r->count_get);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : rows_fail(r, "read");
}

int scratch_rows_count_put(struct scratch_rows *r, const char *key, long long n)
{
	int rc;

	if (r->failed)
		return FS_EABORT;
	if ((rc = rows_prepare(r, "INSERT OR REPLACE INTO counts VALUES (?1, ?2)", &r->count_put)))
		return rc;
	sqlite3_bind_text(r->count_put, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(r->count_put, 2, n);
	return rows_step_done(r, r->count_put, "insert");
}

int scratch_rows_failed(const struct scratch_rows *r)
{
	return r->failed ? FS_EABORT : 0;
}

void scratch_rows_close(struct scratch_rows *r)
{
	if (!r)
		return;
	sqlite3_finalize(r->count_get);
	sqlite3_finalize(r->count_put);
	scratch_close(r->db, *r->path ? r->path : NULL);
	rowfile_free(r->file);
	keyruns_free(r->keys);
	xfree(r->ids);
	xfree(r->path);
	xfree(r);
}
