/*
 * safe.h - what may go into a URL path, a query or a header when it came
 * from outside: an API's answer, a token endpoint, a job file, a review
 * file.  A value that fails these checks is refused where it arrives, so a
 * CR LF never starts a header of its own and a "../" never moves a path.
 */
#ifndef FINSYNC_SAFE_H
#define FINSYNC_SAFE_H
#include <stddef.h>

#define ZOHO_ID_MAX 32            /* CRM ids are 19 digits, finance ids 15–19 */
#define SECRET_FINGERPRINT_LEN 17 /* 16 hex digits and the NUL */

/* 1 when s is a Zoho record id: 1 to ZOHO_ID_MAX ASCII digits, nothing else. */
int zoho_id_ok(const char *s);

/*
 * 1 when s is an OAuth access token fit for "Authorization: Zoho-oauthtoken
 * s": the token characters of RFC 6750 (letters, digits, "-._~+/", trailing
 * "="), at most 4096 of them.
 */
int access_token_ok(const char *s);

/* 1 when s may be a header value: no control character (CR, LF, NUL, …) and not empty. */
int header_value_ok(const char *s);

/*
 * The first 16 hex digits of SHA-256 of s: names a secret on disk (the token
 * cache keys its refresh count by it) without keeping the secret.
 */
void secret_fingerprint(const char *s, char out[SECRET_FINGERPRINT_LEN]);

/* SHA-256 of len bytes at p into out (32 bytes). */
void sha256(const void *p, size_t len, unsigned char out[32]);

#endif
