/*
 * neardup.c - how alike two names are, for the near-duplicates finsync
 * review suggests (docs/design.md "Near-duplicates").
 *
 * The identity ladder (dedupe.c) matches only equal normalised names: a
 * wrong match merges two customers in the books, which is worse than a
 * second record.  Names that differ by a legal form ("Acme Ltd" and "Acme
 * Limited"), punctuation ("Smith & Sons" and "Smith and Sons"), word order
 * (a person written "Smith John") or a typo are left to a person: this
 * file only scores them.  The key drops what carries no identity and sorts
 * the words; the score is an edit distance on the keys, so it stays
 * explainable in one sentence.
 */
#include <stdlib.h>
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/buf.h"
#include "finsync/neardup.h"
#include "finsync/normalize.h"
#include <utf8proc.h>

#define MAX_EDITS 3
#define SAME_WORDS 96
#define MAX_FUZZY 95

/* Words that say what a company is, not which one (compared after normalising). */
static const char *const noise_words[] = {
	"ltd", "limited", "inc", "incorporated", "corp", "corporation", "co",   "company", "gmbh", "ag", "kg",
	"llc", "llp",     "lp",  "plc",          "sa",   "sas",         "sarl", "srl",     "spa",  "bv", "nv",
	"pty", "pte",     "oy",  "ab",           "as",   "kk",          "the",  "and",     NULL,
};

static int is_noise(const char *w)
{
	size_t i;

	for (i = 0; noise_words[i]; i++)
		if (!strcmp(w, noise_words[i]))
			return 1;
	return 0;
}

/* Punctuation (ASCII) becomes a space; '.' inside a word goes (S.A. -> sa). */
static void strip_punct(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (*s == '.' || *s == '\'')
			continue;
		*w++ = ((unsigned char)*s < 0x80 && !((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9'))) ? ' ' : *s;
	}
	*w = '\0';
}

static int cmp_words(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The words of s (split in place at spaces), noise dropped; *n of them. */
static char **words(char *s, size_t *n)
{
	char **v = NULL, *tok, *save = NULL;
	size_t cap = 0;

	*n = 0;
	for (tok = strtok_r(s, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		if (is_noise(tok))
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 8;
			v = xrealloc(v, cap * sizeof(*v));
		}
		v[(*n)++] = tok;
	}
	return v;
}

/* norm without its accents (é -> e, ß stays ss): new string, or NULL. */
static char *fold_accents(char *norm)
{
	utf8proc_uint8_t *out = NULL;
	char *folded;

	if (!norm || utf8proc_map((const utf8proc_uint8_t *)norm, 0, &out,
				  UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_STRIPMARK) < 0) {
		free(out);
		return norm;
	}
	folded = xstrdup((const char *)out);
	free(out); /* utf8proc_map() allocates with malloc */
	xfree(norm);
	return folded;
}

char *neardup_key(const char *name)
{
	char *norm = fold_accents(name_normalize(name)), **v;
	struct buf out = BUF_INIT;
	size_t n, i;

	if (!norm)
		return NULL;
	strip_punct(norm);
	v = words(norm, &n);
	if (n)
		qsort(v, n, sizeof(*v), cmp_words);
	for (i = 0; i < n; i++)
		buf_addf(&out, "%s%s", i ? " " : "", v[i]);
	xfree(v);
	xfree(norm);
	return out.len ? buf_detach(&out) : (buf_release(&out), NULL);
}

/* Levenshtein distance of a and b, or MAX_EDITS + 1 once it is surely more. */
static size_t edits(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, best, *row, diag, up, cost;

	if ((la > lb ? la - lb : lb - la) > MAX_EDITS)
		return MAX_EDITS + 1;
	row = xmalloc((lb + 1) * sizeof(*row));
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		diag = row[0];
		row[0] = best = i;
		for (j = 1; j <= lb; j++) {
			up = row[j];
			cost = diag + (a[i - 1] != b[j - 1]);
			cost = cost < up + 1 ? cost : up + 1;
			row[j] = cost < row[j - 1] + 1 ? cost : row[j - 1] + 1;
			best = row[j] < best ? row[j] : best;
			diag = up;
		}
		if (best > MAX_EDITS)
			break;
	}
	best = i <= la ? MAX_EDITS + 1 : row[lb];
	xfree(row);
	return best;
}

/* The edits a word may take and still be the same word with a typo. */
static size_t word_budget(const char *w)
{
	return strlen(w) >= 8 ? 2 : 1;
}

/*
 * Whether the words the keys do not share pair up as typos of each other:
 * "enterprises"/"enterprize" do, "river"/"haven" (another word) do not, nor
 * does a word that one name has more.
 */
static int words_alike(const char *key_a, const char *key_b)
{
	char *a = xstrdup(key_a), *b = xstrdup(key_b), **wa, **wb;
	size_t na, nb, i, j, best, d, pick = 0;
	int ok = 1;

	wa = words(a, &na);
	wb = words(b, &nb);
	for (i = 0; i < na; i++) /* the shared words go (set to NULL) */
		for (j = 0; j < nb; j++)
			if (wa[i] && wb[j] && !strcmp(wa[i], wb[j]))
				wa[i] = wb[j] = NULL;
	for (i = 0; i < na && ok; i++) {
		if (!wa[i])
			continue;
		for (j = 0, best = MAX_EDITS + 1; j < nb; j++)
			if (wb[j] && (d = edits(wa[i], wb[j])) < best) {
				best = d;
				pick = j;
			}
		ok = best <= word_budget(wa[i]);
		if (ok)
			wb[pick] = NULL;
	}
	for (j = 0; j < nb && ok; j++)
		ok = wb[j] == NULL;
	xfree(wa);
	xfree(wb);
	xfree(a);
	xfree(b);
	return ok;
}

int neardup_score(const char *key_a, const char *key_b)
{
	size_t d, longer;
	int score;

	if (!key_a || !key_b)
		return 0;
	if (!strcmp(key_a, key_b))
		return SAME_WORDS;
	/*
	 * Typos at both ends at once are rare; this gate lets review weigh every
	 * created record against a large snapshot at a few nanoseconds a pair.
	 */
	if (key_a[0] != key_b[0] && key_a[strlen(key_a) - 1] != key_b[strlen(key_b) - 1])
		return 0;
	if ((d = edits(key_a, key_b)) > MAX_EDITS || !words_alike(key_a, key_b))
		return 0;
	longer = strlen(key_a) > strlen(key_b) ? strlen(key_a) : strlen(key_b);
	score = (int)(100 * (longer - d) / longer);
	return score > MAX_FUZZY ? MAX_FUZZY : score;
}

const char *neardup_why(const char *key_a, const char *key_b)
{
	if (key_a && key_b && !strcmp(key_a, key_b))
		return "the same words apart from accents, legal form, punctuation, case or word order";
	return "a typo apart once accents, legal form, punctuation, case and word order are set aside";
}
