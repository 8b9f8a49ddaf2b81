/*
 * suggest.c - "did you mean": the name a mistyped word was meant to be
 * (suggest.h).  A utility of every layer, so that the option parser, the
 * command lookup and the job loader answer a near miss the same way.
 */
#include <string.h>
#include "finsync/suggest.h"

int edit_distance(const char *a, const char *b)
{
	int d[SUGGEST_WORD_MAX + 1][SUGGEST_WORD_MAX + 1];
	size_t la = strlen(a), lb = strlen(b), i, j;

	if (la > SUGGEST_WORD_MAX || lb > SUGGEST_WORD_MAX)
		return 1000;
	for (i = 0; i <= la; i++)
		d[i][0] = (int)i;
	for (j = 0; j <= lb; j++)
		d[0][j] = (int)j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			int best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[la][lb];
}

void suggest_init(struct suggest *s, const char *word)
{
	memset(s, 0, sizeof(*s));
	s->word = word;
	s->distance = 3;
}

void suggest_consider(struct suggest *s, const char *name)
{
	size_t len = strlen(s->word);
	int d;

	if (!len || !strcmp(name, s->word))
		return;
	if (!strncmp(name, s->word, len)) {
		s->prefix_of = name;
		s->prefixes++;
	}
	/* Two edits turn any two-letter word into another: that is no near miss. */
	d = edit_distance(s->word, name);
	if (d < s->distance && (size_t)d < len) {
		s->nearest = name;
		s->distance = d;
	}
}

const char *suggest_result(const struct suggest *s)
{
	return s->prefixes == 1 ? s->prefix_of : s->nearest;
}
