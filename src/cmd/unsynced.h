/*
 * unsynced.h - the closing warning of a run that left records unsynced
 * (src/cmd/unsynced.c).  Not a public seam: only src/cmd includes it.
 */
#ifndef FINSYNC_CMD_UNSYNCED_H
#define FINSYNC_CMD_UNSYNCED_H

struct ledger;

/*
 * One warning per entity with records of the run not synced: their count
 * by outcome and where to look.  loaded: the run's events say (failed,
 * invalid, ambiguous); else (a dry run, a transform alone) its transform
 * counts do.  0 or <0 after fail().
 */
int say_unsynced(struct ledger *lg, long run_id, const char *job_path, int loaded);

#endif
