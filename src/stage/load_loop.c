/*
 * load_loop.c - the load skeleton shared by every unit (load_loop.h): the
 * entities (load.c) and the deals (deals.c) differ in how a line is planned,
 * written and settled, not in how a run resumes, spends its budget or closes.
 */
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/interrupt.h"
#include "finsync/ledger.h"
#include "finsync/log.h"
#include "finsync/staging.h"
#include "load_loop.h"

int load_count(struct stats *s, const char *action)
{
	if (!strcmp(action, "create"))
		s->added++;
	else if (!strcmp(action, "unchanged"))
		s->unchanged++;
	else if (!strcmp(action, "skip") || !strcmp(action, "ambiguous"))
		s->skipped++;
	else if (!strcmp(action, "failed") || !strcmp(action, "invalid"))
		return ++s->failed, 1;
	else
		s->updated++;
	return 0;
}

int load_done_before(struct pipeline *p, const char *name)
{
	struct run_info run;
	int rc = ledger_run_get(p->lg, p->run_id, &run);

	/* A finished run's stats row means its load completed. */
	if (rc == 1 && run.finished_at && strcmp(run.status, "running") && strcmp(run.status, "aborted") &&
	    strcmp(run.status, "budget"))
		rc = ledger_stats_exist(p->lg, p->run_id, name, "load");
	else if (rc == 1)
		rc = 0;
	run_info_release(&run);
	return rc;
}

int load_loop_run(struct load_loop *lp, struct staging_reader *r)
{
	json_t *line;
	int rc;

	/* No progress tick here: a line read is only queued; the unit ticks as the app answers. */
	while ((rc = staging_read(r, &line)) != 0) {
		if (rc == FS_EINPUT) {
			log_warn("%s: %s", lp->name, err_msg());
			lp->s->failed++;
			lp->p->records_failed++;
			continue;
		}
		if (rc < 0)
			break;
		if (interrupted()) {
			/* A signal: stop before the next line (interrupt.h). */
			json_decref(line);
			rc = fail_interrupted(NULL);
			break;
		}
		if (*lp->waiting) {
			*lp->waiting += lp->is_write(line);
			json_decref(line);
			continue;
		}
		rc = lp->take(lp->ud, line);
		if (rc == FS_EBUDGET)
			rc = 0; /* count the rest of the file as waiting */
		if (rc)
			break;
	}
	if (!rc && !*lp->waiting && lp->flush && (rc = lp->flush(lp->ud)) == FS_EBUDGET)
		rc = 0;
	if (!rc && *lp->waiting)
		rc = fail(FS_EBUDGET, "%s; %ld %s wait for the next run", err_msg(), *lp->waiting, lp->left_over);
	return rc;
}

int load_finish(struct load_loop *lp)
{
	struct pipeline *p = lp->p;
	struct run_info run = { 0 };
	char *mark = NULL;
	int rc;

	if (!lp->no_watermark) {
		if ((rc = ledger_run_get(p->lg, p->run_id, &run)) < 0)
			return rc;
		mark = pipeline_watermark(p, run.started_at);
	}
	if ((rc = ledger_begin(p->lg)))
		goto out;
	rc = ledger_stats_add(p->lg, p->run_id, lp->name, "load", lp->s);
	if (!rc && mark && p->job->crm_source->incremental && !p->only_id)
		rc = ledger_watermark_put(p->lg, lp->name, mark, p->run_id);
	if (!rc && lp->finish)
		rc = lp->finish(lp->ud);
	if (rc)
		ledger_rollback(p->lg);
	else
		rc = ledger_commit(p->lg);
out:
	xfree(mark);
	run_info_release(&run);
	return rc;
}
