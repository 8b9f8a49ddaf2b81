/*
 * jobstate.h - whether a job runs: active, paused or disabled.
 *
 * The state is the ledger's job_state row "state" ("active", "paused",
 * "disabled"; no row is active), set by `finsync pause|resume|disable|
 * enable JOB`.  A paused job's scheduled run exits 0 at once, saying so; a
 * disabled job's run is refused (exit 2) so that cron mails someone.
 */
#ifndef FINSYNC_JOBSTATE_H
#define FINSYNC_JOBSTATE_H
#include "finsync/ledger.h"

#define JOBSTATE_KEY "state"

/*
 * The job's state as a static string ("active", "paused", "disabled"): 0, or
 * FS_EABORT when the ledger cannot be read or holds another value.
 */
int jobstate_get(struct ledger *lg, const char *job_name, const char **state);

/*
 * What a run calls first, before any request.  Active: 0, *skip = 0.
 * Paused: prints "job 'X' is paused; nothing done (finsync resume JOB)" on
 * stdout, 0, *skip = 1 (the run returns 0 and does nothing else).  Disabled:
 * FS_EUSAGE "job 'X' is disabled (finsync enable JOB)", *skip = 1.  Ledger
 * errors: FS_EABORT, *skip = 1.
 */
int jobstate_check(struct ledger *lg, const char *job_name, int *skip);

#endif
