/*
 * test_core.c - buf, time parsing, staging round trip and gzip members, job file errors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <jansson.h>
#include <zlib.h>
#include "finsync/alloc.h"
#include "finsync/buf.h"
#include "finsync/err.h"
#include "finsync/job.h"
#include "finsync/ledger.h"
#include <sqlite3.h>
#include "finsync/staging.h"
#include "finsync/timeutil.h"
#include "unit.h"

static void test_buf__cap_refuses(void)
{
	struct buf b;

	buf_init(&b, 8);
	CHECK(buf_adds(&b, "12345678") == 0);
	CHECK(buf_addc(&b, 'x') == FS_EINPUT);
	CHECK_STREQ(buf_str(&b), "12345678");
	buf_release(&b);
}

/* xstrset() frees what the field held and keeps its own copy; NULL empties it. */
static void test_alloc__strset(void)
{
	char value[] = "first", *field = NULL;

	xstrset(&field, value);
	CHECK(field != value);
	value[0] = 'F';
	CHECK_STREQ(field, "first");
	xstrset(&field, "second");
	CHECK_STREQ(field, "second");
	xstrset(&field, NULL);
	CHECK(field == NULL);
}

static void test_time__offsets_to_utc(void)
{
	time_t a, b, c;

	CHECK(time_parse_iso("2019-07-25T15:26:49+05:30", &a) == 0);
	CHECK(time_parse_iso("2019-07-25T09:56:49Z", &b) == 0);
	CHECK(time_parse_iso("2019-07-25T15:26:49+0530", &c) == 0);
	CHECK(a == b && b == c);
	CHECK(time_parse_iso("2019-07-25 15:26:49", &a) == -1);
	CHECK(time_parse_iso("2019-13-25T15:26:49Z", &a) == -1);
}

/* The sandbox's reading (TIME_EXACT, TIME_ZONE_REQUIRED) is the same parser, stricter. */
static void test_time__exact_and_zone_required(void)
{
	time_t a, b;

	CHECK(time_parse_iso("2019-07-25T09:56:49.123Z", &a) == 0);
	CHECK(time_parse_iso_flags("2019-07-25T09:56:49.123Z", TIME_EXACT | TIME_ZONE_REQUIRED, &b) == 0);
	CHECK(a == b);
	CHECK(time_parse_iso("2019-07-25T09:56:49", &a) == 0);
	CHECK(time_parse_iso_flags("2019-07-25T09:56:49", TIME_ZONE_REQUIRED, &a) == -1);
	CHECK(time_parse_iso("2019-07-25T09:56:49z", &a) == 0);
	CHECK(time_parse_iso_flags("2019-07-25T09:56:49z", TIME_EXACT, &a) == -1);
	CHECK(time_parse_iso("2019-07-25T09:56:49.Z", &a) == 0);
	CHECK(time_parse_iso_flags("2019-07-25T09:56:49.Z", TIME_EXACT, &a) == -1);
	CHECK(time_parse_iso("2019-07- 5T09:56:49Z", &a) == -1);      /* digits only */
	CHECK(time_parse_iso("2019-07-25T09:56:49+15:00", &a) == -1); /* no zone is past ±14 */
}

static void test_staging__round_trip_and_bad_line(void)
{
	const char *dir = unit_tmpdir();
	struct staging_writer *w;
	struct staging_reader *r;
	struct manifest *m = manifest_new(7, "extract");
	json_t *rec = json_pack("{s:s, s:i}", "id", "1", "n", 2), *got = NULL, *man = NULL;

	CHECK(staging_writer_open(&w, dir, "accounts") == 0);
	CHECK(staging_write(w, rec) == 0);
	CHECK(staging_write_line(w, "{bad", 4) == 0);
	CHECK(staging_write(w, rec) == 0);
	CHECK(staging_writer_finish(w, m) == 0);
	CHECK(manifest_write(m, dir) == 0);
	CHECK(manifest_load(dir, &man) == 1);
	CHECK_INTEQ(json_integer_value(json_object_get(
			    json_object_get(json_object_get(man, "files"), "accounts.ndjson.gz"), "records")),
		    3);
	CHECK(staging_reader_open(&r, dir, "accounts", 0) == 0);
	CHECK(staging_read(r, &got) == 1 && json_equal(got, rec));
	json_decref(got);
	CHECK(staging_read(r, &got) == FS_EINPUT);
	CHECK(strstr(err_msg(), "line 2") != NULL);
	CHECK(staging_read(r, &got) == 1);
	json_decref(got);
	CHECK(staging_read(r, &got) == 0);
	staging_reader_close(r);
	manifest_free(m);
	json_decref(man);
	json_decref(rec);
}

/* Reads dir/name.ndjson.gz to the end: the records, and their "n" values summed. */
static long read_all(const char *dir, const char *name, long *sum)
{
	struct staging_reader *r;
	json_t *got = NULL;
	long n = 0;
	int rc;

	*sum = 0;
	if (staging_reader_open(&r, dir, name, 0))
		return -1;
	while ((rc = staging_read(r, &got)) == 1) {
		*sum += (long)json_integer_value(json_object_get(got, "n"));
		n++;
		json_decref(got);
		got = NULL;
	}
	staging_reader_close(r);
	return rc ? -1 : n;
}

/* Appends text to a file (made if missing). */
static int append_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644);
	ssize_t n = fd < 0 ? -1 : write(fd, text, strlen(text));

	return fd < 0 || close(fd) || n < 0 ? -1 : 0;
}

#define MANY 40000 /* lines: more than one block of the writer, and of one libdeflate member */

/*
 * The writer's file is gzip members of a block each, read back whole by the
 * reader (libdeflate) and by zlib alike; a file zlib wrote as one large
 * member, a plain text file and members followed by trailing garbage read
 * as gzread reads them.
 */
static void test_staging__members_and_other_gzip_files(void)
{
	const char *dir = unit_tmpdir();
	char *path = xasprintf("%s/big.ndjson.gz", dir), *one = xasprintf("%s/one.ndjson.gz", dir);
	char *plain = xasprintf("%s/plain.ndjson.gz", dir), line[64];
	struct staging_writer *w;
	gzFile gz;
	long i, sum = 0, want = 0, zlib_lines = 0;
	int c;

	CHECK(staging_writer_open(&w, dir, "big") == 0);
	for (i = 0; i < MANY; i++) {
		int n = snprintf(line, sizeof(line), "{\"id\":\"%ld\",\"n\":%ld,\"pad\":\"abcdefghij\"}", i, i);
		CHECK(staging_write_line(w, line, (size_t)n) == 0);
		want += i;
	}
	CHECK(staging_writer_finish(w, NULL) == 0);
	CHECK(read_all(dir, "big", &sum) == MANY);
	CHECK(sum == want);
	/* zlib sees one gzip file of MANY lines. */
	CHECK((gz = gzopen(path, "rb")) != NULL);
	while ((c = gzgetc(gz)) != -1)
		zlib_lines += c == '\n';
	gzclose(gz);
	CHECK(zlib_lines == MANY);

	/* Trailing garbage after the members is ignored, as gzread ignores it. */
	CHECK(append_text(path, "garbage") == 0);
	CHECK(read_all(dir, "big", &sum) == MANY);

	/* One member larger than a block: zlib reads it. */
	CHECK((gz = gzopen(one, "wb6")) != NULL);
	for (i = 0; i < MANY; i++)
		gzprintf(gz, "{\"id\":\"%ld\",\"n\":%ld}\n", i, i);
	CHECK(gzclose(gz) == Z_OK);
	CHECK(read_all(dir, "one", &sum) == MANY);
	CHECK(sum == want);

	/* Not gzip at all: read as it is, as gzread reads it. */
	CHECK(append_text(plain, "{\"n\":5}\n{\"n\":6}\n") == 0);
	CHECK(read_all(dir, "plain", &sum) == 2);
	CHECK(sum == 11);
	xfree(path);
	xfree(one);
	xfree(plain);
}

/* A damaged member fails the read, naming the file, where gzread failed. */
static void test_staging__damaged_member_fails(void)
{
	const char *dir = unit_tmpdir();
	char *path = xasprintf("%s/bad.ndjson.gz", dir);
	struct staging_writer *w;
	long sum;
	FILE *fp;

	CHECK(staging_writer_open(&w, dir, "bad") == 0);
	CHECK(staging_write_line(w, "{\"n\":1}", 7) == 0);
	CHECK(staging_writer_finish(w, NULL) == 0);
	/* The CRC-32 in the member's trailer no longer matches. */
	CHECK((fp = fopen(path, "r+b")) != NULL);
	if (fp) {
		fseek(fp, -8, SEEK_END);
		fputc(0x55, fp);
		fclose(fp);
	}
	CHECK(read_all(dir, "bad", &sum) == -1);
	CHECK(strstr(err_msg(), "bad.ndjson.gz") != NULL);
	xfree(path);
}

static int write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	if (!fp)
		return -1;
	fputs(text, fp);
	return fclose(fp);
}

static void expect_job_error(const char *text, const char *needle)
{
	char *path = xasprintf("%s/job.json", unit_tmpdir());
	struct job *job = NULL;

	CHECK(write_file(path, text) == 0);
	CHECK(job_load(&job, path) == FS_EUSAGE);
	if (!strstr(err_msg(), needle)) {
		fprintf(stderr, "message '%s' lacks '%s'\n", err_msg(), needle);
		unit_failures++;
	}
	job_free(job);
	xfree(path);
}

#define CRM_OK "\"crm\":{\"type\":\"csv\",\"dir\":\"x\"}"
#define FIN_OK(type) \
	"\"finance\":{\"type\":\"" type "\",\"api_base\":\"http://h/b\",\"organization_id\":\"1\"," \
	"\"accounts_url\":\"http://h\",\"client_id\":\"c\",\"client_secret_env\":\"UNIT_SECRET\",\"refresh_token_env\":\"UNIT_SECRET\"}"

static void test_job__errors_name_the_key(void)
{
	setenv("UNIT_SECRET", "s3cret", 1);
	expect_job_error("{\"job\":\"j\",", "line 1");
	expect_job_error("{\"job\":\"j\"," CRM_OK
			 "," FIN_OK("zoho-books") ",\"sync\":{\"items\":{\"on_duplicate\":\"merge\"}}}",
			 "sync.items.on_duplicate: unknown value 'merge'");
	expect_job_error("{\"job\":\"j\"," CRM_OK "," FIN_OK("zoho-invoice") ",\"sync\":{\"vendors\":{}}}",
			 "sync.vendors");
	expect_job_error("{\"job\":\"j\"," CRM_OK
			 "," FIN_OK("zoho-books") ",\"sync\":{\"items\":{\"on_dupe\":\"skip\"}}}",
			 "sync.items.on_dupe: unknown key");
	expect_job_error(
		"{\"job\":\"j\"," CRM_OK ",\"finance\":{\"type\":\"zoho-books\",\"api_base\":\"http://h\","
		"\"organization_id\":\"1\",\"accounts_url\":\"http://h\",\"client_id\":\"c\","
		"\"client_secret\":\"literal\",\"refresh_token_env\":\"UNIT_SECRET\"},\"sync\":{\"items\":{}}}",
		"finance.client_secret: a literal secret");
	expect_job_error("{\"job\":\"j\"," CRM_OK "," FIN_OK("zoho-sheets") ",\"sync\":{\"items\":{}}}",
			 "finance.type: unknown value 'zoho-sheets'");
}

static void test_job__secret_file_mode(void)
{
	const char *dir = unit_tmpdir();
	char *secret = xasprintf("%s/secret", dir);
	char *path = xasprintf("%s/job.json", dir);
	char *text = xasprintf(
		"{\"job\":\"j\"," CRM_OK ",\"finance\":{\"type\":\"zoho-books\",\"api_base\":\"http://h\","
		"\"organization_id\":\"1\",\"accounts_url\":\"http://h\",\"client_id\":\"c\","
		"\"client_secret_file\":\"secret\",\"refresh_token_env\":\"UNIT_SECRET\"},\"sync\":{\"items\":{}}}");
	struct job *job = NULL;

	setenv("UNIT_SECRET", "s3cret", 1);
	CHECK(write_file(secret, "from-file\n") == 0);
	CHECK(write_file(path, text) == 0);
	chmod(secret, 0644);
	CHECK(job_load(&job, path) == FS_EUSAGE);
	CHECK(strstr(err_msg(), "readable by group or others") != NULL);
	chmod(secret, 0600);
	CHECK(job_load(&job, path) == 0);
	if (job)
		CHECK_STREQ(job->fin.client_secret, "from-file");
	job_free(job);
	xfree(secret);
	xfree(path);
	xfree(text);
}

static void test_job__paths_are_normalised(void)
{
	const char *dir = unit_tmpdir();
	char *sub = xasprintf("%s/jobs", dir);
	char *path = xasprintf("%s/job.json", sub);
	char *want = xasprintf("%s/var/x", dir);
	char *want_csv = xasprintf("%s/jobs/z", dir);
	struct job *job = NULL;

	setenv("UNIT_SECRET", "s3cret", 1);
	CHECK(mkdir(sub, 0700) == 0);
	CHECK(write_file(
		      path,
		      "{\"job\":\"j\",\"state_dir\":\"./../var//x/\",\"crm\":{\"type\":\"csv\",\"dir\":\"x/./y/../../z\"}," FIN_OK(
			      "zoho-books") ",\"sync\":{\"items\":{}}}") == 0);
	CHECK(job_load(&job, path) == 0);
	if (job) {
		CHECK_STREQ(job->state_dir, want);
		CHECK_STREQ(job->crm.dir, want_csv);
	}
	job_free(job);
	xfree(sub);
	xfree(path);
	xfree(want);
	xfree(want_csv);
}

/* A version-1 ledger (as the first release wrote it) is migrated in place. */
static void test_ledger__migrates_v1(void)
{
	const char *dir = unit_tmpdir();
	char *path = xasprintf("%s/ledger.sqlite", dir);
	struct ledger *lg = NULL;
	struct link l;
	sqlite3 *db;
	char *v = NULL;

	CHECK(sqlite3_open(path, &db) == SQLITE_OK);
	CHECK(sqlite3_exec(
		      db,
		      "CREATE TABLE runs (id INTEGER PRIMARY KEY, job TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT, status TEXT NOT NULL, stages TEXT, error TEXT);"
		      "CREATE TABLE run_stats (run_id INTEGER NOT NULL, entity TEXT NOT NULL, stage TEXT NOT NULL, added INTEGER NOT NULL DEFAULT 0, updated INTEGER NOT NULL DEFAULT 0, unchanged INTEGER NOT NULL DEFAULT 0, skipped INTEGER NOT NULL DEFAULT 0, duplicates INTEGER NOT NULL DEFAULT 0, failed INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (run_id, entity, stage));"
		      "CREATE TABLE links (entity TEXT NOT NULL, crm_id TEXT NOT NULL, finance_id TEXT, origin TEXT NOT NULL DEFAULT 'crm', crm_hash TEXT, finance_hash TEXT, state TEXT NOT NULL DEFAULT 'linked', updated_at TEXT NOT NULL, PRIMARY KEY (entity, crm_id));"
		      "CREATE TABLE events (id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL, entity TEXT NOT NULL, crm_id TEXT, finance_id TEXT, action TEXT NOT NULL, match TEXT, reason TEXT, at TEXT NOT NULL);"
		      "CREATE TABLE watermarks (entity TEXT PRIMARY KEY, modified_since TEXT NOT NULL, run_id INTEGER);"
		      "CREATE TABLE deal_links (deal_id TEXT PRIMARY KEY, kind TEXT NOT NULL, finance_id TEXT, state TEXT);"
		      "INSERT INTO links VALUES ('customers', 'c1', 'f1', 'crm', 'h', NULL, 'linked', '2026-01-01T00:00:00Z');"
		      "PRAGMA user_version = 1;",
		      NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(db);
	CHECK(ledger_open(&lg, dir) == 0);
	if (lg) {
		CHECK(ledger_link_get(lg, "customers", "c1", &l) == 1);
		CHECK_STREQ(l.finance_id, "f1");
		link_release(&l);
		CHECK(ledger_state_set(lg, "paused", "1") == 0);
		CHECK(ledger_state_get(lg, "paused", &v) == 1);
		CHECK_STREQ(v, "1");
		xfree(v);
	}
	ledger_close(lg);
	xfree(path);
}

static const struct unit_test core_tests[] = {
	UNIT(test_ledger__migrates_v1),
	UNIT(test_job__paths_are_normalised),
	UNIT(test_buf__cap_refuses),
	UNIT(test_alloc__strset),
	UNIT(test_time__offsets_to_utc),
	UNIT(test_time__exact_and_zone_required),
	UNIT(test_staging__round_trip_and_bad_line),
	UNIT(test_staging__members_and_other_gzip_files),
	UNIT(test_staging__damaged_member_fails),
	UNIT(test_job__errors_name_the_key),
	UNIT(test_job__secret_file_mode),
	{ 0 },
};
UNIT_SUITE(core_tests)
