/*
 * events.c - one row per record and run saying what happened to it (the
 * audit trail), and the questions later runs ask of it: what failed, what
 * a record's last outcome was, whether a finance record was matched.
 */
#include <string.h>
#include <sqlite3.h>
#include <jansson.h>
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/ledger.h"
#include "finsync/timeutil.h"
#include "ledger_int.h"

static const char sql_event_add[] =
	"INSERT INTO events (run_id, entity, crm_id, finance_id, action, match, reason, at, crm_module) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";

static const char sql_event_action[] =
	"SELECT action FROM events WHERE run_id = ?1 AND entity = ?2 AND crm_id = ?3 "
	"ORDER BY id DESC LIMIT 1";

static const char sql_event_anonymous[] =
	"SELECT action FROM events WHERE run_id = ?1 AND entity = ?2 AND crm_id IS NULL "
	"AND reason = ?3 LIMIT 1";

static const char sql_failed_ids[] =
	"SELECT crm_id FROM events e WHERE entity = ?1 AND crm_module = ?2 AND action = 'failed' "
	"AND id = (SELECT max(id) FROM events WHERE entity = e.entity AND crm_id = e.crm_id) "
	"ORDER BY crm_id";

static const char sql_event_last[] =
	"SELECT action, reason FROM events WHERE entity = ?1 AND crm_id = ?2 ORDER BY id DESC LIMIT 1";

static const char sql_finance_matched[] =
	"SELECT 1 FROM events WHERE entity = ?1 AND finance_id = ?2 AND crm_module IS NOT NULL "
	"AND action IN ('skip', 'ambiguous', 'create', 'update', 'unchanged') LIMIT 1";

/* Records whose latest event is a failure. */
static const char sql_failed_count[] =
	"SELECT count(*) FROM (SELECT max(id) AS last FROM events WHERE crm_id IS NOT NULL"
	"   GROUP BY entity, crm_id) l JOIN events e ON e.id = l.last WHERE e.action = 'failed'";

static const char sql_problems[] =
	"SELECT entity, crm_module, crm_id, finance_id, action, match, reason FROM events"
	" WHERE run_id = ?1 AND action IN ('failed', 'invalid', 'ambiguous') ORDER BY id LIMIT ?2";

static const char sql_unsynced[] =
	"SELECT e.entity, e.action, count(*) FROM events e"
	" WHERE e.run_id = ?1 AND e.action IN ('failed', 'invalid', 'ambiguous')"
	" AND (e.crm_id IS NULL OR e.id = (SELECT max(id) FROM events WHERE run_id = e.run_id"
	"                                  AND entity = e.entity AND crm_id = e.crm_id))"
	" GROUP BY e.entity, e.action ORDER BY e.entity, e.action";

static const char sql_problems_count[] =
	"SELECT count(*) FROM events WHERE run_id = ?1 AND action IN ('failed', 'invalid', 'ambiguous')";

int ledger_event_add(struct ledger *lg, long run_id, const char *entity, const char *crm_module, const char *crm_id,
		     const char *finance_id, const char *action, const char *match, const char *reason)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_event_add);
	char now[ISO_TIME_LEN];

	time_now_iso(now);
	sqlite3_bind_int64(st, 1, run_id);
	lq_bind_text(st, 2, entity);
	lq_bind_text(st, 3, crm_id);
	lq_bind_text(st, 4, finance_id);
	lq_bind_text(st, 5, action);
	lq_bind_text(st, 6, match ? match : "");
	lq_bind_text(st, 7, reason);
	lq_bind_text(st, 8, now);
	lq_bind_text(st, 9, crm_module);
	return lq_step_done(lg, st, "write event");
}

int ledger_event_action(struct ledger *lg, long run_id, const char *entity, const char *crm_id, char **action)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_event_action);

	*action = NULL;
	sqlite3_bind_int64(st, 1, run_id);
	lq_bind_text(st, 2, entity);
	lq_bind_text(st, 3, crm_id);
	return lq_query_one(lg, st, action, NULL, "read event");
}

int ledger_event_action_by_reason(struct ledger *lg, long run_id, const char *entity, const char *reason, char **action)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_event_anonymous);

	*action = NULL;
	sqlite3_bind_int64(st, 1, run_id);
	lq_bind_text(st, 2, entity);
	lq_bind_text(st, 3, reason);
	return lq_query_one(lg, st, action, NULL, "read event");
}

int ledger_failed_ids(struct ledger *lg, const char *entity, const char *crm_module, json_t **ids)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_failed_ids);

	lq_bind_text(st, 1, entity);
	lq_bind_text(st, 2, crm_module);
	return lq_query_ids(lg, st, ids, "read failed records");
}

int ledger_event_last(struct ledger *lg, const char *entity, const char *crm_id, char **action, char **reason)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_event_last);
	char **const cols[] = { action, reason };

	lq_bind_text(st, 1, entity);
	lq_bind_text(st, 2, crm_id);
	return lq_read_row(lg, st, "read event", cols, 2);
}

/*
 * Whether the CRM-to-finance plan matched this finance record to a CRM
 * record and left it (a duplicate skipped, an ambiguous match): both-ways
 * sync must not send it to the CRM as new (index events_finance, v5).
 */
int ledger_finance_matched(struct ledger *lg, const char *entity, const char *finance_id)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_finance_matched);
	int rc;

	lq_bind_text(st, 1, entity);
	lq_bind_text(st, 2, finance_id);
	rc = lq_step_row(lg, st, "read events");
	lq_step_end(st);
	return rc;
}

int ledger_failed_count(struct ledger *lg, long *n)
{
	long long count = 0;
	int rc = lq_query_one(lg, lq_stmt(lg, sql_failed_count), NULL, &count, "count failed records");

	*n = (long)count;
	return rc < 0 ? rc : 0;
}

int ledger_problems_count(struct ledger *lg, long run_id, long *total)
{
	return lq_count_of_run(lg, sql_problems_count, run_id, total, "read events");
}

int ledger_problems_each(struct ledger *lg, long run_id, long max, int (*fn)(const struct event_row *e, void *ud),
			 void *ud)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_problems);
	int rc, stop = 0;

	sqlite3_bind_int64(st, 1, run_id);
	sqlite3_bind_int64(st, 2, max);
	while (!stop && (rc = lq_step_row(lg, st, "read events")) == 1) {
		struct event_row e = {
			.entity = (const char *)sqlite3_column_text(st, 0),
			.crm_module = (const char *)sqlite3_column_text(st, 1),
			.crm_id = (const char *)sqlite3_column_text(st, 2),
			.finance_id = (const char *)sqlite3_column_text(st, 3),
			.action = (const char *)sqlite3_column_text(st, 4),
			.match = (const char *)sqlite3_column_text(st, 5),
			.reason = (const char *)sqlite3_column_text(st, 6),
		};
		stop = fn(&e, ud);
	}
	lq_step_end(st);
	return stop ? stop : rc < 0 ? rc : 0;
}

int ledger_unsynced_each(struct ledger *lg, long run_id,
			 int (*fn)(const char *entity, const char *action, long count, void *ud), void *ud)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_unsynced);
	int rc, stop = 0;

	sqlite3_bind_int64(st, 1, run_id);
	while (!stop && (rc = lq_step_row(lg, st, "read events")) == 1)
		stop = fn((const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
			  (long)sqlite3_column_int64(st, 2), ud);
	lq_step_end(st);
	return stop ? stop : rc < 0 ? rc : 0;
}
