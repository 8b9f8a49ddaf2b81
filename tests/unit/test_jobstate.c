/*
 * test_jobstate.c - the job's state (src/cmd/jobstate.c): active until
 * paused or disabled; a paused job's run is skipped without an error, a
 * disabled one is refused naming the way back, and a state the ledger
 * should not hold is an error naming it.
 */
#include <stdio.h>
#include <string.h>
#include "finsync/err.h"
#include "finsync/jobstate.h"
#include "finsync/ledger.h"
#include "unit.h"

static void test_jobstate__check(void)
{
	const char *dir = unit_tmpdir();
	struct ledger *lg;
	const char *state;
	int skip = -1;

	CHECK_INTEQ(ledger_open(&lg, dir), 0);
	CHECK_INTEQ(jobstate_get(lg, "nightly", &state), 0);
	CHECK_STREQ(state, "active");
	CHECK_INTEQ(jobstate_check(lg, "nightly", &skip), 0);
	CHECK_INTEQ(skip, 0);
	CHECK_INTEQ(ledger_state_set(lg, JOBSTATE_KEY, "paused"), 0);
	fflush(stdout);
	CHECK_INTEQ(jobstate_check(lg, "nightly", &skip), 0);
	CHECK_INTEQ(skip, 1);
	CHECK_INTEQ(ledger_state_set(lg, JOBSTATE_KEY, "disabled"), 0);
	CHECK_INTEQ(jobstate_check(lg, "nightly", &skip), FS_EUSAGE);
	CHECK_STREQ(err_msg(), "job 'nightly' is disabled (finsync enable JOB)");
	CHECK_INTEQ(ledger_state_set(lg, JOBSTATE_KEY, "sleepy"), 0);
	CHECK_INTEQ(jobstate_check(lg, "nightly", &skip), FS_EABORT);
	CHECK(strstr(err_msg(), "'sleepy'") != NULL);
	CHECK_INTEQ(ledger_state_set(lg, JOBSTATE_KEY, "active"), 0);
	CHECK_INTEQ(jobstate_check(lg, "nightly", &skip), 0);
	CHECK_INTEQ(skip, 0);
	ledger_close(lg);
}

static const struct unit_test jobstate_tests[] = {
	UNIT(test_jobstate__check),
	{ 0 },
};
UNIT_SUITE(jobstate_tests)
