/*
 * plan.c - `finsync plan JOB`: what a full run of the job will cost before
 * an implementer starts an import that runs for days: the records per CRM
 * module (the CRM's count API), the records the finance app holds, the calls
 * each API needs, the hours at the job's pace and the days at its daily
 * budget.  It writes nothing: no run, no ledger row, no request but reads
 * (the token cache aside, which keeps the refresh throttle at bay).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>
#include "finsync/alloc.h"
#include "finsync/cmd.h"
#include "finsync/err.h"
#include "finsync/job.h"
#include "finsync/ledger.h"
#include "finsync/pipeline.h"
#include "finsync/plan.h"
#include "finsync/progress.h"

struct plan_opts {
	const char *format;
};

static const char *const formats[] = { "text", "json", NULL };

const struct option_spec plan_options[] = {
	OPT_CHOICE(struct plan_opts, format, "format", "F", formats, "text (default) or json: one object"),
	OPT_END,
};

/* One line a count; a CRM module past the listing wall says how many Bulk Read jobs read it. */
static void print_count_lines(json_t *o, const char *heading, int crm)
{
	const char *key;
	json_t *v;
	char n[32];

	printf("%s\n", heading);
	json_object_foreach(o, key, v) {
		long jobs = crm ? plan_bulk_jobs((long)json_integer_value(v)) : 0;
		progress_count_text((long)json_integer_value(v), n, sizeof(n));
		if (jobs)
			printf("  %-12s %12s  (past the listing wall: %ld Bulk Read job%s)\n", key, n, jobs,
			       jobs == 1 ? "" : "s");
		else
			printf("  %-12s %12s\n", key, n);
	}
}

static void print_entity_calls(json_t *detail)
{
	const char *name, *kind;
	json_t *d, *v;
	char n[32];

	json_object_foreach(detail, name, d) {
		const char *sep = "";
		printf("  %-12s", name);
		json_object_foreach(d, kind, v) {
			if (!strcmp(kind, "in_scope"))
				continue;
			progress_count_text((long)json_integer_value(v), n, sizeof(n));
			printf("%s %s %s", sep, kind, n);
			sep = ",";
		}
		putchar('\n');
	}
}

/* "~14 h at 100 requests/min", "0.4 days at 1,000 calls a day" or what is unbounded. */
static void print_time(json_t *plan, const struct job *job)
{
	json_t *hours = json_object_get(plan, "hours"), *days = json_object_get(plan, "days");
	char rpm[32], budget[32];

	progress_count_text(job->fin.requests_per_minute, rpm, sizeof(rpm));
	progress_count_text(job->fin.daily_budget ? job->fin.daily_budget : job->fin.plan_calls_a_day, budget,
			    sizeof(budget));
	if (json_is_null(hours))
		printf("time:     unpaced (no requests_per_minute): as fast as the APIs answer\n");
	else
		printf("time:     ~%.1f h at %s finance requests/min\n", json_real_value(hours), rpm);
	if (json_is_null(days))
		printf("days:     no daily_budget: not bounded by a budget of the job\n");
	else
		printf("days:     %.2f at the daily budget (finance %s calls a day%s)\n", json_real_value(days),
		       job->fin.daily_budget || job->fin.plan_calls_a_day ? budget : "unbounded",
		       job->fin.daily_budget ? "" : ", finance.plan's documented limit");
}

static void print_text(json_t *plan, json_t *detail, const struct job *job)
{
	json_t *calls = json_object_get(plan, "calls");
	char crm[32], fin[32];

	print_count_lines(json_object_get(plan, "modules"),
			  "CRM records (as the CRM counts them):", !job->crm_source->from_files);
	print_count_lines(json_object_get(plan, "finance"), "finance records now in the app:", 0);
	progress_count_text((long)json_integer_value(json_object_get(calls, "crm")), crm, sizeof(crm));
	progress_count_text((long)json_integer_value(json_object_get(calls, "finance")), fin, sizeof(fin));
	printf("calls for a full run: CRM %s, finance %s\n", crm, fin);
	print_entity_calls(detail);
	print_time(plan, job);
}

/* The ledger when the job has one (opened to read); a job that never ran has none, and gets none from us. */
static int open_ledger(struct pipeline *p)
{
	char *path = xasprintf("%s/ledger.sqlite", p->job->state_dir);
	int rc = 0;

	if (access(path, F_OK) == 0 && !(rc = ledger_open(&p->lg, p->job->state_dir)))
		rc = ledger_job_check(p->lg, p->job->name, p->job->state_dir, 0);
	xfree(path);
	return rc;
}

int cmd_plan(int argc, char **argv)
{
	struct plan_opts o = { 0 };
	struct pipeline p = { 0 };
	json_t *plan = NULL, *detail;
	int rc;

	if ((rc = cmd_parse(argc, argv, &o)))
		return rc > 0 ? 0 : rc;
	if ((rc = job_load(&p.job, argv[1])) || (rc = open_ledger(&p)) || (rc = plan_make(&p, NULL, &plan)))
		goto out;
	detail = json_incref(json_object_get(plan, "detail"));
	json_object_del(plan, "detail");
	if (o.format && !strcmp(o.format, "json")) {
		json_dumpf(plan, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
		putchar('\n');
	} else {
		print_text(plan, detail, p.job);
	}
	json_decref(detail);
	if (fflush(stdout))
		rc = fail(FS_EABORT, "cannot write the plan to stdout");
out:
	json_decref(plan);
	pipeline_release(&p);
	ledger_close(p.lg);
	job_free(p.job);
	return rc;
}
