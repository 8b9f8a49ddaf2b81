/*
 * normalize.c - name normalisation v1 (docs/design.md "Duplicates"):
 * Unicode NFKC with full case folding, trimmed, every run of white space collapsed to one
 * space.  Accents are kept: "Ácme" and "Acme" are different names.
 *
 * utf8proc_map() would allocate with malloc(); we run its two steps
 * (decompose, reencode) into our own buffer so that every allocation goes
 * through xmalloc.
 *
 * Most names are ASCII, and for ASCII all of that is simply A-Z to a-z
 * (NFKC leaves ASCII alone, case folding only touches letters, and the only
 * ASCII white space is \t\n\v\f\r and space): ascii_normalize() does it
 * in one pass, ten times faster; test_normalize checks both agree.
 */
#include <string.h>
#include <utf8proc.h>
#include "finsync/alloc.h"
#include "finsync/normalize.h"

#define NORMALIZE_FLAGS (UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD)

/* Category Zs/Zl/Zp plus the C0/C1 controls that are white space (\t\n\v\f\r, NEL). */
static int is_space(utf8proc_int32_t c)
{
	utf8proc_category_t cat;

	if ((c >= 0x09 && c <= 0x0d) || c == 0x85)
		return 1;
	cat = utf8proc_category(c);
	return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL || cat == UTF8PROC_CATEGORY_ZP;
}

/* NFKC + case fold; new string, or NULL for invalid UTF-8. */
static char *nfkc_casefold(const char *s)
{
	utf8proc_int32_t *buf;
	utf8proc_ssize_t n;

	n = utf8proc_decompose((const utf8proc_uint8_t *)s, 0, NULL, 0, NORMALIZE_FLAGS);
	if (n < 0)
		return NULL;
	/* reencode writes UTF-8 over the code points: 4 bytes each is enough. */
	buf = xmalloc((size_t)n * sizeof(*buf) + 1);
	n = utf8proc_decompose((const utf8proc_uint8_t *)s, 0, buf, n, NORMALIZE_FLAGS);
	if (n >= 0)
		n = utf8proc_reencode(buf, n, NORMALIZE_FLAGS);
	if (n < 0) {
		xfree(buf);
		return NULL;
	}
	return (char *)buf;
}

/* Trims and collapses white space runs in place (the result is never longer). */
static void collapse_space(char *s)
{
	const utf8proc_uint8_t *in = (const utf8proc_uint8_t *)s;
	char *out = s;
	utf8proc_ssize_t len = (utf8proc_ssize_t)strlen(s), n;
	utf8proc_int32_t c;
	int pending = 0;

	while (len > 0 && (n = utf8proc_iterate(in, len, &c)) > 0) {
		if (is_space(c)) {
			pending = out != s;
		} else {
			if (pending)
				*out++ = ' ';
			pending = 0;
			memmove(out, in, (size_t)n);
			out += n;
		}
		in += n;
		len -= n;
	}
	*out = '\0';
}

/* The ASCII case (new string), or NULL when s has a byte >= 0x80. */
static char *ascii_normalize(const char *s)
{
	size_t n = 0;
	char *out, *o;
	int pending = 0;

	while (s[n]) {
		if ((unsigned char)s[n] >= 0x80)
			return NULL;
		n++;
	}
	o = out = xmalloc(n + 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == ' ' || (c >= 0x09 && c <= 0x0d)) {
			pending = o != out;
			continue;
		}
		if (pending)
			*o++ = ' ';
		pending = 0;
		*o++ = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
	}
	*o = '\0';
	return out;
}

/*
 * The identity ladder normalises a record's name up to three times (its
 * lookup, the free-name check, the planned row): the last answer is kept.
 * Names are normalised on the stage's thread only.
 */
static struct {
	char *in, *out;
} last;

static char *normalize_uncached(const char *s);

char *name_normalize(const char *s)
{
	char *norm;

	if (!s)
		return NULL;
	if (last.in && !strcmp(last.in, s))
		return xstrdup(last.out);
	if (!(norm = normalize_uncached(s)))
		return NULL;
	xfree(last.in);
	xfree(last.out);
	last.in = xstrdup(s);
	last.out = xstrdup(norm);
	return norm;
}

static char *normalize_uncached(const char *s)
{
	char *norm;

	if ((norm = ascii_normalize(s)))
		return norm;
	if (!(norm = nfkc_casefold(s)))
		return NULL;
	collapse_space(norm);
	return norm;
}
