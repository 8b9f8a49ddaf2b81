/*
 * quotes.c - sync.quotes: a CRM quote whose Quote_Stage reaches the job's
 * invoice_at_stage becomes one draft invoice (or, with create: salesorder,
 * one draft sales order) for its account's customer, with its line items on
 * the linked finance items (docs/design.md "Transactions").  The two paths
 * differ only in the row of targets[] below.
 *
 * Extract lists the Quotes (a few fields: the list never carries line
 * items) and reads each quote that has reached the stage and has no invoice
 * yet by id, the only read that carries its Quoted_Items.  Every run reads
 * the list again, so a quote waiting for its account or products is
 * retried until they are linked.  Transform plans each quote's lines
 * (src/xform/quote_plan.c).  Load links the account and the products
 * through the ledger and creates the invoice.
 *
 * Crash safety: before the POST a committed transaction_links row (origin
 * crm, no finance id) says a create may be under way; whoever meets it later
 * (or the create itself, after FS_EUNSURE) looks the document up by its
 * reference_number, the quote id, and takes a row only when that and the
 * customer are on it: a quote is invoiced once, ever.
 */
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/crm.h"
#include "finsync/err.h"
#include "finsync/finclient.h"
#include "finsync/ledger.h"
#include "finsync/log.h"
#include "finsync/ndjson.h"
#include "finsync/staging.h"
#include "../xform/quote_plan.h"
#include "../xform/xform.h"
#include "load_loop.h"
#include "units.h"

#define MODULE "Quotes"

/* What a quote becomes (sync.quotes.create): the document, its transaction_links kind, number key and name. */
struct quote_target {
	enum fin_doc doc;
	const char *kind, *number_key, *what, *made_before;
};

static const struct quote_target targets[] = {
	[QUOTE_TO_INVOICE] = { FIN_DOC_INVOICE, "invoice", "invoice_number", "invoice", "its invoice was made before" },
	[QUOTE_TO_SALESORDER] = { FIN_DOC_SALESORDER, "salesorder", "salesorder_number", "sales order",
				  "its sales order was made before" },
};

static const struct quote_target *target_of(const struct pipeline *p)
{
	return &targets[p->job->quotes.create];
}

/* ==== extract ==== */

struct quote_extract {
	struct pipeline *p;
	struct crm *crm;
	struct staging_writer *w;
	json_t *order; /* the Quote_Stage picklist, or NULL */
	long listed, read;
};

/* The Quote_Stage picklist in its order; invoice_at_stage must be one of its values. */
static int read_stages(struct quote_extract *x)
{
	const struct job *job = x->p->job;
	int rc;

	if ((rc = crm_picklist(job, MODULE, "Quote_Stage", &x->order)))
		return rc;
	if (!x->order)
		return fail(FS_EUSAGE, "job '%s': sync.quotes: the CRM module Quotes has no field Quote_Stage",
			    job->path);
	if (!json_array_size(x->order) || quote_stage_in(x->order, job->quotes.invoice_at_stage))
		return 0;
	return fail(FS_EUSAGE, "job '%s': sync.quotes.invoice_at_stage: '%s' is not a Quote_Stage value of the CRM",
		    job->path, job->quotes.invoice_at_stage);
}

/* 1 when the quote has its document already (a link with a finance id): nothing to read. */
static int invoiced(struct pipeline *p, const char *id)
{
	struct txn_link t;
	int rc = ledger_txn_link_get(p->lg, "crm", MODULE, id, &t);

	if (rc == 1)
		rc = t.finance_id != NULL;
	txn_link_release(&t);
	return rc;
}

/* A listed quote: read by id and staged when it reached the stage and has no document yet. */
static int take_listed(struct quote_extract *x, json_t *row)
{
	const char *id = jstr(row, "id");
	json_t *full = NULL;
	int rc;

	x->listed++;
	if (!id || !quote_stage_reached(x->order, jstr(row, "Quote_Stage"), x->p->job->quotes.invoice_at_stage))
		return 0;
	if ((rc = invoiced(x->p, id)) != 0)
		return rc < 0 ? rc : 0;
	if ((rc = crm_get(x->crm, MODULE, id, &full)) <= 0)
		return rc; /* deleted since it was listed: 0 */
	x->read++;
	rc = staging_write(x->w, full);
	json_decref(full);
	if (rc == FS_EINPUT) {
		log_warn("Quotes: record %s skipped: %s", id, err_msg());
		x->p->records_failed++;
		rc = 0;
	}
	return rc;
}

static int list_quotes(struct quote_extract *x)
{
	struct crm_query q = { MODULE, NULL, NULL, NULL, NULL, NULL };
	struct source *src = NULL;
	json_t *row;
	int rc;

	q.fields = json_pack("[sss]", "Subject", "Quote_Stage", "Account_Name");
	q.cvid = x->p->job->quotes.views ? jstr(x->p->job->quotes.views, MODULE) : NULL;
	if (!(rc = crm_read(x->crm, &q, &src))) {
		while ((rc = source_next(src, &row)) != 0) {
			if (rc == FS_EINPUT) {
				log_warn("Quotes: record skipped: %s", err_msg());
				continue;
			}
			if (rc < 0)
				break;
			rc = take_listed(x, row);
			json_decref(row);
			if (rc < 0)
				break;
		}
	}
	source_close(src);
	json_decref(q.fields);
	return rc;
}

static int quotes_extract(struct stage_run *s, const struct sync_unit *u)
{
	struct quote_extract x = { .p = s->p, .crm = s->crm };
	int rc;

	if (!pipeline_wants_unit(s->p, s->p->job->quotes.enabled))
		return 0;
	log_set_entity(u->name);
	if (!(rc = read_stages(&x)) && !(rc = staging_writer_open(&x.w, s->out_dir, u->name))) {
		if ((rc = list_quotes(&x)) < 0) {
			staging_writer_abort(x.w);
		} else {
			rc = staging_writer_finish(x.w, s->m);
			log_info("Quotes: %ld listed, %ld at or past '%s' without its %s", x.listed, x.read,
				 s->p->job->quotes.invoice_at_stage, target_of(s->p)->what);
		}
	}
	json_decref(x.order);
	log_set_entity(NULL);
	return rc;
}

/* ==== transform ==== */

/* One quote as the load wants it: its account, its lines, the hash of both; or invalid/skip with why. */
static json_t *plan_quote(json_t *rec)
{
	json_t *account = json_object_get(rec, "Account_Name"), *lines, *line;
	const char *why = NULL;
	char hash[CONTENT_HASH_LEN];

	line = json_pack("{s:s?, s:s?, s:s?, s:s?}", "crm_id", jstr(rec, "id"), "name", jstr(rec, "Subject"),
			 "account_id", jstr(account, "id"), "account_name", jstr(account, "name"));
	if (!(lines = quote_lines(rec, &why))) {
		json_object_set_new(line, "action", json_string("invalid"));
		json_object_set_new(line, "reason", json_string(why));
		return line;
	}
	if (!jstr(account, "id")) {
		json_object_set_new(line, "action", json_string("skip"));
		json_object_set_new(line, "reason", json_string("the quote has no account"));
	} else {
		json_object_set_new(line, "action", json_string("create"));
	}
	json_object_set_new(line, "lines", lines);
	content_hash(line, hash);
	json_object_set_new(line, "hash", json_string(hash));
	return line;
}

static int quotes_transform(struct stage_run *s, const struct sync_unit *u)
{
	struct staging_reader *r = NULL;
	struct staging_writer *w = NULL;
	json_t *rec, *line;
	int rc;

	if (!pipeline_wants_unit(s->p, s->p->job->quotes.enabled))
		return 0;
	if ((rc = staging_reader_open(&r, s->in_dir, u->name, 1)) ||
	    (rc = staging_writer_open(&w, s->out_dir, u->name)))
		goto out;
	while ((rc = staging_read(r, &rec)) != 0) {
		if (rc == FS_EINPUT || (rc == 1 && !json_is_object(rec))) {
			log_warn("quotes: %s; counted as a failed record",
				 rc == 1 ? "a line that is not an object" : err_msg());
			s->p->records_failed++;
			json_decref(rec);
			continue;
		}
		if (rc < 0)
			break;
		line = plan_quote(rec);
		json_decref(rec);
		rc = staging_write(w, line);
		json_decref(line);
		if (rc)
			break;
	}
	if (rc < 0)
		staging_writer_abort(w);
	else
		rc = staging_writer_finish(w, s->m);
	w = NULL;
out:
	if (w)
		staging_writer_abort(w);
	staging_reader_close(r);
	return rc;
}

/* ==== load ==== */

struct quote_load {
	struct pipeline *p;
	const struct quote_target *t;
	struct finclient *fin;
	struct stats s;
	long waiting;
};

/* The quote being loaded. */
struct quote_ctx {
	json_t *line;
	const char *id;
	struct txn_link link; /* its transaction_links row (origin crm) */
	int found;            /* the row is there */
	char *customer_id;    /* the account's customer, linked */
	char *number;         /* the document's number, for messages */
};

/* The event of one quote (and its link when link), with the running stats, in one transaction. */
static int record(struct quote_load *l, struct quote_ctx *q, int link, const char *action, const char *match,
		  const char *reason)
{
	struct ledger *lg = l->p->lg;
	int rc;

	if ((rc = ledger_begin(lg)))
		return rc;
	if (load_count(&l->s, action))
		l->p->records_failed++;
	if ((link && (rc = ledger_txn_link_put(lg, &q->link))) ||
	    (rc = ledger_event_add(lg, l->p->run_id, "quotes", MODULE, q->id, link ? q->link.finance_id : NULL, action,
				   match, reason)) ||
	    (rc = ledger_stats_add(lg, l->p->run_id, "quotes", "load", &l->s))) {
		ledger_rollback(lg);
		return rc;
	}
	return ledger_commit(lg);
}

static int save_link(struct quote_load *l, struct quote_ctx *q, int drop)
{
	int rc;

	if ((rc = ledger_begin(l->p->lg)))
		return rc;
	rc = drop ? ledger_txn_link_delete(l->p->lg, &q->link) : ledger_txn_link_put(l->p->lg, &q->link);
	if (rc) {
		ledger_rollback(l->p->lg);
		return rc;
	}
	return ledger_commit(l->p->lg);
}

/* The finance id the ledger links a CRM record of entity to, or NULL (not linked, or a pending create). */
static int linked(struct quote_load *l, const char *entity, const char *crm_id, char **finance_id)
{
	struct link k;
	int rc = ledger_link_get(l->p->lg, entity, crm_id, &k);

	*finance_id = NULL;
	if (rc == 1 && k.finance_id && strcmp(k.state, "pending"))
		*finance_id = xstrdup(k.finance_id);
	link_release(&k);
	return rc < 0 ? rc : 0;
}

/*
 * The document's body: the customer, the quote id as reference_number, and
 * a line a quote line on its linked item.  NULL with *why when the account
 * or a product is not linked yet: the quote waits.
 */
static int quote_body(struct quote_load *l, struct quote_ctx *q, json_t **body, char **why)
{
	const char *label = l->p->job->app->label;
	json_t *lines = json_array(), *ql;
	char *item = NULL;
	int rc, discounted = 0;
	size_t i;

	*body = NULL;
	*why = NULL;
	if ((rc = linked(l, "customers", jstr(q->line, "account_id"), &q->customer_id)) ||
	    (!q->customer_id &&
	     (*why = xasprintf("its account '%s' (crm id %s) is not linked to a %s customer",
			       jstr_or(q->line, "account_name", ""), jstr(q->line, "account_id"), label))))
		goto out;
	json_array_foreach(json_object_get(q->line, "lines"), i, ql) {
		if ((rc = linked(l, "items", jstr(ql, "product_id"), &item)))
			goto out;
		if (!item) {
			*why = xasprintf("its product '%s' (crm id %s) is not linked to a %s item",
					 jstr_or(ql, "product_name", ""), jstr(ql, "product_id"), label);
			goto out;
		}
		json_t *fl = json_pack("{s:s, s:O, s:O}", "item_id", item, "quantity", json_object_get(ql, "quantity"),
				       "rate", json_object_get(ql, "rate"));
		if (json_number_value(json_object_get(ql, "discount")) > 0) {
			json_object_set(fl, "discount", json_object_get(ql, "discount"));
			discounted = 1;
		}
		if (jstr(ql, "description"))
			json_object_set(fl, "description", json_object_get(ql, "description"));
		json_array_append_new(lines, fl);
		xfree(item);
		item = NULL;
	}
	*body = json_pack("{s:s, s:s, s:O}", "customer_id", q->customer_id, "reference_number", q->id, "line_items",
			  lines);
	if (discounted)
		json_object_set_new(*body, "discount_type", json_string("item_level"));
out:
	xfree(item);
	json_decref(lines);
	return rc;
}

/* The quote's document made before (its answer lost, or the ledger lost): 1 found and linked, 0 none, <0. */
static int adopt_existing(struct quote_load *l, struct quote_ctx *q)
{
	struct fin_doc_result res;
	int rc = finclient_doc_find_own(l->fin, l->t->doc, q->id, q->customer_id, &res);

	if (rc == 1) {
		xstrset(&q->link.finance_id, res.out.finance_id);
		xstrset(&q->number, jstr(res.record, l->t->number_key));
	}
	fin_doc_result_release(&res);
	return rc;
}

/* The document created (or found): the link with its id and the create event. */
static int created(struct quote_load *l, struct quote_ctx *q, const char *match)
{
	char *reason = xasprintf("%s %s created as a draft for account '%s' from quote '%s'", l->t->what,
				 q->number ? q->number : q->link.finance_id, jstr_or(q->line, "account_name", ""),
				 jstr_or(q->line, "name", ""));
	int rc;

	log_info("quotes %s: %s%s", q->id, reason, *match ? " (found by reference_number)" : "");
	rc = record(l, q, 1, "create", match, reason);
	xfree(reason);
	return rc;
}

/* The intent, committed, then the POST; an answer lost is looked up at once, else next run. */
static int create_doc(struct quote_load *l, struct quote_ctx *q, json_t *body)
{
	struct fin_doc_result res;
	char *why;
	int rc;

	memset(&res, 0, sizeof(res));
	xstrset(&q->link.finance_id, NULL);
	if ((rc = save_link(l, q, 0)))
		return rc;
	q->found = 1;
	if ((rc = finclient_doc_create(l->fin, l->t->doc, body, &res)) == FS_EUNSURE) {
		why = xasprintf("%s; it is looked up by reference_number before any create", err_msg());
		log_warn("quotes %s: %s", q->id, why);
		rc = adopt_existing(l, q);
		rc = rc < 0 ? rc : rc == 1 ? created(l, q, "reference_number") : record(l, q, 0, "failed", "", why);
		xfree(why);
	} else if (!rc && !res.out.ok) {
		why = xasprintf("%s refused to create the %s of quote '%s' (HTTP %ld, code %ld): %s",
				l->p->job->app->label, l->t->what, jstr_or(q->line, "name", ""), res.out.status,
				res.out.code, res.out.message ? res.out.message : "");
		log_warn("quotes %s: %s", q->id, why);
		/* Refused is not created: no intent is left behind. */
		if (!(rc = save_link(l, q, 1)))
			rc = record(l, q, 0, "failed", "", why);
		xfree(why);
	} else if (!rc) {
		xstrset(&q->link.finance_id, res.out.finance_id);
		xstrset(&q->number, jstr(res.record, l->t->number_key));
		rc = created(l, q, "");
	}
	fin_doc_result_release(&res);
	return rc;
}

static int load_ready(struct quote_load *l, struct quote_ctx *q)
{
	json_t *body = NULL;
	char *why = NULL;
	int rc;

	if (q->found && q->link.finance_id)
		return record(l, q, 0, "unchanged", "ledger", l->t->made_before);
	if ((rc = quote_body(l, q, &body, &why)))
		return rc;
	if (why) {
		log_info("quotes %s: waits: %s", q->id, why);
		rc = record(l, q, 0, "skip", "", why);
	} else if (q->found && (rc = adopt_existing(l, q)) != 0) {
		/* An intent left by a run that may have created it: found, it is linked. */
		rc = rc < 0 ? rc : created(l, q, "reference_number");
	} else {
		xstrset(&q->link.hash, jstr(q->line, "hash"));
		rc = create_doc(l, q, body);
	}
	json_decref(body);
	xfree(why);
	return rc;
}

static int load_quote(struct quote_load *l, json_t *line)
{
	struct quote_ctx q = { .line = line, .id = jstr(line, "crm_id") };
	const char *action = jstr(line, "action");
	char *earlier = NULL;
	int rc;

	if (!q.id || !action)
		return fail(FS_EINPUT, "quotes: a line without crm_id or action");
	/* A resumed load: a quote this run settled already is not counted twice. */
	if ((rc = ledger_event_action(l->p->lg, l->p->run_id, "quotes", q.id, &earlier)) < 0 || earlier) {
		xfree(earlier);
		return rc < 0 ? rc : 0;
	}
	if (!strcmp(action, "invalid") || !strcmp(action, "skip"))
		return record(l, &q, 0, action, "", jstr(line, "reason"));
	if ((rc = ledger_txn_link_get(l->p->lg, "crm", MODULE, q.id, &q.link)) < 0)
		return rc;
	q.found = rc == 1;
	if (!q.found)
		q.link = (struct txn_link){
			.kind = xstrdup(l->t->kind),
			.crm_module = xstrdup(MODULE),
			.crm_id = xstrdup(q.id),
			.origin = xstrdup("crm")
		};
	rc = load_ready(l, &q);
	txn_link_release(&q.link);
	xfree(q.customer_id);
	xfree(q.number);
	return rc;
}

/* A quote the app refused to read or answer (FS_EAPI …): failed, the others go on. */
static int take_quote(void *ud, json_t *line)
{
	struct quote_load *l = ud;
	int rc = load_quote(l, line);

	if (rc == FS_EAPI || rc == FS_EINPUT || rc == FS_EUNSURE) {
		struct quote_ctx q = { .line = line, .id = jstr(line, "crm_id") };
		char *why = xstrdup(err_msg());
		log_warn("quotes %s: %s", q.id ? q.id : "?", why);
		rc = record(l, &q, 0, "failed", "", why);
		xfree(why);
	}
	if (rc == FS_EBUDGET)
		l->waiting = 1;
	json_decref(line);
	return rc;
}

static int is_create(json_t *line)
{
	return jstr_is(line, "action", "create");
}

static int quotes_load(struct stage_run *s, const struct sync_unit *u)
{
	struct quote_load l = { .p = s->p, .t = target_of(s->p), .fin = s->fin };
	struct load_loop lp = {
		.p = s->p,
		.name = u->name,
		.left_over = "quotes",
		.s = &l.s,
		.waiting = &l.waiting,
		.no_watermark = 1,
		.ud = &l,
		.take = take_quote,
		.is_write = is_create
	};
	struct staging_reader *r = NULL;
	char *dir;
	int rc;

	if (!pipeline_wants_unit(s->p, s->p->job->quotes.enabled))
		return 0;
	if ((rc = load_done_before(s->p, u->name)) != 0)
		return rc == 1 ? 0 : rc;
	log_set_entity(u->name);
	dir = staging_dir(s->p->job->state_dir, s->p->run_id, "transform");
	if (!(rc = staging_reader_open(&r, dir, u->name, 1)) &&
	    (rc = ledger_stats_get(s->p->lg, s->p->run_id, u->name, "load", &l.s)) >= 0 &&
	    !(rc = load_loop_run(&lp, r)))
		rc = load_finish(&lp);
	log_info("quotes: %ld made a draft %s, %ld unchanged, %ld waiting, %ld failed", l.s.added, l.t->what,
		 l.s.unchanged, l.s.skipped, l.s.failed);
	staging_reader_close(r);
	xfree(dir);
	log_set_entity(NULL);
	return rc;
}

const struct sync_unit unit_quotes = {
	.name = "quotes",
	.key = { "quotes", job_load_quotes },
	.extract = quotes_extract,
	.transform = quotes_transform,
	.load = quotes_load,
};
