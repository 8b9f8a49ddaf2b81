/*
 * test_price_books.c - the smallest sync unit (src/stage/price_books.c)
 * against a finsync-sandbox: with sync.price_books the extract stages the
 * CRM's price books (each one, into the manifest); without the key, or in
 * a run of one entity, it reads nothing and stages no file.
 */
#include <string.h>
#include <unistd.h>
#include "finsync/alloc.h"
#include "finsync/crm.h"
#include "finsync/pipeline.h"
#include "finsync/staging.h"
#include "../../src/stage/units.h"
#include "sandbox_test.h"
#include "unit.h"

extern const struct sync_unit unit_price_books;

/* Runs the unit's extract into dir; the names staged, "Retail,Wholesale," (xfree), or NULL when no file. */
static char *extract_into(struct sandbox_job *fx, struct pipeline *p, const char *dir, long *in_manifest)
{
	struct stage_run s = { 0 };
	struct staging_reader *r = NULL;
	char *file = xasprintf("%s/price_books.ndjson.gz", dir), text[256] = "";
	json_t *rec;

	s.p = p;
	s.out_dir = dir;
	s.m = manifest_new(1, "extract");
	CHECK(crm_open(&s.crm, fx->job) == 0);
	CHECK(unit_price_books.extract(&s, &unit_price_books) == 0);
	*in_manifest = manifest_records(s.m, "price_books");
	crm_close(s.crm);
	manifest_free(s.m);
	if (access(file, F_OK)) {
		xfree(file);
		return NULL;
	}
	xfree(file);
	CHECK(staging_reader_open(&r, dir, "price_books", 0) == 0);
	while (r && staging_read(r, &rec) == 1) {
		const char *name = json_string_value(json_object_get(rec, "Price_Book_Name"));

		if (name && strlen(text) + strlen(name) + 2 < sizeof(text)) {
			strcat(text, name);
			strcat(text, ",");
		}
		json_decref(rec);
	}
	staging_reader_close(r);
	return xstrdup(text);
}

static void test_price_books__staged_only_when_asked(void)
{
	struct sandbox_job fx;
	struct pipeline p = { 0 };
	json_t *made;
	char *dir, *names;
	long n = -1;

	if (sandbox_job_setup(&fx, "books"))
		return;
	made = ctl(&fx.sb, "POST", "/crm/Price_Books",
		   "{\"data\":[{\"Price_Book_Name\":\"Retail\"},{\"Price_Book_Name\":\"Wholesale\"}]}");
	CHECK(json_is_true(json_object_get(made, "ok")));
	json_decref(made);
	p.job = fx.job;
	dir = xasprintf("%s/extract-a", fx.dir);
	names = extract_into(&fx, &p, dir, &n); /* the job has no sync.price_books */
	CHECK(names == NULL);
	CHECK_INTEQ(n, 0);
	xfree(dir);
	json_object_set_new(json_object_get(fx.job->root, "sync"), "price_books", json_true());
	dir = xasprintf("%s/extract-b", fx.dir);
	names = extract_into(&fx, &p, dir, &n);
	CHECK(names && (!strcmp(names, "Retail,Wholesale,") || !strcmp(names, "Wholesale,Retail,")));
	CHECK_INTEQ(n, 2);
	xfree(names);
	xfree(dir);
	p.only = "customers"; /* a run of one entity stages none */
	dir = xasprintf("%s/extract-c", fx.dir);
	names = extract_into(&fx, &p, dir, &n);
	CHECK(names == NULL);
	xfree(dir);
	sandbox_job_teardown(&fx);
}

static const struct unit_test price_books_tests[] = {
	UNIT(test_price_books__staged_only_when_asked),
	{ 0 },
};
UNIT_SUITE(price_books_tests)
