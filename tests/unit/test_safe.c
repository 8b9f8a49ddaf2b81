/*
 * test_safe.c - the checks on outside values before a URL or a header, and
 * the SHA-256 behind the secret fingerprint (FIPS 180-4 vectors).
 */
#include <stdio.h>
#include <string.h>
#include "finsync/safe.h"
#include "unit.h"

static void hex_of(const unsigned char d[32], char out[65])
{
	int i;

	for (i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void check_sha(const char *in, const char *want)
{
	unsigned char d[32];
	char hex[65];

	sha256(in, strlen(in), d);
	hex_of(d, hex);
	CHECK_STREQ(hex, want);
}

static void test_safe__sha256_vectors(void)
{
	char a1000[1001];

	check_sha("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	check_sha("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	check_sha("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	memset(a1000, 'a', 1000);
	a1000[1000] = '\0';
	check_sha(a1000, "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3");
}

static void test_safe__fingerprint(void)
{
	char fp[SECRET_FINGERPRINT_LEN];

	secret_fingerprint("abc", fp);
	CHECK_STREQ(fp, "ba7816bf8f01cfea");
}

static void test_safe__zoho_ids(void)
{
	CHECK(zoho_id_ok("4150868000000087001"));
	CHECK(zoho_id_ok("1"));
	CHECK(!zoho_id_ok(""));
	CHECK(!zoho_id_ok(NULL));
	CHECK(!zoho_id_ok("../items/1"));
	CHECK(!zoho_id_ok("123\r\nX: y"));
	CHECK(!zoho_id_ok("12 3"));
	CHECK(!zoho_id_ok("123456789012345678901234567890123"));
}

static void test_safe__tokens_and_headers(void)
{
	CHECK(access_token_ok("1000.0123456789abcdef0123456789abcdef.0123456789abcdef0123456789abcdef"));
	CHECK(access_token_ok("abc+/~_-.=="));
	CHECK(!access_token_ok("1000.abc\r\nX-Injected: yes"));
	CHECK(!access_token_ok("abc def"));
	CHECK(!access_token_ok("=abc"));
	CHECK(!access_token_ok("ab=c"));
	CHECK(!access_token_ok(""));
	CHECK(header_value_ok("4150868000000087001"));
	CHECK(header_value_ok("Société Générale"));
	CHECK(!header_value_ok("a\rb"));
	CHECK(!header_value_ok("a\nb"));
	CHECK(!header_value_ok(""));
}

static const struct unit_test safe_tests[] = {
	UNIT(test_safe__sha256_vectors),
	UNIT(test_safe__fingerprint),
	UNIT(test_safe__zoho_ids),
	UNIT(test_safe__tokens_and_headers),
	{ 0 },
};
UNIT_SUITE(safe_tests)
