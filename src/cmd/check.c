/*
 * check.c - `finsync check JOB`: can this job run?  Before the first nightly
 * run, or after a token or an organisation changed, an operator wants every
 * problem at once, not the first one a run trips over: so every check runs
 * (the job file first: without it there is nothing to check), each prints
 * one line, and the exit code is that of the first that failed.
 *
 * A cached access token would let a side answer even when the refresh token
 * behind it has been revoked, and the next run would find out an hour later:
 * check forgets the cached tokens so that each side refreshes for real.
 *
 * Then what the job needs of both organisations (src/stage/ready.c, the
 * same check every run makes before writing): "ok", "FAIL" with what to
 * create and where, or "--" where the app gives no way to see it.  With
 * --deep, the read-only probes of check_deep.c follow.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "finsync/alloc.h"
#include "finsync/buf.h"
#include "finsync/cmd.h"
#include "finsync/crm.h"
#include "finsync/err.h"
#include "finsync/finclient.h"
#include "finsync/job.h"
#include "finsync/ready.h"
#include "finsync/tokencache.h"
#include "check_deep.h"

struct checks {
	int rc;             /* the first failure's code, 0 while all pass */
	char *msg;          /* its message */
	char *crm_currency; /* NULL: unknown or unreachable */
	char *fin_currency;
	int crm_ok, fin_ok;
	struct finclient *fc; /* open when the finance side answered */
};

static void ok(const char *what, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void ok(const char *what, const char *fmt, ...)
{
	va_list ap;

	printf("ok   %s: ", what);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* Prints the failure (the message of the last fail()) and keeps the first. */
static void failed(struct checks *c, const char *what, int rc)
{
	printf("FAIL %s: %s\n", what, err_msg());
	if (!c->rc) {
		c->rc = rc;
		c->msg = xasprintf("%s: %s", what, err_msg());
	}
}

static void job_line(const struct job *job)
{
	struct buf b = BUF_INIT;
	int i;

	for (i = 0; i < ENTITY_COUNT; i++)
		if (job->entities[i].enabled)
			buf_addf(&b, "%s%s", b.len ? ", " : "", job->entities[i].name);
	ok("job", "'%s' (%s) is valid: %s to %s, syncs %s", job->name, job->path, job->crm_source->label,
	   job->app->label, b.len ? buf_str(&b) : "nothing");
	buf_release(&b);
}

/* The export files of the modules the job reads: which are there. */
static int check_csv_folder(const struct job *job)
{
	struct buf present = BUF_INIT, absent = BUF_INIT;
	const char *const *m;
	DIR *d;
	int i, rc = 0;

	if (!(d = opendir(job->crm.dir)))
		return fail(FS_EABORT, "cannot read the CSV export folder '%s': %s", job->crm.dir, strerror(errno));
	closedir(d);
	for (i = 0; i < ENTITY_COUNT && !rc; i++) {
		if (!job->entities[i].enabled)
			continue;
		for (m = entity_crm_modules(&job->entities[i]); *m && !rc; m++) {
			char *file = xasprintf("%s/%s.csv", job->crm.dir, *m);
			if (access(file, F_OK) != 0)
				buf_addf(&absent, "%s%s.csv", absent.len ? ", " : "", *m);
			else if (access(file, R_OK) != 0)
				rc = fail(FS_EABORT, "cannot read '%s': %s", file, strerror(errno));
			else
				buf_addf(&present, "%s%s.csv", present.len ? ", " : "", *m);
			xfree(file);
		}
	}
	/* None at all is the wrong folder, not a CRM without records: a run refuses it (exit 2). */
	if (!rc && !present.len && absent.len)
		rc = fail(FS_EUSAGE, "the CSV export folder '%s' has none of the files the job reads (%s)",
			  job->crm.dir, buf_str(&absent));
	if (!rc)
		ok("crm", "CSV export folder %s readable; present: %s%s%s", job->crm.dir,
		   present.len ? buf_str(&present) : "none", absent.len ? "; absent (no records): " : "",
		   buf_str(&absent));
	buf_release(&present);
	buf_release(&absent);
	return rc;
}

/* The next call on this endpoint refreshes its token. */
static int forget_token(const struct endpoint *ep)
{
	return ep->token_cache ? tokencache_drop(ep->token_cache, ep->token_key) : 0;
}

static void check_crm(struct checks *c, const struct job *job)
{
	int rc;

	if (job->crm_source->from_files)
		rc = check_csv_folder(job);
	else if (!(rc = forget_token(&job->crm)) && !(rc = crm_base_currency(job, &c->crm_currency)))
		ok("crm", "Zoho CRM reachable at %s (token refreshed), base currency %s", job->crm.api_base,
		   c->crm_currency ? c->crm_currency : "not reported");
	if (rc)
		failed(c, "crm", rc);
	c->crm_ok = !rc;
}

static void check_finance(struct checks *c, const struct job *job)
{
	struct finclient *fc = NULL;
	int rc;

	if (!(rc = forget_token(&job->fin)) && !(rc = finclient_open(&fc, job)) &&
	    !(rc = finclient_base_currency(fc, &c->fin_currency)))
		ok("finance", "%s reachable at %s, organization %s (token refreshed), base currency %s",
		   job->app->label, job->fin.api_base, job->fin.organization_id, c->fin_currency);
	if (rc) {
		failed(c, "finance", rc);
		finclient_close(fc);
		fc = NULL;
	}
	c->fin_ok = !rc;
	c->fc = fc;
}

static void check_currency(struct checks *c, const struct job *job)
{
	if (!c->crm_ok || !c->fin_ok) {
		printf("--   currency: not compared (a side failed above)\n");
	} else if (!c->crm_currency) {
		ok("currency", "%s uses %s; the CRM does not say (not compared)", job->app->label, c->fin_currency);
	} else if (strcasecmp(c->crm_currency, c->fin_currency)) {
		failed(c, "currency",
		       fail(FS_EABORT,
			    "base currencies differ: Zoho CRM %s, %s %s; finsync writes "
			    "nothing until they match",
			    c->crm_currency, job->app->label, c->fin_currency));
	} else {
		ok("currency", "both sides use %s", c->fin_currency);
	}
}

static void ready_line(void *ud, enum ready_mark mark, const char *what, const char *text)
{
	(void)ud;
	printf("%s %s: %s\n", mark == READY_OK ? "ok  " : mark == READY_MISSING ? "FAIL" : "--  ", what, text);
}

/* Every field, view, stage and custom field the job names (both sides must have answered). */
static void check_ready(struct checks *c, const struct job *job)
{
	int rc;

	if (!c->crm_ok || !c->fin_ok) {
		printf("--   set-up: not checked (a side failed above)\n");
		return;
	}
	if ((rc = ready_check(job, c->fc, NULL, ready_line, NULL)) == FS_EUSAGE) {
		if (!c->rc) {
			c->rc = rc;
			c->msg = xasprintf("set-up: %s", err_msg());
		}
	} else if (rc) {
		failed(c, "set-up", rc);
	}
}

static void run_probes(struct checks *c, const struct job *job)
{
	int rc;

	if (!c->fin_ok) {
		printf("--   probes: not run (the finance side failed above)\n");
		return;
	}
	if ((rc = check_deep(job, c->fc)))
		failed(c, "probes", rc);
}

struct check_opts {
	int deep;
};

const struct option_spec check_options[] = {
	OPT_FLAG(struct check_opts, deep, "deep", 0,
		 "also probe, reading only, what Zoho's documentation leaves\n"
		 "open (does a list filter filter, do list rows carry the\n"
		 "fields finsync reads) and say what finsync does about it"),
	OPT_END,
};

int cmd_check(int argc, char **argv)
{
	struct checks c = { 0 };
	struct job *job = NULL;
	struct check_opts o = { 0 };
	int rc;

	if ((rc = cmd_parse(argc, argv, &o)))
		return rc > 0 ? 0 : rc;
	if ((rc = job_load(&job, argv[1]))) {
		printf("FAIL job: %s\n", err_msg());
		return rc;
	}
	job_line(job);
	check_crm(&c, job);
	check_finance(&c, job);
	check_currency(&c, job);
	check_ready(&c, job);
	if (o.deep)
		run_probes(&c, job);
	finclient_close(c.fc);
	rc = c.rc ? fail(c.rc, "%s", c.msg) : 0;
	xfree(c.msg);
	xfree(c.crm_currency);
	xfree(c.fin_currency);
	job_free(job);
	return rc;
}
