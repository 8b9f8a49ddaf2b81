/*
 * plan.c - the figures of `finsync plan`, gathered without writing: the
 * CRM's count API per module (a CSV export's rows, read), the finance
 * app's records walked list page by list page, and the ledger's links.
 * The calls they cost are src/xform/plan_calls.c's arithmetic; the
 * set-up calls every run makes (the organisations, the fields) are added
 * here, where what the job names is known.
 */
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/crm.h"
#include "finsync/err.h"
#include "finsync/finclient.h"
#include "finsync/ledger.h"
#include "finsync/pipeline.h"
#include "finsync/plan.h"
#include "finsync/progress.h"
#include "finsync/staging.h"

struct gather {
	struct pipeline *p;
	struct crm *crm;
	json_t *staged; /* the run's extract manifest: counts from its files, no call; or NULL */
	char *staged_dir;
	json_t *modules; /* module -> records */
	json_t *finance; /* entity -> records */
	json_t *detail;  /* entity -> {kind of call: calls} */
	long crm_calls, fin_calls;
};

/* The records of a module (counted once, however many entities read it) and the calls to read it whole. */
static int count_module(struct gather *g, const char *module, const char *cvid, long *n)
{
	json_t *known = json_object_get(g->modules, module);
	int rc;

	if (known) {
		*n = (long)json_integer_value(known);
		return 0;
	}
	if (g->staged)
		*n = progress_total(g->staged, module) > 0 ? progress_total(g->staged, module) : 0;
	else if ((rc = crm_count(g->crm, module, cvid, n)))
		return rc;
	json_object_set_new(g->modules, module, json_integer(*n));
	/* A CSV export is a local file: no call.  Else the fields, the records, the deleted-records feed. */
	if (!g->p->job->crm_source->from_files)
		g->crm_calls += 1 + plan_crm_read_calls(*n) + 1;
	return 0;
}

static int no_account(json_t *rec)
{
	json_t *acc = json_object_get(rec, "Account_Name");

	return !acc || json_is_null(acc) || (json_is_string(acc) && !*json_string_value(acc));
}

/* The same from the run's staged contacts: a local file. */
static int count_staged_orphans(struct gather *g, long *n)
{
	struct staging_reader *r = NULL;
	json_t *rec;
	int rc;

	if ((rc = staging_reader_open(&r, g->staged_dir, "contacts", 1)) < 0)
		return rc;
	/* A damaged line (FS_EINPUT) is the transform's to report, not the estimate's. */
	while ((rc = staging_read(r, &rec)) == 1 || rc == FS_EINPUT) {
		if (rc == 1)
			*n += no_account(rec);
		if (rc == 1)
			json_decref(rec);
	}
	staging_reader_close(r);
	return rc;
}

/*
 * Contacts without an account: customers of their own
 * (include_orphan_contacts).  The count API cannot ask "no account", so
 * the plan reads the module's Account_Name (list pages; a CSV's rows).
 */
static int count_orphans(struct gather *g, const struct entity_sync *e, long *n)
{
	json_t *fields = json_pack("[s]", "Account_Name"), *rec;
	struct crm_query q = { "Contacts", fields, entity_view(e, "Contacts"), NULL, NULL, NULL };
	struct source *src = NULL;
	int rc;

	*n = 0;
	if (g->staged) {
		json_decref(fields);
		return count_staged_orphans(g, n);
	}
	if (!(rc = crm_read(g->crm, &q, &src)))
		while ((rc = source_next(src, &rec)) == 1) {
			*n += no_account(rec);
			json_decref(rec);
		}
	source_close(src);
	json_decref(fields);
	return rc < 0 ? rc : 0;
}

/* The CRM records an entity syncs (in its views). */
static int count_scope(struct gather *g, const struct entity_sync *e, long *in_scope)
{
	const char *const *m;
	long n, orphans = 0;
	int rc;

	*in_scope = 0;
	for (m = entity_crm_modules(e); *m; m++) {
		if ((rc = count_module(g, *m, entity_view(e, *m), &n)))
			return rc;
		/* Both modules: the accounts are the customers, their contacts persons of them. */
		if (e->kind != ENTITY_CUSTOMERS || e->crm_module != CRM_ACCOUNTS_AND_CONTACTS || strcmp(*m, "Contacts"))
			*in_scope += n;
	}
	if (e->kind == ENTITY_CUSTOMERS && e->crm_module == CRM_ACCOUNTS_AND_CONTACTS && e->include_orphan_contacts) {
		if ((rc = count_orphans(g, e, &orphans)))
			return rc;
		*in_scope += orphans;
	}
	return 0;
}

/* One finance row, as the run's snapshot sees it: linked, a duplicate to be, and read by id or not. */
struct fin_count {
	struct gather *g;
	const struct entity_sync *e;
	struct plan_entity *pe;
};

static int count_row(json_t *row, void *ud)
{
	struct fin_count *c = ud;
	struct ledger *lg = c->g->p->lg;
	const struct job *job = c->g->p->job;
	const char *id = json_string_value(json_object_get(row, entity_finance_id_key(job, c->e->kind)));
	const char *modified = json_string_value(json_object_get(row, "last_modified_time"));
	char *crm_id = NULL;
	int carried, rc = 0;

	c->pe->finance++;
	if (lg && id && (rc = ledger_link_by_finance(lg, c->e->name, id, &crm_id)) != 0) {
		xfree(crm_id);
		return rc < 0 ? rc : 0;
	}
	c->pe->unlinked++;
	fin_row_cf(row, job->crm_id_field, &carried);
	if (!carried && id && lg && modified && (rc = ledger_finance_read_get(lg, c->e->name, id, modified, &crm_id)))
		xfree(crm_id);
	if (rc < 0)
		return rc;
	c->pe->reads += !carried && id && rc == 0;
	return 0;
}

static int count_finance(struct gather *g, const struct entity_sync *e, struct plan_entity *pe)
{
	struct fin_count c = { g, e, pe };
	struct finclient *fin;
	int rc;

	if (g->staged) {
		/* The run's snapshot: its records, those not linked read by id at most. */
		char *name = xasprintf(FINANCE_SNAPSHOT_PREFIX "%s", e->name);
		long n = progress_total(g->staged, name);
		xfree(name);
		pe->finance = n > 0 ? n : 0;
		pe->unlinked = pe->finance > pe->linked ? pe->finance - pe->linked : 0;
		pe->reads = pe->unlinked;
		return 0;
	}
	if ((rc = pipeline_finclient(g->p, &fin)))
		return rc;
	return finclient_list(fin, e->kind, count_row, &c);
}

static json_t *entity_detail(const struct plan_entity *pe)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "lists", (json_int_t)pe->list_calls, "reads_by_id",
			 (json_int_t)pe->reads, "creates", (json_int_t)pe->creates, "updates", (json_int_t)pe->updates,
			 "persons", (json_int_t)pe->person_calls, "in_scope", (json_int_t)pe->in_scope);
}

static int plan_entity(struct gather *g, const struct entity_sync *e)
{
	struct ledger *lg = g->p->lg;
	struct plan_entity pe = { 0 };
	int rc;

	pe.on_duplicate = e->on_duplicate;
	if ((rc = count_scope(g, e, &pe.in_scope)))
		return rc;
	pe.linked = lg ? ledger_linked_count(lg, e->name) : 0;
	pe.skipped = lg ? ledger_skipped_count(lg, e->name) : 0;
	if (e->kind == ENTITY_CUSTOMERS && lg)
		pe.persons = ledger_person_links_count(lg);
	if (pe.linked < 0 || pe.skipped < 0 || pe.persons < 0)
		return FS_EABORT;
	if ((rc = count_finance(g, e, &pe)))
		return rc;
	g->fin_calls += plan_entity_calls(&pe);
	json_object_set_new(g->finance, e->name, json_integer(pe.finance));
	json_object_set_new(g->detail, e->name, entity_detail(&pe));
	return 0;
}

/* Deals: the module read whole, and a transaction made for each deal not made one yet (at most). */
static int plan_deals(struct gather *g)
{
	long n, made = g->p->lg ? ledger_deal_links_count(g->p->lg) : 0;
	int rc;

	if (!g->p->job->deals.enabled)
		return 0;
	if (made < 0)
		return FS_EABORT;
	if ((rc = count_module(g, "Deals",
			       g->p->job->deals.views
				       ? json_string_value(json_object_get(g->p->job->deals.views, "Deals"))
				       : NULL,
			       &n)))
		return rc;
	g->fin_calls += n > made ? n - made : 0;
	json_object_set_new(g->detail, "deals",
			    json_pack("{s:I}", "transactions", (json_int_t)(n > made ? n - made : 0)));
	return 0;
}

/* What every run asks before it writes: both organisations (currency), the finance custom fields per list. */
static void setup_calls(struct gather *g)
{
	const struct job *job = g->p->job;
	int contacts = job->entities[ENTITY_CUSTOMERS].enabled || job->entities[ENTITY_VENDORS].enabled;

	g->crm_calls += job->crm_source->has_org;
	g->fin_calls += 1 + contacts + job->entities[ENTITY_ITEMS].enabled;
}

static json_t *num_or_null(double v)
{
	return v < 0 ? json_null() : json_real(v);
}

static json_t *plan_object(struct gather *g)
{
	const struct job *job = g->p->job;
	double hours =
		plan_hours(g->crm_calls, job->crm.requests_per_minute, g->fin_calls, job->fin.requests_per_minute);
	/* the job's own budget, else the documented limit of the plan it names */
	double days = plan_days(g->crm_calls, job->crm.daily_budget, g->fin_calls,
				job->fin.daily_budget ? job->fin.daily_budget : job->fin.plan_calls_a_day);

	return json_pack("{s:O, s:O, s:{s:I, s:I}, s:o, s:o, s:O}", "modules", g->modules, "finance", g->finance,
			 "calls", "crm", (json_int_t)g->crm_calls, "finance", (json_int_t)g->fin_calls, "hours",
			 num_or_null(hours), "days", num_or_null(days), "detail", g->detail);
}

int plan_make(struct pipeline *p, json_t *staged, json_t **out)
{
	struct gather g = { p, NULL, staged, NULL, json_object(), json_object(), json_object(), 0, 0 };
	int i, rc = 0;

	*out = NULL;
	if (staged)
		g.staged_dir = staging_dir(p->job->state_dir, p->run_id, "extract");
	else if ((rc = crm_open(&g.crm, p->job)))
		goto out;
	setup_calls(&g);
	for (i = 0; i < ENTITY_COUNT && !rc; i++)
		if (p->job->entities[i].enabled)
			rc = plan_entity(&g, &p->job->entities[i]);
	if (!rc && !(rc = plan_deals(&g)))
		*out = plan_object(&g);
out:
	crm_close(g.crm);
	xfree(g.staged_dir);
	json_decref(g.modules);
	json_decref(g.finance);
	json_decref(g.detail);
	return rc;
}
