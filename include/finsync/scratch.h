/*
 * scratch.h - a temporary SQLite database on disk for what a stage must
 * remember about every record (the contacts waiting for their account, the
 * ids already written): the memory stays bounded by SQLite's page cache
 * (SCRATCH_CACHE_KIB) whatever the size of the data.
 *
 * The file lives in the stage's folder, is made afresh by scratch_open()
 * (a leftover of a killed run is removed) and removed by scratch_close().
 * No journal and no fsync: nothing in it outlives the stage.
 */
#ifndef FINSYNC_SCRATCH_H
#define FINSYNC_SCRATCH_H
#include <stddef.h>

struct sqlite3;
struct sqlite3_stmt;

#define SCRATCH_CACHE_KIB 2048

/* Opens path as a new scratch database and runs schema (SQL, may be NULL); 0 or FS_EABORT. */
int scratch_open(struct sqlite3 **out, const char *path, const char *schema);
/* Prepares sql on db; 0 or FS_EABORT naming path. */
int scratch_prepare(struct sqlite3 *db, const char *path, const char *sql, struct sqlite3_stmt **out);
/* FS_EABORT with SQLite's message about db, naming path and what was done. */
int scratch_fail(struct sqlite3 *db, const char *path, const char *what);
/* Closes db and removes path; NULL-safe. */
void scratch_close(struct sqlite3 *db, const char *path);

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
int scratch_groups_put(struct scratch_groups *g, const char *group, const char *member, const char *text,
		       size_t len);
/* After the last put: indexes the groups for scratch_groups_take(). */
int scratch_groups_seal(struct scratch_groups *g);
/* *n: how many texts the group had. */
int scratch_groups_take(struct scratch_groups *g, const char *group,
			int (*fn)(const char *text, size_t len, void *ud), void *ud, long *n);
int scratch_groups_each(struct scratch_groups *g, int (*fn)(const char *member, const char *group, void *ud),
			void *ud);
/* Closes and removes the file; NULL-safe. */
void scratch_groups_close(struct scratch_groups *g);

#endif
