/*
 * reconcile.c - `finsync reconcile JOB`: after an import, do both sides
 * agree?  Per entity, the CRM records in scope, the ledger's links and the
 * finance records carrying a CRM id are set against each other, and every
 * record amiss is named: missing (in scope, no live finance record),
 * orphaned (a finance record carrying a CRM id no link pairs with it),
 * doubled (a CRM id on more than one finance record) and drifted (linked,
 * changed in the app since finsync wrote it).  Exit 1 when any.  It reads
 * both sides and writes nothing to them; the ledger keeps the summary for
 * the history report.  The comparison itself is SQL (src/ledger/reconcile.c),
 * so that a million records stay flat in memory.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>
#include "finsync/alloc.h"
#include "finsync/cmd.h"
#include "finsync/crm.h"
#include "finsync/csvout.h"
#include "finsync/err.h"
#include "finsync/finclient.h"
#include "finsync/job.h"
#include "finsync/ledger.h"
#include "finsync/log.h"
#include "finsync/outfile.h"
#include "finsync/timeutil.h"

/* Seconds the app's clock may run ahead of ours and a change still be our own write. */
#define CLOCK_SKEW 60

struct reconcile_opts {
	const char *format;
	const char *output;
};

static const char *const formats[] = { "table", "csv", "json", NULL };
static const char *const kind_names[RECONCILE_KINDS] = { "missing", "orphaned", "doubled", "drifted" };

const struct option_spec reconcile_options[] = {
	OPT_CHOICE(struct reconcile_opts, format, "format", "F", formats,
		   "table (default), csv (one row per record amiss) or json: one object"),
	OPT_STRING(struct reconcile_opts, output, "output", 'o', "FILE",
		   "write FILE (replaced whole, atomically) instead of stdout"),
	OPT_END,
};

struct rec {
	struct job *job;
	struct ledger *lg;
	struct crm *crm;
	struct finclient *fin;
	const struct entity_sync *e;
	long read_by_id;
};

/* The records of one module into the scope; Contacts of accounts_and_contacts only without an account. */
static int scope_module(struct rec *r, const char *module, int orphans_only)
{
	json_t *fields = json_pack("[s]", orphans_only ? "Account_Name" : "Modified_Time"), *rec;
	/* the state folder takes a Bulk Read's download past the list API's wall */
	struct crm_query q = { module, fields, entity_view(r->e, module), NULL, NULL, r->job->state_dir };
	struct source *src = NULL;
	int rc;

	if (!(rc = crm_read(r->crm, &q, &src)))
		while ((rc = source_next(src, &rec)) == 1) {
			json_t *acc = json_object_get(rec, "Account_Name");
			const char *id = json_string_value(json_object_get(rec, "id"));
			int take = !orphans_only || !acc || json_is_null(acc) ||
				   (json_is_string(acc) && !*json_string_value(acc));
			if (id && take)
				rc = ledger_reconcile_crm(r->lg, id);
			json_decref(rec);
			if (rc < 0)
				break;
		}
	source_close(src);
	json_decref(fields);
	return rc < 0 ? rc : 0;
}

static int fill_scope(struct rec *r)
{
	const struct entity_sync *e = r->e;
	const char *const *m;
	int both = e->kind == ENTITY_CUSTOMERS && e->crm_module == CRM_ACCOUNTS_AND_CONTACTS, rc;

	for (m = entity_crm_modules(e); *m; m++) {
		int contacts = both && !strcmp(*m, "Contacts");
		if (contacts && !e->include_orphan_contacts)
			continue;
		if ((rc = scope_module(r, *m, contacts)))
			return rc;
	}
	return 0;
}

/*
 * The CRM id a finance record carries: on its row when the row has custom
 * fields; else the one finsync wrote to it (its link); else as the ledger
 * read it at this very version; else read by id (Zoho's list rows carry no
 * custom fields).  *crm_id new, NULL when it carries none.
 */
static int carried_id(struct rec *r, json_t *row, const char *id, const char *modified, char **crm_id)
{
	json_t *full = NULL, *v;
	int carried, rc;

	*crm_id = NULL;
	v = fin_row_cf(row, r->job->crm_id_field, &carried);
	if (carried) {
		*crm_id = json_is_string(v) && *json_string_value(v) ? xstrdup(json_string_value(v)) : NULL;
		return 0;
	}
	if ((rc = ledger_link_by_finance(r->lg, r->e->name, id, crm_id)) != 0)
		return rc < 0 ? rc : 0;
	if (modified && (rc = ledger_finance_read_get(r->lg, r->e->name, id, modified, crm_id)) != 0)
		return rc < 0 ? rc : 0;
	if ((rc = finclient_read(r->fin, r->e->kind, id, &full)) != 1)
		return rc; /* 0: deleted since the list was read: carries nothing */
	r->read_by_id++;
	v = fin_row_cf(full, r->job->crm_id_field, &carried);
	if (json_is_string(v) && *json_string_value(v))
		*crm_id = xstrdup(json_string_value(v));
	json_decref(full);
	return 0;
}

static int fin_row(json_t *row, void *ud)
{
	struct rec *r = ud;
	const char *id = json_string_value(json_object_get(row, entity_finance_id_key(r->job, r->e->kind)));
	const char *modified = json_string_value(json_object_get(row, "last_modified_time"));
	char *crm_id = NULL;
	time_t t;
	int rc;

	if (!id)
		return 0;
	if ((rc = carried_id(r, row, id, modified, &crm_id)))
		return rc;
	rc = ledger_reconcile_fin(r->lg, id, crm_id, modified && !time_parse_iso(modified, &t) ? (long long)t : -1);
	xfree(crm_id);
	return rc;
}

static int add_id(const char *crm_id, const char *finance_id, void *ud)
{
	(void)finance_id;
	json_array_append_new(ud, json_string(crm_id ? crm_id : ""));
	return 0;
}

static int add_id_fin(const char *crm_id, const char *finance_id, void *ud)
{
	(void)crm_id;
	json_array_append_new(ud, json_string(finance_id ? finance_id : ""));
	return 0;
}

/* {"in_scope", "linked", "missing": [crm ids], "orphaned": [finance ids], "doubled": [crm ids], "drifted": [crm ids]} */
static int entity_result(struct rec *r, json_t **out)
{
	long in_scope, linked;
	int k, rc;

	*out = NULL;
	if ((rc = ledger_reconcile_counts(r->lg, r->e->name, &in_scope, &linked)))
		return rc;
	*out = json_pack("{s:I, s:I}", "in_scope", (json_int_t)in_scope, "linked", (json_int_t)linked);
	for (k = 0; k < RECONCILE_KINDS && !rc; k++) {
		json_t *list = json_array();
		json_object_set_new(*out, kind_names[k], list);
		/* An orphan is named by its finance id: it has no CRM record of ours. */
		rc = k == RECONCILE_ORPHANED
			     ? ledger_reconcile_each(r->lg, r->e->name, k, CLOCK_SKEW, add_id_fin, list)
			     : ledger_reconcile_each(r->lg, r->e->name, k, CLOCK_SKEW, add_id, list);
	}
	return rc;
}

/* One entity: both sides into the work tables (one read snapshot of the ledger), then compared. */
static int reconcile_entity(struct rec *r, json_t **out)
{
	int rc;

	*out = NULL;
	r->read_by_id = 0;
	if ((rc = ledger_reconcile_reset(r->lg)) || (rc = ledger_read_begin(r->lg)))
		return rc;
	if (!(rc = fill_scope(r)))
		rc = finclient_list(r->fin, r->e->kind, fin_row, r);
	if (!rc)
		rc = entity_result(r, out);
	if (rc) {
		ledger_rollback(r->lg);
		return rc;
	}
	log_info("%s: compared (%ld finance records read by id for the CRM id they carry)", r->e->name, r->read_by_id);
	return ledger_read_end(r->lg);
}

/* The records amiss: the lengths of the lists. */
static long off_count(json_t *result, json_t *summary)
{
	const char *name;
	json_t *ent;
	long off = 0;
	int k;

	json_object_foreach(result, name, ent) {
		json_t *s = json_pack("{s:O, s:O}", "in_scope", json_object_get(ent, "in_scope"), "linked",
				      json_object_get(ent, "linked"));
		for (k = 0; k < RECONCILE_KINDS; k++) {
			size_t n = json_array_size(json_object_get(ent, kind_names[k]));
			json_object_set_new(s, kind_names[k], json_integer((json_int_t)n));
			off += (long)n;
		}
		json_object_set_new(summary, name, s);
	}
	return off;
}

static int print_csv(FILE *fp, json_t *result)
{
	struct csvout csv;
	const char *name;
	json_t *ent, *v;
	size_t i;
	int k, rc;

	csvout_init(&csv, fp);
	rc = csvout_cell(&csv, "entity") || csvout_cell(&csv, "problem") || csvout_cell(&csv, "crm_id") ||
	     csvout_cell(&csv, "finance_id") || csvout_end_row(&csv);
	json_object_foreach(result, name, ent)
		for (k = 0; k < RECONCILE_KINDS && !rc; k++)
			json_array_foreach(json_object_get(ent, kind_names[k]), i, v) {
				const char *id = json_string_value(v);
				rc = csvout_cell(&csv, name) || csvout_cell(&csv, kind_names[k]) ||
				     csvout_cell(&csv, k == RECONCILE_ORPHANED ? NULL : id) ||
				     csvout_cell(&csv, k == RECONCILE_ORPHANED ? id : NULL) || csvout_end_row(&csv);
				if (rc)
					break;
			}
	return rc ? FS_EABORT : 0;
}

static void print_table(FILE *fp, json_t *result, json_t *summary)
{
	const char *name;
	json_t *ent, *v;
	size_t i;
	int k;

	fprintf(fp, "%-10s %10s %10s %8s %8s %8s %8s\n", "entity", "in_scope", "linked", "missing", "orphaned",
		"doubled", "drifted");
	json_object_foreach(summary, name, ent)
		fprintf(fp, "%-10s %10lld %10lld %8lld %8lld %8lld %8lld\n", name,
			(long long)json_integer_value(json_object_get(ent, "in_scope")),
			(long long)json_integer_value(json_object_get(ent, "linked")),
			(long long)json_integer_value(json_object_get(ent, "missing")),
			(long long)json_integer_value(json_object_get(ent, "orphaned")),
			(long long)json_integer_value(json_object_get(ent, "doubled")),
			(long long)json_integer_value(json_object_get(ent, "drifted")));
	json_object_foreach(result, name, ent)
		for (k = 0; k < RECONCILE_KINDS; k++)
			json_array_foreach(json_object_get(ent, kind_names[k]), i, v)
				fprintf(fp, "%s %s: %s %s\n", name, kind_names[k],
					k == RECONCILE_ORPHANED ? "finance record" : "CRM record",
					json_string_value(v));
}

static int print_result(const struct reconcile_opts *o, json_t *result, json_t *summary)
{
	struct outfile out = OUTFILE_INIT;
	int rc;

	if ((rc = outfile_open(&out, o->output)))
		return rc;
	if (o->format && !strcmp(o->format, "json")) {
		json_dumpf(result, out.fp, JSON_INDENT(2));
		putc('\n', out.fp);
	} else if (o->format && !strcmp(o->format, "csv")) {
		rc = print_csv(out.fp, result);
	} else {
		print_table(out.fp, result, summary);
	}
	if (!rc && ferror(out.fp))
		rc = fail(FS_EABORT, "cannot write '%s': %s", out.name, strerror(errno ? errno : EIO));
	if (!rc)
		rc = outfile_finish(&out);
	outfile_abort(&out);
	return rc;
}

static int open_sides(struct rec *r, const char *job_path)
{
	char *path;
	int rc;

	if ((rc = job_load(&r->job, job_path)))
		return rc;
	path = xasprintf("%s/ledger.sqlite", r->job->state_dir);
	if (access(path, F_OK) != 0)
		rc = fail(FS_EUSAGE,
			  "job %s has no ledger in '%s': it has not run yet, so there is nothing to reconcile",
			  r->job->name, r->job->state_dir);
	xfree(path);
	if (rc || (rc = ledger_open(&r->lg, r->job->state_dir)) ||
	    (rc = ledger_job_check(r->lg, r->job->name, r->job->state_dir, 0)) || (rc = crm_open(&r->crm, r->job)))
		return rc;
	return finclient_open(&r->fin, r->job);
}

static int reconcile_all(struct rec *r, json_t *result)
{
	int i, rc = 0;

	for (i = 0; i < ENTITY_COUNT && !rc; i++) {
		json_t *ent;
		if (!r->job->entities[i].enabled)
			continue;
		r->e = &r->job->entities[i];
		log_set_entity(r->e->name);
		if (!(rc = reconcile_entity(r, &ent)))
			json_object_set_new(result, r->e->name, ent);
	}
	log_set_entity(NULL);
	return rc;
}

int cmd_reconcile(int argc, char **argv)
{
	struct reconcile_opts o = { 0 };
	struct rec r = { 0 };
	json_t *result = json_object(), *summary = json_object();
	char *text = NULL;
	long off;
	int rc;

	if ((rc = cmd_parse(argc, argv, &o)))
		goto out;
	if ((rc = open_sides(&r, argv[1])) || (rc = reconcile_all(&r, result)))
		goto out;
	off = off_count(result, summary);
	text = json_dumps(summary, JSON_COMPACT);
	/* The report's own record: written before the output, which may go to a closed pipe. */
	if (!(rc = ledger_reconcile_put(r.lg, text, off)) && !(rc = print_result(&o, result, summary)))
		cmd_records_failed = off;
out:
	xfree(text);
	json_decref(result);
	json_decref(summary);
	finclient_close(r.fin);
	crm_close(r.crm);
	ledger_close(r.lg);
	job_free(r.job);
	return rc > 0 ? 0 : rc;
}
