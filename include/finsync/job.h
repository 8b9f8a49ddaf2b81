/*
 * job.h - the job file: parsed, validated and with its secrets resolved.
 *
 * job_load() refuses (FS_EUSAGE) anything a run could trip over later, with a
 * message naming the file and the key: unknown keys, bad values, a literal
 * secret, a secret file readable by others, an entity the finance app lacks.
 * Secrets live only in struct endpoint and are never logged or written.
 */
#ifndef FINSYNC_JOB_H
#define FINSYNC_JOB_H
#include <jansson.h>
#include "finsync/finance.h"

enum crm_mode { CRM_ACCOUNTS, CRM_CONTACTS, CRM_ACCOUNTS_AND_CONTACTS };
enum extent { EXTENT_FETCH_FROM_CRM, EXTENT_BOTH_WAYS };
enum on_duplicate { DUP_SKIP, DUP_CLONE, DUP_OVERWRITE };
/* crm.read: how a full extract reads a module (the list API, Bulk Read, or by its size). */
enum crm_read { CRM_READ_AUTO, CRM_READ_REST, CRM_READ_BULK };

enum stage_bits { STAGE_EXTRACT = 1, STAGE_TRANSFORM = 2, STAGE_LOAD = 4 };

struct endpoint {
	char *type;         /* "zoho-crm", "csv", "zoho-books", … */
	char *api_base;     /* no trailing slash */
	char *accounts_url; /* OAuth server, no trailing slash */
	char *client_id;
	char *client_secret;      /* resolved; never logged */
	char *refresh_token;      /* resolved; never logged */
	char *organization_id;    /* finance only */
	char *dir;                /* csv only: absolute folder of the export files */
	long requests_per_minute; /* pacing; 0 = none (finance default 100, CRM none) */
	long daily_budget;        /* API calls a day (UTC); 0 = no budget */
	long plan_calls_a_day;    /* finance only: finance.plan's documented daily limit; 0 = not named */
	long max_in_flight;       /* concurrent requests (finance writes); default 5 */
	enum crm_read read;       /* CRM only: crm.read (default auto) */
	char *token_cache;        /* <state_dir>/tokens.json: access tokens kept between runs */
	const char *token_key;    /* "crm" or "finance": this endpoint's entry in it */
};

/*
 * The record entities in run order: each one's enum entity_kind value
 * (ENTITY_KIND) and its name (sync key, ledger entity, staging file).  The enum, entity_names and
 * their sync units (src/stage/units.c) follow from this list; what each is
 * is its row in src/job/entities.c.  Adding one: docs/HACKING.md.
 */
#define RECORD_ENTITIES(X) X(CUSTOMERS, customers) X(VENDORS, vendors) X(ITEMS, items)

#define ENTITY_ENUM_VALUE(KIND, name) ENTITY_##KIND,
enum entity_kind { RECORD_ENTITIES(ENTITY_ENUM_VALUE) ENTITY_COUNT };
#undef ENTITY_ENUM_VALUE

/*
 * Where an entity's records are in the finance app: its list and the keys
 * of its answers.  A finance contact's (customers, vendors) is the app's
 * contact list of the app table (finance.h), which differs by app.
 */
struct finance_list {
	const char *path;     /* "/items" */
	const char *one_key;  /* "item": the key of one record in an answer */
	const char *list_key; /* "items": the key of a list page's rows */
	const char *id_key;   /* "item_id" */
	const char *name_key; /* "name": the record's display name */
};

/*
 * What an entity is: one row of the table in src/job/entities.c, read by
 * every layer instead of naming the entity.  Adding one: docs/HACKING.md.
 */
struct entity_def {
	enum entity_kind kind;
	const char *name;               /* "customers": sync key, ledger entity, staging file */
	const char *noun;               /* "customer": one record, in messages */
	int is_contact;                 /* a finance contact (persons, the app's contact keys); else an item */
	enum entity_kind same_names;    /* the entity sharing its name space in the app, or ENTITY_COUNT */
	const char *const *crm_modules; /* the CRM modules it reads; NULL: by the job's crm_module */
	size_t name_max;                /* display name length the app accepts, in characters */
	int finance_first;              /* both ways: the finance side goes first and wins a clash by default */
	struct finance_list list; /* not a contact: its finance list; a contact: the app's (entity_finance_list) */
	const char *contact_type; /* a contact: its contact_type, the list filter where the app has one */
};

extern const struct entity_def entity_defs[ENTITY_COUNT];
/* The entity names in table order, NULL-terminated (option choices). */
extern const char *const entity_names[ENTITY_COUNT + 1];
/* The row of an entity name, or NULL. */
const struct entity_def *entity_def_find(const char *name);
/* The entity's finance list in the job's app (a contact's from the app table). */
void entity_finance_list(const struct finance_app *app, enum entity_kind kind, struct finance_list *out);

struct entity_sync {
	enum entity_kind kind;
	const char *name;         /* "customers", "vendors", "items" */
	int enabled;              /* present in sync */
	enum crm_mode crm_module; /* customers only */
	int include_orphan_contacts;
	enum extent extent;
	enum on_duplicate on_duplicate;   /* default skip */
	int match_email;                  /* match_on has "email" */
	json_t *views;                    /* {"Accounts": "cvid"}; borrowed; may be NULL */
	json_t *field_map;                /* {"finance_key": "CRM_Field"}; borrowed; may be NULL */
	json_t *field_owner;              /* {"finance_key": "crm"|"finance"}; borrowed; may be NULL */
	const char *product_type_field;   /* items; may be NULL */
	const char *product_type_default; /* "goods" unless set */
};

/*
 * sync.deals: a deal's stage drives one quote (estimate) and/or one invoice
 * (docs/design.md "Deals"; the decisions are in src/xform/deal_plan.c).  Stage
 * names are the job's: stage_order is the pipeline in order, its last stage
 * the won one; lost_stages are outside it.
 */
enum deal_automate { DEAL_INVOICE, DEAL_QUOTE, DEAL_SALESORDER };

/* sync.deals.line_items: the deal's products (the Deals -> Products list), or one line from the deal. */
enum deal_lines { LINES_PRODUCTS, LINES_DEAL };

/* sync.deals.crm_fields: the transaction's money written back to the deal. */
enum deal_money { MONEY_NUMBER, MONEY_STATUS, MONEY_TOTAL, MONEY_PAID, MONEY_BALANCE, MONEY_FIELD_COUNT };

struct deal_sync {
	int enabled;
	enum deal_automate automate;
	const char *quote_create_stage; /* quote mode; borrowed */
	const char *quote_accept_stage; /* quote mode; NULL: accepted only when won */
	int convert_accepted_to_invoice;
	int decline_on_lost;        /* default 1 */
	int void_on_lost;           /* default 1 */
	json_t *stage_order;        /* array of stage names (owned reference) */
	json_t *lost_stages;        /* array of stage names (owned reference) */
	json_t *views;              /* {"Deals": "cvid"}; borrowed; may be NULL */
	const char *default_item;   /* finance item id or name for a deal's line; borrowed; may be NULL */
	enum deal_lines line_items; /* default LINES_PRODUCTS */
	const char *crm_fields[MONEY_FIELD_COUNT]; /* CRM Deals field API names; NULL: not written; borrowed */
	int has_crm_fields;                        /* any of crm_fields is set */
	int confirm_sales_order;                   /* automate salesorder: confirmed once created */
};

/* The job-file key of a crm_fields entry ("invoice_number" …). */
const char *deal_money_key(enum deal_money f);

/* sync.summary: per linked customer, money figures written back to CRM fields. */
enum summary_field {
	SUM_OUTSTANDING,
	SUM_OVERDUE_COUNT,
	SUM_LAST_PAYMENT_DATE,
	SUM_LAST_PAYMENT_AMOUNT,
	SUM_FIELD_COUNT
};

struct summary_sync {
	int enabled;
	const char *fields[SUM_FIELD_COUNT]; /* CRM field API names; NULL: not written; borrowed */
};

/*
 * sync.quotes: a CRM quote whose Quote_Stage reaches invoice_at_stage
 * becomes one draft invoice (or sales order), once ever (src/stage/quotes.c).
 */
enum quote_create { QUOTE_TO_INVOICE, QUOTE_TO_SALESORDER };

struct quote_sync {
	int enabled;
	const char *invoice_at_stage; /* a Quote_Stage value; borrowed */
	enum quote_create create;
	json_t *views; /* {"Quotes": "cvid"}; borrowed; may be NULL */
};

/*
 * sync.transactions: finance transactions mirrored into the CRM's inventory
 * modules through upsert on crm_finance_id_field (src/stage/transactions.c).
 */
enum txn_kind { TXN_INVOICES, TXN_ESTIMATES, TXN_SALESORDERS, TXN_PURCHASEORDERS, TXN_KIND_COUNT };

struct transaction_sync {
	int enabled;
	int to_crm[TXN_KIND_COUNT];       /* 1: this kind is mirrored */
	const char *since;                /* yyyy-mm-dd, or NULL: every transaction; borrowed */
	const char *crm_finance_id_field; /* default "Finance_Id"; borrowed */
	const char *crm_balance_field;    /* or NULL; borrowed */
};

/* The job-file word of a transaction kind ("invoices" …). */
const char *txn_kind_key(enum txn_kind k);

struct job {
	char *path;           /* as given on the command line */
	char *dir;            /* absolute folder of the job file */
	char *name;           /* "job" key */
	char *state_dir;      /* absolute */
	unsigned stages;      /* stage_bits */
	long overlap_seconds; /* re-read this much before a watermark (default 300) */
	struct endpoint crm;
	struct endpoint fin;
	const struct finance_app *app;
	const struct crm_source *crm_source; /* crm.type's row of the source table */
	const char *crm_id_field;            /* finance.crm_id_field, default "cf_crm_id" */
	struct entity_sync entities[ENTITY_COUNT];
	struct deal_sync deals;
	struct summary_sync summary;
	struct quote_sync quotes;
	struct transaction_sync transactions;
	json_t *root; /* the parsed file; owns the borrowed values */
};

int job_load(struct job **out, const char *path);

/* A key the job file may hold in its own objects as a comment: ignored ("//": "why this view"). */
#define JOB_COMMENT_KEY "//"

/*
 * JOB_NO_SECRETS: for commands that only read the ledger and staging
 * (history, export, review, status, pause …): the secret keys must be there
 * but are not resolved, so an analyst needs no OAuth secret to read them.
 */
enum job_load_flags { JOB_NO_SECRETS = 1 };
int job_load_flags(struct job **out, const char *path, unsigned flags);
/*
 * The check of every entity's field_map against the finance app's fields,
 * run by job_load() after the job model's own checks.  Those fields are the
 * mapping's knowledge (mapping_check_job, src/xform/mapping.c), a layer above
 * the job model, so main() hands the check down once instead of job.c calling
 * up; without one, field_map keys are not checked.  Returns 0 or FS_EUSAGE.
 */
typedef int (*job_field_check)(const struct job *job);
void job_set_field_check(job_field_check check);

/*
 * A key of the job's sync object beside the record entities' (sync.deals,
 * sync.price_books …) and the loader of its value.  Each is a sync unit's
 * (src/stage/units.c), a layer above the job model, so main() hands the
 * list down once, as it does the field check.  job_load() refuses a key
 * under sync that is neither an entity nor in the list, then calls each
 * loader, in the list's order and after the entities, whose key the job
 * holds: it checks the value and reads what the commands need of it into
 * the job (0, or FS_EUSAGE naming sync.NAME and the key within it; see
 * job_key_error()).  A unit that keeps nothing in struct job reads its
 * value again with job_sync_value().
 */
struct job_sync_key {
	const char *name; /* "price_books": sync.price_books; NULL: the unit has no key */
	int (*load)(struct job *job, json_t *value);
};
/* keys: NULL-terminated, static; without a list only the record entities are known under sync. */
void job_set_sync_keys(const struct job_sync_key *const *keys);
/* The value of sync.NAME (borrowed from job->root), or NULL when the job has none. */
json_t *job_sync_value(const struct job *job, const char *name);
/* FS_EUSAGE: "job 'PATH': KEY: detail", the form of every job error. */
int job_key_error(const struct job *job, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void job_free(struct job *job);

/* The entity by name ("customers" …), or NULL. */
struct entity_sync *job_entity(struct job *job, const char *name);

const char *entity_kind_name(enum entity_kind kind);

/* The CRM modules an entity reads ("Accounts", "Contacts" …); NULL-terminated. */
const char *const *entity_crm_modules(const struct entity_sync *e);

/*
 * Who wins a field when both sides changed it since the last run (both-ways
 * sync): field_owner, else the side that goes first (the CRM for customers
 * and vendors, the finance app for items).  1 = the finance app, 0 = the CRM.
 */
int entity_finance_owns(const struct entity_sync *e, const char *finance_key);

/*
 * The loaders of sync.deals, sync.summary (src/job/job_deals.c),
 * sync.quotes and sync.transactions (src/job/job_txn.c), the units' keys
 * whose values the commands read too (plan, check): each parses its value
 * into its struct of struct job.  FS_EUSAGE naming the key.
 */
int job_load_deals(struct job *job, json_t *value);
int job_load_summary(struct job *job, json_t *value);
int job_load_quotes(struct job *job, json_t *value);
int job_load_transactions(struct job *job, json_t *value);

/* The job-file key of a summary field ("outstanding" …). */
const char *summary_field_key(enum summary_field f);

/* The finance app's id and display-name keys of the entity's records. */
const char *entity_finance_id_key(const struct job *job, enum entity_kind kind);
const char *entity_finance_name_key(const struct job *job, enum entity_kind kind);

/* The view (cvid) configured for a module, or NULL. */
const char *entity_view(const struct entity_sync *e, const char *module);

#endif
