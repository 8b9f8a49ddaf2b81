/*
 * finance.h - the four Zoho finance apps, as one table (finance_app.c), and
 * the record operations shared by finance_api.c and finance_records.c.
 */
#ifndef SB_FINANCE_H
#define SB_FINANCE_H

#include "../sb.h"

enum ktype { K_STR, K_NUM, K_INT, K_BOOL, K_OBJ, K_ARR, K_ANY };

/* One accepted body key and the JSON type it must have (null is accepted). */
struct keyspec {
	const char *key;
	enum ktype type;
};

/* Everything that differs between Books, Invoice, Billing and Inventory. */
struct fin_app {
	const char *name;       /* books */
	const char *root;       /* /books/v3 */
	const char *org_header; /* NULL: organization_id query parameter */
	int index;
	/* customers (and vendors) */
	const char *contacts_path; /* contacts | customers */
	const char *contact_key;   /* contact | customer */
	const char *contacts_key;
	const char *contact_id_key;   /* contact_id | customer_id */
	const char *contact_name_key; /* contact_name | display_name */
	const char *street_key;       /* address | street */
	int vendors;                  /* contact_type vendor allowed */
	int upsert;                   /* PUT /contacts, /items with X-Unique-Identifier-* */
	int person_keys_on_top;       /* Billing: first_name, email … are body keys */
	/* contact persons: Books style (/contacts/contactpersons, persons in the
	 * contact's body) or Billing style (/customers/{id}/contactpersons only) */
	int persons_under_customer;
	const char *person_id_key;       /* contact_person_id | contactperson_id */
	const char *persons_key;         /* where the record keeps them */
	const char *const *ignored_keys; /* body keys the app's docs do not have: dropped */
	const char *msg_contact_created;
	const char *msg_contact_updated;
	const char *msg_contact_deleted;
	const char *msg_contact_missing;
	const char *msg_contact_name; /* 3013 */
	const char *const *address_keys;
	const struct keyspec *contact_keys;
	const char *const *contact_list_keys;
	/* items */
	int item_type;     /* accepts item_type */
	int dup_item_code; /* duplicate item name */
	const char *msg_dup_item;
	int item_missing_code;
	const struct keyspec *item_keys;
	const char *const *item_list_keys;
	/* what only some apps document */
	int lists_custom_fields;     /* GET /settings/fields?entity= (Books) */
	int invoice_lines_need_item; /* invoice line_items[].item_id required (Books OpenAPI) */
	const char *payments_path;   /* customer payments: "customerpayments"; Billing "payments" (NULL: none) */
	int deal_filter;             /* zcrm_potential_id filters invoice and estimate lists (Books) */
	/* transactions: NULL where the app does not serve them */
	const struct keyspec *invoice_keys;
	const struct keyspec *estimate_keys;
	const struct keyspec *payment_keys;
	const struct keyspec *salesorder_keys;
	const char *salesorder_confirm; /* the status a draft sales order is confirmed to: open | confirmed */
	int salesorder_number_required; /* salesorder_number required on create (InvOAS), unless the lenient reading */
	const struct keyspec *purchaseorder_keys;
	int billing_invoices; /* invoices in Billing's shape (finance_billing_tx.c) */
};

extern const struct fin_app fin_apps[4];
extern const char *const fin_person_keys[];

/* One resource of one app: what a handler needs to know. */
struct fres {
	struct sandbox *sb;
	const struct fin_app *app;
	enum fin_kind kind;
	const char *id_key;   /* contact_id, customer_id, item_id */
	const char *name_key; /* contact_name, display_name, name */
	const char *one_key;  /* contact, customer, item */
	const char *many_key;
	const char *res_name; /* contacts, customers, items (faults) */
	const struct keyspec *keys;
	const json_t *cf_defs; /* custom field definitions (array) */
};

void fres_init(struct fres *fr, struct sandbox *sb, const struct fin_app *app, enum fin_kind kind);

/* finance_records.c */
json_t *fin_get(struct fres *fr, const char *id);
/* One record's body (new reference, NULL: none): sql selects body by ?1 app, ?2 kind, ?3 id. */
json_t *fin_body_by_id(struct fres *fr, const char *sql, const char *id);
/* The record's time field key as epoch seconds; now when it has none. */
int64_t fin_rec_time(struct sandbox *sb, const json_t *rec, const char *key);
json_t *fin_bad_value(const char *what);                       /* code 2 "Invalid value passed for …" */
void fin_set_default(json_t *rec, const char *key, json_t *v); /* steals v */
/* The shared steps of fin_apply(), for the transactions too. */
json_t *fin_rejected(struct fres *fr, const json_t *in, int *status);
/* page and per_page of a list request (finance_list.c): 0, or -1 with *bad the parameter. */
int fin_parse_paging(const json_t *args, long *page, long *per_page, const char **bad);
/* What a list page's page_context says of it. */
struct fin_page {
	long page, per_page;
	int more;
	const char *report, *filter_by, *sort_column;
	int desc;
};
/* Answers a list page: rows (stolen) under the resource's key, and its page_context. */
void fin_reply_page(struct req *r, const struct fres *fr, json_t *rows, const struct fin_page *pg);
json_t *fin_check_keys(const struct keyspec *keys, const json_t *in);
json_t *fin_apply_cf(struct fres *fr, const json_t *list, json_t *rec);
void fin_finalize_cf(struct fres *fr, json_t *rec);
json_t *fin_check_unique_cfs(struct fres *fr, const json_t *rec);
void fin_put_unique(struct fres *fr, const char *id, const json_t *hash);
void fin_put(struct fres *fr, json_t *rec);
/* The columns every finance row has, bound and written by s (an insert the caller bound the rest of). */
void fin_row_put(struct fres *fr, sqlite3_stmt *s, int time_col, json_t *rec);
void fin_delete(struct fres *fr, const char *id);
/* Deletes by delete_sql (?1 app, ?2 kind, ?3 id), and the record's unique custom-field values. */
void fin_delete_from(struct fres *fr, const char *delete_sql, const char *id);
char *fin_find_unique(struct fres *fr, const char *field, const char *value, const char *except_id);
const json_t *fin_cf_def(struct fres *fr, const char *api_name);

/* GET /settings/fields?entity= (Books): finance/custom_fields.json's fields of that entity. */
void fin_custom_fields(struct req *r);
/* Check and apply a create/update body to rec; returns an error body (and
 * *status) or NULL.  rec is an empty object for a create. */
json_t *fin_apply(struct fres *fr, const json_t *in, json_t *rec, int creating, int *status);
enum { FIN_UPDATE = 0, FIN_CREATE = 1, FIN_RAW = 2 };
void fin_finalize(struct fres *fr, json_t *rec, int mode);
json_t *fin_list_row(struct fres *fr, const json_t *rec);

/* finance_persons.c: the per-person endpoints (seg: the path's segments). */
int persons_route(const struct fin_app *app, char **seg, int n);
void persons_handle(struct req *r, struct fres *fr, char **seg, int n);

/* finance_list.c */
void fin_list(struct req *r, struct fres *fr);

/*
 * Transactions: invoices and estimates (finance_tx.c), customer payments
 * (finance_pay.c), their HTTP side (finance_tx_api.c).  Stored in table
 * fin_tx with the columns the lists filter on; a record's "status" there is
 * its own (draft, sent, partially_paid, paid, void; estimates draft, sent,
 * accepted, declined, invoiced).  "overdue" and "expired" depend on the
 * sandbox clock and are only ever computed for an answer: tx_present().
 */
/* Codes the sandbox chose where Zoho's are not known (docs/sandbox.md). */
#define CODE_TX_LOCKED 4003  /* edit of anything but a draft; delete of an invoiced estimate */
#define CODE_TX_STATUS 4004  /* a status action not allowed from the current status */
#define CODE_TX_CONVERT 4005 /* invoiced_estimate_id: not accepted, or invoiced already */
#define CODE_PAY_APPLY 4006  /* a payment applied where it cannot be */

struct tx_opts {
	int ignore_auto_number; /* ?ignore_auto_number_generation=true */
	int send;               /* ?send=true */
};

void tx_today(struct sandbox *sb, char out[11]);
json_t *tx_get(struct fres *fr, const char *id);
void tx_put(struct fres *fr, json_t *rec);
void tx_delete(struct fres *fr, const char *id);
void tx_present(struct fres *fr, json_t *rec);             /* status as of the sandbox clock */
const char *tx_status(struct fres *fr, const json_t *rec); /* the same, no copy */
/* Check and apply a create/update body (invoice or estimate); NULL or an
 * error body with *status. */
json_t *tx_apply(struct fres *fr, const json_t *in, json_t *rec, int creating, const struct tx_opts *o, int *status);
void tx_finalize(struct fres *fr, json_t *rec, int mode); /* FIN_CREATE, … */
char *tx_next_number(struct fres *fr);
/* Status actions; NULL or an error body (HTTP 400).  *message is the answer's. */
int tx_action_ok(enum fin_kind kind, const char *to);
json_t *tx_set_status(struct fres *fr, json_t *rec, const char *to, const char **message);
json_t *tx_delete_check(struct fres *fr, const json_t *rec);
json_t *tx_store_list(struct sandbox *sb, const struct fin_app *app, enum fin_kind k);
int tx_store_raw(struct sandbox *sb, const struct fin_app *app, enum fin_kind k, json_t *rec);
/* The customer behind customer_id, or NULL (not a customer of this app). */
json_t *tx_customer(struct sandbox *sb, const struct fin_app *app, const char *id);
int64_t tx_cents(double v);
json_t *tx_money(int64_t cents);

/* finance_pay.c */
json_t *pay_create(struct fres *fr, const json_t *in, json_t **out, int *status);
json_t *pay_delete(struct fres *fr, const char *id);
/* Void: take every payment off the invoice (the money stays unused). */
void pay_unlink_invoice(struct sandbox *sb, const struct fin_app *app, const char *invoice_id);
/* Pay an invoice's balance in full (control: status "paid"). */
json_t *pay_in_full(struct sandbox *sb, const struct fin_app *app, const char *invoice_id);
int pay_store_raw(struct sandbox *sb, const struct fin_app *app, json_t *rec);
/* outstanding_receivable_amount, unused_credits_receivable_amount and
 * has_transaction of a customer, as of now. */
void pay_contact_amounts(struct sandbox *sb, const struct fin_app *app, json_t *rec);
int pay_contact_has_tx(struct sandbox *sb, const struct fin_app *app, const char *id);
int pay_item_in_use(struct sandbox *sb, const struct fin_app *app, const char *item_id);

/*
 * finance_billing_tx.c: Billing's invoice body into the store's shape (new
 * reference; NULL with *err, an error body), a record back into Billing's,
 * and the status a Billing action segment means ("converttoopen" -> sent,
 * "void"), or NULL.
 */
json_t *billing_invoice_in(const json_t *in, int creating, json_t **err);
void billing_invoice_out(json_t *rec);
const char *billing_invoice_action(const char *segment);

/* finance_tx_api.c */
void tx_handle(struct req *r, struct fres *fr, char **seg, int n);

#endif
