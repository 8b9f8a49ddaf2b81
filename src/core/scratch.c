/*
 * scratch.c - temporary SQLite databases for bounded memory (see scratch.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sqlite3.h>
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/scratch.h"

int scratch_fail(sqlite3 *db, const char *path, const char *what)
{
	return fail(FS_EABORT, "scratch database '%s': %s: %s", path, what,
		    db ? sqlite3_errmsg(db) : "out of memory");
}

int scratch_open(sqlite3 **out, const char *path, const char *schema)
{
	char *pragmas = xasprintf("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; "
				  "PRAGMA locking_mode = EXCLUSIVE; PRAGMA temp_store = FILE; "
				  "PRAGMA cache_size = -%d", SCRATCH_CACHE_KIB);
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

int scratch_prepare(sqlite3 *db, const char *path, const char *sql, sqlite3_stmt **out)
{
	if (sqlite3_prepare_v2(db, sql, -1, out, NULL) != SQLITE_OK)
		return scratch_fail(db, path, "prepare");
	return 0;
}

void scratch_close(sqlite3 *db, const char *path)
{
	if (db)
		sqlite3_close_v2(db);
	if (path)
		unlink(path);
}

/* ---- a set of strings ---- */

#define SET_BLOOM_BITS ((uint64_t)1 << 23)     /* 1 MiB */

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
#define GROUPS_SCHEMA "CREATE TABLE texts (grp TEXT NOT NULL, mlen INTEGER NOT NULL, " \
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

int scratch_groups_put(struct scratch_groups *g, const char *group, const char *member, const char *text,
		       size_t len)
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
	if (sqlite3_exec(g->db, "COMMIT; CREATE INDEX texts_by_group ON texts (grp, mlen, member)", NULL, NULL,
			 NULL) != SQLITE_OK)
		return scratch_fail(g->db, g->path, "index");
	if (scratch_prepare(g->db, g->path, "SELECT body FROM texts WHERE grp = ?1 ORDER BY mlen, member", &g->get) ||
	    scratch_prepare(g->db, g->path, "DELETE FROM texts WHERE grp = ?1", &g->del))
		return FS_EABORT;
	return 0;
}

int scratch_groups_take(struct scratch_groups *g, const char *group,
			int (*fn)(const char *text, size_t len, void *ud), void *ud, long *n)
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

int scratch_groups_each(struct scratch_groups *g, int (*fn)(const char *member, const char *group, void *ud),
			void *ud)
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
