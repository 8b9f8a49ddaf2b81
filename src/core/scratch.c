/*
 * scratch.c - temporary SQLite databases for bounded memory (see scratch.h).
 */
#include <stdio.h>
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
