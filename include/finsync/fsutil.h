/*
 * fsutil.h - small file-system helpers.
 */
#ifndef FINSYNC_FSUTIL_H
#define FINSYNC_FSUTIL_H
#include <stddef.h>

/* Creates dir and its missing parents (mode 0700); FS_EABORT naming it. */
int mkdir_p(const char *dir);

/*
 * For scratch files (util/keyruns.c, util/rowfile.c); each returns -1 with
 * errno set on failure (0 for a file that ends early).
 */
/* prefix, or $TMPDIR/name (/tmp/name) when prefix is NULL: a string to xfree(). */
char *tmpfile_prefix(const char *prefix, const char *name);
/* A new file prefix-XXXXXX, removed at once (the descriptor keeps it): nothing is left behind. */
int tmpfile_open(const char *prefix);
/* All of data, going on after EINTR and short writes. */
int write_full(int fd, const void *data, size_t len);
/* All of data at off. */
int pwrite_full(int fd, const void *data, size_t len, long long off);
/* Exactly len bytes at off. */
int pread_full(int fd, void *out, size_t len, long long off);

#endif
