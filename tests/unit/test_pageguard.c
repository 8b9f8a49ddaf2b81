/*
 * test_pageguard.c - the rules that end a paging loop (pageguard.h): a page
 * seen before (not only the last one), a token used before, an empty page
 * that claims more, and the cap; and that an honest paging passes.
 */
#include <string.h>
#include "finsync/err.h"
#include "finsync/pageguard.h"
#include "unit.h"

static json_t *page_of(const char *id)
{
	return json_pack("[{s:s}]", "id", id);
}

static void test_pageguard__honest_paging_passes(void)
{
	struct page_guard g;
	char id[16];
	int i, rc = 0;

	page_guard_init(&g, "zoho-crm: GET /Accounts", 200);
	for (i = 0; i < 5000 && !rc; i++) {
		json_t *p = NULL;
		char token[16];
		snprintf(id, sizeof(id), "%d", i);
		snprintf(token, sizeof(token), "t%d", i);
		p = page_of(id);
		rc = page_guard_check(&g, p, i < 4999, token);
		json_decref(p);
	}
	CHECK(rc == 0);
	/* The last page: empty, no more. */
	CHECK(page_guard_check(&g, NULL, 0, NULL) == 0);
	page_guard_release(&g);
}

static void test_pageguard__a_cycle_of_two_pages_stops(void)
{
	struct page_guard g;
	json_t *a = page_of("1"), *b = page_of("2");

	page_guard_init(&g, "zoho-books: GET /contacts", 200);
	CHECK(page_guard_check(&g, a, 1, NULL) == 0);
	CHECK(page_guard_check(&g, b, 1, NULL) == 0);
	CHECK(page_guard_check(&g, a, 1, NULL) == FS_EABORT);
	CHECK(strstr(err_msg(), "zoho-books: GET /contacts: page 3 repeats an earlier page") != NULL);
	page_guard_release(&g);
	json_decref(a);
	json_decref(b);
}

static void test_pageguard__a_reused_token_stops(void)
{
	struct page_guard g;
	json_t *a = page_of("1"), *b = page_of("2");

	page_guard_init(&g, "zoho-crm: GET /Deals", 200);
	CHECK(page_guard_check(&g, a, 1, "x") == 0);
	CHECK(page_guard_check(&g, b, 1, "x") == FS_EABORT);
	CHECK(strstr(err_msg(), "page token already used") != NULL);
	page_guard_release(&g);
	json_decref(a);
	json_decref(b);
}

static void test_pageguard__an_empty_page_claiming_more_stops(void)
{
	struct page_guard g;
	json_t *empty = json_array();

	page_guard_init(&g, "zoho-books: GET /items", 200);
	CHECK(page_guard_check(&g, empty, 1, NULL) == FS_EABORT);
	CHECK(strstr(err_msg(), "page 1 is empty but says more records follow") != NULL);
	page_guard_release(&g);
	json_decref(empty);
}

static void test_pageguard__the_cap_stops(void)
{
	struct page_guard g;
	int i, rc = 0;

	/* A page size this large leaves a cap of 3 pages. */
	page_guard_init(&g, "zoho-crm: GET /Accounts", PAGE_GUARD_MAX_RECORDS / 2);
	for (i = 0; i < 10 && !rc; i++) {
		char id[16];
		json_t *p;
		snprintf(id, sizeof(id), "%d", i);
		p = page_of(id);
		rc = page_guard_check(&g, p, 1, NULL);
		json_decref(p);
	}
	CHECK(rc == FS_EABORT && i == 3);
	CHECK(strstr(err_msg(), "3 pages and still more") != NULL);
	page_guard_release(&g);
}

static const struct unit_test pageguard_tests[] = {
	UNIT(test_pageguard__honest_paging_passes), UNIT(test_pageguard__a_cycle_of_two_pages_stops),
	UNIT(test_pageguard__a_reused_token_stops), UNIT(test_pageguard__an_empty_page_claiming_more_stops),
	UNIT(test_pageguard__the_cap_stops),        { 0 }
};
UNIT_SUITE(pageguard_tests)
