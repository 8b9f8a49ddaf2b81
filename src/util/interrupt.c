/*
 * interrupt.c - why a stopped run is recorded, not just killed: a flag set by
 * the signal handler (nothing else is done there) and read between batches
 * and in the HTTP wait loop.  See interrupt.h.
 */
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include "finsync/err.h"
#include "finsync/interrupt.h"

static volatile sig_atomic_t caught;

static void on_signal(int sig)
{
	static const char again[] = "\nfinsync: interrupted again: stopping now\n";

	/* The second signal: the operator wants out now; SQLite rolls back what was open. */
	if (caught) {
		ssize_t w = write(STDERR_FILENO, again, sizeof(again) - 1);
		(void)w;
		_exit(3);
	}
	caught = sig;
}

void interrupt_install(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a sleep or a poll returns early and the loop looks at the flag. */
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

int interrupted(void)
{
	return caught;
}

static const char *signal_name(int sig)
{
	return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : sig == SIGHUP ? "SIGHUP" : "a signal";
}

int fail_interrupted(const char *where)
{
	if (where)
		return fail(FS_EABORT, "%s: interrupted (%s)", where, signal_name(caught));
	return fail(FS_EABORT, "interrupted (%s)", signal_name(caught));
}
