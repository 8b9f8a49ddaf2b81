/*
 * units.h - one sync unit per thing a job syncs (customers, vendors, items,
 * deals, the financial summary), each behind the same small interface, all
 * in one table (units.c) that the three stages walk in order.  As Miller's
 * mapper_t or git's builtin table: a unit is its hooks, a stage is the loop.
 * Adding a unit: its file, its line in units.c (docs/HACKING.md).
 * Not a public seam: src/stage includes it, and the commands that list
 * the units (unlink counts the links of each).
 */
#ifndef FINSYNC_STAGE_UNITS_H
#define FINSYNC_STAGE_UNITS_H
#include "finsync/pipeline.h"

struct crm;
struct finclient;
struct manifest;

/* What a stage hands each unit's hook. */
struct stage_run {
	struct pipeline *p;
	struct crm *crm;                /* extract: the CRM source */
	struct finclient *fin;          /* extract and load: the run's finance client */
	const char *in_dir;             /* transform: the extract's folder */
	const char *out_dir;            /* extract, transform: the stage's own folder */
	struct manifest *m;             /* extract, transform: the stage's manifest */
	void *own;                      /* the stage's own state, for the entity hooks it defines */
};

struct sync_unit;
/* A hook does nothing (0) when the run does not want its unit; else 0 or an FS_E* code. */
typedef int (*unit_hook)(struct stage_run *s, const struct sync_unit *u);

struct sync_unit {
	const char *name;               /* the job's sync key; the ledger's entity */
	const struct entity_def *entity; /* a record entity's row (src/job/entities.c), else NULL */
	int has_links;                  /* keeps CRM-to-finance links in the ledger */
	unit_hook extract;              /* CRM (and finance snapshots) -> extract/; NULL: none */
	unit_hook transform;            /* extract/ -> transform/<name>: one planned action a record */
	unit_hook load;                 /* transform/<name> -> the finance app (or the CRM) and the ledger */
};

/* In run order (entities first: deals need their customers linked); ends with a NULL name. */
extern const struct sync_unit sync_units[];

/* Runs the stage's hook (STAGE_EXTRACT, STAGE_TRANSFORM or STAGE_LOAD) of every unit in order. */
int units_run(struct stage_run *s, enum stage_bits stage);

/* The entity hooks: extract.c, transform.c, load.c (the entity of u->entity). */
int entity_extract(struct stage_run *s, const struct sync_unit *u);
int entity_transform(struct stage_run *s, const struct sync_unit *u);
int entity_load(struct stage_run *s, const struct sync_unit *u);

/* deals.c (sync.deals) and summary.c (sync.summary). */
int deals_extract(struct stage_run *s, const struct sync_unit *u);
int deals_transform(struct stage_run *s, const struct sync_unit *u);
int deals_load(struct stage_run *s, const struct sync_unit *u);
int summary_load(struct stage_run *s, const struct sync_unit *u);
/* deal_money.c (sync.deals.crm_fields: the deal's transaction money back on the deal). */
int deal_money_load(struct stage_run *s, const struct sync_unit *u);
/* quotes.c (sync.quotes: CRM quotes become invoices). */
int quotes_extract(struct stage_run *s, const struct sync_unit *u);
int quotes_transform(struct stage_run *s, const struct sync_unit *u);
int quotes_load(struct stage_run *s, const struct sync_unit *u);
/* transactions.c (sync.transactions: finance transactions mirrored into the CRM). */
int transactions_extract(struct stage_run *s, const struct sync_unit *u);
int transactions_load(struct stage_run *s, const struct sync_unit *u);
/* price_books.c (sync.price_books: staged for export, written nowhere). */
int price_books_extract(struct stage_run *s, const struct sync_unit *u);

#endif
