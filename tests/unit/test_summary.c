/*
 * test_summary.c - the financial summary (src/stage/summary.c) against a
 * finsync-sandbox: a linked customer's outstanding receivable, read from
 * the finance app's lists, is written to its CRM account; the unlinked
 * accounts are not written; a second run with nothing changed writes
 * nothing again.
 */
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/finclient.h"
#include "finsync/ledger.h"
#include "finsync/pipeline.h"
#include "../../src/stage/units.h"
#include "ledger_test.h"
#include "sandbox_test.h"
#include "unit.h"

extern const struct sync_unit unit_summary;

/* The job file again, with sync.summary (its default fields). */
static int with_summary(struct sandbox_job *fx)
{
	char *text = unit_read_file(fx->job->path), *at = text ? strstr(text, "\"customers\":") : NULL;
	FILE *fp;

	if (!at) {
		xfree(text);
		return -1;
	}
	char *path = xstrdup(fx->job->path);
	int rc;

	fp = fopen(path, "w");
	fprintf(fp, "%.*s\"summary\": {}, %s", (int)(at - text), text, at);
	fclose(fp);
	xfree(text);
	job_free(fx->job);
	fx->job = NULL;
	rc = job_load(&fx->job, path);
	xfree(path);
	return rc;
}

static json_t *account(struct sandbox_job *fx, const char *id)
{
	json_t *all = ctl(&fx->sb, "GET", "/store/crm/Accounts", NULL), *r, *found = NULL;
	size_t i;

	json_array_foreach(json_object_get(all, "records"), i, r)
		if (!strcmp(json_string_value(json_object_get(r, "id")), id))
			found = json_incref(r);
	json_decref(all);
	return found;
}

/* Runs the summary unit's load on the ledger; 0 or its error. */
static int summary(struct sandbox_job *fx, struct ledger *lg)
{
	struct pipeline p = { 0 };
	struct stage_run s = { 0 };
	int rc;

	p.job = fx->job;
	p.lg = lg;
	CHECK(ledger_run_start(lg, fx->job->name, "load", &p.run_id) == 0);
	s.p = &p;
	if ((rc = pipeline_finclient(&p, &s.fin)) == 0)
		rc = unit_summary.load(&s, &unit_summary);
	pipeline_release(&p);
	return rc;
}

static void test_summary__outstanding_to_the_crm(void)
{
	struct sandbox_job fx;
	struct ledger *lg = NULL;
	json_t *made, *acme, *beta;
	char status[128];

	if (sandbox_job_setup(&fx, "books"))
		return;
	CHECK(with_summary(&fx) == 0);
	made = ctl(&fx.sb, "POST", "/finance/books/invoices",
		   "{\"data\":[{\"customer_id\":\"460000000026049\",\"line_items\":[{\"name\":\"Work\",\"rate\":100,"
		   "\"quantity\":2}]}]}");
	snprintf(status, sizeof(status), "/finance/books/invoices/%s/status",
		 json_string_value(json_array_get(json_object_get(made, "ids"), 0)));
	json_decref(made);
	made = ctl(&fx.sb, "POST", status, "{\"status\":\"sent\"}");
	CHECK(json_is_true(json_object_get(made, "ok")));
	json_decref(made);
	CHECK(ledger_open(&lg, fx.job->state_dir) == 0);
	CHECK(ledger_link_put(lg, &(struct link){ .entity = (char *)"customers",
						  .crm_id = (char *)"4150868000000087001",
						  .finance_id = (char *)"460000000026049" }) == 0);
	CHECK(summary(&fx, lg) == 0);
	acme = account(&fx, "4150868000000087001");
	beta = account(&fx, "4150868000000087002");
	CHECK(json_number_value(json_object_get(acme, "Outstanding_Receivable")) == 200.0);
	CHECK(json_object_get(beta, "Outstanding_Receivable") == NULL ||
	      json_is_null(json_object_get(beta, "Outstanding_Receivable")));
	CHECK_INTEQ(ledger_query_int(fx.job->state_dir, "SELECT count(*) FROM summaries"), 1);
	/* Nothing changed: the next run writes nothing, and says the record is unchanged. */
	CHECK(summary(&fx, lg) == 0);
	CHECK_INTEQ(ledger_query_int(fx.job->state_dir, "SELECT updated FROM run_stats WHERE entity = 'summary' "
							"ORDER BY run_id DESC LIMIT 1"),
		    0);
	CHECK_INTEQ(ledger_query_int(fx.job->state_dir, "SELECT unchanged FROM run_stats WHERE entity = 'summary' "
							"ORDER BY run_id DESC LIMIT 1"),
		    1);
	json_decref(acme);
	json_decref(beta);
	ledger_close(lg);
	sandbox_job_teardown(&fx);
}

static const struct unit_test summary_tests[] = {
	UNIT(test_summary__outstanding_to_the_crm),
	{ 0 },
};
UNIT_SUITE(summary_tests)
