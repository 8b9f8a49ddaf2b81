/*
 * load_loop.h - the one load skeleton every unit's load goes through: was
 * this run's load of the unit done already, the read loop that stops at a
 * signal, and stops writing when the day's budget runs out and counts what
 * is left, and the closing
 * transaction (stats row and watermark).  A unit brings its own hooks: take
 * one planned line (plan, write, settle), flush what it gathered, and say
 * whether a line left over would have been a write.  Not a public seam:
 * only src/stage includes it.
 */
#ifndef FINSYNC_STAGE_LOAD_LOOP_H
#define FINSYNC_STAGE_LOAD_LOOP_H
#include "finsync/pipeline.h"

struct staging_reader;

struct load_loop {
	struct pipeline *p;
	const char *name;      /* the unit: messages, stats row, watermark */
	const char *left_over; /* what the budget message counts: "deals", "items records" */
	struct stats *s;       /* the unit's counts (a malformed line is a failed one) */
	long *waiting;         /* lines left for the next run; the hooks add to it too */
	int no_watermark;      /* reads no CRM records of its own (the summary): no watermark */
	void *ud;              /* the unit's load, for the hooks */
	/* Takes one planned line (a new reference); FS_EBUDGET once the budget stopped it (*waiting set). */
	int (*take)(void *ud, json_t *line);
	/* Writes what take gathered (NULL: take writes at once); FS_EBUDGET as take. */
	int (*flush)(void *ud);
	/* 1 when a line left over would have been a write. */
	int (*is_write)(json_t *line);
	/* Ledger rows of the unit's own in the closing transaction, or NULL. */
	int (*finish)(void *ud);
};

/*
 * Counts one settled record in s by its event action: create, update (and
 * the deals' void, accept, decline), unchanged, skip; failed or invalid.
 * 1 when it counted a failure (the caller adds it to the run's failures).
 */
int load_count(struct stats *s, const char *action);

/* 1 when an earlier, finished attempt at this run loaded the unit; 0, or a ledger error. */
int load_done_before(struct pipeline *p, const char *name);

/*
 * Feeds every line of r to lp->take (then lp->flush); a malformed line is
 * a warning and a failed record.  A signal stops it before the next line
 * (fail_interrupted).  Once the budget stops the writes the rest of the file
 * is only counted: FS_EBUDGET saying how many lines wait.
 */
int load_loop_run(struct load_loop *lp, struct staging_reader *r);

/*
 * The closing transaction: the stats row, the watermark (the CRM's clock as
 * the run began reading; only for a source read incrementally, and not for
 * a resync, which read one record), and lp->finish's rows.
 */
int load_finish(struct load_loop *lp);

#endif
