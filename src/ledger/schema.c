/*
 * schema.c - the ledger's tables, version by version, and the migration
 * that brings an older file up to date in place (PRAGMA user_version).
 * A new table is a new schema_vN here and a migrations[] line.
 */
#include <stdio.h>
#include <string.h>
#include <sqlite3.h>
#include "finsync/err.h"
#include "finsync/ledger.h"
#include "ledger_int.h"

#define SCHEMA_VERSION 12

/* Version 1: the public tables (docs/design.md "The ledger"). */
static const char schema_v1[] =
	"CREATE TABLE IF NOT EXISTS runs ("
	"  id INTEGER PRIMARY KEY, job TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT,"
	"  status TEXT NOT NULL, stages TEXT, error TEXT);"
	"CREATE TABLE IF NOT EXISTS run_stats ("
	"  run_id INTEGER NOT NULL REFERENCES runs(id), entity TEXT NOT NULL, stage TEXT NOT NULL,"
	"  added INTEGER NOT NULL DEFAULT 0, updated INTEGER NOT NULL DEFAULT 0,"
	"  unchanged INTEGER NOT NULL DEFAULT 0, skipped INTEGER NOT NULL DEFAULT 0,"
	"  duplicates INTEGER NOT NULL DEFAULT 0, failed INTEGER NOT NULL DEFAULT 0,"
	"  deleted INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (run_id, entity, stage));"
	"CREATE TABLE IF NOT EXISTS links ("
	"  entity TEXT NOT NULL, crm_id TEXT NOT NULL, finance_id TEXT, origin TEXT NOT NULL DEFAULT 'crm',"
	"  crm_hash TEXT, finance_hash TEXT, state TEXT NOT NULL DEFAULT 'linked', updated_at TEXT NOT NULL,"
	"  PRIMARY KEY (entity, crm_id));"
	"CREATE INDEX IF NOT EXISTS links_finance ON links (entity, finance_id);"
	"CREATE TABLE IF NOT EXISTS events ("
	"  id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES runs(id), entity TEXT NOT NULL,"
	"  crm_id TEXT, finance_id TEXT, action TEXT NOT NULL, match TEXT, reason TEXT, at TEXT NOT NULL);"
	"CREATE INDEX IF NOT EXISTS events_run ON events (run_id, entity);"
	"CREATE TABLE IF NOT EXISTS watermarks ("
	"  entity TEXT PRIMARY KEY, modified_since TEXT NOT NULL, run_id INTEGER);"
	"CREATE TABLE IF NOT EXISTS deal_links ("
	"  deal_id TEXT PRIMARY KEY, kind TEXT NOT NULL, finance_id TEXT, state TEXT);";

/*
 * Version 2: the job's state (paused, disabled), create intents (written
 * before a create is sent, so a rerun after a kill knows to look for the
 * record instead of creating it again) and API calls per day (the budget).
 */
static const char schema_v2[] =
	"CREATE TABLE IF NOT EXISTS job_state (key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS intents ("
	"  entity TEXT NOT NULL, crm_id TEXT NOT NULL, run_id INTEGER NOT NULL, crm_hash TEXT,"
	"  created_at TEXT NOT NULL, PRIMARY KEY (entity, crm_id));"
	"CREATE TABLE IF NOT EXISTS api_usage ("
	"  api TEXT NOT NULL, day TEXT NOT NULL, calls INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (api, day));"
	"CREATE INDEX IF NOT EXISTS events_record ON events (run_id, entity, crm_id);"
	"CREATE INDEX IF NOT EXISTS events_crm ON events (entity, crm_id);"
	"ALTER TABLE events ADD COLUMN crm_module TEXT;";

/*
 * Version 3: the analysts' review decisions (finsync review --apply), one per
 * CRM record: link it to a finance record, create it, or skip it for good.
 * The transform follows them right after the ledger link.
 */
static const char schema_v3[] =
	"CREATE TABLE IF NOT EXISTS decisions ("
	"  entity TEXT NOT NULL, crm_id TEXT NOT NULL, crm_module TEXT,"
	"  decision TEXT NOT NULL CHECK (decision IN ('link', 'create', 'skip')),"
	"  finance_id TEXT, decided_at TEXT NOT NULL,"
	"  CHECK ((decision = 'link') = (finance_id IS NOT NULL)),"
	"  PRIMARY KEY (entity, crm_id));";

/*
 * Version 4: deal_links keyed by (deal_id, kind), since a quote-mode deal
 * can have its quote and the invoice made from it, with the hash of the
 * deal fields the transaction was last written with; and the financial
 * summary's hash per CRM record (written back only when it changed).
 */
static const char schema_v4[] =
	"CREATE TABLE deal_links_v4 ("
	"  deal_id TEXT NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('quote', 'invoice')), finance_id TEXT,"
	"  state TEXT NOT NULL, hash TEXT, updated_at TEXT, PRIMARY KEY (deal_id, kind));"
	"INSERT INTO deal_links_v4 (deal_id, kind, finance_id, state) "
	"  SELECT deal_id, kind, finance_id, coalesce(state, 'draft') FROM deal_links "
	"  WHERE kind IN ('quote', 'invoice');"
	"DROP TABLE deal_links;"
	"ALTER TABLE deal_links_v4 RENAME TO deal_links;"
	"CREATE INDEX IF NOT EXISTS deal_links_finance ON deal_links (kind, finance_id);"
	"CREATE TABLE IF NOT EXISTS summaries ("
	"  entity TEXT NOT NULL, crm_id TEXT NOT NULL, hash TEXT NOT NULL, updated_at TEXT NOT NULL,"
	"  PRIMARY KEY (entity, crm_id));";

struct migration {
	int version;
	const char *sql;
};

/*
 * Version 5: both-ways sync asks, per unlinked finance record, whether the
 * CRM side matched it before: by finance id, so it needs its own index.
 */
static const char schema_v5[] = "CREATE INDEX IF NOT EXISTS events_finance ON events (entity, finance_id);";

/*
 * Version 6: the contact persons finsync added (docs/design.md
 * "Contact persons are kept, not replaced"): one row per CRM contact, the
 * customer it is a person of, its id there and the hash of what was last
 * written.  A person not in this table was not added by finsync and is
 * never touched.
 */
static const char schema_v6[] =
	"CREATE TABLE IF NOT EXISTS person_links ("
	"  crm_contact_id TEXT PRIMARY KEY, finance_customer_id TEXT NOT NULL,"
	"  finance_person_id TEXT NOT NULL, hash TEXT);"
	"CREATE INDEX IF NOT EXISTS person_links_customer ON person_links (finance_customer_id);"
	"CREATE INDEX IF NOT EXISTS person_links_person ON person_links (finance_person_id);";

/*
 * Version 7: per entity, the fingerprint of its effective mapping as last
 * loaded.  When the job's mapping changes, the next run reads and plans
 * every record of the entity again (docs/design.md
 * "A mapping change reaches every record").
 */
static const char schema_v7[] =
	"CREATE TABLE IF NOT EXISTS mappings ("
	"  entity TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, run_id INTEGER, updated_at TEXT NOT NULL);";

/*
 * Version 8: the CRM id of an unlinked finance record, as read by id (list
 * rows carry no custom fields), with the record's last_modified_time: read
 * again only once the record changed (src/stage/extract.c).
 */
static const char schema_v8[] =
	"CREATE TABLE IF NOT EXISTS finance_reads ("
	"  entity TEXT NOT NULL, finance_id TEXT NOT NULL, modified TEXT NOT NULL, crm_id TEXT,"
	"  PRIMARY KEY (entity, finance_id));";

/*
 * Version 9: what a run's history must not guess: the exit status of the
 * process that last worked on the run (NULL while it runs, or when it died
 * before saying), and whether it was a dry run (planned, nothing written).
 */
static const char schema_v9[] =
	"ALTER TABLE runs ADD COLUMN exit_code INTEGER;"
	"ALTER TABLE runs ADD COLUMN dry_run INTEGER NOT NULL DEFAULT 0 CHECK (dry_run IN (0, 1));";

/*
 * Version 10: deal_links takes sales orders (kind 'salesorder'), and
 * money_hash: the hash of the transaction's number, status, total, paid and
 * balance as last written to the deal's CRM fields (sync.deals.crm_fields),
 * so the deal is written only when they change.
 */
static const char schema_v10[] =
	"CREATE TABLE deal_links_v10 ("
	"  deal_id TEXT NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('quote', 'invoice', 'salesorder')),"
	"  finance_id TEXT, state TEXT NOT NULL, hash TEXT, updated_at TEXT, money_hash TEXT,"
	"  PRIMARY KEY (deal_id, kind));"
	"INSERT INTO deal_links_v10 (deal_id, kind, finance_id, state, hash, updated_at) "
	"  SELECT deal_id, kind, finance_id, state, hash, updated_at FROM deal_links;"
	"DROP TABLE deal_links;"
	"ALTER TABLE deal_links_v10 RENAME TO deal_links;"
	"CREATE INDEX IF NOT EXISTS deal_links_finance ON deal_links (kind, finance_id);";

/*
 * Version 11: transactions and the CRM records they pair with
 * (docs/design.md "Transactions"): a CRM quote and the invoice made from it
 * (origin crm; finance_id NULL while its create is pending), a finance
 * transaction and its mirror in a CRM module (origin finance; crm_id NULL
 * until the upsert answered), with the hash of what was last written.
 */
static const char schema_v11[] =
	"CREATE TABLE IF NOT EXISTS transaction_links ("
	"  kind TEXT NOT NULL CHECK (kind IN ('invoice', 'estimate', 'salesorder', 'purchaseorder', 'quote')),"
	"  finance_id TEXT, crm_module TEXT NOT NULL, crm_id TEXT,"
	"  origin TEXT NOT NULL CHECK (origin IN ('crm', 'finance')), hash TEXT, updated_at TEXT NOT NULL,"
	"  CHECK (origin = 'crm' OR finance_id IS NOT NULL), CHECK (origin = 'finance' OR crm_id IS NOT NULL));"
	"CREATE UNIQUE INDEX IF NOT EXISTS transaction_links_crm ON transaction_links (origin, crm_module, crm_id) "
	"  WHERE origin = 'crm';"
	"CREATE UNIQUE INDEX IF NOT EXISTS transaction_links_finance ON transaction_links (origin, kind, finance_id) "
	"  WHERE origin = 'finance';";

/*
 * Version 12: a run's API calls, per API: the calls `finsync plan` would
 * predict for it (planned, NULL when it could not say) and the calls it
 * made, so that history shows the estimate beside the cost; and the
 * summary of each `finsync reconcile` (per entity the counts it found; off:
 * the records it found amiss), for the HTML report.
 */
static const char schema_v12[] =
	"CREATE TABLE IF NOT EXISTS run_calls ("
	"  run_id INTEGER NOT NULL, api TEXT NOT NULL, planned INTEGER, made INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (run_id, api));"
	"CREATE TABLE IF NOT EXISTS reconciles ("
	"  id INTEGER PRIMARY KEY, at TEXT NOT NULL, summary TEXT NOT NULL, off INTEGER NOT NULL);";

static const struct migration migrations[] = {
	{ 1, NULL }, /* schema_v1, set below: C cannot take its address in a constant here */
	{ 2, schema_v2 },   { 3, schema_v3 },   { 4, schema_v4 },   { 5, schema_v5 },
	{ 6, schema_v6 },   { 7, schema_v7 },   { 8, schema_v8 },   { 9, schema_v9 },
	{ 10, schema_v10 }, { 11, schema_v11 }, { 12, schema_v12 },
};

/*
 * The financial summary's work space (src/stage/summary.c): one row per
 * finance customer, filled from the app's lists page by page, so that the
 * figures are grouped by SQLite and not held in memory.  A TEMP table: it
 * lives with the connection and is never in the ledger file.
 */
static const char summary_work_sql[] =
	"CREATE TEMP TABLE IF NOT EXISTS summary_work ("
	"  finance_id TEXT PRIMARY KEY, outstanding REAL, overdue INTEGER NOT NULL DEFAULT 0,"
	"  pay_date TEXT, pay_amount REAL, pay_key TEXT);"
	"CREATE TEMP TABLE IF NOT EXISTS reconcile_crm (crm_id TEXT PRIMARY KEY);"
	"CREATE TEMP TABLE IF NOT EXISTS reconcile_fin (finance_id TEXT PRIMARY KEY, crm_id TEXT, modified INTEGER);"
	"CREATE INDEX IF NOT EXISTS temp.reconcile_fin_crm ON reconcile_fin (crm_id);"
	"CREATE TEMP TABLE IF NOT EXISTS unlink_keep (entity TEXT NOT NULL, crm_id TEXT NOT NULL,"
	"  PRIMARY KEY (entity, crm_id));";

/*
 * Whether "table.column" exists: SQLite has no ADD COLUMN IF NOT EXISTS, and
 * a file whose version was set back (a restored copy, a test) has it already.
 */
static int column_exists(struct ledger *lg, const char *table_column)
{
	const char *dot = strchr(table_column, '.');
	sqlite3_stmt *st;
	int found = 0;

	if (!dot ||
	    sqlite3_prepare_v2(lg->db, "SELECT count(*) FROM pragma_table_info(?1) WHERE name = ?2", -1, &st, NULL) !=
		    SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, table_column, (int)(dot - table_column), SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, dot + 1, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		found = sqlite3_column_int(st, 0) > 0;
	sqlite3_finalize(st);
	return found;
}

/* The versions that ALTER a table, and the column each adds ("table.column"). */
static const struct {
	int version;
	const char *adds;
} alters[] = {
	{ 9, "runs.exit_code" },
};

/* Whether the version's ALTER was applied already (SQLite would refuse it again). */
static int already_altered(struct ledger *lg, int version)
{
	size_t i;

	for (i = 0; i < sizeof(alters) / sizeof(alters[0]); i++)
		if (alters[i].version == version)
			return column_exists(lg, alters[i].adds);
	return 0;
}

/* Brings an older ledger up to date in place, inside the caller's transaction. */
static int apply_migrations(struct ledger *lg, int from)
{
	char pragma[64];
	size_t i;
	int rc;

	for (i = 0; i < sizeof(migrations) / sizeof(migrations[0]); i++) {
		if (migrations[i].version <= from)
			continue;
		if (!already_altered(lg, migrations[i].version) &&
		    (rc = lq_exec(lg, migrations[i].sql ? migrations[i].sql : schema_v1, "migrate schema")))
			return rc;
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", migrations[i].version);
		if ((rc = lq_exec(lg, pragma, "set schema version")))
			return rc;
	}
	return 0;
}

static int migrate_file(struct ledger *lg)
{
	sqlite3_stmt *st;
	int version = 0, rc;

	if (sqlite3_prepare_v2(lg->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return lq_fail(lg, "read schema version");
	if (sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (version > SCHEMA_VERSION)
		return fail(FS_EABORT, "ledger '%s': schema version %d is newer than this finsync (%d)", lg->path,
			    version, SCHEMA_VERSION);
	if (version == SCHEMA_VERSION)
		return 0;
	if ((rc = lq_exec(lg, "BEGIN IMMEDIATE", "begin migration")))
		return rc;
	rc = apply_migrations(lg, version);
	if (rc) {
		lq_exec(lg, "ROLLBACK", "rollback");
		return rc;
	}
	return lq_exec(lg, "COMMIT", "commit migration");
}

int lq_migrate(struct ledger *lg)
{
	int rc = migrate_file(lg);

	return rc ? rc : lq_exec(lg, summary_work_sql, "create work table");
}
