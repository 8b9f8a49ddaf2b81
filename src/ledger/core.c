/*
 * core.c - the SQLite ledger of one job (WAL mode): open, close, the
 * transaction the caller holds, the statement cache and the step helpers
 * the table files (runs.c, links.c, events.c, deals.c, decisions.c,
 * mappings.c) share.
 *
 * Statements are prepared once and reused (bind, step, reset): the load
 * stage writes a link and an event per record, inside transactions the
 * caller opens per batch, never one commit per record.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sqlite3.h>
#include <jansson.h>
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/fsutil.h"
#include "finsync/ledger.h"
#include "ledger_int.h"

int lq_fail(struct ledger *lg, const char *what)
{
	int sys = sqlite3_system_errno(lg->db);
	int code = sqlite3_errcode(lg->db) & 0xff;

	/* "disk I/O error" alone does not say that the disk is full: add the system's reason. */
	if (sys && (code == SQLITE_IOERR || code == SQLITE_FULL || code == SQLITE_CANTOPEN))
		return fail(FS_EABORT, "ledger '%s': %s: %s (%s)", lg->path, what, sqlite3_errmsg(lg->db),
			    strerror(sys));
	return fail(FS_EABORT, "ledger '%s': %s: %s", lg->path, what, sqlite3_errmsg(lg->db));
}

int lq_exec(struct ledger *lg, const char *sql, const char *what)
{
	return sqlite3_exec(lg->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : lq_fail(lg, what);
}

/*
 * A linear search: the ledger has a few dozen statements and the hot ones
 * (link, event, intent) are prepared first, so they are found first.
 */
sqlite3_stmt *lq_stmt(struct ledger *lg, const char *sql)
{
	sqlite3_stmt *st = NULL;
	size_t i;

	for (i = 0; i < lg->nstmts; i++)
		if (lg->stmts[i].sql == sql)
			return lg->stmts[i].st;
	if (sqlite3_prepare_v2(lg->db, sql, -1, &st, NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		lq_fail(lg, "prepare");
		return NULL;
	}
	if (lg->nstmts == lg->capstmts) {
		lg->capstmts = lg->capstmts ? lg->capstmts * 2 : 32;
		lg->stmts = xrealloc(lg->stmts, lg->capstmts * sizeof(*lg->stmts));
	}
	lg->stmts[lg->nstmts].sql = sql;
	lg->stmts[lg->nstmts++].st = st;
	return st;
}

int ledger_open(struct ledger **out, const char *state_dir)
{
	struct ledger *lg = xcalloc(1, sizeof(*lg));
	int rc;

	*out = NULL;
	if ((rc = mkdir_p(state_dir))) {
		xfree(lg);
		return fail_prefix(rc, "state dir");
	}
	lg->path = xasprintf("%s/ledger.sqlite", state_dir);
	/* A ledger made before finsync set its modes (or copied in) is made owner-only too. */
	(void)chmod(lg->path, 0600);
	if (sqlite3_open_v2(lg->path, &lg->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		rc = lq_fail(lg, "open");
		ledger_close(lg);
		return rc;
	}
	sqlite3_busy_timeout(lg->db, 10000);
	if ((rc = lq_exec(lg, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON",
			  "set pragmas")) ||
	    (rc = lq_migrate(lg))) {
		ledger_close(lg);
		return rc;
	}
	*out = lg;
	return 0;
}

void ledger_close(struct ledger *lg)
{
	size_t i;

	if (!lg)
		return;
	if (lg->in_tx)
		ledger_rollback(lg);
	for (i = 0; i < lg->nstmts; i++)
		sqlite3_finalize(lg->stmts[i].st);
	xfree(lg->stmts);
	sqlite3_close(lg->db);
	xfree(lg->path);
	xfree(lg);
}

int ledger_begin(struct ledger *lg)
{
	int rc = lq_exec(lg, "BEGIN IMMEDIATE", "begin");

	if (!rc)
		lg->in_tx = 1;
	return rc;
}

int ledger_commit(struct ledger *lg)
{
	int rc = lq_exec(lg, "COMMIT", "commit");

	if (!rc)
		lg->in_tx = 0;
	return rc;
}

int ledger_read_begin(struct ledger *lg)
{
	int rc = lq_exec(lg, "BEGIN", "begin read");

	if (!rc)
		lg->in_tx = 1;
	return rc;
}

int ledger_read_end(struct ledger *lg)
{
	return ledger_commit(lg);
}

/* Best effort by design: it runs on a path that already failed, whose error is the one to report. */
void ledger_rollback(struct ledger *lg)
{
	sqlite3_exec(lg->db, "ROLLBACK", NULL, NULL, NULL);
	lg->in_tx = 0;
}

void lq_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

void lq_bind_known(sqlite3_stmt *st, int i, long long n)
{
	if (n < 0)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_int64(st, i, n);
}

char *lq_column_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s ? xstrdup((const char *)s) : NULL;
}

int lq_step_row(struct ledger *lg, sqlite3_stmt *st, const char *what)
{
	int rc;

	if (!st)
		return FS_EABORT;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : lq_fail(lg, what);
}

void lq_step_end(sqlite3_stmt *st)
{
	if (!st)
		return;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

int lq_step_done(struct ledger *lg, sqlite3_stmt *st, const char *what)
{
	int rc;

	if (!st)
		return FS_EABORT;
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : lq_fail(lg, what);
	lq_step_end(st);
	return rc;
}

int lq_read_row(struct ledger *lg, sqlite3_stmt *st, const char *what, char **const cols[], size_t n)
{
	int rc = lq_step_row(lg, st, what);
	size_t i;

	for (i = 0; i < n; i++)
		*cols[i] = rc == 1 ? lq_column_dup(st, (int)i) : NULL;
	lq_step_end(st);
	return rc;
}

int lq_query_one(struct ledger *lg, sqlite3_stmt *st, char **text, long long *num, const char *what)
{
	int rc = lq_step_row(lg, st, what);

	if (rc == 1) {
		if (text)
			*text = lq_column_dup(st, 0);
		if (num)
			*num = sqlite3_column_int64(st, 0);
	}
	lq_step_end(st);
	return rc;
}

int lq_count_of_run(struct ledger *lg, const char *sql, long run_id, long *count, const char *what)
{
	sqlite3_stmt *st = lq_stmt(lg, sql);
	long long n = 0;
	int rc;

	sqlite3_bind_int64(st, 1, run_id);
	rc = lq_query_one(lg, st, NULL, &n, what);
	*count = (long)n;
	return rc < 0 ? rc : 0;
}

int lq_query_ids(struct ledger *lg, sqlite3_stmt *st, json_t **ids, const char *what)
{
	int rc;

	*ids = json_array();
	while ((rc = lq_step_row(lg, st, what)) == 1)
		json_array_append_new(*ids, json_string((const char *)sqlite3_column_text(st, 0)));
	lq_step_end(st);
	if (rc < 0) {
		json_decref(*ids);
		*ids = NULL;
	}
	return rc;
}
