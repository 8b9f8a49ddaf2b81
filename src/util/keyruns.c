/*
 * keyruns.c - a multimap from key hashes to row ids, kept in sorted runs on
 * disk (see keyruns.h).
 *
 * Why not a B-tree: the keys of a bulk import (the names of a million
 * planned creates) come in no order, so each one went into a random page
 * of an index that had long outgrown its cache: a page read and a page
 * written a key, a third of the transform's time (BENCH.md).  Here new
 * pairs collect in memory (hashed, for lookups), and a full buffer is
 * sorted and written as a run in one go.  Four runs of one size are merged
 * into one of the next, reading and writing each in order, so a pair is
 * written about log4(n / KEYRUNS_BUFFER) + 1 times, and no more than three
 * runs of a size are ever waiting.  A lookup reads one block of a run or
 * two: an in-memory fence (the first hash of each block, 1/128 of the run)
 * says which.  Memory stays at the buffer, its slots and the fences.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/fsutil.h"
#include "finsync/keyruns.h"

#define KEYRUNS_BUFFER 32768               /* pairs in memory before a run is written: 512 KiB */
#define KEYRUNS_SLOTS (2 * KEYRUNS_BUFFER) /* the buffer's hash table, half full at most */
#define KEYRUNS_BLOCK 64                   /* pairs a lookup reads at once: 1 KiB, a fence each */
#define KEYRUNS_CHUNK 1024                 /* pairs a merge reads at once: 16 KiB */
#define KEYRUNS_FANIN 4                    /* runs of one size merged into one */
#define KEYRUNS_OUT 4096                   /* pairs written at once: 64 KiB */

struct pair {
	uint64_t hash;
	long long id;
};

struct run {
	int fd;
	size_t n;        /* pairs */
	uint64_t *fence; /* the hash of the first pair of each block */
	int level;       /* 0: a buffer written; n + 1: FANIN runs of level n merged */
};

struct keyruns {
	char *prefix;
	struct pair *buf; /* in the order added */
	uint32_t *slot;   /* index in buf + 1, by hash; 0: free */
	size_t nbuf;
	struct run *runs; /* oldest (largest) first */
	size_t nruns, caprun;
	struct pair block[KEYRUNS_BLOCK]; /* a block a lookup read */
	long long *found;
	size_t nfound, capfound;
	int failed;
};

/* A run being written, pair by pair, in hash order. */
struct run_writer {
	struct run run;
	struct pair *out;
	size_t nout;
};

/* A run being read in order, a block at a time. */
struct run_reader {
	struct run *run;
	size_t pos, blk_at, blk_n;
	struct pair blk[KEYRUNS_CHUNK];
};

/* Reports the first failure, naming what was done; FS_EABORT. */
static int keyruns_fail(struct keyruns *k, const char *what, int err)
{
	if (!k->failed)
		fail(FS_EABORT, "scratch keys '%s-*': %s: %s", k->prefix, what, err ? strerror(err) : "file too short");
	k->failed = 1;
	return FS_EABORT;
}

struct keyruns *keyruns_new(const char *prefix)
{
	struct keyruns *k = xcalloc(1, sizeof(*k));

	k->prefix = tmpfile_prefix(prefix, "finsync-keys");
	k->buf = xmalloc(KEYRUNS_BUFFER * sizeof(*k->buf));
	k->slot = xcalloc(KEYRUNS_SLOTS, sizeof(*k->slot));
	return k;
}

static void run_close(struct run *r)
{
	if (r->fd >= 0)
		close(r->fd);
	xfree(r->fence);
	r->fd = -1;
	r->fence = NULL;
}

void keyruns_free(struct keyruns *k)
{
	size_t i;

	if (!k)
		return;
	for (i = 0; i < k->nruns; i++)
		run_close(&k->runs[i]);
	xfree(k->runs);
	xfree(k->buf);
	xfree(k->slot);
	xfree(k->found);
	xfree(k->prefix);
	xfree(k);
}

size_t keyruns_count(const struct keyruns *k)
{
	return k->nruns;
}

/* ---- files ---- */

static int file_new(struct keyruns *k, int *fd)
{
	*fd = tmpfile_open(k->prefix);
	return *fd >= 0 ? 0 : keyruns_fail(k, "create", errno);
}

static int write_all(struct keyruns *k, int fd, const void *data, size_t len)
{
	return write_full(fd, data, len) ? keyruns_fail(k, "write", errno) : 0;
}

/* n pairs of run r from pair at. */
static int read_pairs(struct keyruns *k, const struct run *r, size_t at, struct pair *out, size_t n)
{
	if (pread_full(r->fd, out, n * sizeof(*out), (long long)(at * sizeof(*out))))
		return keyruns_fail(k, "read", errno);
	return 0;
}

/* ---- writing a run ---- */

static int writer_open(struct keyruns *k, struct run_writer *w, size_t most, int level)
{
	memset(w, 0, sizeof(*w));
	w->run.level = level;
	w->run.fence = xmalloc((most / KEYRUNS_BLOCK + 1) * sizeof(*w->run.fence));
	w->out = xmalloc(KEYRUNS_OUT * sizeof(*w->out));
	return file_new(k, &w->run.fd);
}

static int writer_flush(struct keyruns *k, struct run_writer *w)
{
	int rc = write_all(k, w->run.fd, w->out, w->nout * sizeof(*w->out));

	w->nout = 0;
	return rc;
}

static int writer_put(struct keyruns *k, struct run_writer *w, const struct pair *p)
{
	if (w->run.n % KEYRUNS_BLOCK == 0)
		w->run.fence[w->run.n / KEYRUNS_BLOCK] = p->hash;
	w->run.n++;
	w->out[w->nout++] = *p;
	return w->nout == KEYRUNS_OUT ? writer_flush(k, w) : 0;
}

/* Finishes the run and adds it after the others (or drops it on failure). */
static int writer_close(struct keyruns *k, struct run_writer *w, int rc)
{
	if (!rc)
		rc = writer_flush(k, w);
	xfree(w->out);
	if (rc) {
		run_close(&w->run);
		return rc;
	}
	if (k->nruns == k->caprun) {
		k->caprun = k->caprun ? 2 * k->caprun : 16;
		k->runs = xrealloc(k->runs, k->caprun * sizeof(*k->runs));
	}
	k->runs[k->nruns++] = w->run;
	return 0;
}

/* ---- merging runs ---- */

static const struct pair *reader_peek(struct keyruns *k, struct run_reader *r)
{
	size_t n;

	if (r->pos == r->run->n)
		return NULL;
	if (r->pos == r->blk_at + r->blk_n) {
		n = r->run->n - r->pos < KEYRUNS_CHUNK ? r->run->n - r->pos : KEYRUNS_CHUNK;
		if (read_pairs(k, r->run, r->pos, r->blk, n))
			return NULL;
		r->blk_at = r->pos;
		r->blk_n = n;
	}
	return &r->blk[r->pos - r->blk_at];
}

static int pair_less(const struct pair *a, const struct pair *b)
{
	return a->hash != b->hash ? a->hash < b->hash : a->id < b->id;
}

/* The reader whose next pair comes first; NULL when all are done. */
static struct run_reader *reader_first(struct keyruns *k, struct run_reader *in, size_t n)
{
	struct run_reader *best = NULL;
	const struct pair *p, *low = NULL;
	size_t i;

	for (i = 0; i < n; i++)
		if ((p = reader_peek(k, &in[i])) && (!low || pair_less(p, low))) {
			low = p;
			best = &in[i];
		}
	return best;
}

/* The last FANIN runs, one size, as one of the next size; a pair added twice is kept once. */
static int merge_last(struct keyruns *k)
{
	struct run_reader *in = xcalloc(KEYRUNS_FANIN, sizeof(*in));
	struct run *first = &k->runs[k->nruns - KEYRUNS_FANIN];
	struct run_writer w;
	struct run_reader *r;
	struct pair last = { 0, -1 };
	size_t i, total = 0;
	int rc;

	for (i = 0; i < KEYRUNS_FANIN; i++) {
		in[i].run = &first[i];
		total += first[i].n;
	}
	rc = writer_open(k, &w, total, first->level + 1);
	while (!rc && (r = reader_first(k, in, KEYRUNS_FANIN))) {
		const struct pair *p = &r->blk[r->pos++ - r->blk_at];
		if (p->hash != last.hash || p->id != last.id)
			rc = writer_put(k, &w, p);
		last = *p;
	}
	xfree(in);
	if (k->failed)
		rc = FS_EABORT;
	for (i = 0; i < KEYRUNS_FANIN; i++)
		run_close(&first[i]);
	k->nruns -= KEYRUNS_FANIN;
	return writer_close(k, &w, rc);
}

/* Merges while the last FANIN runs are of one size. */
static int merge_runs(struct keyruns *k)
{
	int rc = 0;

	while (!rc && k->nruns >= KEYRUNS_FANIN &&
	       k->runs[k->nruns - KEYRUNS_FANIN].level == k->runs[k->nruns - 1].level)
		rc = merge_last(k);
	return rc;
}

/* ---- the buffer ---- */

static int pair_cmp(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;

	return pair_less(x, y) ? -1 : pair_less(y, x);
}

/* Writes the buffer as a run and empties it. */
static int buffer_spill(struct keyruns *k)
{
	struct run_writer w;
	size_t i;
	int rc;

	qsort(k->buf, k->nbuf, sizeof(*k->buf), pair_cmp);
	rc = writer_open(k, &w, k->nbuf, 0);
	for (i = 0; i < k->nbuf && !rc; i++)
		rc = writer_put(k, &w, &k->buf[i]);
	rc = writer_close(k, &w, rc);
	k->nbuf = 0;
	memset(k->slot, 0, KEYRUNS_SLOTS * sizeof(*k->slot));
	return rc ? rc : merge_runs(k);
}

int keyruns_add(struct keyruns *k, uint64_t hash, long long id)
{
	size_t s = hash & (KEYRUNS_SLOTS - 1);

	if (k->failed)
		return FS_EABORT;
	while (k->slot[s])
		s = (s + 1) & (KEYRUNS_SLOTS - 1);
	k->buf[k->nbuf] = (struct pair){ hash, id };
	k->slot[s] = (uint32_t)++k->nbuf;
	return k->nbuf == KEYRUNS_BUFFER ? buffer_spill(k) : 0;
}

/* ---- lookups ---- */

static void found_add(struct keyruns *k, long long id)
{
	if (k->nfound == k->capfound) {
		k->capfound = k->capfound ? 2 * k->capfound : 16;
		k->found = xrealloc(k->found, k->capfound * sizeof(*k->found));
	}
	k->found[k->nfound++] = id;
}

static void buffer_find(struct keyruns *k, uint64_t hash)
{
	size_t s = hash & (KEYRUNS_SLOTS - 1);

	for (; k->slot[s]; s = (s + 1) & (KEYRUNS_SLOTS - 1))
		if (k->buf[k->slot[s] - 1].hash == hash)
			found_add(k, k->buf[k->slot[s] - 1].id);
}

/* The first block of r whose fence is not below hash (the number of blocks when none). */
static size_t fence_search(const struct run *r, uint64_t hash)
{
	size_t lo = 0, hi = (r->n + KEYRUNS_BLOCK - 1) / KEYRUNS_BLOCK, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (r->fence[mid] < hash)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Adds the ids of block b's pairs under hash; 1 when a later block may hold more. */
static int block_find(struct keyruns *k, const struct run *r, size_t b, uint64_t hash)
{
	size_t at = b * KEYRUNS_BLOCK, n = r->n - at < KEYRUNS_BLOCK ? r->n - at : KEYRUNS_BLOCK, i;

	if (read_pairs(k, r, at, k->block, n))
		return 0;
	for (i = 0; i < n && k->block[i].hash <= hash; i++)
		if (k->block[i].hash == hash)
			found_add(k, k->block[i].id);
	return i == n;
}

/*
 * The pairs under hash start in the block before the first whose fence
 * is hash or more (or in that one, when its fence is hash) and run on
 * while blocks end in it.
 */
static void run_find(struct keyruns *k, const struct run *r, uint64_t hash)
{
	size_t nblocks = (r->n + KEYRUNS_BLOCK - 1) / KEYRUNS_BLOCK, b = fence_search(r, hash);

	if (b > 0)
		b--;
	for (; b < nblocks && r->fence[b] <= hash; b++)
		if (!block_find(k, r, b, hash))
			break;
}

static int id_cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

int keyruns_find(struct keyruns *k, uint64_t hash, const long long **ids, size_t *n)
{
	size_t i, j;

	*ids = NULL;
	*n = 0;
	if (k->failed)
		return FS_EABORT;
	k->nfound = 0;
	buffer_find(k, hash);
	for (i = 0; i < k->nruns && !k->failed; i++)
		run_find(k, &k->runs[i], hash);
	if (k->failed)
		return FS_EABORT;
	qsort(k->found, k->nfound, sizeof(*k->found), id_cmp);
	for (i = j = 0; i < k->nfound; i++)
		if (!j || k->found[j - 1] != k->found[i])
			k->found[j++] = k->found[i];
	*ids = k->found;
	*n = j;
	return 0;
}
