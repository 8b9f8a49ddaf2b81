/*
 * test_normalize.c - name normalisation v1: NFKC, full case folding, trim,
 * white space runs collapsed, accents kept.
 */
#include "finsync/alloc.h"
#include "finsync/normalize.h"
#include "unit.h"

/* Checks name_normalize(in) == want and frees the result. */
static void check_norm(const char *in, const char *want, int line)
{
	char *got = name_normalize(in);

	if (!got || strcmp(got, want)) {
		fprintf(stderr, "%s:%d: normalize(\"%s\"): expected \"%s\", got \"%s\"\n", __FILE__, line, in, want,
			got ? got : "(null)");
		unit_failures++;
	}
	xfree(got);
}

#define NORM(in, want) check_norm(in, want, __LINE__)

static void test_normalize__nfkc(void)
{
	NORM("\xef\xac\x81le", "file");                                   /* U+FB01 ligature fi */
	NORM("\xef\xbc\xa1\xef\xbd\x83\xef\xbd\x8d\xef\xbd\x85", "acme"); /* full-width */
	NORM("No\xe2\x84\x96 1", "nono 1");                               /* U+2116 numero sign */
	NORM("x\xc2\xb2", "x2");                                          /* superscript two */
}

static void test_normalize__case_fold(void)
{
	NORM("ACME Ltd", "acme ltd");
	NORM("Stra\xc3\x9f"
	     "e",
	     "strasse");                                              /* full folding: ß -> ss */
	NORM("\xce\xa3\xce\x99\xce\xa3", "\xcf\x83\xce\xb9\xcf\x83"); /* ΣΙΣ -> σισ */
}

static void test_normalize__white_space(void)
{
	NORM("  Acme   Ltd  ", "acme ltd");
	NORM("\tAcme\r\n\nLtd\v", "acme ltd");
	NORM("Acme\xc2\xa0\xc2\xa0Ltd", "acme ltd");         /* NBSP */
	NORM("Acme\xe3\x80\x80Ltd", "acme ltd");             /* ideographic space */
	NORM("Acme\xe2\x80\xa8Ltd\xe2\x80\xa9", "acme ltd"); /* line/paragraph separators */
	NORM("   ", "");
	NORM("", "");
}

static void test_normalize__accents_kept(void)
{
	char *a = name_normalize("\xc3\x81"
				 "cme"); /* Ácme, composed */
	char *b = name_normalize("A\xcc\x81"
				 "cme"); /* A + combining acute */
	char *c = name_normalize("Acme");

	CHECK(a && b && c);
	CHECK_STREQ(a, "\xc3\xa1"
		       "cme");
	CHECK_STREQ(b, a);
	CHECK(a && c && strcmp(a, c) != 0);
	xfree(a);
	xfree(b);
	xfree(c);
}

static void test_normalize__null_and_invalid(void)
{
	CHECK(name_normalize(NULL) == NULL);
	CHECK(name_normalize("bad \xff utf-8") == NULL);
	CHECK(name_normalize("\xc3") == NULL);
}

/*
 * ASCII names take a fast path; it must agree with NFKC + case folding.
 * "\xc3\xa9" + t takes the full path, and é neither composes with nor
 * folds into an ASCII letter, so its result must be "\xc3\xa9" + the
 * fast path's result for t (t starts and ends with 'x': no edge spaces).
 */
static void test_normalize__ascii_fast_path(void)
{
	char t[16], slow_in[20], want[40];
	int c, d;

	for (c = 1; c < 128; c++) {
		for (d = 1; d < 128; d += 9) {
			char *fast, *slow;
			snprintf(t, sizeof(t), "x%c %cY\t%cx", c, d, c);
			snprintf(slow_in, sizeof(slow_in), "\xc3\xa9%s", t);
			fast = name_normalize(t);
			slow = name_normalize(slow_in);
			snprintf(want, sizeof(want), "\xc3\xa9%s", fast ? fast : "(null)");
			if (!slow || strcmp(slow, want)) {
				fprintf(stderr, "%s:%d: ascii %d/%d: fast \"%s\", full \"%s\"\n", __FILE__, __LINE__, c,
					d, fast ? fast : "(null)", slow ? slow : "(null)");
				unit_failures++;
			}
			xfree(fast);
			xfree(slow);
		}
	}
}

static const struct unit_test normalize_tests[] = {
	UNIT(test_normalize__ascii_fast_path),
	UNIT(test_normalize__nfkc),
	UNIT(test_normalize__case_fold),
	UNIT(test_normalize__white_space),
	UNIT(test_normalize__accents_kept),
	UNIT(test_normalize__null_and_invalid),
	{ 0 },
};
UNIT_SUITE(normalize_tests)
