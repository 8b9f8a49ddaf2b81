/*
 * test_hash.c - the content hash (src/xform/hash.c): FNV-1a 64 of the
 * compact sorted-keys text (the value a ledger link keeps, so it must not
 * move between versions), blind to key order, the same from the staged
 * line's spans, and a customer with persons hashed whole and without them.
 */
#include <string.h>
#include <jansson.h>
#include "finsync/buf.h"
#include "finsync/ndjson.h"
#include "../../src/xform/xform.h"
#include "unit.h"

static void hash_of(const char *text, char out[CONTENT_HASH_LEN])
{
	json_t *v = json_loads(text, 0, NULL);

	content_hash(v, out);
	json_decref(v);
}

/* The figures are FNV-1a 64 of the sorted text, worked out apart from finsync. */
static void test_hash__known_values_and_key_order(void)
{
	char a[CONTENT_HASH_LEN], b[CONTENT_HASH_LEN];

	hash_of("{}", a);
	CHECK_STREQ(a, "08f44b07b5901a25");
	hash_of("{\"b\": 1, \"a\": \"x\"}", a);
	hash_of("{\"a\":\"x\",\"b\":1}", b);
	CHECK_STREQ(a, "1fc46df94e7ae50d");
	CHECK_STREQ(b, a);
	hash_of("{\"a\":\"x\",\"b\":2}", b);
	CHECK(strcmp(a, b) != 0);
}

static void test_hash__spans_give_the_same(void)
{
	static const char *const texts[] = {
		"{\"z\":1,\"a\":{\"y\":[1,2,{\"k\":\"v\",\"b\":null}],\"c\":\"\\u00e9\\n\"},\"m\":true}",
		"{\"contact_name\":\"Acme\",\"custom_fields\":[{\"api_name\":\"cf_x\",\"value\":1.5}]}",
		"{}",
	};
	struct buf text = BUF_INIT;
	struct ndjson_spans spans = NDJSON_SPANS_INIT;
	size_t i;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		json_t *v = json_loads(texts[i], 0, NULL);
		char whole[CONTENT_HASH_LEN], spanned[CONTENT_HASH_LEN];

		content_hash(v, whole);
		buf_reset(&text);
		CHECK(ndjson_dump_spans(v, &text, &spans) == 0);
		content_hash_spans(text.data, &spans, spanned);
		CHECK_STREQ(spanned, whole);
		json_decref(v);
	}
	buf_release(&text);
	ndjson_spans_release(&spans);
}

static void test_hash__record_hash_with_persons(void)
{
	json_t *v = json_loads("{\"contact_name\":\"Acme\",\"contact_persons\":[{\"email\":\"a@b\"}]}", 0, NULL);
	json_t *plain = json_loads("{\"contact_name\":\"Acme\"}", 0, NULL);
	char whole[CONTENT_HASH_LEN], rec[RECORD_HASH_LEN];

	content_hash(v, whole);
	CHECK_STREQ(whole, "f41275018308e9ab");
	record_hash(v, whole, rec);
	CHECK_STREQ(rec, "f41275018308e9ab-1f9804a36b2aabb7"); /* the body: {"contact_name":"Acme"} */
	CHECK_STREQ(record_hash_body(rec), "1f9804a36b2aabb7");
	CHECK(json_object_get(v, "contact_persons") != NULL); /* the payload is left as it was */
	content_hash(plain, whole);
	record_hash(plain, whole, rec);
	CHECK_STREQ(rec, "1f9804a36b2aabb7");
	CHECK(record_hash_body(rec) == NULL);
	CHECK(record_hash_body(NULL) == NULL);
	record_hash(v, "", rec); /* no hash: nothing added */
	CHECK_STREQ(rec, "");
	json_decref(v);
	json_decref(plain);
}

static const struct unit_test hash_tests[] = {
	UNIT(test_hash__known_values_and_key_order),
	UNIT(test_hash__spans_give_the_same),
	UNIT(test_hash__record_hash_with_persons),
	{ 0 },
};
UNIT_SUITE(hash_tests)
