/*
 * finance.h - what each finance app (Books, Invoice, Billing, Inventory)
 * calls things.  Every difference between the four apps lives in the one
 * table in src/job/finance_apps.c; nothing else names an app.  The table is
 * pure data and lives with the job model, which keeps a pointer to its app's row.
 * The same for the CRM sources (crm.type) in src/job/crm_sources.c.
 */
#ifndef FINSYNC_FINANCE_H
#define FINSYNC_FINANCE_H

enum org_placement { ORG_IN_QUERY, ORG_IN_HEADER };

/*
 * An invoice whose body and actions are named otherwise than in Books
 * (Billing: invoice_items of product_id and price, a required date,
 * /converttoopen and /void).  NULL in the app table: Books' names.
 */
struct invoice_shape {
	const char *lines_key; /* "invoice_items" */
	const char *item_key;  /* "product_id" */
	const char *rate_key;  /* "price" */
	const char *send_path; /* "/converttoopen": draft -> sent (open) */
	const char *void_path; /* "/void" */
	int needs_date;        /* a create carries date */
};

/* A plan (edition) of a finance app and the API calls a day Zoho documents for it. */
struct finance_plan {
	const char *name;
	long calls_a_day;
};

struct finance_app {
	const char *type;     /* job file: "zoho-books" … */
	const char *label;    /* "Zoho Books" */
	const char *api_root; /* its API under the API host: "books/v3" (each app's API docs) */
	enum org_placement org;
	const char *org_header;        /* header name when ORG_IN_HEADER */
	const char *customers_path;    /* "/contacts" or "/customers" */
	const char *customer_key;      /* envelope key: "contact" / "customer" */
	const char *customers_key;     /* list key: "contacts" / "customers" */
	const char *customer_id_key;   /* "contact_id" / "customer_id" */
	const char *customer_name_key; /* "contact_name" / "display_name" */
	const char *street_key;        /* address line key: "address" / "street" */
	int has_vendors;               /* vendors are contacts with contact_type vendor */
	int has_contact_type;          /* sends contact_type on customers */
	int has_customer_sub_type;     /* sends customer_sub_type (Billing's customers have none) */
	int has_unique_upsert;         /* PUT with X-Unique-Identifier-* headers */
	int has_item_type;             /* Inventory's item_type */
	int has_deals;                 /* quote/invoice automation offered */
	int has_estimates;             /* /estimates (quotes): automate quote */
	int invoice_line_needs_item;   /* an invoice line must carry item_id (Books SPEC) */
	/*
	 * Sales orders (/salesorders): the status a draft is confirmed to
	 * ("open" in Books, "confirmed" in Inventory), or NULL: the app has none.
	 */
	const char *salesorder_confirm;
	const struct invoice_shape *invoice_shape; /* NULL: Books' invoice names */
	int has_invoices;          /* quotes become invoices, invoices are mirrored (Books, Inventory) */
	int has_purchaseorders;    /* /purchaseorders */
	const char *payments_path; /* customer payments list ("/customerpayments"), or NULL: no summary */
	const char *payments_key;  /* its list key: "customerpayments"; Billing "payments" */
	const char *overdue_query; /* the documented filter of overdue invoices (checked on each row) */
	int outstanding_in_list;   /* customer list rows carry outstanding_receivable_amount */
	/*
	 * Contact persons.  Books, Invoice and Inventory: /contacts/contactpersons
	 * (the contact's id in the body, first_name required, a primary person);
	 * Billing: /customers/{id}/contactpersons (email required, no primary).
	 */
	int persons_under_customer;     /* the path names the customer */
	int persons_in_create;          /* a customer's create body may carry contact_persons */
	int has_primary_person;         /* POST …/contactpersons/{id}/primary */
	const char *person_id_key;      /* "contact_person_id" / "contactperson_id" */
	const char *person_required;    /* the key a person write must carry */
	const char *const *person_keys; /* the mapped person keys the endpoint takes */
	const char *custom_fields_path; /* documented list of an entity's custom fields, or NULL: none */
	const char *customers_menu;     /* where its settings name customers: "Customers and Vendors" */
	/* Plans and their daily call limits (finance.plan), NULL-named last; NULL: none documented. */
	const struct finance_plan *plans;
};

/*
 * The CRM sources (src/job/crm_sources.c): what each can do, asked by the
 * stages instead of its name.
 */
struct crm_source {
	const char *type;  /* job file crm.type: "zoho-crm", "csv" */
	const char *label; /* "Zoho CRM", "CSV export" */
	int from_files;    /* reads exports in crm.dir (no OAuth endpoint) */
	int incremental;   /* reads by Modified_Time: the load moves watermarks */
	int writable;      /* both_ways can write to it */
	int has_views;     /* custom views (cvid) exist and can be checked */
	int has_picklists; /* field metadata carries picklist values */
	int has_org;       /* an org endpoint (base currency) */
};

/* The source for a job's crm.type, or NULL. */
const struct crm_source *crm_source_find(const char *type);
/* "zoho-crm, csv" for error messages. */
const char *crm_source_names(void);

/* The app for a job's finance.type, or NULL. */
const struct finance_app *finance_app_find(const char *type);
/* The documented calls a day of app's plan name (finance.plan), or 0: no such plan. */
long finance_plan_calls_a_day(const struct finance_app *app, const char *plan);

/* The apps' types without "zoho-" ("books", …), NULL last: what `finsync init --app` takes. */
extern const char *const finance_app_short_names[];

/* "zoho-books, zoho-invoice, …" for error messages. */
const char *finance_app_names(void);

#endif
