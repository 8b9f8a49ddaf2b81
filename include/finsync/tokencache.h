/*
 * tokencache.h - access tokens kept between runs in <state_dir>/tokens.json
 * (mode 0600), one entry per endpoint ("crm", "finance"), and the times of
 * recent refreshes per refresh token (its throttle_key, "refresh:" and a
 * fingerprint, never the token): Zoho allows 10 token requests in 10 minutes
 * per refresh token, and a nightly job must never be the one that trips it.
 */
#ifndef FINSYNC_TOKENCACHE_H
#define FINSYNC_TOKENCACHE_H
#include <time.h>

#define TOKEN_REFRESH_WINDOW 600 /* seconds */
#define TOKEN_REFRESH_MAX 10     /* refreshes allowed in the window */

/* A cached token still valid at now: 1 (*token new), 0 none. */
int tokencache_get(const char *path, const char *key, const char *client_id, time_t now, char **token,
		   time_t *expires_at);

/* Refreshes of throttle_key's refresh token in the window before now; *oldest is the first (0 when none). */
int tokencache_recent_refreshes(const char *path, const char *throttle_key, time_t now, time_t *oldest);

/* Keeps the new token under key and records the refresh at now under throttle_key.  0, or FS_EABORT. */
int tokencache_put(const char *path, const char *key, const char *throttle_key, const char *client_id,
		   const char *token, time_t expires_at, time_t now);

/* Forgets a token the API refused (the refresh history stays). */
int tokencache_drop(const char *path, const char *key);

#endif
