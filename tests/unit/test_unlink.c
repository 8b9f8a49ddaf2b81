/*
 * test_unlink.c - `finsync unlink` (src/cmd/unlink.c) against a
 * finsync-sandbox: without --yes nothing changes; --keep with-transactions
 * --yes deletes from the app the customer finsync created from the CRM and
 * keeps the one it only found and linked, then drops every link: the
 * deleted record's with a delete event, the other's with an unlink event.
 */
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/cmd.h"
#include "finsync/ledger.h"
#include "ledger_test.h"
#include "sandbox_test.h"
#include "unit.h"

static struct sandbox_job *unlinked;
static int yes;

static void unlink_it(void)
{
	char *argv[] = {
		(char *)"unlink",
		unlinked->job->path,
		(char *)"--keep",
		(char *)"with-transactions",
		yes ? (char *)"--yes" : NULL,
		NULL
	};

	CHECK(cmd_unlink(yes ? 5 : 4, argv) == 0);
}

/* Runs finsync unlink; what it printed (xfree). */
static char *unlink_job(struct sandbox_job *fx, int with_yes)
{
	unlinked = fx;
	yes = with_yes;
	return unit_stdout_of(unlink_it);
}

/* The finance app's contacts in the sandbox's store. */
static long contacts(struct sandbox_job *fx)
{
	json_t *all = ctl(&fx->sb, "GET", "/store/books/contacts", NULL);
	long n = all ? (long)json_array_size(json_object_get(all, "records")) : -1;

	json_decref(all);
	return n;
}

static void test_unlink__created_deleted_found_kept(void)
{
	struct sandbox_job fx;
	struct ledger *lg = NULL;
	json_t *made;
	const char *id;
	char *out;
	long run;

	if (sandbox_job_setup(&fx, "books"))
		return;
	made = ctl(&fx.sb, "POST", "/finance/books/contacts", "{\"data\":[{\"contact_name\":\"Made By Sync\"}]}");
	id = json_string_value(json_array_get(json_object_get(made, "ids"), 0));
	CHECK(id != NULL);
	CHECK(ledger_open(&lg, fx.job->state_dir) == 0);
	CHECK(ledger_job_check(lg, fx.job->name, fx.job->state_dir, 1) == 0);
	CHECK(ledger_run_start(lg, fx.job->name, "load", &run) == 0);
	CHECK(ledger_link_put(lg, &(struct link){ .entity = (char *)"customers",
						  .crm_id = (char *)"4150868000000087001",
						  .finance_id = (char *)id }) == 0);
	CHECK(ledger_event_add(lg, run, "customers", "Accounts", "4150868000000087001", id, "create", NULL, NULL) == 0);
	CHECK(ledger_link_put(lg, &(struct link){ .entity = (char *)"customers",
						  .crm_id = (char *)"4150868000000087002",
						  .finance_id = (char *)"460000000026049" }) == 0);
	CHECK(ledger_event_add(lg, run, "customers", "Accounts", "4150868000000087002", "460000000026049", "link",
			       "name", NULL) == 0);
	CHECK(ledger_run_finish(lg, run, "ok", NULL) == 0);
	ledger_close(lg);
	CHECK_INTEQ(contacts(&fx), 3);
	out = unlink_job(&fx, 0); /* says what it would do, does nothing */
	CHECK(strstr(out, "customer ") && strstr(out, "'Made By Sync' (crm id 4150868000000087001)"));
	CHECK(strstr(out, "nothing done") != NULL);
	xfree(out);
	CHECK_INTEQ(contacts(&fx), 3);
	CHECK_INTEQ(ledger_query_int(fx.job->state_dir, "SELECT count(*) FROM links"), 2);
	out = unlink_job(&fx, 1);
	CHECK(strstr(out, "unlink: 1 deleted, 0 kept (with transactions), 0 failed") != NULL);
	xfree(out);
	CHECK_INTEQ(contacts(&fx), 2);
	CHECK(ledger_query_int(fx.job->state_dir, "SELECT count(*) FROM links") == 0);
	CHECK_INTEQ(ledger_query_int(fx.job->state_dir, "SELECT count(*) FROM events WHERE action = 'delete' AND "
							"crm_id = '4150868000000087001'"),
		    1);
	CHECK_INTEQ(ledger_query_int(fx.job->state_dir, "SELECT count(*) FROM events WHERE action = 'unlink' AND "
							"crm_id = '4150868000000087002'"),
		    1);
	json_decref(made);
	sandbox_job_teardown(&fx);
}

static const struct unit_test unlink_tests[] = {
	UNIT(test_unlink__created_deleted_found_kept),
	{ 0 },
};
UNIT_SUITE(unlink_tests)
