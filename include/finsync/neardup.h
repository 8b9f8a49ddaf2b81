/*
 * neardup.h - near-duplicate names: a record created as new whose name is
 * close to an existing finance record's is suggested to the analyst (finsync
 * review), never merged by the tool.  See src/xform/neardup.c for the score.
 */
#ifndef FINSYNC_NEARDUP_H
#define FINSYNC_NEARDUP_H

/* The least score review lists as a possible duplicate. */
#define NEARDUP_MIN_SCORE 80

/*
 * The comparison key of a name (new string, xfree): normalised
 * (name_normalize), accents stripped, punctuation turned to spaces, legal forms (Ltd, GmbH,
 * Inc ...) and "the" dropped, the words sorted.  NULL when nothing is left.
 */
char *neardup_key(const char *name);

/*
 * How alike two keys are, 0 to 100: 96 for the same words (so the names
 * differ only by legal form, punctuation, case or word order), else
 * 100 * (1 - edits / longer length), at most 95; 0 when more than 3 edits
 * (Levenshtein over the keys' bytes) apart, or when the keys differ in both
 * their first and their last byte, or when a word one key has and the
 * other has not is not a typo of one of the other's (1 edit, 2 from 8
 * letters on).
 */
int neardup_score(const char *key_a, const char *key_b);

/* What makes two names alike, in words, for a score of key_a and key_b (static text). */
const char *neardup_why(const char *key_a, const char *key_b);

#endif
