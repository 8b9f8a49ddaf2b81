/*
 * outfile.h - a command's output: standard output, or -o FILE written whole
 * and atomically (FILE.tmp, fsync, rename), so a reader never sees half a
 * report.  A device or a pipe given as FILE (/dev/stdout, a FIFO) is written
 * in place.
 *
 *	struct outfile out = OUTFILE_INIT;
 *	if (!(rc = outfile_open(&out, path))) {
 *		... write to out.fp ...
 *		rc = outfile_finish(&out);
 *	}
 *	outfile_abort(&out);          (drops FILE.tmp unless finished)
 */
#ifndef FINSYNC_OUTFILE_H
#define FINSYNC_OUTFILE_H
#include <stdio.h>

/* The UTF-8 byte order mark some spreadsheets need to read CSV as UTF-8. */
#define UTF8_BOM "\xEF\xBB\xBF"

struct outfile {
	FILE *fp;
	const char *name; /* for messages: the path, or "standard output" */
	const char *path; /* borrowed; NULL for standard output */
	char *tmp;        /* written, then renamed to path; NULL when direct */
};

/* clang-format off */
#define OUTFILE_INIT { NULL, NULL, NULL, NULL }
/* clang-format on */

/* path NULL or "-": standard output.  0, or FS_EABORT naming the file (nothing left to abort). */
int outfile_open(struct outfile *out, const char *path);

/* Flushes, fsyncs, closes and renames into place: 0, or FS_EABORT naming the file. */
int outfile_finish(struct outfile *out);

/* Drops an unfinished output (removes FILE.tmp); NULL-safe, harmless after outfile_finish(). */
void outfile_abort(struct outfile *out);

#endif
