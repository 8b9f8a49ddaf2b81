/*
 * staging.c - gzip NDJSON staging files and the manifest beside them.
 *
 * Writers follow git's lockfile pattern: <name>.ndjson.gz.tmp, gzclose,
 * fsync, rename.  A crash leaves the old file or the new one, never half of
 * one; the manifest is written last and so marks a finished stage.
 *
 * Compression runs on a second thread: lines are gathered in a block, and a
 * full block is handed to the writer's compressor thread (CRC-32 and
 * deflate) while the stage fills the other one.  deflate at level 1 was a
 * third of the extract stage's time; now it overlaps with it.  The thread
 * starts with the second block, so a small file never starts one.  Lines
 * are read and written with ndjson.c, which gives jansson's values and bytes
 * several times faster.
 *
 * Each block is one gzip member, compressed whole by libdeflate at level 1:
 * 2.6 times faster than zlib's gzwrite at level 1 on staged NDJSON, and 5 %
 * smaller (BENCH.md).  A file of members is one gzip file to every reader
 * (gzread, zcat, Python's gzip).  The reader decompresses such members whole
 * with libdeflate too (2-3 times faster than gzread); anything else (a
 * member larger than a block, as an older finsync wrote, a damaged or
 * truncated one, a file that is not gzip) goes to zlib's gzread from that
 * member on, so every file reads, and fails, as it did.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libdeflate.h>
#include <zlib.h>
#include "finsync/alloc.h"
#include "finsync/buf.h"
#include "finsync/err.h"
#include "finsync/fsutil.h"
#include "finsync/ndjson.h"
#include "finsync/staging.h"

#define LINE_MAX_BYTES ((size_t)64 << 20) /* one record; larger is a bad file */
#define READ_CHUNK 65536                  /* what one gzread() asks for */
#define IN_SIZE ((size_t)1 << 20)         /* compressed bytes held: any member of ours, with room */
#define BLOCK_SIZE ((size_t)256 << 10)    /* uncompressed bytes per hand-off */

/*
 * The compressor: one block at a time.  `pending` is the block handed over
 * (NULL when the thread is idle); the thread gives the buffer back as
 * `spare`.  fd, deflater, out, members and crc belong to the thread while
 * it runs.
 */
struct compressor {
	pthread_t thread;
	int live;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	char *pending;
	size_t pending_len;
	char *spare;
	int closing;
	int failed;
	char error[200]; /* gzerror() of a failed write, for the stage's message */
};

struct staging_writer {
	int fd;
	struct libdeflate_compressor *deflater;
	char *out; /* one block's gzip member */
	size_t out_size;
	long members; /* written to fd */
	char *path;   /* final path */
	char *tmp;    /* path being written */
	char *file;   /* "<name>.ndjson.gz", for the manifest */
	long count;
	unsigned long crc;
	struct buf line; /* reused for every record */
	char *block;     /* lines gathered for the next gzwrite */
	size_t block_len;
	struct compressor z;
};
/*
 * Reading runs on a second thread too: it inflates and splits lines ahead,
 * a batch at a time, while the stage parses and works on the batch before.
 * (Parsing stays on the stage's thread: jansson values made on one thread
 * and freed on another cost more in malloc's locks than the parse itself.)
 * The reader thread never calls fail(): a read error travels as text.
 */
#define BATCH 256
#define BATCHES 3

struct batch {
	struct buf text; /* the lines, each NUL-terminated */
	size_t off[BATCH];
	size_t len[BATCH];
	long line[BATCH];
	int n, pos;
	int last;    /* nothing follows: end of file or the read error */
	char *error; /* the read error's message, after the lines */
	struct batch *next;
};

struct staging_reader {
	int fd;                                   /* read for libdeflate; -1 once gz has it */
	struct libdeflate_decompressor *inflater; /* NULL once gz reads */
	char *in;                                 /* compressed bytes from the file, for libdeflate */
	size_t in_len, in_pos;
	off_t in_off; /* the file offset of in[0] */
	int in_eof;
	long members; /* decompressed by libdeflate */
	gzFile gz;    /* zlib, from the first member libdeflate did not take */
	char *path;
	struct buf line;
	char *chunk; /* BLOCK_SIZE: one member, or one gzread() */
	size_t chunk_len, chunk_pos;
	long lineno; /* lines the reader thread has read */
	int eof;
	long last_line; /* the line of the record staging_read() returned last */
	int fatal;      /* a read error was returned: it is returned again */
	char *fatal_msg;
	pthread_t thread;
	int live;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct batch *queue, *tail; /* filled, oldest first */
	struct batch *free;         /* empty */
	struct batch *cur;          /* being returned by staging_read() */
	int stop;
	struct ndjson_keys *keep; /* the top-level keys to build, or NULL: all */
};

struct manifest {
	json_t *root;
};

char *staging_dir(const char *state_dir, long run_id, const char *stage)
{
	return xasprintf("%s/staging/%ld/%s", state_dir, run_id, stage);
}

/*
 * CRC-32 and the gzip member of one block (none for an empty block, unless
 * the file has none yet: an empty file is still a gzip file); 0, or -1 with
 * the reason in error.
 */
static int compress_block(struct staging_writer *w, const char *p, size_t n, char *error, size_t size)
{
	size_t len;

	if (!n && w->members)
		return 0;
	w->crc = libdeflate_crc32((uint32_t)w->crc, p, n);
	len = libdeflate_gzip_compress(w->deflater, p, n, w->out, w->out_size);
	if (!len) {
		snprintf(error, size, "a block does not fit its bound once compressed");
		return -1;
	}
	if (write_full(w->fd, w->out, len)) {
		snprintf(error, size, "%s", strerror(errno ? errno : EIO));
		return -1;
	}
	w->members++;
	return 0;
}

static void *compressor_main(void *arg)
{
	struct staging_writer *w = arg;
	struct compressor *z = &w->z;
	char *p;
	size_t n;
	int failed = 0;

	pthread_mutex_lock(&z->mu);
	for (;;) {
		while (!z->pending && !z->closing)
			pthread_cond_wait(&z->cv, &z->mu);
		if (!z->pending)
			break;
		p = z->pending;
		n = z->pending_len;
		pthread_mutex_unlock(&z->mu);
		if (!failed)
			failed = compress_block(w, p, n, z->error, sizeof(z->error));
		pthread_mutex_lock(&z->mu);
		z->failed = failed;
		z->spare = p;
		z->pending = NULL;
		pthread_cond_broadcast(&z->cv);
	}
	pthread_mutex_unlock(&z->mu);
	return NULL;
}

static int write_failed(struct staging_writer *w, const char *why)
{
	return fail(FS_EABORT, "cannot write '%s': %s", w->tmp, why);
}

/* Hands the full block to the compressor (started on first use); takes the spare back. */
static int flush_block(struct staging_writer *w)
{
	struct compressor *z = &w->z;
	char *spare;

	if (!w->block_len)
		return 0;
	if (!z->live) {
		pthread_mutex_init(&z->mu, NULL);
		pthread_cond_init(&z->cv, NULL);
		z->spare = xmalloc(BLOCK_SIZE);
		if (pthread_create(&z->thread, NULL, compressor_main, w)) {
			pthread_mutex_destroy(&z->mu);
			pthread_cond_destroy(&z->cv);
			return fail(FS_EABORT, "cannot start a thread for '%s'", w->tmp);
		}
		z->live = 1;
	}
	pthread_mutex_lock(&z->mu);
	while (z->pending)
		pthread_cond_wait(&z->cv, &z->mu);
	if (z->failed) {
		pthread_mutex_unlock(&z->mu);
		return write_failed(w, z->error);
	}
	z->pending = w->block;
	z->pending_len = w->block_len;
	spare = z->spare;
	z->spare = NULL;
	pthread_cond_signal(&z->cv);
	pthread_mutex_unlock(&z->mu);
	w->block = spare;
	w->block_len = 0;
	return 0;
}

/* Waits for the compressor to finish everything handed to it and stops it; 0 or its failure. */
static int compressor_stop(struct staging_writer *w)
{
	struct compressor *z = &w->z;
	int failed;

	if (!z->live)
		return 0;
	pthread_mutex_lock(&z->mu);
	z->closing = 1;
	pthread_cond_broadcast(&z->cv);
	pthread_mutex_unlock(&z->mu);
	pthread_join(z->thread, NULL);
	pthread_mutex_destroy(&z->mu);
	pthread_cond_destroy(&z->cv);
	xfree(z->spare);
	z->spare = NULL;
	z->live = 0;
	failed = z->failed;
	return failed ? write_failed(w, z->error) : 0;
}

int staging_writer_open(struct staging_writer **out, const char *dir, const char *name)
{
	struct staging_writer *w;
	int rc;

	*out = NULL;
	if ((rc = mkdir_p(dir)))
		return rc;
	w = xcalloc(1, sizeof(*w));
	w->fd = -1;
	w->file = xasprintf("%s.ndjson.gz", name);
	w->path = xasprintf("%s/%s", dir, w->file);
	w->tmp = xasprintf("%s.tmp", w->path);
	w->crc = 0;
	buf_init(&w->line, LINE_MAX_BYTES);
	w->block = xmalloc(BLOCK_SIZE);
	/* Level 1: staging is written once and read once; speed matters more. */
	if (!(w->deflater = libdeflate_alloc_compressor(1))) {
		rc = fail(FS_EABORT, "cannot create '%s': out of memory", w->tmp);
		staging_writer_abort(w);
		return rc;
	}
	w->out_size = libdeflate_gzip_compress_bound(w->deflater, BLOCK_SIZE);
	w->out = xmalloc(w->out_size);
	w->fd = open(w->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (w->fd < 0) {
		rc = fail(FS_EABORT, "cannot create '%s': %s", w->tmp, strerror(errno));
		staging_writer_abort(w);
		return rc;
	}
	*out = w;
	return 0;
}

/* Appends bytes to the block, handing full blocks to the compressor. */
static int block_add(struct staging_writer *w, const char *p, size_t n)
{
	int rc;

	while (n) {
		size_t room = BLOCK_SIZE - w->block_len, k = n < room ? n : room;
		memcpy(w->block + w->block_len, p, k);
		w->block_len += k;
		p += k;
		n -= k;
		if (w->block_len == BLOCK_SIZE && (rc = flush_block(w)))
			return rc;
	}
	return 0;
}

int staging_write_line(struct staging_writer *w, const char *line, size_t len)
{
	int rc;

	/* A line the reader would refuse is this record's error, not the file's. */
	if (len > LINE_MAX_BYTES)
		return fail(FS_EINPUT, "%zu MiB as JSON, more than the %zu MiB a staged record may hold", len >> 20,
			    LINE_MAX_BYTES >> 20);
	if ((rc = block_add(w, line, len)) || (rc = block_add(w, "\n", 1)))
		return rc;
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
	/* One record's fault (FS_EINPUT): the caller records it and goes on. */
	if (!json_is_object(rec) && !json_is_array(rec))
		return fail(FS_EINPUT, "not a JSON object");
	if (ndjson_dump(rec, &w->line, 0)) {
		buf_reset(&w->line);
		if (json_dump_callback(rec, dump_cb, &w->line, JSON_COMPACT)) {
			buf_release(&w->line);
			return fail(FS_EINPUT, "more than the %zu MiB a staged record may hold as JSON",
				    LINE_MAX_BYTES >> 20);
		}
	}
	rc = staging_write_line(w, buf_str(&w->line), w->line.len);
	if (w->line.cap > (1 << 20)) /* do not keep one huge record's buffer */
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
	libdeflate_free_compressor(w->deflater);
	xfree(w->out);
	xfree(w->path);
	xfree(w->tmp);
	xfree(w->file);
	xfree(w->block);
	buf_release(&w->line);
	xfree(w);
}

/* The last block, on this thread once the compressor is done. */
static int writer_drain(struct staging_writer *w)
{
	char error[200];
	int rc = compressor_stop(w);

	if (!rc && compress_block(w, w->block, w->block_len, error, sizeof(error)))
		rc = write_failed(w, error);
	w->block_len = 0;
	return rc;
}

int staging_writer_finish(struct staging_writer *w, struct manifest *m)
{
	int rc = writer_drain(w);

	if (!rc && fsync(w->fd))
		rc = fail(FS_EABORT, "cannot fsync '%s': %s", w->tmp, strerror(errno));
	if (close(w->fd) && !rc)
		rc = fail(FS_EABORT, "cannot write '%s': %s", w->tmp, strerror(errno));
	w->fd = -1;
	if (!rc && rename(w->tmp, w->path))
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
	compressor_stop(w);
	if (w->fd >= 0)
		close(w->fd);
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

void manifest_note(struct manifest *m, const char *key, const char *value)
{
	json_object_set_new(m->root, key, json_string(value));
}

long manifest_records(const struct manifest *m, const char *name)
{
	char *file = xasprintf("%s.ndjson.gz", name);
	json_t *f = json_object_get(json_object_get(m->root, "files"), file);

	xfree(file);
	return (long)json_integer_value(json_object_get(f, "records"));
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

/* Moves what is left of r->in to its start and reads more after it; 0 or -1 (errno). */
static int in_refill(struct staging_reader *r)
{
	ssize_t k;

	memmove(r->in, r->in + r->in_pos, r->in_len - r->in_pos);
	r->in_off += (off_t)r->in_pos;
	r->in_len -= r->in_pos;
	r->in_pos = 0;
	while (r->in_len < IN_SIZE && !r->in_eof) {
		if ((k = read(r->fd, r->in + r->in_len, IN_SIZE - r->in_len)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (k == 0)
			r->in_eof = 1;
		r->in_len += (size_t)k;
	}
	return 0;
}

/*
 * zlib reads on from the member at r->in_pos: the file from there, as
 * gzread() would have read it.  After members, bytes that are not a gzip
 * header are trailing garbage, which gzread() ignores: the end.  0, 1 at
 * the end, or <0 with *msg.
 */
static int zlib_takes_over(struct staging_reader *r, char **msg)
{
	const unsigned char *p = (const unsigned char *)r->in + r->in_pos;
	size_t left = r->in_len - r->in_pos;
	int end = r->members && !(left >= 2 && p[0] == 0x1f && p[1] == 0x8b);

	libdeflate_free_decompressor(r->inflater);
	r->inflater = NULL;
	if (end)
		return 1;
	if (lseek(r->fd, r->in_off + (off_t)r->in_pos, SEEK_SET) < 0 || !(r->gz = gzdopen(r->fd, "rb"))) {
		*msg = xasprintf("cannot read '%s': %s", r->path, strerror(errno ? errno : ENOMEM));
		return FS_EABORT;
	}
	r->fd = -1;
	gzbuffer(r->gz, 1 << 17);
	return 0;
}

/* The next decompressed bytes into r->chunk: their number, 0 at the end, <0 with *msg. */
static int read_chunk(struct staging_reader *r, char **msg)
{
	enum libdeflate_result res;
	size_t used_in, used_out;
	int n, e;

	while (r->inflater) {
		if (r->in_len - r->in_pos < IN_SIZE / 2 && !r->in_eof && in_refill(r)) {
			*msg = xasprintf("cannot read '%s': %s", r->path, strerror(errno));
			return FS_EABORT;
		}
		if (r->in_pos == r->in_len)
			return 0;
		res = libdeflate_gzip_decompress_ex(r->inflater, r->in + r->in_pos, r->in_len - r->in_pos, r->chunk,
						    BLOCK_SIZE, &used_in, &used_out);
		if (res != LIBDEFLATE_SUCCESS) {
			if ((n = zlib_takes_over(r, msg)))
				return n < 0 ? n : 0;
			break;
		}
		r->in_pos += used_in;
		r->members++;
		if (used_out)
			return (int)used_out;
	}
	if (!r->gz) /* trailing garbage after the members: the end, as for gzread() */
		return 0;
	n = gzread(r->gz, r->chunk, READ_CHUNK);
	if (n < 0)
		*msg = xasprintf("cannot read '%s': %s", r->path, gzerror(r->gz, &e));
	return n < 0 ? FS_EABORT : n;
}

/* Fills r->line with the next line; 1 line, 0 end, <0 error with *msg (new). */
static int next_line(struct staging_reader *r, char **msg)
{
	buf_reset(&r->line);
	for (;;) {
		if (r->chunk_pos == r->chunk_len) {
			int n;
			if (r->eof)
				return r->line.len ? 1 : 0;
			if ((n = read_chunk(r, msg)) < 0)
				return n;
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
		/* Checked here: buf_add() would report it through fail(), on the wrong thread. */
		if (r->line.len + n > LINE_MAX_BYTES) {
			*msg = xasprintf("'%s' line %ld: longer than %zu bytes", r->path, r->lineno + 1,
					 LINE_MAX_BYTES);
			return FS_EABORT;
		}
		buf_add(&r->line, start, n);
		r->chunk_pos += n + (nl ? 1 : 0);
		if (nl)
			return 1;
	}
}

/* Reads up to BATCH non-empty lines into b (reader thread). */
static void fill_batch(struct staging_reader *r, struct batch *b)
{
	char *msg = NULL;
	int rc;

	b->n = b->pos = b->last = 0;
	if (b->text.cap > ((size_t)4 << 20)) /* do not keep a huge line's room */
		buf_release(&b->text);
	buf_reset(&b->text);
	while (b->n < BATCH) {
		if ((rc = next_line(r, &msg)) <= 0) {
			b->error = msg;
			b->last = 1;
			return;
		}
		r->lineno++;
		if (r->line.len == 0)
			continue;
		b->off[b->n] = b->text.len;
		b->len[b->n] = r->line.len;
		b->line[b->n++] = r->lineno;
		/* Cannot fail: a batch holds at most BATCH lines of LINE_MAX_BYTES. */
		buf_add(&b->text, r->line.data, r->line.len + 1);
	}
}

static void *reader_main(void *arg)
{
	struct staging_reader *r = arg;
	struct batch *b;
	int last = 0;

	pthread_mutex_lock(&r->mu);
	while (!last) {
		while (!r->free && !r->stop)
			pthread_cond_wait(&r->cv, &r->mu);
		if (r->stop)
			break;
		b = r->free;
		r->free = b->next;
		pthread_mutex_unlock(&r->mu);
		fill_batch(r, b);
		last = b->last;
		pthread_mutex_lock(&r->mu);
		b->next = NULL;
		if (r->tail)
			r->tail->next = b;
		else
			r->queue = b;
		r->tail = b;
		pthread_cond_broadcast(&r->cv);
	}
	pthread_mutex_unlock(&r->mu);
	return NULL;
}

static void batches_free(struct batch *b)
{
	struct batch *next;

	for (; b; b = next) {
		next = b->next;
		buf_release(&b->text);
		xfree(b->error);
		xfree(b);
	}
}

int staging_reader_open(struct staging_reader **out, const char *dir, const char *name, int missing_ok)
{
	struct staging_reader *r = xcalloc(1, sizeof(*r));
	int i;

	*out = NULL;
	r->fd = -1;
	r->path = xasprintf("%s/%s.ndjson.gz", dir, name);
	buf_init(&r->line, LINE_MAX_BYTES);
	if (access(r->path, F_OK) && missing_ok) {
		r->eof = 1;
		*out = r;
		return 0;
	}
	r->fd = open(r->path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0) {
		int rc = fail(missing_ok ? FS_EABORT : FS_EUSAGE, "cannot open '%s': %s", r->path, strerror(errno));
		staging_reader_close(r);
		return rc;
	}
	if (!(r->inflater = libdeflate_alloc_decompressor())) {
		int rc = fail(FS_EABORT, "cannot read '%s': out of memory", r->path);
		staging_reader_close(r);
		return rc;
	}
	r->in = xmalloc(IN_SIZE);
	r->chunk = xmalloc(BLOCK_SIZE);
	for (i = 0; i < BATCHES; i++) {
		struct batch *b = xcalloc(1, sizeof(*b));
		buf_init(&b->text, (size_t)BATCH * (LINE_MAX_BYTES + 1));
		b->next = r->free;
		r->free = b;
	}
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	if (pthread_create(&r->thread, NULL, reader_main, r)) {
		int rc = fail(FS_EABORT, "cannot start a thread to read '%s'", r->path);
		staging_reader_close(r);
		return rc;
	}
	r->live = 1;
	*out = r;
	return 0;
}

/* The next batch from the reader thread (the current one goes back); NULL after the last. */
static struct batch *next_batch(struct staging_reader *r)
{
	struct batch *b;

	pthread_mutex_lock(&r->mu);
	if (r->cur) {
		r->cur->next = r->free;
		r->free = r->cur;
		r->cur = NULL;
		pthread_cond_broadcast(&r->cv);
	}
	while (!r->queue)
		pthread_cond_wait(&r->cv, &r->mu);
	b = r->queue;
	r->queue = b->next;
	if (!r->queue)
		r->tail = NULL;
	r->cur = b;
	pthread_mutex_unlock(&r->mu);
	return b;
}

int staging_read(struct staging_reader *r, json_t **out)
{
	struct batch *b;
	json_error_t jerr;
	const char *line;
	size_t len;

	*out = NULL;
	if (r->fatal)
		return fail(FS_EABORT, "%s", r->fatal_msg);
	if (!r->live)
		return 0;
	while (!r->cur || r->cur->pos == r->cur->n) {
		if (r->cur && r->cur->error) {
			r->fatal = 1;
			r->fatal_msg = r->cur->error;
			r->cur->error = NULL;
			return fail(FS_EABORT, "%s", r->fatal_msg);
		}
		if (r->cur && r->cur->last)
			return 0;
		next_batch(r);
	}
	b = r->cur;
	line = b->text.data + b->off[b->pos];
	len = b->len[b->pos];
	r->last_line = b->line[b->pos++];
	*out = ndjson_parse_keys(line, len, JSON_ALLOW_NUL, &jerr, r->keep);
	if (!*out)
		return fail(FS_EINPUT, "'%s' line %ld column %d: %s", r->path, r->last_line, jerr.column, jerr.text);
	return 1;
}

void staging_reader_keep(struct staging_reader *r, json_t *names)
{
	ndjson_keys_free(r->keep);
	r->keep = names ? ndjson_keys_new(names) : NULL;
}

long staging_reader_line(const struct staging_reader *r)
{
	return r->last_line;
}

void staging_reader_close(struct staging_reader *r)
{
	if (!r)
		return;
	if (r->live) {
		pthread_mutex_lock(&r->mu);
		r->stop = 1;
		pthread_cond_broadcast(&r->cv);
		pthread_mutex_unlock(&r->mu);
		pthread_join(r->thread, NULL);
	}
	if (r->chunk) {
		pthread_mutex_destroy(&r->mu);
		pthread_cond_destroy(&r->cv);
	}
	if (r->cur)
		r->cur->next = r->queue;
	batches_free(r->cur ? r->cur : r->queue);
	batches_free(r->free);
	if (r->gz)
		gzclose(r->gz);
	if (r->fd >= 0)
		close(r->fd);
	libdeflate_free_decompressor(r->inflater);
	xfree(r->in);
	buf_release(&r->line);
	xfree(r->fatal_msg);
	ndjson_keys_free(r->keep);
	xfree(r->chunk);
	xfree(r->path);
	xfree(r);
}
