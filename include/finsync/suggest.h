/*
 * suggest.h - "did you mean" for a mistyped name (src/util/suggest.c):
 * offered every name it could have been, it gives the one meant, if any.
 */
#ifndef FINSYNC_SUGGEST_H
#define FINSYNC_SUGGEST_H

/* A word longer than this is no one's typo: edit_distance() answers a large number. */
#define SUGGEST_WORD_MAX 64

/*
 * "Did you mean": the name a mistyped word was meant to be, among the names
 * offered to suggest_consider(); NULL when none is near.  A name the word
 * is a prefix of, when only one is; otherwise the nearest name within two
 * edits (insert, delete, replace, swap two neighbours).
 */
struct suggest {
	const char *word;
	const char *prefix_of; /* the one name the word begins */
	int prefixes;
	const char *nearest;
	int distance;
};

void suggest_init(struct suggest *s, const char *word);
void suggest_consider(struct suggest *s, const char *name);
const char *suggest_result(const struct suggest *s);
/* Edits between a and b (optimal string alignment); a large number for long words. */
int edit_distance(const char *a, const char *b);

#endif
