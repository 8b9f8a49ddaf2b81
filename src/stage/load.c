/*
 * load.c - the last stage: planned actions into the finance app, outcomes
 * into the ledger.
 *
 * Records go in batches of BATCH.  For each batch:
 *   1. the intents of its creates are committed to the ledger;
 *   2. the writes are sent;
 *   3. one transaction holds the batch's links, events, cleared intents and
 *      the entity's running stats (each answer is written into it as it
 *      comes, while the others are still out; it commits after the last).
 * A kill between 1 and 3 leaves intents behind; whoever loads that record
 * next looks for it before creating.  Creates go through the app's upsert on
 * the CRM-id custom field where it has one, so a repeated create is an
 * update.  A record the app refuses is a failed event with the app's
 * message; the others still load.  A customer's contact persons are
 * written after it, one by one (persons.c).  The read loop, the budget, the
 * resume check and the closing stats and watermark are the load loop's
 * (load_loop.c), which the deals share.
 */
#include <stdlib.h>
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/finclient.h"
#include "finsync/interrupt.h"
#include "finsync/ledger.h"
#include "finsync/log.h"
#include "finsync/ndjson.h"
#include "finsync/mapping.h"
#include "finsync/pipeline.h"
#include "finsync/progress.h"
#include "finsync/staging.h"
#include "deals.h"
#include "load_loop.h"
#include "units.h"
#include "persons.h"
#include "to_crm.h"
#include "../xform/xform.h"

#define BATCH 100

struct load {
	struct pipeline *p;
	struct finclient *fin;
	const struct entity_sync *e;
	struct stats s;
	json_t *batch[BATCH];
	size_t n;
	int resuming;            /* an earlier attempt at this run's load committed batches */
	long waiting;            /* planned writes not sent (the daily budget ran out) */
	json_t *finance_changed; /* both ways: CRM ids whose finance record changed too */
	json_t *again[BATCH];    /* records the batch sends once more as creates (owned) */
	size_t n_again;
	json_t *recovered; /* the batch's intents: CRM id -> finance id found, or null */
};

static int is_write(json_t *rec)
{
	const char *a = jstr(rec, "action");

	return a && (!strcmp(a, "create") || !strcmp(a, "update"));
}

/* A finance contact (customers, vendors) carries contact persons; an item none. */
static int has_persons(const struct load *l)
{
	return entity_defs[l->e->kind].is_contact;
}

static int record_event(struct load *l, json_t *rec, const char *finance_id, const char *action, const char *reason)
{
	return ledger_event_add(l->p->lg, l->p->run_id, l->e->name, jstr(rec, "crm_module"), jstr(rec, "crm_id"),
				finance_id, action, jstr(rec, "match"), reason);
}

static int link_record(struct load *l, json_t *rec, const char *finance_id)
{
	struct link link = { 0 };
	int rc;

	/*
	 * Both ways: our write changed the finance record, so its finance-side
	 * hash is forgotten; the next run records it again from the list (a
	 * "baseline", no request) instead of taking our own write for a change.
	 */
	link.finance_hash = NULL;
	link.entity = (char *)l->e->name;
	link.crm_id = (char *)jstr(rec, "crm_id");
	link.finance_id = (char *)finance_id;
	link.origin = (char *)"crm";
	link.crm_hash = (char *)jstr(rec, "hash");
	link.state = (char *)"linked";
	if ((rc = ledger_link_put(l->p->lg, &link)))
		return rc;
	return ledger_intent_clear(l->p->lg, l->e->name, jstr(rec, "crm_id"));
}

/*
 * How a create goes: by upsert on the CRM-id field where the app has it;
 * otherwise a POST, unless an earlier attempt left an intent and the record
 * was found by its CRM id (find_interrupted; then it is updated).  *found is
 * a new string.
 */
static int plan_create(struct load *l, json_t *rec, int had_intent, struct fin_write *w, char **found)
{
	const char *fid = jstr(l->recovered, jstr(rec, "crm_id"));

	*found = NULL;
	if (l->p->job->app->has_unique_upsert) {
		w->upsert_value = jstr(rec, "crm_id");
		return 0;
	}
	if (had_intent && fid) {
		log_info("%s %s: found by its CRM id as %s (an interrupted run or a create with no answer made it);"
			 " updating it",
			 l->e->name, jstr(rec, "crm_id"), fid);
		*found = xstrdup(fid);
		w->finance_id = *found;
	}
	return 0;
}

/*
 * The records an interrupted run may have created (an intent was left), on
 * an app without upsert: one walk of the finance list finds them all by
 * their CRM id, checked on each record, instead of one walk each.
 */
static int find_interrupted(struct load *l, const int *had_intent)
{
	size_t i;

	json_decref(l->recovered);
	l->recovered = json_object();
	if (l->p->job->app->has_unique_upsert)
		return 0;
	for (i = 0; i < l->n; i++)
		if (had_intent[i])
			json_object_set_new(l->recovered, jstr(l->batch[i], "crm_id"), json_null());
	return finclient_find_many(l->fin, l->e->kind, l->p->job->crm_id_field, l->recovered);
}

static void count_write(struct load *l, int create)
{
	if (create)
		l->s.added++;
	else
		l->s.updated++;
}

static int record_rejection(struct load *l, json_t *rec, const struct fin_outcome *o)
{
	char *why = xasprintf("%s rejected %s '%s' (HTTP %ld, code %ld): %s", l->p->job->app->label, l->e->name,
			      jstr_or(rec, "name", ""), o->status, o->code, o->message);
	int rc;

	log_warn("%s (crm id %s)", why, jstr(rec, "crm_id"));
	rc = record_event(l, rec, jstr(rec, "finance_id"), "failed", why);
	l->s.failed++;
	l->p->records_failed++;
	xfree(why);
	return rc;
}

/*
 * The app says the record written to does not exist: Zoho's 1002 ("Contact
 * does not exist"), 2006 for items in the apps that say "Item does not
 * exist", or a 404 that is not the one for a wrong URL (code 5).
 */
static int answered_missing(const struct fin_outcome *o, enum entity_kind kind)
{
	return o->code == 1002 || (o->code == 2006 && kind == ENTITY_ITEMS) || (o->status == 404 && o->code != 5);
}

/*
 * Queues rec to go out again in this batch, as a create, with why as its
 * reason: nothing is counted before the app has answered that write.
 */
static void send_again(struct load *l, json_t *rec, char *why)
{
	log_info("%s %s: %s", l->e->name, jstr(rec, "crm_id"), why);
	json_object_set_new(rec, "action", json_string("create"));
	json_object_set_new(rec, "reason", json_string(why));
	json_object_set_new(rec, "again", json_true());
	l->again[l->n_again++] = json_incref(rec);
	xfree(why);
}

/* An update answered "does not exist": the linked record was deleted in the app. */
static void create_again(struct load *l, json_t *rec)
{
	char *why = xasprintf("the linked finance record %s no longer exists; created again", jstr(rec, "finance_id"));

	json_object_set_new(rec, "finance_id", json_null());
	send_again(l, rec, why);
}

/* Records the app's answer to one write. */
static int settle_write(struct load *l, json_t *rec, struct fin_write *w)
{
	int create = jstr_is(rec, "action", "create");
	int rc;

	if (!w->out.ok && !create && !json_is_true(json_object_get(rec, "again")) &&
	    answered_missing(&w->out, l->e->kind)) {
		create_again(l, rec);
		return 0;
	}
	if (!w->out.ok)
		return record_rejection(l, rec, &w->out);
	if ((rc = link_record(l, rec, w->out.finance_id)))
		return rc;
	count_write(l, create);
	return record_event(l, rec, w->out.finance_id, create ? "create" : "update", jstr(rec, "reason"));
}

/* No answer at all for this one (cut off, the server gone): failed, looked up next time. */
static int record_no_answer(struct load *l, json_t *rec)
{
	char *why = xasprintf("no answer from %s: %s; the next run looks the record up before writing it",
			      l->p->job->app->label, err_msg());
	int rc = record_event(l, rec, jstr(rec, "finance_id"), "failed", why);

	log_warn("%s %s: %s", l->e->name, jstr(rec, "crm_id"), why);
	l->s.failed++;
	l->p->records_failed++;
	xfree(why);
	return rc;
}

/*
 * A create that went out and got no answer (a timeout, a cut connection)
 * may have been applied: it goes again in this batch, and since its intent
 * is committed, plan_create() looks it up by its CRM id first (or the app
 * upserts on it), so it is updated if it was made and made if it was not.
 * Anything else, or a second time: failed, looked up next run.
 */
static int settle_unsure(struct load *l, json_t *rec)
{
	if (!jstr_is(rec, "action", "create") || json_is_true(json_object_get(rec, "again")))
		return record_no_answer(l, rec);
	log_warn("%s %s: %s", l->e->name, jstr(rec, "crm_id"), err_msg());
	send_again(l, rec,
		   xstrdup("no answer to the create (it may have been applied); looked up by its CRM id "
			   "before it went again"));
	return 0;
}

/* The CRM record is gone; the finance record stays, its link says so. */
static int mark_source_deleted(struct load *l, json_t *rec)
{
	struct link link;
	int rc = ledger_link_get(l->p->lg, l->e->name, jstr(rec, "crm_id"), &link);

	if (rc == 1) {
		xfree(link.state);
		link.state = xstrdup("source_deleted");
		rc = ledger_link_put(l->p->lg, &link);
	}
	link_release(&link);
	l->s.deleted++;
	return rc < 0 ? rc : record_event(l, rec, jstr(rec, "finance_id"), "source_deleted", jstr(rec, "reason"));
}

/* A deleted CRM contact's person leaves its customer (persons.c). */
static int remove_deleted_person(struct load *l, json_t *rec)
{
	int incomplete, rc = persons_remove(l->p, l->fin, jstr(rec, "crm_id"), &incomplete);

	if (rc)
		return rc;
	return record_event(l, rec, jstr(rec, "finance_id"), incomplete ? "failed" : "person_removed",
			    incomplete ? "its contact person could not be removed (see the log)" : jstr(rec, "reason"));
}

static int apply_other(struct load *l, json_t *rec, const char *action)
{
	if (!strcmp(action, "source_deleted"))
		return mark_source_deleted(l, rec);
	if (!strcmp(action, "person_removed"))
		return remove_deleted_person(l, rec);
	if (!strcmp(action, "unchanged"))
		l->s.unchanged++;
	else if (!strcmp(action, "skip") || !strcmp(action, "ambiguous"))
		l->s.skipped++;
	else if (!strcmp(action, "invalid")) {
		l->s.failed++;
		l->p->records_failed++;
	} else
		return fail(FS_EINPUT, "unknown action '%s'", action);
	return record_event(l, rec, jstr(rec, "finance_id"), action, jstr(rec, "reason"));
}

static void count_action(struct load *l, const char *action)
{
	if (!strcmp(action, "create"))
		l->s.added++;
	else if (!strcmp(action, "update"))
		l->s.updated++;
	else if (!strcmp(action, "unchanged"))
		l->s.unchanged++;
	else if (!strcmp(action, "skip") || !strcmp(action, "ambiguous"))
		l->s.skipped++;
	else if (!strcmp(action, "source_deleted"))
		l->s.deleted++;
	else if (strcmp(action, "person_removed"))
		l->s.failed++;
}

/* On a resumed load: 1 when the earlier attempt recorded this record (counted, not redone). */
static int done_earlier(struct load *l, json_t *rec)
{
	char *action = NULL;
	int rc;

	if (!l->resuming)
		return 0;
	if (!jstr(rec, "crm_id")) {
		/* A bad export row has no id; its reason names its file and line, once per run. */
		if (!jstr(rec, "reason"))
			return 0;
		rc = ledger_event_action_by_reason(l->p->lg, l->p->run_id, l->e->name, jstr(rec, "reason"), &action);
		if (rc == 1)
			count_action(l, action);
		xfree(action);
		return rc;
	}
	rc = ledger_event_action(l->p->lg, l->p->run_id, l->e->name, jstr(rec, "crm_id"), &action);
	if (rc == 1) {
		if (json_is_true(json_object_get(rec, "duplicate")))
			l->s.duplicates++;
		count_action(l, action);
		/* write_intents() wrote one for the batch; this record needs none. */
		rc = ledger_intent_clear(l->p->lg, l->e->name, jstr(rec, "crm_id"));
		rc = rc ? rc : 1;
	}
	xfree(action);
	return rc;
}

/* A record that needs no request: recorded, counted. */
static int apply_one(struct load *l, json_t *rec)
{
	const char *action = jstr(rec, "action");
	int rc;

	if (json_is_true(json_object_get(rec, "duplicate")))
		l->s.duplicates++;
	if (!action)
		rc = fail(FS_EINPUT, "record without an action");
	else
		rc = apply_other(l, rec, action);
	if (rc == FS_EINPUT) {
		log_warn("%s: crm id %s: %s", l->e->name, jstr_or(rec, "crm_id", "?"), err_msg());
		l->s.failed++;
		l->p->records_failed++;
		rc = 0;
	}
	return rc;
}

/* Step 1: the batch's create intents, committed before anything is sent. */
static int write_intents(struct load *l, int *had_intent)
{
	size_t i;
	int rc;

	if ((rc = ledger_begin(l->p->lg)))
		return rc;
	for (i = 0; i < l->n && !rc; i++) {
		json_t *rec = l->batch[i];
		had_intent[i] = 0;
		if (!is_write(rec) || !jstr_is(rec, "action", "create") || !jstr(rec, "crm_id"))
			continue;
		if ((rc = ledger_intent_exists(l->p->lg, l->e->name, jstr(rec, "crm_id"))) < 0)
			break;
		had_intent[i] = rc;
		rc = ledger_intent_put(l->p->lg, l->e->name, jstr(rec, "crm_id"), l->p->run_id, jstr(rec, "hash"));
	}
	if (rc) {
		ledger_rollback(l->p->lg);
		return rc;
	}
	return ledger_commit(l->p->lg);
}

/*
 * A customer's persons leave its payload before it is sent (persons.c says
 * why); a create where the app takes them keeps them in its body.  They
 * wait in the record for persons_pass().
 */
static void take_persons(struct load *l, json_t *rec, json_t *payload)
{
	int in_body;
	json_t *persons = persons_take(l->p->job->app, payload, jstr_is(rec, "action", "create"), &in_body);

	json_object_set_new(rec, "persons", persons ? persons : json_null());
	json_object_set_new(rec, "persons_in_body", json_boolean(in_body));
}

/*
 * The persons of a customer the app accepted (out).  One that could not be
 * written leaves the customer's link without a hash and a failed event, so
 * the next run reads the customer again and retries it.
 */
static int settle_persons(struct load *l, json_t *rec, const struct fin_outcome *out)
{
	json_t *persons = json_object_get(rec, "persons");
	int incomplete, rc;

	rc = persons_settle(l->p, l->fin, out->finance_id, json_is_array(persons) ? persons : NULL,
			    json_is_true(json_object_get(rec, "persons_in_body")), out, &incomplete);
	if (!rc && incomplete) {
		json_object_set_new(rec, "hash", json_null());
		if (!(rc = link_record(l, rec, out->finance_id)))
			rc = record_event(l, rec, out->finance_id, "failed",
					  "a contact person could not be written (see the log); "
					  "the customer is sent again next run");
	}
	return rc;
}

/* An update whose customer is as last written (record_hash()): only its persons changed. */
static int persons_only(struct load *l, json_t *rec)
{
	const char *body = record_hash_body(jstr(rec, "hash"));
	struct link link;
	int rc;

	if (!body || !jstr_is(rec, "action", "update"))
		return 0;
	rc = ledger_link_get(l->p->lg, l->e->name, jstr(rec, "crm_id"), &link);
	if (rc == 1)
		rc = link.crm_hash && record_hash_body(link.crm_hash) &&
		     !strcmp(record_hash_body(link.crm_hash), body) && !strcmp(link.state, "linked");
	link_release(&link);
	return rc;
}

/* The persons of such an update are written without a request for the customer. */
static int write_persons_only(struct load *l, json_t *rec)
{
	struct fin_write w = { .finance_id = jstr(rec, "finance_id") };
	int rc;

	take_persons(l, rec, json_object_get(rec, "payload"));
	w.out.ok = 1;
	w.out.status = 200;
	w.out.finance_id = xstrdup(w.finance_id);
	w.out.message = xstrdup("only its contact persons changed");
	if (!(rc = settle_write(l, rec, &w)))
		rc = settle_persons(l, rec, &w.out);
	fin_outcome_release(&w.out);
	return rc;
}

/* The batch's writes, as they will be sent. */
struct batch_writes {
	struct load *l;
	struct fin_write w[BATCH];
	size_t rec[BATCH];   /* index of each write's record in the batch */
	char *found[BATCH];  /* finance ids found by CRM id (owned) */
	int answered[BATCH]; /* settled as its answer came */
	size_t n;
	int rc; /* the first ledger error while settling early */
};

/*
 * Both sides changed it and the finance app keeps the fields it owns: the
 * update still carries the name (and an item's rate), which Zoho requires on
 * every update, as the finance record has them now (read by id).
 */
static int keep_required(struct load *l, json_t *rec, json_t *payload)
{
	static const char *const item_keys[] = { "name", "rate", NULL };
	const char *const contact_keys[] = { l->p->job->app->customer_name_key, NULL };
	const char *const *k = has_persons(l) ? contact_keys : item_keys;
	json_t *full = NULL, *v;
	int rc = 1;

	for (; *k && rc == 1; k++) {
		if (json_object_get(payload, *k))
			continue;
		if (!full && (rc = finclient_read(l->fin, l->e->kind, jstr(rec, "finance_id"), &full)) != 1)
			break;
		if ((v = json_object_get(full, *k)))
			json_object_set(payload, *k, v);
	}
	json_decref(full);
	return rc < 0 ? rc : 0;
}

/*
 * Step 2a: every record that needs no request is recorded now; the writes
 * are gathered for one concurrent send.
 */
static int gather(struct load *l, const int *had_intent, struct batch_writes *bw)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < l->n && !rc; i++) {
		json_t *rec = l->batch[i];
		struct fin_write *w = &bw->w[bw->n];
		if ((rc = done_earlier(l, rec)) != 0) {
			rc = rc < 0 ? rc : 0;
			continue;
		}
		if (!is_write(rec)) {
			rc = apply_one(l, rec);
			continue;
		}
		if (json_is_true(json_object_get(rec, "duplicate")))
			l->s.duplicates++;
		if (has_persons(l) && (rc = persons_only(l, rec)) != 0) {
			rc = rc < 0 ? rc : write_persons_only(l, rec);
			continue;
		}
		memset(w, 0, sizeof(*w));
		w->payload = json_object_get(rec, "payload");
		/* Both sides changed it: the finance app keeps the fields it owns. */
		if (jstr(rec, "crm_id") && json_object_get(l->finance_changed, jstr(rec, "crm_id"))) {
			to_crm_keep_finance_owned(l->e, w->payload);
			if (jstr_is(rec, "action", "update") && (rc = keep_required(l, rec, w->payload)))
				break;
		}
		if (jstr_is(rec, "action", "update"))
			w->finance_id = jstr(rec, "finance_id");
		else
			rc = plan_create(l, rec, had_intent[i], w, &bw->found[bw->n]);
		if (has_persons(l))
			take_persons(l, rec, w->payload);
		bw->rec[bw->n++] = i;
	}
	return rc;
}

/*
 * Step 2b: an answer is recorded (in the batch's open transaction) as soon
 * as it comes, while the other writes are still out: the ledger's work
 * overlaps the app's instead of following it.
 */
/*
 * The progress line counts a record once its outcome is known (the app
 * answered, or it needed no request), never when it is only queued, and
 * times what is left by the job's pace and the calls left today.
 */
static void tick_settled(struct load *l)
{
	long settled = 0;
	int k;

	for (k = 0; k < OUTCOME_COUNT; k++)
		if (k != OUTCOME_DUPLICATES) /* a part of skipped */
			settled += l->s.count[k];
	progress_pace(l->p->job->fin.requests_per_minute, finclient_budget_left(l->fin));
	progress_tick(settled);
}

static void settle_answer(size_t i, void *ud)
{
	struct batch_writes *bw = ud;

	bw->answered[i] = 1;
	if (!bw->rc)
		bw->rc = settle_write(bw->l, bw->l->batch[bw->rec[i]], &bw->w[i]);
	tick_settled(bw->l);
}

/*
 * Step 2c: the rest, in the batch's order.  Writes the budget stopped are
 * left for the next run; a write with no answer is a failed record, unless
 * none of the batch got one (then the app is unreachable: the run stops).
 */
static int settle(struct load *l, struct batch_writes *bw)
{
	size_t i, answered = 0;
	int rc = 0, budget = 0, stopped = 0;

	for (i = 0; i < bw->n; i++)
		answered += bw->w[i].rc == 0;
	for (i = 0; i < bw->n && !rc; i++) {
		json_t *rec = l->batch[bw->rec[i]];
		if (bw->answered[i])
			continue;
		if (bw->w[i].rc == FS_EBUDGET) {
			budget = 1;
			l->waiting++;
		} else if (bw->w[i].rc == FS_EABORT && interrupted()) {
			stopped = 1; /* never sent: its intent makes the next run look it up first */
		} else if (bw->w[i].rc == FS_EUNSURE) {
			rc = settle_unsure(l, rec);
		} else if (bw->w[i].rc) {
			rc = answered ? record_no_answer(l, rec) : bw->w[i].rc;
		} else {
			rc = settle_write(l, rec, &bw->w[i]);
		}
	}
	if (!rc && stopped)
		rc = fail_interrupted(NULL);
	return rc ? rc : budget ? FS_EBUDGET : 0;
}

/* Step 2d: the persons of each customer the app accepted. */
static int persons_pass(struct load *l, struct batch_writes *bw)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < bw->n && !rc && has_persons(l); i++)
		if (!bw->w[i].rc && bw->w[i].out.ok)
			rc = settle_persons(l, l->batch[bw->rec[i]], &bw->w[i].out);
	return rc;
}

static void batch_writes_release(struct batch_writes *bw)
{
	size_t i;

	for (i = 0; i < bw->n; i++) {
		fin_outcome_release(&bw->w[i].out);
		xfree(bw->found[i]);
	}
}

static int flush_again(struct load *l);

static void drop_again(struct load *l)
{
	while (l->n_again)
		json_decref(l->again[--l->n_again]);
}

/* The batch was cut short by SIGINT/SIGTERM/SIGHUP: what was answered is kept. */
static int stopped_by_signal(int rc)
{
	return rc == FS_EABORT && interrupted();
}

/* Steps 2 and 3 for the batch in hand. */
static int flush_batch(struct load *l)
{
	struct batch_writes bw;
	int had_intent[BATCH];
	size_t i;
	int rc;

	if (!l->n)
		return 0;
	memset(&bw, 0, sizeof(bw));
	bw.l = l;
	if ((rc = write_intents(l, had_intent)) || (rc = find_interrupted(l, had_intent)) ||
	    (rc = ledger_begin(l->p->lg)))
		goto out;
	if (!(rc = gather(l, had_intent, &bw)) && bw.n &&
	    !(rc = finclient_write_each(l->fin, l->e->kind, bw.w, bw.n, settle_answer, &bw)))
		rc = bw.rc ? bw.rc : settle(l, &bw);
	if (!rc || rc == FS_EBUDGET) {
		int prc = persons_pass(l, &bw);
		rc = prc ? prc : rc;
	}
	if (!rc || rc == FS_EBUDGET || stopped_by_signal(rc)) {
		/* Keep what was sent, even when the budget or a signal stopped the rest. */
		int src = ledger_stats_add(l->p->lg, l->p->run_id, l->e->name, "load", &l->s);
		if (!src)
			src = ledger_commit(l->p->lg);
		if (src)
			ledger_rollback(l->p->lg);
		rc = src ? src : rc;
	} else if (rc) {
		ledger_rollback(l->p->lg);
	}
out:
	batch_writes_release(&bw);
	tick_settled(l);
	for (i = 0; i < l->n; i++)
		json_decref(l->batch[i]);
	l->n = 0;
	if (rc == FS_EBUDGET)
		l->waiting += (long)l->n_again;
	if (rc)
		drop_again(l);
	return rc ? rc : flush_again(l);
}

/*
 * The batch's records to send once more (as creates, with their own
 * intents: a batch of their own, after the first one committed).  A record
 * goes again once: its second answer is final.
 */
static int flush_again(struct load *l)
{
	size_t i;

	if (!l->n_again)
		return 0;
	for (i = 0; i < l->n_again; i++)
		l->batch[i] = l->again[i];
	l->n = l->n_again;
	l->n_again = 0;
	return flush_batch(l);
}

static int put_mapping(struct load *l)
{
	char *fingerprint = mapping_fingerprint(l->p->job, l->e);
	int rc = ledger_mapping_put(l->p->lg, l->e->name, fingerprint, l->p->run_id);

	xfree(fingerprint);
	return rc;
}

/*
 * The entity is loaded: its stats row (even for an empty file: it marks the
 * entity as loaded) and its watermark, the CRM's time when this run began
 * reading it, so the next run reads what changed since.  Never past that
 * time: a record changed while this run read is read again.
 */
static int take_record(void *ud, json_t *rec)
{
	struct load *l = ud;

	l->batch[l->n++] = rec;
	return l->n == BATCH ? flush_batch(l) : 0;
}

static int flush_records(void *ud)
{
	return flush_batch(ud);
}

/* Every record was planned with this mapping (a resync planned one). */
static int finish_records(void *ud)
{
	struct load *l = ud;

	return l->p->only_id ? 0 : put_mapping(l);
}

static int load_records(struct load *l, struct staging_reader *r)
{
	char *left_over = xasprintf("%s records", l->e->name);
	struct load_loop lp = {
		.p = l->p,
		.name = l->e->name,
		.left_over = left_over,
		.s = &l->s,
		.waiting = &l->waiting,
		.ud = l,
		.take = take_record,
		.flush = flush_records,
		.is_write = is_write,
		.finish = finish_records,
	};
	int rc = load_loop_run(&lp, r);

	for (size_t i = 0; i < l->n; i++)
		json_decref(l->batch[i]);
	l->n = 0;
	if (!rc)
		rc = load_finish(&lp);
	xfree(left_over);
	return rc;
}

/* 1 when an earlier attempt at this run finished loading the entity. */
static int both_ways(const struct pipeline *p, const struct entity_sync *e)
{
	return e->extent == EXTENT_BOTH_WAYS && !p->only_id;
}

static int load_entity(struct pipeline *p, struct finclient *fin, const struct entity_sync *e)
{
	struct load l = { .p = p, .fin = fin, .e = e };
	struct staging_reader *r = NULL;
	char *dir = staging_dir(p->job->state_dir, p->run_id, "transform");
	json_t *manifest = NULL;
	int rc;

	log_set_entity(e->name);
	if ((rc = manifest_load(dir, &manifest)) < 0)
		goto out;
	if (rc == 0) {
		rc = fail(FS_EUSAGE, "run %ld has no finished transform stage; run 'finsync transform' first",
			  p->run_id);
		goto out;
	}
	if ((rc = load_done_before(p, e->name)) != 0) {
		if (rc == 1)
			log_info("%s: run %ld is already loaded", e->name, p->run_id);
		rc = rc == 1 ? 0 : rc;
		goto out;
	}
	if ((rc = staging_reader_open(&r, dir, e->name, 0)) ||
	    (rc = ledger_stats_exist(p->lg, p->run_id, e->name, "load")) < 0)
		goto out;
	l.resuming = rc;
	if (l.resuming)
		log_info("%s: resuming the interrupted load of run %ld", e->name, p->run_id);
	/* Both ways: the finance app goes first for items, the CRM for the others. */
	if (both_ways(p, e))
		l.finance_changed = to_crm_changed(p, e);
	if (both_ways(p, e) && entity_defs[e->kind].finance_first && (rc = to_crm_load(p, e, fin)))
		goto out;
	progress_start("load", e->name, progress_total(manifest, e->name));
	rc = load_records(&l, r);
	progress_end();
	if (!rc && both_ways(p, e) && !entity_defs[e->kind].finance_first)
		rc = to_crm_load(p, e, fin);
	log_fields(LOG_INFO, stats_json(&l.s), "%s: %ld added, %ld updated, %ld unchanged, %ld skipped, %ld failed",
		   e->name, l.s.added, l.s.updated, l.s.unchanged, l.s.skipped, l.s.failed);
out:
	progress_end();
	log_set_entity(NULL);
	json_decref(l.finance_changed);
	json_decref(l.recovered);
	staging_reader_close(r);
	json_decref(manifest);
	xfree(dir);
	return rc;
}

int entity_load(struct stage_run *s, const struct sync_unit *u)
{
	const struct entity_sync *e = &s->p->job->entities[u->entity->kind];

	return pipeline_wants(s->p, e) ? load_entity(s->p, s->fin, e) : 0;
}

int stage_load(struct pipeline *p)
{
	struct stage_run s = { .p = p };
	int rc;

	log_set_stage("load");
	if ((rc = pipeline_finclient(p, &s.fin)) == 0)
		rc = units_run(&s, STAGE_LOAD);
	log_set_stage(NULL);
	return rc;
}
