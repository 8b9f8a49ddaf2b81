/*
 * deals.c - deal automation through the three stages (docs/design.md "Deals").
 *
 * Extract reads the CRM module Deals (the fields the plan needs, only what
 * changed since the deals' watermark, plus the deals a run skipped or left
 * half-created, by id).  Transform plans each deal against what the ledger
 * knows of its quote and invoice (deal_links): won, lost or open, which
 * customer, which steps (src/xform/deal_plan.c).  Load reads each existing
 * transaction's status by id before changing anything, plans again with
 * what the app says, and carries the steps out one deal at a time, as the
 * take hook of the common load loop (load_loop.c: budget, resume, stats,
 * watermark).
 *
 * Crash safety: a create is preceded by a committed deal_links row in state
 * "pending"; whoever meets that row later (or the create itself, when its
 * POST got no answer: FS_EUNSURE) looks the transaction up by its
 * reference_number, the deal id, before creating it, so a deal's quote and
 * its invoice are each created once, ever.  A row found is taken only when
 * its reference_number is the deal id and its customer the deal's: a
 * filter the app ignores never adopts (and later voids) another invoice.
 *
 * sync.deals.default_item is resolved to an item id once, at extract (a
 * read, before any write: a wrong name is exit 2), and goes on each line.
 */
#include <string.h>
#include <strings.h>
#include "finsync/alloc.h"
#include "finsync/buf.h"
#include "finsync/err.h"
#include "finsync/safe.h"
#include "finsync/finclient.h"
#include "finsync/http.h"
#include "finsync/ledger.h"
#include "finsync/log.h"
#include "finsync/ndjson.h"
#include "finsync/scratch.h"
#include "finsync/staging.h"
#include "finsync/timeutil.h"
#include "../xform/deal_plan.h"
#include "../xform/xform.h"
#include "deals.h"
#include "load_loop.h"
#include "units.h"

#define IDS_PER_CALL 100

static const char *const deal_fields[] = {
	"Deal_Name",    "Stage",        "Probability", "Amount",        "Description",
	"Account_Name", "Contact_Name", "Owner",       "Modified_Time", NULL
};

/* ==== extract ==== */

struct deal_extract {
	struct pipeline *p;
	struct crm *crm;
	struct staging_writer *w;
	struct scratch_set *seen; /* ids written (on disk: bounded memory) */
	long bad;
	long product_reads; /* deals whose Products list was read */
};

static const char *const product_fields[] = { "Product_Name", "Unit_Price", "Description", NULL };

/* Whether the deal's lines are its products and its plan may write them now: then its list is read. */
static int wants_products(const struct deal_extract *x, json_t *rec)
{
	const struct deal_sync *cfg = &x->p->job->deals;
	double prob = 0;
	int has_prob = deal_number(rec, "Probability", &prob);

	return cfg->line_items == LINES_PRODUCTS && zoho_id_ok(jstr(rec, "id")) &&
	       deal_wants_lines(cfg, deal_outcome(cfg, jstr(rec, "Stage"), has_prob, prob),
				deal_stage_index(cfg, jstr(rec, "Stage")));
}

/*
 * The deal's products (the Deals -> Products related list) onto the staged
 * record as "Products": [{id, Product_Name, Unit_Price, Description}].  One
 * deal's list at a time: memory stays bounded by one deal.  A source without
 * related lists (CSV exports) leaves the deal without products.
 */
static int read_products(struct deal_extract *x, json_t *rec)
{
	json_t *fields = json_array(), *list = json_array(), *p;
	const char *const *f;
	struct source *src = NULL;
	int rc;

	for (f = product_fields; *f; f++)
		json_array_append_new(fields, json_string(*f));
	if ((rc = crm_related(x->crm, "Deals", jstr(rec, "id"), "Products", fields, &src)) || !src)
		goto out;
	x->product_reads++;
	while ((rc = source_next(src, &p)) > 0) {
		json_array_append_new(list, json_pack("{s:O?, s:O?, s:O?, s:O?}", "id", json_object_get(p, "id"),
						      "Product_Name", json_object_get(p, "Product_Name"), "Unit_Price",
						      json_object_get(p, "Unit_Price"), "Description",
						      json_object_get(p, "Description")));
		json_decref(p);
	}
	if (rc == FS_EINPUT)
		rc = fail(FS_EABORT, "Deals %s: its Products list: %s", jstr(rec, "id"), err_msg());
	if (!rc)
		json_object_set(rec, "Products", list);
out:
	source_close(src);
	json_decref(list);
	json_decref(fields);
	return rc;
}

/* The plan's fields the CRM has (a CSV export may lack some); Deal_Name and Stage it must have. */
static int deal_read_fields(struct deal_extract *x, json_t **out)
{
	json_t *available = NULL, *fields;
	const char *const *f;
	int rc;

	*out = NULL;
	if ((rc = crm_fields(x->crm, "Deals", &available)))
		return rc;
	fields = json_array();
	for (f = deal_fields; *f; f++) {
		if (json_array_size(available) && !jstr_in(available, *f)) {
			if (!strcmp(*f, "Deal_Name") || !strcmp(*f, "Stage")) {
				json_decref(available);
				json_decref(fields);
				return fail(FS_EUSAGE, "job '%s': sync.deals: the CRM module Deals has no field '%s'",
					    x->p->job->path, *f);
			}
			continue;
		}
		json_array_append_new(fields, json_string(*f));
	}
	json_decref(available);
	*out = fields;
	return 0;
}

static int copy_deals(struct deal_extract *x, struct source *src)
{
	json_t *rec;
	int rc;

	while ((rc = source_next(src, &rec)) != 0) {
		if (rc == FS_EINPUT) {
			log_warn("Deals: record skipped: %s", err_msg());
			x->bad++;
			continue;
		}
		if (rc < 0)
			return rc;
		const char *id = jstr(rec, "id");
		if (id && (rc = scratch_set_add(x->seen, id)) <= 0) {
			json_decref(rec); /* read again by id: already written */
			if (rc < 0)
				return rc;
			continue;
		}
		if (wants_products(x, rec) && (rc = read_products(x, rec))) {
			json_decref(rec);
			return rc;
		}
		rc = staging_write(x->w, rec);
		json_decref(rec);
		if (rc == FS_EINPUT) {
			log_warn("Deals: record %s skipped: %s", id ? id : "without an id", err_msg());
			x->bad++;
			rc = 0;
		}
		if (rc)
			return rc;
	}
	return 0;
}

/* The deals to read again (skipped, failed, half-created), by id, IDS_PER_CALL a call. */
static int read_again(struct deal_extract *x, struct crm_query *q)
{
	json_t *ids = NULL, *v;
	struct buf chunk = BUF_INIT;
	size_t i, n = 0, total;
	int rc;

	if ((rc = ledger_deal_retry_ids(x->p->lg, &ids)))
		return rc;
	total = json_array_size(ids);

	q->modified_since = NULL;
	q->cvid = NULL;
	json_array_foreach(ids, i, v) {
		if (rc)
			break;
		if ((rc = scratch_set_has(x->seen, json_string_value(v))) < 0)
			break;
		if (!rc)
			buf_addf(&chunk, "%s%s", n++ ? "," : "", json_string_value(v));
		rc = 0;
		if (n && (n == IDS_PER_CALL || i + 1 == total)) {
			struct source *src = NULL;
			q->ids = buf_str(&chunk);
			if (!(rc = crm_read(x->crm, q, &src)))
				rc = copy_deals(x, src);
			source_close(src);
			buf_reset(&chunk);
			n = 0;
		}
	}
	if (total)
		log_info("Deals: %zu deals skipped or unfinished before are read again", total);
	q->ids = NULL;
	buf_release(&chunk);
	json_decref(ids);
	return rc;
}

/* The item the job names, by id or by name (compared without regard to case). */
static int is_named_item(json_t *rec, void *ud)
{
	const char *want = ud, *id = jstr(rec, "item_id"), *name = jstr(rec, "name");

	return (id && !strcmp(id, want)) || (name && !strcasecmp(name, want));
}


/* The item whose id is want: 0 with *item, or with NULL when want is no id of the app. */
static int item_by_id(struct finclient *fin, const char *want, json_t **item)
{
	struct fin_doc_result res;
	int rc;

	*item = NULL;
	if (!zoho_id_ok(want))
		return 0; /* a name */
	if (!(rc = finclient_doc_get(fin, FIN_DOC_ITEM, want, &res)) && res.out.ok &&
	    is_named_item(res.record, (void *)want))
		*item = json_incref(res.record);
	fin_doc_result_release(&res);
	return rc;
}

/* The active item named want (a documented list filter, checked on the row): 0 with *item or NULL. */
static int item_by_name(struct finclient *fin, const char *want, json_t **item)
{
	static const char *const need[] = { "item_id", "name", NULL };
	struct fin_doc_result res;
	char *esc = http_escape(want), *query = xasprintf("name=%s", esc);
	int rc = finclient_doc_find(fin, FIN_DOC_ITEM, query, need, is_named_item, (void *)want, &res);

	if (rc == 1)
		*item = json_incref(res.record);
	fin_doc_result_release(&res);
	xfree(query);
	xfree(esc);
	return rc < 0 ? rc : 0;
}

/*
 * sync.deals.default_item as the app has it, staged as extract/deal_item
 * ({item_id, name}) for the transform: read once, before any write, and
 * checked on the record (its id or name, and active).
 */
static int resolve_default_item(struct pipeline *p, const char *dir, struct manifest *m)
{
	const char *want = p->job->deals.default_item;
	struct staging_writer *w = NULL;
	struct finclient *fin;
	json_t *item = NULL, *line;
	int rc;

	if ((rc = pipeline_finclient(p, &fin)) || (rc = item_by_id(fin, want, &item)) ||
	    (!item && (rc = item_by_name(fin, want, &item))))
		goto out;
	if (!item || (jstr(item, "status") && !jstr_is(item, "status", "active"))) {
		rc = fail(FS_EUSAGE,
			  "job '%s': sync.deals.default_item: %s has no %s item '%s' (give an item id or name)",
			  p->job->path, p->job->app->label, item ? "active" : "such", want);
		goto out;
	}
	line = json_pack("{s:s?, s:s?}", "item_id", jstr(item, "item_id"), "name", jstr(item, "name"));
	if (!(rc = staging_writer_open(&w, dir, "deal_item")) && !(rc = staging_write(w, line)))
		rc = staging_writer_finish(w, m);
	else if (w)
		staging_writer_abort(w);
	json_decref(line);
	log_info("deals: a deal's line is for item '%s' (%s)", jstr_or(item, "name", ""), jstr(item, "item_id"));
out:
	json_decref(item);
	return rc;
}

/* The deals' If-Modified-Since, as for the entities: watermark less the overlap (*since NULL: all). */
static int deal_since(struct deal_extract *x, char *buf, size_t n, const char **since)
{
	char *mark = NULL;
	time_t t;
	int rc;

	*since = NULL;
	if (x->p->full || !crm_incremental(x->crm) || (rc = ledger_watermark_get(x->p->lg, "deals", &mark)) == 0)
		return 0;
	if (rc < 0)
		return rc;
	if (!time_parse_iso(mark, &t)) {
		struct tm tm;
		t -= x->p->job->overlap_seconds;
		gmtime_r(&t, &tm);
		strftime(buf, n, "%Y-%m-%dT%H:%M:%S+00:00", &tm);
		*since = buf;
		log_info("deals: reading changes since %s (watermark %s less %lds)", *since, mark,
			 x->p->job->overlap_seconds);
	}
	xfree(mark);
	return 0;
}

static int deals_extract(struct stage_run *s, const struct sync_unit *u)
{
	struct pipeline *p = s->p;
	const char *dir = s->out_dir;
	struct manifest *m = s->m;
	struct deal_extract x = { .p = p, .crm = s->crm };
	struct crm_query q = { "Deals", NULL, NULL, NULL, NULL, dir };
	struct source *src = NULL;
	char since[40];
	int rc, incremental;

	(void)u;
	if (!pipeline_wants_unit(p, p->job->deals.enabled))
		return 0;
	log_set_entity("deals");
	q.cvid = p->job->deals.views ? jstr(p->job->deals.views, "Deals") : NULL;
	if ((rc = deal_since(&x, since, sizeof(since), &q.modified_since)))
		goto out;
	incremental = q.modified_since != NULL;
	x.seen = scratch_set_new(dir, "deals-seen.tmp");
	if ((rc = deal_read_fields(&x, &q.fields)) || (rc = staging_writer_open(&x.w, dir, "deals")))
		goto out;
	if ((rc = crm_read(s->crm, &q, &src)) || (rc = copy_deals(&x, src)) ||
	    (incremental && (rc = read_again(&x, &q)))) {
		staging_writer_abort(x.w);
		goto out;
	}
	log_info("Deals: %ld records%s%s; the products of %ld read", staging_writer_count(x.w),
		 p->job->deals.views ? " (custom view)" : "", incremental ? " changed since the last run" : "",
		 x.product_reads);
	if (staging_writer_count(x.w) && p->job->deals.default_item && (rc = resolve_default_item(p, dir, m))) {
		staging_writer_abort(x.w);
		goto out;
	}
	rc = staging_writer_finish(x.w, m);
	p->records_failed += x.bad;
out:
	source_close(src);
	json_decref(q.fields);
	scratch_set_free(x.seen);
	log_set_entity(NULL);
	return rc;
}

/* ==== transform ==== */

/* The customer a deal is invoiced to, by the job's customers mode: {module, crm_id, name} or NULL. */
static json_t *deal_customer(const struct job *job, json_t *deal)
{
	const struct entity_sync *c = &job->entities[ENTITY_CUSTOMERS];
	json_t *account = json_object_get(deal, "Account_Name"), *contact = json_object_get(deal, "Contact_Name");
	int accounts = c->crm_module != CRM_CONTACTS;
	int contacts = c->crm_module == CRM_CONTACTS || c->include_orphan_contacts;

	if (accounts && jstr(account, "id"))
		return json_pack("{s:s, s:s, s:s?}", "module", "Accounts", "crm_id", jstr(account, "id"), "name",
				 jstr(account, "name"));
	if (contacts && jstr(contact, "id"))
		return json_pack("{s:s, s:s, s:s?}", "module", "Contacts", "crm_id", jstr(contact, "id"), "name",
				 jstr(contact, "name"));
	return NULL;
}

static const char *no_customer_reason(const struct job *job)
{
	const struct entity_sync *c = &job->entities[ENTITY_CUSTOMERS];

	if (c->crm_module == CRM_CONTACTS)
		return "the deal has no contact";
	if (c->include_orphan_contacts)
		return "the deal has no account or contact";
	return "the deal has no account";
}

/* What the ledger knows of one of a deal's transactions, as deal_plan wants it. */
struct known {
	struct deal_link link;
	int found;
};

static int known_get(struct ledger *lg, const char *deal_id, const char *kind, struct known *k)
{
	int rc = ledger_deal_link_get(lg, deal_id, kind, &k->link);

	k->found = rc == 1;
	return rc < 0 ? rc : 0;
}

/* NULL (none) for no row or a pending one: the load looks that one up before creating. */
static const char *known_status(const struct known *k)
{
	return k->found && strcmp(k->link.state, "pending") ? k->link.state : NULL;
}

static int known_changed(const struct known *k, const char *hash)
{
	return k->found && (!k->link.hash || strcmp(k->link.hash, hash));
}

struct deal_input {
	json_t *rec;
	enum deal_outcome outcome;
	long stage_index;
};

static void deal_input(const struct job *job, json_t *rec, struct deal_input *in)
{
	double prob = 0;
	int has_prob = deal_number(rec, "Probability", &prob);

	in->rec = rec;
	in->outcome = deal_outcome(&job->deals, jstr(rec, "Stage"), has_prob, prob);
	in->stage_index = deal_stage_index(&job->deals, jstr(rec, "Stage"));
}

/* What the ledger knows of a deal's quote, invoice and sales order. */
struct knowns {
	struct known quote, invoice, order;
};

static void facts_of(const struct deal_input *in, const struct knowns *k, const char *hash, struct deal_facts *f)
{
	memset(f, 0, sizeof(*f));
	f->outcome = in->outcome;
	f->stage_index = in->stage_index;
	f->quote_status = known_status(&k->quote);
	f->invoice_status = known_status(&k->invoice);
	f->order_status = known_status(&k->order);
	f->quote_changed = known_changed(&k->quote, hash);
	f->invoice_changed = known_changed(&k->invoice, hash);
	f->order_changed = known_changed(&k->order, hash);
}

static const char *const outcome_names[] = { "open", "won", "lost" };

static int plan_creates(const struct deal_plan *pl)
{
	size_t i;

	for (i = 0; i < pl->n; i++)
		if (deal_step_creates(pl->steps[i]))
			return 1;
	return 0;
}

/* The line's action: what the plan does first that shows (a send is on the way to accept or decline). */
static const char *plan_action(const struct deal_plan *pl)
{
	size_t i;

	for (i = 0; i < pl->n; i++)
		if (deal_step_action(pl->steps[i]))
			return deal_step_action(pl->steps[i]);
	return "unchanged";
}

struct deal_xform {
	struct pipeline *p;
	struct staging_writer *w;
	struct stats st;
	json_t *item; /* the default item the extract found ({item_id, name}), or NULL */
};

/* The default item staged by the extract (there when it read any deal and the job names one). */
static int read_default_item(struct deal_xform *x, const char *extract_dir)
{
	struct staging_reader *r = NULL;
	int rc;

	if (!x->p->job->deals.default_item)
		return 0;
	if (!(rc = staging_reader_open(&r, extract_dir, "deal_item", 1)) && (rc = staging_read(r, &x->item)) > 0)
		rc = 0;
	staging_reader_close(r);
	return rc;
}

static void count_planned(struct stats *st, const char *action)
{
	if (!strcmp(action, "create"))
		st->added++;
	else if (!strcmp(action, "unchanged"))
		st->unchanged++;
	else if (!strcmp(action, "skip"))
		st->skipped++;
	else if (!strcmp(action, "invalid"))
		st->failed++;
	else
		st->updated++;
}

static json_t *plan_line(json_t *rec, const struct deal_input *in, json_t *customer, const char *action,
			 const char *reason, const struct deal_plan *pl, const char *hash, json_t *payload,
			 const struct knowns *k)
{
	const char *fid = k->order.found && k->order.link.finance_id       ? k->order.link.finance_id
			  : k->invoice.found && k->invoice.link.finance_id ? k->invoice.link.finance_id
			  : k->quote.found                                 ? k->quote.link.finance_id
									   : NULL;
	json_t *steps = json_array(), *l;
	size_t i;

	for (i = 0; pl && i < pl->n; i++)
		json_array_append_new(steps, json_string(deal_step_name(pl->steps[i])));
	l = json_pack("{s:s, s:s, s:s?, s:s?, s:s, s:s, s:s?, s:s?, s:s?, s:s, s:o, s:o, s:s?, s:O?}", "entity",
		      "deals", "crm_module", "Deals", "crm_id", jstr(rec, "id"), "name", jstr(rec, "Deal_Name"),
		      "action", action, "match", "", "reason", reason && *reason ? reason : NULL, "finance_id", fid,
		      "stage", jstr(rec, "Stage"), "outcome", outcome_names[in->outcome], "customer",
		      customer ? json_incref(customer) : json_null(), "steps", steps, "hash",
		      hash && *hash ? hash : NULL, "payload", payload);
	return l;
}

static int transform_deal(struct deal_xform *x, json_t *rec)
{
	const struct job *job = x->p->job;
	const char *id = jstr(rec, "id"), *why = NULL;
	struct knowns k;
	char hash[CONTENT_HASH_LEN] = "";
	json_t *products = job->deals.line_items == LINES_PRODUCTS ? json_object_get(rec, "Products") : NULL;
	json_t *payload = deal_payload(rec, jstr(x->item, "item_id"), products, &why), *customer = NULL, *line = NULL;
	struct deal_input in;
	struct deal_facts f;
	struct deal_plan pl = { 0 };
	const char *action, *reason;
	int rc;

	memset(&k, 0, sizeof(k));
	deal_input(job, rec, &in);
	if (!payload) {
		action = "invalid";
		reason = why;
		x->p->records_failed++;
		line = plan_line(rec, &in, NULL, action, reason, NULL, NULL, NULL, &k);
		goto write;
	}
	content_hash(payload, hash);
	if ((rc = known_get(x->p->lg, id, "quote", &k.quote)) ||
	    (rc = known_get(x->p->lg, id, "invoice", &k.invoice)) ||
	    (rc = known_get(x->p->lg, id, "salesorder", &k.order)))
		goto out;
	facts_of(&in, &k, hash, &f);
	deal_plan_decide(&job->deals, &f, &pl);
	customer = deal_customer(job, rec);
	action = plan_action(&pl);
	reason = pl.reason;
	if (plan_creates(&pl) && !customer) {
		action = "skip";
		reason = no_customer_reason(job);
	}
	line = plan_line(rec, &in, customer, action, reason, &pl, hash, payload, &k);
write:
	if (!(rc = staging_write(x->w, line)))
		count_planned(&x->st, action);
out:
	json_decref(line);
	json_decref(customer);
	json_decref(payload);
	deal_link_release(&k.quote.link);
	deal_link_release(&k.invoice.link);
	deal_link_release(&k.order.link);
	return rc;
}

static int write_transform_stats(struct pipeline *p, const struct stats *st)
{
	int rc;

	if ((rc = ledger_begin(p->lg)))
		return rc;
	if ((rc = ledger_stats_add(p->lg, p->run_id, "deals", "transform", st))) {
		ledger_rollback(p->lg);
		return rc;
	}
	return ledger_commit(p->lg);
}

static int deals_transform(struct stage_run *s, const struct sync_unit *u)
{
	struct pipeline *p = s->p;
	const char *extract_dir = s->in_dir, *out_dir = s->out_dir;
	struct manifest *m = s->m;
	struct deal_xform x = { .p = p };
	struct staging_reader *r = NULL;
	json_t *rec = NULL;
	int rc;

	(void)u;
	if (!pipeline_wants_unit(p, p->job->deals.enabled))
		return 0;
	log_set_entity("deals");
	if ((rc = staging_reader_open(&r, extract_dir, "deals", 1)) ||
	    (rc = staging_writer_open(&x.w, out_dir, "deals")))
		goto out;
	if ((rc = read_default_item(&x, extract_dir))) {
		staging_writer_abort(x.w);
		goto out;
	}
	while ((rc = staging_read(r, &rec)) != 0) {
		if (rc == FS_EINPUT || (rc == 1 && !json_is_object(rec))) {
			log_warn("deals: %s; counted as a failed record",
				 rc == 1 ? "a line that is not an object" : err_msg());
			x.st.failed++;
			p->records_failed++;
			rc = 0;
		} else if (rc > 0) {
			rc = transform_deal(&x, rec);
		}
		json_decref(rec);
		rec = NULL;
		if (rc < 0)
			break;
	}
	if (rc < 0) {
		staging_writer_abort(x.w);
		goto out;
	}
	if (!(rc = staging_writer_finish(x.w, m)))
		rc = write_transform_stats(p, &x.st);
	log_info("deals: %ld create, %ld change, %ld unchanged, %ld skipped, %ld failed", x.st.added, x.st.updated,
		 x.st.unchanged, x.st.skipped, x.st.failed);
out:
	staging_reader_close(r);
	json_decref(x.item);
	log_set_entity(NULL);
	return rc;
}

/* ==== load ==== */

struct deal_load {
	struct pipeline *p;
	struct finclient *fin;
	struct stats s;
	int resuming; /* an earlier attempt at this run's load recorded deals */
	long waiting; /* deals with work left when the daily budget ran out */
};

/* One of a deal's transactions, as the load knows it. */
struct txn {
	const char *kind; /* "quote" / "invoice" */
	enum fin_doc doc;
	struct deal_link link;
	int found;         /* a row in deal_links */
	int exists;        /* a transaction in the app (found and not pending) */
	const char *match; /* how it was found: "ledger" or "reference_number" */
	char *number;      /* INV-000001 …, for messages */
	char *customer_id; /* its customer as the app last answered, for an update's body */
	int looked_up;     /* asked for by reference_number since its last create: not there */
};

/* The deal being loaded. */
struct deal_ctx {
	json_t *line;
	const char *id;
	struct txn quote, invoice, order;
	const char *customer_id; /* finance id of the deal's customer as linked (customer.finance_id), or NULL */
	struct link customer;    /* that link, read once (customer_read) */
	int customer_read;
	json_t *payload;  /* the line's payload with its products on their items (lines_on_items), or NULL */
	int seen_earlier; /* resumed: this run recorded it already */
};

static void txn_release(struct txn *t)
{
	deal_link_release(&t->link);
	xfree(t->number);
	xfree(t->customer_id);
	t->number = t->customer_id = NULL;
}

static void txn_take_record(struct txn *t, json_t *record)
{
	const char *num = jstr(record, t->doc == FIN_DOC_INVOICE      ? "invoice_number"
				       : t->doc == FIN_DOC_SALESORDER ? "salesorder_number"
								      : "estimate_number");

	if (num) {
		xfree(t->number);
		t->number = xstrdup(num);
	}
	if (jstr(record, "customer_id")) {
		xfree(t->customer_id);
		t->customer_id = xstrdup(jstr(record, "customer_id"));
	}
}

static const char *txn_label(const struct txn *t)
{
	return t->number ? t->number : t->link.finance_id ? t->link.finance_id : "?";
}

/* ---- the ledger side of one outcome ---- */

static void count_outcome(struct stats *s, const char *action)
{
	if (!strcmp(action, "create"))
		s->added++;
	else if (!strcmp(action, "unchanged"))
		s->unchanged++;
	else if (!strcmp(action, "skip"))
		s->skipped++;
	else if (!strcmp(action, "failed") || !strcmp(action, "invalid"))
		s->failed++;
	else
		s->updated++;
}

/* One transaction: the link (when t), the event and the running stats. */
static int record(struct deal_load *l, struct deal_ctx *d, struct txn *t, const char *action, const char *match,
		  const char *reason)
{
	struct ledger *lg = l->p->lg;
	int rc;

	if ((rc = ledger_begin(lg)))
		return rc;
	count_outcome(&l->s, action);
	if (!strcmp(action, "failed") || !strcmp(action, "invalid"))
		l->p->records_failed++;
	if ((t && (rc = ledger_deal_link_put(lg, &t->link))) ||
	    (rc = ledger_event_add(lg, l->p->run_id, "deals", "Deals", d->id, t ? t->link.finance_id : NULL, action,
				   match, reason)) ||
	    (rc = ledger_stats_add(lg, l->p->run_id, "deals", "load", &l->s))) {
		ledger_rollback(lg);
		return rc;
	}
	return ledger_commit(lg);
}

static int save_link(struct deal_load *l, const struct txn *t)
{
	int rc;

	if ((rc = ledger_begin(l->p->lg)))
		return rc;
	if ((rc = ledger_deal_link_put(l->p->lg, &t->link))) {
		ledger_rollback(l->p->lg);
		return rc;
	}
	return ledger_commit(l->p->lg);
}

/* ---- the app's side: what is really there ---- */

static int txn_get(struct deal_load *l, struct deal_ctx *d, struct txn *t)
{
	int rc = ledger_deal_link_get(l->p->lg, d->id, t->kind, &t->link);

	t->found = rc == 1;
	t->match = "ledger";
	if (rc == 0) {
		t->link.deal_id = xstrdup(d->id);
		t->link.kind = xstrdup(t->kind);
	}
	t->exists = t->found && strcmp(t->link.state, "pending");
	return rc < 0 ? rc : 0;
}

/* The deal's customer as the ledger links it: d->customer_id, or NULL when not linked (yet). */
static int linked_customer(struct deal_load *l, struct deal_ctx *d)
{
	const char *crm_id = jstr(json_object_get(d->line, "customer"), "crm_id");
	int rc;

	if (d->customer_read)
		return 0;
	d->customer_read = 1;
	if (!crm_id || (rc = ledger_link_get(l->p->lg, "customers", crm_id, &d->customer)) == 0)
		return 0;
	if (rc < 0)
		return rc;
	if (d->customer.finance_id && strcmp(d->customer.state, "pending"))
		d->customer_id = d->customer.finance_id;
	return 0;
}

/*
 * The app is asked for the deal's transaction by its reference_number (the
 * deal id, a documented filter) and its customer: after a create that may
 * have happened without its answer (state pending, or FS_EUNSURE), and
 * before any create (the ledger may have lost the link: unlink, a new
 * state_dir).  Only a row that carries both is taken; found, it is linked,
 * so a deal's quote and invoice are each created once, ever.  A deal whose
 * customer is not linked creates nothing, so it is not looked up.
 */
static int adopt_existing(struct deal_load *l, struct deal_ctx *d, struct txn *t)
{
	struct fin_doc_result res;
	int rc;

	if (t->exists || t->looked_up)
		return 0;
	if ((rc = linked_customer(l, d)) || !d->customer_id)
		return rc;
	if ((rc = finclient_doc_find_own(l->fin, t->doc, d->id, d->customer_id, &res)) == 1) {
		log_info("deals %s: its %s %s was made before%s; linked to it", d->id, t->kind, res.out.finance_id,
			 t->found ? " (created by an interrupted run, or a create whose answer was lost)" : "");
		xstrset(&t->link.finance_id, res.out.finance_id);
		xstrset(&t->link.state, jstr_or(res.record, "status", "draft"));
		xstrset(&t->link.hash, jstr(d->line, "hash"));
		txn_take_record(t, res.record);
		t->exists = t->found = 1;
		t->match = "reference_number";
		rc = save_link(l, t);
	}
	t->looked_up = rc == 0;
	fin_doc_result_release(&res);
	return rc;
}

/* Before any change: the transaction's status as the app has it now. */
static int refresh(struct deal_load *l, struct deal_ctx *d, struct txn *t)
{
	struct fin_doc_result res;
	const char *status;
	int rc;

	if (!t->exists || !t->link.finance_id)
		return 0;
	if ((rc = finclient_doc_get(l->fin, t->doc, t->link.finance_id, &res)))
		goto out;
	if (res.out.ok) {
		status = jstr_or(res.record, "status", t->link.state);
		txn_take_record(t, res.record);
	} else if (res.out.status == 404) {
		status = "gone";
		log_warn("deals %s: its %s %s is no longer in %s; it is not created again", d->id, t->kind,
			 t->link.finance_id, l->p->job->app->label);
	} else {
		rc = fail(FS_EAPI, "%s refused reading %s %s (HTTP %ld, code %ld): %s", l->p->job->app->label,
			  fin_doc_name(t->doc), t->link.finance_id, res.out.status, res.out.code, res.out.message);
		goto out;
	}
	if (strcmp(status, t->link.state)) {
		xstrset(&t->link.state, status);
		rc = save_link(l, t);
	}
out:
	fin_doc_result_release(&res);
	return rc;
}

/* Before the plan's creates: the transactions the app may have without the ledger knowing. */
static int adopt_for_creates(struct deal_load *l, struct deal_ctx *d, const struct deal_plan *pl)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < pl->n && !rc; i++)
		if (pl->steps[i] == STEP_QUOTE_CREATE)
			rc = adopt_existing(l, d, &d->quote);
		else if (pl->steps[i] == STEP_INVOICE_CREATE)
			rc = adopt_existing(l, d, &d->invoice);
		else if (pl->steps[i] == STEP_ORDER_CREATE)
			rc = adopt_existing(l, d, &d->order);
	return rc;
}

/* ---- the steps ---- */

static void plan_from_links(struct deal_load *l, struct deal_ctx *d, struct deal_plan *pl)
{
	const struct job *job = l->p->job;
	const char *hash = jstr(d->line, "hash");
	struct deal_facts f = { 0 };
	const char *outcome = jstr(d->line, "outcome");

	f.outcome = !outcome || !strcmp(outcome, "open") ? DEAL_OPEN : !strcmp(outcome, "won") ? DEAL_WON : DEAL_LOST;
	f.stage_index = deal_stage_index(&job->deals, jstr(d->line, "stage"));
	f.quote_status = d->quote.exists ? d->quote.link.state : NULL;
	f.invoice_status = d->invoice.exists ? d->invoice.link.state : NULL;
	f.quote_changed = d->quote.exists && hash && (!d->quote.link.hash || strcmp(d->quote.link.hash, hash));
	f.invoice_changed = d->invoice.exists && hash && (!d->invoice.link.hash || strcmp(d->invoice.link.hash, hash));
	f.order_status = d->order.exists ? d->order.link.state : NULL;
	f.order_changed = d->order.exists && hash && (!d->order.link.hash || strcmp(d->order.link.hash, hash));
	deal_plan_decide(&job->deals, &f, pl);
}

static const char *customer_word(json_t *customer)
{
	return jstr_is(customer, "module", "Contacts") ? "contact" : "account";
}

/*
 * The finance customer a create goes to: the link of the deal's account (or
 * contact).  1 with d->customer_id, 0 when it is not linked (*why says so and
 * why, from that record's last event).
 */
static int find_customer(struct deal_load *l, struct deal_ctx *d, char **why)
{
	json_t *c = json_object_get(d->line, "customer");
	char *action = NULL, *reason = NULL;
	int rc;

	*why = NULL;
	if ((rc = linked_customer(l, d)) < 0)
		return rc;
	if (d->customer_id)
		return 1;
	if ((rc = ledger_event_last(l->p->lg, "customers", jstr(c, "crm_id"), &action, &reason)) < 0)
		return rc;
	*why = xasprintf("its %s '%s' (crm id %s) is not linked to a %s customer%s%s%s%s%s", customer_word(c),
			 jstr_or(c, "name", ""), jstr(c, "crm_id"), l->p->job->app->label, action ? ": it was " : "",
			 action ? action : "", reason ? " (" : "", reason ? reason : "", reason ? ")" : "");
	xfree(action);
	xfree(reason);
	return 0;
}

/*
 * The body of a create or an update: the deal's payload (with line_items),
 * the customer (the deal's on a create; on an update the one the draft
 * has, since update-an-invoice-request and update-an-estimate-request
 * require customer_id), and the source quote on a create.
 */
static json_t *step_body(const struct job *job, struct deal_ctx *d, const struct txn *t, enum deal_step s)
{
	json_t *body = json_deep_copy(d->payload ? d->payload : json_object_get(d->line, "payload"));
	const char *customer = deal_step_creates(s) || !t->customer_id ? d->customer_id : t->customer_id;

	json_object_set_new(body, "customer_id", customer ? json_string(customer) : json_null());
	if (s == STEP_INVOICE_CREATE && d->quote.exists && d->quote.link.finance_id)
		json_object_set_new(body, "invoiced_estimate_id", json_string(d->quote.link.finance_id));
	if (t->doc == FIN_DOC_INVOICE) {
		char today[11];
		time_t now = time(NULL);
		struct tm tm;
		gmtime_r(&now, &tm);
		strftime(today, sizeof(today), "%Y-%m-%d", &tm);
		body = deal_invoice_for_app(body, job->app, s == STEP_INVOICE_CREATE, today);
	}
	return body;
}

static const char *const step_status[STEP_COUNT] = {
	[STEP_QUOTE_SEND] = "sent",   [STEP_QUOTE_ACCEPT] = "accepted", [STEP_QUOTE_DECLINE] = "declined",
	[STEP_INVOICE_SEND] = "sent", [STEP_INVOICE_VOID] = "void",
};

static char *step_reason(struct deal_ctx *d, enum deal_step s, const struct txn *t, int sent_first)
{
	json_t *c = json_object_get(d->line, "customer");
	const char *stage = jstr_or(d->line, "stage", "");
	const char *doc = t->doc == FIN_DOC_INVOICE      ? "invoice"
			  : t->doc == FIN_DOC_SALESORDER ? "sales order"
							 : "quote";

	switch (s) {
	case STEP_ORDER_CONFIRM:
		return xasprintf("sales order %s confirmed (%s): the deal is won", txn_label(t), t->link.state);
	case STEP_ORDER_VOID:
		return xasprintf("draft sales order %s voided: the deal is lost (stage '%s')", txn_label(t), stage);
	case STEP_QUOTE_CREATE:
	case STEP_INVOICE_CREATE:
	case STEP_ORDER_CREATE:
		return xasprintf("%s %s created as a draft for %s '%s'%s%s", doc, txn_label(t), customer_word(c),
				 jstr_or(c, "name", ""),
				 s == STEP_INVOICE_CREATE && d->quote.exists ? " from quote " : "",
				 s == STEP_INVOICE_CREATE && d->quote.exists ? txn_label(&d->quote) : "");
	case STEP_QUOTE_UPDATE:
	case STEP_INVOICE_UPDATE:
	case STEP_ORDER_UPDATE:
		return xasprintf("draft %s %s updated: the deal changed", doc, txn_label(t));
	case STEP_QUOTE_ACCEPT:
		return xasprintf("quote %s %saccepted: the deal is %s (stage '%s')", txn_label(t),
				 sent_first ? "marked sent and " : "", jstr(d->line, "outcome"), stage);
	case STEP_QUOTE_DECLINE:
		return xasprintf("quote %s %sdeclined: the deal is lost (stage '%s')", txn_label(t),
				 sent_first ? "marked sent and " : "", stage);
	default:
		return xasprintf("invoice %s %svoided: the deal is lost (stage '%s')", txn_label(t),
				 sent_first ? "marked sent and " : "", stage);
	}
}

/* The app refused a step: a failed event with its message; the deal's other steps wait for the next run. */
static int step_refused(struct deal_load *l, struct deal_ctx *d, struct txn *t, enum deal_step s,
			const struct fin_outcome *o)
{
	char *why = xasprintf("%s refused to %s %s%s%s of deal '%s' (HTTP %ld, code %ld): %s", l->p->job->app->label,
			      strchr(deal_step_name(s), '_') + 1, fin_doc_name(t->doc), t->link.finance_id ? " " : "",
			      t->link.finance_id ? t->link.finance_id : "", jstr_or(d->line, "name", ""), o->status,
			      o->code, o->message);
	int rc;

	log_warn("%s (crm id %s)", why, d->id);
	if (deal_step_creates(s) && !t->exists) {
		/* Refused is not created: no intent is left behind. */
		if ((rc = ledger_begin(l->p->lg)) || (rc = ledger_deal_link_delete(l->p->lg, d->id, t->kind)) ||
		    (rc = ledger_commit(l->p->lg))) {
			xfree(why);
			return rc;
		}
		t->found = 0;
	}
	rc = record(l, d, NULL, "failed", "", why);
	xfree(why);
	return rc;
}

/* The status a step moves its transaction to; a sales order is confirmed to the app's own status. */
static const char *step_to(const struct deal_load *l, enum deal_step s)
{
	if (s == STEP_ORDER_CONFIRM)
		return l->p->job->app->salesorder_confirm;
	return s == STEP_ORDER_VOID ? "void" : step_status[s];
}

static int send_step(struct deal_load *l, struct deal_ctx *d, struct txn *t, enum deal_step s,
		     struct fin_doc_result *res)
{
	json_t *body = NULL;
	int rc;

	switch (s) {
	case STEP_QUOTE_CREATE:
	case STEP_INVOICE_CREATE:
	case STEP_ORDER_CREATE:
		/* The intent first, committed: a kill after the POST is found by the deal id. */
		xstrset(&t->link.state, "pending");
		xstrset(&t->link.finance_id, NULL);
		if ((rc = save_link(l, t)))
			return rc;
		t->found = 1;
		body = step_body(l->p->job, d, t, s);
		rc = finclient_doc_create(l->fin, t->doc, body, res);
		break;
	case STEP_QUOTE_UPDATE:
	case STEP_INVOICE_UPDATE:
	case STEP_ORDER_UPDATE:
		if (!t->customer_id && (rc = linked_customer(l, d)))
			return rc;
		body = step_body(l->p->job, d, t, s);
		rc = finclient_doc_update(l->fin, t->doc, t->link.finance_id, body, res);
		break;
	default:
		rc = finclient_doc_status(l->fin, t->doc, t->link.finance_id, step_to(l, s), res);
	}
	json_decref(body);
	return rc;
}

/*
 * A step's POST went out and no answer came (FS_EUNSURE): it may have been
 * applied, so it is never sent blind again.  A create is looked up at once
 * by its reference_number; found, it is the deal's and the run goes on.
 * Otherwise the deal fails for this run, a create's intent stays pending,
 * and the next run looks it up before any create; a status change is read
 * back by id before the next run changes anything.  1 when the deal's next
 * steps may follow, 0 when not, <0 error.
 */
static int step_unsure(struct deal_load *l, struct deal_ctx *d, struct txn *t, enum deal_step s)
{
	int create = deal_step_creates(s);
	char *why = xstrdup(err_msg()), *reason;
	int rc;

	log_warn("deals %s: %s", d->id, why);
	t->looked_up = 0; /* sent since: ask again */
	if (create && (rc = adopt_existing(l, d, t)) < 0)
		goto out;
	if (create && t->exists) {
		reason = step_reason(d, s, t, 0);
		rc = record(l, d, t, deal_step_action(s), t->match, reason);
		log_info("deals %s: %s (its answer was lost; found by reference_number)", d->id, reason);
		xfree(reason);
		rc = rc < 0 ? rc : 1;
		goto out;
	}
	reason = xasprintf("%s%s", why,
			   create ? "; it is looked up by reference_number before any create next run"
				  : "; its status is read again next run");
	rc = record(l, d, NULL, "failed", "", reason);
	xfree(reason);
out:
	xfree(why);
	return rc;
}

/* One step: sent, then recorded.  1 when the deal's next steps may follow, 0 when not, <0 error. */
static int do_step(struct deal_load *l, struct deal_ctx *d, enum deal_step s, int *sent_first)
{
	struct txn *t = deal_step_is_quote(s) ? &d->quote : deal_step_is_order(s) ? &d->order : &d->invoice;
	int create = deal_step_creates(s);
	struct fin_doc_result res;
	char *reason;
	int rc;

	memset(&res, 0, sizeof(res));
	if ((rc = send_step(l, d, t, s, &res)) == FS_EUNSURE) {
		rc = step_unsure(l, d, t, s);
		goto out;
	}
	if (rc)
		goto out;
	if (!res.out.ok) {
		rc = step_refused(l, d, t, s, &res.out);
		rc = rc < 0 ? rc : 0;
		goto out;
	}
	if (deal_step_writes_lines(s)) {
		if (create)
			xstrset(&t->link.finance_id, res.out.finance_id);
		xstrset(&t->link.state, jstr_or(res.record, "status", "draft"));
		xstrset(&t->link.hash, jstr(d->line, "hash"));
		txn_take_record(t, res.record);
		t->exists = t->found = 1;
	} else {
		xstrset(&t->link.state, step_to(l, s));
	}
	/* A send on the way, or a sales order confirmed right after its create: one event, the create's. */
	if (s == STEP_QUOTE_SEND || s == STEP_INVOICE_SEND || (s == STEP_ORDER_CONFIRM && *sent_first == 2)) {
		if (s == STEP_ORDER_CONFIRM)
			log_info("deals %s: sales order %s confirmed (%s)", d->id, txn_label(t), t->link.state);
		*sent_first = 1;
		rc = save_link(l, t);
	} else {
		reason = step_reason(d, s, t, *sent_first);
		rc = record(l, d, t, deal_step_action(s), create ? "" : t->match, reason);
		log_info("deals %s: %s", d->id, reason);
		xfree(reason);
		*sent_first = s == STEP_ORDER_CREATE ? 2 : 0;
	}
	rc = rc < 0 ? rc : 1;
out:
	fin_doc_result_release(&res);
	return rc;
}

/* The items the deal's product lines are linked to: {crm product id: item id}, the linked ones only. */
static int product_items(struct deal_load *l, json_t *payload, json_t **out)
{
	json_t *items = json_object(), *line;
	size_t i;
	int rc = 0;

	json_array_foreach(json_object_get(payload, "line_items"), i, line) {
		const char *pid = jstr(line, "crm_product_id");
		struct link link = { 0 };
		if (!pid || json_object_get(items, pid))
			continue;
		if ((rc = ledger_link_get(l->p->lg, "items", pid, &link)) < 0)
			break;
		if (rc == 1 && link.finance_id && strcmp(link.state, "pending") && strcmp(link.state, "source_deleted"))
			json_object_set_new(items, pid, json_string(link.finance_id));
		link_release(&link);
		rc = 0;
	}
	if (rc < 0)
		json_decref(items);
	*out = rc < 0 ? NULL : items;
	return rc;
}

/*
 * A step that writes lines sends the deal's products on their linked items
 * (the items loaded before the deals in this same run included).  A product
 * not linked yet: 1 with *why, and the deal waits (skip), planned again on
 * the next run.  0 when the lines are ready, <0 error.
 */
static int lines_on_items(struct deal_load *l, struct deal_ctx *d, const struct deal_plan *pl, char **why)
{
	json_t *payload = json_object_get(d->line, "payload"), *items = NULL, *missing = NULL;
	size_t i;
	int writes = 0, rc;

	*why = NULL;
	for (i = 0; i < pl->n; i++)
		writes |= deal_step_writes_lines(pl->steps[i]);
	if (!writes || !payload)
		return 0;
	if ((rc = product_items(l, payload, &items)))
		return rc;
	if (!(d->payload = deal_lines_on_items(payload, items, &missing))) {
		*why = xasprintf("waits for its product '%s' (crm id %s): not linked to a %s item yet",
				 jstr_or(missing, "name", ""), jstr(missing, "crm_product_id"), l->p->job->app->label);
		rc = 1;
	}
	json_decref(items);
	return rc;
}

static int run_steps(struct deal_load *l, struct deal_ctx *d, const struct deal_plan *pl)
{
	char *why = NULL;
	int sent_first = 0, rc = 0;
	size_t i;

	if ((rc = lines_on_items(l, d, pl, &why)) != 0) {
		if (rc == 1) {
			log_info("deals %s: skipped: %s", d->id, why);
			rc = record(l, d, NULL, "skip", "", why);
		}
		goto out;
	}
	if (plan_creates(pl)) {
		if ((rc = find_customer(l, d, &why)) <= 0) {
			if (rc == 0) {
				log_info("deals %s: skipped: %s", d->id, why);
				rc = record(l, d, NULL, "skip", "", why);
			}
			goto out;
		}
	}
	for (i = 0; i < pl->n && rc >= 0; i++)
		if ((rc = do_step(l, d, pl->steps[i], &sent_first)) == 0)
			break;
out:
	xfree(why);
	return rc < 0 ? rc : 0;
}

/* A line the transform settled (invalid, skip): recorded as it says. */
static int load_settled(struct deal_load *l, struct deal_ctx *d, const char *action)
{
	if (d->seen_earlier)
		return 0;
	return record(l, d, NULL, action, "", jstr(d->line, "reason"));
}

static int load_deal(struct deal_load *l, json_t *line)
{
	struct deal_ctx d = { .line = line, .id = jstr(line, "crm_id") };
	const char *action = jstr(line, "action");
	struct deal_plan pl;
	char *earlier = NULL;
	int rc;

	d.quote = (struct txn){ .kind = "quote", .doc = FIN_DOC_ESTIMATE };
	d.invoice = (struct txn){ .kind = "invoice", .doc = FIN_DOC_INVOICE };
	d.order = (struct txn){ .kind = "salesorder", .doc = FIN_DOC_SALESORDER };
	if (!d.id || !action)
		return fail(FS_EINPUT, "deals: a line without crm_id or action");
	if (l->resuming && (rc = ledger_event_action(l->p->lg, l->p->run_id, "deals", d.id, &earlier)) < 0)
		return rc;
	d.seen_earlier = earlier != NULL;
	xfree(earlier);
	if (!strcmp(action, "invalid") || !strcmp(action, "skip"))
		return load_settled(l, &d, action);
	if ((rc = txn_get(l, &d, &d.quote)) || (rc = txn_get(l, &d, &d.invoice)) || (rc = txn_get(l, &d, &d.order)) ||
	    (d.quote.found && (rc = adopt_existing(l, &d, &d.quote))) ||
	    (d.invoice.found && (rc = adopt_existing(l, &d, &d.invoice))) ||
	    (d.order.found && (rc = adopt_existing(l, &d, &d.order))))
		goto out;
	plan_from_links(l, &d, &pl);
	/* Only a deal with something to do costs a read of its transactions. */
	if (pl.n && !(rc = refresh(l, &d, &d.quote)) && !(rc = refresh(l, &d, &d.invoice)) &&
	    !(rc = refresh(l, &d, &d.order)) && !(rc = adopt_for_creates(l, &d, &pl)))
		plan_from_links(l, &d, &pl);
	if (rc)
		goto out;
	if (pl.n)
		rc = run_steps(l, &d, &pl);
	else if (!d.seen_earlier)
		rc = record(l, &d,
			    d.order.exists     ? &d.order
			    : d.invoice.exists ? &d.invoice
			    : d.quote.exists   ? &d.quote
					       : NULL,
			    "unchanged",
			    d.order.exists     ? d.order.match
			    : d.invoice.exists ? d.invoice.match
			    : d.quote.exists   ? d.quote.match
					       : "",
			    pl.reason);
out:
	txn_release(&d.quote);
	txn_release(&d.invoice);
	txn_release(&d.order);
	link_release(&d.customer);
	json_decref(d.payload);
	return rc;
}

/* A deal the app refused to read (FS_EAPI): failed, the others go on. */
static int deal_failed(struct deal_load *l, json_t *line)
{
	struct deal_ctx d = { .line = line, .id = jstr(line, "crm_id") };
	char *why = xstrdup(err_msg());
	int rc;

	log_warn("deals %s: %s", d.id ? d.id : "?", why);
	rc = record(l, &d, NULL, "failed", "", why);
	xfree(why);
	return rc;
}

static int is_work(json_t *line)
{
	const char *a = jstr(line, "action");

	return a && strcmp(a, "unchanged") && strcmp(a, "skip") && strcmp(a, "invalid");
}

/* The deals' take hook of the load loop: one deal's steps, planned, written and settled at once. */
static int take_deal(void *ud, json_t *line)
{
	struct deal_load *l = ud;
	int rc = load_deal(l, line);

	if (rc == FS_EAPI || rc == FS_EINPUT || rc == FS_EUNSURE)
		rc = deal_failed(l, line);
	if (rc == FS_EBUDGET)
		l->waiting = 1;
	json_decref(line);
	return rc;
}

static int load_all_deals(struct pipeline *p, struct finclient *fin)
{
	struct deal_load l = { .p = p, .fin = fin };
	struct load_loop lp = {
		.p = p,
		.name = "deals",
		.left_over = "deals",
		.s = &l.s,
		.waiting = &l.waiting,
		.ud = &l,
		.take = take_deal,
		.is_write = is_work
	};
	struct staging_reader *r = NULL;
	char *dir = staging_dir(p->job->state_dir, p->run_id, "transform");
	json_t *manifest = NULL;
	int rc;

	/* A run transformed before the job had sync.deals has no deals: nothing to do, no watermark. */
	if ((rc = manifest_load(dir, &manifest)) < 0)
		goto out;
	if (!json_object_get(json_object_get(manifest, "files"), "deals.ndjson.gz")) {
		log_info("deals: run %ld planned no deals (its transform came before sync.deals)", p->run_id);
		rc = 0;
		goto out;
	}
	if ((rc = load_done_before(p, "deals")) != 0) {
		if (rc == 1)
			log_info("deals: run %ld is already loaded", p->run_id);
		rc = rc == 1 ? 0 : rc;
		goto out;
	}
	if ((rc = staging_reader_open(&r, dir, "deals", 0)) ||
	    (rc = ledger_stats_get(p->lg, p->run_id, "deals", "load", &l.s)) < 0)
		goto out;
	l.resuming = rc;
	if (l.resuming)
		log_info("deals: resuming the interrupted load of run %ld", p->run_id);
	/* The stats row and the deals' watermark close the load, as for the entities. */
	if (!(rc = load_loop_run(&lp, r)))
		rc = load_finish(&lp);
	log_info(
		"deals: %ld created, %ld changed (accept, decline, void, update), %ld unchanged, %ld skipped, %ld failed",
		l.s.added, l.s.updated, l.s.unchanged, l.s.skipped, l.s.failed);
out:
	staging_reader_close(r);
	json_decref(manifest);
	xfree(dir);
	return rc;
}

static int deals_load(struct stage_run *s, const struct sync_unit *u)
{
	int rc;

	(void)u;
	if (!pipeline_wants_unit(s->p, s->p->job->deals.enabled))
		return 0;
	log_set_entity("deals");
	rc = load_all_deals(s->p, s->fin);
	log_set_entity(NULL);
	return rc;
}

const struct sync_unit unit_deals = {
	.name = "deals",
	.has_links = 1,
	.key = { "deals", job_load_deals },
	.extract = deals_extract,
	.transform = deals_transform,
	.load = deals_load,
};
