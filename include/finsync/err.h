/*
 * err.h - error codes and the one-line error message of a failed call.
 *
 * A function that fails returns one of the negative FS_E* codes and leaves a
 * message (lower case, no full stop, naming the file, key or record) that
 * err_msg() returns.  fail() does both in one statement:
 *
 *	return fail(FS_EABORT, "cannot open '%s': %s", path, strerror(errno));
 *
 * A bad record is never a run error: stages record it in the ledger and go on.
 */
#ifndef FINSYNC_ERR_H
#define FINSYNC_ERR_H

enum fs_err {
	FS_OK = 0,
	FS_EUSAGE = -2,   /* usage or job-file error: exit 2, nothing was done */
	FS_EABORT = -3,   /* auth, network after retries, disk, ledger: exit 3 */
	FS_ELOCKED = -4,  /* another run of this job holds the lock: exit 4 */
	FS_EBUDGET = -5,  /* an API's daily budget is spent: exit 5 */
	FS_EINPUT = -10,  /* one record is bad (never turned into an exit code) */
	FS_EAPI = -11,    /* the API refused one request; the message says why */
	FS_EUNSURE = -12, /* a write was sent and no answer came: it may have been applied */
};

/* Formats the message, keeps it for err_msg(), returns code. */
int fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prefixes the current message with "<prefix>: ", returns code. */
int fail_prefix(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The message of the last fail(); "" when none.  Valid until the next fail(). */
const char *err_msg(void);

/* Maps a result code and the count of failed records to the process exit code. */
int exit_code_for(int rc, long records_failed);

#endif
