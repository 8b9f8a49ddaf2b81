/*
 * pageguard.h - a paging loop that a server cannot keep going forever
 * (reliability D4): every list loop (finance lists, CRM page_token and
 * /deleted) shows each page to a guard, which stops the loop when
 *   - a page repeats one already seen (same rows, or the same next token),
 *   - a page is empty but claims more,
 *   - the pages pass a cap derived from the counts (PAGE_GUARD_MAX_RECORDS
 *     records at the page size asked for).
 * The error is FS_EABORT (exit 3) and names the endpoint and the page.
 *
 *	struct page_guard g;
 *	page_guard_init(&g, "zoho-books: GET /contacts", 200);
 *	while (more && !(rc = page_guard_check(&g, rows, more, NULL)))
 *		...
 *	page_guard_release(&g);
 */
#ifndef FINSYNC_PAGEGUARD_H
#define FINSYNC_PAGEGUARD_H
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

/* More records than any Zoho organisation holds in one module (CRM editions cap far lower). */
#define PAGE_GUARD_MAX_RECORDS 20000000L

struct page_guard {
	char *endpoint; /* for the message */
	long pages;     /* seen so far */
	long max_pages;
	uint64_t *seen; /* open-addressing set of page and token fingerprints (0 = empty) */
	size_t cap, n;
};

void page_guard_init(struct page_guard *g, const char *endpoint, long per_page);

/*
 * One more page: rows (the page's records, may be NULL), more (the page says
 * more follow), token (the next page token it gave, or NULL).  0 to go on,
 * or FS_EABORT saying why the paging cannot end.
 */
int page_guard_check(struct page_guard *g, json_t *rows, int more, const char *token);

void page_guard_release(struct page_guard *g);

#endif
