/*
 * tokencache.c - the per-job token file.  Written whole to a temporary file
 * created 0600, fsynced and renamed, so it is never half-written and never
 * readable by others.  It holds one entry per endpoint ("crm", "finance":
 * its access token) and one per refresh token ("refresh:" and a fingerprint
 * of it: the times of its recent refreshes), since Zoho counts refreshes
 * per refresh token and the two endpoints often share one.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <jansson.h>
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/fsutil.h"
#include "finsync/tokencache.h"

static json_t *load_all(const char *path)
{
	json_t *root = json_load_file(path, 0, NULL);

	if (!json_is_object(root)) {
		json_decref(root);
		root = json_object();
	}
	return root;
}

static int save_all(const char *path, json_t *root)
{
	char *tmp = xasprintf("%s.tmp", path);
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	char *text = json_dumps(root, JSON_INDENT(1) | JSON_SORT_KEYS);
	int fd, rc = 0;

	if (slash)
		*slash = '\0';
	if (slash && (rc = mkdir_p(dir)))
		goto out;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text) || fsync(fd)) {
		rc = fail(FS_EABORT, "cannot write token cache '%s': %s", tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		unlink(tmp);
		goto out;
	}
	close(fd);
	if (rename(tmp, path)) {
		rc = fail(FS_EABORT, "cannot write token cache '%s': %s", path, strerror(errno));
		unlink(tmp);
	}
out:
	if (text)
		memset(text, 0, strlen(text));
	xfree(text);
	xfree(dir);
	xfree(tmp);
	return rc;
}

int tokencache_get(const char *path, const char *key, const char *client_id, time_t now, char **token,
		   time_t *expires_at)
{
	json_t *root = load_all(path), *e = json_object_get(root, key);
	const char *t = json_string_value(json_object_get(e, "access_token"));
	const char *cid = json_string_value(json_object_get(e, "client_id"));
	json_int_t exp = json_integer_value(json_object_get(e, "expires_at"));
	int found = t && cid && !strcmp(cid, client_id) && exp > now;

	*token = found ? xstrdup(t) : NULL;
	*expires_at = found ? (time_t)exp : 0;
	json_decref(root);
	return found;
}

int tokencache_recent_refreshes(const char *path, const char *throttle_key, time_t now, time_t *oldest)
{
	json_t *root = load_all(path), *v;
	json_t *times = json_object_get(json_object_get(root, throttle_key), "refreshes");
	size_t i;
	int n = 0;

	*oldest = 0;
	json_array_foreach(times, i, v) {
		time_t t = (time_t)json_integer_value(v);
		if (t > now - TOKEN_REFRESH_WINDOW) {
			if (!n || t < *oldest)
				*oldest = t;
			n++;
		}
	}
	json_decref(root);
	return n;
}

/* Refresh times still inside the window, plus now. */
static json_t *recent_times(json_t *old, time_t now)
{
	json_t *times = json_array(), *v;
	size_t i;

	json_array_foreach(old, i, v)
		if (json_integer_value(v) > now - TOKEN_REFRESH_WINDOW)
			json_array_append(times, v);
	json_array_append_new(times, json_integer(now));
	return times;
}

int tokencache_put(const char *path, const char *key, const char *throttle_key, const char *client_id,
		   const char *token, time_t expires_at, time_t now)
{
	json_t *root = load_all(path);
	json_t *old = json_object_get(json_object_get(root, throttle_key), "refreshes");
	json_t *count = json_pack("{s:o}", "refreshes", recent_times(old, now));
	json_t *e = json_pack("{s:s, s:s, s:I}", "client_id", client_id, "access_token", token, "expires_at",
			      (json_int_t)expires_at);
	int rc;

	json_object_set_new(root, key, e);
	json_object_set_new(root, throttle_key, count);
	rc = save_all(path, root);
	json_decref(root);
	return rc;
}

int tokencache_drop(const char *path, const char *key)
{
	json_t *root = load_all(path);
	json_t *e = json_object_get(root, key);
	int rc = 0;

	if (e && json_object_get(e, "access_token")) {
		json_object_del(e, "access_token");
		json_object_del(e, "expires_at");
		rc = save_all(path, root);
	}
	json_decref(root);
	return rc;
}
