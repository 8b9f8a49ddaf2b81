/*
 * test_ndjson.c - ndjson_parse() and ndjson_dump() give exactly what
 * jansson gives: the same values (keys in the same order) or the same error,
 * and the same bytes, sorted or not.  Hand-picked edge cases, then random
 * texts and random mutations of them.
 */
#include <stdlib.h>
#include "finsync/alloc.h"
#include "finsync/ndjson.h"
#include "unit.h"

/* The compact dump, keys in insertion order (NULL for NULL). */
static char *text_of(json_t *v)
{
	return v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
}

static int same_parse(const char *s, size_t n, size_t flags)
{
	json_error_t e1, e2;
	json_t *a = json_loadb(s, n, flags, &e1);
	json_t *b = ndjson_parse(s, n, flags, &e2);
	char *ta = text_of(a), *tb = text_of(b);
	int same = (!a && !b && !strcmp(e1.text, e2.text) && e1.column == e2.column) ||
		   (a && b && json_equal(a, b) && !strcmp(ta, tb));

	if (!same)
		fprintf(stderr, "parse differs on '%.*s': jansson %s / ndjson %s\n", (int)n, s, ta ? ta : e1.text,
			tb ? tb : e2.text);
	free(ta);
	free(tb);
	json_decref(a);
	json_decref(b);
	return same;
}

static int collect(const char *p, size_t n, void *ud)
{
	return buf_add(ud, p, n);
}

/* ndjson_dump_spans() writes the unsorted text, and its replay the sorted one. */
static int same_spans(json_t *v)
{
	struct buf text = BUF_INIT, sorted = BUF_INIT;
	struct ndjson_spans spans = NDJSON_SPANS_INIT;
	char *want = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	char *want_sorted = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	int rc = ndjson_dump_spans(v, &text, &spans);
	int same;

	if (!rc)
		rc = ndjson_replay_sorted(text.data, &spans, collect, &sorted);
	same = want ? !rc && !strcmp(want, buf_str(&text)) && !strcmp(want_sorted, buf_str(&sorted)) : rc != 0;
	if (!same)
		fprintf(stderr, "spans differ: jansson '%s' / '%s', ndjson '%s' / '%s'\n", want ? want : "(fails)",
			want_sorted ? want_sorted : "(fails)", buf_str(&text), buf_str(&sorted));
	free(want);
	free(want_sorted);
	buf_release(&text);
	buf_release(&sorted);
	ndjson_spans_release(&spans);
	return same;
}

static int same_dump(json_t *v, size_t flags)
{
	struct buf b = BUF_INIT;
	char *want = json_dumps(v, flags | JSON_ENCODE_ANY);
	int rc = flags & JSON_REAL_PRECISION(31)
			 ? ndjson_dumpf(v, &b, flags)
			 : ndjson_dump(v, &b, (flags & JSON_SORT_KEYS) != 0);
	int same = want ? !rc && !strcmp(want, buf_str(&b)) && b.len == strlen(want) : rc != 0;

	if (!same)
		fprintf(stderr, "dump differs: jansson '%s' / ndjson '%s'\n", want ? want : "(fails)",
			rc ? "(fails)" : buf_str(&b));
	free(want);
	buf_release(&b);
	return same;
}

#define PARSE(s) CHECK(same_parse(s, sizeof(s) - 1, JSON_ALLOW_NUL) && same_parse(s, sizeof(s) - 1, 0))

static void test_ndjson__parse_edges(void)
{
	PARSE("{}");
	PARSE("[]");
	PARSE(" \t\r\n{ \"a\" : 1 , \"b\":[ 1 ,2.5e3,-0, -0.0,1E-2 ] } \n");
	PARSE("{\"a\":1,\"a\":2,\"b\":3}"); /* later duplicate wins in place */
	PARSE("{\"s\":\"caf\xc3\xa9 \xe6\xa0\xaa \xf0\x9f\x98\x80\"}");
	PARSE("{\"s\":\"q\\\"b\\\\s\\/\\b\\f\\n\\r\\t\"}");
	PARSE("{\"s\":\"\\u00e9\\u00C9\\u20ac\\ud83d\\ude00\"}");
	PARSE("{\"s\":\"\\u0000x\"}"); /* allowed only with JSON_ALLOW_NUL */
	PARSE("{\"a\\u0000b\":1}");
	PARSE("{\"k\\u00e9y\":\"v\",\"x\":\"\\n\"}");
	PARSE("{\"s\":\"\\ud800\"}");
	PARSE("{\"s\":\"\\udc00\"}");
	PARSE("{\"s\":\"\\ud800\\u0041\"}");
	PARSE("{\"s\":\"\\x\"}");
	PARSE("{\"s\":\"\\u12\"}");
	PARSE("{\"s\":\"a\nb\"}");
	PARSE("{\"s\":\"\x01\"}");
	PARSE("{\"s\":\"\xc0\xaf\"}");         /* overlong */
	PARSE("{\"s\":\"\xed\xa0\x80\"}");     /* surrogate as UTF-8 */
	PARSE("{\"s\":\"\xf4\x90\x80\x80\"}"); /* past U+10FFFF */
	PARSE("{\"s\":\"\xe6\xa0\"}");
	PARSE("{\"n\":01}");
	PARSE("{\"n\":1.}");
	PARSE("{\"n\":.5}");
	PARSE("{\"n\":-}");
	PARSE("{\"n\":1e}");
	PARSE("{\"n\":1e+}");
	PARSE("{\"n\":+1}");
	PARSE("{\"n\":9223372036854775807,\"m\":-9223372036854775808}");
	PARSE("{\"n\":9223372036854775808}");
	PARSE("{\"n\":-9223372036854775809}");
	PARSE("{\"n\":1e400}");
	PARSE("{\"n\":-1e400}");
	PARSE("{\"n\":1e-400}");
	PARSE("{\"n\":0.1,\"m\":19.99,\"k\":12.50}");
	PARSE("{\"t\":true,\"f\":false,\"z\":null}");
	PARSE("{\"t\":truex}");
	PARSE("{\"t\":tru}");
	PARSE("{\"t\":nul}");
	PARSE("{\"a\":1,}");
	PARSE("{\"a\":1 \"b\":2}");
	PARSE("{\"a\" 1}");
	PARSE("{a:1}");
	PARSE("[1,]");
	PARSE("[1 2]");
	PARSE("{\"a\":1}x");
	PARSE("{\"a\":1}{}");
	PARSE("\"str\"");
	PARSE("1");
	PARSE("");
	PARSE("   ");
	PARSE("{\"a\":{\"b\":{\"c\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}}}");
	CHECK(same_parse("{\"a\":\"b\0c\"}", 12, JSON_ALLOW_NUL));
	CHECK(same_parse("{\"a\":1}\0", 8, 0));
	CHECK(same_parse("{\"a\":1}", 7, JSON_DECODE_ANY | JSON_ALLOW_NUL));
	CHECK(same_parse("{\"a\":1}", 7, JSON_REJECT_DUPLICATES));
	CHECK(same_parse("{\"a\":1,\"b\":{\"a\":2}}", 19, JSON_REJECT_DUPLICATES));
	CHECK(same_parse("{\"a\":1,\"b\":2,\"a\":3}", 19, JSON_REJECT_DUPLICATES));
	CHECK(same_parse("[{\"x\":{\"y\":1,\"y\":1}}]", 21, JSON_REJECT_DUPLICATES));
}

static void test_ndjson__dump_edges(void)
{
	json_t *v = json_loads("{\"z\":1,\"a\":[true,false,null,-0,-9223372036854775808,9223372036854775807],"
			       "\"ab\":{\"y\":\"\\u0001\\u001f\\u007f\\\"\\\\/\\b\\f\\n\\r\\t\",\"b\":1.5,\"a\":19.99},"
			       "\"a\\u00e9\":\"caf\\u00e9 \\ud83d\\ude00\",\"\":{},\"e\":[],\"r\":1e300,\"s\":-0.0}",
			       0, NULL);
	json_t *bad = json_array();

	CHECK(v != NULL);
	CHECK(same_dump(v, JSON_COMPACT));
	CHECK(same_dump(v, JSON_COMPACT | JSON_SORT_KEYS));
	CHECK(same_dump(v, JSON_COMPACT | JSON_REAL_PRECISION(15)));
	CHECK(same_dump(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(3)));
	CHECK(same_spans(v));
	json_array_append_new(bad, json_stringn_nocheck("\xff", 1)); /* not UTF-8: both refuse */
	CHECK(same_dump(bad, JSON_COMPACT));
	CHECK(same_spans(bad));
	{ /* more keys than are sorted on the stack, nested */
		json_t *big = json_object(), *inner = json_object();
		char key[16];
		int i;
		for (i = 40; i > 0; i--) {
			snprintf(key, sizeof(key), "k%02d", i);
			json_object_set_new(big, key, json_integer(i));
			json_object_set_new(inner, key + 1, json_string(key));
		}
		json_object_set_new(big, "inner", json_pack("[o,{}]", inner));
		CHECK(same_dump(big, JSON_COMPACT | JSON_SORT_KEYS));
		CHECK(same_spans(big));
		json_decref(big);
	}
	json_decref(v);
	v = json_integer(5);
	CHECK(same_dump(v, JSON_COMPACT));
	json_decref(v);
	json_decref(bad);
}

/* Every special byte at every place of a long string (the 8-byte fast path). */
static void test_ndjson__dump_long_strings(void)
{
	static const char special[] = { '"', '\\', '\n', '\x01', '\x1f', ' ', '\x7f', '/' };
	char s[40];
	size_t i, k;

	for (k = 0; k < sizeof(special); k++) {
		for (i = 0; i < 24; i++) {
			json_t *v = json_array();
			memset(s, 'a' + (int)(i % 26), sizeof(s));
			s[i] = special[k];
			s[i + 9] = (char)0xc3; /* é across word boundaries */
			s[i + 10] = (char)0xa9;
			json_array_append_new(v, json_stringn(s, sizeof(s)));
			CHECK(same_dump(v, JSON_COMPACT));
			json_decref(v);
		}
	}
}

/* ---- random texts ---- */

static unsigned long rnd_state = 12345;

static unsigned rnd(unsigned n)
{
	rnd_state = rnd_state * 6364136223846793005UL + 1442695040888963407UL;
	return (unsigned)((rnd_state >> 33) % n);
}

static void gen_string(struct buf *b)
{
	static const char *const parts[] = {
		"a",
		"Z",
		" ",
		"\\\"",
		"\\\\",
		"\\/",
		"\\n",
		"\\t",
		"\\u00e9",
		"\\u0041",
		"\\ud83d\\ude00",
		"\xc3\xa9",
		"\xe6\xa0\xaa",
		"\xf0\x9f\x98\x80",
		"\\u0000",
		"\x7f",
		"/",
		"key",
	};
	int i, n = (int)rnd(6);

	buf_addc(b, '"');
	for (i = 0; i < n; i++)
		buf_adds(b, parts[rnd(sizeof(parts) / sizeof(parts[0]))]);
	buf_addc(b, '"');
}

static void gen_value(struct buf *b, int depth)
{
	static const char *const scalars[] = {
		"0", "-0", "1", "-17", "123456789012", "0.5", "-2.25e-3", "1E5", "19.99", "true", "false", "null",
	};
	int i, n;

	switch (depth > 3 ? 3 + rnd(2) : rnd(5)) {
	case 0:
		n = (int)rnd(5);
		buf_addc(b, '{');
		for (i = 0; i < n; i++) {
			if (i)
				buf_adds(b, rnd(8) ? "," : " , ");
			gen_string(b);
			buf_adds(b, rnd(8) ? ":" : " :\t");
			gen_value(b, depth + 1);
		}
		buf_addc(b, '}');
		break;
	case 1:
		n = (int)rnd(4);
		buf_addc(b, '[');
		for (i = 0; i < n; i++) {
			if (i)
				buf_addc(b, ',');
			gen_value(b, depth + 1);
		}
		buf_addc(b, ']');
		break;
	case 2:
	case 3:
		gen_string(b);
		break;
	default:
		buf_adds(b, scalars[rnd(sizeof(scalars) / sizeof(scalars[0]))]);
	}
}

/* ndjson_parse_keys() gives jansson's value less the other top-level keys, or the whole of it. */
static int same_keys(const char *s, size_t n, const struct ndjson_keys *keep, json_t *names)
{
	json_t *full = json_loadb(s, n, JSON_ALLOW_NUL, NULL);
	json_t *got = ndjson_parse_keys(s, n, JSON_ALLOW_NUL, NULL, keep), *cut, *v;
	const char *key;
	void *tmp;
	int same;

	if (!full || !got) {
		same = !full && !got;
	} else if (json_equal(full, got)) {
		same = 1;
	} else {
		cut = json_deep_copy(full);
		json_object_foreach_safe(cut, tmp, key, v) {
			size_t i;
			json_t *name;
			int kept = 0;
			json_array_foreach(names, i, name)
				kept |= !strcmp(json_string_value(name), key);
			if (!kept)
				json_object_del(cut, key);
		}
		same = json_equal(cut, got);
		json_decref(cut);
	}
	if (!same)
		fprintf(stderr, "parse_keys differs on '%.*s'\n", (int)n, s);
	json_decref(full);
	json_decref(got);
	return same;
}

static void test_ndjson__parse_keys(void)
{
	json_t *names = json_pack("[s,s,s]", "id", "Name", "key");
	struct ndjson_keys *keep = ndjson_keys_new(names);
	static const char *const texts[] = {
		"{\"id\":\"1\",\"Owner\":{\"name\":\"A\",\"id\":\"2\"},\"Name\":\"x\",\"N\":12.5}",
		"{\"Skip\":[1,{\"a\":[true,false,null]},\"\\u00e9\"],\"key\":{\"Skip\":1}}",
		"{\"Skip\":99999999999999999999,\"id\":1}", /* jansson refuses the skipped number */
		"{\"Skip\":\"\x01\",\"id\":1}",             /* a control character where skipped */
		"{\"Skip\":{\"a\" 1},\"id\":1}",
		"{\"Skip\":[1,],\"id\":1}",
		"{\"Skip\":tru,\"id\":1}",
		"{\"Skip\":\"\\u0000\",\"id\":1}",
		"{\"id\":1,\"id\":2,\"Skip\":3}",
		"[{\"Skip\":1}]",
	};
	size_t i;

	CHECK(keep != NULL);
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		CHECK(same_keys(texts[i], strlen(texts[i]), keep, names));
	ndjson_keys_free(keep);
	json_decref(names);
}

/* A top-level scalar: json_dumps refuses it without JSON_ENCODE_ANY, and so does ndjson_dumps. */
static void test_ndjson__dumps_scalar_refused(void)
{
	json_t *values[] = { json_real(0.0), json_string("x"), json_integer(7), json_true(), json_null() };
	size_t i;

	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		char *want = json_dumps(values[i], JSON_COMPACT | JSON_ENCODE_ANY);
		char *got = ndjson_dumps(values[i], JSON_COMPACT);
		CHECK(got == NULL);
		xfree(got);
		got = ndjson_dumps(values[i], JSON_COMPACT | JSON_ENCODE_ANY);
		CHECK(got && want && !strcmp(got, want));
		xfree(got);
		free(want);
		json_decref(values[i]);
	}
}

/* Under JSON_REJECT_DUPLICATES a key repeated among the skipped ones is refused, as json_loadb does. */
static void test_ndjson__parse_keys_skipped_duplicate(void)
{
	json_t *names = json_pack("[s]", "id");
	struct ndjson_keys *keep = ndjson_keys_new(names);
	static const char *const texts[] = {
		"{\"x\":1,\"x\":2,\"id\":\"1\"}",
		"{\"id\":\"1\",\"x\":{\"a\":1},\"x\":[]}",
		"{\"x\":{\"a\":1,\"a\":2},\"id\":\"1\"}",
	};
	json_error_t e1, e2;
	size_t i;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		json_t *want = json_loadb(texts[i], strlen(texts[i]), JSON_REJECT_DUPLICATES, &e1);
		json_t *got = ndjson_parse_keys(texts[i], strlen(texts[i]), JSON_REJECT_DUPLICATES, &e2, keep);
		CHECK(want == NULL && got == NULL);
		CHECK(!strcmp(e1.text, e2.text));
		json_decref(want);
		json_decref(got);
	}
	ndjson_keys_free(keep);
	json_decref(names);
}

static void test_ndjson__random(void)
{
	struct buf b = BUF_INIT;
	json_t *names = json_pack("[s,s]", "key", "a");
	struct ndjson_keys *keep = ndjson_keys_new(names);
	int i, bad = 0;

	for (i = 0; i < 20000 && bad < 5; i++) {
		json_t *v;
		buf_reset(&b);
		buf_addc(&b, '{');
		gen_string(&b);
		buf_addc(&b, ':');
		gen_value(&b, 0);
		buf_addc(&b, '}');
		/* Every other text gets a byte changed, dropped or doubled. */
		if (i % 2 && b.len > 2) {
			size_t at = rnd((unsigned)b.len);
			static const char junk[] = "\"\\{}[],:0-.eEtu\x01\x80\xc3 ";
			if (rnd(3) == 0)
				b.data[at] = junk[rnd(sizeof(junk) - 1)];
			else if (rnd(2))
				memmove(b.data + at, b.data + at + 1, b.len-- - at);
			else
				buf_addc(&b, b.data[at]);
		}
		if (!same_parse(b.data, b.len, JSON_ALLOW_NUL) || !same_parse(b.data, b.len, 0) ||
		    !same_parse(b.data, b.len, JSON_REJECT_DUPLICATES) || !same_keys(b.data, b.len, keep, names))
			bad++;
		if ((v = json_loadb(b.data, b.len, JSON_ALLOW_NUL, NULL))) {
			if (!same_dump(v, JSON_COMPACT) || !same_dump(v, JSON_COMPACT | JSON_SORT_KEYS) ||
			    !same_dump(v, JSON_COMPACT | JSON_REAL_PRECISION(15)) || !same_spans(v))
				bad++;
			json_decref(v);
		}
	}
	CHECK(bad == 0);
	ndjson_keys_free(keep);
	json_decref(names);
	buf_release(&b);
}

/* jstr(): a key's string, and NULL for a value of another type, a missing key or no object. */
static void test_ndjson__jstr(void)
{
	json_t *o = json_pack("{s:s, s:i, s:n}", "name", "Acme", "count", 3, "none");

	CHECK_STREQ(jstr(o, "name"), "Acme");
	CHECK(jstr(o, "count") == NULL);
	CHECK(jstr(o, "none") == NULL);
	CHECK(jstr(o, "missing") == NULL);
	CHECK(jstr(json_object_get(o, "count"), "name") == NULL);
	CHECK(jstr(NULL, "name") == NULL);
	CHECK_STREQ(jstr_or(o, "name", "-"), "Acme");
	CHECK_STREQ(jstr_or(o, "count", "-"), "-");
	CHECK(jstr_or(o, "missing", NULL) == NULL);
	json_decref(o);
}

/* jstr_is(): a staged line without "action" (or with a number there) is no action, never a crash. */
static void test_ndjson__jstr_is(void)
{
	json_t *o = json_pack("{s:s, s:i}", "action", "create", "count", 3);

	CHECK(jstr_is(o, "action", "create") == 1);
	CHECK(jstr_is(o, "action", "update") == 0);
	CHECK(jstr_is(o, "count", "3") == 0);
	CHECK(jstr_is(o, "missing", "create") == 0);
	CHECK(jstr_is(NULL, "action", "create") == 0);
	json_decref(o);
}

/* jstr_in(): a string among an array's strings; another type, NULL or no array holds none. */
static void test_ndjson__jstr_in(void)
{
	json_t *a = json_pack("[s, i, n, s]", "Deal_Name", 7, "Stage");

	CHECK(jstr_in(a, "Deal_Name") == 1);
	CHECK(jstr_in(a, "Stage") == 1);
	CHECK(jstr_in(a, "Amount") == 0);
	CHECK(jstr_in(a, "7") == 0);
	CHECK(jstr_in(a, NULL) == 0);
	CHECK(jstr_in(NULL, "Stage") == 0);
	json_decref(a);
}

static const struct unit_test ndjson_tests[] = {
	UNIT(test_ndjson__jstr),
	UNIT(test_ndjson__jstr_is),
	UNIT(test_ndjson__jstr_in),
	UNIT(test_ndjson__parse_edges),
	UNIT(test_ndjson__dump_edges),
	UNIT(test_ndjson__dump_long_strings),
	UNIT(test_ndjson__parse_keys),
	UNIT(test_ndjson__dumps_scalar_refused),
	UNIT(test_ndjson__parse_keys_skipped_duplicate),
	UNIT(test_ndjson__random),
	{ 0 },
};
UNIT_SUITE(ndjson_tests)
