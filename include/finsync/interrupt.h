/*
 * interrupt.h - SIGINT, SIGTERM and SIGHUP stop a run within seconds
 * (docs/design.md "Exit codes"): the handler only notes the signal; the HTTP wait loop and the
 * load between batches ask interrupted() and wind down, so that what was
 * answered is committed and the run is recorded `aborted`, "interrupted".
 *
 * A second signal ends the process at once (exit 3): the ledger stays
 * consistent because SQLite rolls back a transaction left open.
 */
#ifndef FINSYNC_INTERRUPT_H
#define FINSYNC_INTERRUPT_H

/* Installs the handlers (for the commands that write). */
void interrupt_install(void);

/* The signal caught, or 0. */
int interrupted(void);

/* FS_EABORT with the message "interrupted (SIGTERM)"; where names the step cut short, or NULL. */
int fail_interrupted(const char *where);

#endif
