/*
 * crm.h - the CRM side: the Zoho CRM REST API or a folder of CSV export
 * files.  Both give records in the API's JSON shape (lookups as
 * {"name","id"} objects, Owner as {"name","id","email"}), so the later stages
 * do not know where a record came from.  CSV cells stay strings; an empty
 * cell is null.
 *
 * Adding a source: a file src/conn/<name>.c exporting one struct crm_ops,
 * an entry in the table in src/conn/crm.c, fixtures, an e2e test.
 */
#ifndef FINSYNC_CRM_H
#define FINSYNC_CRM_H
#include <jansson.h>
#include "finsync/job.h"

struct crm;
struct source;
struct crm_row_result;

struct crm_query {
	const char *module;         /* "Accounts", "Contacts", "Products", "Vendors" */
	json_t *fields;             /* array of field API names to read (borrowed) */
	const char *cvid;           /* custom view, or NULL */
	const char *modified_since; /* ISO 8601 with offset, or NULL for all */
	const char *ids;            /* comma-separated record ids (at most 100), or NULL */
	/*
	 * The run's staging folder, where a Bulk Read's download goes, or NULL:
	 * the list API only.  Set, a full read (no modified_since, no ids) of
	 * the Zoho CRM goes by crm.read (auto: Bulk Read past the list wall).
	 */
	const char *tmp_dir;
};

struct crm_ops {
	const char *type; /* job file crm.type */
	int (*open)(struct crm **out, const struct job *job);
	/* The module's field API names (new array); 0, or FS_EUSAGE/FS_EABORT. */
	int (*fields)(struct crm *c, const char *module, json_t **out);
	/* The module's fields with their types (new object name -> type); NULL op: every field is text. */
	int (*field_types)(struct crm *c, const char *module, json_t **out);
	int (*read)(struct crm *c, const struct crm_query *q, struct source **out);
	/*
	 * The module's deleted-records feed since modified_since (NULL: all it
	 * keeps); items {id, display_name, deleted_time, deleted_by}.  NULL op:
	 * the source has no such feed (CSV exports).
	 */
	int (*deleted)(struct crm *c, const char *module, const char *modified_since, struct source **out);
	/*
	 * Writes rows (a JSON array) to module: "upsert" (with dup_fields, or the
	 * module's default duplicate check when NULL), "insert" (a duplicate is
	 * refused, DUPLICATE_DATA) or "update" (each row has its "id").  Sent in calls of at most 100 rows; results[i] is row i's.
	 * NULL op: the source cannot be written (CSV exports).
	 */
	int (*write)(struct crm *c, const char *module, const char *how, json_t *rows, const char *const *dup_fields,
		     struct crm_row_result *results);
	/*
	 * The records of a record's related list (GET /{module}/{id}/{relation},
	 * fields mandatory), page by page.  NULL op: the source has no related
	 * lists (CSV exports).
	 */
	int (*related)(struct crm *c, const char *module, const char *id, const char *relation, json_t *fields,
		       struct source **out);
	/*
	 * One record by id (GET /{module}/{id}): the only read that carries a
	 * record's line items (Quoted_Items …).  1 with a new reference in
	 * *out, 0 when the CRM has no such record.  NULL op: the source cannot.
	 */
	int (*get)(struct crm *c, const char *module, const char *id, json_t **out);
	/*
	 * The module's record count (of the custom view cvid when not NULL) in
	 * *n, as the CRM counts it.  NULL op: crm_count() reads the records.
	 */
	int (*count)(struct crm *c, const char *module, const char *cvid, long *n);
	void (*close)(struct crm *c);
};

struct crm {
	const struct crm_ops *ops;
	const struct job *job;
	/*
	 * The CRM's clock at its first list answer (its Date header; 0: none
	 * seen, or a source without one): the next incremental run reads the
	 * changes since then, by the clock that stamps Modified_Time.
	 */
	long first_list_time;
};

/* What the CRM said of one row of a write. */
struct crm_row_result {
	int ok;
	char *id;      /* the record's id (new or existing) */
	char *action;  /* "insert" or "update" (upsert), or NULL */
	char *code;    /* Zoho's code: "SUCCESS", "DUPLICATE_DATA", … */
	char *message; /* Zoho's message and details, for the ledger */
};

struct source_ops {
	/* 1 with a new reference in *out, 0 at the end, <0 error (err_msg()). */
	int (*next)(struct source *src, json_t **out);
	void (*close)(struct source *src);
	/* Where next()'s last record came from ("'Accounts.csv' line 7"), new string; NULL op: unknown. */
	char *(*where)(struct source *src);
};

struct source {
	const struct source_ops *ops;
};

int crm_open(struct crm **out, const struct job *job);
int crm_fields(struct crm *c, const char *module, json_t **out);
/* The module's fields and their types (new object: name -> "text", "picklist" …). */
int crm_field_types(struct crm *c, const char *module, json_t **out);
int crm_read(struct crm *c, const struct crm_query *q, struct source **out);
/* 0 with *out NULL when the source has no deleted-records feed. */
int crm_deleted(struct crm *c, const char *module, const char *modified_since, struct source **out);
/* A record's related list (see crm_ops.related); 0 with *out NULL when the source has none. */
int crm_related(struct crm *c, const char *module, const char *id, const char *relation, json_t *fields,
		struct source **out);
/* Writes rows to the CRM (see crm_ops.write); FS_EUSAGE when the source cannot be written. */
int crm_write(struct crm *c, const char *module, const char *how, json_t *rows, const char *const *dup_fields,
	      struct crm_row_result *results);
void crm_row_result_release(struct crm_row_result *r);
/* One record by id, line items included (see crm_ops.get); FS_EUSAGE when the source cannot. */
int crm_get(struct crm *c, const char *module, const char *id, json_t **out);

/*
 * The records of module (in the custom view cvid, may be NULL) in *n: the
 * CRM's count API, or the records read one by one where the source has no
 * count (a CSV export's rows).  0, or the read's error.
 */
int crm_count(struct crm *c, const char *module, const char *cvid, long *n);

/* Whether the source can read only what changed (If-Modified-Since). */
int crm_incremental(const struct crm *c);
void crm_close(struct crm *c); /* NULL-safe */

int source_next(struct source *src, json_t **out);
void source_close(struct source *src); /* NULL-safe */
/* Where the last record came from (new string), or NULL when the source cannot say. */
char *source_where(struct source *src);

/* The CRM's base currency (org iso_code, new string) in *out; NULL when unknown (csv). 0 or FS_EABORT. */
int crm_base_currency(const struct job *job, char **out);

/*
 * The values of the picklist field of module (display and actual values, a
 * new array of strings) in *out; NULL when the source has no picklists (CSV)
 * or the module lacks the field.  0 or FS_EABORT.
 */
int crm_picklist(const struct job *job, const char *module, const char *field, json_t **out);
/*
 * The field metadata of module's field (settings/fields: api_name,
 * data_type, unique …; a new reference) in *out; NULL when the module lacks
 * it or the source has no metadata (CSV).  0 or FS_EABORT.
 */
int crm_field_info(const struct job *job, const char *module, const char *field, json_t **out);
/* 1 when Zoho CRM has the custom view cvid in module, 0 when not; FS_EABORT, or FS_EUSAGE for a CSV export. */
int crm_view_exists(const struct job *job, const char *module, const char *cvid);

/* Where a CRM CSV's bytes come from: an export file, or a Bulk Read ZIP's member. */
struct csv_input {
	void *ctx;
	/* Bytes read into buf (0 at the end), or <0 with the reason said (fail()). */
	long (*read)(void *ctx, char *buf, size_t n);
	/* Back to byte off (0 or <0); NULL when the input cannot go back (a compressed stream). */
	int (*seek)(void *ctx, long off);
	void (*close)(void *ctx);
};

/*
 * A source of the records of a CRM CSV (crm_csv.c's reader: header, lookups
 * as objects, bad rows as FS_EINPUT) over in, which it takes (closed with
 * the source); name names it in messages.
 */
int crm_csv_source_open(struct source **out, const char *name, struct csv_input *in);

extern const struct crm_ops zoho_crm_ops;
extern const struct crm_ops crm_csv_ops;

#endif
