/*
 * transactions.c - transaction_links (schema v11): which finance
 * transaction a CRM quote became, and which CRM record mirrors a finance
 * transaction.  Two kinds of row in one table, told apart by origin, each
 * with its own key (a partial unique index each), so a quote is invoiced
 * once and a transaction mirrored into one CRM record.
 */
#include <string.h>
#include <sqlite3.h>
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/ledger.h"
#include "finsync/timeutil.h"
#include "ledger_int.h"

#define COLUMNS "kind, finance_id, crm_module, crm_id, origin, hash, updated_at"

static const char sql_get_crm[] =
	"SELECT " COLUMNS " FROM transaction_links WHERE origin = 'crm' AND crm_module = ?1 AND crm_id = ?2";
static const char sql_get_fin[] =
	"SELECT " COLUMNS " FROM transaction_links WHERE origin = 'finance' AND kind = ?1 AND finance_id = ?2";
static const char sql_del[] =
	"DELETE FROM transaction_links WHERE origin = ?5 AND ((?5 = 'crm' AND crm_module = ?3 AND crm_id = ?4) "
	"OR (?5 = 'finance' AND kind = ?1 AND finance_id = ?2))";
static const char sql_ins[] = "INSERT INTO transaction_links (" COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
static const char sql_count[] = "SELECT count(*) FROM transaction_links";

int ledger_txn_link_get(struct ledger *lg, const char *origin, const char *a, const char *b, struct txn_link *out)
{
	sqlite3_stmt *st = lq_stmt(lg, !strcmp(origin, "crm") ? sql_get_crm : sql_get_fin);
	char **const cols[] = {
		&out->kind, &out->finance_id, &out->crm_module, &out->crm_id, &out->origin, &out->hash, &out->updated_at
	};

	memset(out, 0, sizeof(*out));
	lq_bind_text(st, 1, a);
	lq_bind_text(st, 2, b);
	return lq_read_row(lg, st, "read transaction link", cols, sizeof(cols) / sizeof(cols[0]));
}

static void bind_key(sqlite3_stmt *st, const struct txn_link *t)
{
	lq_bind_text(st, 1, t->kind);
	lq_bind_text(st, 2, t->finance_id);
	lq_bind_text(st, 3, t->crm_module);
	lq_bind_text(st, 4, t->crm_id);
	lq_bind_text(st, 5, t->origin);
}

int ledger_txn_link_delete(struct ledger *lg, const struct txn_link *t)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_del);

	bind_key(st, t);
	return lq_step_done(lg, st, "delete transaction link");
}

int ledger_txn_link_put(struct ledger *lg, const struct txn_link *t)
{
	sqlite3_stmt *st;
	char now[ISO_TIME_LEN];
	int rc;

	if ((rc = ledger_txn_link_delete(lg, t)))
		return rc;
	st = lq_stmt(lg, sql_ins);
	time_now_iso(now);
	bind_key(st, t);
	lq_bind_text(st, 6, t->hash);
	lq_bind_text(st, 7, now);
	return lq_step_done(lg, st, "write transaction link");
}

void txn_link_release(struct txn_link *t)
{
	xfree(t->kind);
	xfree(t->finance_id);
	xfree(t->crm_module);
	xfree(t->crm_id);
	xfree(t->origin);
	xfree(t->hash);
	xfree(t->updated_at);
	memset(t, 0, sizeof(*t));
}

long ledger_txn_links_count(struct ledger *lg)
{
	long long n = 0;

	return lq_query_one(lg, lq_stmt(lg, sql_count), NULL, &n, "count transaction links") < 0 ? -1 : (long)n;
}
