/*
 * ndjson.c - fast JSON text <-> jansson values (see include/finsync/ndjson.h).
 *
 * Both directions follow jansson 2.14 byte for byte where they answer at
 * all, and step aside (return NULL or -1) wherever matching it would need
 * jansson's own code: the caller then asks jansson.  So a file finsync did
 * not write, or a bad line, still gets jansson's value or jansson's message.
 *
 * jansson's rules mirrored here: white space is ' ', '\t', '\n', '\r';
 * numbers -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, an integer when
 * there is no fraction or exponent (strtoll; out of range is an error),
 * else strtod; strings are valid UTF-8 without overlongs, surrogates or
 * control characters, escapes \" \\ \/ \b \f \n \r \t \uXXXX with UTF-16
 * pairs; a later duplicate key replaces the earlier value in its place.
 * Dumping escapes '"', '\\' and control characters (\b \f \n \r \t by name,
 * the others as \u00XX in capitals), never '/', never non-ASCII; sorted
 * keys compare as bytes, a shorter prefix first.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/ndjson.h"

#define PARSE_MAX_DEPTH 64 /* deeper text is left to jansson (its limit is 2048) */
#define DUMP_MAX_DEPTH 256
#define SORT_LOCAL 32  /* keys sorted on the stack; more use the heap */
#define KEYS_SLOTS 128 /* a key set holds up to half of this */

struct ndjson_keys {
	struct {
		char *key;
		size_t len;
	} slot[KEYS_SLOTS];
};

struct parser {
	const unsigned char *p, *end;
	int depth;
	const struct ndjson_keys *keep; /* the top level's keys to build, or NULL: all */
	int reject_duplicates;          /* JSON_REJECT_DUPLICATES: a repeated key goes to jansson */
	char *scratch;                  /* strings with escapes are decoded here */
	size_t scratch_cap;
	char small[1024];
};

static const unsigned char *skip_ws(const unsigned char *p, const unsigned char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

static int is_digit(unsigned c)
{
	return c >= '0' && c <= '9';
}

/* The length of the UTF-8 sequence at p, 0 when jansson would refuse it. */
static size_t utf8_len(const unsigned char *p, const unsigned char *end)
{
	unsigned c = p[0];
	uint32_t v;
	size_t n, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		v = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		v = c & 0x07;
	} else {
		return 0;
	}
	if ((size_t)(end - p) < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (p[i] & 0x3f);
	}
	if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff) || (n == 3 && v < 0x800) || (n == 4 && v < 0x10000))
		return 0;
	return n;
}

/* Four hex digits at p (p + 4 <= end checked by the caller); -1 when not hex. */
static long hex4(const unsigned char *p)
{
	long v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		unsigned c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

static char *put_utf8(char *d, uint32_t cp)
{
	if (cp < 0x80) {
		*d++ = (char)cp;
	} else if (cp < 0x800) {
		*d++ = (char)(0xc0 | (cp >> 6));
		*d++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*d++ = (char)(0xe0 | (cp >> 12));
		*d++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*d++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*d++ = (char)(0xf0 | (cp >> 18));
		*d++ = (char)(0x80 | ((cp >> 12) & 0x3f));
		*d++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*d++ = (char)(0x80 | (cp & 0x3f));
	}
	return d;
}

/* One escape at p ('\\'): its bytes into *d; the text consumed, 0 when jansson must decide. */
static size_t unescape(const unsigned char *p, const unsigned char *end, char **d)
{
	long cp, lo;

	if (end - p < 2)
		return 0;
	switch (p[1]) {
	case '"':
	case '\\':
	case '/':
		*(*d)++ = (char)p[1];
		return 2;
	case 'b':
		*(*d)++ = '\b';
		return 2;
	case 'f':
		*(*d)++ = '\f';
		return 2;
	case 'n':
		*(*d)++ = '\n';
		return 2;
	case 'r':
		*(*d)++ = '\r';
		return 2;
	case 't':
		*(*d)++ = '\t';
		return 2;
	case 'u':
		break;
	default:
		return 0;
	}
	/* \u0000 (allowed or not by the flags) and lone surrogates: jansson's call. */
	if (end - p < 6 || (cp = hex4(p + 2)) <= 0 || (cp >= 0xdc00 && cp <= 0xdfff))
		return 0;
	if (cp < 0xd800 || cp > 0xdbff) {
		*d = put_utf8(*d, (uint32_t)cp);
		return 6;
	}
	if (end - p < 12 || p[6] != '\\' || p[7] != 'u' || (lo = hex4(p + 8)) < 0xdc00 || lo > 0xdfff)
		return 0;
	*d = put_utf8(*d, (uint32_t)(((cp - 0xd800) << 10) + (lo - 0xdc00) + 0x10000));
	return 12;
}

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/* Whether one of the 8 bytes is zero (the classic bit trick). */
static inline uint64_t has_zero(uint64_t w)
{
	return (w - ONES) & ~w & HIGHS;
}

/*
 * The high bit of each of the 8 bytes that is < 0x20, '"', '\\' or >= 0x80;
 * the lowest one set is exact (a borrow can only mark bytes after it).
 */
static inline uint64_t care_mask(uint64_t w)
{
	return (w | ((w - ONES * 0x20) & ~w) | has_zero(w ^ (ONES * '"')) | has_zero(w ^ (ONES * '\\'))) & HIGHS;
}

/*
 * The string whose body starts at ps->p: *out and *len point into the text
 * when it has no escapes, else into the scratch buffer (valid until the next
 * string).  0, or -1 to leave the whole text to jansson.
 */
static int parse_string(struct parser *ps, const char **out, size_t *len)
{
	const unsigned char *p = ps->p, *end = ps->end, *start = p;
	size_t k;
	char *d;

	while (p < end && *p != '\\') {
		/* Plain ASCII eight bytes at a time, up to the first byte that needs care. */
		while (end - p >= 8) {
			uint64_t w, care;
			memcpy(&w, p, 8);
			if ((care = care_mask(w))) {
				p += __builtin_ctzll(care) >> 3;
				break;
			}
			p += 8;
		}
		if (p == end || *p == '\\')
			break;
		if (*p == '"') {
			*out = (const char *)start;
			*len = (size_t)(p - start);
			ps->p = p + 1;
			return 0;
		}
		if (*p < 0x20)
			return -1;
		if (*p < 0x80) {
			p++;
		} else {
			if (!(k = utf8_len(p, end)))
				return -1;
			p += k;
		}
	}
	if (p == end)
		return -1;
	/* Escapes: decoded text is never longer than the source. */
	if ((size_t)(end - start) > ps->scratch_cap) {
		if (ps->scratch != ps->small)
			xfree(ps->scratch);
		ps->scratch_cap = (size_t)(end - start);
		ps->scratch = xmalloc(ps->scratch_cap);
	}
	memcpy(ps->scratch, start, (size_t)(p - start));
	d = ps->scratch + (p - start);
	while (p < end) {
		if (*p == '"') {
			*out = ps->scratch;
			*len = (size_t)(d - ps->scratch);
			ps->p = p + 1;
			return 0;
		}
		if (*p == '\\') {
			if (!(k = unescape(p, end, &d)))
				return -1;
			p += k;
			continue;
		}
		if (*p < 0x20 || !(k = utf8_len(p, end)))
			return -1;
		memcpy(d, p, k);
		d += k;
		p += k;
	}
	return -1;
}

/* Reads a number as jansson would; its value in *out unless out is NULL; 0, or -1 for jansson. */
static int scan_number(struct parser *ps, json_t **out)
{
	const unsigned char *p = ps->p, *end = ps->end, *start = p;
	char text[64];
	int real = 0;
	size_t n;

	if (*p == '-')
		p++;
	if (p == end || !is_digit(*p))
		return -1;
	if (*p == '0') {
		if (++p < end && is_digit(*p))
			return -1;
	} else {
		while (p < end && is_digit(*p))
			p++;
	}
	if (p < end && *p == '.') {
		real = 1;
		if (++p == end || !is_digit(*p))
			return -1;
		while (p < end && is_digit(*p))
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		real = 1;
		if (++p < end && (*p == '+' || *p == '-'))
			p++;
		if (p == end || !is_digit(*p))
			return -1;
		while (p < end && is_digit(*p))
			p++;
	}
	if ((n = (size_t)(p - start)) >= sizeof(text))
		return -1;
	memcpy(text, start, n);
	text[n] = '\0';
	ps->p = p;
	errno = 0;
	if (!real) {
		long long v = strtoll(text, NULL, 10);
		if (errno == ERANGE)
			return -1;
		if (out)
			*out = json_integer(v);
	} else {
		double v = strtod(text, NULL);
		if ((v == HUGE_VAL || v == -HUGE_VAL) && errno == ERANGE)
			return -1;
		if (out)
			*out = json_real(v);
	}
	return 0;
}

static json_t *parse_number(struct parser *ps)
{
	json_t *v = NULL;

	return scan_number(ps, &v) ? NULL : v;
}

static int is_alpha(unsigned c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static json_t *parse_word(struct parser *ps, const char *word, size_t n, json_t *value)
{
	const unsigned char *p = ps->p;

	if ((size_t)(ps->end - p) < n || memcmp(p, word, n) || (p + n < ps->end && is_alpha(p[n])))
		return NULL;
	ps->p = p + n;
	return value;
}

static json_t *parse_value(struct parser *ps);

/*
 * A key's slot: its first and last eight bytes and its length, mixed.  A
 * byte at a time took 3 % of a transform (30 keys a record); keys that
 * share both ends meet in a slot and memcmp tells them apart.
 */
static uint64_t key_hash(const char *k, size_t n)
{
	uint64_t a = 0, b = 0, h;

	if (n >= 8) {
		memcpy(&a, k, 8);
		memcpy(&b, k + n - 8, 8);
	} else {
		memcpy(&a, k, n);
	}
	h = (a * 0x9e3779b97f4a7c15ULL ^ b) * 0xbf58476d1ce4e5b9ULL ^ n;
	return h ^ (h >> 31);
}

static int keys_has(const struct ndjson_keys *ks, const char *k, size_t n)
{
	size_t i = (size_t)key_hash(k, n) & (KEYS_SLOTS - 1);

	for (; ks->slot[i].key; i = (i + 1) & (KEYS_SLOTS - 1))
		if (ks->slot[i].len == n && !memcmp(ks->slot[i].key, k, n))
			return 1;
	return 0;
}

/* Checks a value as parse_value() would read it, without building it; 0 or -1. */
static int skip_value(struct parser *ps)
{
	const unsigned char *p;
	const char *s;
	size_t n;
	int obj, rc = -1;

	if (ps->p == ps->end)
		return -1;
	switch (*ps->p) {
	case '"':
		ps->p++;
		return parse_string(ps, &s, &n);
	case 't':
		return parse_word(ps, "true", 4, json_true()) ? 0 : -1;
	case 'f':
		return parse_word(ps, "false", 5, json_false()) ? 0 : -1;
	case 'n':
		return parse_word(ps, "null", 4, json_null()) ? 0 : -1;
	case '{':
	case '[':
		break;
	default:
		return scan_number(ps, NULL);
	}
	if (ps->depth >= PARSE_MAX_DEPTH)
		return -1;
	ps->depth++;
	obj = *ps->p++ == '{';
	p = skip_ws(ps->p, ps->end);
	if (p < ps->end && *p == (obj ? '}' : ']')) {
		ps->p = p + 1;
		rc = 0;
	} else {
		for (;;) {
			if (obj) {
				if (p == ps->end || *p != '"')
					break;
				ps->p = p + 1;
				if (parse_string(ps, &s, &n))
					break;
				p = skip_ws(ps->p, ps->end);
				if (p == ps->end || *p != ':')
					break;
				p++;
			}
			ps->p = skip_ws(p, ps->end);
			if (skip_value(ps))
				break;
			p = skip_ws(ps->p, ps->end);
			if (p < ps->end && *p == (obj ? '}' : ']')) {
				ps->p = p + 1;
				rc = 0;
				break;
			}
			if (p == ps->end || *p != ',')
				break;
			p = skip_ws(p + 1, ps->end);
		}
	}
	ps->depth--;
	return rc;
}

static json_t *parse_object(struct parser *ps)
{
	json_t *obj = json_object(), *v;
	const unsigned char *p = skip_ws(ps->p, ps->end);
	const char *key;
	size_t klen;

	if (p < ps->end && *p == '}') {
		ps->p = p + 1;
		return obj;
	}
	for (;;) {
		if (p == ps->end || *p != '"')
			break;
		ps->p = p + 1;
		/* A key decoded into scratch would be overwritten by its value. */
		if (parse_string(ps, &key, &klen) || key == ps->scratch)
			break;
		p = skip_ws(ps->p, ps->end);
		if (p == ps->end || *p != ':')
			break;
		ps->p = skip_ws(p + 1, ps->end);
		if (ps->keep && ps->depth == 1 && !keys_has(ps->keep, key, klen)) {
			if (skip_value(ps))
				break;
		} else if (ps->reject_duplicates && json_object_getn(obj, key, klen)) {
			break; /* jansson words the error */
		} else if (!(v = parse_value(ps)) || json_object_setn_new_nocheck(obj, key, klen, v)) {
			break;
		}
		p = skip_ws(ps->p, ps->end);
		if (p < ps->end && *p == '}') {
			ps->p = p + 1;
			return obj;
		}
		if (p == ps->end || *p != ',')
			break;
		p = skip_ws(p + 1, ps->end);
	}
	json_decref(obj);
	return NULL;
}

static json_t *parse_array(struct parser *ps)
{
	json_t *arr = json_array(), *v;
	const unsigned char *p = skip_ws(ps->p, ps->end);

	if (p < ps->end && *p == ']') {
		ps->p = p + 1;
		return arr;
	}
	for (;;) {
		ps->p = p;
		if (!(v = parse_value(ps)) || json_array_append_new(arr, v))
			break;
		p = skip_ws(ps->p, ps->end);
		if (p < ps->end && *p == ']') {
			ps->p = p + 1;
			return arr;
		}
		if (p == ps->end || *p != ',')
			break;
		p = skip_ws(p + 1, ps->end);
	}
	json_decref(arr);
	return NULL;
}

/* The value at ps->p (white space skipped by the caller), or NULL for jansson. */
static json_t *parse_value(struct parser *ps)
{
	const char *s;
	size_t n;
	json_t *v;

	if (ps->p == ps->end)
		return NULL;
	switch (*ps->p) {
	case '"':
		ps->p++;
		return parse_string(ps, &s, &n) ? NULL : json_stringn_nocheck(s, n);
	case '{':
	case '[':
		if (ps->depth >= PARSE_MAX_DEPTH)
			return NULL;
		ps->depth++;
		v = *ps->p++ == '{' ? parse_object(ps) : parse_array(ps);
		ps->depth--;
		return v;
	case 't':
		return parse_word(ps, "true", 4, json_true());
	case 'f':
		return parse_word(ps, "false", 5, json_false());
	case 'n':
		return parse_word(ps, "null", 4, json_null());
	default:
		return parse_number(ps);
	}
}

json_t *ndjson_parse(const char *text, size_t n, size_t flags, json_error_t *err)
{
	return ndjson_parse_keys(text, n, flags, err, NULL);
}

struct ndjson_keys *ndjson_keys_new(json_t *names)
{
	struct ndjson_keys *ks = xcalloc(1, sizeof(*ks));
	json_t *v;
	size_t i, j;

	json_array_foreach(names, i, v) {
		const char *k = json_string_value(v);
		size_t n = json_string_length(v);
		if (!k || keys_has(ks, k, n))
			continue;
		if (i >= KEYS_SLOTS / 2) { /* too many to be worth it: keep everything */
			ndjson_keys_free(ks);
			return NULL;
		}
		for (j = (size_t)key_hash(k, n) & (KEYS_SLOTS - 1); ks->slot[j].key; j = (j + 1) & (KEYS_SLOTS - 1))
			;
		ks->slot[j].key = xstrndup(k, n);
		ks->slot[j].len = n;
	}
	return ks;
}

void ndjson_keys_free(struct ndjson_keys *ks)
{
	size_t i;

	if (!ks)
		return;
	for (i = 0; i < KEYS_SLOTS; i++)
		xfree(ks->slot[i].key);
	xfree(ks);
}

json_t *ndjson_parse_keys(const char *text, size_t n, size_t flags, json_error_t *err, const struct ndjson_keys *keep)
{
	struct parser ps;
	json_t *v = NULL;

	if (!(flags & ~(size_t)(JSON_ALLOW_NUL | JSON_REJECT_DUPLICATES))) {
		ps.reject_duplicates = !!(flags & JSON_REJECT_DUPLICATES);
		ps.end = (const unsigned char *)text + n;
		ps.p = skip_ws((const unsigned char *)text, ps.end);
		ps.depth = 0;
		/* Skipped keys are not looked at for repeats: under JSON_REJECT_DUPLICATES build them all. */
		ps.keep = ps.reject_duplicates ? NULL : keep;
		ps.scratch = ps.small;
		ps.scratch_cap = sizeof(ps.small);
		/* Like json_loadb without JSON_DECODE_ANY: an object or an array. */
		if (ps.p < ps.end && (*ps.p == '{' || *ps.p == '['))
			v = parse_value(&ps);
		if (v && skip_ws(ps.p, ps.end) != ps.end) {
			json_decref(v);
			v = NULL;
		}
		if (ps.scratch != ps.small)
			xfree(ps.scratch);
	}
	if (!v)
		return json_loadb(text, n, flags, err);
	if (err) {
		err->line = err->column = -1;
		err->position = (int)n;
		err->text[0] = '\0';
	}
	return v;
}

/* ---- dumping ---- */

static int dump_value(struct buf *b, json_t *v, size_t flags, int depth);

/* One byte; buf_addc() without the call, for the punctuation. */
static inline int put_char(struct buf *b, char c)
{
	if (b->len + 1 >= b->cap && buf_reserve(b, 1))
		return -1;
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
	return 0;
}

/* Written straight into room reserved for the worst case (every byte as \u00XX). */
static int dump_string(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	char *d;
	size_t k;

	if (n > ((size_t)1 << 28) || buf_reserve(b, n * 6 + 2))
		return -1;
	d = b->data + b->len;
	*d++ = '"';
	while (p < end) {
		unsigned c;
		/* Plain ASCII (no control, '"', '\\' or byte >= 0x80) eight bytes at a
		 * time, up to the first byte that needs care (the room reserved
		 * takes all eight). */
		while (end - p >= 8) {
			uint64_t w, care;
			memcpy(&w, p, 8);
			memcpy(d, p, 8);
			if ((care = care_mask(w))) {
				k = (size_t)__builtin_ctzll(care) >> 3;
				d += k;
				p += k;
				break;
			}
			d += 8;
			p += 8;
		}
		if (p == end)
			break;
		c = *p;
		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			*d++ = (char)c;
			p++;
			continue;
		}
		if (c >= 0x80) {
			if (!(k = utf8_len(p, end)))
				return -1;
			memcpy(d, p, k);
			d += k;
			p += k;
			continue;
		}
		*d++ = '\\';
		switch (c) {
		case '"':
			*d++ = '"';
			break;
		case '\\':
			*d++ = '\\';
			break;
		case '\b':
			*d++ = 'b';
			break;
		case '\f':
			*d++ = 'f';
			break;
		case '\n':
			*d++ = 'n';
			break;
		case '\r':
			*d++ = 'r';
			break;
		case '\t':
			*d++ = 't';
			break;
		default:
			memcpy(d, "u00", 3);
			d[3] = hex[c >> 4];
			d[4] = hex[c & 15];
			d += 5;
		}
		p++;
	}
	*d++ = '"';
	*d = '\0';
	b->len = (size_t)(d - b->data);
	return 0;
}

static int dump_integer(struct buf *b, json_int_t v)
{
	char text[24], *p = text + sizeof(text);
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	return buf_add(b, p, (size_t)(text + sizeof(text) - p));
}

static int dump_real(struct buf *b, json_t *v, size_t flags)
{
	char text[128];
	size_t n = json_dumpb(v, text, sizeof(text),
			      JSON_ENCODE_ANY | JSON_COMPACT | (flags & JSON_REAL_PRECISION(31)));

	return n && n <= sizeof(text) ? buf_add(b, text, n) : -1;
}

struct key {
	const char *key;
	size_t len;
	json_t *value;
};

static int key_less(const struct key *a, const struct key *b)
{
	int c = memcmp(a->key, b->key, a->len < b->len ? a->len : b->len);

	return c ? c < 0 : a->len < b->len;
}

static void sort_keys(struct key *k, size_t n)
{
	size_t i, j;

	for (i = 1; i < n; i++) {
		struct key x = k[i];
		for (j = i; j > 0 && key_less(&x, &k[j - 1]); j--)
			k[j] = k[j - 1];
		k[j] = x;
	}
}

static int dump_member(struct buf *b, const struct key *k, int first, size_t flags, int depth)
{
	if ((!first && put_char(b, ',')) || dump_string(b, k->key, k->len) || put_char(b, ':'))
		return -1;
	return dump_value(b, k->value, flags, depth);
}

static int dump_object(struct buf *b, json_t *o, size_t flags, int depth)
{
	struct key local[SORT_LOCAL], *keys = local, k;
	size_t n = json_object_size(o), i = 0;
	void *it;
	int rc = 0;

	if (put_char(b, '{'))
		return -1;
	if ((flags & JSON_SORT_KEYS) && n > SORT_LOCAL)
		keys = xmalloc(n * sizeof(*keys));
	for (it = json_object_iter(o); it && !rc; it = json_object_iter_next(o, it)) {
		k.key = json_object_iter_key(it);
		k.len = json_object_iter_key_len(it);
		k.value = json_object_iter_value(it);
		if (flags & JSON_SORT_KEYS)
			keys[i] = k;
		else
			rc = dump_member(b, &k, i == 0, flags, depth);
		i++;
	}
	if (flags & JSON_SORT_KEYS) {
		sort_keys(keys, i);
		for (n = i, i = 0; i < n && !rc; i++)
			rc = dump_member(b, &keys[i], i == 0, flags, depth);
	}
	if (keys != local)
		xfree(keys);
	return rc ? rc : put_char(b, '}');
}

static int dump_array(struct buf *b, json_t *a, size_t flags, int depth)
{
	size_t n = json_array_size(a), i;

	if (put_char(b, '['))
		return -1;
	for (i = 0; i < n; i++)
		if ((i && put_char(b, ',')) || dump_value(b, json_array_get(a, i), flags, depth))
			return -1;
	return put_char(b, ']');
}

static int dump_value(struct buf *b, json_t *v, size_t flags, int depth)
{
	if (depth > DUMP_MAX_DEPTH)
		return -1;
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return dump_object(b, v, flags, depth + 1);
	case JSON_ARRAY:
		return dump_array(b, v, flags, depth + 1);
	case JSON_STRING:
		return dump_string(b, json_string_value(v), json_string_length(v));
	case JSON_INTEGER:
		return dump_integer(b, json_integer_value(v));
	case JSON_REAL:
		return dump_real(b, v, flags);
	case JSON_TRUE:
		return buf_add(b, "true", 4);
	case JSON_FALSE:
		return buf_add(b, "false", 5);
	case JSON_NULL:
		return buf_add(b, "null", 4);
	default:
		return -1;
	}
}

int ndjson_dump(json_t *v, struct buf *out, int sort_keys)
{
	return ndjson_dumpf(v, out, sort_keys ? JSON_SORT_KEYS : 0);
}

int ndjson_dumpf(json_t *v, struct buf *out, size_t flags)
{
	return v && !dump_value(out, v, flags & (JSON_SORT_KEYS | JSON_REAL_PRECISION(31)), 0) ? 0 : -1;
}

char *ndjson_dumps(json_t *v, size_t flags)
{
	struct buf out = BUF_INIT;

	/* A top-level scalar goes to jansson, which refuses it without JSON_ENCODE_ANY. */
	if ((flags & JSON_COMPACT) && !(flags & ~(size_t)(JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(31))) &&
	    (json_is_object(v) || json_is_array(v)) && !ndjson_dumpf(v, &out, flags))
		return buf_detach(&out);
	buf_release(&out);
	return json_dumps(v, flags);
}

int ndjson_dump_str(struct buf *out, const char *s)
{
	return s ? dump_string(out, s, strlen(s)) : buf_add(out, "null", 4);
}

/* ---- a dump with its spans, replayed with sorted keys ---- */

static long span_new(struct ndjson_spans *s, size_t start, char type)
{
	struct ndjson_span *n;

	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->v = xrealloc(s->v, s->cap * sizeof(*s->v));
	}
	n = &s->v[s->n];
	memset(n, 0, sizeof(*n));
	n->start = start;
	n->first = n->next = -1;
	n->type = type;
	return (long)s->n++;
}

/* Dumps v as dump_value() does, noting spans; the node's index, or -1. */
static long dump_spans(struct buf *b, json_t *v, struct ndjson_spans *s, int depth)
{
	int obj = json_is_object(v);
	long me, prev = -1, child;
	size_t i = 0, ks, n;
	void *it;

	if (depth > DUMP_MAX_DEPTH)
		return -1;
	if (!obj && !json_is_array(v)) {
		me = span_new(s, b->len, 's');
		if (dump_value(b, v, 0, depth))
			return -1;
		s->v[me].end = b->len;
		return me;
	}
	me = span_new(s, b->len, obj ? 'o' : 'a');
	if (put_char(b, obj ? '{' : '['))
		return -1;
	if (obj) {
		for (it = json_object_iter(v); it; it = json_object_iter_next(v, it), i++) {
			const char *key = json_object_iter_key(it);
			size_t key_len = json_object_iter_key_len(it);
			ks = b->len + (i ? 1 : 0);
			if ((i && put_char(b, ',')) || dump_string(b, key, key_len) || put_char(b, ':') ||
			    (child = dump_spans(b, json_object_iter_value(it), s, depth + 1)) < 0)
				return -1;
			s->v[child].key_start = ks;
			s->v[child].key = key;
			s->v[child].key_len = key_len;
			*(prev < 0 ? &s->v[me].first : &s->v[prev].next) = child;
			prev = child;
		}
	} else {
		for (n = json_array_size(v); i < n; i++) {
			if ((i && put_char(b, ',')) || (child = dump_spans(b, json_array_get(v, i), s, depth + 1)) < 0)
				return -1;
			*(prev < 0 ? &s->v[me].first : &s->v[prev].next) = child;
			prev = child;
		}
	}
	if (put_char(b, obj ? '}' : ']'))
		return -1;
	s->v[me].end = b->len;
	return me;
}

int ndjson_dump_spans(json_t *v, struct buf *out, struct ndjson_spans *spans)
{
	spans->n = 0;
	return v && dump_spans(out, v, spans, 0) >= 0 ? 0 : -1;
}

static int span_less(const struct ndjson_span *a, const struct ndjson_span *b)
{
	int c = memcmp(a->key, b->key, a->key_len < b->key_len ? a->key_len : b->key_len);

	return c ? c < 0 : a->key_len < b->key_len;
}

static int replay(const char *text, const struct ndjson_spans *s, long i, int (*cb)(const char *p, size_t n, void *ud),
		  void *ud)
{
	const struct ndjson_span *n = &s->v[i];
	long local[SORT_LOCAL], *kids = local, c;
	size_t k = 0, j, count = 0;
	int rc = 0;

	if (n->type == 's')
		return cb(text + n->start, n->end - n->start, ud);
	if (n->type == 'a') {
		if (cb("[", 1, ud))
			return -1;
		for (c = n->first; c >= 0 && !rc; c = s->v[c].next, k++)
			rc = (k && cb(",", 1, ud)) || replay(text, s, c, cb, ud);
		return rc ? rc : cb("]", 1, ud);
	}
	for (c = n->first; c >= 0; c = s->v[c].next)
		count++;
	if (count > SORT_LOCAL)
		kids = xmalloc(count * sizeof(*kids));
	for (c = n->first; c >= 0; c = s->v[c].next) {
		for (j = k++; j > 0 && span_less(&s->v[c], &s->v[kids[j - 1]]); j--)
			kids[j] = kids[j - 1];
		kids[j] = c;
	}
	rc = cb("{", 1, ud);
	for (j = 0; j < count && !rc; j++) {
		const struct ndjson_span *m = &s->v[kids[j]];
		rc = (j && cb(",", 1, ud)) || cb(text + m->key_start, m->start - m->key_start, ud) ||
		     replay(text, s, kids[j], cb, ud);
	}
	if (kids != local)
		xfree(kids);
	return rc ? rc : cb("}", 1, ud);
}

int ndjson_replay_sorted(const char *text, const struct ndjson_spans *spans,
			 int (*cb)(const char *p, size_t n, void *ud), void *ud)
{
	return spans->n ? replay(text, spans, 0, cb, ud) : -1;
}

void ndjson_spans_release(struct ndjson_spans *spans)
{
	xfree(spans->v);
	spans->v = NULL;
	spans->n = spans->cap = 0;
}

const char *jstr(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

const char *jstr_or(const json_t *obj, const char *key, const char *fallback)
{
	const char *s = jstr(obj, key);

	return s ? s : fallback;
}

int jstr_is(const json_t *obj, const char *key, const char *value)
{
	const char *s = jstr(obj, key);

	return s && !strcmp(s, value);
}

int jstr_in(const json_t *array, const char *s)
{
	const char *v;
	size_t i;

	for (i = 0; s && i < json_array_size(array); i++)
		if ((v = json_string_value(json_array_get(array, i))) && !strcmp(v, s))
			return 1;
	return 0;
}
