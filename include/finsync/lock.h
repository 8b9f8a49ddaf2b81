/*
 * lock.h - one run per job at a time: <state_dir>/lock.
 *
 * The lock is flock(LOCK_EX) on that file, so it dies with its process (a
 * run killed with SIGKILL leaves no lock behind, only the file).  The file
 * holds one line, "PID HOSTNAME STARTED_AT", for the messages: who holds it
 * and since when.  A file left behind by a process that died is a stale
 * lock: the next run takes it over (one warning) and rewrites the line.
 * Readers (status) probe with LOCK_SH, which a run waiting to start tells
 * apart from another run's LOCK_EX, so a status never makes a run exit 4.
 */
#ifndef FINSYNC_LOCK_H
#define FINSYNC_LOCK_H

struct lock;

/* Who holds a job's lock, from the lock file's line (fields may be empty). */
struct lock_owner {
	long pid; /* 0 when the line is missing or unreadable */
	char host[256];
	char since[64]; /* ISO 8601 UTC */
};

/*
 * Takes the job's lock, creating state_dir (and its parents) and the lock
 * file.  0 with *out set; FS_ELOCKED "job is locked by process N (since T);
 * another run is in progress" when another live process holds it (exit 4);
 * FS_EABORT when the file cannot be created or locked.  Never waits for
 * another run.  *out is NULL on failure.
 */
int lock_acquire(struct lock **out, const char *state_dir);

/* Removes the lock file and drops the lock.  NULL-safe. */
void lock_release(struct lock *lk);

/*
 * Whether a run holds the job's lock now, without taking it and without
 * creating anything: 1 held (*out filled from the file), 0 free (no file,
 * or a stale one), <0 error.
 */
int lock_probe(const char *state_dir, struct lock_owner *out);

#endif
