/*
 * fuzz_json.c - differential fuzzing of the JSON codec (src/util/ndjson.c)
 * against jansson, which it must equal: the same accept or reject, the same
 * error, the same values with keys in the same order, and for what is
 * accepted the same written bytes as json_dumps() (compact, sorted or not,
 * any real precision), through ndjson_dumps(), ndjson_dump_spans() and its
 * sorted replay.  A top-level scalar (read with JSON_DECODE_ANY) must be
 * refused by ndjson_dumps() as json_dumps() refuses it.
 *
 * Byte 0 picks the flags: bit 0 JSON_ALLOW_NUL, bit 1 JSON_REJECT_DUPLICATES,
 * bit 2 a keep set ("id", "Name"), bits 3-6 the real precision (0: default).
 */
#include <jansson.h>
#include "finsync/buf.h"
#include "finsync/ndjson.h"
#include "fuzz.h"

static void differ(const char *what, const uint8_t *data, size_t size)
{
	fprintf(stderr, "ndjson and jansson differ (%s) on %zu bytes: '%.*s'\n", what, size, (int)size,
		(const char *)data);
	abort();
}

/* got is full, or full cut to the kept keys (or any superset of that cut: jansson's whole value). */
static int same_kept(json_t *full, json_t *got, const struct ndjson_keys *keep, json_t *names)
{
	const char *key;
	json_t *v, *name;
	size_t i;

	if (!keep || !json_is_object(full))
		return json_equal(full, got);
	json_object_foreach(got, key, v)
		if (!json_equal(v, json_object_get(full, key)))
			return 0;
	json_array_foreach(names, i, name) {
		key = json_string_value(name);
		if (json_object_get(full, key) && !json_object_get(got, key))
			return 0;
	}
	return 1;
}

static int collect(const char *p, size_t n, void *ud)
{
	return buf_add(ud, p, n);
}

static void check_dump(json_t *v, size_t flags, const uint8_t *data, size_t size)
{
	char *want = json_dumps(v, flags), *got = ndjson_dumps(v, flags);

	if ((!want) != (!got) || (want && strcmp(want, got)))
		differ("ndjson_dumps", data, size);
	free(want);
	xfree(got);
}

static void check_spans(json_t *v, const uint8_t *data, size_t size)
{
	struct buf text = BUF_INIT, sorted = BUF_INIT;
	struct ndjson_spans spans = NDJSON_SPANS_INIT;
	char *want = json_dumps(v, JSON_COMPACT);
	char *want_sorted = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
	int rc = ndjson_dump_spans(v, &text, &spans);

	if (!rc)
		rc = ndjson_replay_sorted(text.data, &spans, collect, &sorted);
	/* -1 leaves the value to jansson (nesting past 256, a string that is not UTF-8): allowed. */
	if (want && !rc && (strcmp(want, buf_str(&text)) || strcmp(want_sorted, buf_str(&sorted))))
		differ("ndjson_dump_spans", data, size);
	free(want);
	free(want_sorted);
	buf_release(&text);
	buf_release(&sorted);
	ndjson_spans_release(&spans);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static json_t *names;
	static struct ndjson_keys *keep_set;
	const char *text = (const char *)data + 1;
	size_t n = size ? size - 1 : 0, flags, precision;
	const struct ndjson_keys *keep;
	json_error_t e1, e2;
	json_t *want, *got, *any;

	if (!size)
		return 0;
	if (!names) {
		names = json_pack("[s,s]", "id", "Name");
		keep_set = ndjson_keys_new(names);
	}
	flags = (data[0] & 1 ? JSON_ALLOW_NUL : 0) | (data[0] & 2 ? JSON_REJECT_DUPLICATES : 0);
	keep = data[0] & 4 ? keep_set : NULL;
	precision = (data[0] >> 3) & 15;
	want = json_loadb(text, n, flags, &e1);
	got = ndjson_parse_keys(text, n, flags, &e2, keep);
	if ((!want) != (!got))
		differ(want ? "ndjson rejects" : "ndjson accepts", data, size);
	if (!want && (strcmp(e1.text, e2.text) || e1.line != e2.line || e1.column != e2.column))
		differ("error text or place", data, size);
	if (want && !same_kept(want, got, keep, names))
		differ("value", data, size);
	if (want && !keep) {
		char *a = json_dumps(want, JSON_COMPACT), *b = json_dumps(got, JSON_COMPACT);
		if (strcmp(a, b))
			differ("key order", data, size);
		free(a);
		free(b);
	}
	if (want) {
		size_t real = precision ? JSON_REAL_PRECISION(precision) : 0;
		check_dump(want, JSON_COMPACT | real, data, size);
		check_dump(want, JSON_COMPACT | JSON_SORT_KEYS | real, data, size);
		check_spans(want, data, size);
	}
	/* A top-level scalar: refused by both writers without JSON_ENCODE_ANY, the same text with it. */
	if ((any = json_loadb(text, n, flags | JSON_DECODE_ANY, NULL)) && !json_is_object(any) && !json_is_array(any)) {
		check_dump(any, JSON_COMPACT, data, size);
		check_dump(any, JSON_COMPACT | JSON_ENCODE_ANY, data, size);
	}
	json_decref(any);
	json_decref(want);
	json_decref(got);
	return 0;
}
