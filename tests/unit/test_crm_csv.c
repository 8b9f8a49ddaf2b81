/*
 * test_crm_csv.c - the CSV export source (src/conn/crm_csv.c): quoting, BOM,
 * CRLF, lookups as objects, bad rows reported with their line and skipped,
 * the rows after a bad one still read, a wide header in linear time.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <jansson.h>
#include "finsync/alloc.h"
#include "finsync/crm.h"
#include "finsync/err.h"
#include "finsync/job.h"
#include "unit.h"

static void write_file(const char *dir, const char *name, const char *text, size_t len)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *fp = fopen(path, "wb");

	CHECK(fp != NULL);
	if (fp) {
		CHECK(fwrite(text, 1, len, fp) == len);
		fclose(fp);
	}
	xfree(path);
}

#define WRITE(dir, name, lit) write_file(dir, name, lit, sizeof(lit) - 1)

struct fixture {
	struct job job;
	struct crm *crm;
	struct source *src;
};

/* Opens the CSV CRM on dir and starts reading module. */
static int fixture_open(struct fixture *f, const char *dir, const char *module, const char *since)
{
	struct crm_query q = { module, NULL, NULL, since, NULL, NULL };
	int rc;

	memset(f, 0, sizeof(*f));
	f->job.crm.type = (char *)"csv";
	f->job.crm.dir = (char *)dir;
	if ((rc = crm_csv_ops.open(&f->crm, &f->job)))
		return rc;
	return crm_csv_ops.read(f->crm, &q, &f->src);
}

static void fixture_close(struct fixture *f)
{
	if (f->src)
		f->src->ops->close(f->src);
	if (f->crm)
		crm_csv_ops.close(f->crm);
}

static int next(struct fixture *f, json_t **rec)
{
	json_decref(*rec);
	*rec = NULL;
	return f->src->ops->next(f->src, rec);
}

static const char *str(json_t *rec, const char *key)
{
	return json_string_value(json_object_get(rec, key));
}

static void test_csv__quoting_bom_crlf(void)
{
	const char *dir = unit_tmpdir();
	struct fixture f;
	json_t *rec = NULL;

	WRITE(dir, "Accounts.csv",
	      "\xEF\xBB\xBFid,Account_Name,Description,Phone\r\n"
	      "1,\"Acme, Inc.\",\"He said \"\"hi\"\"\",\r\n"
	      "2,Beta,\"two\r\nlines\",555\r\n"
	      "3,Gamma,\"\",\"\"");
	CHECK(fixture_open(&f, dir, "Accounts", NULL) == 0);
	CHECK(next(&f, &rec) == 1);
	CHECK_STREQ(str(rec, "id"), "1");
	CHECK_STREQ(str(rec, "Account_Name"), "Acme, Inc.");
	CHECK_STREQ(str(rec, "Description"), "He said \"hi\"");
	CHECK(json_is_null(json_object_get(rec, "Phone")));
	CHECK(next(&f, &rec) == 1);
	CHECK_STREQ(str(rec, "Description"), "two\r\nlines");
	CHECK_STREQ(str(rec, "Phone"), "555");
	CHECK(next(&f, &rec) == 1);
	CHECK_STREQ(str(rec, "Account_Name"), "Gamma");
	CHECK(json_is_null(json_object_get(rec, "Description")));
	CHECK(next(&f, &rec) == 0);
	fixture_close(&f);
	json_decref(rec);
}

static void test_csv__keys_in_header_order(void)
{
	const char *dir = unit_tmpdir();
	struct fixture f;
	json_t *rec = NULL;
	char *text;

	WRITE(dir, "Products.csv", "id,Product_Name,Unit_Price\n9,Widget,1.50\n");
	CHECK(fixture_open(&f, dir, "Products", NULL) == 0);
	CHECK(next(&f, &rec) == 1);
	text = json_dumps(rec, JSON_COMPACT);
	CHECK_STREQ(text, "{\"id\":\"9\",\"Product_Name\":\"Widget\",\"Unit_Price\":\"1.50\"}");
	xfree(text);
	fixture_close(&f);
	json_decref(rec);
}

static void test_csv__lookups_and_owner_become_objects(void)
{
	const char *dir = unit_tmpdir();
	struct fixture f;
	json_t *rec = NULL, *owner, *acct;
	char *text;

	WRITE(dir, "Contacts.csv",
	      "id,Last_Name,Account_Name,Account_Name.id,Owner,Owner.id,Owner.email\n"
	      "10,Doe,Acme,4150,Ann Lee,77,ann@example.com\n"
	      "11,Roe,,,Ann Lee,77,\n");
	CHECK(fixture_open(&f, dir, "Contacts", NULL) == 0);
	CHECK(next(&f, &rec) == 1);
	acct = json_object_get(rec, "Account_Name");
	CHECK(json_is_object(acct));
	CHECK_STREQ(str(acct, "name"), "Acme");
	CHECK_STREQ(str(acct, "id"), "4150");
	owner = json_object_get(rec, "Owner");
	text = json_dumps(owner, JSON_COMPACT);
	CHECK_STREQ(text, "{\"name\":\"Ann Lee\",\"id\":\"77\",\"email\":\"ann@example.com\"}");
	xfree(text);
	CHECK(json_object_get(rec, "Account_Name.id") == NULL);
	CHECK(next(&f, &rec) == 1);
	CHECK(json_is_null(json_object_get(rec, "Account_Name")));
	CHECK(json_is_null(json_object_get(json_object_get(rec, "Owner"), "email")));
	CHECK(next(&f, &rec) == 0);
	fixture_close(&f);
	json_decref(rec);
}

static void test_csv__fields_lists_lookups_once(void)
{
	const char *dir = unit_tmpdir();
	struct fixture f;
	json_t *fields = NULL;
	char *text;

	WRITE(dir, "Deals.csv", "id,Deal_Name,Account_Name,Account_Name.id,Owner,Owner.id,Owner.email\n");
	CHECK(fixture_open(&f, dir, "Deals", NULL) == 0);
	CHECK(crm_csv_ops.fields(f.crm, "Deals", &fields) == 0);
	text = json_dumps(fields, JSON_COMPACT);
	CHECK_STREQ(text, "[\"id\",\"Deal_Name\",\"Account_Name\",\"Owner\"]");
	xfree(text);
	json_decref(fields);
	fixture_close(&f);
}

static void test_csv__short_row_reported_then_skipped(void)
{
	const char *dir = unit_tmpdir();
	struct fixture f;
	json_t *rec = NULL;

	WRITE(dir, "Accounts.csv",
	      "id,Account_Name,Description\n"
	      "1,Acme,\"multi\nline\"\n"
	      "2,Short\n"
	      "3,Gamma,ok\n");
	CHECK(fixture_open(&f, dir, "Accounts", NULL) == 0);
	CHECK(next(&f, &rec) == 1);
	CHECK(next(&f, &rec) == FS_EINPUT);
	CHECK_STREQ(err_msg(), "'Accounts.csv' line 4: 2 cells, header has 3");
	CHECK(next(&f, &rec) == 1);
	CHECK_STREQ(str(rec, "id"), "3");
	CHECK(next(&f, &rec) == 0);
	fixture_close(&f);
	json_decref(rec);
}

static void test_csv__line_of_a_row_after_a_multiline_cell(void)
{
	const char *dir = unit_tmpdir();
	struct fixture f;
	json_t *rec = NULL;

	WRITE(dir, "Accounts.csv",
	      "id,Account_Name,Description\r\n"
	      "1,Acme,\"a\r\nb\r\nc\"\r\n"
	      "\r\n"
	      "2,\"x\ny\",too,many\r\n"
	      "3,Ok,\r\n");
	CHECK(fixture_open(&f, dir, "Accounts", NULL) == 0);
	CHECK(next(&f, &rec) == 1);
	CHECK(next(&f, &rec) == FS_EINPUT);
	CHECK_STREQ(err_msg(), "'Accounts.csv' line 6: 4 cells, header has 3");
	CHECK(next(&f, &rec) == 1);
	CHECK_STREQ(str(rec, "id"), "3");
	CHECK(next(&f, &rec) == 0);
	fixture_close(&f);
	json_decref(rec);
}

static void test_csv__stray_quote_and_bad_utf8_are_record_errors(void)
{
	const char *dir = unit_tmpdir();
	struct fixture f;
	json_t *rec = NULL;

	WRITE(dir, "Vendors.csv",
	      "id,Vendor_Name\n"
	      "1,\"Acme\"x\n"
	      "2,Caf\xE9\n"
	      "3,Fine\n"
	      "4,\"never closed\n");
	CHECK(fixture_open(&f, dir, "Vendors", NULL) == 0);
	CHECK(next(&f, &rec) == FS_EINPUT);
	CHECK(strstr(err_msg(), "'Vendors.csv' line 2: ") == err_msg());
	CHECK(next(&f, &rec) == FS_EINPUT);
	CHECK_STREQ(err_msg(), "'Vendors.csv' line 3: column 'Vendor_Name': not valid UTF-8");
	CHECK(next(&f, &rec) == 1);
	CHECK_STREQ(str(rec, "Vendor_Name"), "Fine");
	CHECK(next(&f, &rec) == FS_EINPUT);
	CHECK(strstr(err_msg(), "'Vendors.csv' line 5: a quoted cell is not closed") == err_msg());
	CHECK(next(&f, &rec) == 0);
	fixture_close(&f);
	json_decref(rec);
}

static void test_csv__missing_file_has_no_records(void)
{
	const char *dir = unit_tmpdir();
	struct fixture f;
	json_t *rec = NULL, *fields = NULL;

	CHECK(fixture_open(&f, dir, "Vendors", NULL) == 0);
	CHECK(next(&f, &rec) == 0);
	CHECK(crm_csv_ops.fields(f.crm, "Vendors", &fields) == 0);
	CHECK(json_is_array(fields) && json_array_size(fields) == 0);
	json_decref(fields);
	fixture_close(&f);
}

static void test_csv__header_must_start_with_id(void)
{
	const char *dir = unit_tmpdir();
	struct fixture f;

	WRITE(dir, "Accounts.csv", "Account_Name,id\nAcme,1\n");
	CHECK(fixture_open(&f, dir, "Accounts", NULL) == FS_EUSAGE);
	CHECK_STREQ(err_msg(), "'Accounts.csv' line 1: the first column is 'Account_Name', not 'id'");
	fixture_close(&f);
}

static void test_csv__modified_since_filters(void)
{
	const char *dir = unit_tmpdir();
	struct fixture f;
	json_t *rec = NULL;

	WRITE(dir, "Accounts.csv",
	      "id,Account_Name,Modified_Time\n"
	      "1,Old,2026-01-01T10:00:00+05:30\n"
	      "2,New,2026-03-01T10:00:00+05:30\n");
	CHECK(fixture_open(&f, dir, "Accounts", "2026-02-01T00:00:00Z") == 0);
	CHECK(next(&f, &rec) == 1);
	CHECK_STREQ(str(rec, "id"), "2");
	CHECK(next(&f, &rec) == 0);
	fixture_close(&f);
	json_decref(rec);
}

/* Rows that span read chunks: a file larger than the reader's 64 KiB chunk. */
static void test_csv__streams_a_file_larger_than_a_chunk(void)
{
	const char *dir = unit_tmpdir();
	char *path = xasprintf("%s/Accounts.csv", dir);
	FILE *fp = fopen(path, "wb");
	struct fixture f;
	json_t *rec = NULL;
	int i, n = 0, rc;

	fputs("id,Account_Name,Description\n", fp);
	for (i = 1; i <= 3000; i++)
		fprintf(fp, "%d,\"Name, %d\",\"line one\nline two of record %d\"\n", i, i, i);
	fclose(fp);
	CHECK(fixture_open(&f, dir, "Accounts", NULL) == 0);
	while ((rc = next(&f, &rec)) == 1)
		n++;
	CHECK_INTEQ(rc, 0);
	CHECK_INTEQ(n, 3000);
	fixture_close(&f);
	xfree(path);
}

/* fixtures/csv, found from this file's path (the tests run from the top folder). */
static char *fixture_dir(void)
{
	const char *slash = strrchr(__FILE__, '/');
	int n = slash ? (int)(slash - __FILE__) : 0;

	return n ? xasprintf("%.*s/../../fixtures/csv", n, __FILE__) : xstrdup("../../fixtures/csv");
}

static void test_csv__fixture_folder(void)
{
	char *dir = fixture_dir();
	struct fixture f;
	json_t *rec = NULL;
	int n = 0, rc;

	CHECK(fixture_open(&f, dir, "Accounts", NULL) == 0);
	while ((rc = next(&f, &rec)) == 1) {
		if (++n == 1) {
			CHECK_STREQ(str(rec, "Account_Name"), "Acme, Inc.");
			CHECK_STREQ(str(rec, "Billing_Street"), "1 Main St\r\nSuite 200");
			CHECK_STREQ(str(rec, "Description"), "Key account; says \"ship fast\"");
			CHECK(json_is_null(json_object_get(rec, "Parent_Account")));
		} else if (n == 2) {
			CHECK_STREQ(str(json_object_get(rec, "Parent_Account"), "id"), "4150868000000224001");
		} else if (n == 3) {
			CHECK_STREQ(str(rec, "Account_Name"), "=HYPERLINK(\"http://evil.example\")");
		}
	}
	CHECK_INTEQ(rc, 0);
	CHECK_INTEQ(n, 3);
	fixture_close(&f);
	CHECK(fixture_open(&f, dir, "Deals", NULL) == 0);
	CHECK(next(&f, &rec) == 0);
	fixture_close(&f);
	json_decref(rec);
	xfree(dir);
}

/* A CRM value keeps its spaces: libcsv would trim them around unquoted cells. */
static void test_csv__spaces_kept(void)
{
	const char *dir = unit_tmpdir();
	struct fixture f;
	json_t *rec = NULL;

	WRITE(dir, "Accounts.csv", "id,Account_Name,Phone\r\n1, Glacier Hill ,\t555 \r\n");
	CHECK(fixture_open(&f, dir, "Accounts", NULL) == 0);
	CHECK(next(&f, &rec) == 1);
	CHECK_STREQ(str(rec, "Account_Name"), " Glacier Hill ");
	CHECK_STREQ(str(rec, "Phone"), "\t555 ");
	json_decref(rec);
	fixture_close(&f);
}


/* A NUL byte would cut the value short in every C-string consumer: the row is refused. */
static void test_csv__nul_byte_is_a_record_error(void)
{
	static const char text[] = "id,Account_Name\n1,Acme\n2,Bet\0HIDDEN\n3\0999,Gamma\n4,Delta\n";
	const char *dir = unit_tmpdir();
	struct fixture f;
	json_t *rec = NULL;

	write_file(dir, "Accounts.csv", text, sizeof(text) - 1);
	CHECK(fixture_open(&f, dir, "Accounts", NULL) == 0);
	CHECK(next(&f, &rec) == 1);
	CHECK(next(&f, &rec) == FS_EINPUT);
	CHECK_STREQ(err_msg(), "'Accounts.csv' line 3: column 'Account_Name': a NUL byte");
	CHECK(next(&f, &rec) == FS_EINPUT);
	CHECK_STREQ(err_msg(), "'Accounts.csv' line 4: column 'id': a NUL byte");
	CHECK(next(&f, &rec) == 1);
	CHECK_STREQ(str(rec, "Account_Name"), "Delta");
	CHECK(next(&f, &rec) == 0);
	fixture_close(&f);
	json_decref(rec);
}

static void test_csv__nul_byte_in_header_refused(void)
{
	static const char text[] = "id\0junk,Account_Name\n1,Acme\n";
	const char *dir = unit_tmpdir();
	struct fixture f;

	write_file(dir, "Accounts.csv", text, sizeof(text) - 1);
	CHECK(fixture_open(&f, dir, "Accounts", NULL) == FS_EUSAGE);
	CHECK_STREQ(err_msg(), "'Accounts.csv' line 1: column 1: a NUL byte in its name");
	fixture_close(&f);
}

/* A second export joined on (its BOM, its header), ids that are not record ids. */
static void test_csv__header_again_and_bad_ids_are_record_errors(void)
{
	const char *dir = unit_tmpdir();
	struct fixture f;
	json_t *rec = NULL;

	WRITE(dir, "Accounts.csv",
	      "id,Account_Name\r\n"
	      "1,Acme\r\n"
	      "\xEF\xBB\xBFid,Account_Name\r\n"
	      "\xEF\xBB\xBF"
	      "2,Beta\r\n"
	      "abc,Gamma\r\n"
	      " ,Space\r\n"
	      "5,Epsilon\r\n");
	CHECK(fixture_open(&f, dir, "Accounts", NULL) == 0);
	CHECK(next(&f, &rec) == 1);
	CHECK(next(&f, &rec) == FS_EINPUT);
	CHECK_STREQ(err_msg(), "'Accounts.csv' line 3: the header row again (two exports joined?); not a record");
	CHECK(next(&f, &rec) == FS_EINPUT);
	CHECK_STREQ(err_msg(), "'Accounts.csv' line 4: id '???2' is not a CRM record id (digits only)");
	CHECK(next(&f, &rec) == FS_EINPUT);
	CHECK_STREQ(err_msg(), "'Accounts.csv' line 5: id 'abc' is not a CRM record id (digits only)");
	CHECK(next(&f, &rec) == FS_EINPUT);
	CHECK_STREQ(err_msg(), "'Accounts.csv' line 6: id ' ' is not a CRM record id (digits only)");
	CHECK(next(&f, &rec) == 1);
	CHECK_STREQ(str(rec, "Account_Name"), "Epsilon");
	CHECK(next(&f, &rec) == 0);
	fixture_close(&f);
	json_decref(rec);
}

/* An unclosed quote loses its row only: reading goes on from the next line. */
static void test_csv__unclosed_quote_loses_one_row(void)
{
	const char *dir = unit_tmpdir();
	struct fixture f;
	json_t *rec = NULL;
	char *where;

	WRITE(dir, "Accounts.csv",
	      "id,Account_Name,Phone\r\n"
	      "1,Acme,1\r\n"
	      "2,\"Beta,2\r\n"
	      "3,Gamma,3\r\n"
	      "4,Delta,4\r\n");
	CHECK(fixture_open(&f, dir, "Accounts", NULL) == 0);
	CHECK(next(&f, &rec) == 1);
	CHECK(next(&f, &rec) == FS_EINPUT);
	CHECK(strstr(err_msg(), "'Accounts.csv' line 3: a quoted cell is not closed") == err_msg());
	CHECK(next(&f, &rec) == 1);
	CHECK_STREQ(str(rec, "Account_Name"), "Gamma");
	where = source_where(f.src);
	CHECK_STREQ(where, "'Accounts.csv' line 4");
	xfree(where);
	CHECK(next(&f, &rec) == 1);
	CHECK_STREQ(str(rec, "Account_Name"), "Delta");
	CHECK(next(&f, &rec) == 0);
	fixture_close(&f);
	json_decref(rec);
}

/* A cell over 16 MiB is its row's error; the rows after it are read. */
static void test_csv__cell_over_the_limit_loses_one_row(void)
{
	const char *dir = unit_tmpdir();
	char *path = xasprintf("%s/Accounts.csv", dir);
	FILE *fp = fopen(path, "wb");
	struct fixture f;
	json_t *rec = NULL;
	size_t i;

	fputs("id,Account_Name,Description\n1,Acme,\n2,Beta,\"", fp);
	for (i = 0; i < ((size_t)17 << 20); i += 16)
		fputs("yyyyyyyyyyyyyyyy", fp);
	fputs("\"\n3,Gamma,\n4,Delta,\n", fp);
	fclose(fp);
	CHECK(fixture_open(&f, dir, "Accounts", NULL) == 0);
	CHECK(next(&f, &rec) == 1);
	CHECK(next(&f, &rec) == FS_EINPUT);
	CHECK_STREQ(err_msg(), "'Accounts.csv' line 3: a cell longer than 16 MiB");
	CHECK(next(&f, &rec) == 1);
	CHECK_STREQ(str(rec, "Account_Name"), "Gamma");
	CHECK(next(&f, &rec) == 1);
	CHECK_STREQ(str(rec, "Account_Name"), "Delta");
	CHECK(next(&f, &rec) == 0);
	fixture_close(&f);
	json_decref(rec);
	xfree(path);
}

static void test_csv__column_named_twice_refused(void)
{
	const char *dir = unit_tmpdir();
	struct fixture f;

	WRITE(dir, "Contacts.csv", "id,Owner,Owner.id,Last_Name,Owner.id\n");
	CHECK(fixture_open(&f, dir, "Contacts", NULL) == FS_EUSAGE);
	CHECK_STREQ(err_msg(), "'Contacts.csv' line 1: column 'Owner.id' appears twice");
	fixture_close(&f);
	WRITE(dir, "Contacts.csv", "id,Last_Name,Owner,Last_Name\n");
	CHECK(fixture_open(&f, dir, "Contacts", NULL) == FS_EUSAGE);
	CHECK_STREQ(err_msg(), "'Contacts.csv' line 1: column 'Last_Name' appears twice");
	fixture_close(&f);
}

/*
 * 200,000 columns: a quadratic header took about 17 minutes (40,000 columns
 * took 10.5 s), a linear one a second or two.  The bound is CPU time and
 * generous, so a loaded machine or a sanitizer build cannot fail it; a
 * quadratic reader is still far past it.
 */
static void test_csv__wide_header_in_linear_time(void)
{
	const char *dir = unit_tmpdir();
	char *path = xasprintf("%s/Accounts.csv", dir);
	FILE *fp = fopen(path, "wb");
	struct fixture f;
	json_t *rec = NULL;
	struct timespec t0, t1;
	double secs;
	int i, n = 200000;

	fputs("id,Account_Name", fp);
	for (i = 2; i < n; i++)
		fprintf(fp, ",C%d,L%d.id", i, i);
	fputs("\n1,Wide", fp);
	for (i = 2; i < n; i++)
		fputs(",,", fp);
	fputs("\n", fp);
	fclose(fp);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
	CHECK(fixture_open(&f, dir, "Accounts", NULL) == 0);
	CHECK(next(&f, &rec) == 1);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	CHECK_STREQ(str(rec, "Account_Name"), "Wide");
	CHECK_INTEQ((long)json_object_size(rec), 2L * n - 2);
	CHECK(secs < 60.0);
	if (secs >= 60.0)
		fprintf(stderr, "a header of %d columns took %.1f s\n", 2 * n - 2, secs);
	CHECK(next(&f, &rec) == 0);
	fixture_close(&f);
	json_decref(rec);
	xfree(path);
}

/* CR-only line ends (old Mac exports): each CR ends a line, so errors name the right one. */
static void test_csv__cr_only_lines_counted(void)
{
	const char *dir = unit_tmpdir();
	struct fixture f;
	json_t *rec = NULL;

	WRITE(dir, "Accounts.csv", "id,Account_Name\r1,Acme\r2,Beta\r3,Gamma,extra\r4,Delta\r");
	CHECK(fixture_open(&f, dir, "Accounts", NULL) == 0);
	CHECK(next(&f, &rec) == 1);
	CHECK(next(&f, &rec) == 1);
	CHECK(next(&f, &rec) == FS_EINPUT);
	CHECK_STREQ(err_msg(), "'Accounts.csv' line 4: 3 cells, header has 2");
	CHECK(next(&f, &rec) == 1);
	CHECK_STREQ(str(rec, "Account_Name"), "Delta");
	CHECK(next(&f, &rec) == 0);
	fixture_close(&f);
	json_decref(rec);
}

/* CRLF rows across many chunks (a CR may end one chunk, its LF start the next): lines still counted once. */
static void test_csv__crlf_across_chunks_counted_once(void)
{
	const char *dir = unit_tmpdir();
	char *path = xasprintf("%s/Accounts.csv", dir);
	FILE *fp = fopen(path, "wb");
	struct fixture f;
	json_t *rec = NULL;
	int i, n = 0, rc;

	/* The header (17 bytes) and row 0 end with the first 64 KiB chunk's last byte a CR. */
	fputs("id,Account_Name\r\n0,", fp);
	for (i = 0; i < 65536 - 17 - 2 - 1; i++)
		fputc('x', fp);
	fputs("\r\n", fp);
	for (i = 1; i < 20000; i++)
		fprintf(fp, "%d,N%d\r\n", i, i % 7 ? i : -i);
	fputs("20001,\"unclosed\r\n20002,After\r\n", fp);
	fclose(fp);
	CHECK(fixture_open(&f, dir, "Accounts", NULL) == 0);
	while ((rc = next(&f, &rec)) == 1)
		n++;
	CHECK_INTEQ(rc, FS_EINPUT);
	CHECK_INTEQ(n, 20000);
	CHECK(strstr(err_msg(), "'Accounts.csv' line 20002: a quoted cell is not closed") == err_msg());
	CHECK(next(&f, &rec) == 1);
	CHECK_STREQ(str(rec, "Account_Name"), "After");
	CHECK(next(&f, &rec) == 0);
	fixture_close(&f);
	json_decref(rec);
	xfree(path);
}

static const struct unit_test csv_tests[] = {
	UNIT(test_csv__spaces_kept),
	UNIT(test_csv__quoting_bom_crlf),
	UNIT(test_csv__keys_in_header_order),
	UNIT(test_csv__lookups_and_owner_become_objects),
	UNIT(test_csv__fields_lists_lookups_once),
	UNIT(test_csv__short_row_reported_then_skipped),
	UNIT(test_csv__line_of_a_row_after_a_multiline_cell),
	UNIT(test_csv__stray_quote_and_bad_utf8_are_record_errors),
	UNIT(test_csv__missing_file_has_no_records),
	UNIT(test_csv__header_must_start_with_id),
	UNIT(test_csv__modified_since_filters),
	UNIT(test_csv__streams_a_file_larger_than_a_chunk),
	UNIT(test_csv__fixture_folder),
	UNIT(test_csv__nul_byte_is_a_record_error),
	UNIT(test_csv__nul_byte_in_header_refused),
	UNIT(test_csv__header_again_and_bad_ids_are_record_errors),
	UNIT(test_csv__unclosed_quote_loses_one_row),
	UNIT(test_csv__cell_over_the_limit_loses_one_row),
	UNIT(test_csv__column_named_twice_refused),
	UNIT(test_csv__wide_header_in_linear_time),
	UNIT(test_csv__cr_only_lines_counted),
	UNIT(test_csv__crlf_across_chunks_counted_once),
	{ 0 },
};
UNIT_SUITE(csv_tests)
