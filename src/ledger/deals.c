/*
 * deals.c - the transactions finsync made from CRM deals (deal_links, schema
 * v4) and the financial summary written back to the CRM (summaries, and the
 * TEMP work table its figures are gathered in).
 */
#include <string.h>
#include <sqlite3.h>
#include <jansson.h>
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/ledger.h"
#include "finsync/timeutil.h"
#include "ledger_int.h"

static const char sql_deal_get[] = "SELECT deal_id, kind, finance_id, state, hash, updated_at FROM deal_links "
				   "WHERE deal_id = ?1 AND kind = ?2";

static const char sql_deal_put[] =
	"INSERT INTO deal_links (deal_id, kind, finance_id, state, hash, updated_at) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
	"ON CONFLICT (deal_id, kind) DO UPDATE SET finance_id = excluded.finance_id, "
	"state = excluded.state, hash = excluded.hash, updated_at = excluded.updated_at";

static const char sql_deal_by_finance[] = "SELECT deal_id FROM deal_links WHERE kind = ?1 AND finance_id = ?2 LIMIT 1";

static const char sql_deal_del[] = "DELETE FROM deal_links WHERE deal_id = ?1 AND kind = ?2";

static const char sql_deal_retry_ids[] =
	"SELECT crm_id FROM events e WHERE entity = 'deals' AND action IN ('failed', 'skip') "
	"AND id = (SELECT max(id) FROM events WHERE entity = e.entity AND crm_id = e.crm_id) "
	"UNION SELECT deal_id FROM deal_links WHERE state = 'pending' ORDER BY 1";

static const char sql_work_outstanding[] =
	"INSERT INTO temp.summary_work (finance_id, outstanding) VALUES (?1, ?2) "
	"ON CONFLICT (finance_id) DO UPDATE SET outstanding = excluded.outstanding";

static const char sql_work_add_outstanding[] =
	"INSERT INTO temp.summary_work (finance_id, outstanding) VALUES (?1, ?2) "
	"ON CONFLICT (finance_id) DO UPDATE SET outstanding = coalesce(outstanding, 0) + excluded.outstanding";

static const char sql_work_overdue[] =
	"INSERT INTO temp.summary_work (finance_id, overdue) VALUES (?1, 1) "
	"ON CONFLICT (finance_id) DO UPDATE SET overdue = overdue + 1";

/* The latest payment wins: by date, then by the app's order key (its time or id). */
static const char sql_work_payment[] =
	"INSERT INTO temp.summary_work (finance_id, pay_date, pay_amount, pay_key) VALUES (?1, ?2, ?3, ?4) "
	"ON CONFLICT (finance_id) DO UPDATE SET pay_date = excluded.pay_date, "
	"pay_amount = excluded.pay_amount, pay_key = excluded.pay_key "
	"WHERE pay_date IS NULL OR excluded.pay_date > pay_date "
	"OR (excluded.pay_date = pay_date AND excluded.pay_key > pay_key)";

static const char sql_summary_rows[] =
	"SELECT l.crm_id, l.finance_id, (SELECT crm_module FROM events e WHERE e.entity = l.entity "
	"AND e.crm_id = l.crm_id AND e.crm_module IS NOT NULL ORDER BY e.id DESC LIMIT 1), "
	"w.outstanding, coalesce(w.overdue, 0), w.pay_date, w.pay_amount, s.hash "
	"FROM links l LEFT JOIN temp.summary_work w ON w.finance_id = l.finance_id "
	"LEFT JOIN summaries s ON s.entity = l.entity AND s.crm_id = l.crm_id "
	"WHERE l.entity = ?1 AND l.state = 'linked' AND l.finance_id IS NOT NULL AND l.crm_id > ?2 "
	"ORDER BY l.crm_id LIMIT ?3";

static const char sql_summary_put[] =
	"INSERT INTO summaries (entity, crm_id, hash, updated_at) VALUES (?1, ?2, ?3, ?4) "
	"ON CONFLICT (entity, crm_id) DO UPDATE SET hash = excluded.hash, updated_at = excluded.updated_at";

static const char sql_money_get[] =
	"SELECT deal_id, money_hash FROM deal_links WHERE kind = ?1 AND finance_id = ?2 AND state <> 'pending'";

static const char sql_money_put[] = "UPDATE deal_links SET money_hash = ?3 WHERE deal_id = ?1 AND kind = ?2";

static const char sql_deal_links_count[] = "SELECT count(*) FROM deal_links";

static const char sql_work_reset[] = "DELETE FROM temp.summary_work";

int ledger_deal_link_get(struct ledger *lg, const char *deal_id, const char *kind, struct deal_link *out)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_deal_get);
	char **const cols[] = {
		&out->deal_id, &out->kind, &out->finance_id, &out->state, &out->hash, &out->updated_at
	};

	memset(out, 0, sizeof(*out));
	lq_bind_text(st, 1, deal_id);
	lq_bind_text(st, 2, kind);
	return lq_read_row(lg, st, "read deal link", cols, sizeof(cols) / sizeof(cols[0]));
}

int ledger_deal_link_put(struct ledger *lg, const struct deal_link *d)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_deal_put);
	char now[ISO_TIME_LEN];

	time_now_iso(now);
	lq_bind_text(st, 1, d->deal_id);
	lq_bind_text(st, 2, d->kind);
	lq_bind_text(st, 3, d->finance_id);
	lq_bind_text(st, 4, d->state);
	lq_bind_text(st, 5, d->hash);
	lq_bind_text(st, 6, now);
	return lq_step_done(lg, st, "write deal link");
}

int ledger_deal_by_finance(struct ledger *lg, const char *kind, const char *finance_id, char **deal_id)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_deal_by_finance);

	lq_bind_text(st, 1, kind);
	lq_bind_text(st, 2, finance_id);
	return lq_query_one(lg, st, deal_id, NULL, "read deal link by finance id");
}

int ledger_deal_link_delete(struct ledger *lg, const char *deal_id, const char *kind)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_deal_del);

	lq_bind_text(st, 1, deal_id);
	lq_bind_text(st, 2, kind);
	return lq_step_done(lg, st, "delete deal link");
}

void deal_link_release(struct deal_link *d)
{
	xfree(d->deal_id);
	xfree(d->kind);
	xfree(d->finance_id);
	xfree(d->state);
	xfree(d->hash);
	xfree(d->updated_at);
	memset(d, 0, sizeof(*d));
}

int ledger_deal_money_get(struct ledger *lg, const char *kind, const char *finance_id, char **deal_id,
			  char **money_hash)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_money_get);
	char **const cols[] = { deal_id, money_hash };

	lq_bind_text(st, 1, kind);
	lq_bind_text(st, 2, finance_id);
	return lq_read_row(lg, st, "read deal money", cols, 2);
}

int ledger_deal_money_put(struct ledger *lg, const char *deal_id, const char *kind, const char *money_hash)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_money_put);

	lq_bind_text(st, 1, deal_id);
	lq_bind_text(st, 2, kind);
	lq_bind_text(st, 3, money_hash);
	return lq_step_done(lg, st, "write deal money");
}

int ledger_deal_retry_ids(struct ledger *lg, json_t **ids)
{
	return lq_query_ids(lg, lq_stmt(lg, sql_deal_retry_ids), ids, "read deals to retry");
}

long ledger_deal_links_count(struct ledger *lg)
{
	long long n = 0;

	return lq_query_one(lg, lq_stmt(lg, sql_deal_links_count), NULL, &n, "count deal links") < 0 ? -1 : (long)n;
}

int ledger_summary_work_reset(struct ledger *lg)
{
	return lq_step_done(lg, lq_stmt(lg, sql_work_reset), "reset summary work table");
}

int ledger_summary_work_outstanding(struct ledger *lg, const char *finance_id, double amount)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_work_outstanding);

	lq_bind_text(st, 1, finance_id);
	sqlite3_bind_double(st, 2, amount);
	return lq_step_done(lg, st, "write summary work");
}

int ledger_summary_work_add_outstanding(struct ledger *lg, const char *finance_id, double amount)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_work_add_outstanding);

	lq_bind_text(st, 1, finance_id);
	sqlite3_bind_double(st, 2, amount);
	return lq_step_done(lg, st, "write summary work");
}

int ledger_summary_work_overdue(struct ledger *lg, const char *finance_id)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_work_overdue);

	lq_bind_text(st, 1, finance_id);
	return lq_step_done(lg, st, "write summary work");
}

int ledger_summary_work_payment(struct ledger *lg, const char *finance_id, const char *date, double amount,
				const char *order_key)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_work_payment);

	lq_bind_text(st, 1, finance_id);
	lq_bind_text(st, 2, date);
	sqlite3_bind_double(st, 3, amount);
	lq_bind_text(st, 4, order_key ? order_key : "");
	return lq_step_done(lg, st, "write summary work");
}

int ledger_summary_rows(struct ledger *lg, const char *entity, const char *after, int limit, struct summary_row *rows,
			int *n)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_summary_rows);
	int rc = 0;

	*n = 0;
	lq_bind_text(st, 1, entity);
	lq_bind_text(st, 2, after ? after : "");
	sqlite3_bind_int(st, 3, limit);
	while (*n < limit && (rc = lq_step_row(lg, st, "read summary rows")) == 1) {
		struct summary_row *r = &rows[(*n)++];
		memset(r, 0, sizeof(*r));
		r->crm_id = lq_column_dup(st, 0);
		r->finance_id = lq_column_dup(st, 1);
		r->crm_module = lq_column_dup(st, 2);
		r->has_outstanding = sqlite3_column_type(st, 3) != SQLITE_NULL;
		r->outstanding = sqlite3_column_double(st, 3);
		r->overdue = (long)sqlite3_column_int64(st, 4);
		r->pay_date = lq_column_dup(st, 5);
		r->has_payment = r->pay_date != NULL;
		r->pay_amount = sqlite3_column_double(st, 6);
		r->hash = lq_column_dup(st, 7);
	}
	lq_step_end(st);
	return rc < 0 ? rc : 0;
}

void summary_row_release(struct summary_row *r)
{
	xfree(r->crm_id);
	xfree(r->finance_id);
	xfree(r->crm_module);
	xfree(r->pay_date);
	xfree(r->hash);
	memset(r, 0, sizeof(*r));
}

int ledger_summary_put(struct ledger *lg, const char *entity, const char *crm_id, const char *hash)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_summary_put);
	char now[ISO_TIME_LEN];

	time_now_iso(now);
	lq_bind_text(st, 1, entity);
	lq_bind_text(st, 2, crm_id);
	lq_bind_text(st, 3, hash);
	lq_bind_text(st, 4, now);
	return lq_step_done(lg, st, "write summary");
}
