/*
 * scratch.h - temporary files on disk for what a stage must remember about
 * every record (the contacts waiting for their account, the ids already
 * written, the finance index): the memory stays bounded by SQLite's page
 * cache (SCRATCH_CACHE_KIB) and the rows' buffers (util/rowfile.c,
 * util/keyruns.c) whatever the size of the data.
 *
 * The SQLite file lives in the stage's folder, is made afresh when a store
 * opens (a leftover of a killed run is removed) and removed when it closes;
 * the rows' files are removed as soon as they are made.  No journal and no
 * fsync: nothing in them outlives the stage.
 */
#ifndef FINSYNC_SCRATCH_H
#define FINSYNC_SCRATCH_H
#include <stddef.h>

#define SCRATCH_CACHE_KIB 2048

/*
 * Three shapes, each behind its own functions (the SQL stays in scratch.c):
 * a set of ids, texts grouped by a key, and rows looked up by their keys.
 */

/*
 * A set of strings (record ids) in a scratch database dir/name, made on the
 * first add (the folder must exist by then).  A fixed-size Bloom filter in
 * front answers most "not there" without a query.
 */
struct scratch_set;
struct scratch_set *scratch_set_new(const char *dir, const char *name);
/* 1 added, 0 already there, FS_EABORT. */
int scratch_set_add(struct scratch_set *s, const char *key);
/* 1 there, 0 not, FS_EABORT. */
int scratch_set_has(struct scratch_set *s, const char *key);
/* Empties the set; 0 or FS_EABORT. */
int scratch_set_clear(struct scratch_set *s);
/* Closes and removes the file; NULL-safe. */
void scratch_set_free(struct scratch_set *s);

/*
 * Texts grouped by a key, in a scratch database at path: put (group,
 * member, text) rows while a file is read, seal, then take a group's texts
 * in member order (ids as numbers: the shorter first) once its key comes
 * by.  Taken rows are dropped; scratch_groups_each() lists those never
 * taken, in the order they were put.  Texts and strings a callback gets
 * are borrowed for the call; a non-zero return stops and is returned.
 */
struct scratch_groups;
/* 0 or FS_EABORT; *out is closed with scratch_groups_close() either way. */
int scratch_groups_open(struct scratch_groups **out, const char *path);
int scratch_groups_put(struct scratch_groups *g, const char *group, const char *member, const char *text, size_t len);
/* After the last put: indexes the groups for scratch_groups_take(). */
int scratch_groups_seal(struct scratch_groups *g);
/* *n: how many texts the group had. */
int scratch_groups_take(struct scratch_groups *g, const char *group, int (*fn)(const char *text, size_t len, void *ud),
			void *ud, long *n);
int scratch_groups_each(struct scratch_groups *g, int (*fn)(const char *member, const char *group, void *ud), void *ud);
/* Closes and removes the file; NULL-safe. */
void scratch_groups_close(struct scratch_groups *g);

/*
 * Rows of a kind (a small integer) and SCRATCH_ROW_TEXTS text columns,
 * numbered by the caller (rid, ascending), looked up by any text column
 * that has been indexed (a lookup on another column indexes it), in rid
 * order; plus a table of counters by key.  The rows are appended to a
 * file and their keys filed in sorted runs, not in SQLite's B-trees: they
 * are written in one go, not page by page.
 * The transform's finance index keeps its rows here (xform/dedupe.c).
 *
 * The first failure is reported (fail()) and sticks: every later call
 * returns FS_EABORT without a new message, so the first cause is the one
 * told.  Texts a callback gets are borrowed for the call; a non-zero
 * return stops the walk and is returned.
 */
#define SCRATCH_ROW_TEXTS 7

struct scratch_row {
	long long rid;
	int kind;
	const char *text[SCRATCH_ROW_TEXTS]; /* NULL: none */
};

struct scratch_rows;
/*
 * path NULL: temporary files of SQLite's and in $TMPDIR.  Columns whose bit
 * is set in indexed get their index now.  *out is closed with
 * scratch_rows_close() either way.
 */
int scratch_rows_open(struct scratch_rows **out, const char *path, unsigned indexed);
/* Indexes column col (once; later calls do nothing). */
int scratch_rows_index(struct scratch_rows *r, int col);
/* Writes n rows. */
int scratch_rows_put(struct scratch_rows *r, const struct scratch_row *const *rows, size_t n);
/* The rows whose column col is key, in rid order. */
int scratch_rows_find(struct scratch_rows *r, int col, const char *key,
		      int (*fn)(const struct scratch_row *row, void *ud), void *ud);
/* Sets column col of row rid to text (NULL: none). */
int scratch_rows_set(struct scratch_rows *r, long long rid, int col, const char *text);
/* The counter of key: *n (0 when never put). */
int scratch_rows_count_get(struct scratch_rows *r, const char *key, long long *n);
int scratch_rows_count_put(struct scratch_rows *r, const char *key, long long n);
/* FS_EABORT once a call failed, else 0. */
int scratch_rows_failed(const struct scratch_rows *r);
/* Closes and removes the file; NULL-safe. */
void scratch_rows_close(struct scratch_rows *r);

#endif
