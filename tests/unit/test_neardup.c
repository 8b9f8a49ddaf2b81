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
	KEY("Müller GmbH & Co. KG", "muller");
	KEY("Société Générale S.A.", "generale societe");
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
	CHECK(score("John Smith", "Smith John") == 96); /* a person's first and last name swapped */
	CHECK(score("Smith & Sons", "Smith and Sons") == 96);
	CHECK(score("Initech GmbH", "INITECH") == 96);
	CHECK(score("Noël Hawk Capital Ltd", "Noel Hawk Capital Ltd") == 96); /* accents set aside */
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
	CHECK(score("Acme Ltd", "Apex Ltd") < NEARDUP_MIN_SCORE); /* 2 edits of 4 */
	CHECK(score("Globex Corporation", "Initech") == 0);
	CHECK(score("Widget Pro", "Widget Pro Max") < NEARDUP_MIN_SCORE); /* 4 letters more */
	CHECK(score("Bob", "Rob") < NEARDUP_MIN_SCORE);
	/* another word, not a typo: each word that differs may take 1 edit (2 from 8 letters) */
	CHECK(score("Willow River Robotics Co.", "Willow Haven Robotics Ltd") == 0);
	CHECK(score("Sterling Gate Energy Co.", "Sterling Hawk Energy Limited") == 0);
	CHECK(score("Atlas Peak Properties", "Atlas Park Properties") == 0);
	CHECK(score("Nolan & Hernandez", "Hernandez & Novak") == 0);
	CHECK(score("Stark Industries", "Stark Industries Group") == 0); /* a word more */
	CHECK(score(NULL, "Acme") == 0);
	CHECK(score("Xcme Corp", "Acmf") == 0); /* both ends differ */
	CHECK(score("Acme", "Bcme") >= 75);     /* one end is enough */
}

static void test_neardup__why(void)
{
	CHECK(strstr(neardup_why("acme", "acme"), "same words") != NULL);
	CHECK(strstr(neardup_why("acme", "acne"), "a typo apart") != NULL);
}

static const struct unit_test neardup_tests[] = {
	UNIT(test_neardup__key),   UNIT(test_neardup__same_words),
	UNIT(test_neardup__typos), UNIT(test_neardup__different_names),
	UNIT(test_neardup__why),   { 0 },
};
UNIT_SUITE(neardup_tests)
