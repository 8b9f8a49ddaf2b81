/*
 * status.c - `finsync status JOB`: what an operator wants to know the
 * morning after, in one screen: is the job running, paused or disabled, how
 * did its last run end, how far has incremental extraction got, how many
 * records wait for a retry, how much of each API's daily budget is used.
 *
 * Everything is gathered into one JSON object first; the text format is a
 * rendering of it, so the two cannot tell different stories.  A job that
 * never ran has no ledger, and status does not create one.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>
#include "finsync/alloc.h"
#include "finsync/buf.h"
#include "finsync/cmd.h"
#include "finsync/err.h"
#include "finsync/job.h"
#include "finsync/jobstate.h"
#include "finsync/ledger.h"
#include "finsync/lock.h"
#include "finsync/timeutil.h"

struct status_opts {
	const char *format; /* --format: text or json */
};

static const char *const formats[] = { "text", "json", NULL };

const struct option_spec status_options[] = {
	OPT_CHOICE(struct status_opts, format, "format", "F", formats,
		   "text (default): aligned 'key: value' lines; json: one object"),
	OPT_END,
};

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static int stats_row(const struct run_stats_row *r, void *ud)
{
	json_t *run = ud, *counts = json_object();
	int k;

	for (k = 0; k < OUTCOME_COUNT; k++)
		json_object_set_new(counts, outcome_columns[k], json_integer(r->s.count[k]));
	json_object_set_new(run, "stats_stage", str_or_null(r->stage));
	json_object_set_new(json_object_get(run, "entities"), r->entity, counts);
	return 0;
}

static int watermark_row(const char *entity, const char *since, long run_id, void *ud)
{
	json_object_set_new(ud, entity,
			    json_pack("{s:o, s:o}", "modified_since", str_or_null(since), "run_id",
				      run_id ? json_integer(run_id) : json_null()));
	return 0;
}

static int usage_row(const char *api, long calls, void *ud)
{
	json_object_set_new(ud, api, json_integer(calls));
	return 0;
}

static int add_last_run(json_t *status, struct ledger *lg)
{
	struct run_info r;
	json_t *run;
	long id;
	int rc;

	if ((rc = ledger_run_latest(lg, &r)) <= 0)
		return rc;
	run = json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:n, s:{}}", "id", (json_int_t)r.id, "started_at",
			str_or_null(r.started_at), "finished_at", str_or_null(r.finished_at), "status",
			str_or_null(r.status), "error", str_or_null(r.error), "stages", str_or_null(r.stages),
			"exit_code", r.exit_code < 0 ? json_null() : json_integer(r.exit_code), "dry_run", r.dry_run,
			"stats_stage", "entities");
	json_object_set_new(status, "last_run", run);
	id = r.id;
	run_info_release(&r);
	return ledger_run_stats_each(lg, id, NULL, stats_row, run);
}

static int add_ledger_facts(json_t *status, struct ledger *lg, const char *job_name)
{
	json_t *today = json_object_get(status, "api_calls_today");
	const char *state;
	long failures = 0;
	int rc;

	if ((rc = jobstate_get(lg, job_name, &state)))
		return rc;
	json_object_set_new(status, "job_state", json_string(state));
	if ((rc = add_last_run(status, lg)) ||
	    (rc = ledger_watermarks_each(lg, watermark_row, json_object_get(status, "watermarks"))) ||
	    (rc = ledger_failed_count(lg, &failures)))
		return rc;
	json_object_set_new(status, "failures_waiting", json_integer(failures));
	return ledger_usage_each(lg, json_string_value(json_object_get(today, "day")), usage_row,
				 json_object_get(today, "calls"));
}

/* idle, running, paused or disabled: a live run first, then the job's own state. */
static void set_state(json_t *status)
{
	const char *job_state = json_string_value(json_object_get(status, "job_state"));

	json_t *run = json_object_get(status, "last_run");
	const char *run_status = json_string_value(json_object_get(run, "status"));

	/* A run `running` with the lock free died without saying so: as the next run will record it. */
	if (json_is_null(json_object_get(status, "lock")) && run_status && !strcmp(run_status, "running")) {
		json_object_set_new(run, "status", json_string("aborted"));
		json_object_set_new(run, "error", json_string(RUN_DIED_REASON));
	}
	if (!json_is_null(json_object_get(status, "lock")))
		json_object_set_new(status, "state", json_string("running"));
	else if (strcmp(job_state, "active"))
		json_object_set_new(status, "state", json_string(job_state));
	else
		json_object_set_new(status, "state", json_string("idle"));
}

/* The daily budget per API ("crm", "finance", as the ledger counts them), where the job sets one. */
static void add_budgets(json_t *today, const struct job *job)
{
	const struct endpoint *eps[] = { &job->crm, &job->fin };
	json_t *budgets = json_object();
	size_t i;

	for (i = 0; i < sizeof(eps) / sizeof(eps[0]); i++)
		if (eps[i]->daily_budget > 0 && eps[i]->token_key)
			json_object_set_new(budgets, eps[i]->token_key, json_integer(eps[i]->daily_budget));
	json_object_set_new(today, "budgets", budgets);
}

static int gather(json_t **out, const struct job *job)
{
	char day[ISO_TIME_LEN];
	json_t *status;
	struct ledger *lg = NULL;
	struct lock_owner owner;
	char *path = xasprintf("%s/ledger.sqlite", job->state_dir);
	int rc;

	time_now_iso(day);
	day[10] = '\0'; /* YYYY-MM-DD, UTC: the budget's day */
	status = json_pack("{s:s, s:s, s:s, s:n, s:n, s:{}, s:i, s:{s:s, s:{}}}", "job", job->name, "state", "idle",
			   "job_state", "active", "lock", "last_run", "watermarks", "failures_waiting", 0,
			   "api_calls_today", "day", day, "calls");
	*out = status;
	add_budgets(json_object_get(status, "api_calls_today"), job);
	if ((rc = lock_probe(job->state_dir, &owner)) < 0)
		goto out;
	if (rc == 1)
		json_object_set_new(status, "lock",
				    json_pack("{s:o, s:s, s:s}", "pid",
					      owner.pid ? json_integer(owner.pid) : json_null(), "host", owner.host,
					      "since", owner.since));
	rc = 0;
	if (access(path, F_OK) == 0 && !(rc = ledger_open(&lg, job->state_dir)) &&
	    !(rc = ledger_job_check(lg, job->name, job->state_dir, 0)))
		rc = add_ledger_facts(status, lg, job->name);
	set_state(status);
out:
	ledger_close(lg);
	xfree(path);
	return rc;
}

/* Text rendering: "key:" padded to the widest key, then the value. */
struct lines {
	json_t *rows; /* [[key, value], …] */
};

static void line(struct lines *l, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void line(struct lines *l, const char *key, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	json_array_append_new(l->rows, json_pack("[s, s]", key, buf_str(&b)));
	buf_release(&b);
}

static const char *text_or(json_t *v, const char *none)
{
	const char *s = json_string_value(v);

	return s && *s ? s : none;
}

static void state_line(struct lines *l, json_t *status)
{
	const char *state = json_string_value(json_object_get(status, "state"));
	const char *job_state = json_string_value(json_object_get(status, "job_state"));
	json_t *lock = json_object_get(status, "lock");

	if (!strcmp(state, "running"))
		line(l, "state", "running (process %lld on %s since %s)%s%s",
		     (long long)json_integer_value(json_object_get(lock, "pid")),
		     text_or(json_object_get(lock, "host"), "?"), text_or(json_object_get(lock, "since"), "?"),
		     strcmp(job_state, "active") ? "; job " : "", strcmp(job_state, "active") ? job_state : "");
	else if (!strcmp(state, "paused"))
		line(l, "state", "paused (finsync resume JOB)");
	else if (!strcmp(state, "disabled"))
		line(l, "state", "disabled (finsync enable JOB)");
	else
		line(l, "state", "%s", state);
}

/* "3 added, 1 updated, …": every outcome, in run_stats order. */
static void counts_line(struct lines *l, const char *key, json_t *counts)
{
	struct buf b = BUF_INIT;
	int k;

	for (k = 0; k < OUTCOME_COUNT; k++)
		buf_addf(&b, "%s%lld %s", k ? ", " : "",
			 (long long)json_integer_value(json_object_get(counts, outcome_columns[k])),
			 outcome_columns[k]);
	line(l, key, "%s", buf_str(&b));
	buf_release(&b);
}

static void run_lines(struct lines *l, json_t *run)
{
	const char *planned = json_string_value(json_object_get(run, "stats_stage"));
	const char *entity;
	json_t *counts;
	char key[128];

	if (json_is_null(run)) {
		line(l, "last run", "none");
		return;
	}
	line(l, "last run", "%lld", (long long)json_integer_value(json_object_get(run, "id")));
	line(l, "run status", "%s%s", text_or(json_object_get(run, "status"), "-"),
	     json_is_true(json_object_get(run, "dry_run")) ? " (dry run: planned, nothing written)" : "");
	if (json_is_integer(json_object_get(run, "exit_code")))
		line(l, "run exit code", "%lld", (long long)json_integer_value(json_object_get(run, "exit_code")));
	else
		line(l, "run exit code", "-");
	line(l, "run started", "%s", text_or(json_object_get(run, "started_at"), "-"));
	line(l, "run finished", "%s", text_or(json_object_get(run, "finished_at"), "-"));
	line(l, "run error", "%s", text_or(json_object_get(run, "error"), "-"));
	json_object_foreach(json_object_get(run, "entities"), entity, counts) {
		snprintf(key, sizeof(key), "%s%s", entity,
			 planned && !strcmp(planned, "transform") ? " (planned)" : "");
		counts_line(l, key, counts);
	}
}

static void watermark_lines(struct lines *l, json_t *all)
{
	const char *entity;
	json_t *w, *run;
	char key[128];

	if (!json_object_size(all))
		line(l, "watermarks", "none (the next run reads every record)");
	json_object_foreach(all, entity, w) {
		snprintf(key, sizeof(key), "watermark %s", entity);
		run = json_object_get(w, "run_id");
		if (json_is_integer(run))
			line(l, key, "%s (run %lld)", text_or(json_object_get(w, "modified_since"), "-"),
			     (long long)json_integer_value(run));
		else
			line(l, key, "%s", text_or(json_object_get(w, "modified_since"), "-"));
	}
}

/* "crm 120 of 5000, finance 30": every API called today or with a budget. */
static void usage_line(struct lines *l, json_t *today)
{
	json_t *calls = json_object_get(today, "calls"), *budgets = json_object_get(today, "budgets");
	json_t *all = json_deep_copy(calls), *n;
	struct buf b = BUF_INIT;
	const char *api;

	json_object_foreach(budgets, api, n)
		if (!json_object_get(all, api))
			json_object_set_new(all, api, json_integer(0));
	json_object_foreach(all, api, n) {
		buf_addf(&b, "%s%s %lld", b.len ? ", " : "", api, (long long)json_integer_value(n));
		if (json_object_get(budgets, api))
			buf_addf(&b, " of %lld", (long long)json_integer_value(json_object_get(budgets, api)));
	}
	line(l, "api calls today", "%s (%s UTC)", b.len ? buf_str(&b) : "none",
	     text_or(json_object_get(today, "day"), "-"));
	buf_release(&b);
	json_decref(all);
}

static void print_text(json_t *status)
{
	struct lines l = { json_array() };
	size_t i, width = 0;
	json_t *row;

	line(&l, "job", "%s", json_string_value(json_object_get(status, "job")));
	state_line(&l, status);
	run_lines(&l, json_object_get(status, "last_run"));
	watermark_lines(&l, json_object_get(status, "watermarks"));
	line(&l, "failures waiting", "%lld",
	     (long long)json_integer_value(json_object_get(status, "failures_waiting")));
	usage_line(&l, json_object_get(status, "api_calls_today"));
	json_array_foreach(l.rows, i, row)
		if (strlen(json_string_value(json_array_get(row, 0))) > width)
			width = strlen(json_string_value(json_array_get(row, 0)));
	json_array_foreach(l.rows, i, row)
		printf("%s:%*s %s\n", json_string_value(json_array_get(row, 0)),
		       (int)(width - strlen(json_string_value(json_array_get(row, 0)))), "",
		       json_string_value(json_array_get(row, 1)));
	json_decref(l.rows);
}

int cmd_status(int argc, char **argv)
{
	struct job *job = NULL;
	json_t *status = NULL;
	struct status_opts o = { NULL };
	int json, rc;

	if ((rc = cmd_parse(argc, argv, &o)))
		return rc > 0 ? 0 : rc;
	json = o.format && !strcmp(o.format, "json");
	if ((rc = job_load_flags(&job, argv[1], JOB_NO_SECRETS)) || (rc = gather(&status, job)))
		goto out;
	if (json) {
		if (json_dumpf(status, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) || putchar('\n') == EOF)
			rc = fail(FS_EABORT, "cannot write standard output: %s", strerror(errno));
	} else {
		print_text(status);
	}
out:
	json_decref(status);
	job_free(job);
	return rc;
}
