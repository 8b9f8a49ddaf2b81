/*
 * review.h - what the files of `finsync review` share: the options, the run
 * view (review_view.c) that both the listing (review.c) and --apply
 * (review_apply.c) read a run through, and the near-duplicates
 * (review_near.c).  Not a public seam: nothing outside src/cmd/review*.c
 * includes it.
 */
#ifndef FINSYNC_CMD_REVIEW_H
#define FINSYNC_CMD_REVIEW_H
#include <jansson.h>
#include "finsync/ndjson.h"

struct job;
struct ledger;

struct review_opts {
	const char *job_path;
	const char *output; /* -o FILE; NULL = stdout */
	const char *apply;  /* --apply FILE */
	long run;           /* --run ID; 0 = the newest with a transform */
	const char *format; /* --format: csv (NULL) or xlsx */
	int bom;
};

/*
 * One run's records to review and the names of its snapshot.  items holds
 * the transform lines (without payload) in file order; by_key finds them by
 * "entity\tcrm_id"; names is entity -> {finance id -> display name}.
 */
struct run_view {
	long run;
	json_t *items;
	json_t *by_key;
	json_t *names;
	json_t *seen;    /* listing: key -> "ledger"/"other", the records of newer runs (borrowed) */
	json_t *creates; /* listing: entity -> the records created as new, for near-duplicates */
};

/* ---- the command (review.c) ---- */

/* The run to list: want, or the newest run whose transform finished; FS_EUSAGE when none. */
int review_pick_run(struct ledger *lg, const struct job *job, long want, long *out);

/* ---- the run view (review_view.c) ---- */

/* Whether the run's transform stage finished (its manifest is there). */
int run_has_transform(const struct job *job, long run);

/* "entity\tcrm_id", the key of a record in by_key and elsewhere (the caller's). */
char *review_item_key(const char *entity, const char *crm_id);

/* The finance ids a record was weighed against (a new reference to an array). */
json_t *review_candidates(json_t *line);

/* Created as new by the ladder's last rung: not by a review, not a clone of a duplicate. */
int review_created_as_new(json_t *line);

/* The entity's noun ("customer"), borrowed; "item" for an unknown entity. */
const char *review_noun(const char *entity);

/* An empty view of run; run_view_release() frees what it holds. */
void run_view_init(struct run_view *v, long run);

/* Frees what the view holds and zeroes it. */
void run_view_release(struct run_view *v);

/* Adds a record (line, its payload dropped) to items and by_key; line stays the caller's. */
void run_view_add(struct run_view *v, const char *entity, json_t *line);

/* The run's records to review (wanted_keys: only those; NULL: all); FS_* error or 0. */
int run_view_items(struct run_view *v, const struct job *job, json_t *wanted_keys);

/* The names of the finance ids in wanted_ids plus every candidate of the items; FS_* error or 0. */
int run_view_names(struct run_view *v, const struct job *job, json_t *wanted_ids);

/* run_view_items() then run_view_names(). */
int run_view_load(struct run_view *v, const struct job *job, json_t *wanted_keys, json_t *wanted_ids);

/* A finance id's name in the run's snapshot, borrowed (NULL: not there); *where: the entity that held it. */
const char *run_view_snapshot_name(const struct run_view *v, const char *entity, const char *id, const char **where);

/* ---- near-duplicates (review_near.c) ---- */

/* Adds to the items the records the run created as new that are close to a finance record; FS_* error or 0. */
int near_duplicates(struct run_view *v, const struct job *job);

/* ---- --apply (review_apply.c) ---- */

/* Checks the decisions file o->apply and records its good rows; FS_* error or 0. */
int review_apply(const struct review_opts *o, const struct job *job, struct ledger *lg);

#endif
