/*
 * decisions.c - what an analyst decided in `finsync review --apply` for a
 * CRM record the transform could not settle (schema v3).
 */
#include <string.h>
#include <sqlite3.h>
#include <jansson.h>
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/ledger.h"
#include "finsync/timeutil.h"
#include "ledger_int.h"

static const char sql_decision_put[] =
	"INSERT INTO decisions (entity, crm_id, crm_module, decision, finance_id, decided_at) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
	"ON CONFLICT (entity, crm_id) DO UPDATE SET crm_module = excluded.crm_module, "
	"decision = excluded.decision, finance_id = excluded.finance_id, "
	"decided_at = excluded.decided_at";

static const char sql_decision_get[] =
	"SELECT entity, crm_id, crm_module, decision, finance_id, decided_at "
	"FROM decisions WHERE entity = ?1 AND crm_id = ?2";

static const char sql_decision_ids[] =
	"SELECT d.crm_id FROM decisions d WHERE d.entity = ?1 AND d.crm_module = ?2 "
	"AND d.decision IN ('link', 'create') AND NOT EXISTS (SELECT 1 FROM links l "
	"WHERE l.entity = d.entity AND l.crm_id = d.crm_id AND l.state = 'linked') "
	"ORDER BY d.crm_id";

int ledger_decision_put(struct ledger *lg, const struct decision *d)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_decision_put);
	char now[ISO_TIME_LEN];

	time_now_iso(now);
	lq_bind_text(st, 1, d->entity);
	lq_bind_text(st, 2, d->crm_id);
	lq_bind_text(st, 3, d->crm_module);
	lq_bind_text(st, 4, d->decision);
	lq_bind_text(st, 5, d->finance_id);
	lq_bind_text(st, 6, d->decided_at ? d->decided_at : now);
	return lq_step_done(lg, st, "write decision");
}

int ledger_decision_get(struct ledger *lg, const char *entity, const char *crm_id, struct decision *out)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_decision_get);
	char **const cols[] = {
		&out->entity, &out->crm_id, &out->crm_module, &out->decision, &out->finance_id, &out->decided_at
	};

	memset(out, 0, sizeof(*out));
	lq_bind_text(st, 1, entity);
	lq_bind_text(st, 2, crm_id);
	return lq_read_row(lg, st, "read decision", cols, sizeof(cols) / sizeof(cols[0]));
}

int ledger_decision_ids(struct ledger *lg, const char *entity, const char *crm_module, json_t **ids)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_decision_ids);

	lq_bind_text(st, 1, entity);
	lq_bind_text(st, 2, crm_module);
	return lq_query_ids(lg, st, ids, "read decisions");
}

void decision_release(struct decision *d)
{
	xfree(d->entity);
	xfree(d->crm_id);
	xfree(d->crm_module);
	xfree(d->decision);
	xfree(d->finance_id);
	xfree(d->decided_at);
	memset(d, 0, sizeof(*d));
}
