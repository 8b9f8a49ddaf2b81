/*
 * xform.h - the transform steps, shared by the files of src/xform and
 * src/stage/transform.c (not a public seam: nothing else includes it).
 * The stage hands its run down in struct xform; nothing here calls up.
 *
 * One CRM record goes: mapping (payload) -> dedupe (identity ladder, plan)
 * -> hash (change detection) -> one line of transform/<entity>.ndjson.gz.
 * customer_type.c decides which CRM records become which customers.
 */
#ifndef FINSYNC_XFORM_H
#define FINSYNC_XFORM_H
#include <jansson.h>
#include "finsync/buf.h"
#include "finsync/job.h"
#include "finsync/ndjson.h"
#include "finsync/ledger.h"

struct staging_writer;
struct fin_index;
struct mapping_cache;

/* One entity's transform in progress. */
struct xform {
	struct ledger *lg;   /* the run's ledger */
	const char *run_dir; /* staging/<run_id>, for scratch files */
	const struct job *job;
	const struct entity_sync *e;
	struct fin_index *idx; /* borrowed; shared by customers and vendors */
	struct staging_writer *w;
	struct mapping_cache *maps; /* the entity's compiled mappings */
	int ledger_empty;           /* no link or decision of the entity: no lookups */
	struct buf text;            /* an output line, reused */
	struct buf payload_text;    /* the payload's text, for the line and the hash */
	struct ndjson_spans spans;  /* where its values are (ndjson_dump_spans) */
	const char *extract_dir;
	struct stats st;
	long dropped;        /* contacts deliberately not synced */
	long records_failed; /* the stage adds them to the run's exit code count */
};

/* --- pump.c: the per-record pump --- */

typedef int (*xform_record_fn)(struct xform *x, json_t *rec, void *ud);

/*
 * Calls fn for every record of extract/<file>.ndjson.gz (missing = none).
 * A malformed line is logged and, when count_bad, counted as a failed record;
 * only I/O errors and fn's own errors (<0) stop it.
 */
int xform_stream(struct xform *x, const char *file, xform_record_fn fn, void *ud, int count_bad);

/* Maps, plans and writes one CRM record of module; persons: see mapping_payload(). */
int xform_emit(struct xform *x, const char *module, json_t *rec, json_t *persons);

/* --- customer_type.c --- */

/* Writes the customers entity: accounts, contacts or both, by e->crm_module. */
int xform_customers(struct xform *x);

/* --- mapping.c --- */

struct mapped {
	json_t *payload; /* the finance body, or NULL when invalid */
	char *name;      /* display name (may be NULL when invalid) */
	char *reason;    /* why the record is invalid, else NULL */
};

/*
 * Builds the finance payload of one CRM record of module ("Accounts",
 * "Contacts", "Vendors", "Products") for e and the job's app.  persons, for
 * an account in accounts_and_contacts mode, is an array of the persons of
 * its contacts (mapping_person(), borrowed, in order; the first becomes the
 * primary).  Returns 0, or FS_EINPUT with m->reason for an invalid record.
 */
int mapping_payload(const struct job *job, const struct entity_sync *e, const char *module, json_t *rec,
		    json_t *persons, struct mapped *m);
void mapped_release(struct mapped *m);

/*
 * The same, with the mapping of each module compiled once (see mapping.c):
 * a transform keeps one cache per entity in struct xform.  The cache
 * borrows job and e.
 */
struct mapping_cache *mapping_cache_new(const struct job *job, const struct entity_sync *e);
void mapping_cache_free(struct mapping_cache *c); /* NULL-safe */
int mapping_payload_cached(struct mapping_cache *c, const char *module, json_t *rec, json_t *persons, struct mapped *m);
json_t *mapping_person_cached(struct mapping_cache *c, json_t *contact);

/*
 * The key each person of a payload's contact_persons carries: the id of the
 * CRM record it comes from (a contact, or the customer's own record).  Not
 * an app key: the load takes it out before a person is sent.
 */
#define PERSON_CRM_ID "crm_contact_id"

/* The contact person of a CRM contact (new object), or NULL when it has none of the fields. */
json_t *mapping_person(const struct job *job, const struct entity_sync *e, json_t *contact);

/* The payload's primary email (Billing top level, else the primary person's), or NULL. */
const char *mapping_primary_email(json_t *payload);

/* The payload key holding the display name for the entity and app. */
const char *mapping_name_key(const struct job *job, const struct entity_sync *e);

/* A CRM record's id as a string (borrowed, or into buf for numbers); NULL when missing. */
const char *crm_record_id(json_t *rec, char *buf, size_t size);

/* The id of a lookup field ({"name","id"}), or NULL. */
const char *crm_lookup_id(json_t *rec, const char *field);

/* --- hash.c --- */

#define CONTENT_HASH_LEN 17 /* 16 hex digits and NUL */

/* FNV-1a 64 of the payload dumped with JSON_COMPACT | JSON_SORT_KEYS. */
void content_hash(json_t *payload, char out[CONTENT_HASH_LEN]);
/* The same from the payload's ndjson_dump_spans() (text and spans): no second dump. */
void content_hash_spans(const char *text, const struct ndjson_spans *spans, char out[CONTENT_HASH_LEN]);

/*
 * The hash a record is planned and linked with.  A payload with
 * contact_persons: whole (its content hash), "-", and the content hash of
 * the payload without them, so that the load sends a customer whose persons
 * alone changed without the customer's own write (persons.c writes them one
 * by one).  Any other payload: whole.
 */
#define RECORD_HASH_LEN (2 * CONTENT_HASH_LEN)
void record_hash(json_t *payload, const char *whole, char out[RECORD_HASH_LEN]);
/* The part of a record_hash() that is the payload without its persons, or NULL. */
const char *record_hash_body(const char *hash);

/* --- dedupe.c: the finance index and the identity ladder --- */

/*
 * An index of the finance app's existing records (the snapshot) plus the
 * records this run plans to create, in the scratch store on disk at path
 * (removed by fin_index_free), or in temporary files for fin_index_new():
 * bounded memory however many records.  A database error
 * is reported (fail()) once; fin_index_add() and dedupe_plan() then return
 * FS_EABORT, as does fin_index_failed().
 */
struct fin_index *fin_index_open(const struct job *job, const char *path);
struct fin_index *fin_index_new(const struct job *job);
int fin_index_failed(const struct fin_index *ix);
void fin_index_free(struct fin_index *ix);

/* Adds one snapshot row of kind (borrowed); FS_EINPUT when it has no id. */
int fin_index_add(struct fin_index *ix, enum entity_kind kind, json_t *row);

/* Adds extract/finance.<customers|vendors|items>.ndjson.gz (missing = empty). */
int fin_index_load(struct fin_index *ix, const char *extract_dir, enum entity_kind kind);

struct plan {
	const char *action; /* "create", "update", "unchanged", "skip", "ambiguous", "invalid" */
	const char *match;  /* "ledger", "review", "crm_id", "sku", "email", "name" or "" */
	char *reason;       /* or NULL */
	char *finance_id;   /* or NULL */
	json_t *candidates; /* ambiguous: array of finance ids; else NULL */
	int duplicate;
	char *name;      /* display name to write (may carry " (n)") */
	char *link_hash; /* crm_hash of the ledger link, for unchanged */
};

struct dedupe_input {
	enum entity_kind kind;
	const char *crm_id;
	const char *name;  /* display name from the mapping */
	const char *sku;   /* items; NULL or "" when none */
	const char *email; /* primary email when e->match_email, else NULL */
};

/*
 * Walks the identity ladder for one CRM record and plans its action; adds a
 * planned create to the index and marks a planned update's target as taken.
 * Returns 0 or a ledger error (<0).  lg NULL: the entity has nothing in the
 * ledger (no link, no decision), so its rungs are passed without a lookup.
 */
int dedupe_plan(struct fin_index *ix, struct ledger *lg, const struct entity_sync *e, const struct dedupe_input *in,
		struct plan *out);

/* Turns a ledger-matched update whose payload hash is unchanged into "unchanged". */
void plan_settle(struct plan *pl, const char *hash);

void plan_release(struct plan *pl);

/* --- pump.c: a planned line that is not the mapping's (deletions, rejects) --- */

/* The transform line of a plan (new object): the keys in the order pump.c gives. */
json_t *xform_line_new(struct xform *x, const char *module, const char *crm_id, const struct plan *pl, const char *hash,
		       json_t *payload);
/* Counts a written line in the entity's stats (and an invalid one as a failed record). */
void xform_count(struct xform *x, const struct plan *pl);

/* UTF-8 length in code points. */
size_t utf8_chars(const char *s);

#endif
