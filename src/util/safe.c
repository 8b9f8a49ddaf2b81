/*
 * safe.c - checks on values from outside before they reach a URL or a
 * header (ids, tokens, header values), and a fingerprint that names a
 * secret without keeping it (SHA-256, from Nettle).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <nettle/sha2.h>
#include "finsync/safe.h"

int zoho_id_ok(const char *s)
{
	size_t n = 0;

	if (!s)
		return 0;
	for (; s[n]; n++)
		if (s[n] < '0' || s[n] > '9' || n >= ZOHO_ID_MAX)
			return 0;
	return n > 0;
}

static int token_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       (c && strchr("-._~+/", c) != NULL);
}

int access_token_ok(const char *s)
{
	size_t n = 0;

	if (!s)
		return 0;
	while (token_char(s[n]))
		n++;
	if (!n)
		return 0;
	while (s[n] == '=')
		n++;
	return !s[n] && n <= 4096;
}

int header_value_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!s || !*s)
		return 0;
	for (; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

/* SHA-256 from Nettle (Debian nettle-dev), the library GnuTLS is built on. */
void sha256(const void *p, size_t len, unsigned char out[32])
{
	struct sha256_ctx ctx;

	sha256_init(&ctx);
	sha256_update(&ctx, len, p);
	sha256_digest(&ctx, SHA256_DIGEST_SIZE, out);
	memset(&ctx, 0, sizeof(ctx));
}

void secret_fingerprint(const char *s, char out[SECRET_FINGERPRINT_LEN])
{
	unsigned char d[32];
	int i;

	sha256(s, strlen(s), d);
	for (i = 0; i < 8; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}
