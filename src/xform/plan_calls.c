/*
 * plan_calls.c - the arithmetic of `finsync plan`: how many calls a full
 * run makes for records counted beforehand.  Pure, so that the estimate
 * can be checked against the rules that make the run's calls (one list
 * page per 200 records, one write per record, the listing wall).
 */
#include "finsync/job.h"
#include "finsync/plan_calls.h"

long plan_pages(long n)
{
	return n > 0 ? (n + PLAN_PAGE - 1) / PLAN_PAGE : 1;
}

/*
 * A module past the listing wall cannot be listed whole: a full read
 * goes through Bulk Read, one job per PLAN_BULK_PAGE records.  Follows
 * crm.read "auto"; keep it in step with the Bulk Read reader.
 */
long plan_bulk_jobs(long n)
{
	return n > PLAN_LIST_WALL ? (n + PLAN_BULK_PAGE - 1) / PLAN_BULK_PAGE : 0;
}

long plan_crm_read_calls(long n)
{
	long jobs = plan_bulk_jobs(n);

	/* Each job: its create, its status polls, the download of its ZIP. */
	return jobs ? jobs * (1 + PLAN_BULK_POLLS + 1) : plan_pages(n);
}

/*
 * A record not linked yet (nor skipped by policy, as a duplicate found by
 * an earlier run is) is created, unless an unlinked finance record is
 * its duplicate: the import's usual case, each existing record the match
 * of one CRM record.  on_duplicate says what a duplicate costs: nothing
 * (skip), a create (clone) or an update (overwrite).  A linked record is
 * counted as an update: the most a full run sends (an unchanged one is not).
 */
long plan_entity_calls(struct plan_entity *e)
{
	long settled = e->linked + e->skipped;
	long fresh = e->in_scope > settled ? e->in_scope - settled : 0;
	long dups = fresh < e->unlinked ? fresh : e->unlinked;

	e->creates = fresh - dups + (e->on_duplicate == DUP_CLONE ? dups : 0);
	e->updates = e->linked + (e->on_duplicate == DUP_OVERWRITE ? dups : 0);
	e->person_calls = e->persons;
	e->list_calls = plan_pages(e->finance);
	return e->creates + e->updates + e->person_calls + e->list_calls + e->reads;
}

double plan_hours(long crm_calls, long crm_rpm, long fin_calls, long fin_rpm)
{
	double minutes = 0;

	if (crm_rpm <= 0 && fin_rpm <= 0)
		return -1;
	if (crm_rpm > 0)
		minutes += (double)crm_calls / (double)crm_rpm;
	if (fin_rpm > 0)
		minutes += (double)fin_calls / (double)fin_rpm;
	return minutes / 60.0;
}

double plan_days(long crm_calls, long crm_budget, long fin_calls, long fin_budget)
{
	double crm = crm_budget > 0 ? (double)crm_calls / (double)crm_budget : -1;
	double fin = fin_budget > 0 ? (double)fin_calls / (double)fin_budget : -1;

	return crm > fin ? crm : fin;
}
