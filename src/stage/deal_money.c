/*
 * deal_money.c - the deal shows its money (docs/design.md "The deal shows its
 * money"; job key sync.deals.crm_fields), after the deals' load.
 *
 * The deals' transactions are read from the finance app's lists, never one
 * call per deal: invoices (and the sales orders, or the quotes, of the
 * job's automate), sorted by last_modified_time and, after the first run,
 * only those changed since the newest change seen last time (less the
 * overlap; the watermark "deal_money" holds the app's own time, so the two
 * clocks never meet).  A filter the app ignores costs pages, never a wrong
 * write: each row is matched to its deal through deal_links by its id.
 * Each linked deal gets its number, status, total, paid and balance in the
 * CRM fields the job names, through one update call per 100 deals, and
 * only when they differ from what was last written (deal_links.money_hash).
 *
 * A quote's money is shown only while its deal has no invoice: the invoice
 * is the deal's money once there is one.
 *
 * Outcomes: run_stats row "deal_money" (updated, unchanged, failed) and an
 * event per deal written or refused.
 */
#include <stdio.h>
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/crm.h"
#include "finsync/err.h"
#include "finsync/finclient.h"
#include "finsync/http.h"
#include "finsync/ledger.h"
#include "finsync/log.h"
#include "finsync/ndjson.h"
#include "finsync/timeutil.h"
#include "../xform/deal_plan.h"
#include "../xform/xform.h"
#include "deals.h"
#include "load_loop.h"
#include "units.h"

#define ROWS 100

/* A transaction list the deals may have made. */
struct money_list {
	const char *kind;       /* deal_links.kind */
	const char *path;       /* "/invoices" */
	const char *list_key;   /* "invoices" */
	const char *id_key;     /* "invoice_id" */
	const char *number_key; /* "invoice_number" */
};

static const struct money_list lists[] = {
	{ "invoice", "/invoices", "invoices", "invoice_id", "invoice_number" },
	{ "salesorder", "/salesorders", "salesorders", "salesorder_id", "salesorder_number" },
	{ "quote", "/estimates", "estimates", "estimate_id", "estimate_number" },
};

struct money_run {
	struct pipeline *p;
	struct finclient *fin;
	struct crm *crm;
	struct stats s;
	const struct money_list *list;
	json_t *rows; /* CRM update rows of the batch */
	char *deal[ROWS];
	char *number[ROWS];
	char hash[ROWS][CONTENT_HASH_LEN];
	size_t n;
	char newest[40]; /* the newest last_modified_time seen */
	long read;
};

int deal_money_check_fields(const struct job *job, struct crm *crm)
{
	json_t *available = NULL;
	int i, rc;

	if ((rc = crm_fields(crm, "Deals", &available)))
		return rc;
	for (i = 0; i < MONEY_FIELD_COUNT && !rc; i++) {
		const char *want = job->deals.crm_fields[i];
		if (!want || !json_array_size(available))
			continue;
		if (!jstr_in(available, want))
			rc = fail(
				FS_EUSAGE,
				"job '%s': sync.deals.crm_fields.%s: the CRM module Deals has no field '%s'; "
				"create it in Zoho CRM → Settings → Modules and Fields → Deals, or name an existing field "
				"in the job",
				job->path, deal_money_key((enum deal_money)i), want);
	}
	json_decref(available);
	return rc;
}

static void batch_reset(struct money_run *m)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		xfree(m->deal[i]);
		xfree(m->number[i]);
	}
	m->n = 0;
	json_array_clear(m->rows);
}

/* The CRM's answers into the ledger: the hash of each deal written, an event either way. */
static int settle(struct money_run *m, struct crm_row_result *res)
{
	struct ledger *lg = m->p->lg;
	size_t i;
	int rc;

	if ((rc = ledger_begin(lg)))
		return rc;
	for (i = 0; i < m->n && !rc; i++) {
		char *why;
		if (res[i].ok) {
			m->s.updated++;
			why = xasprintf("%s %s: its money written to the deal", m->list->kind, m->number[i]);
			if (!(rc = ledger_deal_money_put(lg, m->deal[i], m->list->kind, m->hash[i])))
				rc = ledger_event_add(lg, m->p->run_id, "deal_money", "Deals", m->deal[i], NULL,
						      "update", "ledger", why);
		} else {
			why = xasprintf("the CRM refused the money of %s %s on deal %s: %s %s", m->list->kind,
					m->number[i], m->deal[i], res[i].code ? res[i].code : "",
					res[i].message ? res[i].message : "");
			log_warn("%s", why);
			m->s.failed++;
			m->p->records_failed++;
			rc = ledger_event_add(lg, m->p->run_id, "deal_money", "Deals", m->deal[i], NULL, "failed",
					      "ledger", why);
		}
		xfree(why);
	}
	if (!rc)
		rc = ledger_stats_add(lg, m->p->run_id, "deal_money", "load", &m->s);
	if (rc) {
		ledger_rollback(lg);
		return rc;
	}
	return ledger_commit(lg);
}

static int flush(struct money_run *m)
{
	struct crm_row_result res[ROWS];
	size_t i;
	int rc;

	if (!m->n)
		return 0;
	memset(res, 0, sizeof(res));
	if (!(rc = crm_write(m->crm, "Deals", "update", m->rows, NULL, res)))
		rc = settle(m, res);
	for (i = 0; i < m->n; i++)
		crm_row_result_release(&res[i]);
	batch_reset(m);
	return rc;
}

static void note_newest(struct money_run *m, json_t *row)
{
	const char *t = jstr(row, "last_modified_time");
	time_t a, b;

	if (t && strlen(t) < sizeof(m->newest) && !time_parse_iso(t, &a) &&
	    (!m->newest[0] || (!time_parse_iso(m->newest, &b) && a > b)))
		snprintf(m->newest, sizeof(m->newest), "%s", t);
}

/* A quote whose deal has an invoice: the invoice shows the deal's money. */
static int superseded(struct money_run *m, const char *deal_id)
{
	struct deal_link inv;
	int rc;

	if (strcmp(m->list->kind, "quote"))
		return 0;
	rc = ledger_deal_link_get(m->p->lg, deal_id, "invoice", &inv);
	rc = rc == 1 ? inv.finance_id && strcmp(inv.state, "pending") : rc;
	deal_link_release(&inv);
	return rc;
}

static int take_row(json_t *row, void *ud)
{
	struct money_run *m = ud;
	char *deal_id = NULL, *old = NULL, hash[CONTENT_HASH_LEN], idbuf[32];
	json_t *v = json_object_get(row, m->list->id_key), *fields = NULL;
	const char *id = json_string_value(v);
	int rc;

	m->read++;
	note_newest(m, row);
	if (json_is_integer(v)) {
		snprintf(idbuf, sizeof(idbuf), "%lld", (long long)json_integer_value(v));
		id = idbuf;
	}
	if (!id || (rc = ledger_deal_money_get(m->p->lg, m->list->kind, id, &deal_id, &old)) == 0)
		return 0;
	if (rc < 0 || (rc = superseded(m, deal_id)) != 0)
		goto out;
	fields = deal_money_fields(&m->p->job->deals, row, m->list->number_key);
	content_hash(fields, hash);
	if (old && !strcmp(old, hash)) {
		m->s.unchanged++;
		goto out;
	}
	json_object_set_new(fields, "id", json_string(deal_id));
	json_array_append(m->rows, fields);
	memcpy(m->hash[m->n], hash, CONTENT_HASH_LEN);
	m->number[m->n] = xstrdup(jstr_or(row, m->list->number_key, id));
	m->deal[m->n++] = deal_id;
	deal_id = NULL;
	if (m->n == ROWS)
		rc = flush(m);
out:
	json_decref(fields);
	xfree(deal_id);
	xfree(old);
	return rc < 0 ? rc : 0;
}

/* The list query: newest change first, since the watermark less the overlap (NULL: all). */
static char *list_query(struct money_run *m, const char *mark)
{
	char since[40], *esc, *q;
	time_t t;
	struct tm tm;

	if (!mark || time_parse_iso(mark, &t))
		return xstrdup("sort_column=last_modified_time&sort_order=D");
	t -= m->p->job->overlap_seconds;
	gmtime_r(&t, &tm);
	strftime(since, sizeof(since), "%Y-%m-%dT%H:%M:%S+0000", &tm);
	esc = http_escape(since);
	q = xasprintf("sort_column=last_modified_time&sort_order=D&last_modified_time=%s", esc);
	xfree(esc);
	return q;
}

static int wants_list(const struct job *job, const struct money_list *l)
{
	if (!strcmp(l->kind, "salesorder"))
		return job->deals.automate == DEAL_SALESORDER;
	if (!strcmp(l->kind, "quote"))
		return job->deals.automate == DEAL_QUOTE;
	return job->deals.automate != DEAL_SALESORDER;
}

static int read_lists(struct money_run *m)
{
	char *mark = NULL, *query;
	size_t i;
	int rc;

	if (!m->p->full && (rc = ledger_watermark_get(m->p->lg, "deal_money", &mark)) < 0)
		return rc;
	query = list_query(m, mark);
	for (i = 0, rc = 0; i < sizeof(lists) / sizeof(lists[0]) && !rc; i++) {
		if (!wants_list(m->p->job, &lists[i]))
			continue;
		m->list = &lists[i];
		if (!(rc = finclient_list_path(m->fin, lists[i].path, lists[i].list_key, query, take_row, m)))
			rc = flush(m);
		batch_reset(m);
	}
	log_info("deal_money: %ld transactions read%s%s", m->read, mark ? " changed since " : "", mark ? mark : "");
	if (!rc && m->newest[0]) {
		if (!(rc = ledger_begin(m->p->lg)) &&
		    !(rc = ledger_watermark_put(m->p->lg, "deal_money", m->newest, m->p->run_id)))
			rc = ledger_commit(m->p->lg);
		else if (rc)
			ledger_rollback(m->p->lg);
	}
	xfree(query);
	xfree(mark);
	return rc;
}

static int money_sync(struct pipeline *p, struct finclient *fin)
{
	struct money_run m = { .p = p, .fin = fin };
	struct load_loop lp = { .p = p, .name = "deal_money", .s = &m.s, .no_watermark = 1 };
	int rc;

	log_set_entity("deal_money");
	m.rows = json_array();
	if (!(rc = crm_open(&m.crm, p->job)) && !(rc = read_lists(&m)) && !(rc = load_finish(&lp)))
		log_info("deal_money: %ld deals written to the CRM, %ld unchanged, %ld refused", m.s.updated,
			 m.s.unchanged, m.s.failed);
	batch_reset(&m);
	json_decref(m.rows);
	crm_close(m.crm);
	log_set_entity(NULL);
	return rc;
}

static int deal_money_load(struct stage_run *s, const struct sync_unit *u)
{
	(void)u;
	if (!s->p->job->deals.enabled || !s->p->job->deals.has_crm_fields || s->p->only || s->p->only_id)
		return 0;
	return money_sync(s->p, s->fin);
}

const struct sync_unit unit_deal_money = {
	.name = "deal_money",
	.load = deal_money_load,
};
