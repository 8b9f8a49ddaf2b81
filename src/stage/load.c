/*
 * load.c - the last stage: planned actions into the finance app, outcomes
 * into the ledger.
 *
 * Ledger writes go in transactions of BATCH records (a link and an event
 * per record), not one commit per record.  A record the app refuses is a
 * failed event with the app's message; the others still load.  A create
 * whose link already carries the planned hash was sent by an earlier,
 * interrupted attempt at this run's load, and is not sent twice.
 */
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/finclient.h"
#include "finsync/ledger.h"
#include "finsync/log.h"
#include "finsync/pipeline.h"
#include "finsync/staging.h"

#define BATCH 200

struct load {
	struct pipeline *p;
	struct finclient *fin;
	const struct entity_sync *e;
	struct stats s;
	long pending;           /* ledger writes since the last commit */
};

static const char *str(json_t *rec, const char *key)
{
	return json_string_value(json_object_get(rec, key));
}

static int record_event(struct load *l, json_t *rec, const char *finance_id, const char *action,
			const char *reason)
{
	return ledger_event_add(l->p->lg, l->p->run_id, l->e->name, str(rec, "crm_id"), finance_id,
				action, str(rec, "match"), reason);
}

static int link_record(struct load *l, json_t *rec, const char *finance_id)
{
	struct link link = { 0 };

	link.entity = (char *)l->e->name;
	link.crm_id = (char *)str(rec, "crm_id");
	link.finance_id = (char *)finance_id;
	link.origin = (char *)"crm";
	link.crm_hash = (char *)str(rec, "hash");
	link.state = (char *)"linked";
	return ledger_link_put(l->p->lg, &link);
}

/* Sent by an earlier attempt at this load: linked with this very hash. */
static int already_applied(struct load *l, json_t *rec, char **finance_id)
{
	struct link link;
	int rc = ledger_link_get(l->p->lg, l->e->name, str(rec, "crm_id"), &link);

	*finance_id = NULL;
	if (rc == 1 && link.finance_id && link.crm_hash && str(rec, "hash") &&
	    !strcmp(link.crm_hash, str(rec, "hash")) && !strcmp(link.state, "linked")) {
		*finance_id = xstrdup(link.finance_id);
		rc = 1;
	} else if (rc == 1) {
		rc = 0;
	}
	link_release(&link);
	return rc;
}

static int send_write(struct load *l, json_t *rec, int create)
{
	const char *finance_id = create ? NULL : str(rec, "finance_id");
	struct fin_outcome o;
	int rc;

	if ((rc = finclient_write(l->fin, l->e->kind, finance_id, json_object_get(rec, "payload"), &o)))
		return rc;
	if (o.ok) {
		if (!(rc = link_record(l, rec, o.finance_id)))
			rc = record_event(l, rec, o.finance_id, create ? "create" : "update", str(rec, "reason"));
		if (create)
			l->s.added++;
		else
			l->s.updated++;
	} else {
		char *why = xasprintf("%s rejected %s '%s' (HTTP %ld, code %ld): %s", l->p->job->app->label,
				      l->e->name, str(rec, "name") ? str(rec, "name") : "", o.status, o.code, o.message);
		log_warn("%s (crm id %s)", why, str(rec, "crm_id"));
		rc = record_event(l, rec, finance_id, "failed", why);
		l->s.failed++;
		l->p->records_failed++;
		xfree(why);
	}
	fin_outcome_release(&o);
	return rc;
}

static int apply_write(struct load *l, json_t *rec, int create)
{
	char *done_id = NULL;
	int rc = already_applied(l, rec, &done_id);

	if (rc < 0)
		return rc;
	if (rc == 1) {
		log_debug("%s %s: already applied by an earlier attempt", l->e->name, str(rec, "crm_id"));
		if (create)
			l->s.added++;
		else
			l->s.updated++;
		xfree(done_id);
		return 0;
	}
	return send_write(l, rec, create);
}

static int apply_one(struct load *l, json_t *rec)
{
	const char *action = str(rec, "action");

	if (json_is_true(json_object_get(rec, "duplicate")))
		l->s.duplicates++;
	if (!action)
		return fail(FS_EINPUT, "record without an action");
	if (!strcmp(action, "create") || !strcmp(action, "update"))
		return apply_write(l, rec, !strcmp(action, "create"));
	if (!strcmp(action, "unchanged"))
		l->s.unchanged++;
	else if (!strcmp(action, "skip") || !strcmp(action, "ambiguous"))
		l->s.skipped++;
	else if (!strcmp(action, "invalid")) {
		l->s.failed++;
		l->p->records_failed++;
	} else
		return fail(FS_EINPUT, "unknown action '%s'", action);
	return record_event(l, rec, str(rec, "finance_id"), action, str(rec, "reason"));
}

static int commit_if_due(struct load *l, int force)
{
	int rc;

	if (!force && ++l->pending < BATCH)
		return 0;
	if ((rc = ledger_commit(l->p->lg)))
		return rc;
	l->pending = 0;
	return force ? 0 : ledger_begin(l->p->lg);
}

static int load_records(struct load *l, struct staging_reader *r)
{
	json_t *rec;
	int rc;

	if ((rc = ledger_begin(l->p->lg)))
		return rc;
	while ((rc = staging_read(r, &rec)) != 0) {
		if (rc == FS_EINPUT) {
			log_warn("%s: %s", l->e->name, err_msg());
			l->s.failed++;
			l->p->records_failed++;
			continue;
		}
		if (rc < 0)
			break;
		rc = apply_one(l, rec);
		json_decref(rec);
		if (rc == FS_EINPUT) {
			log_warn("%s: line %ld: %s", l->e->name, staging_reader_line(r), err_msg());
			l->s.failed++;
			l->p->records_failed++;
			rc = 0;
		}
		if (rc || (rc = commit_if_due(l, 0)))
			break;
	}
	if (rc) {
		ledger_rollback(l->p->lg);
		return rc;
	}
	if ((rc = ledger_stats_add(l->p->lg, l->p->run_id, l->e->name, "load", &l->s)))
		return rc;
	return commit_if_due(l, 1);
}

static int load_entity(struct pipeline *p, struct finclient *fin, const struct entity_sync *e)
{
	struct load l = { p, fin, e, { 0 }, 0 };
	struct staging_reader *r = NULL;
	char *dir = staging_dir(p->job->state_dir, p->run_id, "transform");
	json_t *manifest = NULL;
	int rc;

	if ((rc = manifest_load(dir, &manifest)) < 0)
		goto out;
	if (rc == 0) {
		rc = fail(FS_EUSAGE, "run %ld has no finished transform stage; run 'finsync transform' first",
			  p->run_id);
		goto out;
	}
	if ((rc = ledger_stats_exist(p->lg, p->run_id, e->name, "load")) != 0) {
		if (rc == 1)
			log_info("%s: run %ld is already loaded", e->name, p->run_id);
		rc = rc == 1 ? 0 : rc;
		goto out;
	}
	if ((rc = staging_reader_open(&r, dir, e->name, 0)))
		goto out;
	rc = load_records(&l, r);
	log_info("%s: %ld added, %ld updated, %ld unchanged, %ld skipped, %ld failed", e->name,
		 l.s.added, l.s.updated, l.s.unchanged, l.s.skipped, l.s.failed);
out:
	staging_reader_close(r);
	json_decref(manifest);
	xfree(dir);
	return rc;
}

int stage_load(struct pipeline *p)
{
	struct finclient *fin = NULL;
	int i, rc;

	log_set_stage("load");
	if ((rc = pipeline_finclient(p, &fin)))
		goto out;
	for (i = 0; i < ENTITY_COUNT && !rc; i++)
		if (pipeline_wants(p, &p->job->entities[i]))
			rc = load_entity(p, fin, &p->job->entities[i]);
out:
	log_set_stage(NULL);
	return rc;
}
