/*
 * mappings.c - per entity, the fingerprint of the mapping its records were
 * last loaded with (schema v7): a changed mapping reaches every record.
 */
#include <sqlite3.h>
#include "finsync/err.h"
#include "finsync/ledger.h"
#include "finsync/timeutil.h"
#include "ledger_int.h"

static const char sql_mapping_get[] = "SELECT fingerprint FROM mappings WHERE entity = ?1";

static const char sql_mapping_put[] =
	"INSERT INTO mappings (entity, fingerprint, updated_at, run_id) VALUES (?1, ?2, ?3, ?4) "
	"ON CONFLICT (entity) DO UPDATE SET fingerprint = excluded.fingerprint, "
	"updated_at = excluded.updated_at, run_id = excluded.run_id";

int ledger_mapping_get(struct ledger *lg, const char *entity, char **fingerprint)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_mapping_get);

	*fingerprint = NULL;
	lq_bind_text(st, 1, entity);
	return lq_query_one(lg, st, fingerprint, NULL, "read mapping fingerprint");
}

int ledger_mapping_put(struct ledger *lg, const char *entity, const char *fingerprint, long run_id)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_mapping_put);
	char now[ISO_TIME_LEN];

	time_now_iso(now);
	lq_bind_text(st, 1, entity);
	lq_bind_text(st, 2, fingerprint);
	lq_bind_text(st, 3, now);
	sqlite3_bind_int64(st, 4, run_id);
	return lq_step_done(lg, st, "write mapping fingerprint");
}
