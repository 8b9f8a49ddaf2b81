/*
 * unlink.c - `finsync unlink JOB --keep all|with-transactions [--yes]`:
 * the job lets go of what it linked (docs/design.md "Command line").
 *
 *   --keep all                drops every link (customers, vendors, items,
 *                             deals); every finance record stays.
 *   --keep with-transactions  first deletes from the finance app the
 *                             customers and items finsync created from the
 *                             CRM (links of origin crm whose record the
 *                             ledger saw created: a record finsync found in
 *                             the app and linked stays), except those with
 *                             transactions (the app refuses: they are kept),
 *                             then drops every link.
 *
 * Without --yes it only says what it would do and exits 0.  With it, the
 * work is a run in the ledger (stages "unlink") whose events say what was
 * unlinked, deleted or kept; intents, summary hashes and watermarks go with
 * the links, so a later run reads the whole CRM and matches it afresh.  A
 * record the app failed to delete keeps its link (exit 1), so the command
 * can be run again.
 */
#include <stdio.h>
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/cmd.h"
#include "finsync/err.h"
#include "finsync/finclient.h"
#include "finsync/job.h"
#include "finsync/ledger.h"
#include "finsync/lock.h"
#include "finsync/log.h"
#include "../stage/units.h"

struct unlink_opts {
	const char *job_path;
	const char *keep;      /* --keep */
	int with_transactions; /* --keep with-transactions */
	int yes;
};

static const char *const keep_values[] = { "all", "with-transactions", NULL };

const struct option_spec unlink_options[] = {
	OPT_CHOICE(struct unlink_opts, keep, "keep", "all|with-transactions", keep_values,
		   "all: keep every finance record: only the links go;\n"
		   "with-transactions: delete the customers and items that\n"
		   "came from the CRM, except those with transactions\n"
		   "(kept), then drop the links"),
	OPT_FLAG(struct unlink_opts, yes, "yes", 0, "do it (without: print what would be done, change nothing)"),
	OPT_END,
};

struct unlink {
	struct unlink_opts o;
	struct job *job;
	struct ledger *lg;
	struct lock *lock;
	struct finclient *fin;
	long run_id;
	json_t *doomed; /* [{entity, crm_id, finance_id, name}] to delete */
	long deleted, kept, failed;
};

/* 1 when --help was shown, 0 to go on, <0 usage error. */
static int parse_args(struct unlink_opts *o, int argc, char **argv)
{
	int rc;

	if ((rc = cmd_parse(argc, argv, o)))
		return rc;
	if (!o->keep)
		return fail(FS_EUSAGE, "--keep is required: all (keep every finance record) or with-transactions "
				       "(delete what finsync created that has no transactions)");
	o->with_transactions = !strcmp(o->keep, "with-transactions");
	o->job_path = argv[1];
	return 0;
}

/* ---- what there is ---- */

/* The links of every unit that keeps them (the unit table, src/stage/units.c). */
static int count_links(struct unlink *u, long *total)
{
	char line[256] = "";
	size_t i;

	*total = 0;
	for (i = 0; sync_units[i]; i++) {
		const struct sync_unit *su = sync_units[i];
		long n;
		if (!su->has_links)
			continue;
		if ((n = ledger_links_count(u->lg, su->name)) < 0)
			return fail(FS_EABORT, "ledger: cannot count the %s links", su->name);
		*total += n;
		snprintf(line + strlen(line), sizeof(line) - strlen(line), "%s%s %ld", *line ? ", " : "", su->name, n);
	}
	printf("job '%s' has %ld links (%s)\n", u->job->name, *total, line);
	return 0;
}

static int collect_link(const struct link *l, void *ud)
{
	json_t *set = ud;

	json_object_set_new(set, l->finance_id,
			    json_pack("{s:s, s:s, s:s}", "entity", l->entity, "crm_id", l->crm_id, "finance_id",
				      l->finance_id));
	return 0;
}

struct named {
	json_t *set; /* finance id -> candidate */
	const char *name_key;
	const char *id_key;
};

static int name_row(json_t *row, void *ud)
{
	struct named *n = ud;
	json_t *id = json_object_get(row, n->id_key), *cand;
	const char *name = json_string_value(json_object_get(row, n->name_key));

	if (json_is_string(id) && (cand = json_object_get(n->set, json_string_value(id))))
		json_object_set_new(cand, "name", json_string(name ? name : ""));
	return 0;
}

/* The entity row of a doomed record (customers or items: find_doomed's). */
static const struct entity_def *doomed_def(json_t *c)
{
	return entity_def_find(json_string_value(json_object_get(c, "entity")));
}

/*
 * The customers and items finsync created from the CRM (not those it found
 * in the app and linked), with their names from the app's lists; those the
 * app no longer has are only unlinked.
 */
static int find_doomed(struct unlink *u)
{
	static const enum entity_kind kinds[] = { ENTITY_CUSTOMERS, ENTITY_ITEMS };
	size_t k;
	int rc = 0;

	u->doomed = json_array();
	for (k = 0; k < 2 && !rc; k++) {
		const char *entity = entity_kind_name(kinds[k]);
		struct named n = { json_object(), NULL, NULL };
		const char *fid;
		json_t *cand;
		n.name_key = entity_finance_name_key(u->job, kinds[k]);
		n.id_key = entity_finance_id_key(u->job, kinds[k]);
		if (!(rc = ledger_links_each(u->lg, entity, 1, collect_link, n.set)) && json_object_size(n.set))
			rc = finclient_list(u->fin, kinds[k], name_row, &n);
		json_object_foreach(n.set, fid, cand)
			if (json_object_get(cand, "name"))
				json_array_append(u->doomed, cand);
		json_decref(n.set);
	}
	return rc;
}

static void print_doomed(struct unlink *u, long links)
{
	json_t *c;
	size_t i;

	if (!json_array_size(u->doomed)) {
		printf("no record finsync created from the CRM is left in %s to delete; %sall %ld links are dropped\n",
		       u->job->app->label, u->o.yes ? "" : "with --yes, ", links);
		return;
	}
	printf("%s %zu records finsync created from the CRM are deleted from %s, except those with transactions:\n",
	       u->o.yes ? "these" : "with --yes, these", json_array_size(u->doomed), u->job->app->label);
	json_array_foreach(u->doomed, i, c)
		printf("  %s %s '%s' (crm id %s)\n", doomed_def(c)->noun,
		       json_string_value(json_object_get(c, "finance_id")),
		       json_string_value(json_object_get(c, "name")), json_string_value(json_object_get(c, "crm_id")));
	printf("then all %ld links are dropped; every other finance record is kept\n", links);
}

/* ---- doing it ---- */

/*
 * The app's "it has transactions", by its code (contacts 3000, items 2049),
 * never by the wording of its message: another refusal fails, link kept.
 */
static int has_transactions(const struct fin_outcome *o)
{
	return o->code == 3000 || o->code == 2049;
}

static int settle_delete(struct unlink *u, json_t *c, const struct fin_outcome *o)
{
	const char *entity = json_string_value(json_object_get(c, "entity"));
	const char *crm_id = json_string_value(json_object_get(c, "crm_id"));
	const char *fid = json_string_value(json_object_get(c, "finance_id"));
	const char *what = entity_def_find(entity)->noun;
	const char *label = u->job->app->label, *action;
	char *reason;
	int rc, drop = 1;

	if (o->ok || o->status == 404 || o->code == 1002 || o->code == 2006) {
		action = "delete";
		reason = xasprintf("%s %s deleted from %s by finsync unlink%s; link dropped", what, fid, label,
				   o->ok ? "" : " (it was already gone)");
		u->deleted++;
	} else if (has_transactions(o)) {
		action = "unlink";
		reason = xasprintf("kept in %s: it has transactions (code %ld: %s); link dropped", label, o->code,
				   o->message);
		u->kept++;
	} else {
		action = "failed";
		reason = xasprintf("%s refused to delete %s %s (HTTP %ld, code %ld): %s; link kept", label, what, fid,
				   o->status, o->code, o->message);
		u->failed++;
		drop = 0;
		json_object_set_new(c, "failed", json_true());
	}
	printf("%s %s %s '%s'%s\n",
	       !strcmp(action, "delete") ? "deleted"
	       : !strcmp(action, "unlink")
		       ? "kept"
		       : "FAILED to delete",
	       what, fid, json_string_value(json_object_get(c, "name")),
	       !strcmp(action, "unlink") ? " (it has transactions)" : "");
	if (!drop)
		log_warn("%s", reason);
	if ((rc = ledger_begin(u->lg)))
		goto out;
	if ((rc = ledger_event_add(u->lg, u->run_id, entity, NULL, crm_id, fid, action, "ledger", reason)) ||
	    (rc = drop ? ledger_link_delete(u->lg, entity, crm_id) : 0)) {
		ledger_rollback(u->lg);
		goto out;
	}
	rc = ledger_commit(u->lg);
out:
	xfree(reason);
	return rc;
}

static int delete_doomed(struct unlink *u)
{
	json_t *c;
	size_t i;
	int rc = 0;

	json_array_foreach(u->doomed, i, c) {
		struct fin_outcome o;
		const char *entity = json_string_value(json_object_get(c, "entity"));
		rc = finclient_delete(u->fin, entity_def_find(entity)->kind,
				      json_string_value(json_object_get(c, "finance_id")), &o);
		if (!rc)
			rc = settle_delete(u, c, &o);
		fin_outcome_release(&o);
		if (rc)
			break;
	}
	return rc;
}

/* The links the app failed to delete a record of stay; the rest go. */
static int drop_links(struct unlink *u, long *dropped)
{
	const char *reason =
		u->o.with_transactions
			? "link dropped by finsync unlink --keep with-transactions; the finance record is kept"
			: "link dropped by finsync unlink --keep all; the finance record is kept";
	int rc;

	if ((rc = ledger_begin(u->lg)))
		return rc;
	if ((rc = ledger_unlink_links(u->lg, u->run_id, reason, dropped))) {
		ledger_rollback(u->lg);
		return rc;
	}
	return ledger_commit(u->lg);
}

static int keep_failed(struct unlink *u)
{
	json_t *c;
	size_t i;
	int rc = 0;

	/* A failed deletion left its link in place above; keep it through the bulk drop too. */
	json_array_foreach(u->doomed, i, c)
		if (json_is_true(json_object_get(c, "failed")) &&
		    (rc = ledger_unlink_keep(u->lg, json_string_value(json_object_get(c, "entity")),
					     json_string_value(json_object_get(c, "crm_id")))))
			break;
	return rc;
}

static int do_unlink(struct unlink *u)
{
	long dropped = 0;
	int rc, frc;

	if ((rc = ledger_run_start(u->lg, u->job->name, "unlink", &u->run_id)))
		return rc;
	cmd_note_run(u->job->state_dir, u->run_id); /* runs.exit_code, from main() */
	log_set_run(u->run_id);
	if (u->o.with_transactions && (rc = delete_doomed(u)))
		goto out;
	if (!(rc = keep_failed(u)) && !(rc = drop_links(u, &dropped)))
		printf("unlink: %ld deleted, %ld kept (with transactions), %ld failed; %ld more links dropped\n",
		       u->deleted, u->kept, u->failed, dropped);
out:
	frc = ledger_run_finish(u->lg, u->run_id, rc ? "aborted" : u->failed ? "partial" : "ok", rc ? err_msg() : NULL);
	cmd_records_failed = u->failed;
	return rc ? rc : frc;
}

int cmd_unlink(int argc, char **argv)
{
	struct unlink u = { 0 };
	long links = 0;
	int rc;

	if ((rc = parse_args(&u.o, argc, argv)))
		return rc > 0 ? 0 : rc;
	if ((rc = job_load(&u.job, u.o.job_path)) || (rc = lock_acquire(&u.lock, u.job->state_dir)) ||
	    (rc = ledger_open(&u.lg, u.job->state_dir)) ||
	    (rc = ledger_job_check(u.lg, u.job->name, u.job->state_dir, 1)) || (rc = count_links(&u, &links)))
		goto out;
	if (u.o.with_transactions) {
		if ((rc = finclient_open(&u.fin, u.job)) || (rc = find_doomed(&u)))
			goto out;
		print_doomed(&u, links);
	} else {
		printf("%severy link is dropped; every finance record is kept\n", u.o.yes ? "" : "with --yes, ");
	}
	if (!u.o.yes) {
		printf("nothing done: run 'finsync unlink %s --keep %s --yes' to do it\n", u.o.job_path,
		       u.o.with_transactions ? "with-transactions" : "all");
		goto out;
	}
	rc = do_unlink(&u);
out:
	json_decref(u.doomed);
	finclient_close(u.fin);
	ledger_close(u.lg);
	lock_release(u.lock);
	job_free(u.job);
	return rc;
}
