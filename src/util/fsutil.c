/*
 * fsutil.c - small file-system helpers.
 */
#include <errno.h>
#include <string.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/fsutil.h"

int mkdir_p(const char *dir)
{
	char *p = xstrdup(dir);
	char *s;
	int rc = 0;

	for (s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0700) && errno != EEXIST) {
			rc = fail(FS_EABORT, "cannot create '%s': %s", p, strerror(errno));
			break;
		}
		*s = c;
		if (c == '\0')
			break;
	}
	xfree(p);
	return rc;
}

char *tmpfile_prefix(const char *prefix, const char *name)
{
	const char *tmp = getenv("TMPDIR");

	if (prefix)
		return xstrdup(prefix);
	return xasprintf("%s/%s", tmp && *tmp ? tmp : "/tmp", name);
}

int tmpfile_open(const char *prefix)
{
	char *path = xasprintf("%s-XXXXXX", prefix);
	int fd = mkstemp(path), err = errno;

	if (fd >= 0)
		unlink(path);
	xfree(path);
	errno = err;
	return fd;
}

int write_full(int fd, const void *data, size_t len)
{
	const char *p = data;
	ssize_t w;

	while (len) {
		if ((w = write(fd, p, len)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int pwrite_full(int fd, const void *data, size_t len, long long off)
{
	const char *p = data;
	ssize_t w;

	while (len) {
		if ((w = pwrite(fd, p, len, (off_t)off)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		off += w;
		len -= (size_t)w;
	}
	return 0;
}

int pread_full(int fd, void *out, size_t len, long long off)
{
	char *p = out;
	ssize_t got;

	while (len) {
		if ((got = pread(fd, p, len, (off_t)off)) <= 0) {
			if (got < 0 && errno == EINTR)
				continue;
			if (!got)
				errno = 0;
			return -1;
		}
		p += got;
		off += got;
		len -= (size_t)got;
	}
	return 0;
}
