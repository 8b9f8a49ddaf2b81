/*
 * ledger_int.h - what the files of src/ledger/ share and nothing else sees:
 * the handle, the statement cache and the step helpers.
 *
 * Each file keeps the SQL of its own tables as `static const char sql_x[]`
 * and asks lq_stmt() for the prepared statement: prepared on first use,
 * then bound, stepped and reset for every later call.  lq_stmt() returns
 * NULL after fail() when the statement cannot be prepared; the step helpers
 * below pass a NULL statement on as FS_EABORT (binding one is harmless), so
 * a function reads as bind, step, end and no error is lost.
 */
#ifndef FINSYNC_LEDGER_INT_H
#define FINSYNC_LEDGER_INT_H
#include <stddef.h>
#include <sqlite3.h>
#include <jansson.h>

struct ledger_stmt {
	const char *sql; /* the caller's static text: the cache's key is its address */
	sqlite3_stmt *st;
};

struct ledger {
	sqlite3 *db;
	char *path;
	struct ledger_stmt *stmts;
	size_t nstmts, capstmts;
	int in_tx;
};

/* The prepared statement of sql (a static string), or NULL after fail(). */
sqlite3_stmt *lq_stmt(struct ledger *lg, const char *sql);

/* fail(FS_EABORT) naming the ledger file, what was being done and SQLite's message. */
int lq_fail(struct ledger *lg, const char *what);
/* Runs statements without results (no bindings). */
int lq_exec(struct ledger *lg, const char *sql, const char *what);
/* Binds s, or NULL when s is NULL. */
void lq_bind_text(sqlite3_stmt *st, int i, const char *s);
/* Binds n, or NULL when n is negative (not known: no plan, no modified time). */
void lq_bind_known(sqlite3_stmt *st, int i, long long n);
/* The column as a new string, NULL when NULL. */
char *lq_column_dup(sqlite3_stmt *st, int i);
/* Steps a query: 1 with a row to read, 0 when there is none, <0 on an error. */
int lq_step_row(struct ledger *lg, sqlite3_stmt *st, const char *what);
/* Readies a statement for its next use. */
void lq_step_end(sqlite3_stmt *st);
/* Steps a write statement to completion and resets it. */
int lq_step_done(struct ledger *lg, sqlite3_stmt *st, const char *what);
/*
 * Steps a query for one row and resets it: 1 with column i copied into
 * *cols[i] (new strings, NULL for NULL), 0 no row, <0 error.  The struct
 * readers name their fields once, in column order, instead of a line each.
 */
int lq_read_row(struct ledger *lg, sqlite3_stmt *st, const char *what, char **const cols[], size_t n);
/* Steps a one-column query and resets it: 1 with *text (new) and/or *num, 0 no row, <0 error. */
int lq_query_one(struct ledger *lg, sqlite3_stmt *st, char **text, long long *num, const char *what);
/* The count a one-row query of one run (?1) gives: 0 with *count, <0 error. */
int lq_count_of_run(struct ledger *lg, const char *sql, long run_id, long *count, const char *what);
/* Steps a one-column query of text rows into *ids (a new array; NULL on an error). */
int lq_query_ids(struct ledger *lg, sqlite3_stmt *st, json_t **ids, const char *what);

/* schema.c: brings the file to the current schema and creates the TEMP work tables. */
int lq_migrate(struct ledger *lg);

#endif
