/*
 * main.c - finsync-sandbox: arguments, start-up, signals, shut-down.
 *
 *   finsync-sandbox --seed DIR [--seed OVERLAY …] [--port N] [--port-file FILE]
 *                   [--db FILE] [--rate-limit N] [--quiet]
 *
 * Exit codes: 0 after SIGTERM/SIGINT, 2 usage or seed error, 1 cannot listen.
 */
#include "sb.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "finsync/alloc.h"

#define MAX_SEEDS 8

struct opts {
	const char *seed[MAX_SEEDS]; /* the seed, then overlays */
	int nseeds;
	const char *port_file;
	const char *db;
	long port;
	long rate_limit;
	long daily_limit;
	int quiet;
};

static const char usage[] =
	"usage: " SB_NAME " --seed DIR [--seed OVERLAY ...] [--port N] [--port-file FILE]\n"
	"                       [--db FILE] [--rate-limit N] [--daily-limit N] [--quiet]\n"
	"\n"
	"  --seed DIR        seed directory (oauth.json, crm/, finance/); a second and\n"
	"                    later --seed adds that directory's records to it\n"
	"  --port N          port on 127.0.0.1; 0 (default) picks a free one\n"
	"  --port-file FILE  write the port here once listening\n"
	"  --db FILE         keep the store in this SQLite file (default: memory)\n"
	"  --rate-limit N    finance requests per minute per app and organisation\n"
	"  --daily-limit N   finance requests per day per app and organisation\n"
	"                    (default 1000000; 0: no daily quota, no X-Rate-Limit-*)\n"
	"  --quiet           no per-request log on stderr\n";

/* "--name VALUE" or "--name=VALUE"; returns the value or NULL. */
static const char *opt_value(const char *name, int argc, char **argv, int *i)
{
	size_t n = strlen(name);

	if (strncmp(argv[*i], name, n) != 0)
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n] || *i + 1 >= argc)
		return NULL;
	return argv[++*i];
}

static int parse_args(struct opts *o, int argc, char **argv)
{
	const char *v;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			fputs(usage, stdout);
			exit(0);
		} else if (strcmp(argv[i], "--quiet") == 0) {
			o->quiet = 1;
		} else if ((v = opt_value("--seed", argc, argv, &i))) {
			if (o->nseeds == MAX_SEEDS)
				return fprintf(stderr, SB_NAME ": at most %d --seed\n", MAX_SEEDS), -1;
			o->seed[o->nseeds++] = v;
		} else if ((v = opt_value("--port-file", argc, argv, &i))) {
			o->port_file = v;
		} else if ((v = opt_value("--db", argc, argv, &i))) {
			o->db = v;
		} else if ((v = opt_value("--port", argc, argv, &i))) {
			if (parse_long(v, 0, 65535, &o->port))
				return fprintf(stderr, SB_NAME ": bad --port '%s'\n", v), -1;
		} else if ((v = opt_value("--daily-limit", argc, argv, &i))) {
			if (parse_long(v, 0, 1000000000, &o->daily_limit))
				return fprintf(stderr, SB_NAME ": bad --daily-limit '%s'\n", v), -1;
		} else if ((v = opt_value("--rate-limit", argc, argv, &i))) {
			if (parse_long(v, 0, 1000000000, &o->rate_limit))
				return fprintf(stderr, SB_NAME ": bad --rate-limit '%s'\n", v), -1;
		} else {
			fprintf(stderr, SB_NAME ": unknown or incomplete option '%s'\n", argv[i]);
			return -1;
		}
	}
	if (!o->nseeds) {
		fputs(SB_NAME ": --seed DIR is required\n", stderr);
		return -1;
	}
	return 0;
}

static int write_port_file(const char *path, int port)
{
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	FILE *f = fopen(tmp, "w");
	int rc = -1;

	if (!f)
		goto out;
	fprintf(f, "%d\n", port);
	if (fclose(f) != 0 || rename(tmp, path) != 0)
		goto out;
	rc = 0;
out:
	if (rc)
		fprintf(stderr, SB_NAME ": cannot write '%s': %s\n", path, strerror(errno));
	free(tmp);
	return rc;
}

static void sandbox_init(struct sandbox *sb, const struct opts *o)
{
	memset(sb, 0, sizeof(*sb));
	pthread_mutex_init(&sb->lock, NULL);
	sb->quiet = o->quiet;
	sb->rate_limit = o->rate_limit;
	sb->daily_limit = o->daily_limit;
	sb->token_ttl = 3600;
	sb->meta = crm_meta_new();
	sb->faults = faults_new();
	sb->list_wall = 100000;
	sb->bulk = bulk_new();
	sb->refreshes = json_object();
	sb->crm_views = json_object();
	sb->fin_cf = json_object();
	sb->secret = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
}

static void sandbox_release(struct sandbox *sb)
{
	store_free(sb->st);
	crm_meta_free(sb->meta);
	faults_free(sb->faults);
	bulk_free(sb->bulk);
	json_decref(sb->oauth_clients);
	json_decref(sb->refreshes);
	json_decref(sb->crm_org);
	json_decref(sb->crm_views);
	json_decref(sb->fin_org);
	json_decref(sb->fin_cf);
	json_decref(sb->tx_ignored);
	pthread_mutex_destroy(&sb->lock);
}

int64_t sb_now(struct sandbox *sb)
{
	return (int64_t)time(NULL) + sb->clock_offset;
}

static int wait_for_signal(void)
{
	sigset_t set;
	int sig = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	while (sigwait(&set, &sig) != 0)
		;
	return sig;
}

/* finsync's allocator says who ran out; it must not allocate. */
static void report_oom(size_t bytes)
{
	fprintf(stderr, SB_NAME ": out of memory (%zu bytes)\n", bytes);
}

int main(int argc, char **argv)
{
	struct opts o;
	struct sandbox sb;
	struct MHD_Daemon *d = NULL;
	sigset_t set;
	int rc = 2;

	memset(&o, 0, sizeof(o));
	o.daily_limit = 1000000; /* far above any test, so the headers are there as on real Books */
	alloc_init();            /* jansson's values from finsync's pool (util/alloc.c) */
	alloc_set_oom_report(report_oom);
	if (parse_args(&o, argc, argv)) {
		fputs(usage, stderr);
		return 2;
	}
	sandbox_init(&sb, &o);
	sb.port = (int)o.port;
	if (store_open(&sb.st, o.db) || seed_load(&sb, o.seed, o.nseeds)) {
		fprintf(stderr, SB_NAME ": %s\n", err_msg());
		goto out;
	}
	/* Threads started from here on inherit the blocked signals. */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	rc = 1;
	if (server_start(&sb, &d)) {
		fprintf(stderr, SB_NAME ": cannot listen on 127.0.0.1:%d\n", sb.port);
		goto out;
	}
	printf(SB_NAME ": listening on http://127.0.0.1:%d\n", sb.port);
	fflush(stdout);
	if (o.port_file && write_port_file(o.port_file, sb.port))
		goto out;
	wait_for_signal();
	rc = 0;
out:
	server_stop(d);
	sandbox_release(&sb);
	return rc;
}
