/*
 * init.c - `finsync init`: a starting job, so a new user does not begin by
 * reading the source for a job file that works.
 *
 * JSON has no comments, so the job carries its explanations under "//"
 * keys, which the job loader ignores in the job file's own objects
 * (JOB_COMMENT_KEY, src/job/job.c): the file stays a valid job, and an
 * operator keeps noting why a view or a mapping is there the same way.
 *
 * Without --sandbox the job points at Zoho's US data centre with
 * placeholders (the client id, the organisation id) that `finsync check`
 * names until they are filled in.  With --sandbox it points at a local
 * finsync-sandbox (${FINSYNC_SANDBOX_URL}) with the sandbox's documented
 * clients, and passes `finsync check` as written.  Either way the secrets
 * come from the environment, never from the file, and an existing file is
 * never replaced.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "finsync/alloc.h"
#include "finsync/cmd.h"
#include "finsync/err.h"
#include "finsync/finance.h"

struct init_opts {
	const char *app;
	const char *output;
	int sandbox;
};

const struct option_spec init_options[] = {
	OPT_CHOICE(struct init_opts, app, "app", "APP", finance_app_short_names,
		   "the finance app: books (default), invoice,\nbilling or inventory"),
	OPT_STRING(struct init_opts, output, "output", 'o', "FILE", "write FILE (default job.json); never replaced"),
	OPT_FLAG(struct init_opts, sandbox, "sandbox", 0, "a job for a local finsync-sandbox"),
	OPT_END,
};

struct where {
	const char *crm_base, *accounts, *fin_base_host, *crm_client, *fin_client, *org, *state_dir;
};

static const struct where production = {
	"https://www.zohoapis.com/crm/v8",
	"https://accounts.zoho.com",
	"https://www.zohoapis.com",
	"1000.REPLACE-WITH-YOUR-CRM-CLIENT-ID",
	"1000.REPLACE-WITH-YOUR-FINANCE-CLIENT-ID",
	"REPLACE-WITH-YOUR-ORGANIZATION-ID",
	"state",
};

/* The sandbox seeds' clients (oauth.json) and organisation (finance/org.json): docs/sandbox.md. */
static const struct where sandbox = {
	"${FINSYNC_SANDBOX_URL}/crm/v8",
	"${FINSYNC_SANDBOX_URL}",
	"${FINSYNC_SANDBOX_URL}",
	"1000.SANDBOXCRM",
	"1000.SANDBOXFIN",
	"10234695",
	"state-sandbox",
};

static void write_endpoints(FILE *fp, const struct where *w, const struct finance_app *fa)
{
	fprintf(fp,
		"  \"crm\": {\n"
		"    \"//\": \"Zoho CRM: api_base and accounts_url of your data centre (zohoapis.com/.eu/.in/.com.au/.jp, "
		"accounts.zoho.*); client_id of a Self Client; the secrets come from the environment (or *_file keys), "
		"never from this file\",\n"
		"    \"type\": \"zoho-crm\",\n    \"api_base\": \"%s\",\n    \"accounts_url\": \"%s\",\n"
		"    \"client_id\": \"%s\",\n"
		"    \"client_secret_env\": \"FINSYNC_CRM_CLIENT_SECRET\",\n"
		"    \"refresh_token_env\": \"FINSYNC_CRM_REFRESH_TOKEN\"\n  },\n",
		w->crm_base, w->accounts, w->crm_client);
	fprintf(fp,
		"  \"finance\": {\n"
		"    \"//\": \"%s: organization_id is in its Settings > Organization Profile; requests_per_minute paces "
		"the API (Zoho allows 100 a minute per organisation)\",\n"
		"    \"type\": \"%s\",\n    \"api_base\": \"%s/%s\",\n    \"organization_id\": \"%s\",\n"
		"    \"accounts_url\": \"%s\",\n    \"client_id\": \"%s\",\n"
		"    \"client_secret_env\": \"FINSYNC_FIN_CLIENT_SECRET\",\n"
		"    \"refresh_token_env\": \"FINSYNC_FIN_REFRESH_TOKEN\"\n  },\n",
		fa->label, fa->type, w->fin_base_host, fa->api_root, w->org, w->accounts, w->fin_client);
}

static void write_sync(FILE *fp, const struct finance_app *fa)
{
	fprintf(fp,
		"  \"sync\": {\n"
		"    \"//\": \"what to sync; `finsync mapping JOB` shows which CRM field fills which finance field\",\n"
		"    \"customers\": {\n"
		"      \"//\": \"crm_module: accounts, contacts or accounts_and_contacts; on_duplicate: skip (list it for "
		"`finsync review`), clone or overwrite; field_map: finance field -> CRM field, cf_* for custom fields\",\n"
		"      \"crm_module\": \"accounts\",\n      \"on_duplicate\": \"skip\"\n    },\n");
	if (fa->has_vendors)
		fprintf(fp, "    \"vendors\": { \"on_duplicate\": \"skip\" },\n");
	fprintf(fp, "    \"items\": { \"on_duplicate\": \"skip\" }\n  }\n");
}

static void write_job(FILE *fp, const struct init_opts *o, const char *name)
{
	const struct where *w = o->sandbox ? &sandbox : &production;
	char *type = xasprintf("zoho-%s", o->app);
	const struct finance_app *fa = finance_app_find(type);

	fprintf(fp,
		"{\n  \"//\": [\"A starting job written by finsync init%s. Keys named // are comments: finsync ignores them.\",\n"
		"         \"Every key is described in the README, 'Writing a job'. Try it with: finsync check %s\"],\n"
		"  \"job\": \"%s\",\n"
		"  \"state_dir\": \"%s\",\n",
		o->sandbox ? " for a local finsync-sandbox" : "", name, o->sandbox ? "sandbox" : "nightly",
		w->state_dir);
	write_endpoints(fp, w, fa);
	write_sync(fp, fa);
	fputs("}\n", fp);
	xfree(type);
}

/* What to do next, on stdout. */
static void say_next(const struct init_opts *o, const char *path)
{
	printf("wrote %s: a starting job for %s%s\n", path, o->app,
	       o->sandbox ? " against a local finsync-sandbox" : "");
	if (o->sandbox) {
		printf("next, from the source tree:\n"
		       "  build/finsync-sandbox --seed fixtures/base --port 0 --port-file sandbox.port &\n"
		       "  export FINSYNC_SANDBOX_URL=http://127.0.0.1:$(cat sandbox.port)\n"
		       "  export FINSYNC_CRM_CLIENT_SECRET=sandbox-crm-secret FINSYNC_CRM_REFRESH_TOKEN=1000.sandbox-crm-refresh\n"
		       "  export FINSYNC_FIN_CLIENT_SECRET=sandbox-fin-secret FINSYNC_FIN_REFRESH_TOKEN=1000.sandbox-fin-refresh\n"
		       "  finsync check %s && finsync run %s --dry-run\n",
		       path, path);
		return;
	}
	printf("next: replace the REPLACE-WITH-… values, set FINSYNC_CRM_CLIENT_SECRET, FINSYNC_CRM_REFRESH_TOKEN,\n"
	       "FINSYNC_FIN_CLIENT_SECRET and FINSYNC_FIN_REFRESH_TOKEN, then: finsync check %s\n",
	       path);
}

int cmd_init(int argc, char **argv)
{
	struct init_opts o = { 0 };
	const char *path;
	FILE *fp;
	int fd, rc;

	if ((rc = cmd_parse(argc, argv, &o)))
		return rc > 0 ? 0 : rc;
	if (!o.app)
		o.app = "books";
	path = o.output ? o.output : "job.json";
	/* O_EXCL: a job someone wrote is never replaced by a template. */
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644)) < 0)
		return fail(errno == EEXIST ? FS_EUSAGE : FS_EABORT, "cannot write '%s': %s%s", path, strerror(errno),
			    errno == EEXIST ? "; finsync init never replaces a file (-o FILE for another name)" : "");
	if (!(fp = fdopen(fd, "w"))) {
		close(fd);
		return fail(FS_EABORT, "cannot write '%s': %s", path, strerror(errno));
	}
	write_job(fp, &o, path);
	if (fclose(fp) != 0) {
		unlink(path);
		return fail(FS_EABORT, "cannot write '%s': %s", path, strerror(errno));
	}
	say_next(&o, path);
	return 0;
}
