/*
 * stats.c - run_stats: per run, entity and stage, how many records met
 * each outcome (include/finsync/outcome.h), and the reports read from it
 * (history, status, the summary line of a run).
 */
#include <string.h>
#include <sqlite3.h>
#include "finsync/err.h"
#include "finsync/ledger.h"
#include "ledger_int.h"

const char *const outcome_columns[OUTCOME_COUNT] = {
#define NAME_OF(NAME, column, line) #column,
	FS_OUTCOMES(NAME_OF)
#undef NAME_OF
};

const enum outcome_line outcome_lines[OUTCOME_COUNT] = {
#define LINE_OF(NAME, column, line) line,
	FS_OUTCOMES(LINE_OF)
#undef LINE_OF
};

/* The SQL pieces an outcome list expands to: ", added, updated …" and the like. */
#define COLUMN(NAME, column, line) ", " #column
#define STATS_COLUMN(NAME, column, line) ", s." #column
#define PARAM(NAME, column, line) ", ?"
#define SET_EXCLUDED(NAME, column, line) ", " #column " = excluded." #column

/* SQL built from the outcome list is laid out by hand, one clause a line. */
/* clang-format off */
static const char sql_stats_add[] =
	"INSERT INTO run_stats (run_id, entity, stage" FS_OUTCOMES(COLUMN) ") "
	"VALUES (?1, ?2, ?3" FS_OUTCOMES(PARAM) ") "
	"ON CONFLICT (run_id, entity, stage) DO UPDATE SET run_id = excluded.run_id" FS_OUTCOMES(SET_EXCLUDED);

static const char sql_stats_exists[] =
	"SELECT 1 FROM run_stats WHERE run_id = ?1 AND entity = ?2 AND stage = ?3";

static const char sql_stats_get[] =
	"SELECT run_id" FS_OUTCOMES(COLUMN) " FROM run_stats WHERE run_id = ?1 AND entity = ?2 AND stage = ?3";

/*
 * The counts a report shows for a run: those of its load, or of its
 * transform when it did not load (a dry run plans but does not load).
 * ?2: a stage to use instead (NULL: that choice).
 */
static const char sql_stats_of_run[] =
	"SELECT s.entity, s.stage" FS_OUTCOMES(STATS_COLUMN) " FROM run_stats s WHERE s.run_id = ?1"
	" AND s.stage = coalesce(?2, CASE WHEN EXISTS (SELECT 1 FROM run_stats WHERE run_id = ?1"
	"   AND stage = 'load') THEN 'load' ELSE 'transform' END)"
	" ORDER BY s.entity";

/*
 * History: runs newest first, ?1 of them (-1: all), each joined with the
 * counts of its load or transform as above.  The stage is chosen in SQL so
 * that the LEFT JOIN keeps runs without stats (one row, entity NULL).
 */
static const char sql_history[] =
	"WITH r AS (SELECT id, started_at, finished_at, status, error, exit_code, dry_run FROM runs"
	"           ORDER BY id DESC LIMIT ?1),"
	"     pick AS (SELECT r.id AS run_id, CASE WHEN EXISTS (SELECT 1 FROM run_stats"
	"                WHERE run_id = r.id AND stage = 'load') THEN 'load' ELSE 'transform' END AS stage"
	"              FROM r)"
	" SELECT s.entity, s.stage" FS_OUTCOMES(STATS_COLUMN) ", r.id, r.started_at, r.finished_at, r.status, r.error,"
	" r.exit_code, r.dry_run,"
	" (SELECT CASE WHEN count(planned) = count(*) THEN sum(planned) END FROM run_calls WHERE run_id = r.id),"
	" (SELECT sum(made) FROM run_calls WHERE run_id = r.id)"
	" FROM r JOIN pick ON pick.run_id = r.id"
	" LEFT JOIN run_stats s ON s.run_id = r.id AND s.stage = pick.stage"
	" ORDER BY r.id DESC, s.entity";
/* clang-format on */

/* Reads the outcome counts that start at column first. */
static void read_counts(sqlite3_stmt *st, int first, struct stats *out)
{
	int k;

	for (k = 0; k < OUTCOME_COUNT; k++)
		out->count[k] = (long)sqlite3_column_int64(st, first + k);
}

int ledger_stats_add(struct ledger *lg, long run_id, const char *entity, const char *stage, const struct stats *s)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_stats_add);
	int k;

	sqlite3_bind_int64(st, 1, run_id);
	lq_bind_text(st, 2, entity);
	lq_bind_text(st, 3, stage);
	for (k = 0; k < OUTCOME_COUNT; k++)
		sqlite3_bind_int64(st, 4 + k, s->count[k]);
	return lq_step_done(lg, st, "write run stats");
}

int ledger_stats_exist(struct ledger *lg, long run_id, const char *entity, const char *stage)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_stats_exists);
	int rc;

	sqlite3_bind_int64(st, 1, run_id);
	lq_bind_text(st, 2, entity);
	lq_bind_text(st, 3, stage);
	rc = lq_step_row(lg, st, "read run stats");
	lq_step_end(st);
	return rc;
}

int ledger_stats_get(struct ledger *lg, long run_id, const char *entity, const char *stage, struct stats *out)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_stats_get);
	int rc;

	memset(out, 0, sizeof(*out));
	sqlite3_bind_int64(st, 1, run_id);
	lq_bind_text(st, 2, entity);
	lq_bind_text(st, 3, stage);
	if ((rc = lq_step_row(lg, st, "read run stats")) == 1)
		read_counts(st, 1, out);
	lq_step_end(st);
	return rc;
}

/* Steps st (entity, stage, the counts, then the run's columns when with_run) and calls fn per row. */
static int each_stats_row(struct ledger *lg, sqlite3_stmt *st, long run_id, int with_run,
			  int (*fn)(const struct run_stats_row *r, void *ud), void *ud)
{
	int rc, stop = 0, run_col = 2 + OUTCOME_COUNT;

	while (!stop && (rc = lq_step_row(lg, st, "read run stats")) == 1) {
		struct run_stats_row r = {
			.run_id = with_run ? (long)sqlite3_column_int64(st, run_col) : run_id,
			.entity = (const char *)sqlite3_column_text(st, 0),
			.stage = (const char *)sqlite3_column_text(st, 1),
		};
		if (with_run) {
			r.started_at = (const char *)sqlite3_column_text(st, run_col + 1);
			r.finished_at = (const char *)sqlite3_column_text(st, run_col + 2);
			r.status = (const char *)sqlite3_column_text(st, run_col + 3);
			r.error = (const char *)sqlite3_column_text(st, run_col + 4);
			r.exit_code = sqlite3_column_type(st, run_col + 5) == SQLITE_NULL
					      ? -1
					      : sqlite3_column_int(st, run_col + 5);
			r.dry_run = sqlite3_column_int(st, run_col + 6);
			r.calls_planned = sqlite3_column_type(st, run_col + 7) == SQLITE_NULL
						  ? -1
						  : (long)sqlite3_column_int64(st, run_col + 7);
			r.calls_made = sqlite3_column_type(st, run_col + 8) == SQLITE_NULL
					       ? -1
					       : (long)sqlite3_column_int64(st, run_col + 8);
		}
		read_counts(st, 2, &r.s);
		stop = fn(&r, ud);
	}
	lq_step_end(st);
	return stop ? stop : rc < 0 ? rc : 0;
}

int ledger_run_stats_each(struct ledger *lg, long run_id, const char *stage,
			  int (*fn)(const struct run_stats_row *r, void *ud), void *ud)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_stats_of_run);

	sqlite3_bind_int64(st, 1, run_id);
	lq_bind_text(st, 2, stage);
	return each_stats_row(lg, st, run_id, 0, fn, ud);
}

int ledger_history_each(struct ledger *lg, long limit, int (*fn)(const struct run_stats_row *r, void *ud), void *ud)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_history);

	sqlite3_bind_int64(st, 1, limit > 0 ? limit : -1);
	return each_stats_row(lg, st, 0, 1, fn, ud);
}
