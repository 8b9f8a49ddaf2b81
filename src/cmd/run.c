/*
 * run.c - `finsync run` and the one-stage commands extract, transform, load.
 *
 * extract (and a whole run) starts a new run in the ledger; transform and
 * load continue the latest one, so a load that was interrupted is finished
 * by `finsync load JOB`.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "finsync/alloc.h"
#include "finsync/api.h"
#include "finsync/cmd.h"
#include "finsync/err.h"
#include "finsync/interrupt.h"
#include "finsync/job.h"
#include "finsync/jobstate.h"
#include "finsync/lock.h"
#include "finsync/ledger.h"
#include "finsync/log.h"
#include "finsync/pipeline.h"
#include "finsync/plan.h"
#include "finsync/progress.h"
#include "finsync/safe.h"
#include "finsync/staging.h"
#include "finsync/timeutil.h"
#include "unsynced.h"

long cmd_records_failed;

struct run_opts {
	const char *command;
	const char *job_path;
	const char *stage; /* --stage; NULL: the job's own */
	unsigned stages;   /* 0: the job's own */
	const char *only;
	const char *only_id; /* resync: one CRM record */
	int full;
	int dry_run;
};

static const char *const stage_names[] = { "extract", "transform", "load", NULL };

#define OPT_ONLY OPT_CHOICE(struct run_opts, only, "only", "ENTITY", entity_names, "only customers, vendors or items")

const struct option_spec run_options[] = {
	OPT_CHOICE(struct run_opts, stage, "stage", "S", stage_names,
		   "only stage S: extract starts a new run; transform\nand load continue the latest run"),
	OPT_FLAG(struct run_opts, full, "full", 0, "ignore watermarks: read every CRM record"),
	OPT_FLAG(struct run_opts, dry_run, "dry-run", 0, "extract and transform only: the plan, no writes"),
	OPT_ONLY,
	OPT_END,
};

const struct option_spec extract_options[] = {
	OPT_FLAG(struct run_opts, full, "full", 0, "ignore watermarks"),
	OPT_ONLY,
	OPT_END,
};

const struct option_spec transform_options[] = { OPT_ONLY, OPT_END };
const struct option_spec load_options[] = { OPT_ONLY, OPT_END };

static unsigned stage_bit(const char *name)
{
	if (!strcmp(name, "extract"))
		return STAGE_EXTRACT;
	if (!strcmp(name, "transform"))
		return STAGE_TRANSFORM;
	return !strcmp(name, "load") ? STAGE_LOAD : 0;
}

/* 1 when --help was shown, 0 to go on, <0 usage error. */
static int parse_args(struct run_opts *o, int argc, char **argv)
{
	int rc;

	o->command = argv[0];
	if ((rc = cmd_parse(argc, argv, o)))
		return rc;
	o->job_path = argv[1];
	o->stages = o->stage ? stage_bit(o->stage) : 0;
	return 0;
}

/* -q (or less): only warnings and errors, and no summary on stdout. */
static int quiet(void)
{
	return log_get_level() < LOG_INFO;
}

static void stages_text(unsigned stages, char *out, size_t n)
{
	snprintf(out, n, "%s%s%s%s%s", stages & STAGE_EXTRACT ? "extract" : "",
		 (stages & STAGE_EXTRACT) && (stages & (STAGE_TRANSFORM | STAGE_LOAD)) ? "," : "",
		 stages & STAGE_TRANSFORM ? "transform" : "",
		 (stages & STAGE_TRANSFORM) && (stages & STAGE_LOAD) ? "," : "", stages & STAGE_LOAD ? "load" : "");
}

/* A new run for extract; otherwise the latest, whose extract must exist. */
static int pick_run(struct pipeline *p, unsigned stages)
{
	struct run_info run;
	char text[64];
	int rc;

	stages_text(stages, text, sizeof(text));
	if (stages & STAGE_EXTRACT) {
		if ((rc = ledger_run_start(p->lg, p->job->name, text, &p->run_id)))
			return rc;
		cmd_note_run(p->job->state_dir, p->run_id);
		return p->dry_run ? ledger_run_set_dry_run(p->lg, p->run_id) : 0;
	}
	if ((rc = ledger_run_latest(p->lg, &run)) < 0)
		return rc;
	if (rc == 0)
		return fail(FS_EUSAGE, "job '%s' has no run yet; start with 'finsync extract' or 'finsync run'",
			    p->job->path);
	p->run_id = run.id;
	cmd_note_run(p->job->state_dir, run.id);
	if (run.stages && *run.stages) {
		char *joined = xasprintf("%s,%s", run.stages, text);
		rc = ledger_run_set_stages(p->lg, run.id, joined);
		xfree(joined);
	}
	run_info_release(&run);
	return rc;
}

/* Before a new plan: the entities whose mapping changed, and how many linked records that plans again. */
static int say_mapping_changes(struct pipeline *p, unsigned stages)
{
	long linked;
	int i, rc = 0;

	if (!(stages & STAGE_EXTRACT) || p->only_id)
		return 0;
	for (i = 0; i < ENTITY_COUNT && rc >= 0; i++) {
		const struct entity_sync *e = &p->job->entities[i];
		if (pipeline_wants(p, e) && (rc = pipeline_mapping_changed(p, e, &linked)) == 1 && !quiet())
			printf("%s: mapping changed: %ld linked records will be re-planned\n", e->name, linked);
	}
	fflush(stdout);
	return rc < 0 ? rc : 0;
}

/*
 * The calls `finsync plan` predicts for a full run, recorded for this one
 * once its extract has counted the records (the staged files: no call of
 * its own, so the prediction costs nothing and disturbs nothing), before
 * the load that spends most of them.  Only for a run that reads in full (a
 * first run, --full, a CSV export): an incremental run is not what the
 * plan prices.  An estimate that cannot be made is a warning, never a
 * failed run.
 */
static int record_planned(struct pipeline *p)
{
	char *dir = staging_dir(p->job->state_dir, p->run_id, "extract");
	json_t *manifest = NULL, *plan = NULL, *calls;
	int rc, i, known = 0;

	for (i = 0; i < ENTITY_COUNT; i++)
		if (p->job->entities[i].enabled && p->lg && ledger_entity_known(p->lg, entity_names[i]) == 1)
			known = 1;
	rc = (p->only || p->only_id || p->dry_run || (known && !p->full && p->job->crm_source->incremental))
		     ? 0
		     : manifest_load(dir, &manifest);
	xfree(dir);
	if (rc <= 0)
		return rc;
	if ((rc = plan_make(p, manifest, &plan))) {
		log_warn("no prediction of the run's calls: %s", err_msg());
		json_decref(manifest);
		return 0;
	}
	json_decref(manifest);
	calls = json_object_get(plan, "calls");
	rc = ledger_run_calls_planned(p->lg, p->run_id, "crm", (long)json_integer_value(json_object_get(calls, "crm")));
	if (!rc)
		rc = ledger_run_calls_planned(p->lg, p->run_id, "finance",
					      (long)json_integer_value(json_object_get(calls, "finance")));
	json_decref(plan);
	return rc;
}

static int run_stages(struct pipeline *p, unsigned stages)
{
	int rc = say_mapping_changes(p, stages);

	if (!rc && (stages & STAGE_EXTRACT) && !(rc = stage_extract(p)))
		rc = record_planned(p);
	if (!rc && (stages & STAGE_TRANSFORM))
		rc = stage_transform(p);
	if (!rc && (stages & STAGE_LOAD) && !p->dry_run)
		rc = stage_load(p);
	return rc;
}

/* "customers: 3 added, 1 updated, 0 unchanged, 2 skipped (1 duplicates), 0 failed" */
static int summary_line(const struct run_stats_row *r, void *ud)
{
	const struct pipeline *p = ud;
	int k;

	printf("%s: %s", r->entity, p->dry_run ? "would be " : "");
	for (k = 0; k < OUTCOME_COUNT; k++) {
		if (outcome_lines[k] == OUTCOME_LINE_SHOWN)
			printf("%s%ld %s", k ? ", " : "", r->s.count[k], outcome_columns[k]);
		else if (outcome_lines[k] == OUTCOME_LINE_PART)
			printf(" (%ld %s)", r->s.count[k], outcome_columns[k]);
	}
	putchar('\n');
	return 0;
}

/* The counts of the stage, per entity. */
static int print_summary(struct pipeline *p, const char *stage)
{
	return ledger_run_stats_each(p->lg, p->run_id, stage, summary_line, p);
}

static const char *run_status(const struct pipeline *p, int rc)
{
	if (rc == FS_EBUDGET)
		return "budget";
	if (rc)
		return "aborted";
	return p->records_failed ? "partial" : "ok";
}

/*
 * A load that continues a run (`finsync load`, `run --stage load`, the
 * finish of an interrupted load) counts the run's records, not only its
 * own: a record that failed before and was not sent again still fails the
 * run, so a re-run never turns a partial run "ok" by doing nothing.
 */
static int count_unsettled(struct pipeline *p, unsigned stages, int rc)
{
	long n = 0;
	int urc;

	if (rc || p->dry_run || (stages & STAGE_EXTRACT) || !(stages & STAGE_LOAD))
		return 0;
	if ((urc = ledger_run_unsettled(p->lg, p->run_id, &n)))
		return urc;
	if (n > p->records_failed)
		p->records_failed = n;
	return 0;
}

static int finish_run(struct pipeline *p, unsigned stages, int rc)
{
	const char *status;
	int frc;

	if (!rc)
		rc = count_unsettled(p, stages, rc);
	status = run_status(p, rc);

	/* Stopped by a signal: the run's reason is that, whatever step was cut short. */
	if (rc && interrupted()) {
		progress_end();
		rc = fail_interrupted(NULL);
	}
	frc = ledger_run_finish(p->lg, p->run_id, status, rc ? err_msg() : NULL);
	int reported = !rc || rc == FS_EBUDGET, src = 0;

	/* -q: a clean run prints nothing at all; the ledger and `finsync history` keep its counts. */
	if (reported && !quiet() && (stages & (STAGE_TRANSFORM | STAGE_LOAD)))
		src = print_summary(p, (stages & STAGE_LOAD) && !p->dry_run ? "load" : "transform");
	if (reported && !quiet())
		printf("run %ld: %s; staged files in %s\n", p->run_id, status, p->run_dir);
	fflush(stdout);
	/* Ambiguous records do not fail the run, but wait for a person as much. */
	if (reported && !src)
		src = say_unsynced(p->lg, p->run_id, p->job->path, (stages & STAGE_LOAD) && !p->dry_run);
	return rc ? rc : frc ? frc : src;
}

/* The latest run was stopped by a signal during its load: its staged plan is there to finish. */
static int interrupted_load(struct pipeline *p, long *run_id)
{
	struct run_info run;
	char *plan;
	int rc = ledger_run_latest(p->lg, &run);

	*run_id = 0;
	if (rc <= 0)
		return rc;
	plan = xasprintf("%s/staging/%ld/transform/manifest.json", p->job->state_dir, run.id);
	if (!strcmp(run.status, "aborted") && run.error && !strncmp(run.error, "interrupted", 11) && run.stages &&
	    strstr(run.stages, "load") && access(plan, F_OK) == 0)
		*run_id = run.id;
	xfree(plan);
	run_info_release(&run);
	return 0;
}

/*
 * docs/design.md "Exit codes": the next `run` finishes the interrupted load
 * (found before the new run was started) before it extracts anew, so the
 * records an operator's Ctrl-C left unsent go out as planned.
 */
static int finish_interrupted_load(struct pipeline *p, long run_id)
{
	int rc;

	if (!run_id)
		return 0;
	if (!quiet())
		printf("run %ld was interrupted: finishing its load first\n", run_id);
	fflush(stdout);
	p->run_id = run_id;
	p->run_dir = xasprintf("%s/staging/%ld", p->job->state_dir, run_id);
	log_set_run(run_id);
	rc = finish_run(p, STAGE_LOAD, stage_load(p));
	xfree(p->run_dir);
	p->run_dir = NULL;
	return rc;
}

/* The day's API calls, counted in the ledger (UTC days). */
static void utc_today(char *out)
{
	char now[ISO_TIME_LEN];

	time_now_iso(now);
	memcpy(out, now, 10);
	out[10] = '\0';
}

/* Where the calls go: the day's budget, and the run at work (history sets them beside the plan's). */
struct usage_ud {
	struct ledger *lg;
	const long *run_id; /* the pipeline's: the run being worked on, 0 before one is */
};

static int usage_get(void *ud, const char *key, long *calls)
{
	struct usage_ud *u = ud;
	char day[16];

	utc_today(day);
	return ledger_usage_get(u->lg, key, day, calls);
}

static int usage_add(void *ud, const char *key, long calls)
{
	struct usage_ud *u = ud;
	char day[16];
	int rc;

	utc_today(day);
	if ((rc = ledger_usage_add(u->lg, key, day, calls)))
		return rc;
	return *u->run_id ? ledger_run_calls_made(u->lg, *u->run_id, key, calls) : 0;
}


/* A dry run's plan, per entity, as CSV beside the staged file: what an analyst opens. */
static int write_plan_csv(struct pipeline *p)
{
	char *dir = xasprintf("%s/transform", p->run_dir);
	int i, rc = 0;

	for (i = 0; i < ENTITY_COUNT && !rc; i++) {
		const struct entity_sync *e = &p->job->entities[i];
		char *path;
		if (!pipeline_wants(p, e))
			continue;
		path = xasprintf("%s/%s.csv", dir, e->name);
		if (!(rc = export_staged_csv(dir, e->name, path)))
			printf("plan for %s: %s\n", e->name, path);
		xfree(path);
	}
	if (!rc && pipeline_wants_unit(p, p->job->deals.enabled)) {
		char *path = xasprintf("%s/deals.csv", dir);
		if (!(rc = export_staged_csv(dir, "deals", path)))
			printf("plan for deals: %s\n", path);
		xfree(path);
	}
	xfree(dir);
	return rc;
}

static int execute(struct run_opts *o, unsigned fixed_stages)
{
	struct api_usage_store store = { usage_get, usage_add, NULL };
	struct pipeline p = { 0 };
	struct usage_ud usage = { NULL, &p.run_id };
	struct lock *lock = NULL;
	unsigned stages;
	long new_run, resume_run = 0;
	int skip = 0, rc;

	/* The lock comes first: nothing of a job is touched while another run holds it. */
	if ((rc = job_load(&p.job, o->job_path)) || (rc = lock_acquire(&lock, p.job->state_dir)) ||
	    (rc = ledger_open(&p.lg, p.job->state_dir)) ||
	    (rc = ledger_job_check(p.lg, p.job->name, p.job->state_dir, 1)) ||
	    (rc = jobstate_check(p.lg, p.job->name, &skip)) || skip)
		goto out;
	stages = fixed_stages ? fixed_stages : o->stages ? o->stages : p.job->stages;
	p.only = o->only;
	p.only_id = o->only_id;
	p.full = o->full;
	p.dry_run = o->dry_run;
	if (p.dry_run && !(stages & (STAGE_EXTRACT | STAGE_TRANSFORM))) {
		rc = fail(FS_EUSAGE, "--dry-run plans without writing; with --stage %s there is nothing to plan",
			  o->stage);
		goto out;
	}
	if (p.only && !job_entity(p.job, p.only)->enabled) {
		rc = fail(FS_EUSAGE, "the job does not sync %s", p.only);
		goto out;
	}
	interrupt_install();
	/* The lock is ours: a run still `running` was killed before it could say so. */
	if ((rc = ledger_runs_end_dead(p.lg, RUN_DIED_REASON)))
		goto out;
	if ((stages & STAGE_EXTRACT) && (stages & STAGE_LOAD) && !p.dry_run && !p.only && !p.only_id &&
	    (rc = interrupted_load(&p, &resume_run)))
		goto out;
	if ((rc = pick_run(&p, stages)))
		goto out;
	usage.lg = p.lg;
	store.ud = &usage;
	api_set_usage_store(&store);
	/*
	 * Before any write (and any read worth paying for): the two sides must agree
	 * on money, and have every field, view and stage the job names.
	 */
	new_run = p.run_id;
	if ((stages & (STAGE_EXTRACT | STAGE_LOAD)) && ((rc = preflight_currency(&p)) || (rc = preflight_ready(&p)))) {
		/* The preflight's error is the one to report; a failed finish would only hide it. */
		(void)ledger_run_finish(p.lg, p.run_id, "aborted", err_msg());
		goto out;
	}
	if (resume_run)
		cmd_note_run(p.job->state_dir, resume_run);
	if ((rc = finish_interrupted_load(&p, resume_run))) {
		(void)ledger_run_finish(p.lg, new_run, "aborted", err_msg());
		goto out;
	}
	p.run_id = new_run;
	log_set_run(p.run_id);
	p.run_dir = xasprintf("%s/staging/%ld", p.job->state_dir, p.run_id);
	rc = finish_run(&p, stages, run_stages(&p, stages));
	if (!rc && p.dry_run && (stages & STAGE_TRANSFORM))
		rc = write_plan_csv(&p);
	cmd_records_failed = p.records_failed;
out:
	xfree(p.run_dir);
	pipeline_release(&p);
	api_set_usage_store(NULL);
	ledger_close(p.lg);
	lock_release(lock);
	job_free(p.job);
	return rc;
}

static int run_command(int argc, char **argv, unsigned fixed_stages)
{
	struct run_opts o = { 0 };
	int rc;

	if ((rc = parse_args(&o, argc, argv)))
		return rc > 0 ? 0 : rc;
	return execute(&o, fixed_stages);
}

/* finsync resync JOB ENTITY CRM_ID: one record through all three stages now. */
int cmd_resync(int argc, char **argv)
{
	struct run_opts o = { 0 };
	const char *const *e;
	int rc;

	o.command = argv[0];
	if ((rc = cmd_parse(argc, argv, NULL)))
		return rc > 0 ? 0 : rc;
	o.job_path = argv[1];
	for (e = entity_names; *e && strcmp(*e, argv[2]); e++)
		;
	if (!*e)
		return fail(FS_EUSAGE, "unknown entity '%s' (customers, vendors, items)", argv[2]);
	o.only = *e;
	o.only_id = argv[3];
	if (!zoho_id_ok(o.only_id))
		return fail(FS_EUSAGE, "'%s' is not a CRM record id (digits only)", o.only_id);
	o.full = 1;
	return execute(&o, STAGE_EXTRACT | STAGE_TRANSFORM | STAGE_LOAD);
}

int cmd_run(int argc, char **argv)
{
	return run_command(argc, argv, 0);
}

int cmd_extract(int argc, char **argv)
{
	return run_command(argc, argv, STAGE_EXTRACT);
}

int cmd_transform(int argc, char **argv)
{
	return run_command(argc, argv, STAGE_TRANSFORM);
}

int cmd_load(int argc, char **argv)
{
	return run_command(argc, argv, STAGE_LOAD);
}
