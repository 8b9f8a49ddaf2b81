/*
 * price_books.c - sync.price_books: the CRM's price books staged each run
 * as extract/price_books.ndjson.gz, for `finsync export --stage extract
 * --entity price_books`.  Report only: finsync writes price books nowhere,
 * so the unit has an extract hook and no transform or load.  It is the
 * smallest unit, the one docs/HACKING.md "Add an entity" shows: this file
 * and its name in units.c's list are the whole of it, its job key too.
 */
#include "finsync/crm.h"
#include "finsync/err.h"
#include "finsync/log.h"
#include "finsync/staging.h"
#include "units.h"

/* Copies every record of src into w; a record that cannot be read or staged is a warning. */
static int copy_records(struct source *src, struct staging_writer *w, long *n)
{
	json_t *rec;
	int rc;

	while ((rc = source_next(src, &rec)) != 0) {
		if (rc == FS_EINPUT) {
			log_warn("Price_Books: record skipped: %s", err_msg());
			continue;
		}
		if (rc < 0)
			return rc;
		rc = staging_write(w, rec);
		json_decref(rec);
		if (rc == FS_EINPUT) {
			log_warn("Price_Books: record skipped: %s", err_msg());
			rc = 0;
		}
		if (rc)
			return rc;
		++*n;
	}
	return 0;
}

/* sync.price_books: true or false (absent: false); nothing to keep, the extract reads it again. */
static int price_books_key(struct job *job, json_t *value)
{
	return json_is_boolean(value) ? 0 : job_key_error(job, "sync.price_books", "must be true or false");
}

static int price_books_extract(struct stage_run *s, const struct sync_unit *u)
{
	struct crm_query q = { "Price_Books", NULL, NULL, NULL, NULL, NULL };
	struct staging_writer *w = NULL;
	struct source *src = NULL;
	long n = 0;
	int rc;

	if (!json_is_true(job_sync_value(s->p->job, u->key.name)) || s->p->only || s->p->only_id)
		return 0;
	log_set_entity(u->name);
	q.fields = json_pack("[s]", "Price_Book_Name");
	if (!(rc = staging_writer_open(&w, s->out_dir, u->name)) && !(rc = crm_read(s->crm, &q, &src)) &&
	    !(rc = copy_records(src, w, &n))) {
		rc = staging_writer_finish(w, s->m);
		w = NULL;
		if (!rc)
			log_info("price_books: %ld staged", n);
	}
	if (w)
		staging_writer_abort(w);
	source_close(src);
	json_decref(q.fields);
	log_set_entity(NULL);
	return rc;
}

const struct sync_unit unit_price_books = {
	.name = "price_books",
	.key = { "price_books", price_books_key },
	.extract = price_books_extract,
};
