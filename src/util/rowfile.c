/*
 * rowfile.c - rows appended to a temporary file and found by row id through
 * a table of offsets (see rowfile.h).
 *
 * Why not SQLite: the finance index writes a million planned creates in row
 * id order and reads a few thousand of them back; SQLite's insert (a record
 * built by its virtual machine, its B-tree pages) was 7.5 % of a bulk
 * import's transform (BENCH.md), an append here is a copy into a buffer.
 *
 * A record is a head (row id, kind, length), each text's length (NO_TEXT
 * for none) and the texts, each ending in a NUL so that a record read back
 * is used in place.  The offset table, a second file, holds at rid * 8 one
 * more than the offset of the row's last version (0: none, as in a hole).
 * Both are written through buffers: the records' tail, and a window of the
 * offsets being appended; what is still in a buffer is read from it.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/fsutil.h"
#include "finsync/rowfile.h"

#define NO_TEXT UINT32_MAX
#define DATA_BUFFER (64 * 1024) /* records written at once */
#define OFFS_WINDOW 8192        /* offsets kept in memory: 64 KiB */
#define READ_AHEAD 512          /* bytes a lookup reads, most records whole */

struct head {
	int64_t rid;
	int32_t kind;
	uint32_t len; /* the whole record */
};

struct rowfile {
	char *prefix;
	int ntext;
	int data_fd, offs_fd;
	char *wbuf; /* records not written yet: they start at data_end */
	size_t wlen;
	uint64_t data_end;   /* bytes of records in the file */
	uint64_t *window;    /* offsets (+1) of rids window_at... */
	long long window_at; /* -1: none yet */
	char *rbuf;          /* bytes read at rbuf_at */
	size_t rlen, rcap;
	uint64_t rbuf_at;
	const char *text[ROWFILE_MAX_TEXTS];
	int failed;
};

static int rowfile_fail(struct rowfile *f, const char *what, int err)
{
	if (!f->failed)
		fail(FS_EABORT, "scratch rows '%s-*': %s: %s", f->prefix, what, err ? strerror(err) : "file too short");
	f->failed = 1;
	return FS_EABORT;
}

struct rowfile *rowfile_new(const char *prefix, int ntext)
{
	struct rowfile *f = xcalloc(1, sizeof(*f));

	f->prefix = tmpfile_prefix(prefix, "finsync-rows");
	f->ntext = ntext < ROWFILE_MAX_TEXTS ? ntext : ROWFILE_MAX_TEXTS;
	f->data_fd = f->offs_fd = -1;
	f->window_at = -1;
	return f;
}

void rowfile_free(struct rowfile *f)
{
	if (!f)
		return;
	if (f->data_fd >= 0)
		close(f->data_fd);
	if (f->offs_fd >= 0)
		close(f->offs_fd);
	xfree(f->wbuf);
	xfree(f->window);
	xfree(f->rbuf);
	xfree(f->prefix);
	xfree(f);
}

/* The files, made on the first write. */
static int files_open(struct rowfile *f)
{
	if (f->failed)
		return FS_EABORT;
	if (f->data_fd >= 0)
		return 0;
	if ((f->data_fd = tmpfile_open(f->prefix)) < 0 || (f->offs_fd = tmpfile_open(f->prefix)) < 0)
		return rowfile_fail(f, "create", errno);
	f->wbuf = xmalloc(DATA_BUFFER);
	f->window = xcalloc(OFFS_WINDOW, sizeof(*f->window));
	return 0;
}

/* ---- the offset table ---- */

static int window_flush(struct rowfile *f)
{
	if (f->window_at < 0)
		return 0;
	if (pwrite_full(f->offs_fd, f->window, OFFS_WINDOW * sizeof(*f->window), f->window_at * 8))
		return rowfile_fail(f, "write", errno);
	return 0;
}

/* Row rid's last version starts at off. */
static int offset_set(struct rowfile *f, long long rid, uint64_t off)
{
	uint64_t v = off + 1;
	int rc;

	if (f->window_at >= 0 && rid >= f->window_at && rid < f->window_at + OFFS_WINDOW) {
		f->window[rid - f->window_at] = v;
		return 0;
	}
	if (f->window_at >= 0 && rid < f->window_at)
		return pwrite_full(f->offs_fd, &v, sizeof(v), rid * 8) ? rowfile_fail(f, "write", errno) : 0;
	/* past the window: what lies beyond it was never written */
	if ((rc = window_flush(f)))
		return rc;
	memset(f->window, 0, OFFS_WINDOW * sizeof(*f->window));
	f->window_at = rid - rid % OFFS_WINDOW;
	f->window[rid - f->window_at] = v;
	return 0;
}

/* Where row rid's last version starts: 1 and *off, or 0 when never put. */
static int offset_get(struct rowfile *f, long long rid, uint64_t *off)
{
	uint64_t v = 0;

	if (f->window_at < 0 || rid < 0 || rid >= f->window_at + OFFS_WINDOW)
		v = 0;
	else if (rid >= f->window_at)
		v = f->window[rid - f->window_at];
	else if (pread_full(f->offs_fd, &v, sizeof(v), rid * 8))
		return errno ? rowfile_fail(f, "read", errno) : 0; /* past the end: a hole never written */
	*off = v - 1;
	return v != 0;
}

/* ---- records ---- */

static size_t head_size(const struct rowfile *f)
{
	return sizeof(struct head) + (size_t)f->ntext * sizeof(uint32_t);
}

static int data_flush(struct rowfile *f)
{
	if (f->wlen && write_full(f->data_fd, f->wbuf, f->wlen))
		return rowfile_fail(f, "write", errno);
	f->data_end += f->wlen;
	f->wlen = 0;
	return 0;
}

/* Room for n more bytes in the write buffer (NULL: the record goes straight to the file). */
static char *data_room(struct rowfile *f, size_t n)
{
	if (f->wlen + n > DATA_BUFFER && data_flush(f))
		return NULL;
	return n <= DATA_BUFFER ? f->wbuf + f->wlen : NULL;
}

/* The record: head, the texts' lengths, the texts each with its NUL. */
static void record_fill(const struct rowfile *f, char *p, const struct head *h, const char *const *text)
{
	char *lens = p + sizeof(*h), *body = p + head_size(f);
	uint32_t len;
	int i;

	memcpy(p, h, sizeof(*h));
	for (i = 0; i < f->ntext; i++) {
		len = text[i] ? (uint32_t)strlen(text[i]) : NO_TEXT;
		memcpy(lens + (size_t)i * sizeof(len), &len, sizeof(len));
		if (text[i]) {
			memcpy(body, text[i], (size_t)len + 1);
			body += len + 1;
		}
	}
}

int rowfile_put(struct rowfile *f, long long rid, int kind, const char *const *text)
{
	struct head h = { rid, kind, (uint32_t)head_size(f) };
	char *p, *own = NULL;
	uint64_t off;
	int i, rc;

	if ((rc = files_open(f)))
		return rc;
	for (i = 0; i < f->ntext; i++)
		if (text[i])
			h.len += (uint32_t)strlen(text[i]) + 1;
	if (!(p = data_room(f, h.len))) {
		if (f->failed)
			return FS_EABORT;
		p = own = xmalloc(h.len);
	}
	record_fill(f, p, &h, text);
	off = f->data_end + f->wlen;
	if (own) {
		rc = write_full(f->data_fd, own, h.len) ? rowfile_fail(f, "write", errno) : 0;
		f->data_end += h.len;
		xfree(own);
		if (rc)
			return rc;
	} else {
		f->wlen += h.len;
	}
	return offset_set(f, rid, off);
}

/* Makes rbuf hold at least need bytes from off (up to want, when the file has them). */
static int load(struct rowfile *f, uint64_t off, size_t need, size_t want)
{
	size_t n;

	if (off >= f->data_end) { /* still in the write buffer */
		if (off + need > f->data_end + f->wlen)
			return rowfile_fail(f, "read", 0);
		n = need;
	} else {
		n = f->data_end - off < want ? (size_t)(f->data_end - off) : want;
		if (n < need)
			n = need;
	}
	if (n > f->rcap) {
		f->rcap = n;
		f->rbuf = xrealloc(f->rbuf, n);
	}
	if (off >= f->data_end)
		memcpy(f->rbuf, f->wbuf + (off - f->data_end), n);
	else if (pread_full(f->data_fd, f->rbuf, n, (long long)off))
		return rowfile_fail(f, "read", errno);
	f->rbuf_at = off;
	f->rlen = n;
	return 0;
}

/* The record at off, read into rbuf: its head and texts. */
static int record_read(struct rowfile *f, uint64_t off, size_t ahead, struct head *h)
{
	const char *p;
	uint32_t len;
	int i, rc;

	if (off < f->rbuf_at || off + head_size(f) > f->rbuf_at + f->rlen)
		if ((rc = load(f, off, head_size(f), ahead)))
			return rc;
	memcpy(h, f->rbuf + (off - f->rbuf_at), sizeof(*h));
	if (h->len < head_size(f))
		return rowfile_fail(f, "read", 0);
	if (off + h->len > f->rbuf_at + f->rlen && (rc = load(f, off, h->len, ahead)))
		return rc;
	p = f->rbuf + (off - f->rbuf_at) + head_size(f);
	for (i = 0; i < f->ntext; i++) {
		memcpy(&len, f->rbuf + (off - f->rbuf_at) + sizeof(*h) + (size_t)i * sizeof(len), sizeof(len));
		f->text[i] = len == NO_TEXT ? NULL : p;
		if (len != NO_TEXT)
			p += len + 1;
	}
	return 0;
}

int rowfile_get(struct rowfile *f, long long rid, int *kind, const char **text)
{
	struct head h;
	uint64_t off;
	int rc;

	if (f->failed)
		return FS_EABORT;
	if ((rc = offset_get(f, rid, &off)) <= 0)
		return rc;
	if ((rc = record_read(f, off, READ_AHEAD, &h)))
		return rc;
	*kind = h.kind;
	memcpy(text, f->text, (size_t)f->ntext * sizeof(*text));
	return 1;
}

int rowfile_each(struct rowfile *f, int (*fn)(long long rid, int kind, const char *const *text, void *ud), void *ud)
{
	struct head h;
	uint64_t off;
	int rc;

	if (f->failed)
		return FS_EABORT;
	if (f->data_fd < 0)
		return 0;
	if ((rc = data_flush(f)))
		return rc;
	for (off = 0; off < f->data_end; off += h.len) {
		if ((rc = record_read(f, off, DATA_BUFFER, &h)))
			return rc;
		if ((rc = fn(h.rid, h.kind, f->text, ud)))
			return rc;
	}
	return 0;
}
