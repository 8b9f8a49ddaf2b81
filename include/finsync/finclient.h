/*
 * finclient.h - the finance app's REST API for the entities finsync syncs.
 *
 * Paths, where the organisation id goes (query or header), envelope keys and
 * id keys all come from the app table (finance.h); callers speak entities.
 */
#ifndef FINSYNC_FINCLIENT_H
#define FINSYNC_FINCLIENT_H
#include <jansson.h>
#include "finsync/job.h"

struct finclient;

struct fin_outcome {
	int ok;           /* 1 when the app accepted the write */
	long status;      /* HTTP status */
	long code;        /* Zoho business code (0 on success) */
	char *finance_id; /* id of the created/updated record */
	char *message;    /* the app's message, for the ledger */
	json_t *persons;  /* a customer's answer: its contact_persons array, or NULL */
};

int finclient_open(struct finclient **out, const struct job *job);
void finclient_close(struct finclient *fc);

/*
 * Calls fn for every existing record of the entity (list rows), page by
 * page, inactive ones included (filter_by=Status.All).  Customers and vendors
 * are told apart by each row's own contact_type (the record's, read by id,
 * when the row lacks it), not by the list filter, which Zoho does not
 * document: a row of the other kind never reaches fn.
 */
int finclient_list(struct finclient *fc, enum entity_kind kind, int (*fn)(json_t *row, void *ud), void *ud);

/* The record by id: 1 with a new reference in *out, 0 when the app has none, <0 error. */
int finclient_read(struct finclient *fc, enum entity_kind kind, const char *id, json_t **out);

/*
 * The custom field api_name on a list row or a record: a top-level cf_ key,
 * custom_field_hash, or an entry of custom_fields; borrowed, NULL when not
 * there.  *carried is 0 when the row holds no custom fields at all (Zoho's
 * documented list rows do not): only the record, read by id, can tell.
 */
json_t *fin_row_cf(json_t *row, const char *api_name, int *carried);

/*
 * Creates (finance_id NULL) or updates a record.  0 with out->ok set either
 * way when the app answered; <0 (FS_EABORT) only when it could not be reached.
 */
int finclient_write(struct finclient *fc, enum entity_kind kind, const char *finance_id, json_t *payload,
		    struct fin_outcome *out);
void fin_outcome_release(struct fin_outcome *o);

/*
 * Creates or updates the record whose unique custom field key_field holds
 * key_value (PUT with X-Unique-Identifier-Key/-Value and X-Upsert), so a
 * create sent twice makes one record.  Only where app->has_unique_upsert.
 */
int finclient_upsert(struct finclient *fc, enum entity_kind kind, const char *key_field, const char *key_value,
		     json_t *payload, struct fin_outcome *out);

/* One write of a batch: a create (finance_id NULL), an update, or an upsert (upsert_value set). */
struct fin_write {
	const char *finance_id;
	const char *upsert_value; /* the CRM id, for the app's unique-field upsert */
	json_t *payload;          /* borrowed */
	struct fin_outcome out;   /* out */
	int rc;                   /* out: 0 (see out.ok), FS_EBUDGET (not sent), FS_EABORT (no answer) */
};

/*
 * Sends n writes with at most job->fin.max_in_flight at once.  0 with each
 * write's rc and outcome, or FS_EABORT when the token could not be had.
 */
int finclient_write_many(struct finclient *fc, enum entity_kind kind, struct fin_write *w, size_t n);
/*
 * The same, calling on_answer(i, ud) with each answered write (rc 0, out
 * set) as soon as its answer is in, while the others are still out; the
 * writes it was not called for are those with no answer or not sent.
 */
int finclient_write_each(struct finclient *fc, enum entity_kind kind, struct fin_write *w, size_t n,
			 void (*on_answer)(size_t i, void *ud), void *ud);

/*
 * The id of the record whose custom field key_field is key_value: 1 found
 * (*id new), 0 none.  The value is checked on each row (on the record read
 * by id where the row lacks custom fields): the cf_ list filter is not
 * documented and may be ignored, so a row is never taken on the filter's
 * word, and the list is read to its end before "none".
 */
int finclient_find(struct finclient *fc, enum entity_kind kind, const char *key_field, const char *key_value,
		   char **id);
/*
 * The same for many values in one walk of the list: wanted maps each value
 * to null; a value found maps to its record's id.  0, or <0 when the app
 * could not be read.
 */
int finclient_find_many(struct finclient *fc, enum entity_kind kind, const char *key_field, json_t *wanted);

/*
 * Sales documents (deal automation): invoices and estimates, by id.  Each
 * returns 0 when the app answered (out->ok says whether it agreed; a
 * 404 or code 1002 is out->status 404), FS_EABORT/FS_EBUDGET when it could
 * not be asked.  On success out->finance_id is the document's id and
 * out->record its object (status, number …).
 */
enum fin_doc {
	FIN_DOC_INVOICE,
	FIN_DOC_ESTIMATE,
	FIN_DOC_ITEM /* read and found only */,
	FIN_DOC_SALESORDER,
	FIN_DOC_PURCHASEORDER /* read only (the mirror) */
};

struct fin_doc_result {
	struct fin_outcome out;
	json_t *record; /* the app's object, or NULL */
};

/*
 * A sales order the app refuses without a number is sent once more, numbered
 * "CRM-" and the payload's reference_number (see finclient.c).
 */
int finclient_doc_create(struct finclient *fc, enum fin_doc doc, json_t *payload, struct fin_doc_result *res);
int finclient_doc_update(struct finclient *fc, enum fin_doc doc, const char *id, json_t *payload,
			 struct fin_doc_result *res);
int finclient_doc_get(struct finclient *fc, enum fin_doc doc, const char *id, struct fin_doc_result *res);
/* POST /<docs>/{id}/status/<to> ("sent", "void", "accepted", "declined"). */
int finclient_doc_status(struct finclient *fc, enum fin_doc doc, const char *id, const char *to,
			 struct fin_doc_result *res);
/*
 * A document found by a lookup and checked, never taken on trust: pages
 * through GET /<docs>?<query> (newest first) and takes the first row for
 * which verify(rec, ud) is 1, reading the record by id first when its row
 * lacks one of the keys in need (NULL-terminated).  A filter the app
 * ignores costs pages, never a wrong match.  1 found (res filled with the
 * record as verified), 0 none, <0 the app could not be asked.
 */
int finclient_doc_find(struct finclient *fc, enum fin_doc doc, const char *query, const char *const *need,
		       int (*verify)(json_t *rec, void *ud), void *ud, struct fin_doc_result *res);
/*
 * The document of type doc a CRM record's create made before (its answer
 * lost, or the ledger lost the link), asked for by its reference_number (the
 * record's id) and its customer: only a row that carries both is taken.  As
 * finclient_doc_find(): 1 found (res filled), 0 none, <0 the app could not
 * be asked; res is released by the caller either way.
 */
int finclient_doc_find_own(struct finclient *fc, enum fin_doc doc, const char *crm_id, const char *customer_id,
			   struct fin_doc_result *res);
void fin_doc_result_release(struct fin_doc_result *res);
const char *fin_doc_name(enum fin_doc doc); /* "invoice", "estimate", "salesorder", "purchaseorder" */

/*
 * Calls fn for every row of a list (path such as "/invoices", list_key
 * "invoices", extra query such as "status=overdue" or NULL), page by page.
 */
int finclient_list_path(struct finclient *fc, const char *path, const char *list_key, const char *query,
			int (*fn)(json_t *row, void *ud), void *ud);

/* Deletes a customer or item: 0 with out (code 3000: a contact with transactions), or <0. */
int finclient_delete(struct finclient *fc, enum entity_kind kind, const char *finance_id, struct fin_outcome *out);

/*
 * A customer's contact persons, one at a time (the app table says where):
 * a create (person_id NULL) or an update of one person with body, its
 * deletion, and (where the app has one) making it the primary person.
 * 0 when the app answered (out->ok; out->finance_id is the person's id, a
 * missing person is out->status 404), else FS_EABORT, FS_EBUDGET or FS_EUNSURE.
 */
int finclient_person_write(struct finclient *fc, const char *customer_id, const char *person_id, json_t *body,
			   struct fin_outcome *out);
int finclient_person_delete(struct finclient *fc, const char *customer_id, const char *person_id,
			    struct fin_outcome *out);
int finclient_person_primary(struct finclient *fc, const char *person_id, struct fin_outcome *out);
/* Calls fn for each contact person of a customer (GET …/{customer_id}/contactpersons). */
int finclient_person_list(struct finclient *fc, const char *customer_id, int (*fn)(json_t *row, void *ud), void *ud);

/* The organisation's base currency code (new string), or NULL with an error. */
int finclient_base_currency(struct finclient *fc, char **out);

long finclient_requests(const struct finclient *fc);
/* The calls the app may still be sent today (api_budget_left()), -1 unknown. */
long finclient_budget_left(const struct finclient *fc);

/*
 * One GET of the app's path with query (the organisation added): 0 with the
 * HTTP status and the parsed body (new reference, NULL when not JSON),
 * whatever the status; FS_EABORT/FS_EBUDGET when it could not be asked.
 * For the set-up checks and probes, which judge the answer themselves.
 */
int finclient_get(struct finclient *fc, const char *path, const char *query, long *status, json_t **body);

#endif
