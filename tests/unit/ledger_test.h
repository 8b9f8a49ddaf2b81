/*
 * ledger_test.h - reading a ledger file from a test through a connection of
 * the test's own (the ledger keeps its handle private), so a test asserts
 * the rows that were committed, not what the ledger's functions say.
 * Static inline so a test file may use only some of it.
 */
#ifndef FINSYNC_LEDGER_TEST_H
#define FINSYNC_LEDGER_TEST_H
#include <sqlite3.h>
#include "finsync/alloc.h"

/* The first column of the first row of sql on DIR/ledger.sqlite as a number; -1 when none. */
static inline long long ledger_query_int(const char *dir, const char *sql)
{
	char *path = xasprintf("%s/ledger.sqlite", dir);
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	long long v = -1;

	if (sqlite3_open(path, &db) == SQLITE_OK && sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	xfree(path);
	return v;
}

/* The same as text (xfree() it); NULL when no row or a NULL value. */
static inline char *ledger_query_text(const char *dir, const char *sql)
{
	char *path = xasprintf("%s/ledger.sqlite", dir), *v = NULL;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;

	if (sqlite3_open(path, &db) == SQLITE_OK && sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	xfree(path);
	return v;
}

/* Runs sql on DIR/ledger.sqlite (to build an older file, or damage one): SQLITE_OK or SQLite's code. */
static inline int ledger_exec(const char *dir, const char *sql)
{
	char *path = xasprintf("%s/ledger.sqlite", dir);
	sqlite3 *db = NULL;
	int rc = sqlite3_open(path, &db);

	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
	xfree(path);
	return rc;
}

#endif
