/*
 * test_dedupe.c - the finance index and the identity ladder: ledger link,
 * CRM id, strong key, name; ambiguity; on_duplicate skip/overwrite/clone;
 * creates planned in the same run; shared contact name space.
 */
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/finclient.h"
#include "finsync/ledger.h"
#include "../../src/xform/xform.h"
#include "xform_test.h"
#include "unit.h"

struct fixture {
	struct job job;
	struct ledger *lg;
	struct fin_index *ix;
	struct plan pl;
};

/* A job, an empty ledger in a fresh directory and an index of rows (JSON array text). */
static void fx_init(struct fixture *f, const char *app, const char *sync, enum entity_kind kind, const char *rows)
{
	json_t *a = json_loads(rows, 0, NULL), *row;
	size_t i;

	memset(f, 0, sizeof(*f));
	tjob_init(&f->job, app, sync);
	CHECK(ledger_open(&f->lg, unit_tmpdir()) == 0);
	f->ix = fin_index_new(&f->job);
	json_array_foreach(a, i, row)
		CHECK(fin_index_add(f->ix,
				    json_object_get(row, "contact_type") &&
						    !strcmp(json_string_value(json_object_get(row, "contact_type")),
							    "vendor")
					    ? ENTITY_VENDORS
					    : kind,
				    row) == 0);
	json_decref(a);
}

static void fx_release(struct fixture *f)
{
	plan_release(&f->pl);
	fin_index_free(f->ix);
	ledger_close(f->lg);
	tjob_release(&f->job);
}

static void fx_link(struct fixture *f, const char *entity, const char *crm_id, const char *fin_id, const char *hash)
{
	struct link l = { 0 };

	l.entity = (char *)entity;
	l.crm_id = (char *)crm_id;
	l.finance_id = (char *)fin_id;
	l.crm_hash = (char *)hash;
	CHECK(ledger_link_put(f->lg, &l) == 0);
}

/* Plans one record (releasing the previous plan). */
static struct plan *fx_plan(struct fixture *f, const char *entity, enum entity_kind kind, const char *crm_id,
			    const char *name, const char *sku, const char *email)
{
	struct dedupe_input in = { kind, crm_id, name, sku, email };

	plan_release(&f->pl);
	CHECK(dedupe_plan(f->ix, f->lg, job_entity(&f->job, entity), &in, &f->pl) == 0);
	return &f->pl;
}

#define CUST(f, id, name) fx_plan(f, "customers", ENTITY_CUSTOMERS, id, name, NULL, NULL)

static const char books_rows[] =
	"[{\"contact_id\":\"F1\",\"contact_name\":\"Acme Ltd\",\"email\":\"Info@Acme.example\"},"
	" {\"contact_id\":\"F2\",\"contact_name\":\"Beta\",\"cf_crm_id\":\"C2\"},"
	" {\"contact_id\":\"F3\",\"contact_name\":\"Gamma\"},"
	" {\"contact_id\":\"F4\",\"contact_name\":\"GAMMA\"},"
	" {\"contact_id\":\"F5\",\"contact_name\":\"Delta\",\"custom_fields\":[{\"api_name\":\"cf_crm_id\",\"value\":\"C9\"}]},"
	" {\"contact_id\":\"V1\",\"contact_name\":\"Parts Co\",\"contact_type\":\"vendor\"}]";

static void test_dedupe__ledger_link(void)
{
	struct fixture f;
	struct plan *pl;

	fx_init(&f, "zoho-books", "{\"customers\":{}}", ENTITY_CUSTOMERS, books_rows);
	fx_link(&f, "customers", "C1", "F1", "00000000000000aa");
	fx_link(&f, "customers", "C7", "F99", "00000000000000bb");
	pl = CUST(&f, "C1", "Acme Ltd");
	CHECK_STREQ(pl->action, "update");
	CHECK_STREQ(pl->match, "ledger");
	CHECK_STREQ(pl->finance_id, "F1");
	CHECK(!pl->duplicate && !pl->reason);
	plan_settle(pl, "00000000000000aa");
	CHECK_STREQ(pl->action, "unchanged");
	pl = CUST(&f, "C7", "Omega");
	CHECK_STREQ(pl->action, "create");
	CHECK(pl->finance_id == NULL);
	CHECK(pl->reason && strstr(pl->reason, "linked finance record F99 no longer exists"));
	plan_settle(pl, "00000000000000bb");
	CHECK_STREQ(pl->action, "create");
	fx_release(&f);
}

static void test_dedupe__crm_id_field(void)
{
	struct fixture f;
	struct plan *pl;

	fx_init(&f, "zoho-books", "{\"customers\":{}}", ENTITY_CUSTOMERS, books_rows);
	pl = CUST(&f, "C2", "Beta renamed");
	CHECK_STREQ(pl->action, "update");
	CHECK_STREQ(pl->match, "crm_id");
	CHECK_STREQ(pl->finance_id, "F2");
	CHECK_STREQ(pl->name, "Beta renamed");
	CHECK(!pl->duplicate);
	pl = CUST(&f, "C9", "Delta"); /* the id in custom_fields[] */
	CHECK_STREQ(pl->match, "crm_id");
	CHECK_STREQ(pl->finance_id, "F5");
	/* The rename is seen by later records: "Beta" is free now. */
	pl = CUST(&f, "C10", "Beta");
	CHECK_STREQ(pl->action, "create");
	CHECK_STREQ(pl->name, "Beta");
	fx_release(&f);
}

static void test_dedupe__name_skip(void)
{
	struct fixture f;
	struct plan *pl;

	fx_init(&f, "zoho-books", "{\"customers\":{}}", ENTITY_CUSTOMERS, books_rows);
	pl = CUST(&f, "C3", "  ACME   ltd ");
	CHECK_STREQ(pl->action, "skip");
	CHECK_STREQ(pl->match, "name");
	CHECK_STREQ(pl->finance_id, "F1");
	CHECK(pl->duplicate);
	CHECK_STREQ(pl->reason, "duplicate of existing finance customer 'Acme Ltd' (F1) matched by name");
	pl = CUST(&f, "C4",
		  "\xc3\x81"
		  "cme Ltd"); /* accents are kept: not a duplicate */
	CHECK_STREQ(pl->action, "create");
	CHECK(!pl->duplicate);
	fx_release(&f);
}

static void test_dedupe__ambiguous(void)
{
	struct fixture f;
	struct plan *pl;
	char *c;

	fx_init(&f, "zoho-books", "{\"customers\":{\"on_duplicate\":\"overwrite\"}}", ENTITY_CUSTOMERS, books_rows);
	pl = CUST(&f, "C5", "gamma");
	CHECK_STREQ(pl->action, "ambiguous");
	CHECK_STREQ(pl->match, "name");
	CHECK(pl->finance_id == NULL);
	c = tdump(pl->candidates);
	CHECK_STREQ(c, "[\"F3\",\"F4\"]");
	xfree(c);
	CHECK(pl->reason && strstr(pl->reason, "2 existing finance customers match by name"));
	fx_release(&f);
}

static void test_dedupe__clone(void)
{
	struct fixture f;
	struct plan *pl;

	fx_init(&f, "zoho-books", "{\"customers\":{\"on_duplicate\":\"clone\"}}", ENTITY_CUSTOMERS, books_rows);
	pl = CUST(&f, "C3", "Acme Ltd");
	CHECK_STREQ(pl->action, "create");
	CHECK_STREQ(pl->name, "Acme Ltd (2)");
	CHECK(pl->duplicate);
	CHECK_STREQ(pl->match, "name");
	CHECK_STREQ(pl->reason, "duplicate of existing finance customer 'Acme Ltd' (F1) matched by name; "
				"cloned as 'Acme Ltd (2)'");
	pl = CUST(&f, "C4", "acme ltd");
	CHECK_STREQ(pl->action, "create");
	CHECK_STREQ(pl->name, "acme ltd (3)");
	fx_release(&f);
}

static void test_dedupe__overwrite(void)
{
	struct fixture f;
	struct plan *pl;

	fx_init(&f, "zoho-books", "{\"customers\":{\"on_duplicate\":\"overwrite\"}}", ENTITY_CUSTOMERS,
		"[{\"contact_id\":\"F1\",\"contact_name\":\"Acme\"},"
		" {\"contact_id\":\"F2\",\"contact_name\":\"Beta\",\"cf_crm_id\":\"C77\"},"
		" {\"contact_id\":\"F3\",\"contact_name\":\"Gamma\"}]");
	fx_link(&f, "customers", "C88", "F3", NULL);
	pl = CUST(&f, "C1", "ACME");
	CHECK_STREQ(pl->action, "update");
	CHECK_STREQ(pl->finance_id, "F1");
	CHECK_STREQ(pl->name, "ACME");
	CHECK(pl->duplicate);
	CHECK(pl->reason && strstr(pl->reason, "overwritten"));
	/* F1 is now taken by C1 in this run. */
	pl = CUST(&f, "C2", "Acme");
	CHECK_STREQ(pl->action, "skip");
	CHECK(pl->reason && strstr(pl->reason, "linked to CRM record C1"));
	/* Its crm-id field holds another CRM record. */
	pl = CUST(&f, "C3", "Beta");
	CHECK_STREQ(pl->action, "skip");
	CHECK(pl->reason && strstr(pl->reason, "linked to CRM record C77"));
	/* The ledger links it to another CRM record. */
	pl = CUST(&f, "C4", "Gamma");
	CHECK_STREQ(pl->action, "skip");
	CHECK_STREQ(pl->finance_id, "F3");
	CHECK(pl->reason && strstr(pl->reason, "linked to CRM record C88"));
	fx_release(&f);
}

/* A second CRM record of the same name in one run duplicates the first, per policy. */
static void test_dedupe__planned_in_this_run(void)
{
	static const char *const policies[] = { "skip", "clone", "overwrite" };
	struct fixture f;
	struct plan *pl;
	char sync[100];
	int i;

	for (i = 0; i < 3; i++) {
		snprintf(sync, sizeof(sync), "{\"customers\":{\"on_duplicate\":\"%s\"}}", policies[i]);
		fx_init(&f, "zoho-books", sync, ENTITY_CUSTOMERS, "[]");
		pl = CUST(&f, "C1", "New Co");
		CHECK_STREQ(pl->action, "create");
		CHECK(!pl->duplicate && !pl->reason);
		pl = CUST(&f, "C2", "new  co");
		CHECK(pl->duplicate);
		CHECK(pl->finance_id == NULL);
		if (i == 1) {
			CHECK_STREQ(pl->action, "create");
			CHECK_STREQ(pl->name, "new  co (2)");
		} else {
			CHECK_STREQ(pl->action, "skip");
			CHECK(pl->reason && strstr(pl->reason, "CRM record C1 ('New Co') planned for creation"));
		}
		if (i == 2)
			CHECK(pl->reason && strstr(pl->reason, "nothing to overwrite yet"));
		/* The same CRM record twice in the extract is planned once. */
		pl = CUST(&f, "C1", "New Co");
		CHECK_STREQ(pl->action, "skip");
		CHECK(pl->reason && strstr(pl->reason, "more than once"));
		fx_release(&f);
	}
}

static void test_dedupe__email(void)
{
	struct fixture f;
	struct plan *pl;

	fx_init(&f, "zoho-books", "{\"customers\":{\"match_email\":true}}", ENTITY_CUSTOMERS, books_rows);
	pl = fx_plan(&f, "customers", ENTITY_CUSTOMERS, "C1", "Acme Group", NULL, " info@ACME.example");
	CHECK_STREQ(pl->action, "skip");
	CHECK_STREQ(pl->match, "email");
	CHECK_STREQ(pl->finance_id, "F1");
	CHECK(pl->duplicate);
	fx_release(&f);
	fx_init(&f, "zoho-books", "{\"customers\":{}}", ENTITY_CUSTOMERS, books_rows);
	pl = fx_plan(&f, "customers", ENTITY_CUSTOMERS, "C1", "Acme Group", NULL, "info@acme.example");
	CHECK_STREQ(pl->action, "create"); /* match_on has no email */
	fx_release(&f);
}

static const char item_rows[] = "[{\"item_id\":\"I1\",\"name\":\"Widget\",\"sku\":\"W-1\",\"rate\":5},"
				" {\"item_id\":\"I2\",\"name\":\"Bolt\"}]";

static void test_dedupe__items(void)
{
	struct fixture f;
	struct plan *pl;

	fx_init(&f, "zoho-books", "{\"items\":{\"on_duplicate\":\"clone\"}}", ENTITY_ITEMS, item_rows);
	/* SKU first: another name, same SKU is a duplicate; SKUs are unique, so no clone. */
	pl = fx_plan(&f, "items", ENTITY_ITEMS, "P1", "Gadget", "W-1", NULL);
	CHECK_STREQ(pl->action, "skip");
	CHECK_STREQ(pl->match, "sku");
	CHECK_STREQ(pl->finance_id, "I1");
	CHECK(pl->reason && strstr(pl->reason, "same SKU"));
	/* Same name, another SKU: not a duplicate, but the name is taken. */
	pl = fx_plan(&f, "items", ENTITY_ITEMS, "P2", "Widget", "W-2", NULL);
	CHECK_STREQ(pl->action, "create");
	CHECK(!pl->duplicate);
	CHECK_STREQ(pl->name, "Widget (2)");
	CHECK(pl->reason && strstr(pl->reason, "is taken by existing finance item 'Widget' (I1)"));
	/* Same name and both without SKU: a duplicate by name. */
	pl = fx_plan(&f, "items", ENTITY_ITEMS, "P3", "bolt", NULL, NULL);
	CHECK_STREQ(pl->action, "create");
	CHECK(pl->duplicate);
	CHECK_STREQ(pl->match, "name");
	CHECK_STREQ(pl->name, "bolt (2)");
	fx_release(&f);
}

/* Customers and vendors share the contacts name space in Books. */
static void test_dedupe__shared_name_space(void)
{
	struct fixture f;
	struct plan *pl;

	fx_init(&f, "zoho-books", "{\"customers\":{},\"vendors\":{}}", ENTITY_CUSTOMERS, books_rows);
	pl = CUST(&f, "C1", "Parts Co");
	CHECK_STREQ(pl->action, "create");
	CHECK(!pl->duplicate);
	CHECK_STREQ(pl->name, "Parts Co (2)");
	CHECK(pl->reason && strstr(pl->reason, "existing finance vendor 'Parts Co' (V1)"));
	pl = fx_plan(&f, "vendors", ENTITY_VENDORS, "V9", "Gamma", NULL, NULL);
	CHECK_STREQ(pl->action, "create");
	CHECK_STREQ(pl->name, "Gamma (2)");
	pl = fx_plan(&f, "vendors", ENTITY_VENDORS, "V10", "parts co", NULL, NULL);
	CHECK_STREQ(pl->action, "skip");
	CHECK_STREQ(pl->finance_id, "V1");
	fx_release(&f);
}

/* A clone keeps its " (n)" name on later updates while the plain name is taken. */
static void test_dedupe__update_keeps_suffix(void)
{
	struct fixture f;
	struct plan *pl;

	fx_init(&f, "zoho-books", "{\"customers\":{}}", ENTITY_CUSTOMERS,
		"[{\"contact_id\":\"F1\",\"contact_name\":\"Acme\"},"
		" {\"contact_id\":\"F2\",\"contact_name\":\"Acme (2)\"},"
		" {\"contact_id\":\"F3\",\"contact_name\":\"Zeta\"}]");
	fx_link(&f, "customers", "C2", "F2", NULL);
	fx_link(&f, "customers", "C3", "F3", NULL);
	pl = CUST(&f, "C2", "Acme");
	CHECK_STREQ(pl->action, "update");
	CHECK_STREQ(pl->name, "Acme (2)");
	CHECK(pl->reason == NULL);
	/* A rename onto a taken name gets a suffix of its own. */
	pl = CUST(&f, "C3", "Acme");
	CHECK_STREQ(pl->action, "update");
	CHECK_STREQ(pl->name, "Acme (3)");
	CHECK(pl->reason &&
	      strstr(pl->reason, "is taken by existing finance customer 'Acme' (F1); renamed to 'Acme (3)'"));
	fx_release(&f);
}

static void test_dedupe__long_name_suffix_fits(void)
{
	struct fixture f;
	struct plan *pl;
	char name[201], *rows;

	memset(name, 'x', 200);
	name[200] = '\0';
	rows = xasprintf("[{\"contact_id\":\"F1\",\"contact_name\":\"%s\"}]", name);
	fx_init(&f, "zoho-books", "{\"customers\":{\"on_duplicate\":\"clone\"}}", ENTITY_CUSTOMERS, rows);
	pl = CUST(&f, "C1", name);
	CHECK_STREQ(pl->action, "create");
	CHECK(pl->name && utf8_chars(pl->name) == 200);
	CHECK(pl->name && strstr(pl->name, "x (2)"));
	xfree(rows);
	fx_release(&f);
}

static void test_dedupe__row_without_id(void)
{
	struct job job;
	struct fin_index *ix;
	json_t *row = json_loads("{\"contact_name\":\"No Id\"}", 0, NULL);

	tjob_init(&job, "zoho-billing", "{\"customers\":{}}");
	ix = fin_index_new(&job);
	CHECK(fin_index_add(ix, ENTITY_CUSTOMERS, row) == FS_EINPUT);
	CHECK(strstr(err_msg(), "customer_id") != NULL);
	fin_index_free(ix);
	json_decref(row);
	tjob_release(&job);
}

/* The CRM-id field where Zoho may put it; a row with no custom fields at all says so. */
static void test_dedupe__row_cf_places(void)
{
	static const char *const rows[] = {
		"{\"cf_crm_id\":\"41\"}",
		"{\"custom_field_hash\":{\"cf_crm_id\":\"41\"}}",
		"{\"custom_fields\":[{\"api_name\":\"cf_other\",\"value\":\"9\"},{\"api_name\":\"cf_crm_id\",\"value\":\"41\"}]}",
	};
	json_t *row, *v;
	size_t i;
	int carried;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		row = json_loads(rows[i], 0, NULL);
		v = fin_row_cf(row, "cf_crm_id", &carried);
		CHECK_STREQ(json_string_value(v), "41");
		CHECK_INTEQ(carried, 1);
		json_decref(row);
	}
	row = json_loads("{\"custom_fields\":[]}", 0, NULL);
	CHECK(fin_row_cf(row, "cf_crm_id", &carried) == NULL);
	CHECK_INTEQ(carried, 1); /* the record has none: known */
	json_decref(row);
	row = json_loads("{\"contact_id\":\"1\",\"contact_name\":\"Listed\"}", 0, NULL);
	CHECK(fin_row_cf(row, "cf_crm_id", &carried) == NULL);
	CHECK_INTEQ(carried, 0); /* a list row: read the record */
	json_decref(row);
}

static const struct unit_test dedupe_tests[] = {
	UNIT(test_dedupe__ledger_link),
	UNIT(test_dedupe__crm_id_field),
	UNIT(test_dedupe__name_skip),
	UNIT(test_dedupe__ambiguous),
	UNIT(test_dedupe__clone),
	UNIT(test_dedupe__overwrite),
	UNIT(test_dedupe__planned_in_this_run),
	UNIT(test_dedupe__email),
	UNIT(test_dedupe__items),
	UNIT(test_dedupe__shared_name_space),
	UNIT(test_dedupe__update_keeps_suffix),
	UNIT(test_dedupe__long_name_suffix_fits),
	UNIT(test_dedupe__row_without_id),
	UNIT(test_dedupe__row_cf_places),
	{ 0 },
};
UNIT_SUITE(dedupe_tests)
