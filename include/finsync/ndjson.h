/*
 * ndjson.h - JSON text <-> jansson values, fast, for the staging lines and
 * the content hash.
 *
 * jansson's reader takes every byte through a stream callback and its
 * writer guards every container against cycles with a hash table; on
 * 850-byte CRM records that was ~21 µs to read and ~12 µs to write a
 * record, most of a stage's time (BENCH.md).  These two do the common case
 * directly and give exactly what jansson gives:
 *
 * ndjson_parse() returns what json_loadb(p, n, flags, err) returns.  It
 * builds the values itself when the text is plain (which finsync's own
 * files always are) and hands anything else to json_loadb: an error (so the
 * message and its column are jansson's), "\u0000", a number jansson would
 * refuse, deep nesting, flags other than JSON_ALLOW_NUL and
 * JSON_REJECT_DUPLICATES (a repeated key, among the keys it builds, is
 * left to jansson, which refuses it).
 *
 * ndjson_dump() appends to out the bytes json_dump_callback() writes with
 * JSON_COMPACT (and JSON_SORT_KEYS when sort_keys), for an object or an
 * array; 0, or -1 for what it leaves to jansson (a string that is not
 * UTF-8, nesting deeper than 256, a buffer past its cap): the caller then
 * dumps with jansson, which may fail as well.  out keeps what was appended
 * before the failure; reset it to retry.
 */
#ifndef FINSYNC_NDJSON_H
#define FINSYNC_NDJSON_H
#include <jansson.h>
#include <stddef.h>
#include "finsync/buf.h"

json_t *ndjson_parse(const char *p, size_t n, size_t flags, json_error_t *err);

/*
 * The same, building of a top-level object only the keys in keep (NULL:
 * all): the other values are read and checked but never made, which saves
 * most of the parse for the fields a stage does not use.  Where it leaves the
 * text to json_loadb, the value has every key (a superset).
 */
struct ndjson_keys;
/* The set of the strings in names (an array); NULL (keep all) for more than 64. */
struct ndjson_keys *ndjson_keys_new(json_t *names);
void ndjson_keys_free(struct ndjson_keys *keys); /* NULL-safe */
json_t *ndjson_parse_keys(const char *p, size_t n, size_t flags, json_error_t *err, const struct ndjson_keys *keep);
int ndjson_dump(json_t *v, struct buf *out, int sort_keys);
/* The same with json_dumps()'s JSON_SORT_KEYS and JSON_REAL_PRECISION(n) flags (others ignored: compact). */
int ndjson_dumpf(json_t *v, struct buf *out, size_t flags);
/*
 * What json_dumps(v, flags) returns (free it with xfree): written here for
 * JSON_COMPACT with JSON_SORT_KEYS and JSON_REAL_PRECISION(n); jansson does
 * other flags and the rare rest.
 */
char *ndjson_dumps(json_t *v, size_t flags);
/* Appends s as jansson writes json_string(s), or null for NULL; -1 as above. */
int ndjson_dump_str(struct buf *out, const char *s);

/*
 * ndjson_dump(v, out, 0) that also notes where each value and each
 * object member's "key": lies in out, so that ndjson_replay_sorted() can
 * give the text of the JSON_SORT_KEYS dump piece by piece, without
 * encoding a string again (the content hash is of that text, the staged
 * line holds the other).  spans is reused from call to call.
 */
struct ndjson_span {
	size_t key_start;  /* an object member: where its "key": starts (it ends at start) */
	size_t start, end; /* the value's bytes */
	const char *key;   /* an object member's key and length, for sorting */
	size_t key_len;
	long first, next; /* first child, next sibling: indexes, -1 for none */
	char type;        /* 'o' object, 'a' array, 's' any other */
};

struct ndjson_spans {
	struct ndjson_span *v;
	size_t n, cap;
};

/* clang-format off */
#define NDJSON_SPANS_INIT { NULL, 0, 0 }
/* clang-format on */

int ndjson_dump_spans(json_t *v, struct buf *out, struct ndjson_spans *spans);
/* Calls cb with the pieces of the sorted-keys text of what out holds from text; cb's non-zero stops it. */
int ndjson_replay_sorted(const char *text, const struct ndjson_spans *spans,
			 int (*cb)(const char *p, size_t n, void *ud), void *ud);
void ndjson_spans_release(struct ndjson_spans *spans);

/* The string value of obj's key (borrowed, as obj's); NULL when obj is no
 * object, has no such key or its value is no string. */
const char *jstr(const json_t *obj, const char *key);
/* The same, or fallback where jstr() is NULL. */
const char *jstr_or(const json_t *obj, const char *key, const char *fallback);
/* Whether obj's key is the string value: 0 when it is missing or not a string. */
int jstr_is(const json_t *obj, const char *key, const char *value);
/* 1 when array holds the string s, 0 when not (or s is NULL). */
int jstr_in(const json_t *array, const char *s);

#endif
