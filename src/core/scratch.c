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
