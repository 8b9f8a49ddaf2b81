/*
 * finance.h - the four Zoho finance apps, as one table (finance_app.c), and
 * the record operations shared by finance_api.c and finance_records.c.
 */
#ifndef SB_FINANCE_H
#define SB_FINANCE_H

#include "sb.h"

enum ktype { K_STR, K_NUM, K_INT, K_BOOL, K_OBJ, K_ARR, K_ANY };

/* One accepted body key and the JSON type it must have (null is accepted). */
struct keyspec {
	const char *key;
	enum ktype type;
};

/* Everything that differs between Books, Invoice, Billing and Inventory. */
struct fin_app {
	const char *name;               /* books */
	const char *root;               /* /books/v3 */
	const char *org_header;         /* NULL: organization_id query parameter */
	int index;
	/* customers (and vendors) */
	const char *contacts_path;      /* contacts | customers */
	const char *contact_key;        /* contact | customer */
	const char *contacts_key;
	const char *contact_id_key;     /* contact_id | customer_id */
	const char *contact_name_key;   /* contact_name | display_name */
	const char *street_key;         /* address | street */
	int vendors;                    /* contact_type vendor allowed */
	int upsert;                     /* PUT /contacts, /items with X-Unique-Identifier-* */
	int person_keys_on_top;         /* Billing: first_name, email … are body keys */
	const char *msg_contact_created;
	const char *msg_contact_updated;
	const char *msg_contact_deleted;
	const char *msg_contact_missing;
	const char *msg_contact_name;   /* 3013 */
	const char *const *address_keys;
	const struct keyspec *contact_keys;
	const char *const *contact_list_keys;
	/* items */
	int item_type;                  /* accepts item_type */
	int dup_item_code;              /* duplicate item name */
	const char *msg_dup_item;
	int item_missing_code;
	const struct keyspec *item_keys;
	const char *const *item_list_keys;
};

extern const struct fin_app fin_apps[4];
extern const char *const fin_person_keys[];

/* One resource of one app: what a handler needs to know. */
struct fres {
	struct sandbox *sb;
	const struct fin_app *app;
	enum fin_kind kind;
	const char *id_key;             /* contact_id, customer_id, item_id */
	const char *name_key;           /* contact_name, display_name, name */
	const char *one_key;            /* contact, customer, item */
	const char *many_key;
	const char *res_name;           /* contacts, customers, items (faults) */
	const struct keyspec *keys;
	const json_t *cf_defs;          /* custom field definitions (array) */
};

void fres_init(struct fres *fr, struct sandbox *sb, const struct fin_app *app,
	       enum fin_kind kind);

/* finance_records.c */
json_t *fin_get(struct fres *fr, const char *id);
void fin_put(struct fres *fr, json_t *rec);
void fin_delete(struct fres *fr, const char *id);
char *fin_find_unique(struct fres *fr, const char *field, const char *value,
		      const char *except_id);
const json_t *fin_cf_def(struct fres *fr, const char *api_name);
/* Check and apply a create/update body to rec; returns an error body (and
 * *status) or NULL.  rec is an empty object for a create. */
json_t *fin_apply(struct fres *fr, const json_t *in, json_t *rec, int creating,
		  int *status);
enum { FIN_UPDATE = 0, FIN_CREATE = 1, FIN_RAW = 2 };
void fin_finalize(struct fres *fr, json_t *rec, int mode);
json_t *fin_list_row(struct fres *fr, const json_t *rec);

/* finance_list.c */
void fin_list(struct req *r, struct fres *fr);

#endif
