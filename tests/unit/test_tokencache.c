/*
 * test_tokencache.c - the per-job token file (src/conn/tokencache.c): a
 * token is given back only before it expires and only to the client that
 * got it, the file is owner-only and whole, the refreshes of a refresh
 * token are counted in the window (old ones forgotten), a dropped token
 * keeps that count, and a damaged file is read as empty.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/tokencache.h"
#include "unit.h"

#define T0 ((time_t)1800000000)

static void test_tokencache__valid_until_expiry_for_its_client(void)
{
	char *path = xasprintf("%s/state/tokens.json", unit_tmpdir()), *tmp = xasprintf("%s.tmp", path);
	char *token = NULL;
	time_t exp = 0;
	struct stat st;

	CHECK(tokencache_get(path, "crm", "client1", T0, &token, &exp) == 0); /* no file yet */
	CHECK(token == NULL && exp == 0);
	CHECK(tokencache_put(path, "crm", "refresh:abc", "client1", "tok-1", T0 + 3600, T0) == 0);
	CHECK(stat(path, &st) == 0);
	CHECK_INTEQ(st.st_mode & 0777, 0600);
	CHECK(access(tmp, F_OK) != 0);
	CHECK(tokencache_get(path, "crm", "client1", T0 + 3599, &token, &exp) == 1);
	CHECK_STREQ(token, "tok-1");
	CHECK_INTEQ(exp, T0 + 3600);
	xfree(token);
	CHECK(tokencache_get(path, "crm", "client1", T0 + 3600, &token, &exp) == 0); /* expired */
	CHECK(tokencache_get(path, "crm", "client2", T0, &token, &exp) == 0);        /* another client */
	CHECK(tokencache_get(path, "finance", "client1", T0, &token, &exp) == 0);    /* another endpoint */
	CHECK(token == NULL);
	xfree(path);
	xfree(tmp);
}

static void test_tokencache__refreshes_in_the_window(void)
{
	char *path = xasprintf("%s/tokens.json", unit_tmpdir());
	time_t oldest = 1;
	char *text;

	CHECK_INTEQ(tokencache_recent_refreshes(path, "refresh:abc", T0, &oldest), 0);
	CHECK_INTEQ(oldest, 0);
	CHECK(tokencache_put(path, "crm", "refresh:abc", "c", "t1", T0 + 3600, T0) == 0);
	CHECK(tokencache_put(path, "finance", "refresh:abc", "c", "t2", T0 + 3600, T0 + 100) == 0);
	CHECK(tokencache_put(path, "crm", "refresh:other", "c", "t3", T0 + 3600, T0 + 200) == 0);
	CHECK_INTEQ(tokencache_recent_refreshes(path, "refresh:abc", T0 + 200, &oldest), 2);
	CHECK_INTEQ(oldest, T0);
	/* Ten minutes after the first, it has left the window. */
	CHECK_INTEQ(tokencache_recent_refreshes(path, "refresh:abc", T0 + TOKEN_REFRESH_WINDOW, &oldest), 1);
	CHECK_INTEQ(oldest, T0 + 100);
	/* A put forgets the refreshes that left the window. */
	CHECK(tokencache_put(path, "crm", "refresh:abc", "c", "t4", T0 + 9999, T0 + 1000) == 0);
	CHECK_INTEQ(tokencache_recent_refreshes(path, "refresh:abc", T0 + 1000, &oldest), 1);
	CHECK_INTEQ(oldest, T0 + 1000);
	text = unit_read_file(path);
	CHECK(text && strstr(text, "\"t4\"") && !strstr(text, "\"t1\""));
	CHECK(text && !strstr(text, "1800000000,")); /* the old time is gone from the file */
	xfree(text);
	xfree(path);
}

static void test_tokencache__drop_keeps_the_count(void)
{
	char *path = xasprintf("%s/tokens.json", unit_tmpdir());
	char *token = NULL;
	time_t exp, oldest;

	CHECK(tokencache_put(path, "crm", "refresh:abc", "c", "tok", T0 + 3600, T0) == 0);
	CHECK(tokencache_drop(path, "crm") == 0);
	CHECK(tokencache_get(path, "crm", "c", T0, &token, &exp) == 0);
	CHECK_INTEQ(tokencache_recent_refreshes(path, "refresh:abc", T0, &oldest), 1);
	CHECK(tokencache_drop(path, "crm") == 0); /* nothing left to drop */
	CHECK(tokencache_drop(path, "finance") == 0);
	xfree(path);
}

static void test_tokencache__damaged_file_is_empty(void)
{
	char *path = xasprintf("%s/tokens.json", unit_tmpdir());
	FILE *fp = fopen(path, "w");
	char *token = NULL;
	time_t exp;

	fputs("{\"crm\": {\"access_token\": \"tok\", \"client_id\": \"c\", \"expires_at\": 1", fp); /* cut short */
	fclose(fp);
	CHECK(tokencache_get(path, "crm", "c", T0, &token, &exp) == 0);
	CHECK(tokencache_put(path, "crm", "refresh:abc", "c", "new", T0 + 60, T0) == 0); /* written whole again */
	CHECK(tokencache_get(path, "crm", "c", T0, &token, &exp) == 1);
	CHECK_STREQ(token, "new");
	xfree(token);
	xfree(path);
}

static void test_tokencache__unwritable_place_named(void)
{
	const char *top = unit_tmpdir();
	char *file = xasprintf("%s/plain", top), *path = xasprintf("%s/plain/tokens.json", top);
	FILE *fp = fopen(file, "w");

	fclose(fp);
	CHECK(tokencache_put(path, "crm", "refresh:abc", "c", "tok", T0 + 60, T0) == FS_EABORT);
	CHECK(strstr(err_msg(), "/plain") != NULL);
	CHECK(strstr(err_msg(), "tok\"") == NULL); /* never the token */
	xfree(file);
	xfree(path);
}

static const struct unit_test tokencache_tests[] = {
	UNIT(test_tokencache__valid_until_expiry_for_its_client),
	UNIT(test_tokencache__refreshes_in_the_window),
	UNIT(test_tokencache__drop_keeps_the_count),
	UNIT(test_tokencache__damaged_file_is_empty),
	UNIT(test_tokencache__unwritable_place_named),
	{ 0 },
};
UNIT_SUITE(tokencache_tests)
