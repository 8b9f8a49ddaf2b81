/*
 * run_exit.c - the process's exit status into the ledger (runs.exit_code).
 *
 * Only main() knows the exit status for certain: a failed write of stdout
 * still turns a finished run's 0 into a 3.  So a command that runs stages
 * notes here the runs it worked on, and main() hands the status down once
 * it is known; the history then shows what the process really exited with
 * instead of a status's guess.
 */
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/cmd.h"
#include "finsync/err.h"
#include "finsync/ledger.h"
#include "finsync/log.h"

#define RUNS_NOTED_MAX 4

static char *noted_dir;
static long noted[RUNS_NOTED_MAX];
static int nnoted;

void cmd_note_run(const char *state_dir, long run_id)
{
	int i;

	if (!noted_dir)
		noted_dir = xstrdup(state_dir);
	for (i = 0; i < nnoted; i++)
		if (noted[i] == run_id)
			return;
	if (nnoted < RUNS_NOTED_MAX)
		noted[nnoted++] = run_id;
}

/* Never changes the exit status: a ledger that cannot take it is a warning. */
void cmd_record_exit(int exit_code)
{
	struct ledger *lg = NULL;
	int i, rc;

	if (!noted_dir)
		return;
	rc = ledger_open(&lg, noted_dir);
	for (i = 0; i < nnoted && !rc; i++)
		rc = ledger_run_set_exit_code(lg, noted[i], exit_code);
	if (rc)
		log_warn("the exit status %d is not in the ledger: %s", exit_code, err_msg());
	ledger_close(lg);
	xfree(noted_dir);
	noted_dir = NULL;
	nnoted = 0;
}
