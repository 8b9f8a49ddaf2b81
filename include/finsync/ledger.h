/*
 * ledger.h - the job's memory between runs: <state_dir>/ledger.sqlite.
 *
 * Public tables (analysts query them; docs/design.md "The ledger" names
 * them): runs, run_stats, links, events, watermarks, deal_links, (schema v3)
 * decisions, (v4) summaries and (v6) person_links.  Writes happen inside the caller's
 * ledger_begin()/ledger_commit() so a batch, its events and its stats land
 * together.  The code lives in src/ledger/, one file per table group
 * (runs.c, stats.c, links.c, events.c, deals.c, decisions.c, mappings.c;
 * schema.c and core.c below them); no SQL and no SQLite handle leave that
 * folder.  A new table: a schema_vN in schema.c, a file of its own (or
 * the group it belongs to) with its statements, its functions here.
 *
 * Errors: a function returns 0 (or 1 for "found") on success and a negative
 * FS_E* code after fail() on a failed statement; none logs and goes on.
 * Functions returning a count return -1 on an error.
 *
 * Memory: what a function hands back is the caller's.  A struct it fills
 * (struct link, run_info, decision, deal_link, person_link, summary_row)
 * owns its strings until its *_release(); a char ** out-parameter receives
 * a new string (xfree() it); a json_t ** receives a new reference
 * (json_decref() it), NULL on an error.  Strings passed in are only
 * borrowed for the call, and so are those a walk's callback receives
 * (ledger_*_each(): a non-zero return from the callback stops the walk
 * and is what the walk returns).
 */
#ifndef FINSYNC_LEDGER_H
#define FINSYNC_LEDGER_H
#include <jansson.h>
#include "finsync/outcome.h"

struct ledger;

struct link {
	char *entity;
	char *crm_id;
	char *finance_id;
	char *origin; /* "crm" / "finance" */
	char *crm_hash;
	char *finance_hash;
	char *state; /* "linked", "pending", "source_deleted" */
	char *updated_at;
};

struct run_info {
	long id;
	char *job;
	char *started_at;
	char *finished_at;
	char *status; /* running, ok, partial, aborted, budget */
	char *stages;
	char *error;
	int exit_code; /* the process's exit status; -1 none recorded (running, or it died) */
	int dry_run;   /* 1: planned only, nothing written */
};

int ledger_open(struct ledger **out, const char *state_dir);
void ledger_close(struct ledger *lg);

int ledger_begin(struct ledger *lg);
int ledger_commit(struct ledger *lg);
/* Best effort: it runs on a path that already failed, whose error is the one to report. */
void ledger_rollback(struct ledger *lg);

/*
 * A read snapshot (BEGIN DEFERRED … COMMIT) around a stretch of lookups:
 * one set of SQLite locks instead of one per lookup, and one view.  Never
 * around a write.
 */
int ledger_read_begin(struct ledger *lg);
int ledger_read_end(struct ledger *lg);

int ledger_run_start(struct ledger *lg, const char *job, const char *stages, long *run_id);
/* The newest run: 1 found, 0 none. */
int ledger_run_latest(struct ledger *lg, struct run_info *out);
int ledger_run_get(struct ledger *lg, long run_id, struct run_info *out);
int ledger_run_set_stages(struct ledger *lg, long run_id, const char *stages);
int ledger_run_finish(struct ledger *lg, long run_id, const char *status, const char *error);
/* Marks the run a dry run (runs.dry_run = 1). */
int ledger_run_set_dry_run(struct ledger *lg, long run_id);
/* Records the exit status of the process that last worked on the run (runs.exit_code). */
int ledger_run_set_exit_code(struct ledger *lg, long run_id, int exit_code);
/* The run's records whose newest event of the run is failed or invalid. */
int ledger_run_unsettled(struct ledger *lg, long run_id, long *count);
/*
 * Every run still `running` becomes `aborted` with error: called with the
 * job's lock held, when no run of the job can be alive (a killed run never
 * recorded its end).
 */
int ledger_runs_end_dead(struct ledger *lg, const char *error);
/*
 * Why a run is aborted when its process died without recording its end
 * (SIGKILL, a second signal, a crash): the reason written by the next run
 * and the one the history shows for a `running` run whose lock is free.
 */
#define RUN_DIED_REASON "process ended without finishing"
void run_info_release(struct run_info *r);

/* 1 found (fills out), 0 none, <0 error. */
int ledger_link_get(struct ledger *lg, const char *entity, const char *crm_id, struct link *out);
/* The CRM id linked to a finance record: 1 found (*crm_id_out, caller frees), 0 none. */
int ledger_link_by_finance(struct ledger *lg, const char *entity, const char *finance_id, char **crm_id_out);
/*
 * The CRM id read from an unlinked finance record whose list row lacks custom
 * fields, kept with the record's last_modified_time: 1 read at that very
 * version (*crm_id new, NULL when it had none), 0 not, <0 error.
 */
int ledger_finance_read_get(struct ledger *lg, const char *entity, const char *finance_id, const char *modified,
			    char **crm_id);
int ledger_finance_read_put(struct ledger *lg, const char *entity, const char *finance_id, const char *modified,
			    const char *crm_id);
/* Insert or replace by (entity, crm_id); updated_at is set to now. */
int ledger_link_put(struct ledger *lg, const struct link *l);
void link_release(struct link *l);

/* crm_module ("Accounts" …) lets a failed record be fetched again by id. */
int ledger_event_add(struct ledger *lg, long run_id, const char *entity, const char *crm_module, const char *crm_id,
		     const char *finance_id, const char *action, const char *match, const char *reason);

/*
 * Watermarks: per entity, the instant (ISO 8601 UTC) up to which the CRM's
 * changes are in the finance app.  1 found (*since new), 0 none.
 */
int ledger_watermark_get(struct ledger *lg, const char *entity, char **since);
int ledger_watermark_put(struct ledger *lg, const char *entity, const char *since, long run_id);
/* Every watermark by entity (run_id 0 when unknown); borrowed strings; non-zero from fn stops. */
int ledger_watermarks_each(struct ledger *lg, int (*fn)(const char *entity, const char *since, long run_id, void *ud),
			   void *ud);

/* CRM ids of a module whose latest event is 'failed' (*ids: new array): retried by id. */
int ledger_failed_ids(struct ledger *lg, const char *entity, const char *crm_module, json_t **ids);

/* Records (any entity) whose latest event is 'failed': the next run retries them. */
int ledger_failed_count(struct ledger *lg, long *n);

/* An event as a walk sees it (strings borrowed for the callback). */
struct event_row {
	const char *entity, *crm_module, *crm_id, *finance_id, *action, *match, *reason;
};

/*
 * The records of a run that did not go through (failed, invalid,
 * ambiguous), in the order they were recorded: *total counts them all,
 * fn sees the first `max`; non-zero from fn stops.
 */
int ledger_problems_count(struct ledger *lg, long run_id, long *total);
int ledger_problems_each(struct ledger *lg, long run_id, long max, int (*fn)(const struct event_row *e, void *ud),
			 void *ud);
/*
 * The run's records not synced, per entity and outcome (failed, invalid,
 * ambiguous: each record by its newest event of the run), entity by entity.
 */
int ledger_unsynced_each(struct ledger *lg, long run_id,
			 int (*fn)(const char *entity, const char *action, long count, void *ud), void *ud);

/* The action this run recorded for a record: 1 (*action new), 0 none. */
int ledger_event_action(struct ledger *lg, long run_id, const char *entity, const char *crm_id, char **action);
/* The same for a record without a CRM id (a bad export row), known by its reason ("'X.csv' line 7: ..."). */
int ledger_event_action_by_reason(struct ledger *lg, long run_id, const char *entity, const char *reason,
				  char **action);

/* Sets the row (run_id, entity, stage) to s, creating it. */
int ledger_stats_add(struct ledger *lg, long run_id, const char *entity, const char *stage, const struct stats *s);

/* 1 when the row (run_id, entity, stage) exists, 0 when not. */
int ledger_stats_exist(struct ledger *lg, long run_id, const char *entity, const char *stage);

/*
 * A row of the reports (history, status, the run's summary line), its
 * strings borrowed for the callback.  The counts are those of the run's
 * load stage, or of its transform when it has no load row (a dry run).
 */
struct run_stats_row {
	long run_id;
	const char *started_at, *finished_at, *status, *error; /* history only */
	int exit_code, dry_run;                                /* history only; exit_code -1: none */
	const char *entity;                                    /* NULL: the run has no stats (history only) */
	const char *stage;                                     /* the stage the counts come from */
	struct stats s;
	long calls_planned; /* history only: the run's predicted calls, -1 unknown */
	long calls_made;    /* history only: the calls it made, -1 unknown */
};

/*
 * The reports' walks: fn is called per row; a non-zero return stops the
 * walk and is returned.  run_stats_each: one run's entities by name, of
 * stage (NULL: the load's, else the transform's).  history_each: the
 * newest `limit` runs (0: all), newest first, one row per run and entity
 * (a run without stats: one row, entity NULL).
 */
int ledger_run_stats_each(struct ledger *lg, long run_id, const char *stage,
			  int (*fn)(const struct run_stats_row *r, void *ud), void *ud);
int ledger_history_each(struct ledger *lg, long limit, int (*fn)(const struct run_stats_row *r, void *ud), void *ud);
/* Run ids, newest first (run_id 0: every run; else only that one, if it exists). */
int ledger_runs_each(struct ledger *lg, long run_id, int (*fn)(long run_id, void *ud), void *ud);

/* Job state (keys "paused", "disabled" …): 1 found (*value new), 0 none. */
int ledger_state_get(struct ledger *lg, const char *key, char **value);
int ledger_state_set(struct ledger *lg, const char *key, const char *value);

/*
 * Create intents: written (and committed) before a create is sent, cleared
 * with the link.  An intent left behind means a create may have happened
 * without its link: the next run looks the record up before creating.
 */
int ledger_intent_put(struct ledger *lg, const char *entity, const char *crm_id, long run_id, const char *crm_hash);
int ledger_intent_clear(struct ledger *lg, const char *entity, const char *crm_id);
int ledger_intent_exists(struct ledger *lg, const char *entity, const char *crm_id);

/* API calls per day ("YYYY-MM-DD", UTC) and API ("crm", "finance"). */
int ledger_usage_add(struct ledger *lg, const char *api, const char *day, long calls);
int ledger_usage_get(struct ledger *lg, const char *api, const char *day, long *calls);
/* The calls of each API on day, by API name; non-zero from fn stops. */
int ledger_usage_each(struct ledger *lg, const char *day, int (*fn)(const char *api, long calls, void *ud), void *ud);

/*
 * Review decisions (schema v3; `finsync review --apply`): what an analyst
 * decided for a CRM record the transform could not settle (a duplicate, an
 * ambiguous match).  decision is "link" (finance_id set), "create" or "skip"
 * (finance_id NULL).  The transform follows it after the ledger link.
 */
struct decision {
	char *entity;
	char *crm_id;
	char *crm_module; /* "Accounts" …: lets the next run read the record by id */
	char *decision;   /* "link", "create", "skip" */
	char *finance_id; /* link only */
	char *decided_at; /* ISO 8601 UTC; NULL on put: now */
};

/* Insert or replace by (entity, crm_id), inside the caller's transaction. */
int ledger_decision_put(struct ledger *lg, const struct decision *d);
/* 1 found (fills out; decision_release()), 0 none, <0 error. */
int ledger_decision_get(struct ledger *lg, const char *entity, const char *crm_id, struct decision *out);
/*
 * CRM ids of a module with a link or create decision whose record is not
 * linked yet (*ids: new array): an incremental run reads them again by id.
 */
int ledger_decision_ids(struct ledger *lg, const char *entity, const char *crm_module, json_t **ids);
void decision_release(struct decision *d);

/*
 * Deals (schema v4): a deal's quote and invoice, each created once ever.
 * state is "pending" (an intent: committed before the create is sent; a
 * rerun looks the transaction up by the deal id before creating it), else
 * the transaction's status as last seen ("draft", "sent", "accepted",
 * "void" …, "gone" when deleted in the app).  hash: of the deal fields the
 * transaction was last written with.
 */
struct deal_link {
	char *deal_id;
	char *kind;       /* "quote" / "invoice" / "salesorder" */
	char *finance_id; /* NULL while pending */
	char *state;
	char *hash;
	char *updated_at;
};

/* 1 found (fills out; deal_link_release()), 0 none, <0 error. */
int ledger_deal_link_get(struct ledger *lg, const char *deal_id, const char *kind, struct deal_link *out);
/* Insert or replace by (deal_id, kind); updated_at is set to now. */
int ledger_deal_link_put(struct ledger *lg, const struct deal_link *d);
int ledger_deal_link_delete(struct ledger *lg, const char *deal_id, const char *kind);
/*
 * The deal a transaction of kind was made for (not pending) and the hash of
 * its money as last written to the deal (schema v10; NULL: never): 1 found,
 * 0 none.  _put sets that hash.
 */
int ledger_deal_money_get(struct ledger *lg, const char *kind, const char *finance_id, char **deal_id,
			  char **money_hash);
int ledger_deal_money_put(struct ledger *lg, const char *deal_id, const char *kind, const char *money_hash);
/* The deal whose kind ("quote"/"invoice") is finance_id: 1 with *deal_id (new), 0 none, <0. */
int ledger_deal_by_finance(struct ledger *lg, const char *kind, const char *finance_id, char **deal_id);
void deal_link_release(struct deal_link *d);
/*
 * transaction_links (schema v11): a CRM quote and the invoice made from it
 * (origin "crm", keyed by crm_module and crm_id; finance_id NULL while the
 * create is pending), or a finance transaction and its CRM mirror (origin
 * "finance", keyed by kind and finance_id; crm_id NULL until answered).
 */
struct txn_link {
	char *kind; /* "invoice", "estimate", "salesorder", "purchaseorder", "quote" */
	char *finance_id;
	char *crm_module;
	char *crm_id;
	char *origin; /* "crm" / "finance" */
	char *hash;   /* what was last written */
	char *updated_at;
};

/* By its key: origin "crm" with crm_module and crm_id, or "finance" with kind and finance_id.  1, 0 none, <0. */
int ledger_txn_link_get(struct ledger *lg, const char *origin, const char *a, const char *b, struct txn_link *out);
/* Insert or replace by its key; updated_at is set to now.  Inside the caller's transaction. */
int ledger_txn_link_put(struct ledger *lg, const struct txn_link *t);
int ledger_txn_link_delete(struct ledger *lg, const struct txn_link *t);
void txn_link_release(struct txn_link *t);
long ledger_txn_links_count(struct ledger *lg);

/* Deals to read again by id (*ids: new array): last event failed or skip, or a pending create. */
int ledger_deal_retry_ids(struct ledger *lg, json_t **ids);

/*
 * person_links (schema v6): a contact person finsync added to a finance
 * customer, keyed by its CRM contact.  hash: of the person as last written
 * (its primary flag included).
 */
struct person_link {
	char *crm_contact_id;
	char *finance_customer_id;
	char *finance_person_id;
	char *hash;
};

/* 1 found (fills out; person_link_release()), 0 none, <0 error. */
int ledger_person_link_get(struct ledger *lg, const char *crm_contact_id, struct person_link *out);
/* The CRM contact linked to a finance person id: 1 (*crm_contact_id new), 0 none. */
int ledger_person_link_by_person(struct ledger *lg, const char *finance_person_id, char **crm_contact_id);
/* Insert or replace by crm_contact_id (a replaced row keeps its age). */
int ledger_person_link_put(struct ledger *lg, const struct person_link *p);
int ledger_person_link_delete(struct ledger *lg, const char *crm_contact_id);
/* The persons finsync added to one customer, oldest first (*out: a new array of *n; release each). */
int ledger_person_links_of(struct ledger *lg, const char *finance_customer_id, struct person_link **out, size_t *n);
void person_link_release(struct person_link *p);

/* The row (run_id, entity, stage): 1 found (fills out), 0 none. */
int ledger_stats_get(struct ledger *lg, long run_id, const char *entity, const char *stage, struct stats *out);
/* A record's newest event: 1 with *action and *reason (new strings, reason may be NULL), 0 none. */
int ledger_event_last(struct ledger *lg, const char *entity, const char *crm_id, char **action, char **reason);

/*
 * The financial summary (src/stage/summary.c).  The work table (TEMP, per
 * connection) gathers the finance app's figures by finance id; rows then
 * come out per linked CRM record, `limit` at a time in crm_id order after
 * `after` (keyset: no statement stays open while the CRM is written), with
 * the hash last written (summaries table, schema v4).
 */
struct summary_row {
	char *crm_id;
	char *finance_id;
	char *crm_module; /* of the record's newest event ("Accounts", "Contacts"), or NULL */
	int has_outstanding;
	double outstanding;
	long overdue;
	int has_payment;
	char *pay_date;
	double pay_amount;
	char *hash; /* last written, or NULL */
};

int ledger_summary_work_reset(struct ledger *lg);
int ledger_summary_work_outstanding(struct ledger *lg, const char *finance_id, double amount);
int ledger_summary_work_overdue(struct ledger *lg, const char *finance_id);
/* Adds amount to the customer's outstanding figure (gathered from invoice balances). */
int ledger_summary_work_add_outstanding(struct ledger *lg, const char *finance_id, double amount);
/* Keeps the latest payment per customer: by date, then order_key (compared as text). */
int ledger_summary_work_payment(struct ledger *lg, const char *finance_id, const char *date, double amount,
				const char *order_key);
/* Fills rows[0..*n) (summary_row_release() each); *n < limit at the end. */
int ledger_summary_rows(struct ledger *lg, const char *entity, const char *after, int limit, struct summary_row *rows,
			int *n);
void summary_row_release(struct summary_row *r);
int ledger_summary_put(struct ledger *lg, const char *entity, const char *crm_id, const char *hash);

/*
 * Unlink.  ledger_links_each() calls fn for every link of entity that has a
 * finance id (created_only: only those whose finance record finsync created
 * from the CRM: origin crm and a create event for it, not a record it found
 * and linked); the link's strings are borrowed for the call; fn must not
 * write the ledger; a non-zero return stops the walk and is returned.
 */
int ledger_links_each(struct ledger *lg, const char *entity, int created_only,
		      int (*fn)(const struct link *l, void *ud), void *ud);
/* 1 when the ledger holds a link or a decision of the entity, 0 when nothing (a first run). */
int ledger_entity_known(struct ledger *lg, const char *entity);
/* Links of an entity ("deals": deal links), or -1. */
long ledger_links_count(struct ledger *lg, const char *entity);
long ledger_deal_links_count(struct ledger *lg);
int ledger_link_delete(struct ledger *lg, const char *entity, const char *crm_id);
/* Marks a link to survive ledger_unlink_links() (its finance record could not be deleted). */
int ledger_unlink_keep(struct ledger *lg, const char *entity, const char *crm_id);
/*
 * Drops every link not kept and every deal link, each with an 'unlink'
 * event of run_id giving reason, plus intents, summary hashes and
 * watermarks; *dropped = links dropped.  Inside the caller's transaction.
 */
int ledger_unlink_links(struct ledger *lg, long run_id, const char *reason, long *dropped);

/*
 * Mapping fingerprints (schema v7): per entity, the fingerprint of the
 * mapping its records were last loaded with.  get: 1 (*fingerprint new), 0
 * none.  put: inside the caller's transaction.
 */
int ledger_mapping_get(struct ledger *lg, const char *entity, char **fingerprint);
int ledger_mapping_put(struct ledger *lg, const char *entity, const char *fingerprint, long run_id);
/* Linked records of an entity (state linked, with a finance id), or -1. */
long ledger_linked_count(struct ledger *lg, const char *entity);

/*
 * One state_dir, one job: FS_EUSAGE (naming both jobs and the state_dir)
 * when the ledger belongs to another job; with claim, a ledger of no job
 * yet (or known only by its runs) is marked as this job's.
 */
int ledger_job_check(struct ledger *lg, const char *job, const char *state_dir, int claim);

/*
 * run_calls (schema v12): per run and API ("crm", "finance"), the calls
 * predicted for a run that reads in full (planned; -1: unknown, stored
 * NULL) and the calls made (added to as the answers come).  History shows
 * both.
 */
int ledger_run_calls_planned(struct ledger *lg, long run_id, const char *api, long planned);
int ledger_run_calls_made(struct ledger *lg, long run_id, const char *api, long calls);

/*
 * reconciles (schema v12): each `finsync reconcile`'s summary (JSON text:
 * per entity its counts) and how many records it found amiss.  last: 1
 * with *at and *summary (new strings), 0 when none ran.
 */
int ledger_reconcile_put(struct ledger *lg, const char *summary, long off);
int ledger_reconcile_last(struct ledger *lg, char **at, char **summary, long *off);
/*
 * Reconcile's work (TEMP tables of the connection): reset, then per entity
 * the CRM ids in scope and the finance records (the CRM id each carries or
 * NULL, its last change in seconds since 1970 or -1), then the counts and
 * the records of each kind (docs/design.md "Command line", reconcile): fn gets the CRM id
 * and the finance id (either may be NULL: a doubled CRM id has several).
 * skew: seconds a finance change may follow the link's write and still be
 * that write (the two clocks).
 */
enum reconcile_kind { RECONCILE_MISSING, RECONCILE_ORPHANED, RECONCILE_DOUBLED, RECONCILE_DRIFTED, RECONCILE_KINDS };
int ledger_reconcile_reset(struct ledger *lg);
int ledger_reconcile_crm(struct ledger *lg, const char *crm_id);
int ledger_reconcile_fin(struct ledger *lg, const char *finance_id, const char *crm_id, long long modified);
int ledger_reconcile_counts(struct ledger *lg, const char *entity, long *in_scope, long *linked);
int ledger_reconcile_each(struct ledger *lg, const char *entity, enum reconcile_kind kind, long skew,
			  int (*fn)(const char *crm_id, const char *finance_id, void *ud), void *ud);

/* The contact persons finsync keeps (person_links), or -1. */
long ledger_person_links_count(struct ledger *lg);
/* CRM records of entity skipped for good: latest event skip, no link; or -1. */
long ledger_skipped_count(struct ledger *lg, const char *entity);

/* 1 when a CRM record was matched to this finance record before (see events.c). */
int ledger_finance_matched(struct ledger *lg, const char *entity, const char *finance_id);

#endif
