/*
 * ready.h - docs/design.md "Ready before the first write": what a job needs of
 * both organisations, checked by `finsync check` and by every run before it
 * writes anything (src/stage/ready.c).
 */
#ifndef FINSYNC_READY_H
#define FINSYNC_READY_H
#include "finsync/job.h"

struct finclient;

enum ready_mark {
	READY_OK,      /* there, as the job needs it */
	READY_MISSING, /* missing or wrong: the text says what to create, where */
	READY_UNKNOWN, /* the app documents no way to see it: the text says what to make sure of */
};

/* One finding: what was checked ("crm fields", "finance fields" …) and the sentence. */
typedef void (*ready_line_fn)(void *ud, enum ready_mark mark, const char *what, const char *text);

/*
 * Runs every check and reports each finding to line.  0 when nothing is
 * missing; FS_EUSAGE (exit 2) with the first missing piece and how many
 * more; FS_EABORT when a side could not be asked.  Reads only.  When
 * fields is an object, the field names read of each CRM module are added
 * to it ({"Accounts": [...]}), so that a run's extract need not ask again.
 */
int ready_check(const struct job *job, struct finclient *fc, json_t *fields, ready_line_fn line, void *ud);

/* For a run: the check, its findings in the log (debug, and info for what cannot be verified). */
int ready_preflight(const struct job *job, struct finclient *fc, json_t *fields);

#endif
