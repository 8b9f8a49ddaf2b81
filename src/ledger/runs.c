/*
 * runs.c - the ledger's record of runs (their counts: stats.c), and what a run
 * leaves for the next one (watermarks, job_state, api_usage, the job that
 * owns the state_dir).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/ledger.h"
#include "finsync/timeutil.h"
#include "ledger_int.h"

static const char sql_run_start[] = "INSERT INTO runs (job, started_at, status, stages) VALUES (?1, ?2, 'running', ?3)";

#define RUN_COLUMNS "id, job, started_at, finished_at, status, stages, error, exit_code, dry_run"

static const char sql_run_latest[] = "SELECT " RUN_COLUMNS " FROM runs ORDER BY id DESC LIMIT 1";

static const char sql_run_get[] = "SELECT " RUN_COLUMNS " FROM runs WHERE id = ?1";

static const char sql_run_dry[] = "UPDATE runs SET dry_run = 1 WHERE id = ?1";

static const char sql_run_exit[] = "UPDATE runs SET exit_code = ?2 WHERE id = ?1";

/* The run's records whose newest event is a failure (a row without a CRM id is a record of its own): what keeps it partial. */
static const char sql_run_unsettled[] =
	"SELECT count(*) FROM events e WHERE e.run_id = ?1 AND e.action IN ('failed', 'invalid')"
	" AND (e.crm_id IS NULL OR e.id = (SELECT max(id) FROM events WHERE run_id = e.run_id"
	"                                  AND entity = e.entity AND crm_id = e.crm_id))";

static const char sql_run_stages[] = "UPDATE runs SET stages = ?2 WHERE id = ?1";

static const char sql_run_finish[] = "UPDATE runs SET finished_at = ?2, status = ?3, error = ?4 WHERE id = ?1";

static const char sql_runs_dead[] =
	"UPDATE runs SET finished_at = ?1, status = 'aborted', error = ?2 WHERE status = 'running'";

static const char sql_state_get[] = "SELECT value FROM job_state WHERE key = ?1";

static const char sql_state_set[] =
	"INSERT INTO job_state (key, value, updated_at) VALUES (?1, ?2, ?3) "
	"ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at";

static const char sql_usage_add[] = "INSERT INTO api_usage (api, day, calls) VALUES (?1, ?2, ?3) "
				    "ON CONFLICT (api, day) DO UPDATE SET calls = calls + excluded.calls";

static const char sql_usage_get[] = "SELECT calls FROM api_usage WHERE api = ?1 AND day = ?2";

static const char sql_wm_get[] = "SELECT modified_since FROM watermarks WHERE entity = ?1";

static const char sql_wm_put[] =
	"INSERT INTO watermarks (entity, modified_since, run_id) VALUES (?1, ?2, ?3) "
	"ON CONFLICT (entity) DO UPDATE SET modified_since = excluded.modified_since, run_id = excluded.run_id";

static const char sql_first_job[] = "SELECT job FROM runs ORDER BY id LIMIT 1";

static const char sql_runs_newest[] = "SELECT id FROM runs WHERE ?1 = 0 OR id = ?1 ORDER BY id DESC";

static const char sql_watermarks[] = "SELECT entity, modified_since, run_id FROM watermarks ORDER BY entity";

static const char sql_usage_of_day[] = "SELECT api, calls FROM api_usage WHERE day = ?1 ORDER BY api";

int ledger_run_start(struct ledger *lg, const char *job, const char *stages, long *run_id)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_run_start);
	char now[ISO_TIME_LEN];
	int rc;

	time_now_iso(now);
	lq_bind_text(st, 1, job);
	lq_bind_text(st, 2, now);
	lq_bind_text(st, 3, stages);
	if ((rc = lq_step_done(lg, st, "start run")))
		return rc;
	*run_id = (long)sqlite3_last_insert_rowid(lg->db);
	return 0;
}

static int read_run(struct ledger *lg, sqlite3_stmt *st, struct run_info *out)
{
	int rc = lq_step_row(lg, st, "read run");

	memset(out, 0, sizeof(*out));
	if (rc == 1) {
		out->id = (long)sqlite3_column_int64(st, 0);
		out->job = lq_column_dup(st, 1);
		out->started_at = lq_column_dup(st, 2);
		out->finished_at = lq_column_dup(st, 3);
		out->status = lq_column_dup(st, 4);
		out->stages = lq_column_dup(st, 5);
		out->error = lq_column_dup(st, 6);
		out->exit_code = sqlite3_column_type(st, 7) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 7);
		out->dry_run = sqlite3_column_int(st, 8);
	}
	lq_step_end(st);
	return rc;
}

int ledger_run_latest(struct ledger *lg, struct run_info *out)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_run_latest);

	return read_run(lg, st, out);
}

int ledger_run_get(struct ledger *lg, long run_id, struct run_info *out)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_run_get);

	sqlite3_bind_int64(st, 1, run_id);
	return read_run(lg, st, out);
}

int ledger_run_set_stages(struct ledger *lg, long run_id, const char *stages)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_run_stages);

	sqlite3_bind_int64(st, 1, run_id);
	lq_bind_text(st, 2, stages);
	return lq_step_done(lg, st, "update run");
}

int ledger_run_finish(struct ledger *lg, long run_id, const char *status, const char *error)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_run_finish);
	char now[ISO_TIME_LEN];

	time_now_iso(now);
	sqlite3_bind_int64(st, 1, run_id);
	lq_bind_text(st, 2, now);
	lq_bind_text(st, 3, status);
	lq_bind_text(st, 4, error);
	return lq_step_done(lg, st, "finish run");
}

int ledger_run_set_dry_run(struct ledger *lg, long run_id)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_run_dry);

	sqlite3_bind_int64(st, 1, run_id);
	return lq_step_done(lg, st, "update run");
}

int ledger_run_set_exit_code(struct ledger *lg, long run_id, int exit_code)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_run_exit);

	sqlite3_bind_int64(st, 1, run_id);
	sqlite3_bind_int(st, 2, exit_code);
	return lq_step_done(lg, st, "record the run's exit code");
}

int ledger_run_unsettled(struct ledger *lg, long run_id, long *count)
{
	return lq_count_of_run(lg, sql_run_unsettled, run_id, count, "read events");
}

int ledger_runs_end_dead(struct ledger *lg, const char *error)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_runs_dead);
	char now[ISO_TIME_LEN];

	time_now_iso(now);
	lq_bind_text(st, 1, now);
	lq_bind_text(st, 2, error);
	return lq_step_done(lg, st, "end dead runs");
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

int ledger_state_get(struct ledger *lg, const char *key, char **value)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_state_get);

	*value = NULL;
	lq_bind_text(st, 1, key);
	return lq_query_one(lg, st, value, NULL, "read job state");
}

int ledger_state_set(struct ledger *lg, const char *key, const char *value)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_state_set);
	char now[ISO_TIME_LEN];

	time_now_iso(now);
	lq_bind_text(st, 1, key);
	lq_bind_text(st, 2, value);
	lq_bind_text(st, 3, now);
	return lq_step_done(lg, st, "write job state");
}

int ledger_usage_add(struct ledger *lg, const char *api, const char *day, long calls)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_usage_add);

	lq_bind_text(st, 1, api);
	lq_bind_text(st, 2, day);
	sqlite3_bind_int64(st, 3, calls);
	return lq_step_done(lg, st, "write api usage");
}

int ledger_usage_get(struct ledger *lg, const char *api, const char *day, long *calls)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_usage_get);
	long long n = 0;
	int rc;

	lq_bind_text(st, 1, api);
	lq_bind_text(st, 2, day);
	rc = lq_query_one(lg, st, NULL, &n, "read api usage");
	*calls = (long)n;
	return rc < 0 ? rc : 0;
}

int ledger_watermark_get(struct ledger *lg, const char *entity, char **since)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_wm_get);

	*since = NULL;
	lq_bind_text(st, 1, entity);
	return lq_query_one(lg, st, since, NULL, "read watermark");
}

int ledger_watermark_put(struct ledger *lg, const char *entity, const char *since, long run_id)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_wm_put);

	lq_bind_text(st, 1, entity);
	lq_bind_text(st, 2, since);
	sqlite3_bind_int64(st, 3, run_id);
	return lq_step_done(lg, st, "write watermark");
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
	int rc;

	if ((rc = ledger_state_get(lg, JOB_OWNER_KEY, owner)) != 0)
		return rc < 0 ? rc : 2;
	rc = lq_query_one(lg, lq_stmt(lg, sql_first_job), owner, NULL, "read the ledger's job");
	return rc == 1 ? *owner != NULL : rc;
}

int ledger_job_check(struct ledger *lg, const char *job, const char *state_dir, int claim)
{
	char *owner = NULL;
	int rc = ledger_owner(lg, &owner);

	if (rc > 0 && strcmp(owner, job))
		rc = fail(FS_EUSAGE,
			  "state_dir '%s' belongs to job '%s', not to job '%s': give each job its own "
			  "state_dir",
			  state_dir, owner, job);
	else if (rc < 2 && rc >= 0 && claim)
		rc = ledger_state_set(lg, JOB_OWNER_KEY, job);
	xfree(owner);
	return rc < 0 ? rc : 0;
}

int ledger_runs_each(struct ledger *lg, long run_id, int (*fn)(long run_id, void *ud), void *ud)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_runs_newest);
	int rc, stop = 0;

	sqlite3_bind_int64(st, 1, run_id);
	while (!stop && (rc = lq_step_row(lg, st, "read runs")) == 1)
		stop = fn((long)sqlite3_column_int64(st, 0), ud);
	lq_step_end(st);
	return stop ? stop : rc < 0 ? rc : 0;
}

int ledger_watermarks_each(struct ledger *lg, int (*fn)(const char *entity, const char *since, long run_id, void *ud),
			   void *ud)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_watermarks);
	int rc, stop = 0;

	while (!stop && (rc = lq_step_row(lg, st, "read watermarks")) == 1)
		stop = fn((const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
			  (long)sqlite3_column_int64(st, 2), ud);
	lq_step_end(st);
	return stop ? stop : rc < 0 ? rc : 0;
}

int ledger_usage_each(struct ledger *lg, const char *day, int (*fn)(const char *api, long calls, void *ud), void *ud)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_usage_of_day);
	int rc, stop = 0;

	lq_bind_text(st, 1, day);
	while (!stop && (rc = lq_step_row(lg, st, "read api usage")) == 1)
		stop = fn((const char *)sqlite3_column_text(st, 0), (long)sqlite3_column_int64(st, 1), ud);
	lq_step_end(st);
	return stop ? stop : rc < 0 ? rc : 0;
}
