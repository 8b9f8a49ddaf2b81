/*
 * staging.c - gzip NDJSON staging files and the manifest beside them.
 *
 * Writers follow git's lockfile pattern: <name>.ndjson.gz.tmp, gzclose,
 * fsync, rename.  A crash leaves the old file or the new one, never half of
 * one; the manifest is written last and so marks a finished stage.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include "finsync/alloc.h"
#include "finsync/buf.h"
#include "finsync/err.h"
#include "finsync/fsutil.h"
#include "finsync/staging.h"

#define LINE_MAX_BYTES ((size_t)64 << 20)   /* one record; larger is a bad file */
#define READ_CHUNK 65536

struct staging_writer {
	gzFile gz;
	char *path;       /* final path */
	char *tmp;        /* path being written */
	char *file;       /* "<name>.ndjson.gz", for the manifest */
	long count;
	unsigned long crc;
	struct buf line;  /* reused for every record */
};

struct staging_reader {
	gzFile gz;
	char *path;
	struct buf line;
	char *chunk;
	size_t chunk_len, chunk_pos;
	long lineno;
	int eof;
};

struct manifest {
	json_t *root;
};

char *staging_dir(const char *state_dir, long run_id, const char *stage)
{
	return xasprintf("%s/staging/%ld/%s", state_dir, run_id, stage);
}

int staging_writer_open(struct staging_writer **out, const char *dir, const char *name)
{
	struct staging_writer *w;
	int rc;

	*out = NULL;
	if ((rc = mkdir_p(dir)))
		return rc;
	w = xcalloc(1, sizeof(*w));
	w->file = xasprintf("%s.ndjson.gz", name);
	w->path = xasprintf("%s/%s", dir, w->file);
	w->tmp = xasprintf("%s.tmp", w->path);
	w->crc = crc32(0L, Z_NULL, 0);
	buf_init(&w->line, LINE_MAX_BYTES);
	/* Level 1: staging is written once and read once; speed matters more. */
	w->gz = gzopen(w->tmp, "wb1");
	if (!w->gz) {
		rc = fail(FS_EABORT, "cannot create '%s': %s", w->tmp, strerror(errno));
		staging_writer_abort(w);
		return rc;
	}
	gzbuffer(w->gz, 1 << 17);
	*out = w;
	return 0;
}

int staging_write_line(struct staging_writer *w, const char *line, size_t len)
{
	if ((len && gzwrite(w->gz, line, (unsigned)len) != (int)len) || gzputc(w->gz, '\n') != '\n') {
		int e;
		return fail(FS_EABORT, "cannot write '%s': %s", w->tmp, gzerror(w->gz, &e));
	}
	w->crc = crc32(w->crc, (const Bytef *)line, (uInt)len);
	w->crc = crc32(w->crc, (const Bytef *)"\n", 1);
	w->count++;
	return 0;
}

static int dump_cb(const char *p, size_t n, void *data)
{
	return buf_add(data, p, n) ? -1 : 0;
}

int staging_write(struct staging_writer *w, json_t *rec)
{
	int rc;

	buf_reset(&w->line);
	if (json_dump_callback(rec, dump_cb, &w->line, JSON_COMPACT))
		return fail(FS_EABORT, "cannot encode a record for '%s'", w->file);
	rc = staging_write_line(w, buf_str(&w->line), w->line.len);
	if (w->line.cap > (1 << 20))    /* do not keep one huge record's buffer */
		buf_release(&w->line);
	return rc;
}

long staging_writer_count(const struct staging_writer *w)
{
	return w->count;
}

static int fsync_path(const char *path)
{
	int fd = open(path, O_RDONLY);
	int rc = 0;

	if (fd < 0)
		return -1;
	if (fsync(fd))
		rc = -1;
	close(fd);
	return rc;
}

static void writer_free(struct staging_writer *w)
{
	xfree(w->path);
	xfree(w->tmp);
	xfree(w->file);
	buf_release(&w->line);
	xfree(w);
}

int staging_writer_finish(struct staging_writer *w, struct manifest *m)
{
	int rc = 0;
	int zrc = gzclose(w->gz);

	w->gz = NULL;
	if (zrc != Z_OK)
		rc = fail(FS_EABORT, "cannot write '%s' (zlib error %d)", w->tmp, zrc);
	else if (fsync_path(w->tmp))
		rc = fail(FS_EABORT, "cannot fsync '%s': %s", w->tmp, strerror(errno));
	else if (rename(w->tmp, w->path))
		rc = fail(FS_EABORT, "cannot rename '%s': %s", w->tmp, strerror(errno));
	if (rc) {
		unlink(w->tmp);
	} else if (m) {
		manifest_add(m, w->file, w->count, w->crc);
	}
	writer_free(w);
	return rc;
}

void staging_writer_abort(struct staging_writer *w)
{
	if (!w)
		return;
	if (w->gz)
		gzclose(w->gz);
	unlink(w->tmp);
	writer_free(w);
}

struct manifest *manifest_new(long run_id, const char *stage)
{
	struct manifest *m = xcalloc(1, sizeof(*m));

	m->root = json_pack("{s:I, s:s, s:{}}", "run_id", (json_int_t)run_id, "stage", stage, "files");
	return m;
}

void manifest_add(struct manifest *m, const char *file, long records, unsigned long crc)
{
	char hex[16];

	snprintf(hex, sizeof(hex), "%08lx", crc & 0xffffffffUL);
	json_object_set_new(json_object_get(m->root, "files"), file,
			    json_pack("{s:I, s:s}", "records", (json_int_t)records, "crc32", hex));
}

int manifest_write(struct manifest *m, const char *dir)
{
	char *path = xasprintf("%s/manifest.json", dir);
	char *tmp = xasprintf("%s.tmp", path);
	int rc = mkdir_p(dir);

	if (!rc && json_dump_file(m->root, tmp, JSON_INDENT(2) | JSON_SORT_KEYS))
		rc = fail(FS_EABORT, "cannot write '%s'", tmp);
	if (!rc && fsync_path(tmp))
		rc = fail(FS_EABORT, "cannot fsync '%s': %s", tmp, strerror(errno));
	if (!rc && rename(tmp, path))
		rc = fail(FS_EABORT, "cannot rename '%s': %s", tmp, strerror(errno));
	if (rc)
		unlink(tmp);
	xfree(path);
	xfree(tmp);
	return rc;
}

void manifest_free(struct manifest *m)
{
	if (!m)
		return;
	json_decref(m->root);
	xfree(m);
}

int manifest_load(const char *dir, json_t **out)
{
	char *path = xasprintf("%s/manifest.json", dir);
	json_error_t jerr;
	int rc = 1;

	*out = NULL;
	if (access(path, F_OK)) {
		rc = 0;
	} else if (!(*out = json_load_file(path, 0, &jerr))) {
		rc = fail(FS_EABORT, "'%s' line %d: %s", path, jerr.line, jerr.text);
	}
	xfree(path);
	return rc;
}

int staging_reader_open(struct staging_reader **out, const char *dir, const char *name, int missing_ok)
{
	struct staging_reader *r = xcalloc(1, sizeof(*r));

	*out = NULL;
	r->path = xasprintf("%s/%s.ndjson.gz", dir, name);
	buf_init(&r->line, LINE_MAX_BYTES);
	if (access(r->path, F_OK) && missing_ok) {
		r->eof = 1;
		*out = r;
		return 0;
	}
	r->gz = gzopen(r->path, "rb");
	if (!r->gz) {
		int rc = fail(missing_ok ? FS_EABORT : FS_EUSAGE, "cannot open '%s': %s", r->path,
			      errno ? strerror(errno) : "not a gzip file");
		staging_reader_close(r);
		return rc;
	}
	gzbuffer(r->gz, 1 << 17);
	r->chunk = xmalloc(READ_CHUNK);
	*out = r;
	return 0;
}

/* Fills r->line with the next line; 1 line, 0 end, <0 error. */
static int next_line(struct staging_reader *r)
{
	buf_reset(&r->line);
	for (;;) {
		if (r->chunk_pos == r->chunk_len) {
			int n;
			if (r->eof)
				return r->line.len ? 1 : 0;
			n = gzread(r->gz, r->chunk, READ_CHUNK);
			if (n < 0) {
				int e;
				return fail(FS_EABORT, "cannot read '%s': %s", r->path, gzerror(r->gz, &e));
			}
			if (n == 0) {
				r->eof = 1;
				continue;
			}
			r->chunk_len = (size_t)n;
			r->chunk_pos = 0;
		}
		char *start = r->chunk + r->chunk_pos;
		char *nl = memchr(start, '\n', r->chunk_len - r->chunk_pos);
		size_t n = nl ? (size_t)(nl - start) : r->chunk_len - r->chunk_pos;
		if (buf_add(&r->line, start, n))
			return fail(FS_EABORT, "'%s' line %ld: longer than %zu bytes", r->path,
				    r->lineno + 1, LINE_MAX_BYTES);
		r->chunk_pos += n + (nl ? 1 : 0);
		if (nl)
			return 1;
	}
}

int staging_read(struct staging_reader *r, json_t **out)
{
	json_error_t jerr;
	int rc;

	*out = NULL;
	do {
		if ((rc = next_line(r)) <= 0)
			return rc;
		r->lineno++;
	} while (r->line.len == 0);
	*out = json_loadb(r->line.data, r->line.len, JSON_ALLOW_NUL, &jerr);
	if (!*out)
		return fail(FS_EINPUT, "'%s' line %ld column %d: %s", r->path, r->lineno,
			    jerr.column, jerr.text);
	return 1;
}

long staging_reader_line(const struct staging_reader *r)
{
	return r->lineno;
}

void staging_reader_close(struct staging_reader *r)
{
	if (!r)
		return;
	if (r->gz)
		gzclose(r->gz);
	buf_release(&r->line);
	xfree(r->chunk);
	xfree(r->path);
	xfree(r);
}
