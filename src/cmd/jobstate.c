/*
 * jobstate.c - `finsync pause|resume|disable|enable JOB`, and the check a
 * run makes before anything else (jobstate.h).
 *
 * Pause is for "not tonight" (runs exit 0 and say so); disable is for "this
 * job must not run" (runs exit 2).  Disable is the stronger of the two, so
 * pause and resume refuse to turn a disabled job into a runnable one: only
 * enable does that.
 */
#include <stdio.h>
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/cmd.h"
#include "finsync/err.h"
#include "finsync/job.h"
#include "finsync/jobstate.h"
#include "finsync/ledger.h"

static const char *const states[] = { "active", "paused", "disabled", NULL };

int jobstate_get(struct ledger *lg, const char *job_name, const char **state)
{
	char *value = NULL;
	int rc, i;

	*state = states[0];
	if ((rc = ledger_state_get(lg, JOBSTATE_KEY, &value)) <= 0)
		return rc;
	for (i = 0; states[i] && strcmp(states[i], value); i++)
		;
	if (states[i])
		*state = states[i];
	else
		rc = fail(FS_EABORT, "job '%s': the ledger's job state '%s' is unknown (active, paused, disabled)",
			  job_name, value);
	xfree(value);
	return rc < 0 ? rc : 0;
}

int jobstate_check(struct ledger *lg, const char *job_name, int *skip)
{
	const char *state;
	int rc;

	*skip = 1;
	if ((rc = jobstate_get(lg, job_name, &state)))
		return rc;
	if (!strcmp(state, "disabled"))
		return fail(FS_EUSAGE, "job '%s' is disabled (finsync enable JOB)", job_name);
	if (!strcmp(state, "paused")) {
		printf("job '%s' is paused; nothing done (finsync resume JOB)\n", job_name);
		return 0;
	}
	*skip = 0;
	return 0;
}

/* What a command may turn the current state into: 0 yes, <0 no (message). */
static int allowed(const char *command, const char *job_name, const char *current)
{
	if (strcmp(current, "disabled") || !strcmp(command, "disable") || !strcmp(command, "enable"))
		return 0;
	return fail(FS_EUSAGE, "job '%s' is disabled; 'finsync enable JOB' first", job_name);
}

/* enable leaves a paused job paused: it undoes disable, not pause. */
static const char *new_state(const char *command, const char *current)
{
	if (!strcmp(command, "pause"))
		return "paused";
	if (!strcmp(command, "disable"))
		return "disabled";
	if (!strcmp(command, "enable") && !strcmp(current, "paused"))
		return "paused";
	return "active";
}

struct transition {
	const char *command;
	const char *done;      /* "job 'X' <done>" */
	const char *unchanged; /* said when the state was already the result */
};

static const struct transition transitions[] = {
	{ "pause", "paused", "it already was" },
	{ "resume", "resumed", "it was not paused" },
	{ "disable", "disabled", "it already was" },
	{ "enable", "enabled", "it was not disabled" },
};

static void report(const char *command, const char *job_name, const char *before, const char *after)
{
	const struct transition *t = transitions;

	while (strcmp(t->command, command))
		t++;
	if (!strcmp(command, "enable") && !strcmp(after, "paused"))
		printf("job '%s' is not disabled; it stays paused (finsync resume JOB)\n", job_name);
	else if (!strcmp(before, after))
		printf("job '%s' %s (%s)\n", job_name, t->done, t->unchanged);
	else
		printf("job '%s' %s\n", job_name, t->done);
}

static int set_state(int argc, char **argv)
{
	struct job *job = NULL;
	struct ledger *lg = NULL;
	const char *path = NULL, *before = NULL, *after;
	int rc;

	if ((rc = cmd_parse(argc, argv, NULL)))
		return rc > 0 ? 0 : rc;
	path = argv[1];
	if ((rc = job_load_flags(&job, path, JOB_NO_SECRETS)) || (rc = ledger_open(&lg, job->state_dir)) ||
	    (rc = ledger_job_check(lg, job->name, job->state_dir, 1)) || (rc = jobstate_get(lg, job->name, &before)) ||
	    (rc = allowed(argv[0], job->name, before)))
		goto out;
	after = new_state(argv[0], before);
	if (strcmp(before, after) && (rc = ledger_state_set(lg, JOBSTATE_KEY, after)))
		goto out;
	report(argv[0], job->name, before, after);
out:
	ledger_close(lg);
	job_free(job);
	return rc;
}

int cmd_pause(int argc, char **argv)
{
	return set_state(argc, argv);
}

int cmd_resume(int argc, char **argv)
{
	return set_state(argc, argv);
}

int cmd_disable(int argc, char **argv)
{
	return set_state(argc, argv);
}

int cmd_enable(int argc, char **argv)
{
	return set_state(argc, argv);
}
