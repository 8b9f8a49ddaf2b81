/*
 * progress.h - a progress line per stage on stderr for long runs: records
 * done, the total where known, the rate and the time left, redrawn in place
 * ('\r', at most PROGRESS_HZ times a second).
 *
 * Drawn only when stderr is a terminal and the log is text at info level or
 * more: never with -q or --log-format json, never into cron mail or a log
 * file.  One line at a time: progress_start() ends the one before, and a
 * log line erases it first (the next tick draws it again).
 *
 *	progress_start("extract", "Accounts", -1);
 *	while (...)
 *		progress_tick(++done);
 *	progress_end();
 *
 * None of these can fail; all are no-ops when the line is not shown.
 */
#ifndef FINSYNC_PROGRESS_H
#define FINSYNC_PROGRESS_H
#include <jansson.h>

#define PROGRESS_HZ 5

/* Starts a line: stage and what are copied; total -1 when unknown. */
void progress_start(const char *stage, const char *what, long total);

/* done records so far; draws when the last draw is 1/PROGRESS_HZ s old. */
void progress_tick(long done);

/*
 * What bounds the time left of a load: the pace (requests a minute, 0 none)
 * and the calls left today (-1 unknown), one call a record.  The line then
 * says "~14 h at 100 requests/min" and, when the budget runs out first,
 * "budget ends in 2,300 records: resumes tomorrow".  Kept until the next
 * progress_start().
 */
void progress_pace(long requests_per_minute, long budget_left);

/* Erases the line and forgets it. */
void progress_end(void);

/* Erases the line, if drawn, so that something else can write to stderr. */
void progress_clear(void);

/*
 * A total for progress_start(): the records a stage manifest (as
 * manifest_load() gives it) counts for the staged file name (a CRM module in
 * any case, "finance.customers", an entity), or -1 when it has none.
 */
long progress_total(json_t *manifest, const char *name);

/* n with thousands separators ("1,234,567"), for any report that counts. */
void progress_count_text(long n, char *out, size_t size);

#endif
