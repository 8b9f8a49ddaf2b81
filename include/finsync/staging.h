/*
 * staging.h - gzip NDJSON files between the stages, and their manifest.
 *
 * Layout: <state_dir>/staging/<run_id>/<stage>/<name>.ndjson.gz plus
 * <stage>/manifest.json.  A file appears atomically (written as .tmp, fsync,
 * rename) and the manifest, written last, marks the stage complete; it records
 * per file the count of records and the CRC-32 of the uncompressed bytes.
 */
#ifndef FINSYNC_STAGING_H
#define FINSYNC_STAGING_H
#include <jansson.h>
#include <stddef.h>

struct staging_writer;
struct staging_reader;
struct manifest;

/* <state_dir>/staging/<run_id>/<stage>; caller frees. */
char *staging_dir(const char *state_dir, long run_id, const char *stage);

/* Opens dir/<name>.ndjson.gz.tmp for writing (creates dir). */
int staging_writer_open(struct staging_writer **out, const char *dir, const char *name);
/*
 * Appends one record (borrowed) as one line.  FS_EINPUT, with nothing
 * written, for a record that cannot be one (not an object or array, over
 * 64 MiB as JSON): that record's error, the file goes on.
 */
int staging_write(struct staging_writer *w, json_t *rec);
/* Appends one line of JSON text (no newline in it); FS_EINPUT as staging_write for one over 64 MiB. */
int staging_write_line(struct staging_writer *w, const char *line, size_t len);
long staging_writer_count(const struct staging_writer *w);
/* Closes, fsyncs and renames into place; adds the file to m; frees w. */
int staging_writer_finish(struct staging_writer *w, struct manifest *m);
/* Drops an unfinished file; NULL-safe. */
void staging_writer_abort(struct staging_writer *w);

struct manifest *manifest_new(long run_id, const char *stage);
void manifest_add(struct manifest *m, const char *file, long records, unsigned long crc);
/* A fact about the stage beside its files (key must not be "files"): read back from manifest_load(). */
void manifest_note(struct manifest *m, const char *key, const char *value);
/* The extract's note: the CRM's clock at its first list answer (ISO 8601 UTC). */
#define MANIFEST_CRM_TIME "crm_time"
/* Records the manifest holds for the staged file name (as staging_writer_open takes it), 0 for none. */
long manifest_records(const struct manifest *m, const char *name);
/* Writes dir/manifest.json atomically. */
int manifest_write(struct manifest *m, const char *dir);
void manifest_free(struct manifest *m);
/* Reads dir/manifest.json; 1 found, 0 absent, <0 error. */
int manifest_load(const char *dir, json_t **out);

/*
 * Reads dir/<name>.ndjson.gz.  staging_read() returns 1 with a new reference
 * in *out, 0 at the end, FS_EINPUT for a malformed line (the message names the
 * file and line; the next call goes on with the next line) and FS_EABORT for
 * an I/O error.  A missing file opens as empty when missing_ok.
 */
int staging_reader_open(struct staging_reader **out, const char *dir, const char *name, int missing_ok);
int staging_read(struct staging_reader *r, json_t **out);
long staging_reader_line(const struct staging_reader *r);
/*
 * From now on, records (top-level objects) carry only the keys in names (an
 * array of strings; NULL: all again): a stage that reads a few fields of a
 * wide record skips building the others.  A record may still carry more.
 */
void staging_reader_keep(struct staging_reader *r, json_t *names);
void staging_reader_close(struct staging_reader *r);

#endif
