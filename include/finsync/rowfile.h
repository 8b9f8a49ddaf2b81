/*
 * rowfile.h - rows of a kind and a fixed number of texts, by row id,
 * appended to a temporary file: the scratch store's rows (util/scratch.c).
 *
 * Row ids are numbered by the caller; a row put again is a new version
 * (the last one is the row).  The files are removed as soon as they are
 * made.  The first failure is reported (fail()) and sticks: every later
 * call returns FS_EABORT without a new message.
 */
#ifndef FINSYNC_ROWFILE_H
#define FINSYNC_ROWFILE_H
#include <stddef.h>

#define ROWFILE_MAX_TEXTS 16

struct rowfile;

/* ntext texts a row (at most ROWFILE_MAX_TEXTS); files named prefix-XXXXXX (NULL: in $TMPDIR or /tmp). */
struct rowfile *rowfile_new(const char *prefix, int ntext);
/* Writes row rid (a new version when it was put before); text[i] NULL: none.  0 or FS_EABORT. */
int rowfile_put(struct rowfile *f, long long rid, int kind, const char *const *text);
/*
 * Reads row rid's last version: 1 and *kind, text[] (borrowed until the next
 * call on f), 0 when never put, or FS_EABORT.
 */
int rowfile_get(struct rowfile *f, long long rid, int *kind, const char **text);
/*
 * Every version of every row, in the order written (a row put twice comes
 * twice); fn must not call f; a non-zero return of fn stops the walk and is
 * returned.
 */
int rowfile_each(struct rowfile *f, int (*fn)(long long rid, int kind, const char *const *text, void *ud), void *ud);
/* Closes the files; NULL-safe. */
void rowfile_free(struct rowfile *f);

#endif
