/*
 * reconcile.c - `finsync reconcile`'s comparison, done by SQLite: the CRM
 * ids in scope and the finance records (with the CRM id each carries and
 * its last change) go into two TEMP tables, per entity, and are set against
 * the links.  A million records stay on disk, not in memory.  The
 * definitions (missing, orphaned, doubled, drifted) are docs/design.md's.
 */
#include <string.h>
#include <sqlite3.h>
#include "finsync/err.h"
#include "finsync/ledger.h"
#include "ledger_int.h"

static const char sql_reset[] = "DELETE FROM reconcile_crm; DELETE FROM reconcile_fin;";
static const char sql_crm_put[] = "INSERT OR IGNORE INTO reconcile_crm (crm_id) VALUES (?1)";
static const char sql_fin_put[] =
	"INSERT OR REPLACE INTO reconcile_fin (finance_id, crm_id, modified) VALUES (?1, ?2, ?3)";

static const char sql_in_scope[] = "SELECT count(*) FROM reconcile_crm";
/* In scope with a live link: to a finance record the app holds. */
static const char sql_linked[] =
	"SELECT count(*) FROM reconcile_crm c JOIN links l ON l.entity = ?1 AND l.crm_id = c.crm_id"
	" AND l.state = 'linked' JOIN reconcile_fin f ON f.finance_id = l.finance_id";

/* In scope, no live finance record: not linked to one the app holds, and not skipped by policy. */
static const char sql_missing[] =
	"SELECT c.crm_id, l.finance_id FROM reconcile_crm c"
	" LEFT JOIN links l ON l.entity = ?1 AND l.crm_id = c.crm_id AND l.state = 'linked'"
	" WHERE NOT EXISTS (SELECT 1 FROM reconcile_fin f WHERE f.finance_id = l.finance_id)"
	" AND (l.crm_id IS NOT NULL OR coalesce((SELECT e.action FROM events e WHERE e.entity = ?1"
	"   AND e.crm_id = c.crm_id ORDER BY e.id DESC LIMIT 1), '') <> 'skip')"
	" ORDER BY c.crm_id";

/* A finance record carrying a CRM id that no link pairs with it. */
static const char sql_orphaned[] =
	"SELECT f.crm_id, f.finance_id FROM reconcile_fin f WHERE f.crm_id IS NOT NULL"
	" AND NOT EXISTS (SELECT 1 FROM links l WHERE l.entity = ?1 AND l.crm_id = f.crm_id"
	"   AND l.finance_id = f.finance_id)"
	" ORDER BY f.finance_id";

static const char sql_doubled[] =
	"SELECT crm_id, NULL FROM reconcile_fin WHERE crm_id IS NOT NULL GROUP BY crm_id HAVING count(*) > 1"
	" ORDER BY crm_id";

/* Linked, and changed in the app later than the last write (?2 seconds of clock skew allowed). */
static const char sql_drifted[] =
	"SELECT l.crm_id, l.finance_id FROM links l JOIN reconcile_fin f ON f.finance_id = l.finance_id"
	" WHERE l.entity = ?1 AND l.state = 'linked' AND f.modified IS NOT NULL"
	" AND f.modified > CAST(strftime('%s', l.updated_at) AS INTEGER) + ?2"
	" ORDER BY l.crm_id";

int ledger_reconcile_reset(struct ledger *lg)
{
	return lq_exec(lg, sql_reset, "reset reconcile work");
}

int ledger_reconcile_crm(struct ledger *lg, const char *crm_id)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_crm_put);

	lq_bind_text(st, 1, crm_id);
	return lq_step_done(lg, st, "note a CRM record");
}

int ledger_reconcile_fin(struct ledger *lg, const char *finance_id, const char *crm_id, long long modified)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_fin_put);

	lq_bind_text(st, 1, finance_id);
	lq_bind_text(st, 2, crm_id);
	lq_bind_known(st, 3, modified);
	return lq_step_done(lg, st, "note a finance record");
}

static long count_of(struct ledger *lg, const char *sql, const char *entity)
{
	sqlite3_stmt *st = lq_stmt(lg, sql);
	long long n = 0;

	if (entity)
		lq_bind_text(st, 1, entity);
	return lq_query_one(lg, st, NULL, &n, "count for reconcile") < 0 ? -1 : (long)n;
}

int ledger_reconcile_counts(struct ledger *lg, const char *entity, long *in_scope, long *linked)
{
	*in_scope = count_of(lg, sql_in_scope, NULL);
	*linked = count_of(lg, sql_linked, entity);
	return *in_scope < 0 || *linked < 0 ? FS_EABORT : 0;
}

int ledger_reconcile_each(struct ledger *lg, const char *entity, enum reconcile_kind kind, long skew,
			  int (*fn)(const char *crm_id, const char *finance_id, void *ud), void *ud)
{
	static const char *const sqls[] = { sql_missing, sql_orphaned, sql_doubled, sql_drifted };
	sqlite3_stmt *st = lq_stmt(lg, sqls[kind]);
	int rc, stop = 0;

	if (!st)
		return FS_EABORT;
	lq_bind_text(st, 1, entity);
	if (kind == RECONCILE_DRIFTED)
		sqlite3_bind_int64(st, 2, skew);
	while (!stop && (rc = lq_step_row(lg, st, "read reconcile")) == 1)
		stop = fn((const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1), ud);
	lq_step_end(st);
	return stop ? stop : rc < 0 ? rc : 0;
}
