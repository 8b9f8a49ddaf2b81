/*
 * links.c - which CRM record is which finance record: links, the create
 * intents written before a create is sent, person_links (the contact
 * persons finsync added), and unlink, which drops them.
 */
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/ledger.h"
#include "finsync/timeutil.h"
#include "ledger_int.h"

static const char sql_link_get[] =
	"SELECT entity, crm_id, finance_id, origin, crm_hash, finance_hash, state, updated_at "
	"FROM links WHERE entity = ?1 AND crm_id = ?2";

static const char sql_link_by_fin[] = "SELECT crm_id FROM links WHERE entity = ?1 AND finance_id = ?2 "
				      "AND state != 'source_deleted' LIMIT 1";

static const char sql_link_put[] =
	"INSERT INTO links (entity, crm_id, finance_id, origin, crm_hash, finance_hash, state, updated_at) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
	"ON CONFLICT (entity, crm_id) DO UPDATE SET finance_id = excluded.finance_id, "
	"origin = excluded.origin, crm_hash = excluded.crm_hash, finance_hash = excluded.finance_hash, "
	"state = excluded.state, updated_at = excluded.updated_at";

static const char sql_intent_put[] =
	"INSERT OR REPLACE INTO intents (entity, crm_id, run_id, crm_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5)";

static const char sql_intent_del[] = "DELETE FROM intents WHERE entity = ?1 AND crm_id = ?2";

static const char sql_intent_get[] = "SELECT run_id FROM intents WHERE entity = ?1 AND crm_id = ?2";

static const char sql_fin_read_get[] =
	"SELECT crm_id FROM finance_reads WHERE entity = ?1 AND finance_id = ?2 AND modified = ?3";

static const char sql_fin_read_put[] =
	"INSERT INTO finance_reads (entity, finance_id, modified, crm_id) VALUES (?1, ?2, ?3, ?4) "
	"ON CONFLICT (entity, finance_id) DO UPDATE SET modified = excluded.modified, crm_id = excluded.crm_id";

static const char sql_person_get[] =
	"SELECT crm_contact_id, finance_customer_id, finance_person_id, hash FROM person_links "
	"WHERE crm_contact_id = ?1";

static const char sql_person_by_id[] = "SELECT crm_contact_id FROM person_links WHERE finance_person_id = ?1";

/* An upsert keeps the row's rowid: "the oldest linked contact" is the lowest rowid. */
static const char sql_person_put[] =
	"INSERT INTO person_links (crm_contact_id, finance_customer_id, finance_person_id, hash) "
	"VALUES (?1, ?2, ?3, ?4) ON CONFLICT (crm_contact_id) DO UPDATE SET "
	"finance_customer_id = excluded.finance_customer_id, "
	"finance_person_id = excluded.finance_person_id, hash = excluded.hash";

static const char sql_person_del[] = "DELETE FROM person_links WHERE crm_contact_id = ?1";

static const char sql_persons_of[] =
	"SELECT crm_contact_id, finance_customer_id, finance_person_id, hash FROM person_links "
	"WHERE finance_customer_id = ?1 ORDER BY rowid";

/* ?2: only records finsync created (origin crm and a create event for that finance id). */
static const char sql_links_each[] =
	"SELECT entity, crm_id, finance_id, origin, crm_hash, finance_hash, state, updated_at "
	"FROM links l WHERE entity = ?1 AND finance_id IS NOT NULL AND (NOT ?2 OR (origin = 'crm' "
	"AND EXISTS (SELECT 1 FROM events e WHERE e.entity = l.entity AND e.crm_id = l.crm_id "
	"AND e.finance_id = l.finance_id AND e.action = 'create'))) ORDER BY crm_id";

static const char sql_links_count[] = "SELECT count(*) FROM links WHERE entity = ?1";

static const char sql_link_delete[] = "DELETE FROM links WHERE entity = ?1 AND crm_id = ?2";

static const char sql_linked_count[] =
	"SELECT count(*) FROM links WHERE entity = ?1 AND state = 'linked' AND finance_id IS NOT NULL";

static const char sql_unlink_keep[] = "INSERT OR IGNORE INTO temp.unlink_keep (entity, crm_id) VALUES (?1, ?2)";

static const char sql_entity_known[] =
	"SELECT 1 WHERE EXISTS (SELECT 1 FROM links WHERE entity = ?1) "
	"OR EXISTS (SELECT 1 FROM decisions WHERE entity = ?1)";

int ledger_link_get(struct ledger *lg, const char *entity, const char *crm_id, struct link *out)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_link_get);
	char **const cols[] = { &out->entity,   &out->crm_id,       &out->finance_id, &out->origin,
				&out->crm_hash, &out->finance_hash, &out->state,      &out->updated_at };

	memset(out, 0, sizeof(*out));
	lq_bind_text(st, 1, entity);
	lq_bind_text(st, 2, crm_id);
	return lq_read_row(lg, st, "read link", cols, sizeof(cols) / sizeof(cols[0]));
}

int ledger_link_by_finance(struct ledger *lg, const char *entity, const char *finance_id, char **crm_id_out)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_link_by_fin);
	int rc;

	*crm_id_out = NULL;
	lq_bind_text(st, 1, entity);
	lq_bind_text(st, 2, finance_id);
	if ((rc = lq_step_row(lg, st, "read link")) == 1) {
		*crm_id_out = lq_column_dup(st, 0);
	}
	lq_step_end(st);
	return rc;
}

int ledger_finance_read_get(struct ledger *lg, const char *entity, const char *finance_id, const char *modified,
			    char **crm_id)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_fin_read_get);
	int rc;

	*crm_id = NULL;
	if (!st)
		return FS_EABORT;
	lq_bind_text(st, 1, entity);
	lq_bind_text(st, 2, finance_id);
	lq_bind_text(st, 3, modified);
	if ((rc = lq_step_row(lg, st, "read finance reads")) == 1)
		*crm_id = lq_column_dup(st, 0);
	lq_step_end(st);
	return rc;
}

int ledger_finance_read_put(struct ledger *lg, const char *entity, const char *finance_id, const char *modified,
			    const char *crm_id)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_fin_read_put);

	if (!st)
		return FS_EABORT;
	lq_bind_text(st, 1, entity);
	lq_bind_text(st, 2, finance_id);
	lq_bind_text(st, 3, modified);
	lq_bind_text(st, 4, crm_id);
	return lq_step_done(lg, st, "write finance read");
}

int ledger_link_put(struct ledger *lg, const struct link *l)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_link_put);
	char now[ISO_TIME_LEN];

	time_now_iso(now);
	lq_bind_text(st, 1, l->entity);
	lq_bind_text(st, 2, l->crm_id);
	lq_bind_text(st, 3, l->finance_id);
	lq_bind_text(st, 4, l->origin ? l->origin : "crm");
	lq_bind_text(st, 5, l->crm_hash);
	lq_bind_text(st, 6, l->finance_hash);
	lq_bind_text(st, 7, l->state ? l->state : "linked");
	lq_bind_text(st, 8, now);
	return lq_step_done(lg, st, "write link");
}

void link_release(struct link *l)
{
	xfree(l->entity);
	xfree(l->crm_id);
	xfree(l->finance_id);
	xfree(l->origin);
	xfree(l->crm_hash);
	xfree(l->finance_hash);
	xfree(l->state);
	xfree(l->updated_at);
	memset(l, 0, sizeof(*l));
}

int ledger_intent_put(struct ledger *lg, const char *entity, const char *crm_id, long run_id, const char *crm_hash)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_intent_put);
	char now[ISO_TIME_LEN];

	time_now_iso(now);
	lq_bind_text(st, 1, entity);
	lq_bind_text(st, 2, crm_id);
	sqlite3_bind_int64(st, 3, run_id);
	lq_bind_text(st, 4, crm_hash);
	lq_bind_text(st, 5, now);
	return lq_step_done(lg, st, "write intent");
}

int ledger_intent_clear(struct ledger *lg, const char *entity, const char *crm_id)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_intent_del);

	lq_bind_text(st, 1, entity);
	lq_bind_text(st, 2, crm_id);
	return lq_step_done(lg, st, "clear intent");
}

int ledger_intent_exists(struct ledger *lg, const char *entity, const char *crm_id)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_intent_get);
	long long run;

	lq_bind_text(st, 1, entity);
	lq_bind_text(st, 2, crm_id);
	return lq_query_one(lg, st, NULL, &run, "read intent");
}

static void person_link_read(sqlite3_stmt *st, struct person_link *out)
{
	out->crm_contact_id = lq_column_dup(st, 0);
	out->finance_customer_id = lq_column_dup(st, 1);
	out->finance_person_id = lq_column_dup(st, 2);
	out->hash = lq_column_dup(st, 3);
}

int ledger_person_link_get(struct ledger *lg, const char *crm_contact_id, struct person_link *out)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_person_get);
	int rc;

	memset(out, 0, sizeof(*out));
	lq_bind_text(st, 1, crm_contact_id);
	if ((rc = lq_step_row(lg, st, "read person link")) == 1)
		person_link_read(st, out);
	lq_step_end(st);
	return rc;
}

int ledger_person_link_by_person(struct ledger *lg, const char *finance_person_id, char **crm_contact_id)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_person_by_id);
	int rc;

	*crm_contact_id = NULL;
	lq_bind_text(st, 1, finance_person_id);
	if ((rc = lq_step_row(lg, st, "read person link")) == 1)
		*crm_contact_id = lq_column_dup(st, 0);
	lq_step_end(st);
	return rc;
}

int ledger_person_link_put(struct ledger *lg, const struct person_link *p)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_person_put);

	lq_bind_text(st, 1, p->crm_contact_id);
	lq_bind_text(st, 2, p->finance_customer_id);
	lq_bind_text(st, 3, p->finance_person_id);
	lq_bind_text(st, 4, p->hash);
	return lq_step_done(lg, st, "write person link");
}

int ledger_person_link_delete(struct ledger *lg, const char *crm_contact_id)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_person_del);

	lq_bind_text(st, 1, crm_contact_id);
	return lq_step_done(lg, st, "delete person link");
}

int ledger_person_links_of(struct ledger *lg, const char *finance_customer_id, struct person_link **out, size_t *n)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_persons_of);
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	lq_bind_text(st, 1, finance_customer_id);
	while ((rc = lq_step_row(lg, st, "read person links")) == 1) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			*out = xrealloc(*out, cap * sizeof(**out));
		}
		person_link_read(st, &(*out)[(*n)++]);
	}
	lq_step_end(st);
	return rc;
}

void person_link_release(struct person_link *p)
{
	xfree(p->crm_contact_id);
	xfree(p->finance_customer_id);
	xfree(p->finance_person_id);
	xfree(p->hash);
	memset(p, 0, sizeof(*p));
}

int ledger_links_each(struct ledger *lg, const char *entity, int created_only,
		      int (*fn)(const struct link *l, void *ud), void *ud)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_links_each);
	int rc, stop = 0;

	lq_bind_text(st, 1, entity);
	sqlite3_bind_int(st, 2, created_only);
	while (!stop && (rc = lq_step_row(lg, st, "read links")) == 1) {
		struct link l = {
			.entity = (char *)sqlite3_column_text(st, 0),
			.crm_id = (char *)sqlite3_column_text(st, 1),
			.finance_id = (char *)sqlite3_column_text(st, 2),
			.origin = (char *)sqlite3_column_text(st, 3),
			.crm_hash = (char *)sqlite3_column_text(st, 4),
			.finance_hash = (char *)sqlite3_column_text(st, 5),
			.state = (char *)sqlite3_column_text(st, 6),
			.updated_at = (char *)sqlite3_column_text(st, 7),
		};
		stop = fn(&l, ud);
	}
	lq_step_end(st);
	return stop ? stop : rc < 0 ? rc : 0;
}

long ledger_links_count(struct ledger *lg, const char *entity)
{
	long long n = 0;

	sqlite3_stmt *st;

	if (!strcmp(entity, "deals"))
		return ledger_deal_links_count(lg);
	st = lq_stmt(lg, sql_links_count);
	lq_bind_text(st, 1, entity);
	return lq_query_one(lg, st, NULL, &n, "count links") < 0 ? -1 : (long)n;
}

int ledger_unlink_keep(struct ledger *lg, const char *entity, const char *crm_id)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_unlink_keep);

	lq_bind_text(st, 1, entity);
	lq_bind_text(st, 2, crm_id);
	return lq_step_done(lg, st, "keep link");
}

/*
 * Every link goes, except those kept (ledger_unlink_keep()), each with an
 * 'unlink' event; deal links too (entity deals).  What only made sense with
 * the links goes with them: intents, summary hashes, and the watermarks, so
 * the next run reads the whole CRM again and matches it afresh.  The first
 * two statements write the events (bound: run, reason, now).
 */
static const char *const sql_unlink[] = {
	"INSERT INTO events (run_id, entity, crm_id, finance_id, action, match, reason, at) "
	"SELECT ?1, entity, crm_id, finance_id, 'unlink', '', ?2, ?3 FROM links l WHERE NOT EXISTS "
	"(SELECT 1 FROM temp.unlink_keep k WHERE k.entity = l.entity AND k.crm_id = l.crm_id) ORDER BY entity, crm_id",
	"INSERT INTO events (run_id, entity, crm_id, finance_id, action, match, reason, at, crm_module) "
	"SELECT ?1, 'deals', deal_id, finance_id, 'unlink', '', ?2 || ' (' || kind || ')', ?3, 'Deals' FROM deal_links "
	"ORDER BY deal_id, kind",
	"DELETE FROM links WHERE NOT EXISTS (SELECT 1 FROM temp.unlink_keep k WHERE k.entity = links.entity "
	"AND k.crm_id = links.crm_id)",
	"DELETE FROM deal_links",
	"DELETE FROM intents",
	"DELETE FROM summaries",
	"DELETE FROM watermarks",
};

int ledger_unlink_links(struct ledger *lg, long run_id, const char *reason, long *dropped)
{
	char now[ISO_TIME_LEN];
	size_t i;
	int rc = 0;

	*dropped = 0;
	time_now_iso(now);
	for (i = 0; i < sizeof(sql_unlink) / sizeof(sql_unlink[0]) && !rc; i++) {
		sqlite3_stmt *st = lq_stmt(lg, sql_unlink[i]);
		if (i < 2) {
			sqlite3_bind_int64(st, 1, run_id);
			lq_bind_text(st, 2, reason);
			lq_bind_text(st, 3, now);
		}
		rc = lq_step_done(lg, st, "unlink");
		if (!rc && i < 2)
			*dropped += sqlite3_changes(lg->db);
	}
	return rc;
}

int ledger_link_delete(struct ledger *lg, const char *entity, const char *crm_id)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_link_delete);

	lq_bind_text(st, 1, entity);
	lq_bind_text(st, 2, crm_id);
	return lq_step_done(lg, st, "delete link");
}

long ledger_linked_count(struct ledger *lg, const char *entity)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_linked_count);
	long long n = 0;

	lq_bind_text(st, 1, entity);
	return lq_query_one(lg, st, NULL, &n, "count links") < 0 ? -1 : (long)n;
}

int ledger_entity_known(struct ledger *lg, const char *entity)
{
	sqlite3_stmt *st = lq_stmt(lg, sql_entity_known);
	int rc;

	lq_bind_text(st, 1, entity);
	rc = lq_step_row(lg, st, "read links");
	lq_step_end(st);
	return rc;
}
