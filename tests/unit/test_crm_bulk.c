/*
 * test_crm_bulk.c - a Bulk Read CSV's text turned into the list API's JSON
 * types (crm_bulk.c), and the export reader over an input that cannot go
 * back (a ZIP member): an unclosed quote ends it instead of a re-read.
 */
#include <string.h>
#include <jansson.h>
#include "finsync/alloc.h"
#include "finsync/crm.h"
#include "finsync/crm_bulk.h"
#include "finsync/err.h"
#include "unit.h"

/* bulk_cell_value(type, text) dumped, for comparing. */
static char *cell(const char *type, const char *text)
{
	json_t *in = text ? json_string(text) : json_null();
	json_t *v = bulk_cell_value(type, in);
	char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);

	json_decref(in);
	json_decref(v);
	return s;
}

#define CHECK_CELL(type, text, want) \
	do { \
		char *got_ = cell(type, text); \
		CHECK_STREQ(got_, want); \
		free(got_); \
	} while (0)

static void test_bulk__numbers_as_the_list_api_gives_them(void)
{
	CHECK_CELL("integer", "42", "42");
	CHECK_CELL("integer", "-7", "-7");
	CHECK_CELL("bigint", "9007199254740993", "9007199254740993");
	CHECK_CELL("currency", "1500", "1500");
	CHECK_CELL("currency", "1500.25", "1500.25");
	CHECK_CELL("double", "1e3", "1000.0");
	CHECK_CELL("percent", "12.5", "12.5");
	/* Not a number: kept as the text it is, never lost. */
	CHECK_CELL("integer", "12abc", "\"12abc\"");
	CHECK_CELL("currency", "", "\"\"");
	CHECK_CELL("integer", "99999999999999999999999", "\"99999999999999999999999\"");
	CHECK_CELL("integer", NULL, "null");
}

static void test_bulk__booleans_lists_and_text(void)
{
	CHECK_CELL("boolean", "true", "true");
	CHECK_CELL("boolean", "false", "false");
	CHECK_CELL("boolean", "TRUE", "\"TRUE\"");
	CHECK_CELL("multiselectpicklist", "GST;VAT", "[\"GST\",\"VAT\"]");
	CHECK_CELL("multiselectpicklist", "GST", "[\"GST\"]");
	CHECK_CELL("text", "007", "\"007\"");
	CHECK_CELL("phone", "+1 555 0101", "\"+1 555 0101\"");
	CHECK_CELL(NULL, "42", "\"42\"");
}

struct mem_in {
	const char *data;
	size_t len, pos;
};

static long mem_read(void *ctx, char *buf, size_t n)
{
	struct mem_in *m = ctx;
	size_t k = m->len - m->pos < n ? m->len - m->pos : n;

	memcpy(buf, m->data + m->pos, k);
	m->pos += k;
	return (long)k;
}

static void test_bulk__unseekable_stream_stops_at_an_unclosed_quote(void)
{
	static const char csv[] =
		"id,Account_Name,Owner,Owner.email\r\n"
		"1001,\"Acme, Ltd\",7,a@example.com\r\n"
		"1002,\"never closed,8,b@example.com\r\n"
		"1003,After,9,c@example.com\r\n";
	struct mem_in m = { csv, sizeof(csv) - 1, 0 };
	struct csv_input in = { &m, mem_read, NULL, NULL };
	struct source *src = NULL;
	json_t *rec = NULL;
	int rc;

	CHECK(crm_csv_source_open(&src, "job.csv", &in) == 0);
	CHECK(source_next(src, &rec) == 1);
	CHECK_STREQ(json_string_value(json_object_get(rec, "Account_Name")), "Acme, Ltd");
	CHECK_STREQ(json_string_value(json_object_get(json_object_get(rec, "Owner"), "name")), "7");
	json_decref(rec);
	rc = source_next(src, &rec);
	CHECK(rc == FS_EINPUT);
	CHECK(strstr(err_msg(), "'job.csv' line 3") != NULL);
	CHECK(source_next(src, &rec) == 0);
	source_close(src);
}

static const struct unit_test bulk_tests[] = {
	UNIT(test_bulk__numbers_as_the_list_api_gives_them),
	UNIT(test_bulk__booleans_lists_and_text),
	UNIT(test_bulk__unseekable_stream_stops_at_an_unclosed_quote),
	{ 0 },
};
UNIT_SUITE(bulk_tests)
