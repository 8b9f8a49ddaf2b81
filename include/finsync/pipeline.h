/*
 * pipeline.h - the three stages and what they share during one run.
 *
 * Each stage reads only the files of the stage before it (and the ledger)
 * and writes only its own:
 *   extract   -> staging/<run>/extract/<module>.ndjson.gz (+ finance.<entity> snapshots)
 *   transform -> staging/<run>/transform/<entity>.ndjson.gz (one planned action per record)
 *   load      -> the finance app, and links/events/run_stats in the ledger
 */
#ifndef FINSYNC_PIPELINE_H
#define FINSYNC_PIPELINE_H
#include "finsync/job.h"
#include "finsync/ledger.h"

struct pipeline {
	struct job *job;
	struct ledger *lg;
	long run_id;
	char *run_dir;         /* <state_dir>/staging/<run_id> */
	const char *only;      /* --only ENTITY, or NULL for all the job syncs */
	const char *only_id;   /* resync: the one CRM record of `only` to sync, or NULL */
	int full;              /* --full: ignore watermarks */
	int dry_run;           /* plan only: no writes to either app */
	long records_failed;   /* rejected or invalid records: exit code 1 */
	struct finclient *fin; /* opened on first use, shared by the stages: one token per run */
	json_t *crm_fields;    /* {module: field names} read by the pre-write check, or NULL */
};

struct finclient;

/* The run's finance client, opened on first use. */
int pipeline_finclient(struct pipeline *p, struct finclient **out);
/* A stage's counts as a JSON object, for log fields. */
json_t *stats_json(const struct stats *s);

/* Releases what the stages opened (the finance client). */
void pipeline_release(struct pipeline *p);

/*
 * The sync units' keys under sync with the loader of each (src/stage/units.c),
 * NULL-terminated: main() hands them to job_set_sync_keys() before any job
 * is loaded, so that the job model knows them without calling up.
 */
extern const struct job_sync_key *const unit_sync_keys[];

int stage_extract(struct pipeline *p);
int stage_transform(struct pipeline *p);
int stage_load(struct pipeline *p);
/* Both sides' base currencies, where known, must match: 0, or FS_EABORT naming both. No writes. */
int preflight_currency(struct pipeline *p);
/* What the job names exists in both organisations (ready.h): 0, or FS_EUSAGE saying what to create. No writes. */
int preflight_ready(struct pipeline *p);

/* Whether this run handles the entity (enabled in the job and not excluded by --only). */
int pipeline_wants(const struct pipeline *p, const struct entity_sync *e);
/* Whether this run handles a unit of its own the job enables: not a run narrowed by --only or a resync. */
int pipeline_wants_unit(const struct pipeline *p, int enabled);

/*
 * Where the next run starts reading (new string, or NULL): the CRM's clock
 * at the extract's first list answer, since the CRM stamps Modified_Time by
 * its own clock (reliability.md D8); without it (an extract made before it
 * was noted), started_at, the run's start by this host's clock.
 */
char *pipeline_watermark(struct pipeline *p, const char *started_at);

/*
 * 1 when the entity's mapping differs from the one its records were last
 * loaded with (or the ledger has links and no fingerprint yet), 0 when not;
 * *linked (may be NULL): its linked records, which the run plans again.
 */
int pipeline_mapping_changed(struct pipeline *p, const struct entity_sync *e, long *linked);

/* Name of the extract file holding the finance app's existing records of an entity. */
#define FINANCE_SNAPSHOT_PREFIX "finance."

#endif
