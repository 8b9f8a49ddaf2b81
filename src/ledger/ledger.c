/*
 * ledger.c - the SQLite ledger of one job (WAL mode).
 *
 * Statements are prepared once and reused (bind, step, reset): the load
 * stage writes a link and an event per record, inside transactions the
 * caller opens per batch, never one commit per record.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sqlite3.h>
#include <jansson.h>
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/fsutil.h"
#include "finsync/ledger.h"
#include "finsync/timeutil.h"

#define SCHEMA_VERSION 9

enum stmt_id {
	ST_LINK_GET, ST_LINK_BY_FIN, ST_LINK_PUT, ST_EVENT_ADD, ST_STATS_ADD,
	ST_STATS_EXISTS, ST_STATE_GET, ST_STATE_SET, ST_INTENT_PUT, ST_INTENT_DEL, ST_INTENT_GET, ST_USAGE_ADD, ST_USAGE_GET, ST_EVENT_ACTION, ST_EVENT_ANONYMOUS, ST_WM_GET, ST_WM_PUT, ST_FAILED_IDS, ST_RUN_START, ST_RUN_LATEST, ST_RUN_GET, ST_RUN_FINISH, ST_RUN_STAGES,
	ST_DECISION_PUT, ST_DECISION_GET, ST_DECISION_IDS,
	ST_DEAL_GET, ST_DEAL_PUT, ST_DEAL_DEL, ST_DEAL_RETRY_IDS, ST_STATS_GET, ST_EVENT_LAST,
	ST_SUMMARY_PUT, ST_WORK_OUTSTANDING, ST_WORK_OVERDUE, ST_WORK_PAYMENT, ST_SUMMARY_ROWS,
	ST_LINKS_EACH, ST_LINKS_COUNT, ST_FINANCE_MATCHED,
	ST_PERSON_GET, ST_PERSON_PUT, ST_PERSON_DEL, ST_PERSONS_OF, ST_PERSON_BY_ID, ST_FIN_READ_GET, ST_FIN_READ_PUT,
	ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
	[ST_LINK_GET] = "SELECT entity, crm_id, finance_id, origin, crm_hash, finance_hash, state, updated_at "
			"FROM links WHERE entity = ?1 AND crm_id = ?2",
	[ST_LINK_BY_FIN] = "SELECT crm_id FROM links WHERE entity = ?1 AND finance_id = ?2 "
			   "AND state != 'source_deleted' LIMIT 1",
	[ST_LINK_PUT] = "INSERT INTO links (entity, crm_id, finance_id, origin, crm_hash, finance_hash, state, updated_at) "
			"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
			"ON CONFLICT (entity, crm_id) DO UPDATE SET finance_id = excluded.finance_id, "
			"origin = excluded.origin, crm_hash = excluded.crm_hash, finance_hash = excluded.finance_hash, "
			"state = excluded.state, updated_at = excluded.updated_at",
	[ST_EVENT_ADD] = "INSERT INTO events (run_id, entity, crm_id, finance_id, action, match, reason, at, crm_module) "
			 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	[ST_STATS_ADD] = "INSERT INTO run_stats (run_id, entity, stage, added, updated, unchanged, skipped, duplicates, failed, deleted) "
			 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
			 "ON CONFLICT (run_id, entity, stage) DO UPDATE SET added = excluded.added, "
			 "updated = excluded.updated, unchanged = excluded.unchanged, "
			 "skipped = excluded.skipped, duplicates = excluded.duplicates, "
			 "failed = excluded.failed, deleted = excluded.deleted",
	[ST_STATS_EXISTS] = "SELECT 1 FROM run_stats WHERE run_id = ?1 AND entity = ?2 AND stage = ?3",
	[ST_STATE_GET] = "SELECT value FROM job_state WHERE key = ?1",
	[ST_STATE_SET] = "INSERT INTO job_state (key, value, updated_at) VALUES (?1, ?2, ?3) "
			 "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
	[ST_INTENT_PUT] = "INSERT OR REPLACE INTO intents (entity, crm_id, run_id, crm_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
	[ST_INTENT_DEL] = "DELETE FROM intents WHERE entity = ?1 AND crm_id = ?2",
	[ST_INTENT_GET] = "SELECT run_id FROM intents WHERE entity = ?1 AND crm_id = ?2",
	[ST_USAGE_ADD] = "INSERT INTO api_usage (api, day, calls) VALUES (?1, ?2, ?3) "
			 "ON CONFLICT (api, day) DO UPDATE SET calls = calls + excluded.calls",
	[ST_USAGE_GET] = "SELECT calls FROM api_usage WHERE api = ?1 AND day = ?2",
	[ST_EVENT_ACTION] = "SELECT action FROM events WHERE run_id = ?1 AND entity = ?2 AND crm_id = ?3 "
			    "ORDER BY id DESC LIMIT 1",
	[ST_EVENT_ANONYMOUS] = "SELECT action FROM events WHERE run_id = ?1 AND entity = ?2 AND crm_id IS NULL "
			       "AND reason = ?3 LIMIT 1",
	[ST_WM_GET] = "SELECT modified_since FROM watermarks WHERE entity = ?1",
	[ST_WM_PUT] = "INSERT INTO watermarks (entity, modified_since, run_id) VALUES (?1, ?2, ?3) "
		      "ON CONFLICT (entity) DO UPDATE SET modified_since = excluded.modified_since, run_id = excluded.run_id",
	[ST_FIN_READ_GET] = "SELECT crm_id FROM finance_reads WHERE entity = ?1 AND finance_id = ?2 AND modified = ?3",
	[ST_FIN_READ_PUT] = "INSERT INTO finance_reads (entity, finance_id, modified, crm_id) VALUES (?1, ?2, ?3, ?4) "
			    "ON CONFLICT (entity, finance_id) DO UPDATE SET modified = excluded.modified, "
			    "crm_id = excluded.crm_id",
	[ST_FINANCE_MATCHED] = "SELECT 1 FROM events WHERE entity = ?1 AND finance_id = ?2 AND crm_module IS NOT NULL "
			       "AND action IN ('skip', 'ambiguous', 'create', 'update', 'unchanged') LIMIT 1",
	[ST_FAILED_IDS] = "SELECT crm_id FROM events e WHERE entity = ?1 AND crm_module = ?2 AND action = 'failed' "
			  "AND id = (SELECT max(id) FROM events WHERE entity = e.entity AND crm_id = e.crm_id) "
			  "ORDER BY crm_id",
	[ST_RUN_START] = "INSERT INTO runs (job, started_at, status, stages) VALUES (?1, ?2, 'running', ?3)",
	[ST_RUN_LATEST] = "SELECT id, job, started_at, finished_at, status, stages, error FROM runs ORDER BY id DESC LIMIT 1",
	[ST_RUN_GET] = "SELECT id, job, started_at, finished_at, status, stages, error FROM runs WHERE id = ?1",
	[ST_RUN_FINISH] = "UPDATE runs SET finished_at = ?2, status = ?3, error = ?4 WHERE id = ?1",
	[ST_RUN_STAGES] = "UPDATE runs SET stages = ?2 WHERE id = ?1",
	[ST_DECISION_PUT] = "INSERT INTO decisions (entity, crm_id, crm_module, decision, finance_id, decided_at) "
			    "VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
			    "ON CONFLICT (entity, crm_id) DO UPDATE SET crm_module = excluded.crm_module, "
			    "decision = excluded.decision, finance_id = excluded.finance_id, "
			    "decided_at = excluded.decided_at",
	[ST_DECISION_GET] = "SELECT entity, crm_id, crm_module, decision, finance_id, decided_at "
			    "FROM decisions WHERE entity = ?1 AND crm_id = ?2",
	[ST_DECISION_IDS] = "SELECT d.crm_id FROM decisions d WHERE d.entity = ?1 AND d.crm_module = ?2 "
			    "AND d.decision IN ('link', 'create') AND NOT EXISTS (SELECT 1 FROM links l "
			    "WHERE l.entity = d.entity AND l.crm_id = d.crm_id AND l.state = 'linked') "
			    "ORDER BY d.crm_id",
	[ST_PERSON_GET] = "SELECT crm_contact_id, finance_customer_id, finance_person_id, hash FROM person_links "
			  "WHERE crm_contact_id = ?1",
	/* An upsert keeps the row's rowid: "the oldest linked contact" is the lowest rowid. */
	[ST_PERSON_PUT] = "INSERT INTO person_links (crm_contact_id, finance_customer_id, finance_person_id, hash) "
			  "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (crm_contact_id) DO UPDATE SET "
			  "finance_customer_id = excluded.finance_customer_id, "
			  "finance_person_id = excluded.finance_person_id, hash = excluded.hash",
	[ST_PERSON_DEL] = "DELETE FROM person_links WHERE crm_contact_id = ?1",
	[ST_PERSON_BY_ID] = "SELECT crm_contact_id FROM person_links WHERE finance_person_id = ?1",
	[ST_PERSONS_OF] = "SELECT crm_contact_id, finance_customer_id, finance_person_id, hash FROM person_links "
			  "WHERE finance_customer_id = ?1 ORDER BY rowid",
	[ST_DEAL_GET] = "SELECT deal_id, kind, finance_id, state, hash, updated_at FROM deal_links "
			"WHERE deal_id = ?1 AND kind = ?2",
	[ST_DEAL_PUT] = "INSERT INTO deal_links (deal_id, kind, finance_id, state, hash, updated_at) "
			"VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
			"ON CONFLICT (deal_id, kind) DO UPDATE SET finance_id = excluded.finance_id, "
			"state = excluded.state, hash = excluded.hash, updated_at = excluded.updated_at",
	[ST_DEAL_DEL] = "DELETE FROM deal_links WHERE deal_id = ?1 AND kind = ?2",
	[ST_DEAL_RETRY_IDS] = "SELECT crm_id FROM events e WHERE entity = 'deals' AND action IN ('failed', 'skip') "
			      "AND id = (SELECT max(id) FROM events WHERE entity = e.entity AND crm_id = e.crm_id) "
			      "UNION SELECT deal_id FROM deal_links WHERE state = 'pending' ORDER BY 1",
	[ST_STATS_GET] = "SELECT added, updated, unchanged, skipped, duplicates, failed, deleted FROM run_stats "
			 "WHERE run_id = ?1 AND entity = ?2 AND stage = ?3",
	[ST_EVENT_LAST] = "SELECT action, reason FROM events WHERE entity = ?1 AND crm_id = ?2 ORDER BY id DESC LIMIT 1",
	[ST_SUMMARY_PUT] = "INSERT INTO summaries (entity, crm_id, hash, updated_at) VALUES (?1, ?2, ?3, ?4) "
			   "ON CONFLICT (entity, crm_id) DO UPDATE SET hash = excluded.hash, updated_at = excluded.updated_at",
	[ST_WORK_OUTSTANDING] = "INSERT INTO temp.summary_work (finance_id, outstanding) VALUES (?1, ?2) "
				"ON CONFLICT (finance_id) DO UPDATE SET outstanding = excluded.outstanding",
	[ST_WORK_OVERDUE] = "INSERT INTO temp.summary_work (finance_id, overdue) VALUES (?1, 1) "
			    "ON CONFLICT (finance_id) DO UPDATE SET overdue = overdue + 1",
	/* The latest payment wins: by date, then by the app's order key (its time or id). */
	[ST_WORK_PAYMENT] = "INSERT INTO temp.summary_work (finance_id, pay_date, pay_amount, pay_key) VALUES (?1, ?2, ?3, ?4) "
			    "ON CONFLICT (finance_id) DO UPDATE SET pay_date = excluded.pay_date, "
			    "pay_amount = excluded.pay_amount, pay_key = excluded.pay_key "
			    "WHERE pay_date IS NULL OR excluded.pay_date > pay_date "
			    "OR (excluded.pay_date = pay_date AND excluded.pay_key > pay_key)",
	[ST_SUMMARY_ROWS] = "SELECT l.crm_id, l.finance_id, (SELECT crm_module FROM events e WHERE e.entity = l.entity "
			    "AND e.crm_id = l.crm_id AND e.crm_module IS NOT NULL ORDER BY e.id DESC LIMIT 1), "
			    "w.outstanding, coalesce(w.overdue, 0), w.pay_date, w.pay_amount, s.hash "
			    "FROM links l LEFT JOIN temp.summary_work w ON w.finance_id = l.finance_id "
			    "LEFT JOIN summaries s ON s.entity = l.entity AND s.crm_id = l.crm_id "
			    "WHERE l.entity = ?1 AND l.state = 'linked' AND l.finance_id IS NOT NULL AND l.crm_id > ?2 "
			    "ORDER BY l.crm_id LIMIT ?3",
	/* ?2: only records finsync created (origin crm and a create event for that finance id). */
	[ST_LINKS_EACH] = "SELECT entity, crm_id, finance_id, origin, crm_hash, finance_hash, state, updated_at "
			  "FROM links l WHERE entity = ?1 AND finance_id IS NOT NULL AND (NOT ?2 OR (origin = 'crm' "
			  "AND EXISTS (SELECT 1 FROM events e WHERE e.entity = l.entity AND e.crm_id = l.crm_id "
			  "AND e.finance_id = l.finance_id AND e.action = 'create'))) ORDER BY crm_id",
	[ST_LINKS_COUNT] = "SELECT count(*) FROM links WHERE entity = ?1",
};

/* Version 1: the public tables of DESIGN.md. */
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
static const char schema_v5[] =
	"CREATE INDEX IF NOT EXISTS events_finance ON events (entity, finance_id);";

/*
 * Version 6: the contact persons finsync added (DESIGN.md "Contact persons
 * are kept, not replaced"): one row per CRM contact, the customer it is a
 * person of, its id there and the hash of what was last written.  A person
 * not in this table was not added by finsync and is never touched.
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
 * every record of the entity again (DESIGN.md "A mapping change reaches
 * every record").
 */
static const char schema_v7[] =
	"CREATE TABLE IF NOT EXISTS mappings ("
	"  entity TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, run_id INTEGER, updated_at TEXT NOT NULL);";

/*
 * Version 9: the CRM id of an unlinked finance record, as read by id (list
 * rows carry no custom fields), with the record's last_modified_time: read
 * again only once the record changed (src/stage/extract.c).
 */
static const char schema_v9[] =
	"CREATE TABLE IF NOT EXISTS finance_reads ("
	"  entity TEXT NOT NULL, finance_id TEXT NOT NULL, modified TEXT NOT NULL, crm_id TEXT,"
	"  PRIMARY KEY (entity, finance_id));";

static const struct migration migrations[] = {
	{ 1, NULL },     /* schema_v1, set below: C cannot take its address in a constant here */
	{ 2, schema_v2 },
	{ 3, schema_v3 },
	{ 4, schema_v4 },
	{ 5, schema_v5 },
	{ 6, schema_v6 },
	{ 7, schema_v7 },
	{ 9, schema_v9 },
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
	"CREATE TEMP TABLE IF NOT EXISTS unlink_keep (entity TEXT NOT NULL, crm_id TEXT NOT NULL,"
	"  PRIMARY KEY (entity, crm_id));";

struct ledger {
	sqlite3 *db;
	char *path;
	sqlite3_stmt *stmt[ST_COUNT];
	int in_tx;
};

static int db_fail(struct ledger *lg, const char *what)
{
	return fail(FS_EABORT, "ledger '%s': %s: %s", lg->path, what, sqlite3_errmsg(lg->db));
}

static int exec(struct ledger *lg, const char *sql, const char *what)
{
	return sqlite3_exec(lg->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : db_fail(lg, what);
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
		if ((rc = exec(lg, migrations[i].sql ? migrations[i].sql : schema_v1, "migrate schema")))
			return rc;
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", migrations[i].version);
		if ((rc = exec(lg, pragma, "set schema version")))
			return rc;
	}
	return 0;
}

static int migrate(struct ledger *lg)
{
	sqlite3_stmt *st;
	int version = 0, rc;

	if (sqlite3_prepare_v2(lg->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return db_fail(lg, "read schema version");
	if (sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (version > SCHEMA_VERSION)
		return fail(FS_EABORT, "ledger '%s': schema version %d is newer than this finsync (%d)",
			    lg->path, version, SCHEMA_VERSION);
	if (version == SCHEMA_VERSION)
		return 0;
	if ((rc = exec(lg, "BEGIN IMMEDIATE", "begin migration")))
		return rc;
	rc = apply_migrations(lg, version);
	if (rc) {
		exec(lg, "ROLLBACK", "rollback");
		return rc;
	}
	return exec(lg, "COMMIT", "commit migration");
}

static int prepare_all(struct ledger *lg)
{
	int i;

	for (i = 0; i < ST_COUNT; i++)
		if (sqlite3_prepare_v2(lg->db, stmt_sql[i], -1, &lg->stmt[i], NULL) != SQLITE_OK)
			return db_fail(lg, "prepare");
	return 0;
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
	if (sqlite3_open_v2(lg->path, &lg->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		rc = db_fail(lg, "open");
		ledger_close(lg);
		return rc;
	}
	sqlite3_busy_timeout(lg->db, 10000);
	if ((rc = exec(lg, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON",
		       "set pragmas")) ||
	    (rc = migrate(lg)) || (rc = exec(lg, summary_work_sql, "create work table")) ||
	    (rc = prepare_all(lg))) {
		ledger_close(lg);
		return rc;
	}
	*out = lg;
	return 0;
}

void ledger_close(struct ledger *lg)
{
	int i;

	if (!lg)
		return;
	if (lg->in_tx)
		ledger_rollback(lg);
	for (i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(lg->stmt[i]);
	sqlite3_close(lg->db);
	xfree(lg->path);
	xfree(lg);
}

struct sqlite3 *ledger_db(struct ledger *lg)
{
	return lg->db;
}

int ledger_begin(struct ledger *lg)
{
	int rc = exec(lg, "BEGIN IMMEDIATE", "begin");

	if (!rc)
		lg->in_tx = 1;
	return rc;
}

int ledger_commit(struct ledger *lg)
{
	int rc = exec(lg, "COMMIT", "commit");

	if (!rc)
		lg->in_tx = 0;
	return rc;
}

void ledger_rollback(struct ledger *lg)
{
	sqlite3_exec(lg->db, "ROLLBACK", NULL, NULL, NULL);
	lg->in_tx = 0;
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static char *column_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s ? xstrdup((const char *)s) : NULL;
}

/* Steps a query: 1 with a row to read, 0 when there is none, <0 on an error. */
static int step_row(struct ledger *lg, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : db_fail(lg, what);
}

/* Readies a statement for its next use. */
static void step_end(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

/* Steps a write statement to completion and resets it. */
static int step_done(struct ledger *lg, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_fail(lg, what);

	step_end(st);
	return rc;
}

int ledger_run_start(struct ledger *lg, const char *job, const char *stages, long *run_id)
{
	sqlite3_stmt *st = lg->stmt[ST_RUN_START];
	char now[ISO_TIME_LEN];
	int rc;

	time_now_iso(now);
	bind_text(st, 1, job);
	bind_text(st, 2, now);
	bind_text(st, 3, stages);
	if ((rc = step_done(lg, st, "start run")))
		return rc;
	*run_id = (long)sqlite3_last_insert_rowid(lg->db);
	return 0;
}

static int read_run(struct ledger *lg, sqlite3_stmt *st, struct run_info *out)
{
	int rc = sqlite3_step(st);

	memset(out, 0, sizeof(*out));
	if (rc == SQLITE_ROW) {
		out->id = (long)sqlite3_column_int64(st, 0);
		out->job = column_dup(st, 1);
		out->started_at = column_dup(st, 2);
		out->finished_at = column_dup(st, 3);
		out->status = column_dup(st, 4);
		out->stages = column_dup(st, 5);
		out->error = column_dup(st, 6);
		rc = 1;
	} else {
		rc = rc == SQLITE_DONE ? 0 : db_fail(lg, "read run");
	}
	step_end(st);
	return rc;
}

int ledger_run_latest(struct ledger *lg, struct run_info *out)
{
	return read_run(lg, lg->stmt[ST_RUN_LATEST], out);
}

int ledger_run_get(struct ledger *lg, long run_id, struct run_info *out)
{
	sqlite3_bind_int64(lg->stmt[ST_RUN_GET], 1, run_id);
	return read_run(lg, lg->stmt[ST_RUN_GET], out);
}

int ledger_run_set_stages(struct ledger *lg, long run_id, const char *stages)
{
	sqlite3_stmt *st = lg->stmt[ST_RUN_STAGES];

	sqlite3_bind_int64(st, 1, run_id);
	bind_text(st, 2, stages);
	return step_done(lg, st, "update run");
}

int ledger_run_finish(struct ledger *lg, long run_id, const char *status, const char *error)
{
	sqlite3_stmt *st = lg->stmt[ST_RUN_FINISH];
	char now[ISO_TIME_LEN];

	time_now_iso(now);
	sqlite3_bind_int64(st, 1, run_id);
	bind_text(st, 2, now);
	bind_text(st, 3, status);
	bind_text(st, 4, error);
	return step_done(lg, st, "finish run");
}

void run_info_release(struct run_info *r)
{
	xfree(r->job);
	xfree(r->started_at);
	xfree(r->finished_at);
	xfree(r->status);
	xfree(r->stages);
	xfree(r->error);
	memset(r, 0, sizeof(*r));
}

int ledger_link_get(struct ledger *lg, const char *entity, const char *crm_id, struct link *out)
{
	sqlite3_stmt *st = lg->stmt[ST_LINK_GET];
	int rc;

	memset(out, 0, sizeof(*out));
	bind_text(st, 1, entity);
	bind_text(st, 2, crm_id);
	if ((rc = step_row(lg, st, "read link")) == 1) {
		out->entity = column_dup(st, 0);
		out->crm_id = column_dup(st, 1);
		out->finance_id = column_dup(st, 2);
		out->origin = column_dup(st, 3);
		out->crm_hash = column_dup(st, 4);
		out->finance_hash = column_dup(st, 5);
		out->state = column_dup(st, 6);
		out->updated_at = column_dup(st, 7);
	}
	step_end(st);
	return rc;
}

int ledger_link_by_finance(struct ledger *lg, const char *entity, const char *finance_id, char **crm_id_out)
{
	sqlite3_stmt *st = lg->stmt[ST_LINK_BY_FIN];
	int rc;

	*crm_id_out = NULL;
	bind_text(st, 1, entity);
	bind_text(st, 2, finance_id);
	if ((rc = step_row(lg, st, "read link")) == 1) {
		*crm_id_out = column_dup(st, 0);
	}
	step_end(st);
	return rc;
}

int ledger_link_put(struct ledger *lg, const struct link *l)
{
	sqlite3_stmt *st = lg->stmt[ST_LINK_PUT];
	char now[ISO_TIME_LEN];

	time_now_iso(now);
	bind_text(st, 1, l->entity);
	bind_text(st, 2, l->crm_id);
	bind_text(st, 3, l->finance_id);
	bind_text(st, 4, l->origin ? l->origin : "crm");
	bind_text(st, 5, l->crm_hash);
	bind_text(st, 6, l->finance_hash);
	bind_text(st, 7, l->state ? l->state : "linked");
	bind_text(st, 8, now);
	return step_done(lg, st, "write link");
}

void link_release(struct link *l)
{
	xfree(l->entity);
	xfree(l->crm_id);
	xfree(l->finance_id);
	xfree(l->origin);
	xfree(l->crm_hash);
	xfree(l->finance_hash);
	xfree(l->state);
	xfree(l->updated_at);
	memset(l, 0, sizeof(*l));
}

int ledger_event_add(struct ledger *lg, long run_id, const char *entity, const char *crm_module,
		     const char *crm_id, const char *finance_id, const char *action, const char *match,
		     const char *reason)
{
	sqlite3_stmt *st = lg->stmt[ST_EVENT_ADD];
	char now[ISO_TIME_LEN];

	time_now_iso(now);
	sqlite3_bind_int64(st, 1, run_id);
	bind_text(st, 2, entity);
	bind_text(st, 3, crm_id);
	bind_text(st, 4, finance_id);
	bind_text(st, 5, action);
	bind_text(st, 6, match ? match : "");
	bind_text(st, 7, reason);
	bind_text(st, 8, now);
	bind_text(st, 9, crm_module);
	return step_done(lg, st, "write event");
}

int ledger_stats_add(struct ledger *lg, long run_id, const char *entity, const char *stage,
		     const struct stats *s)
{
	sqlite3_stmt *st = lg->stmt[ST_STATS_ADD];

	sqlite3_bind_int64(st, 1, run_id);
	bind_text(st, 2, entity);
	bind_text(st, 3, stage);
	sqlite3_bind_int64(st, 4, s->added);
	sqlite3_bind_int64(st, 5, s->updated);
	sqlite3_bind_int64(st, 6, s->unchanged);
	sqlite3_bind_int64(st, 7, s->skipped);
	sqlite3_bind_int64(st, 8, s->duplicates);
	sqlite3_bind_int64(st, 9, s->failed);
	sqlite3_bind_int64(st, 10, s->deleted);
	return step_done(lg, st, "write run stats");
}

int ledger_stats_exist(struct ledger *lg, long run_id, const char *entity, const char *stage)
{
	sqlite3_stmt *st = lg->stmt[ST_STATS_EXISTS];
	int rc;

	sqlite3_bind_int64(st, 1, run_id);
	bind_text(st, 2, entity);
	bind_text(st, 3, stage);
	rc = sqlite3_step(st);
	rc = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : db_fail(lg, "read run stats");
	step_end(st);
	return rc;
}

/* Steps a one-column query; 1 with *out (new string or integer), 0 no row. */
static int query_one(struct ledger *lg, sqlite3_stmt *st, char **text, long long *num, const char *what)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW) {
		if (text)
			*text = column_dup(st, 0);
		if (num)
			*num = sqlite3_column_int64(st, 0);
		rc = 1;
	} else {
		rc = rc == SQLITE_DONE ? 0 : db_fail(lg, what);
	}
	step_end(st);
	return rc;
}

int ledger_state_get(struct ledger *lg, const char *key, char **value)
{
	*value = NULL;
	bind_text(lg->stmt[ST_STATE_GET], 1, key);
	return query_one(lg, lg->stmt[ST_STATE_GET], value, NULL, "read job state");
}

int ledger_state_set(struct ledger *lg, const char *key, const char *value)
{
	sqlite3_stmt *st = lg->stmt[ST_STATE_SET];
	char now[ISO_TIME_LEN];

	time_now_iso(now);
	bind_text(st, 1, key);
	bind_text(st, 2, value);
	bind_text(st, 3, now);
	return step_done(lg, st, "write job state");
}

int ledger_finance_read_get(struct ledger *lg, const char *entity, const char *finance_id, const char *modified,
			    char **crm_id)
{
	sqlite3_stmt *st = lg->stmt[ST_FIN_READ_GET];
	int rc;

	*crm_id = NULL;
	bind_text(st, 1, entity);
	bind_text(st, 2, finance_id);
	bind_text(st, 3, modified);
	if ((rc = step_row(lg, st, "read finance reads")) == 1)
		*crm_id = column_dup(st, 0);
	step_end(st);
	return rc;
}

int ledger_finance_read_put(struct ledger *lg, const char *entity, const char *finance_id, const char *modified,
			    const char *crm_id)
{
	sqlite3_stmt *st = lg->stmt[ST_FIN_READ_PUT];

	bind_text(st, 1, entity);
	bind_text(st, 2, finance_id);
	bind_text(st, 3, modified);
	bind_text(st, 4, crm_id);
	return step_done(lg, st, "write finance read");
}

int ledger_intent_put(struct ledger *lg, const char *entity, const char *crm_id, long run_id, const char *crm_hash)
{
	sqlite3_stmt *st = lg->stmt[ST_INTENT_PUT];
	char now[ISO_TIME_LEN];

	time_now_iso(now);
	bind_text(st, 1, entity);
	bind_text(st, 2, crm_id);
	sqlite3_bind_int64(st, 3, run_id);
	bind_text(st, 4, crm_hash);
	bind_text(st, 5, now);
	return step_done(lg, st, "write intent");
}

int ledger_intent_clear(struct ledger *lg, const char *entity, const char *crm_id)
{
	sqlite3_stmt *st = lg->stmt[ST_INTENT_DEL];

	bind_text(st, 1, entity);
	bind_text(st, 2, crm_id);
	return step_done(lg, st, "clear intent");
}

int ledger_intent_exists(struct ledger *lg, const char *entity, const char *crm_id)
{
	long long run;

	bind_text(lg->stmt[ST_INTENT_GET], 1, entity);
	bind_text(lg->stmt[ST_INTENT_GET], 2, crm_id);
	return query_one(lg, lg->stmt[ST_INTENT_GET], NULL, &run, "read intent");
}

int ledger_usage_add(struct ledger *lg, const char *api, const char *day, long calls)
{
	sqlite3_stmt *st = lg->stmt[ST_USAGE_ADD];

	bind_text(st, 1, api);
	bind_text(st, 2, day);
	sqlite3_bind_int64(st, 3, calls);
	return step_done(lg, st, "write api usage");
}

int ledger_usage_get(struct ledger *lg, const char *api, const char *day, long *calls)
{
	long long n = 0;
	int rc;

	bind_text(lg->stmt[ST_USAGE_GET], 1, api);
	bind_text(lg->stmt[ST_USAGE_GET], 2, day);
	rc = query_one(lg, lg->stmt[ST_USAGE_GET], NULL, &n, "read api usage");
	*calls = (long)n;
	return rc < 0 ? rc : 0;
}

int ledger_event_action(struct ledger *lg, long run_id, const char *entity, const char *crm_id, char **action)
{
	sqlite3_stmt *st = lg->stmt[ST_EVENT_ACTION];

	*action = NULL;
	sqlite3_bind_int64(st, 1, run_id);
	bind_text(st, 2, entity);
	bind_text(st, 3, crm_id);
	return query_one(lg, st, action, NULL, "read event");
}

int ledger_event_action_by_reason(struct ledger *lg, long run_id, const char *entity, const char *reason,
				  char **action)
{
	sqlite3_stmt *st = lg->stmt[ST_EVENT_ANONYMOUS];

	*action = NULL;
	sqlite3_bind_int64(st, 1, run_id);
	bind_text(st, 2, entity);
	bind_text(st, 3, reason);
	return query_one(lg, st, action, NULL, "read event");
}

int ledger_watermark_get(struct ledger *lg, const char *entity, char **since)
{
	*since = NULL;
	bind_text(lg->stmt[ST_WM_GET], 1, entity);
	return query_one(lg, lg->stmt[ST_WM_GET], since, NULL, "read watermark");
}

int ledger_watermark_put(struct ledger *lg, const char *entity, const char *since, long run_id)
{
	sqlite3_stmt *st = lg->stmt[ST_WM_PUT];

	bind_text(st, 1, entity);
	bind_text(st, 2, since);
	sqlite3_bind_int64(st, 3, run_id);
	return step_done(lg, st, "write watermark");
}

json_t *ledger_failed_ids(struct ledger *lg, const char *entity, const char *crm_module)
{
	sqlite3_stmt *st = lg->stmt[ST_FAILED_IDS];
	json_t *ids = json_array();

	bind_text(st, 1, entity);
	bind_text(st, 2, crm_module);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(ids, json_string((const char *)sqlite3_column_text(st, 0)));
	step_end(st);
	return ids;
}

int ledger_decision_put(struct ledger *lg, const struct decision *d)
{
	sqlite3_stmt *st = lg->stmt[ST_DECISION_PUT];
	char now[ISO_TIME_LEN];

	time_now_iso(now);
	bind_text(st, 1, d->entity);
	bind_text(st, 2, d->crm_id);
	bind_text(st, 3, d->crm_module);
	bind_text(st, 4, d->decision);
	bind_text(st, 5, d->finance_id);
	bind_text(st, 6, d->decided_at ? d->decided_at : now);
	return step_done(lg, st, "write decision");
}

int ledger_decision_get(struct ledger *lg, const char *entity, const char *crm_id, struct decision *out)
{
	sqlite3_stmt *st = lg->stmt[ST_DECISION_GET];
	int rc;

	memset(out, 0, sizeof(*out));
	bind_text(st, 1, entity);
	bind_text(st, 2, crm_id);
	if ((rc = step_row(lg, st, "read decision")) == 1) {
		out->entity = column_dup(st, 0);
		out->crm_id = column_dup(st, 1);
		out->crm_module = column_dup(st, 2);
		out->decision = column_dup(st, 3);
		out->finance_id = column_dup(st, 4);
		out->decided_at = column_dup(st, 5);
	}
	step_end(st);
	return rc;
}

json_t *ledger_decision_ids(struct ledger *lg, const char *entity, const char *crm_module)
{
	sqlite3_stmt *st = lg->stmt[ST_DECISION_IDS];
	json_t *ids = json_array();

	bind_text(st, 1, entity);
	bind_text(st, 2, crm_module);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(ids, json_string((const char *)sqlite3_column_text(st, 0)));
	step_end(st);
	return ids;
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

/* ---- deals (schema v4) ---- */

int ledger_deal_link_get(struct ledger *lg, const char *deal_id, const char *kind, struct deal_link *out)
{
	sqlite3_stmt *st = lg->stmt[ST_DEAL_GET];
	int rc;

	memset(out, 0, sizeof(*out));
	bind_text(st, 1, deal_id);
	bind_text(st, 2, kind);
	if ((rc = step_row(lg, st, "read deal link")) == 1) {
		out->deal_id = column_dup(st, 0);
		out->kind = column_dup(st, 1);
		out->finance_id = column_dup(st, 2);
		out->state = column_dup(st, 3);
		out->hash = column_dup(st, 4);
		out->updated_at = column_dup(st, 5);
	}
	step_end(st);
	return rc;
}

int ledger_deal_link_put(struct ledger *lg, const struct deal_link *d)
{
	sqlite3_stmt *st = lg->stmt[ST_DEAL_PUT];
	char now[ISO_TIME_LEN];

	time_now_iso(now);
	bind_text(st, 1, d->deal_id);
	bind_text(st, 2, d->kind);
	bind_text(st, 3, d->finance_id);
	bind_text(st, 4, d->state);
	bind_text(st, 5, d->hash);
	bind_text(st, 6, now);
	return step_done(lg, st, "write deal link");
}

int ledger_deal_link_delete(struct ledger *lg, const char *deal_id, const char *kind)
{
	sqlite3_stmt *st = lg->stmt[ST_DEAL_DEL];

	bind_text(st, 1, deal_id);
	bind_text(st, 2, kind);
	return step_done(lg, st, "delete deal link");
}

static void person_link_read(sqlite3_stmt *st, struct person_link *out)
{
	out->crm_contact_id = column_dup(st, 0);
	out->finance_customer_id = column_dup(st, 1);
	out->finance_person_id = column_dup(st, 2);
	out->hash = column_dup(st, 3);
}

int ledger_person_link_get(struct ledger *lg, const char *crm_contact_id, struct person_link *out)
{
	sqlite3_stmt *st = lg->stmt[ST_PERSON_GET];
	int rc;

	memset(out, 0, sizeof(*out));
	bind_text(st, 1, crm_contact_id);
	if ((rc = step_row(lg, st, "read person link")) == 1)
		person_link_read(st, out);
	step_end(st);
	return rc;
}

int ledger_person_link_by_person(struct ledger *lg, const char *finance_person_id, char **crm_contact_id)
{
	sqlite3_stmt *st = lg->stmt[ST_PERSON_BY_ID];
	int rc;

	*crm_contact_id = NULL;
	bind_text(st, 1, finance_person_id);
	if ((rc = step_row(lg, st, "read person link")) == 1)
		*crm_contact_id = column_dup(st, 0);
	step_end(st);
	return rc;
}

int ledger_person_link_put(struct ledger *lg, const struct person_link *p)
{
	sqlite3_stmt *st = lg->stmt[ST_PERSON_PUT];

	bind_text(st, 1, p->crm_contact_id);
	bind_text(st, 2, p->finance_customer_id);
	bind_text(st, 3, p->finance_person_id);
	bind_text(st, 4, p->hash);
	return step_done(lg, st, "write person link");
}

int ledger_person_link_delete(struct ledger *lg, const char *crm_contact_id)
{
	sqlite3_stmt *st = lg->stmt[ST_PERSON_DEL];

	bind_text(st, 1, crm_contact_id);
	return step_done(lg, st, "delete person link");
}

int ledger_person_links_of(struct ledger *lg, const char *finance_customer_id, struct person_link **out,
			   size_t *n)
{
	sqlite3_stmt *st = lg->stmt[ST_PERSONS_OF];
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	bind_text(st, 1, finance_customer_id);
	while ((rc = step_row(lg, st, "read person links")) == 1) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			*out = xrealloc(*out, cap * sizeof(**out));
		}
		person_link_read(st, &(*out)[(*n)++]);
	}
	step_end(st);
	return rc;
}

void person_link_release(struct person_link *p)
{
	xfree(p->crm_contact_id);
	xfree(p->finance_customer_id);
	xfree(p->finance_person_id);
	xfree(p->hash);
	memset(p, 0, sizeof(*p));
}

void deal_link_release(struct deal_link *d)
{
	xfree(d->deal_id);
	xfree(d->kind);
	xfree(d->finance_id);
	xfree(d->state);
	xfree(d->hash);
	xfree(d->updated_at);
	memset(d, 0, sizeof(*d));
}

json_t *ledger_deal_retry_ids(struct ledger *lg)
{
	sqlite3_stmt *st = lg->stmt[ST_DEAL_RETRY_IDS];
	json_t *ids = json_array();

	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(ids, json_string((const char *)sqlite3_column_text(st, 0)));
	sqlite3_reset(st);
	return ids;
}

int ledger_stats_get(struct ledger *lg, long run_id, const char *entity, const char *stage, struct stats *out)
{
	sqlite3_stmt *st = lg->stmt[ST_STATS_GET];
	int rc;

	memset(out, 0, sizeof(*out));
	sqlite3_bind_int64(st, 1, run_id);
	bind_text(st, 2, entity);
	bind_text(st, 3, stage);
	if ((rc = step_row(lg, st, "read run stats")) == 1) {
		out->added = (long)sqlite3_column_int64(st, 0);
		out->updated = (long)sqlite3_column_int64(st, 1);
		out->unchanged = (long)sqlite3_column_int64(st, 2);
		out->skipped = (long)sqlite3_column_int64(st, 3);
		out->duplicates = (long)sqlite3_column_int64(st, 4);
		out->failed = (long)sqlite3_column_int64(st, 5);
		out->deleted = (long)sqlite3_column_int64(st, 6);
	}
	step_end(st);
	return rc;
}

int ledger_event_last(struct ledger *lg, const char *entity, const char *crm_id, char **action, char **reason)
{
	sqlite3_stmt *st = lg->stmt[ST_EVENT_LAST];
	int rc;

	*action = *reason = NULL;
	bind_text(st, 1, entity);
	bind_text(st, 2, crm_id);
	if ((rc = step_row(lg, st, "read event")) == 1) {
		*action = column_dup(st, 0);
		*reason = column_dup(st, 1);
	}
	step_end(st);
	return rc;
}

/* ---- the financial summary (schema v4, and the TEMP work table) ---- */

int ledger_summary_work_reset(struct ledger *lg)
{
	return exec(lg, "DELETE FROM temp.summary_work", "reset summary work table");
}

int ledger_summary_work_outstanding(struct ledger *lg, const char *finance_id, double amount)
{
	sqlite3_stmt *st = lg->stmt[ST_WORK_OUTSTANDING];

	bind_text(st, 1, finance_id);
	sqlite3_bind_double(st, 2, amount);
	return step_done(lg, st, "write summary work");
}

int ledger_summary_work_overdue(struct ledger *lg, const char *finance_id)
{
	sqlite3_stmt *st = lg->stmt[ST_WORK_OVERDUE];

	bind_text(st, 1, finance_id);
	return step_done(lg, st, "write summary work");
}

int ledger_summary_work_payment(struct ledger *lg, const char *finance_id, const char *date, double amount,
				const char *order_key)
{
	sqlite3_stmt *st = lg->stmt[ST_WORK_PAYMENT];

	bind_text(st, 1, finance_id);
	bind_text(st, 2, date);
	sqlite3_bind_double(st, 3, amount);
	bind_text(st, 4, order_key ? order_key : "");
	return step_done(lg, st, "write summary work");
}

int ledger_summary_rows(struct ledger *lg, const char *entity, const char *after, int limit,
			struct summary_row *rows, int *n)
{
	sqlite3_stmt *st = lg->stmt[ST_SUMMARY_ROWS];
	int rc = 0;

	*n = 0;
	bind_text(st, 1, entity);
	bind_text(st, 2, after ? after : "");
	sqlite3_bind_int(st, 3, limit);
	while (*n < limit && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct summary_row *r = &rows[(*n)++];
		memset(r, 0, sizeof(*r));
		r->crm_id = column_dup(st, 0);
		r->finance_id = column_dup(st, 1);
		r->crm_module = column_dup(st, 2);
		r->has_outstanding = sqlite3_column_type(st, 3) != SQLITE_NULL;
		r->outstanding = sqlite3_column_double(st, 3);
		r->overdue = (long)sqlite3_column_int64(st, 4);
		r->pay_date = column_dup(st, 5);
		r->has_payment = r->pay_date != NULL;
		r->pay_amount = sqlite3_column_double(st, 6);
		r->hash = column_dup(st, 7);
	}
	rc = rc == SQLITE_ROW || rc == SQLITE_DONE || *n == limit ? 0 : db_fail(lg, "read summary rows");
	step_end(st);
	return rc;
}

void summary_row_release(struct summary_row *r)
{
	xfree(r->crm_id);
	xfree(r->finance_id);
	xfree(r->crm_module);
	xfree(r->pay_date);
	xfree(r->hash);
	memset(r, 0, sizeof(*r));
}

int ledger_summary_put(struct ledger *lg, const char *entity, const char *crm_id, const char *hash)
{
	sqlite3_stmt *st = lg->stmt[ST_SUMMARY_PUT];
	char now[ISO_TIME_LEN];

	time_now_iso(now);
	bind_text(st, 1, entity);
	bind_text(st, 2, crm_id);
	bind_text(st, 3, hash);
	bind_text(st, 4, now);
	return step_done(lg, st, "write summary");
}

/* ---- unlink ---- */

int ledger_links_each(struct ledger *lg, const char *entity, int created_only,
		      int (*fn)(const struct link *l, void *ud), void *ud)
{
	sqlite3_stmt *st = lg->stmt[ST_LINKS_EACH];
	int rc;

	bind_text(st, 1, entity);
	sqlite3_bind_int(st, 2, created_only);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct link l = {
			.entity = (char *)sqlite3_column_text(st, 0), .crm_id = (char *)sqlite3_column_text(st, 1),
			.finance_id = (char *)sqlite3_column_text(st, 2), .origin = (char *)sqlite3_column_text(st, 3),
			.crm_hash = (char *)sqlite3_column_text(st, 4), .finance_hash = (char *)sqlite3_column_text(st, 5),
			.state = (char *)sqlite3_column_text(st, 6), .updated_at = (char *)sqlite3_column_text(st, 7),
		};
		if ((rc = fn(&l, ud)))
			break;
	}
	rc = rc == SQLITE_DONE ? 0 : rc == SQLITE_ROW ? 0 : db_fail(lg, "read links");
	step_end(st);
	return rc;
}

long ledger_links_count(struct ledger *lg, const char *entity)
{
	long long n = 0;

	if (!strcmp(entity, "deals"))
		return ledger_deal_links_count(lg);
	bind_text(lg->stmt[ST_LINKS_COUNT], 1, entity);
	return query_one(lg, lg->stmt[ST_LINKS_COUNT], NULL, &n, "count links") < 0 ? -1 : (long)n;
}

long ledger_deal_links_count(struct ledger *lg)
{
	sqlite3_stmt *st;
	long n = -1;

	if (sqlite3_prepare_v2(lg->db, "SELECT count(*) FROM deal_links", -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

int ledger_unlink_keep(struct ledger *lg, const char *entity, const char *crm_id)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(lg->db, "INSERT OR IGNORE INTO temp.unlink_keep (entity, crm_id) VALUES (?1, ?2)",
			       -1, &st, NULL) != SQLITE_OK)
		return db_fail(lg, "prepare");
	bind_text(st, 1, entity);
	bind_text(st, 2, crm_id);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_fail(lg, "keep link");
	sqlite3_finalize(st);
	return rc;
}

/*
 * Every link goes, except those kept (ledger_unlink_keep()), each with an
 * 'unlink' event; deal links too (entity deals).  What only made sense with
 * the links goes with them: intents, summary hashes, and the watermarks, so
 * the next run reads the whole CRM again and matches it afresh.
 */
int ledger_unlink_links(struct ledger *lg, long run_id, const char *reason, long *dropped)
{
	static const char *const sql[] = {
		"INSERT INTO events (run_id, entity, crm_id, finance_id, action, match, reason, at) "
		"SELECT ?1, entity, crm_id, finance_id, 'unlink', '', ?2, ?3 FROM links l WHERE NOT EXISTS "
		"(SELECT 1 FROM temp.unlink_keep k WHERE k.entity = l.entity AND k.crm_id = l.crm_id) ORDER BY entity, crm_id",
		"INSERT INTO events (run_id, entity, crm_id, finance_id, action, match, reason, at, crm_module) "
		"SELECT ?1, 'deals', deal_id, finance_id, 'unlink', '', ?2 || ' (' || kind || ')', ?3, 'Deals' FROM deal_links "
		"ORDER BY deal_id, kind",
		"DELETE FROM links WHERE NOT EXISTS (SELECT 1 FROM temp.unlink_keep k WHERE k.entity = links.entity "
		"AND k.crm_id = links.crm_id)",
		"DELETE FROM deal_links",
		"DELETE FROM intents",
		"DELETE FROM summaries",
		"DELETE FROM watermarks",
	};
	char now[ISO_TIME_LEN];
	size_t i;
	int rc = 0;

	*dropped = 0;
	time_now_iso(now);
	for (i = 0; i < sizeof(sql) / sizeof(sql[0]) && !rc; i++) {
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(lg->db, sql[i], -1, &st, NULL) != SQLITE_OK)
			return db_fail(lg, "prepare");
		if (i < 2) {
			sqlite3_bind_int64(st, 1, run_id);
			bind_text(st, 2, reason);
			bind_text(st, 3, now);
		}
		rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_fail(lg, "unlink");
		if (!rc && i < 2)
			*dropped += sqlite3_changes(lg->db);
		sqlite3_finalize(st);
	}
	return rc;
}

int ledger_link_delete(struct ledger *lg, const char *entity, const char *crm_id)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(lg->db, "DELETE FROM links WHERE entity = ?1 AND crm_id = ?2", -1, &st, NULL) != SQLITE_OK)
		return db_fail(lg, "prepare");
	bind_text(st, 1, entity);
	bind_text(st, 2, crm_id);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_fail(lg, "delete link");
	sqlite3_finalize(st);
	return rc;
}

/*
 * Whether the CRM-to-finance plan matched this finance record to a CRM
 * record and left it (a duplicate skipped, an ambiguous match): both-ways
 * sync must not send it to the CRM as new (index events_finance, v5).
 */
int ledger_finance_matched(struct ledger *lg, const char *entity, const char *finance_id)
{
	sqlite3_stmt *st = lg->stmt[ST_FINANCE_MATCHED];
	int rc;

	bind_text(st, 1, entity);
	bind_text(st, 2, finance_id);
	rc = step_row(lg, st, "read events");
	step_end(st);
	return rc;
}

/*
 * One state_dir holds one job's memory: its watermarks, links and runs
 * mean nothing to another job, and a second job sharing them loses records
 * while reporting them added (reliability.md D3b).  The owner is the name
 * kept under JOB_OWNER_KEY, else the job of the first run (ledgers older
 * than the key).
 */
#define JOB_OWNER_KEY "job"

/* The owner's name (new string): 2 kept under the key, 1 from the first run, 0 none. */
static int ledger_owner(struct ledger *lg, char **owner)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = ledger_state_get(lg, JOB_OWNER_KEY, owner)) != 0)
		return rc < 0 ? rc : 2;
	if (sqlite3_prepare_v2(lg->db, "SELECT job FROM runs ORDER BY id LIMIT 1", -1, &st, NULL) != SQLITE_OK)
		return db_fail(lg, "read the ledger's job");
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*owner = column_dup(st, 0);
		rc = *owner != NULL;
	} else {
		rc = rc == SQLITE_DONE ? 0 : db_fail(lg, "read the ledger's job");
	}
	sqlite3_finalize(st);
	return rc;
}

int ledger_job_check(struct ledger *lg, const char *job, const char *state_dir, int claim)
{
	char *owner = NULL;
	int rc = ledger_owner(lg, &owner);

	if (rc > 0 && strcmp(owner, job))
		rc = fail(FS_EUSAGE, "state_dir '%s' belongs to job '%s', not to job '%s': give each job its own "
			  "state_dir", state_dir, owner, job);
	else if (rc < 2 && rc >= 0 && claim)
		rc = ledger_state_set(lg, JOB_OWNER_KEY, job);
	xfree(owner);
	return rc < 0 ? rc : 0;
}

/* One statement, prepared for the call: the mapping fingerprint is read and written once per entity and run. */
static int one_shot(struct ledger *lg, const char *sql, const char *what, const char *const *texts, int n,
		    long long num, char **out)
{
	sqlite3_stmt *st = NULL;
	int i, rc;

	if (sqlite3_prepare_v2(lg->db, sql, -1, &st, NULL) != SQLITE_OK)
		return db_fail(lg, what);
	for (i = 0; i < n; i++)
		bind_text(st, i + 1, texts[i]);
	if (num >= 0)
		sqlite3_bind_int64(st, n + 1, num);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && out)
		*out = column_dup(st, 0);
	rc = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : db_fail(lg, what);
	sqlite3_finalize(st);
	return rc;
}

int ledger_mapping_get(struct ledger *lg, const char *entity, char **fingerprint)
{
	const char *texts[] = { entity };

	*fingerprint = NULL;
	return one_shot(lg, "SELECT fingerprint FROM mappings WHERE entity = ?1", "read mapping fingerprint",
			texts, 1, -1, fingerprint);
}

int ledger_mapping_put(struct ledger *lg, const char *entity, const char *fingerprint, long run_id)
{
	char now[ISO_TIME_LEN];
	const char *texts[] = { entity, fingerprint, now };

	time_now_iso(now);
	return one_shot(lg, "INSERT INTO mappings (entity, fingerprint, updated_at, run_id) VALUES (?1, ?2, ?3, ?4) "
			"ON CONFLICT (entity) DO UPDATE SET fingerprint = excluded.fingerprint, "
			"updated_at = excluded.updated_at, run_id = excluded.run_id",
			"write mapping fingerprint", texts, 3, run_id, NULL);
}

long ledger_linked_count(struct ledger *lg, const char *entity)
{
	const char *texts[] = { entity };
	char *n = NULL;
	long count;

	if (one_shot(lg, "SELECT count(*) FROM links WHERE entity = ?1 AND state = 'linked' AND finance_id IS NOT NULL",
		     "count links", texts, 1, -1, &n) != 1)
		return -1;
	count = n ? strtol(n, NULL, 10) : 0;
	xfree(n);
	return count;
}
