/*
 * lock.c - the job's run lock: flock on <state_dir>/lock plus a line saying
 * who holds it.
 *
 * flock rather than the file's existence: the kernel drops the lock when its
 * process dies however it dies, so a crashed run never blocks the next one
 * and no pid has to be trusted (a dead run's pid may belong to another
 * process by now).  The line in the file only names the holder in messages.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/fsutil.h"
#include "finsync/lock.h"
#include "finsync/log.h"
#include "finsync/timeutil.h"

/* Tries while the file is being replaced or a status is probing (20 ms apart). */
#define TAKE_TRIES 50

struct lock {
	int fd;
	char *path;
};

static void read_owner(int fd, struct lock_owner *out)
{
	char text[512], *end;
	ssize_t n;
	long pid;

	memset(out, 0, sizeof(*out));
	if ((n = pread(fd, text, sizeof(text) - 1, 0)) <= 0)
		return;
	text[n] = '\0';
	if ((end = strchr(text, '\n')))
		*end = '\0';
	errno = 0;
	pid = strtol(text, &end, 10);
	if (errno || end == text || pid <= 0)
		return;
	out->pid = pid;
	if (sscanf(end, " %255s %63s", out->host, out->since) < 2)
		out->since[0] = '\0';
}

/* 1 when path still names the file open on fd (not removed or replaced). */
static int same_file(int fd, const char *path)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static int locked_by(const struct lock_owner *o, const char *path)
{
	char host[256];

	if (!o->pid)
		return fail(FS_ELOCKED, "job is locked by another process (lock file '%s'); another run is in progress",
			    path);
	if (gethostname(host, sizeof(host)) == 0 && o->host[0] && strncmp(host, o->host, sizeof(host)))
		return fail(FS_ELOCKED, "job is locked by process %ld on %s (since %s); another run is in progress",
			    o->pid, o->host, o->since[0] ? o->since : "an unknown time");
	return fail(FS_ELOCKED, "job is locked by process %ld (since %s); another run is in progress", o->pid,
		    o->since[0] ? o->since : "an unknown time");
}

/*
 * Our LOCK_EX failed.  A run holds LOCK_EX, a status probing holds LOCK_SH:
 * when a shared lock can be had it was a status, and we try again.
 * 0 try again, FS_ELOCKED a run holds it.
 */
static int held_by(int fd, const char *path)
{
	struct lock_owner o;

	if (flock(fd, LOCK_SH | LOCK_NB) == 0) {
		flock(fd, LOCK_UN);
		return 0;
	}
	read_owner(fd, &o);
	return locked_by(&o, path);
}

/* 1 taken (*fdp), 0 try again, <0 error. */
static int try_take(const char *path, int *fdp)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	int rc;

	if (fd < 0)
		return fail(FS_EABORT, "cannot open lock file '%s': %s", path, strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		rc = errno == EWOULDBLOCK ? held_by(fd, path)
					  : fail(FS_EABORT, "cannot lock '%s': %s", path, strerror(errno));
		close(fd);
		return rc;
	}
	/* The holder we waited for removed the file on release: lock the new one instead. */
	if (!same_file(fd, path)) {
		close(fd);
		return 0;
	}
	*fdp = fd;
	return 1;
}

/* Warns about a stale line, then writes ours over it (longer first, then cut). */
static int write_owner(struct lock *lk)
{
	struct lock_owner old;
	char host[256] = "", now[ISO_TIME_LEN], text[400];
	int n;

	read_owner(lk->fd, &old);
	if (old.pid)
		log_warn("taking over the stale lock of process %ld (since %s): that process no longer holds it",
			 old.pid, old.since[0] ? old.since : "an unknown time");
	if (gethostname(host, sizeof(host)) != 0 || !host[0])
		snprintf(host, sizeof(host), "unknown");
	host[sizeof(host) - 1] = '\0';
	time_now_iso(now);
	n = snprintf(text, sizeof(text), "%ld %s %s\n", (long)getpid(), host, now);
	if (n < 0 || (size_t)n >= sizeof(text) || pwrite(lk->fd, text, (size_t)n, 0) != n || ftruncate(lk->fd, n) != 0)
		return fail(FS_EABORT, "cannot write lock file '%s': %s", lk->path, strerror(errno ? errno : EIO));
	return 0;
}

static void pause_briefly(void)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };

	nanosleep(&ts, NULL);
}

int lock_acquire(struct lock **out, const char *state_dir)
{
	struct lock *lk;
	int rc = 0, fd = -1, tries;
	char *path;

	*out = NULL;
	if ((rc = mkdir_p(state_dir)))
		return fail_prefix(rc, "state dir");
	path = xasprintf("%s/lock", state_dir);
	for (tries = 0; tries < TAKE_TRIES; tries++) {
		if ((rc = try_take(path, &fd)) != 0)
			break;
		pause_briefly();
	}
	if (rc <= 0) {
		if (rc == 0)
			rc = fail(FS_EABORT, "cannot take lock file '%s': it keeps being replaced", path);
		xfree(path);
		return rc;
	}
	lk = xcalloc(1, sizeof(*lk));
	lk->fd = fd;
	lk->path = path;
	if ((rc = write_owner(lk))) {
		lock_release(lk);
		return rc;
	}
	*out = lk;
	return 0;
}

void lock_release(struct lock *lk)
{
	if (!lk)
		return;
	/* Unlink before unlocking: whoever waits then finds the file gone and retries. */
	if (same_file(lk->fd, lk->path))
		unlink(lk->path);
	close(lk->fd);
	xfree(lk->path);
	xfree(lk);
}

int lock_probe(const char *state_dir, struct lock_owner *out)
{
	char *path = xasprintf("%s/lock", state_dir);
	int fd, rc;

	memset(out, 0, sizeof(*out));
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0) {
		rc = errno == ENOENT ? 0 : fail(FS_EABORT, "cannot open lock file '%s': %s", path, strerror(errno));
		xfree(path);
		return rc;
	}
	if (flock(fd, LOCK_SH | LOCK_NB) == 0) {
		rc = 0;
	} else if (errno == EWOULDBLOCK) {
		read_owner(fd, out);
		rc = 1;
	} else {
		rc = fail(FS_EABORT, "cannot probe lock file '%s': %s", path, strerror(errno));
	}
	close(fd);
	xfree(path);
	return rc;
}
