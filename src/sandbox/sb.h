/*
 * sb.h - shared declarations of finsync-sandbox, the local emulator of the
 * Zoho CRM v8, Zoho finance (Books, Invoice, Billing, Inventory) and Zoho
 * OAuth token APIs.
 *
 * The folders are its parts.  Reading order: main.c (arguments, signals) →
 * http/server.c (libmicrohttpd, routing, request log) → oauth/oauth.c (tokens)
 * → crm/ (crm_meta.c, crm_read.c, crm_write.c: the CRM API) → finance/
 * (finance_app.c, the table of the four apps' differences, then
 * finance_api.c and the rest: the finance apps' API) → control/ (control.c,
 * the /__control API; faults.c, the fault table) → store/ (seed.c, store.c:
 * the SQLite store and what it starts with) → util.c.
 *
 * It stays a test double apart from finsync: it borrows finsync's
 * allocation, buffer, error, time and JSON utilities (src/util/) on purpose,
 * and nothing of finsync's Zoho knowledge (no job, mapping, connector or
 * finance app table), so it can disagree with the client.
 *
 * Threading: libmicrohttpd calls the request handler from a pool of threads;
 * every handler runs with sb->lock held, so the store, the fault table and
 * every other piece of mutable state below need no locks of their own.
 */
#ifndef SB_H
#define SB_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>
#include <jansson.h>
#include <microhttpd.h>

#define SB_NAME "finsync-sandbox"
#define SB_MAX_BODY (64u << 20) /* request bodies above this get 413 */

/*
 * Borrowed from finsync (src/util/): allocation that never returns NULL
 * (x*alloc; out of memory ends the process), the growable buffer (struct
 * buf) and ISO 8601 time parsing.  The sandbox is a test tool, so callers
 * never check an allocation or a buffer's growth.
 */
#include "finsync/alloc.h"
#include "finsync/buf.h"
#include "finsync/timeutil.h"
/*
 * Errors are finsync's too (finsync/err.h): a function that can fail says why
 * with fail() (a message naming the file, rule or record, kept per thread in
 * err_msg()) and returns non-zero; the caller answers or prints err_msg().
 */
#include "finsync/err.h"

/* ---- util.c: strings, Zoho's time formats ---------------------------- */

int str_eq(const char *a, const char *b);                     /* NULL-safe strcmp() == 0 */
int str_empty(const char *s);                                 /* NULL or "" */
int str_in(const char *s, const char *const *list);           /* list ends in NULL */
int parse_long(const char *s, long min, long max, long *out); /* 0 ok */
char *norm_name(const char *s);                               /* trimmed, Unicode case-folded; caller frees */
char *id_key(const char *id);                                 /* zero-padded sort key; caller frees */
int valid_email(const char *s);
int is_digits(const char *s);
uint64_t fnv1a(const void *p, size_t n, uint64_t h);
#define FNV_INIT 0xcbf29ce484222325ULL
void random_hex(char *out, size_t nhex);   /* nhex hex digits plus NUL */
char *url_decode(const char *s, size_t n); /* '+' is a space */

/* ISO 8601 "YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM|±HHMM)" by finsync's
 * time_parse_iso_flags() (TIME_EXACT); 0 ok, -1 bad. */
int parse_iso_time(const char *s, int require_offset, int64_t *out);
int valid_date(const char *s);              /* YYYY-MM-DD */
void fmt_crm_time(int64_t t, char out[32]); /* 2026-03-01T10:15:00+00:00 */
void fmt_fin_time(int64_t t, char out[32]); /* 2026-03-01T10:15:00+0000 */
void fmt_log_time(char out[40]);            /* wall clock, ms, Z */
void fmt_date(int64_t t, char out[11]);     /* 2026-03-01 (UTC) */
/* date (YYYY-MM-DD) plus days into out; -1 when date is not valid. */
int date_add_days(const char *date, long days, char out[11]);

/* ---- json helpers (util.c) ------------------------------------------ */

/*
 * JSON is read and written with finsync's ndjson_parse()/ndjson_dumps()
 * (util/ndjson.c): jansson's results, faster (jansson's reader and writer
 * were half of a finance create's cost), errors left to jansson; jstr()
 * is its string value of a key.
 */
#include "finsync/ndjson.h"
json_t *jerr_crm(const char *code, json_t *details, const char *message);
json_t *jerr_fin(int code, const char *message);

/* ---- store.c: the SQLite store --------------------------------------- */

struct store;
struct sandbox;
int store_open(struct store **out, const char *path);
void store_free(struct store *st);
sqlite3 *store_db(struct store *st);
/* A prepared statement for sql, cached by its text; reset and unbound. */
sqlite3_stmt *store_stmt(struct store *st, const char *sql);
int store_exec(struct store *st, const char *sql); /* 0 ok */
/* The transaction requests share (see store.c); flush commits it now. */
void store_hold(struct store *st);
void store_release(struct store *st);
void store_flush(struct store *st);
/* A handler's changes, all or nothing (a savepoint). */
void store_begin(struct store *st);
void store_commit(struct store *st);
void store_rollback(struct store *st);
int store_is_seeded(struct store *st);
void store_mark_seeded(struct store *st);
/* Next id: monotonically increasing per store. */
char *store_new_crm_id(struct store *st);
char *store_new_fin_id(struct store *st);
void store_note_id(struct store *st, const char *id);    /* keep above seeded ids */
long store_next_seq(struct store *st, const char *name); /* 1, 2, … per name */
json_t *store_load_json(sqlite3_stmt *s, int col);       /* new reference or NULL */

/* A query being built: SQL text with '?' placeholders and their values
 * (JSON strings, integers, reals, booleans), bound in order. */
struct sqlq {
	struct buf sql;
	json_t *binds;
};
void q_init(struct sqlq *q, const char *sql);
void q_add(struct sqlq *q, const char *sql, json_t *bind); /* steals bind */
sqlite3_stmt *q_prepare(struct sandbox *sb, struct sqlq *q);
void q_release(struct sqlq *q);

/* ---- sandbox state --------------------------------------------------- */

struct crm_meta;
struct fault_table;

struct rate_window {
	int64_t start;
	long count;
};

struct sandbox {
	pthread_mutex_t lock;
	struct store *st;
	struct crm_meta *meta;
	struct fault_table *faults;
	json_t *oauth_clients; /* oauth.json "clients" */
	json_t *refreshes;     /* {client_id: n} */
	json_t *crm_org;       /* crm/org.json */
	json_t *crm_views;     /* crm/views.json or {} */
	json_t *fin_org;       /* finance/org.json */
	json_t *fin_cf;        /* finance/custom_fields.json or {} */
	char api_domain[64];
	int port;
	int quiet;
	long rate_limit;             /* finance requests/min/app/org; 0 off */
	struct rate_window rate[4];  /* one per finance app */
	long daily_limit;            /* finance requests/day/app/org (UTC days); 0 off */
	struct rate_window daily[4]; /* start = the day number (sandbox clock / 86400) */
	long token_ttl;              /* seconds, default 3600 */
	int64_t clock_offset;        /* POST /__control/clock */
	json_t *tx_ignored; /* transaction list parameters to ignore (POST /__control/transaction_filters) or NULL */
	int honour_contact_type;    /* POST /__control/readings: apply contact_type= on lists */
	int salesorder_auto_number; /* POST /__control/readings: number a sales order created without one */
	uint64_t secret;            /* binds page tokens to this process */
	long list_wall;             /* records a listing reaches (Zoho: 100,000); POST /__control/bulk_read */
	struct bulk_state *bulk;    /* Bulk Read jobs and their settings (crm/crm_bulk.c) */
};

int64_t sb_now(struct sandbox *sb); /* wall clock plus the control offset */

/* ---- server.c: one request ------------------------------------------- */

#define REQ_MAX_HDRS 8

struct req {
	struct sandbox *sb;
	struct MHD_Connection *conn;
	const char *method;
	const char *path; /* decoded path, no query */
	char *uri;        /* as received, with the query */
	const char *api;  /* for the request log */
	char *body;
	size_t body_len;
	int body_too_big;
	int started;
	/* the body, parsed before the lock is taken (req_json_body hands it over) */
	int body_parsed;
	json_t *body_json;
	json_error_t body_err;
	/* the answer */
	int status;
	char *resp; /* malloc'ed; NULL for an empty body */
	size_t resp_len;
	char *hdr_name[REQ_MAX_HDRS];
	char *hdr_value[REQ_MAX_HDRS];
	int nhdrs;
	int cut;       /* fault: send half the body, then fail */
	int drop;      /* fault: close without an answer */
	long delay_ms; /* fault: wait before answering */
};

const char *req_arg(struct req *r, const char *name); /* query argument */
const char *req_header(struct req *r, const char *name);
const char *req_query(struct req *r);                     /* raw query string or "" */
void reply_json(struct req *r, int status, json_t *body); /* steals body */
void reply_empty(struct req *r, int status);
void reply_header(struct req *r, const char *name, const char *value);
/* Split r->path below prefix into at most max segments; returns count, or
 * -1 when there are more. Segments point into buf. */
int path_split(const char *path, const char *prefix, char *buf, size_t buflen, char **seg, int max);
json_t *req_json_body(struct req *r, json_error_t *err); /* NULL: bad */

int server_start(struct sandbox *sb, struct MHD_Daemon **out);
void server_stop(struct MHD_Daemon *d);

/* ---- handlers -------------------------------------------------------- */

void oauth_handle(struct req *r);
/* The token from Authorization, or NULL; 1 when valid and unexpired. */
int oauth_check(struct req *r);
void oauth_reset(struct sandbox *sb);

void crm_handle(struct req *r);
void finance_handle(struct req *r);
void control_handle(struct req *r);

/* ---- crm_meta.c ------------------------------------------------------ */

struct crm_module;
struct crm_meta *crm_meta_new(void);
void crm_meta_free(struct crm_meta *m);
struct crm_module *crm_module_get(struct crm_meta *m, const char *name);
struct crm_module *crm_module_add(struct crm_meta *m, const char *name);
const char *crm_module_name(const struct crm_module *mod);
const char *crm_module_id(const struct crm_module *mod);
const char *crm_module_dup_field(const struct crm_module *mod);
const char *const *crm_module_mandatory(const struct crm_module *mod);
/* Field data type ("text", "lookup", …) or NULL when the module lacks it. */
const char *crm_field_type(const struct crm_module *mod, const char *field);
const char *crm_field_lookup(const struct crm_module *mod, const char *field);
int crm_field_read_only(const struct crm_module *mod, const char *field);
void crm_field_add(struct crm_module *mod, const char *field, const char *type, int custom);
/* A user-defined unique field (crm/fields.json "unique": true): upsert may check on it. */
void crm_field_set_unique(struct crm_module *mod, const char *field);
int crm_field_unique(const struct crm_module *mod, const char *field);
/* crm_lines.c: a line-item subform value checked against Products, and merged into the stored one. */
json_t *crm_lines_check(struct sandbox *sb, const char *field, const json_t *v, size_t i, json_t **out);
void crm_lines_merge(struct sandbox *sb, const json_t *target, json_t *clean, const struct crm_module *mod);
/* The id of the record whose unique field holds value (other than except_id), or NULL. */
char *crm_find_unique(struct sandbox *sb, const struct crm_module *mod, const char *field, const char *value,
		      const char *except_id);
/* A picklist's values (crm/fields.json pick_list_values), replacing the standard ones. */
void crm_field_set_values(struct crm_module *mod, const char *field, const json_t *values);
void crm_module_learn(struct crm_module *mod, const json_t *record);
json_t *crm_fields_json(const struct crm_module *mod);
json_t *crm_modules_json(struct crm_meta *m);
char *crm_display_name(const struct crm_module *mod, const json_t *rec);

/* crm store helpers shared by crm_*.c, control.c and seed.c */
json_t *crm_user(int with_email); /* the sandbox's one user */
int crm_store_put(struct sandbox *sb, const struct crm_module *mod, json_t *rec);
json_t *crm_store_get(struct sandbox *sb, const char *module, const char *id);
int crm_store_delete(struct sandbox *sb, const struct crm_module *mod, const char *id, const char *type);
char *crm_dup_key(const struct crm_module *mod, const json_t *rec);
/* Full_Name from First_Name and Last_Name (Contacts, Leads). */
void crm_fill_full_name(const struct crm_module *mod, json_t *rec, int replace);
/* A loaded record (control, seed) given what it lacks of an id (a new one) and Created_Time (now, also in now). */
void crm_stamp_loaded(struct sandbox *sb, json_t *rec, char now[32]);
void crm_write_handle(struct req *r, struct crm_module *mod, const char *sub);
/* A record cut to the fields asked (null where it has none) and its id (crm_read.c). */
json_t *crm_project(const struct crm_module *mod, const json_t *rec, const json_t *fields);
/* Related lists (crm_related.c): GET /{module}/{id}/{relation}; the links, replaced (-1: not a relation). */
void crm_related_get(struct req *r, struct crm_module *mod, const char *id, const char *relation);
int crm_related_put(struct sandbox *sb, const char *module, const char *id, const char *relation, const json_t *ids);
int crm_related_seed(struct sandbox *sb, const json_t *doc);
/* A custom view of module by id (crm/views.json), or NULL. */
const json_t *crm_find_view(struct sandbox *sb, const char *module, const char *cvid);
/* " AND <the view's criterion>" onto a query of the crm table. */
void crm_view_filter(struct sqlq *s, const json_t *view);

/* ---- crm_bulk.c: Bulk Read (/crm/bulk/v8/read) ----------------------- */

struct bulk_state;
struct bulk_state *bulk_new(void);
void bulk_free(struct bulk_state *b);
void bulk_handle(struct req *r);
/* POST|GET /__control/bulk_read: the delays, the page size, the download limit, failures, the list wall. */
void bulk_control(struct req *r);

/* ---- finance --------------------------------------------------------- */

enum fin_kind {
	FIN_CONTACTS = 0,
	FIN_ITEMS = 1,
	FIN_INVOICES = 2,
	FIN_ESTIMATES = 3,
	FIN_PAYMENTS = 4,      /* finance_tx.c, finance_pay.c */
	FIN_SALESORDERS = 5,   /* finance_tx.c (Books, Inventory) */
	FIN_PURCHASEORDERS = 6 /* finance_tx.c: a vendor's (Books, Inventory) */
};
struct fin_app;
const struct fin_app *fin_app_by_name(const char *name);
/* The stored resource name for a control path segment, or -1. */
int fin_kind_by_name(const struct fin_app *app, const char *res);
const char *fin_app_name(const struct fin_app *app);
int fin_app_index(const struct fin_app *app);
json_t *fin_store_list(struct sandbox *sb, const struct fin_app *app, enum fin_kind k);
/* Insert a raw record (control and seed); assigns an id when missing. */
int fin_store_raw(struct sandbox *sb, const struct fin_app *app, enum fin_kind k, json_t *rec);

/* ---- faults.c -------------------------------------------------------- */

struct fault_table *faults_new(void);
void faults_free(struct fault_table *ft);
void faults_clear(struct fault_table *ft, const char *kind); /* NULL: all */
int faults_add(struct fault_table *ft, const json_t *rule);
json_t *faults_json(const struct fault_table *ft);
/* Apply request-level faults (status, delay, cut, drop, expire_token) to r;
 * returns 1 when r was answered. */
int faults_apply(struct sandbox *sb, struct req *r);
/* A matching reject rule's answer for a write, or NULL (new reference). */
json_t *faults_reject(struct sandbox *sb, const char *app, const char *resource, const json_t *body, int *status);

/* ---- seed.c ---------------------------------------------------------- */

/* dirs[0] is the seed; dirs[1..n-1] are overlays that add records (and
 * crm/fields.json) to it. */
int seed_load(struct sandbox *sb, const char *const *dirs, int n);

#endif
