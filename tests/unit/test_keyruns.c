/*
 * test_keyruns.c - src/util/keyruns.c: ids found by hash across the buffer
 * and runs written and merged, in id order and each once; a hash shared by
 * more pairs than a block holds; no file left in the folder; a folder that
 * cannot take a run reported once, naming it.
 */
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/keyruns.h"
#include "unit.h"

#define PAIRS 200000
#define KEYS 50000 /* so each hash has PAIRS / KEYS ids */

static uint64_t mix(uint64_t x)
{
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* The ids found under hash, as "1,2,3". */
static char *found(struct keyruns *k, uint64_t hash)
{
	const long long *ids = NULL;
	size_t i, n = 0;
	char *out = xstrdup(""), *next;

	CHECK(keyruns_find(k, hash, &ids, &n) == 0);
	for (i = 0; i < n; i++) {
		next = xasprintf("%s%s%lld", out, i ? "," : "", ids[i]);
		xfree(out);
		out = next;
	}
	return out;
}

static void check_found(struct keyruns *k, uint64_t hash, const char *want)
{
	char *got = found(k, hash);

	CHECK_STREQ(got, want);
	xfree(got);
}

/* Added in an order of neither hash nor id, found in id order from the buffer and from every run. */
static void test_keyruns__finds_across_runs(void)
{
	const char *dir = unit_tmpdir(); /* each call makes a new folder */
	char *prefix = xasprintf("%s/keys", dir);
	struct keyruns *k = keyruns_new(prefix);
	long long i;

	for (i = PAIRS; i >= 1; i--)
		CHECK(keyruns_add(k, mix((uint64_t)(i % KEYS)), i) == 0);
	CHECK(keyruns_add(k, mix(7), 7) == 0); /* the same pair again */
	CHECK(keyruns_count(k) > 0);
	CHECK(keyruns_count(k) < PAIRS / 32768); /* merged */
	check_found(k, mix(7), "7,50007,100007,150007");
	check_found(k, mix(0), "50000,100000,150000,200000");
	check_found(k, mix(KEYS - 1), "49999,99999,149999,199999");
	check_found(k, mix(KEYS + 1), "");
	CHECK_INTEQ(unit_count_files(dir), 0);
	keyruns_free(k);
	xfree(prefix);
}

/* A hash under more ids than a block (and a run) holds, between other hashes. */
static void test_keyruns__long_span(void)
{
	struct keyruns *k = keyruns_new(NULL);
	const long long *ids = NULL;
	size_t n = 0, i;
	long long id = 1;
	int ok = 1;

	for (i = 0; i < 70000; i++)
		CHECK(keyruns_add(k, i % 3 == 1 ? 1000 : mix(i), id++) == 0);
	CHECK(keyruns_find(k, 1000, &ids, &n) == 0);
	CHECK_INTEQ(n, 23333);
	for (i = 0; i < n; i++)
		ok &= ids[i] == (long long)(3 * i + 2);
	CHECK(ok);
	keyruns_free(k);
}

/* A run that cannot be written: one message naming where, then every call refused. */
static void test_keyruns__unwritable(void)
{
	char *prefix = xasprintf("%s/no/such/folder/keys", unit_tmpdir());
	struct keyruns *k = keyruns_new(prefix);
	const long long *ids = NULL;
	size_t n = 0;
	long long i;
	int rc = 0;

	for (i = 1; i <= 32768 && !rc; i++)
		rc = keyruns_add(k, mix((uint64_t)i), i);
	CHECK_INTEQ(rc, FS_EABORT);
	CHECK(strstr(err_msg(), "no/such/folder/keys-*") != NULL);
	CHECK(strstr(err_msg(), "No such file or directory") != NULL);
	CHECK_INTEQ(keyruns_add(k, 1, 1), FS_EABORT);
	CHECK_INTEQ(keyruns_find(k, 1, &ids, &n), FS_EABORT);
	CHECK_INTEQ(n, 0);
	keyruns_free(k);
	xfree(prefix);
}

static const struct unit_test keyruns_tests[] = {
	UNIT(test_keyruns__finds_across_runs),
	UNIT(test_keyruns__long_span),
	UNIT(test_keyruns__unwritable),
	{ 0 },
};
UNIT_SUITE(keyruns_tests)
