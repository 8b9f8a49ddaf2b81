/*
 * test_interrupt.c - the signals that stop a run (src/util/interrupt.c),
 * in a child process so that the flag never reaches the other tests: the
 * first signal is only noted (the run winds down and says which signal),
 * the second ends the process at once with exit 3.
 */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "finsync/err.h"
#include "finsync/interrupt.h"
#include "unit.h"

/* In the child: 0 when each step went as it should, else the step that did not. */
static int child_first_signal(void)
{
	interrupt_install();
	if (interrupted())
		return 1;
	raise(SIGTERM);
	if (interrupted() != SIGTERM)
		return 2;
	if (fail_interrupted("load") != FS_EABORT || strcmp(err_msg(), "load: interrupted (SIGTERM)"))
		return 3;
	if (fail_interrupted(NULL) != FS_EABORT || strcmp(err_msg(), "interrupted (SIGTERM)"))
		return 4;
	return 0;
}

static int run_child(int (*fn)(void))
{
	pid_t pid = fork();
	int status = -1;

	if (pid == 0) {
		/* The second signal's note goes to stderr: kept out of the test's output. */
		if (!freopen("/dev/null", "w", stderr))
			_exit(99);
		_exit(fn());
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
}

static void test_interrupt__first_signal_noted(void)
{
	CHECK_INTEQ(run_child(child_first_signal), 0);
}

static int child_second_signal(void)
{
	interrupt_install();
	raise(SIGINT);
	raise(SIGHUP); /* ends the process here, exit 3 */
	return 0;
}

static void test_interrupt__second_signal_exits_3(void)
{
	CHECK_INTEQ(run_child(child_second_signal), 3);
}

static const struct unit_test interrupt_tests[] = {
	UNIT(test_interrupt__first_signal_noted),
	UNIT(test_interrupt__second_signal_exits_3),
	{ 0 },
};
UNIT_SUITE(interrupt_tests)
