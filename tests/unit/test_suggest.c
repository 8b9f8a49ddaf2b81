/*
 * test_suggest.c - "did you mean" (src/util/suggest.c): the edit distance
 * counts a swap of neighbours as one edit; the one name a word begins is
 * the answer, else the nearest within two edits, and never a guess for a
 * word that short or that far.
 */
#include <string.h>
#include "finsync/suggest.h"
#include "unit.h"

static const char *suggest_among(const char *word, const char *const *names)
{
	static struct suggest s;

	suggest_init(&s, word);
	for (; *names; names++)
		suggest_consider(&s, *names);
	return suggest_result(&s);
}

static void test_suggest__edit_distance(void)
{
	char long_word[SUGGEST_WORD_MAX + 2];

	CHECK_INTEQ(edit_distance("", ""), 0);
	CHECK_INTEQ(edit_distance("extent", "extent"), 0);
	CHECK_INTEQ(edit_distance("extnt", "extent"), 1);    /* a letter left out */
	CHECK_INTEQ(edit_distance("histroy", "history"), 1); /* two neighbours swapped */
	CHECK_INTEQ(edit_distance("kitten", "sitting"), 3);
	memset(long_word, 'a', sizeof(long_word) - 1);
	long_word[sizeof(long_word) - 1] = '\0';
	CHECK(edit_distance(long_word, "a") >= 1000);
}

static void test_suggest__the_name_meant(void)
{
	static const char *const keys[] = { "customers", "vendors", "items", "deals", "price_books", "summary", NULL };
	static const char *const cmds[] = { "run", "review", "reconcile", "resync", NULL };

	CHECK_STREQ(suggest_among("pricebooks", keys), "price_books");
	CHECK_STREQ(suggest_among("vendor", keys), "vendors"); /* the one name it begins */
	CHECK_STREQ(suggest_among("custmers", keys), "customers");
	CHECK_STREQ(suggest_among("rn", cmds), "run");
	CHECK(suggest_among("re", cmds) == NULL);       /* begins three: none */
	CHECK(suggest_among("invoices", keys) == NULL); /* too far from all */
	CHECK(suggest_among("ab", keys) == NULL);
	CHECK(suggest_among("items", keys) == NULL); /* no typo */
	CHECK(suggest_among("", keys) == NULL);
}

static const struct unit_test suggest_tests[] = {
	UNIT(test_suggest__edit_distance),
	UNIT(test_suggest__the_name_meant),
	{ 0 },
};
UNIT_SUITE(suggest_tests)
