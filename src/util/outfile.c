/*
 * outfile.c - -o FILE for reports (history, review): written as FILE.tmp,
 * fsynced and renamed, so a crash or a full disk leaves the old file or the
 * new one, never half of one.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/outfile.h"

int outfile_open(struct outfile *out, const char *path)
{
	struct stat st;

	memset(out, 0, sizeof(*out));
	if (path && !strcmp(path, "-"))
		path = NULL;
	out->path = path;
	out->name = path ? path : "standard output";
	if (!path) {
		out->fp = stdout;
		return 0;
	}
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		out->fp = fopen(path, "w");
	} else {
		out->tmp = xasprintf("%s.tmp", path);
		out->fp = fopen(out->tmp, "w");
	}
	if (!out->fp) {
		int rc = fail(FS_EABORT, "cannot create '%s': %s", out->tmp ? out->tmp : path, strerror(errno));
		xfree(out->tmp);
		out->tmp = NULL;
		return rc;
	}
	return 0;
}

int outfile_finish(struct outfile *out)
{
	int failed = fflush(out->fp) != 0 || ferror(out->fp);
	int err = errno;

	if (!failed && out->tmp && fsync(fileno(out->fp)) && errno != EINVAL)
		failed = 1, err = errno;
	if (out->fp != stdout && fclose(out->fp) && !failed)
		failed = 1, err = errno;
	out->fp = NULL;
	if (failed)
		return fail(FS_EABORT, "cannot write '%s': %s", out->name, strerror(err ? err : EIO));
	if (out->tmp && rename(out->tmp, out->path))
		return fail(FS_EABORT, "cannot rename '%s' to '%s': %s", out->tmp, out->path, strerror(errno));
	xfree(out->tmp);
	out->tmp = NULL;
	return 0;
}

void outfile_abort(struct outfile *out)
{
	if (!out)
		return;
	if (out->fp && out->fp != stdout)
		fclose(out->fp);
	out->fp = NULL;
	if (out->tmp)
		unlink(out->tmp);
	xfree(out->tmp);
	out->tmp = NULL;
}
