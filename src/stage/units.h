/*
 * units.h - one sync unit per thing a job syncs (customers, vendors, items,
 * deals, the financial summary), each behind the same small interface, all
 * in one table (units.c) that the three stages walk in order.  As Miller's
 * mapper_t or git's builtin table: a unit is its hooks, a stage is the loop.
 * Adding a unit: its file, its name in units.c's list (docs/HACKING.md).
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
	struct crm *crm;       /* extract: the CRM source */
	struct finclient *fin; /* extract and load: the run's finance client */
	const char *in_dir;    /* transform: the extract's folder */
	const char *out_dir;   /* extract, transform: the stage's own folder */
	struct manifest *m;    /* extract, transform: the stage's manifest */
	void *own;             /* the stage's own state, for the entity hooks it defines */
};

struct sync_unit;
/* A hook does nothing (0) when the run does not want its unit; else 0 or an FS_E* code. */
typedef int (*unit_hook)(struct stage_run *s, const struct sync_unit *u);

struct sync_unit {
	const char *name;                /* the ledger's entity, the staging file's name */
	const struct entity_def *entity; /* a record entity's row (src/job/entities.c), else NULL */
	int has_links;                   /* keeps CRM-to-finance links in the ledger */
	struct job_sync_key key;         /* its key under sync and that value's loader (job.h); { NULL }: none */
	unit_hook extract;               /* CRM (and finance snapshots) -> extract/; NULL: none */
	unit_hook transform;             /* extract/ -> transform/<name>: one planned action a record */
	unit_hook load;                  /* transform/<name> -> the finance app (or the CRM) and the ledger */
};

/*
 * Every unit in run order (entities first: deals need their customers
 * linked), NULL-terminated.  A record entity's unit follows from its line
 * of RECORD_ENTITIES (job.h); any other unit is the `const struct sync_unit
 * unit_NAME` its own file defines, named once in units.c's list.
 */
extern const struct sync_unit *const sync_units[];

/* Runs the stage's hook (STAGE_EXTRACT, STAGE_TRANSFORM or STAGE_LOAD) of every unit in order. */
int units_run(struct stage_run *s, enum stage_bits stage);

/* The record entities' hooks, one for all of them: extract.c, transform.c, load.c (the entity of u->entity). */
int entity_extract(struct stage_run *s, const struct sync_unit *u);
int entity_transform(struct stage_run *s, const struct sync_unit *u);
int entity_load(struct stage_run *s, const struct sync_unit *u);

#endif
