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
 * refuse, deep nesting, flags other than JSON_ALLOW_NUL.
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
int ndjson_dump(json_t *v, struct buf *out, int sort_keys);

#endif
