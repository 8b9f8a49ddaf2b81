/*
 * test_neardup.c - the near-duplicate key and score (src/xform/neardup.c):
 * what is set aside (legal forms, punctuation, case, word order) and how
 * far a typo may go before two names are not suggested.
 */
#include "finsync/alloc.h"
#include "finsync/neardup.h"
#include "unit.h"

/* The score of two names, through their keys. */
static int score(const char *a, const char *b)
{
	char *ka = neardup_key(a), *kb = neardup_key(b);
	int s = neardup_score(ka, kb);

	xfree(ka);
	xfree(kb);
	return s;
}

static void check_key(const char *name, const char *want, int line)
{
	char *got = neardup_key(name);

	if (want ? !got || strcmp(got, want) : got != NULL) {
		fprintf(stderr, "%s:%d: neardup_key(\"%s\"): expected \"%s\", got \"%s\"\n", __FILE__, line, name,
			want ? want : "(null)", got ? got : "(null)");
		unit_failures++;
	}
	xfree(got);
}

#define KEY(name, want) check_key(name, want, __LINE__)

static void test_neardup__key(void)
{
	KEY("Acme Ltd", "acme");
	KEY("ACME Limited.", "acme");
	KEY("Müller GmbH & Co. KG", "müller");
	KEY("Société Générale S.A.", "générale société");
	KEY("Smith, John", "john smith");
	KEY("The Widget Company, Inc.", "widget");
	KEY("O'Brien Holdings LLC", "holdings obrien");
	KEY("Ltd", NULL);
	KEY("", NULL);
}

static void test_neardup__same_words(void)
{
	CHECK(score("Acme Ltd", "Acme Limited") == 96);
	CHECK(score("Globex Corporation", "Globex Corp.") == 96);
	CHECK(score("John Smith", "Smith John") == 96);   /* a person's first and last name swapped */
	CHECK(score("Smith & Sons", "Smith and Sons") == 96);
	CHECK(score("Initech GmbH", "INITECH") == 96);
}

static void test_neardup__typos(void)
{
	int s = score("Wayne Enterprises", "Wayne Enterprizes");

	CHECK(s >= NEARDUP_MIN_SCORE && s <= 95);
	CHECK(score("Stark Industries", "Stark Industires") >= NEARDUP_MIN_SCORE);
	CHECK(score("Umbrella Corp", "Umbrela Corporation") >= NEARDUP_MIN_SCORE);
}

static void test_neardup__different_names(void)
{
	CHECK(score("Acme Ltd", "Apex Ltd") < NEARDUP_MIN_SCORE);          /* 2 edits of 4 */
	CHECK(score("Globex Corporation", "Initech") == 0);
	CHECK(score("Widget Pro", "Widget Pro Max") < NEARDUP_MIN_SCORE);  /* 4 letters more */
	CHECK(score("Bob", "Rob") < NEARDUP_MIN_SCORE);
	CHECK(score(NULL, "Acme") == 0);
}

static void test_neardup__why(void)
{
	CHECK(strstr(neardup_why("acme", "acme"), "same words") != NULL);
	CHECK(strstr(neardup_why("acme", "acne"), "few letters") != NULL);
}

static const struct unit_test neardup_tests[] = {
	UNIT(test_neardup__key),
	UNIT(test_neardup__same_words),
	UNIT(test_neardup__typos),
	UNIT(test_neardup__different_names),
	UNIT(test_neardup__why),
	{ 0 },
};
UNIT_SUITE(neardup_tests)
