/*
 * history.h - what `finsync history` reads from the ledger, shared by
 * history.c (table, CSV, JSON) and history_html.c (the HTML report).  Not a
 * public seam: nothing outside src/cmd includes it.
 */
#ifndef FINSYNC_CMD_HISTORY_H
#define FINSYNC_CMD_HISTORY_H
#include <stdio.h>
#include <stddef.h>
#include "finsync/outcome.h"

struct history_row {
	long run;
	char *started_at, *finished_at, *status, *error;
	char *entity;              /* NULL: the run has no stats */
	char *stage;               /* the stage the counts come from */
	int exit_code;             /* the process's exit status; -1: none recorded */
	int dry_run;               /* 1: planned only, nothing written */
	long count[OUTCOME_COUNT]; /* by enum outcome */
	long calls_planned;        /* the calls predicted for a run reading in full, -1 none */
	long calls_made;           /* the calls it made (both APIs), -1 unknown (before schema v12) */
};

/* A record of the newest run that did not go through: failed, invalid or ambiguous. */
struct history_event {
	char *entity, *crm_module, *crm_id, *finance_id, *action, *match, *reason;
};

/* Rows newest first: one per run and entity; a run's rows are consecutive. */
struct history {
	struct history_row *rows;
	size_t n, cap;
	struct history_event *events; /* of rows[0].run (HTML only), at most HISTORY_EVENTS_MAX */
	size_t nevents;
	long events_total; /* all of them, beyond the cap too */
	const char *job_name;
	const char *ledger_path;
	char *reconcile_at;      /* the last `finsync reconcile` (HTML only), or NULL */
	char *reconcile_summary; /* its summary: {"<entity>": {"in_scope", "linked", "missing", …}} */
	long reconcile_off;      /* the records it found amiss */
};

#define HISTORY_EVENTS_MAX 1000

/* The HTML report: one self-contained page (inline CSS and SVG, no script). 0, or FS_EABORT. */
int history_print_html(FILE *fp, const struct history *h);

#endif
