/*
 * sandbox_test.h - a finsync-sandbox started by a unit test (real HTTP on a
 * free port, in the test's own directory), its control endpoint, and a job
 * of one customers sync pointed at it, for the tests of what talks to Zoho
 * (test_load.c, test_api.c).  The sandbox binary is looked for beside the
 * unit-test binary and the seeds in $TOP/fixtures (or beside the build
 * directory); without them the tests say so and fail.  Static inline so a
 * test file may use only some of it.
 */
#ifndef FINSYNC_SANDBOX_TEST_H
#define FINSYNC_SANDBOX_TEST_H
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/finance.h"
#include "finsync/http.h"
#include "finsync/job.h"
#include "unit.h"

struct sandbox {
	pid_t pid;
	char url[64];
	struct http *http;
};

/* The folder of the unit-test binary (and of finsync-sandbox) into out; 0 or -1. */
static inline int sandbox_bin_dir(char *out, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", out, size - 1);

	if (n <= 0)
		return -1;
	out[n] = '\0';
	*strrchr(out, '/') = '\0';
	return 0;
}

/* The seeds: $TOP/fixtures/base, else beside the build directory (build/../fixtures/base). */
static inline void sandbox_seed_dir(char *out, size_t size)
{
	char exe[4096];

	if (getenv("TOP"))
		snprintf(out, size, "%s/fixtures/base", getenv("TOP"));
	else if (sandbox_bin_dir(exe, sizeof(exe)) == 0)
		snprintf(out, size, "%s/../fixtures/base", exe);
	else
		snprintf(out, size, "fixtures/base");
}

/* Starts build/finsync-sandbox on the seed folder (NULL: fixtures/base) on a free port; 0 or -1. */
static inline int sandbox_start_seed(struct sandbox *sb, const char *dir, const char *seed_dir)
{
	char exe[4096], bin[4200], seed[4200], portfile[4200];
	long port = 0;
	int i;

	if (sandbox_bin_dir(exe, sizeof(exe)))
		return -1;
	snprintf(bin, sizeof(bin), "%s/finsync-sandbox", exe);
	if (seed_dir)
		snprintf(seed, sizeof(seed), "%s", seed_dir);
	else
		sandbox_seed_dir(seed, sizeof(seed));
	snprintf(portfile, sizeof(portfile), "%s/sandbox.port", dir);
	if (access(bin, X_OK) || access(seed, R_OK)) {
		fprintf(stderr, "the sandbox tests need %s and %s (make all; or set TOP)\n", bin, seed);
		return -1;
	}
	sb->pid = fork();
	if (sb->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM); /* never outlives a crashed test */
		execl(bin, bin, "--seed", seed, "--port", "0", "--port-file", portfile, "--quiet", (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 400 && port <= 0; i++) {
		FILE *f = fopen(portfile, "r");
		if (f) {
			if (fscanf(f, "%ld", &port) != 1)
				port = 0;
			fclose(f);
		}
		if (port <= 0)
			usleep(25000);
	}
	snprintf(sb->url, sizeof(sb->url), "http://127.0.0.1:%ld", port);
	return port > 0 && http_new(&sb->http, "sandbox control") == 0 ? 0 : -1;
}

static inline int sandbox_start(struct sandbox *sb, const char *dir)
{
	return sandbox_start_seed(sb, dir, NULL);
}

static inline void sandbox_stop(struct sandbox *sb)
{
	if (sb->pid > 0) {
		kill(sb->pid, SIGTERM);
		waitpid(sb->pid, NULL, 0);
	}
	if (sb->http)
		http_free(sb->http);
}

/* ctl METHOD PATH BODY: the sandbox's control endpoint; the answer's JSON (new reference) or NULL. */
static inline json_t *ctl(struct sandbox *sb, const char *method, const char *path, const char *body)
{
	static const char *const headers[] = { "Content-Type: application/json", NULL };
	char url[256];
	struct http_request req = { method, url, headers, body, body ? strlen(body) : 0, 1, NULL, NULL, NULL };
	struct http_response resp = HTTP_RESPONSE_INIT;
	json_t *out = NULL;

	snprintf(url, sizeof(url), "%s/__control%s", sb->url, path);
	if (http_do(sb->http, &req, &resp) == 0 && resp.status / 100 == 2)
		out = json_loadb(resp.body.data, resp.body.len, 0, NULL);
	http_response_release(&resp);
	return out;
}

/* A job of one customers sync into APP ("books" or "invoice") at this sandbox. */
static inline void write_job(const char *path, const char *dir, const char *url, const char *app)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return;
	fprintf(f,
		"{\"job\": \"load\", \"state_dir\": \"%s/state\",\n"
		" \"crm\": {\"type\": \"zoho-crm\", \"api_base\": \"%s/crm/v8\", \"accounts_url\": \"%s\",\n"
		"  \"client_id\": \"1000.SANDBOXCRM\", \"client_secret_env\": \"FINSYNC_CRM_CLIENT_SECRET\",\n"
		"  \"refresh_token_env\": \"FINSYNC_CRM_REFRESH_TOKEN\"},\n"
		" \"finance\": {\"type\": \"zoho-%s\", \"api_base\": \"%s/%s/v3\", \"organization_id\": \"10234695\",\n"
		"  \"requests_per_minute\": 0, \"accounts_url\": \"%s\", \"client_id\": \"1000.SANDBOXFIN\",\n"
		"  \"client_secret_env\": \"FINSYNC_FIN_CLIENT_SECRET\", \"refresh_token_env\": \"FINSYNC_FIN_REFRESH_TOKEN\"},\n"
		" \"sync\": {\"customers\": {\"crm_module\": \"accounts\"}}}\n",
		dir, url, url, app, url, app, url);
	fclose(f);
	/* The secrets the sandbox's seeds know (fixtures/base/oauth.json); never real ones. */
	setenv("FINSYNC_CRM_CLIENT_SECRET", "sandbox-crm-secret", 1);
	setenv("FINSYNC_CRM_REFRESH_TOKEN", "1000.sandbox-crm-refresh", 1);
	setenv("FINSYNC_FIN_CLIENT_SECRET", "sandbox-fin-secret", 1);
	setenv("FINSYNC_FIN_REFRESH_TOKEN", "1000.sandbox-fin-refresh", 1);
}

/* A sandbox and a job of one customers sync into APP ("books" …) at it, for a test to talk to. */
struct sandbox_job {
	char dir[256];
	struct sandbox sb;
	struct job *job;
	char *fin_list; /* the finance app's contact list URL */
};

static inline void sandbox_job_teardown(struct sandbox_job *fx)
{
	xfree(fx->fin_list);
	job_free(fx->job);
	sandbox_stop(&fx->sb);
	memset(fx, 0, sizeof(*fx));
}

/*
 * 0, or -1 when the sandbox or the job could not be had: then the test has
 * failed and nothing is left.  seed: the sandbox's seed folder, NULL for
 * fixtures/base.
 */
static inline int sandbox_job_setup_seed(struct sandbox_job *fx, const char *app, const char *seed)
{
	char *path;

	memset(fx, 0, sizeof(*fx));
	snprintf(fx->dir, sizeof(fx->dir), "%s", unit_tmpdir());
	path = xasprintf("%s/job.json", fx->dir);
	if (sandbox_start_seed(&fx->sb, fx->dir, seed) == 0) {
		write_job(path, fx->dir, fx->sb.url, app);
		if (job_load(&fx->job, path))
			fprintf(stderr, "sandbox job: %s\n", err_msg());
	}
	xfree(path);
	if (!fx->job) {
		unit_failures++;
		sandbox_job_teardown(fx);
		return -1;
	}
	fx->fin_list = xasprintf("%s%s?organization_id=%s", fx->job->fin.api_base, fx->job->app->customers_path,
				 fx->job->fin.organization_id);
	return 0;
}

static inline int sandbox_job_setup(struct sandbox_job *fx, const char *app)
{
	return sandbox_job_setup_seed(fx, app, NULL);
}

#endif
