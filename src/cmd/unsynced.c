/*
 * unsynced.c - why cron mails a night that needs a person.
 *
 * Under `-q` only warnings and errors reach stderr, and cron mails stderr.
 * A record that failed or was refused as invalid is not a warning of its
 * own when it happens (it is in the ledger, with its reason), so a run that
 * exits 1 would otherwise mail nothing.  At the end of a run, each entity
 * with records not synced gets one warning line: how many, by outcome, and
 * the command that lists them.  A clean run says nothing here.
 */
#include <string.h>
#include "finsync/buf.h"
#include "finsync/err.h"
#include "finsync/ledger.h"
#include "finsync/log.h"
#include "unsynced.h"

struct unsynced {
	const char *job_path;
	const char *verb; /* "not synced", "would not sync" */
	char entity[64];
	long total;
	struct buf parts; /* "1 failed, 2 invalid" */
};

static void flush(struct unsynced *u)
{
	if (!u->total)
		return;
	log_set_entity(u->entity);
	log_warn("%s: %ld record%s %s (%s); see 'finsync review %s'", u->entity, u->total, u->total == 1 ? "" : "s",
		 u->verb, buf_str(&u->parts), u->job_path);
	log_set_entity(NULL);
	u->total = 0;
	buf_reset(&u->parts);
}

static int add(const char *entity, const char *action, long count, void *ud)
{
	struct unsynced *u = ud;

	if (strcmp(u->entity, entity)) {
		flush(u);
		snprintf(u->entity, sizeof(u->entity), "%s", entity);
	}
	buf_addf(&u->parts, "%s%ld %s", u->total ? ", " : "", count, action);
	u->total += count;
	return 0;
}

/* A run that did not load has no events: its transform counts the invalid records. */
static int add_planned(const struct run_stats_row *r, void *ud)
{
	if (r->s.failed)
		add(r->entity, "invalid", r->s.failed, ud);
	return 0;
}

int say_unsynced(struct ledger *lg, long run_id, const char *job_path, int loaded)
{
	struct unsynced u = {
		.job_path = job_path, .verb = loaded ? "not synced" : "would not sync", .parts = BUF_INIT
	};
	int rc;

	/* The run's closing words: of no stage. */
	log_set_stage(NULL);
	rc = loaded ? ledger_unsynced_each(lg, run_id, add, &u)
		    : ledger_run_stats_each(lg, run_id, "transform", add_planned, &u);
	flush(&u);
	buf_release(&u.parts);
	return rc;
}
