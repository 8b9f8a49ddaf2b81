/*
 * plan_calls.h - the arithmetic of `finsync plan` (src/xform/plan_calls.c):
 * how many calls a full run makes for records counted beforehand.  Pure:
 * the counting is src/stage/plan.c's (plan.h).
 */
#ifndef FINSYNC_PLAN_CALLS_H
#define FINSYNC_PLAN_CALLS_H

/* Zoho CRM: a listing stops at this many records (PAGINATION_LIMIT_EXCEEDED). */
#define PLAN_LIST_WALL 100000L
/* Records per list page (CRM and finance apps alike). */
#define PLAN_PAGE 200L
/* Records per Bulk Read job (its CSV's page). */
#define PLAN_BULK_PAGE 200000L
/*
 * Status polls a Bulk Read job is expected to need before it completes.
 * An estimate until the Bulk Read reader (src/conn) says how it polls:
 * then this follows its backoff.
 */
#define PLAN_BULK_POLLS 4L

/* List pages for n records: at least one (an empty list is one call). */
long plan_pages(long n);
/* Bulk Read jobs for a module of n records: 0 while a listing reaches them all. */
long plan_bulk_jobs(long n);
/* The CRM calls to read a module of n records whole: list pages, or bulk jobs (create, polls, download). */
long plan_crm_read_calls(long n);

/* One entity's figures, gathered, and the finance calls they make. */
struct plan_entity {
	long in_scope;    /* CRM records the entity syncs */
	long linked;      /* of them, linked already */
	long skipped;     /* of them, skipped by policy for good (their latest event: skip) */
	long finance;     /* finance records of the entity now */
	long unlinked;    /* of them, linked to no CRM record (the duplicates a run finds) */
	long reads;       /* of them, read by id during the snapshot (no CRM id on the row, not cached) */
	long persons;     /* contact persons finsync keeps (updated one by one) */
	int on_duplicate; /* enum on_duplicate */
	/* out, from plan_entity_calls(): */
	long creates, updates, person_calls, list_calls;
};

/* Fills e's creates, updates, person_calls and list_calls; returns their sum plus the reads. */
long plan_entity_calls(struct plan_entity *e);

/* Hours at the two paces (requests a minute; 0: unpaced), or -1 when neither is paced. */
double plan_hours(long crm_calls, long crm_rpm, long fin_calls, long fin_rpm);
/* Days at the two daily budgets (0: none), the longer of the two, or -1 when neither has one. */
double plan_days(long crm_calls, long crm_budget, long fin_calls, long fin_budget);

#endif
