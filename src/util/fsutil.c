/*
 * fsutil.c - small file-system helpers.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
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
