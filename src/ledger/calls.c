/*
 * calls.c - what a run was expected to cost and what it cost (run_calls,
 * schema v12), and the last reconcile's summary (reconciles): the two
 * figures an implementer of a long import checks against each other.
 */
#include <string.h>
#include <sqlite3.h>
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/ledger.h"
#include "finsync/timeutil.h"
#include "ledger_int.h"

static const char sql_planned_put[] = "INSERT INTO run_calls (run_id, api, planned) VALUES (?1, ?2, ?3) "
				      "ON CONFLICT (run_id, api) DO UPDATE SET planned = excluded.planned";

static const char sql_made_add[] = "INSERT INTO run_calls (run_id, api, made) VALUES (?1, ?2, ?3) "
				   "ON CONFLICT (run_id, api) DO UPDATE SET made = made + excluded.made";

static const char sql_reconcile_put[] = "INSERT INTO reconciles (at, summary, off) VALUES (?1, ?2, ?3)";

static const char sql_reconcile_last[] = "SELECT at, summary, off FROM reconciles ORDER BY id DESC LIMIT 1";

int ledger_run_calls_planned(struct ledger *lg, long run_id, const char *api, long planned)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_planned_put);

	sqlite3_bind_int64(st, 1, run_id);
	lq_bind_text(st, 2, api);
	lq_bind_known(st, 3, planned);
	return lq_step_done(lg, st, "write planned calls");
}

int ledger_run_calls_made(struct ledger *lg, long run_id, const char *api, long calls)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_made_add);

	sqlite3_bind_int64(st, 1, run_id);
	lq_bind_text(st, 2, api);
	sqlite3_bind_int64(st, 3, calls);
	return lq_step_done(lg, st, "write calls made");
}

int ledger_reconcile_put(struct ledger *lg, const char *summary, long off)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_reconcile_put);
	char now[ISO_TIME_LEN];

	time_now_iso(now);
	lq_bind_text(st, 1, now);
	lq_bind_text(st, 2, summary);
	sqlite3_bind_int64(st, 3, off);
	return lq_step_done(lg, st, "write reconcile summary");
}

int ledger_reconcile_last(struct ledger *lg, char **at, char **summary, long *off)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_reconcile_last);
	int rc;

	*at = *summary = NULL;
	*off = 0;
	if ((rc = lq_step_row(lg, st, "read reconcile summary")) == 1) {
		*at = lq_column_dup(st, 0);
		*summary = lq_column_dup(st, 1);
		*off = (long)sqlite3_column_int64(st, 2);
	}
	lq_step_end(st);
	return rc;
}

static const char sql_persons_count[] = "SELECT count(*) FROM person_links";

/* Records whose latest event is a skip (a duplicate, a decision) and that no link holds. */
static const char sql_skipped_count[] =
	"SELECT count(*) FROM events e WHERE e.entity = ?1 AND e.action = 'skip' AND e.crm_id IS NOT NULL"
	" AND e.id = (SELECT max(id) FROM events WHERE entity = e.entity AND crm_id = e.crm_id)"
	" AND NOT EXISTS (SELECT 1 FROM links l WHERE l.entity = e.entity AND l.crm_id = e.crm_id"
	"   AND l.state = 'linked')";

long ledger_skipped_count(struct ledger *lg, const char *entity)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_skipped_count);
	long long n = 0;

	lq_bind_text(st, 1, entity);
	return lq_query_one(lg, st, NULL, &n, "count skipped records") < 0 ? -1 : (long)n;
}

long ledger_person_links_count(struct ledger *lg)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_persons_count);
	long long n = 0;

	return lq_query_one(lg, st, NULL, &n, "count person links") < 0 ? -1 : (long)n;
}
