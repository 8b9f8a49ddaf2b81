/*
 * pageguard.c - why a list loop always ends: a buggy or hostile server (or a
 * proxy) answering "more" forever would otherwise hold the job's lock for
 * good.  See pageguard.h for the three rules.
 */
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/pageguard.h"

void page_guard_init(struct page_guard *g, const char *endpoint, long per_page)
{
	memset(g, 0, sizeof(*g));
	g->endpoint = xstrdup(endpoint);
	g->max_pages = PAGE_GUARD_MAX_RECORDS / (per_page > 0 ? per_page : 1) + 1;
}

/* FNV-1a over bytes, folded with a kind tag so that a token never equals a page. */
static uint64_t fingerprint(char kind, const char *s)
{
	uint64_t h = 1469598103934665603ULL ^ (unsigned char)kind;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h ? h : 1;
}

static void set_grow(struct page_guard *g)
{
	size_t old = g->cap, i;
	uint64_t *was = g->seen;

	g->cap = old ? old * 2 : 64;
	g->seen = xcalloc(g->cap, sizeof(*g->seen));
	g->n = 0;
	for (i = 0; i < old; i++) {
		if (was[i]) {
			size_t k = was[i] & (g->cap - 1);
			while (g->seen[k])
				k = (k + 1) & (g->cap - 1);
			g->seen[k] = was[i];
			g->n++;
		}
	}
	xfree(was);
}

/* 1 when h was seen before; adds it otherwise. */
static int seen_before(struct page_guard *g, uint64_t h)
{
	size_t k;

	if ((g->n + 1) * 2 > g->cap)
		set_grow(g);
	for (k = h & (g->cap - 1); g->seen[k]; k = (k + 1) & (g->cap - 1))
		if (g->seen[k] == h)
			return 1;
	g->seen[k] = h;
	g->n++;
	return 0;
}

int page_guard_check(struct page_guard *g, json_t *rows, int more, const char *token)
{
	size_t count = json_array_size(rows);
	int repeated = 0;

	g->pages++;
	if (count) {
		char *text = json_dumps(rows, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
		repeated = text && seen_before(g, fingerprint('p', text));
		xfree(text);
	}
	if (repeated)
		return fail(FS_EABORT,
			    "%s: page %ld repeats an earlier page; stopped paging "
			    "(the server keeps answering the same records)",
			    g->endpoint, g->pages);
	if (!more)
		return 0;
	if (!count)
		return fail(FS_EABORT, "%s: page %ld is empty but says more records follow; stopped paging",
			    g->endpoint, g->pages);
	if (token && *token && seen_before(g, fingerprint('t', token)))
		return fail(FS_EABORT, "%s: page %ld gives a page token already used; stopped paging", g->endpoint,
			    g->pages);
	if (g->pages >= g->max_pages)
		return fail(FS_EABORT, "%s: %ld pages and still more; stopped paging (no module holds %ld records)",
			    g->endpoint, g->pages, PAGE_GUARD_MAX_RECORDS);
	return 0;
}

void page_guard_release(struct page_guard *g)
{
	xfree(g->endpoint);
	xfree(g->seen);
	memset(g, 0, sizeof(*g));
}
