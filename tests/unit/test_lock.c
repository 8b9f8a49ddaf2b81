/*
 * test_lock.c - the job lock (src/util/lock.c): another process holding it,
 * a stale file taken over, status probes never refusing a run.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/ledger.h"
#include "finsync/lock.h"
#include "unit.h"

/*
 * A child that takes the lock, tells us through a pipe, then waits for us to
 * close the other pipe.  It exits without lock_release() when told to die.
 */
static pid_t child_holding(const char *dir, int *release_fd)
{
	int ready[2], go[2];
	pid_t pid;
	char c;

	if (pipe(ready) || pipe(go))
		return -1;
	if ((pid = fork()) == 0) {
		struct lock *lk;
		close(ready[0]);
		close(go[1]);
		if (lock_acquire(&lk, dir) != 0)
			_exit(1);
		if (write(ready[1], "k", 1) != 1)
			_exit(1);
		if (read(go[0], &c, 1) == 1 && c == 'r')
			lock_release(lk);
		_exit(0); /* 'k' (or EOF): die holding it, like a killed run */
	}
	close(ready[1]);
	close(go[0]);
	if (read(ready[0], &c, 1) != 1)
		c = 0;
	close(ready[0]);
	*release_fd = go[1];
	return c == 'k' ? pid : -1;
}

static void stop_child(pid_t pid, int release_fd, char how)
{
	int status;

	if (write(release_fd, &how, 1) != 1)
		kill(pid, SIGKILL);
	close(release_fd);
	waitpid(pid, &status, 0);
}

static void test_lock__second_taker_is_refused(void)
{
	const char *dir = unit_tmpdir();
	struct lock *lk = (struct lock *)1;
	struct lock_owner o;
	char want[64];
	int fd;
	pid_t pid = child_holding(dir, &fd);

	CHECK(pid > 0);
	CHECK_INTEQ(lock_acquire(&lk, dir), FS_ELOCKED);
	CHECK(lk == NULL);
	snprintf(want, sizeof(want), "job is locked by process %ld (since ", (long)pid);
	CHECK(strncmp(err_msg(), want, strlen(want)) == 0);
	CHECK(strstr(err_msg(), "); another run is in progress") != NULL);
	CHECK_INTEQ(lock_probe(dir, &o), 1);
	CHECK_INTEQ(o.pid, pid);
	CHECK(o.since[0] == '2');
	/* The probe did not get in the way of the holder. */
	CHECK_INTEQ(lock_acquire(&lk, dir), FS_ELOCKED);
	stop_child(pid, fd, 'r');
	CHECK_INTEQ(lock_probe(dir, &o), 0);
}

static void test_lock__released_file_is_gone(void)
{
	const char *dir = unit_tmpdir();
	char *path = xasprintf("%s/lock", dir);
	struct lock *lk;
	struct stat st;

	CHECK_INTEQ(lock_acquire(&lk, dir), 0);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 077) == 0);
	lock_release(lk);
	CHECK(stat(path, &st) != 0);
	lock_release(NULL);
	CHECK_INTEQ(lock_acquire(&lk, dir), 0);
	lock_release(lk);
	xfree(path);
}

static void test_lock__dead_holder_is_taken_over(void)
{
	const char *dir = unit_tmpdir();
	char *path = xasprintf("%s/lock", dir), *text;
	struct lock_owner o;
	struct lock *lk;
	char want[32];
	int fd;
	pid_t pid = child_holding(dir, &fd);

	stop_child(pid, fd, 'k'); /* dies holding it: the file stays */
	text = unit_read_file(path);
	snprintf(want, sizeof(want), "%ld ", (long)pid);
	CHECK(text && strncmp(text, want, strlen(want)) == 0);
	xfree(text);
	CHECK_INTEQ(lock_probe(dir, &o), 0);
	CHECK_INTEQ(lock_acquire(&lk, dir), 0);
	text = unit_read_file(path);
	snprintf(want, sizeof(want), "%ld ", (long)getpid());
	CHECK(text && strncmp(text, want, strlen(want)) == 0);
	xfree(text);
	lock_release(lk);
	xfree(path);
}

/* A lock file naming a live process that holds no lock (its pid was reused) is stale too. */
static void test_lock__line_without_flock_is_stale(void)
{
	const char *dir = unit_tmpdir();
	char *path = xasprintf("%s/lock", dir);
	FILE *fp = fopen(path, "w");
	struct lock *lk;

	fprintf(fp, "1 otherhost 2020-01-01T00:00:00Z\n");
	fclose(fp);
	CHECK_INTEQ(lock_acquire(&lk, dir), 0);
	lock_release(lk);
	xfree(path);
}

/* A status holding its shared probe lock must not make a starting run exit 4. */
static void test_lock__probe_does_not_refuse_a_run(void)
{
	const char *dir = unit_tmpdir();
	char *path = xasprintf("%s/lock", dir);
	int fd = open(path, O_RDONLY | O_CREAT, 0600);
	struct lock *lk;

	CHECK(fd >= 0 && flock(fd, LOCK_SH) == 0);
	/* The probe lasts 100 ms in this test (microseconds in status); we wait it out. */
	if (fork() == 0) {
		usleep(100 * 1000);
		close(fd);
		_exit(0);
	}
	close(fd);
	CHECK_INTEQ(lock_acquire(&lk, dir), 0);
	lock_release(lk);
	while (wait(NULL) > 0)
		;
	xfree(path);
}

static void test_lock__bad_state_dir(void)
{
	struct lock *lk;

	CHECK_INTEQ(lock_acquire(&lk, "/proc/finsync-no-such/dir"), FS_EABORT);
	CHECK(lk == NULL);
}

static const struct unit_test lock_tests[] = {
	UNIT(test_lock__second_taker_is_refused),
	UNIT(test_lock__released_file_is_gone),
	UNIT(test_lock__dead_holder_is_taken_over),
	UNIT(test_lock__line_without_flock_is_stale),
	UNIT(test_lock__probe_does_not_refuse_a_run),
	UNIT(test_lock__bad_state_dir),
	{ NULL, NULL },
};
UNIT_SUITE(lock_tests)
