/*
 * test_decisions.c - review decisions: the ledger's v3 decisions table (a v2
 * ledger migrated in place, put/get, the ids an incremental run reads
 * again) and the identity ladder's review rung (link, create, skip; a link
 * that cannot be followed).
 */
#include <sqlite3.h>
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/ledger.h"
#include "../../src/xform/xform.h"
#include "xform_test.h"
#include "ledger_test.h"
#include "unit.h"

static void put(struct ledger *lg, const char *crm_id, const char *module, const char *decision, const char *finance_id)
{
	struct decision d = { 0 };

	d.entity = (char *)"customers";
	d.crm_id = (char *)crm_id;
	d.crm_module = (char *)module;
	d.decision = (char *)decision;
	d.finance_id = (char *)finance_id;
	CHECK(ledger_decision_put(lg, &d) == 0);
}

static void link_put(struct ledger *lg, const char *crm_id, const char *finance_id)
{
	struct link l = { 0 };

	l.entity = (char *)"customers";
	l.crm_id = (char *)crm_id;
	l.finance_id = (char *)finance_id;
	CHECK(ledger_link_put(lg, &l) == 0);
}

/*
 * A v2 ledger (as the release before review wrote it: v3 only adds the
 * decisions table) is migrated in place and keeps its rows.
 */
static void test_ledger__migrates_v2(void)
{
	const char *dir = unit_tmpdir();
	char *path = xasprintf("%s/ledger.sqlite", dir);
	struct ledger *lg = NULL;
	struct decision d;
	struct link l;
	sqlite3 *db;

	CHECK(ledger_open(&lg, dir) == 0);
	if (lg)
		link_put(lg, "c1", "f1");
	ledger_close(lg);
	lg = NULL;
	CHECK(sqlite3_open(path, &db) == SQLITE_OK);
	CHECK(sqlite3_exec(db, "DROP TABLE decisions; PRAGMA user_version = 2;", NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(db);
	CHECK_INTEQ(ledger_query_int(dir, "PRAGMA user_version"), 2);

	CHECK(ledger_open(&lg, dir) == 0);
	CHECK_INTEQ(
		ledger_query_int(dir, "PRAGMA user_version"),
		12); /* v3, v4 (deals, summaries), v5 (an index), v6 (person_links), v7 (mappings), v8 (finance reads), v9 (runs.exit_code, dry_run),
						    v10 (deal money, sales orders), v11 (transaction_links), v12 (run calls, reconciles) */
	if (lg) {
		char *fp = NULL;
		CHECK(ledger_mapping_get(lg, "customers", &fp) == 0);
		CHECK(ledger_mapping_put(lg, "customers", "abc", 1) == 0);
		CHECK(ledger_mapping_get(lg, "customers", &fp) == 1);
		CHECK_STREQ(fp, "abc");
		xfree(fp);
		CHECK(ledger_link_get(lg, "customers", "c1", &l) == 1);
		CHECK_STREQ(l.finance_id, "f1");
		link_release(&l);
		CHECK(ledger_decision_get(lg, "customers", "c2", &d) == 0);
		put(lg, "c2", "Accounts", "skip", NULL);
		CHECK(ledger_decision_get(lg, "customers", "c2", &d) == 1);
		CHECK_STREQ(d.decision, "skip");
		CHECK(d.finance_id == NULL);
		CHECK(d.decided_at && strlen(d.decided_at) == 20);
		decision_release(&d);
	}
	ledger_close(lg);
	xfree(path);
}

/* A newer decision replaces the older; link and create wait to be read until linked. */
static void test_ledger__decisions(void)
{
	struct ledger *lg = NULL;
	struct decision d;
	json_t *ids;
	char *text;

	CHECK(ledger_open(&lg, unit_tmpdir()) == 0);
	if (!lg)
		return;
	put(lg, "c1", "Accounts", "create", NULL);
	put(lg, "c1", "Accounts", "link", "f9");
	put(lg, "c2", "Accounts", "create", NULL);
	put(lg, "c3", "Accounts", "skip", NULL);
	put(lg, "c4", "Contacts", "create", NULL);
	CHECK(ledger_decision_get(lg, "customers", "c1", &d) == 1);
	CHECK_STREQ(d.decision, "link");
	CHECK_STREQ(d.finance_id, "f9");
	CHECK_STREQ(d.crm_module, "Accounts");
	decision_release(&d);
	CHECK(ledger_decision_ids(lg, "customers", "Accounts", &ids) == 0);
	text = tdump(ids);
	CHECK_STREQ(text, "[\"c1\",\"c2\"]");
	xfree(text);
	json_decref(ids);
	link_put(lg, "c1", "f9");
	CHECK(ledger_decision_ids(lg, "customers", "Accounts", &ids) == 0);
	text = tdump(ids);
	CHECK_STREQ(text, "[\"c2\"]");
	xfree(text);
	json_decref(ids);
	/* A link decision without its finance id is refused by the table. */
	{
		struct decision bad = { 0 };
		bad.entity = (char *)"customers";
		bad.crm_id = (char *)"c5";
		bad.decision = (char *)"link";
		CHECK(ledger_decision_put(lg, &bad) == FS_EABORT);
	}
	ledger_close(lg);
}

static const char books_rows[] =
	"[{\"contact_id\":\"F1\",\"contact_name\":\"Acme Ltd\"},"
	" {\"contact_id\":\"F2\",\"contact_name\":\"Acme Ltd\"},"
	" {\"contact_id\":\"F3\",\"contact_name\":\"Beta\"}]";

struct fixture {
	struct job job;
	struct ledger *lg;
	struct fin_index *ix;
	struct plan pl;
};

static void fx_init(struct fixture *f, const char *dup)
{
	json_t *a = json_loads(books_rows, 0, NULL), *row;
	char *sync = xasprintf("{\"customers\":{\"on_duplicate\":\"%s\"}}", dup);
	size_t i;

	memset(f, 0, sizeof(*f));
	tjob_init(&f->job, "zoho-books", sync);
	CHECK(ledger_open(&f->lg, unit_tmpdir()) == 0);
	f->ix = fin_index_new(&f->job);
	json_array_foreach(a, i, row)
		CHECK(fin_index_add(f->ix, ENTITY_CUSTOMERS, row) == 0);
	json_decref(a);
	xfree(sync);
}

static void fx_release(struct fixture *f)
{
	plan_release(&f->pl);
	fin_index_free(f->ix);
	ledger_close(f->lg);
	tjob_release(&f->job);
}

static struct plan *fx_plan(struct fixture *f, const char *crm_id, const char *name)
{
	struct dedupe_input in = { ENTITY_CUSTOMERS, crm_id, name, NULL, NULL };

	plan_release(&f->pl);
	CHECK(dedupe_plan(f->ix, f->lg, job_entity(&f->job, "customers"), &in, &f->pl) == 0);
	return &f->pl;
}

/* Without a decision: ambiguous; with one, it is followed with match "review". */
static void test_dedupe__review_link(void)
{
	struct fixture f;
	struct plan *pl;

	fx_init(&f, "skip");
	pl = fx_plan(&f, "C1", "Acme Ltd");
	CHECK_STREQ(pl->action, "ambiguous");
	put(f.lg, "C1", "Accounts", "link", "F2");
	pl = fx_plan(&f, "C1", "Acme Ltd");
	CHECK_STREQ(pl->action, "update");
	CHECK_STREQ(pl->match, "review");
	CHECK_STREQ(pl->finance_id, "F2");
	CHECK(!pl->duplicate);
	CHECK(pl->reason && !strncmp(pl->reason, "linked by review on 20", 22));
	/* The ledger link, once there, comes first. */
	link_put(f.lg, "C1", "F2");
	pl = fx_plan(&f, "C1", "Acme Ltd");
	CHECK_STREQ(pl->match, "ledger");
	fx_release(&f);
}

/* A link to a record that is gone, or held by another CRM record, is listed again. */
static void test_dedupe__review_link_refused(void)
{
	struct fixture f;
	struct plan *pl;

	fx_init(&f, "skip");
	put(f.lg, "C1", "Accounts", "link", "F404");
	pl = fx_plan(&f, "C1", "Acme Ltd");
	CHECK_STREQ(pl->action, "skip");
	CHECK_STREQ(pl->match, "review");
	CHECK(pl->duplicate);
	CHECK(pl->reason && strstr(pl->reason, "F404, which no longer exists"));
	link_put(f.lg, "C8", "F3");
	put(f.lg, "C2", "Accounts", "link", "F3");
	pl = fx_plan(&f, "C2", "Beta");
	CHECK_STREQ(pl->action, "skip");
	CHECK(pl->duplicate);
	CHECK(pl->reason && strstr(pl->reason, "linked to CRM record C8"));
	fx_release(&f);
}

static void test_dedupe__review_create_and_skip(void)
{
	struct fixture f;
	struct plan *pl;

	fx_init(&f, "skip");
	put(f.lg, "C3", "Accounts", "create", NULL);
	put(f.lg, "C4", "Accounts", "skip", NULL);
	pl = fx_plan(&f, "C3", "Beta");
	CHECK_STREQ(pl->action, "create");
	CHECK_STREQ(pl->match, "review");
	CHECK_STREQ(pl->name, "Beta (2)");
	CHECK(!pl->duplicate);
	CHECK(pl->reason && strstr(pl->reason, "created by review on ") && strstr(pl->reason, "as 'Beta (2)'"));
	pl = fx_plan(&f, "C4", "Beta");
	CHECK_STREQ(pl->action, "skip");
	CHECK_STREQ(pl->match, "review");
	CHECK(!pl->duplicate);
	CHECK(pl->reason && !strncmp(pl->reason, "skipped by review on 20", 23) && strlen(pl->reason) == 31);
	fx_release(&f);
}

static const struct unit_test decision_tests[] = {
	UNIT(test_ledger__migrates_v2),
	UNIT(test_ledger__decisions),
	UNIT(test_dedupe__review_link),
	UNIT(test_dedupe__review_link_refused),
	UNIT(test_dedupe__review_create_and_skip),
	{ 0 },
};
UNIT_SUITE(decision_tests)
