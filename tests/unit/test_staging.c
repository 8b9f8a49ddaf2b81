/*
 * test_staging.c - the staged files between the stages (src/util/staging.c):
 * a file is gzip NDJSON, one compact line a record, appearing under its name
 * only when finished; the manifest holds its count and the CRC-32 of its
 * uncompressed bytes; many records cross the writer's and the reader's
 * threads whole and in order; a record that cannot be a line is refused
 * alone; a missing file is empty only when the caller says it may be.
 * (A malformed line read back is in test_core.c.)
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/staging.h"
#include "unit.h"

/* The uncompressed bytes of a gzip file (xfree), and their length. */
static char *gunzip_file(const char *path, size_t *len)
{
	gzFile gz = gzopen(path, "rb");
	char *text = xmalloc(1 << 16);
	int n;

	*len = 0;
	if (!gz)
		return text;
	while ((n = gzread(gz, text + *len, (unsigned)((1 << 16) - 1 - *len))) > 0)
		*len += (size_t)n;
	gzclose(gz);
	text[*len] = '\0';
	return text;
}

static void test_staging__gzip_lines_and_manifest(void)
{
	const char *dir = unit_tmpdir();
	char *path = xasprintf("%s/accounts.ndjson.gz", dir), *tmp = xasprintf("%s.tmp", path), *text, hex[16];
	struct staging_writer *w = NULL;
	struct manifest *m = manifest_new(3, "extract");
	json_t *rec = json_pack("{s:s, s:{s:b}, s:[i]}", "id", "a1", "o", "t", 1, "l", 2), *man = NULL, *f;
	size_t len;

	CHECK(staging_writer_open(&w, dir, "accounts") == 0);
	CHECK(staging_write(w, rec) == 0);
	CHECK(staging_write_line(w, "{\"id\":\"a2\"}", 11) == 0);
	CHECK_INTEQ(staging_writer_count(w), 2);
	CHECK(access(path, F_OK) != 0); /* not under its name until finished */
	CHECK(staging_writer_finish(w, m) == 0);
	CHECK(access(tmp, F_OK) != 0);
	text = gunzip_file(path, &len);
	CHECK_STREQ(text, "{\"id\":\"a1\",\"o\":{\"t\":true},\"l\":[2]}\n{\"id\":\"a2\"}\n");
	snprintf(hex, sizeof(hex), "%08lx", crc32(crc32(0L, Z_NULL, 0), (const Bytef *)text, (uInt)len));
	CHECK_INTEQ(manifest_records(m, "accounts"), 2);
	CHECK_INTEQ(manifest_records(m, "contacts"), 0);
	manifest_note(m, MANIFEST_CRM_TIME, "2026-01-01T00:00:00Z");
	CHECK(manifest_load(dir, &man) == 0); /* not written yet: the stage is not complete */
	CHECK(manifest_write(m, dir) == 0);
	CHECK(manifest_load(dir, &man) == 1);
	f = json_object_get(json_object_get(man, "files"), "accounts.ndjson.gz");
	CHECK_STREQ(json_string_value(json_object_get(f, "crc32")), hex);
	CHECK_INTEQ(json_integer_value(json_object_get(man, "run_id")), 3);
	CHECK_STREQ(json_string_value(json_object_get(man, "stage")), "extract");
	CHECK_STREQ(json_string_value(json_object_get(man, MANIFEST_CRM_TIME)), "2026-01-01T00:00:00Z");
	json_decref(man);
	json_decref(rec);
	manifest_free(m);
	xfree(text);
	xfree(path);
	xfree(tmp);
}

static void test_staging__many_records_in_order(void)
{
	const char *dir = unit_tmpdir();
	struct staging_writer *w = NULL;
	struct staging_reader *r = NULL;
	struct manifest *m = manifest_new(1, "extract");
	json_t *got = NULL;
	long i, n = 0, in_order = 1;
	int rc;

	CHECK(staging_writer_open(&w, dir, "big") == 0);
	for (i = 0; i < 60000; i++) {
		json_t *rec = json_pack("{s:I, s:s}", "n", (json_int_t)i, "pad",
					"some text to make the file span chunks");

		staging_write(w, rec);
		json_decref(rec);
	}
	CHECK(staging_writer_finish(w, m) == 0);
	CHECK(staging_reader_open(&r, dir, "big", 0) == 0);
	while ((rc = staging_read(r, &got)) == 1) {
		in_order &= json_integer_value(json_object_get(got, "n")) == n;
		n++;
		json_decref(got);
	}
	CHECK_INTEQ(rc, 0);
	CHECK_INTEQ(n, 60000);
	CHECK(in_order);
	CHECK_INTEQ(staging_reader_line(r), 60000);
	staging_reader_close(r);
	manifest_free(m);
}

static void test_staging__bad_record_refused_alone(void)
{
	const char *dir = unit_tmpdir();
	struct staging_writer *w = NULL;
	struct staging_reader *r = NULL;
	json_t *num = json_integer(5), *ok = json_pack("{s:s}", "id", "x"), *got = NULL;

	CHECK(staging_writer_open(&w, dir, "items") == 0);
	CHECK(staging_write(w, num) == FS_EINPUT);
	CHECK_STREQ(err_msg(), "not a JSON object");
	CHECK(staging_write(w, ok) == 0);
	CHECK_INTEQ(staging_writer_count(w), 1);
	CHECK(staging_writer_finish(w, NULL) == 0);
	CHECK(staging_reader_open(&r, dir, "items", 0) == 0);
	CHECK(staging_read(r, &got) == 1);
	CHECK(json_equal(got, ok));
	json_decref(got);
	CHECK(staging_read(r, &got) == 0);
	staging_reader_close(r);
	json_decref(num);
	json_decref(ok);
}

static void test_staging__abort_leaves_nothing(void)
{
	const char *dir = unit_tmpdir();
	char *path = xasprintf("%s/vendors.ndjson.gz", dir), *tmp = xasprintf("%s.tmp", path);
	struct staging_writer *w = NULL;

	CHECK(staging_writer_open(&w, dir, "vendors") == 0);
	CHECK(staging_write_line(w, "{}", 2) == 0);
	staging_writer_abort(w);
	staging_writer_abort(NULL);
	CHECK(access(path, F_OK) != 0);
	CHECK(access(tmp, F_OK) != 0);
	xfree(path);
	xfree(tmp);
}

static void test_staging__missing_file(void)
{
	const char *dir = unit_tmpdir();
	struct staging_reader *r = NULL;
	json_t *got = NULL;

	CHECK(staging_reader_open(&r, dir, "nothing", 1) == 0);
	CHECK(staging_read(r, &got) == 0);
	staging_reader_close(r);
	r = NULL;
	CHECK(staging_reader_open(&r, dir, "nothing", 0) == FS_EUSAGE);
	CHECK(strstr(err_msg(), "cannot open '") && strstr(err_msg(), "nothing.ndjson.gz"));
	staging_reader_close(r);
}

/* The kept keys read right past a skipped value that holds one of their names. */
static void test_staging__keep_only_named_keys(void)
{
	const char *dir = unit_tmpdir();
	struct staging_writer *w = NULL;
	struct staging_reader *r = NULL;
	json_t *keep = json_pack("[s, s]", "id", "Name"), *got = NULL;
	const char *line = "{\"id\":\"1\",\"Big\":{\"x\":[1,2,{\"Name\":\"inner\"}]},\"Name\":\"A\",\"n\":2}";

	CHECK(staging_writer_open(&w, dir, "wide") == 0);
	CHECK(staging_write_line(w, line, strlen(line)) == 0);
	CHECK(staging_writer_finish(w, NULL) == 0);
	CHECK(staging_reader_open(&r, dir, "wide", 0) == 0);
	staging_reader_keep(r, keep);
	CHECK(staging_read(r, &got) == 1);
	CHECK_STREQ(json_string_value(json_object_get(got, "id")), "1");
	CHECK_STREQ(json_string_value(json_object_get(got, "Name")), "A");
	json_decref(got);
	staging_reader_close(r);
	json_decref(keep);
}

static void test_staging__dir_layout(void)
{
	char *d = staging_dir("/var/lib/finsync/nightly", 42, "transform");

	CHECK_STREQ(d, "/var/lib/finsync/nightly/staging/42/transform");
	xfree(d);
}

static const struct unit_test staging_tests[] = {
	UNIT(test_staging__gzip_lines_and_manifest),
	UNIT(test_staging__many_records_in_order),
	UNIT(test_staging__bad_record_refused_alone),
	UNIT(test_staging__abort_leaves_nothing),
	UNIT(test_staging__missing_file),
	UNIT(test_staging__keep_only_named_keys),
	UNIT(test_staging__dir_layout),
	{ 0 },
};
UNIT_SUITE(staging_tests)
