/*
 * dedupe.c - the finance index and the identity ladder (docs/design.md
 * "Duplicates", "Identity ladder").
 *
 * A CRM record is matched, first rung that finds anything wins: its ledger
 * link; an analyst's review decision (`finsync review --apply`: link to a
 * finance record, create, skip for good); a finance record carrying its CRM
 * id; a strong key (SKU for items, email when match_on has it); the
 * normalised name.  More than one candidate is ambiguous.  A single candidate
 * found by key or name is a duplicate and follows on_duplicate.
 *
 * The index holds the finance snapshot plus what this run plans: creates
 * are added (without a finance id) so a second CRM record of the same name
 * is a duplicate of the first, and an update renames and claims its target.
 * Customers and vendors share one index, since the apps with vendors keep
 * both as contacts with one name space (a clash is error 3062 on load).
 *
 * The index is in the scratch store with a Bloom filter per key (see
 * struct fin_index): the memory stays flat whatever the number of finance
 * records and planned creates.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/buf.h"
#include "finsync/err.h"
#include "finsync/finclient.h"
#include "finsync/log.h"
#include "finsync/normalize.h"
#include "finsync/scratch.h"
#include "finsync/staging.h"
#include "xform.h"

struct fin_row {
	long long rid; /* its row in the index database */
	char *id;      /* finance id; NULL for a create planned in this run */
	char *name;
	char *norm;   /* name_normalize(name) */
	char *crm_id; /* the CRM-id custom field; a planned create's CRM id */
	char *sku;
	char *email; /* lower case */
	enum entity_kind kind;
	char *claimed_by; /* the CRM record this run plans to write it for */
};

struct rowlist {
	struct fin_row **v;
	size_t n, cap;
};

/* The keys, numbered as the text columns of the index's rows (then the name and the claim). */
enum { T_ID, T_CRM, T_NAME, T_SKU, T_EMAIL, T_COUNT, C_NAME = T_COUNT, C_CLAIMED_BY };

/*
 * The index lives in the scratch store (util/scratch.c: rows appended to a
 * file, their keys in sorted runs), so that a million planned creates take
 * disk, not memory (the in-memory tables took 370 bytes a row, BENCH.md).  In
 * front of each key a Bloom filter of fixed size answers "certainly not
 * there" without a lookup: on a bulk import nearly every lookup misses, and
 * each false hit reads a block of every run.  Rows are read into structs
 * for the record being planned (`live`, one struct per row, so the ladder
 * can compare rows by pointer); what the ladder changes (a claim, a rename)
 * is written through.  Rows come back in the order they were added.  The
 * id, CRM id and name keys are indexed from the start; SKU and email with
 * their first key.
 *
 * The name column holds a short hash of the normalised name (name_key()),
 * not the name itself, which keeps the rows small.  The normalised name of
 * a row read back is computed again from its name (the two always go
 * together) and compared, so a hash collision matches nothing.
 */
#define INDEXED_KEYS (1u << T_ID | 1u << T_CRM | 1u << T_NAME)

#define NAME_KEY_LEN 12                /* 11 characters of a 64-bit hash, and the NUL */
#define BLOOM_BITS ((uint64_t)1 << 24) /* 2 MiB a key: ~1 % false hits at a million keys */

struct fin_index {
	const struct job *job;
	struct scratch_rows *rows;
	long long last_rid;
	uint64_t *bloom[T_COUNT];
	struct rowlist live; /* rows read for the record being planned */
	int failed;          /* a database error was reported (fail()) */
};

/* ---- the index database ---- */

/* The index's first error was reported (scratch_rows_*); the run stops at the next check. */
static void index_failed(struct fin_index *ix, int rc)
{
	if (rc < 0)
		ix->failed = 1;
}

static uint64_t key_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	return h ^ (h >> 32);
}

/* The name column's text for norm: its hash in 11 characters of a 64-letter alphabet. */
static const char *name_key(const char *norm, char out[NAME_KEY_LEN])
{
	static const char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
	uint64_t h;
	int i;

	if (!norm || !*norm)
		return NULL;
	h = key_hash(norm);
	for (i = 0; i < NAME_KEY_LEN - 1; i++, h >>= 6)
		out[i] = digits[h & 63];
	out[NAME_KEY_LEN - 1] = '\0';
	return out;
}

/*
 * A key's two bits are in one 64-bit word of its filter: one cache miss a
 * key instead of two (the filters are 1 MiB each, adds and lookups missed
 * the cache on every record), for about as many false hits.
 */
static size_t bloom_word(uint64_t h)
{
	return (size_t)((h >> 12) & (BLOOM_BITS / 64 - 1));
}

static uint64_t bloom_bits(uint64_t h)
{
	return (uint64_t)1 << (h & 63) | (uint64_t)1 << (h >> 6 & 63) | (uint64_t)1 << (h >> 40 & 63);
}

static void bloom_add(struct fin_index *ix, int t, const char *key)
{
	uint64_t h;

	if (!key || !*key)
		return;
	if (!ix->bloom[t])
		ix->bloom[t] = xcalloc(BLOOM_BITS / 64, sizeof(uint64_t));
	h = key_hash(key);
	ix->bloom[t][bloom_word(h)] |= bloom_bits(h);
}

static int bloom_maybe(const struct fin_index *ix, int t, const char *key)
{
	uint64_t h, bits;

	if (!ix->bloom[t])
		return 0;
	h = key_hash(key);
	bits = bloom_bits(h);
	return (ix->bloom[t][bloom_word(h)] & bits) == bits;
}

static void rowlist_add(struct rowlist *l, struct fin_row *row)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = row;
}

static void row_free(struct fin_row *r)
{
	if (!r)
		return;
	xfree(r->id);
	xfree(r->name);
	xfree(r->norm);
	xfree(r->crm_id);
	xfree(r->sku);
	xfree(r->email);
	xfree(r->claimed_by);
	xfree(r);
}

/* Forgets the rows read for the last record. */
static void live_release(struct fin_index *ix)
{
	size_t i;

	for (i = 0; i < ix->live.n; i++)
		row_free(ix->live.v[i]);
	ix->live.n = 0;
}

static struct fin_row *live_find(struct fin_index *ix, long long rid)
{
	size_t i;

	for (i = 0; i < ix->live.n; i++)
		if (ix->live.v[i]->rid == rid)
			return ix->live.v[i];
	return NULL;
}

/* A row of the database, as the one struct of this record's rows. */
static char *norm_dup(const char *name);

static struct fin_row *live_row(struct fin_index *ix, const struct scratch_row *row)
{
	struct fin_row *r = live_find(ix, row->rid);

	if (r)
		return r;
	r = xcalloc(1, sizeof(*r));
	r->rid = row->rid;
	r->kind = (enum entity_kind)row->kind;
	r->id = xstrdup(row->text[T_ID]);
	r->name = xstrdup(row->text[C_NAME]);
	r->norm = norm_dup(r->name); /* the column holds name_key(norm) */
	r->crm_id = xstrdup(row->text[T_CRM]);
	r->sku = xstrdup(row->text[T_SKU]);
	r->email = xstrdup(row->text[T_EMAIL]);
	r->claimed_by = xstrdup(row->text[C_CLAIMED_BY]);
	rowlist_add(&ix->live, r);
	return r;
}

/* Row r as the database keeps it (key: room for its name key). */
static struct scratch_row row_text(const struct fin_row *r, char key[NAME_KEY_LEN])
{
	struct scratch_row row = { .rid = r->rid, .kind = (int)r->kind };

	row.text[T_ID] = r->id;
	row.text[T_CRM] = r->crm_id;
	row.text[T_NAME] = name_key(r->norm, key);
	row.text[T_SKU] = r->sku;
	row.text[T_EMAIL] = r->email;
	row.text[C_NAME] = r->name ? r->name : "";
	row.text[C_CLAIMED_BY] = r->claimed_by;
	return row;
}

/* Adds r to the index (the index takes r and frees it). */
static void index_put(struct fin_index *ix, struct fin_row *r)
{
	char key[NAME_KEY_LEN];
	struct scratch_row row;
	const struct scratch_row *one[1] = { &row };

	if (r->sku)
		index_failed(ix, scratch_rows_index(ix->rows, T_SKU));
	if (r->email)
		index_failed(ix, scratch_rows_index(ix->rows, T_EMAIL));
	r->rid = ++ix->last_rid;
	bloom_add(ix, T_ID, r->id);
	bloom_add(ix, T_CRM, r->crm_id);
	bloom_add(ix, T_NAME, r->norm);
	bloom_add(ix, T_SKU, r->sku);
	bloom_add(ix, T_EMAIL, r->email);
	row = row_text(r, key);
	index_failed(ix, scratch_rows_put(ix->rows, one, 1));
	row_free(r);
}

/* Sets column col of a row. */
static void index_update(struct fin_index *ix, long long rid, int col, const char *text)
{
	index_failed(ix, scratch_rows_set(ix->rows, rid, col, text));
}

/* Customers and vendors are one name space (contacts); items another. */
static int same_space(enum entity_kind a, enum entity_kind b)
{
	return a == b || entity_defs[a].same_names == b;
}

struct find {
	struct fin_index *ix;
	enum entity_kind kind;
	int space;
	const char *norm; /* a name lookup: the normalised name its key hashes */
	struct rowlist *out;
};

static int found_row(const struct scratch_row *row, void *ud)
{
	struct find *f = ud;
	enum entity_kind k = (enum entity_kind)row->kind;
	struct fin_row *r;

	if (!(f->space ? same_space(k, f->kind) : k == f->kind))
		return 0;
	r = live_row(f->ix, row);
	if (!f->norm || !strcmp(r->norm, f->norm))
		rowlist_add(f->out, r);
	return 0;
}

/* The rows under key in table ti of that kind (or of its name space when space). */
static void table_find(struct fin_index *ix, int ti, const char *key, enum entity_kind kind, int space,
		       struct rowlist *out)
{
	struct find f = { ix, kind, space, ti == T_NAME ? key : NULL, out };
	char nkey[NAME_KEY_LEN];

	out->n = 0;
	if (!key || !*key || !bloom_maybe(ix, ti, key))
		return;
	index_failed(ix, scratch_rows_find(ix->rows, ti, ti == T_NAME ? name_key(key, nkey) : key, found_row, &f));
}

/* The n to try next for " (n)" after name (normalised); 0 when none yet. */
static json_int_t suffix_get(struct fin_index *ix, const char *norm)
{
	long long n = 0;

	index_failed(ix, scratch_rows_count_get(ix->rows, norm, &n));
	return (json_int_t)n;
}

static void suffix_put(struct fin_index *ix, const char *norm, json_int_t n)
{
	index_failed(ix, scratch_rows_count_put(ix->rows, norm, (long long)n));
}

/* ---- rows ---- */

static char *email_key(const char *s)
{
	char *e, *p;

	if (!s)
		return NULL;
	while (isspace((unsigned char)*s))
		s++;
	e = xstrdup(s);
	for (p = e; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	while (p > e && isspace((unsigned char)p[-1]))
		*--p = '\0';
	if (!*e) {
		xfree(e);
		return NULL;
	}
	return e;
}

static char *norm_dup(const char *name)
{
	char *n = name_normalize(name);

	return n ? n : xstrdup(name);
}

/* The row's new display name, as this run will write it. */
static void row_rename(struct fin_index *ix, struct fin_row *r, const char *name)
{
	char key[NAME_KEY_LEN];

	if (r->name && !strcmp(r->name, name))
		return;
	xfree(r->name);
	xfree(r->norm);
	r->name = xstrdup(name);
	r->norm = norm_dup(name);
	index_update(ix, r->rid, C_NAME, r->name);
	index_update(ix, r->rid, T_NAME, name_key(r->norm, key));
	bloom_add(ix, T_NAME, r->norm);
}

/* The CRM record this run plans to write the row for. */
static void row_claim(struct fin_index *ix, struct fin_row *r, const char *crm_id)
{
	xfree(r->claimed_by);
	r->claimed_by = xstrdup(crm_id);
	index_update(ix, r->rid, C_CLAIMED_BY, r->claimed_by);
}

struct fin_index *fin_index_open(const struct job *job, const char *path)
{
	struct fin_index *ix = xcalloc(1, sizeof(*ix));

	ix->job = job;
	index_failed(ix, scratch_rows_open(&ix->rows, path, INDEXED_KEYS));
	return ix;
}

struct fin_index *fin_index_new(const struct job *job)
{
	return fin_index_open(job, NULL);
}

int fin_index_failed(const struct fin_index *ix)
{
	return ix->failed ? FS_EABORT : 0;
}

void fin_index_free(struct fin_index *ix)
{
	int t;

	if (!ix)
		return;
	live_release(ix);
	xfree(ix->live.v);
	for (t = 0; t < T_COUNT; t++)
		xfree(ix->bloom[t]);
	scratch_rows_close(ix->rows);
	xfree(ix);
}

/* A string or integer value as a new string; NULL when empty. */
static char *scalar_dup(json_t *v)
{
	if (json_is_integer(v))
		return xasprintf("%" JSON_INTEGER_FORMAT, json_integer_value(v));
	if (json_is_string(v) && *json_string_value(v))
		return xstrdup(json_string_value(v));
	return NULL;
}

/*
 * The CRM-id custom field on a snapshot row (the extract reads it from the
 * record where the row has no custom fields and no link says whose it is).
 */
static char *row_crm_id(const struct job *job, json_t *row)
{
	int carried;

	return scalar_dup(fin_row_cf(row, job->crm_id_field, &carried));
}

int fin_index_add(struct fin_index *ix, enum entity_kind kind, json_t *row)
{
	int item = !entity_defs[kind].is_contact;
	const char *id_key = entity_finance_id_key(ix->job, kind);
	char *id = scalar_dup(json_object_get(row, id_key));
	const char *name = json_string_value(json_object_get(row, entity_finance_name_key(ix->job, kind)));
	struct fin_row *r;

	if (!id)
		return fail(FS_EINPUT, "finance %s without %s", entity_defs[kind].noun, id_key);
	r = xcalloc(1, sizeof(*r));
	r->kind = kind;
	r->id = id;
	r->name = xstrdup(name ? name : "");
	r->norm = norm_dup(r->name);
	r->crm_id = row_crm_id(ix->job, row);
	r->sku = item ? scalar_dup(json_object_get(row, "sku")) : NULL;
	r->email = item ? NULL : email_key(json_string_value(json_object_get(row, "email")));
	if (ix->failed)
		row_free(r);
	else
		index_put(ix, r);
	return fin_index_failed(ix);
}

int fin_index_load(struct fin_index *ix, const char *extract_dir, enum entity_kind kind)
{
	static const char *const files[] = { "finance.customers", "finance.vendors", "finance.items" };
	struct staging_reader *r = NULL;
	json_t *row = NULL;
	int rc;

	if ((rc = staging_reader_open(&r, extract_dir, files[kind], 1)))
		return rc;
	while ((rc = staging_read(r, &row)) != 0) {
		if (rc == 1 && (rc = fin_index_add(ix, kind, row)) == 0)
			rc = 1;
		if (rc == FS_EINPUT)
			log_warn("%s: %s: ignored", files[kind], err_msg());
		else if (rc < 0)
			break;
		json_decref(row);
		row = NULL;
	}
	json_decref(row);
	staging_reader_close(r);
	return rc < 0 ? rc : 0;
}

/* ---- the ladder ---- */

struct ladder {
	struct fin_index *ix;
	struct ledger *lg;
	const struct entity_sync *e;
	const struct dedupe_input *in;
	struct plan *out;
	char *norm; /* the record's normalised name */
	struct rowlist found;
};

static size_t name_max(enum entity_kind kind)
{
	return entity_defs[kind].name_max;
}

/* The first row other than self whose name clashes with name, or NULL. */
static struct fin_row *name_taker(struct fin_index *ix, enum entity_kind kind, const char *name,
				  const struct fin_row *self)
{
	struct rowlist l = { 0 };
	struct fin_row *taker = NULL;
	char *norm = norm_dup(name);
	size_t i;

	table_find(ix, T_NAME, norm, kind, 1, &l);
	for (i = 0; i < l.n && !taker; i++)
		if (l.v[i] != self)
			taker = l.v[i];
	xfree(l.v);
	xfree(norm);
	return taker;
}

/* Bytes of the first chars characters of s (UTF-8). */
static size_t utf8_prefix(const char *s, size_t chars)
{
	size_t i, n = 0;

	for (i = 0; s[i]; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80 && n++ == chars)
			break;
	return i;
}

/* name + " (n)", the name cut to fit the app's limit. */
static char *suffixed(const char *base, int n, size_t max)
{
	char suffix[32];

	snprintf(suffix, sizeof(suffix), " (%d)", n);
	return xasprintf("%.*s%s", (int)utf8_prefix(base, max - strlen(suffix)), base, suffix);
}

/* Whether name is base + " (n)", n >= 2: a clone's name, kept on update. */
static int is_suffixed_of(const char *name, const char *base)
{
	size_t n = strlen(base), d;

	if (!name || strncmp(name, base, n) || strncmp(name + n, " (", 2))
		return 0;
	name += n + 2;
	d = strspn(name, "0123456789");
	return d && name[0] != '0' && !strcmp(name + d, ")") && strcmp(name, "1)");
}

/*
 * The name to write: base when free, self's kept suffix, else base " (n)"
 * with the first free n.  The search for n resumes where the last one for
 * the same name stopped, so a thousand "John Smith" clones stay linear.
 */
static char *unique_name(struct fin_index *ix, enum entity_kind kind, const char *base, const struct fin_row *self)
{
	char *norm, *name;
	json_int_t n;

	if (!name_taker(ix, kind, base, self))
		return xstrdup(base);
	if (self && is_suffixed_of(self->name, base) && !name_taker(ix, kind, self->name, self))
		return xstrdup(self->name);
	norm = norm_dup(base);
	n = suffix_get(ix, norm);
	for (n = n < 2 ? 2 : n;; n++) {
		name = suffixed(base, (int)n, name_max(kind));
		if (!name_taker(ix, kind, name, self))
			break;
		xfree(name);
	}
	suffix_put(ix, norm, n + 1);
	xfree(norm);
	return name;
}

/* "existing finance vendor 'Acme' (4600…)" or "CRM record 4150… ('Acme') planned in this run". */
static char *describe(const struct fin_row *r)
{
	if (r->id)
		return xasprintf("existing finance %s '%s' (%s)", entity_defs[r->kind].noun, r->name, r->id);
	return xasprintf("CRM record %s ('%s') planned for creation in this run", r->crm_id, r->name);
}

/* The reason, extended with why and how the name was changed. */
static char *rename_reason(struct fin_index *ix, enum entity_kind kind, const char *base, const char *name,
			   char *reason, const struct fin_row *self)
{
	struct fin_row *taker;
	char *who, *out;

	/* A name kept from an earlier run is the steady state: nothing to say. */
	if (!strcmp(base, name) || (self && !strcmp(self->name, name)))
		return reason;
	taker = name_taker(ix, kind, base, self);
	who = taker ? describe(taker) : xstrdup("another record");
	out = xasprintf("%s%sthe name '%s' is taken by %s; %s '%s'", reason ? reason : "", reason ? "; " : "", base,
			who, self ? "renamed to" : "named", name);
	xfree(who);
	xfree(reason);
	return out;
}

/* A clone says what it was named; any other create says why its name changed. */
static void plan_create(struct ladder *c, char *reason, int clone)
{
	const struct dedupe_input *in = c->in;
	struct fin_row *r = xcalloc(1, sizeof(*r));

	c->out->action = "create";
	c->out->name = unique_name(c->ix, in->kind, in->name, NULL);
	if (clone && strcmp(in->name, c->out->name)) {
		c->out->reason = xasprintf("%s as '%s'", reason, c->out->name);
		xfree(reason);
	} else {
		c->out->reason = rename_reason(c->ix, in->kind, in->name, c->out->name, reason, NULL);
	}
	r->kind = in->kind;
	r->name = xstrdup(c->out->name);
	r->norm = norm_dup(r->name);
	r->crm_id = xstrdup(in->crm_id);
	r->sku = in->sku && *in->sku ? xstrdup(in->sku) : NULL;
	r->email = email_key(in->email);
	r->claimed_by = xstrdup(in->crm_id);
	index_put(c->ix, r);
}

static void plan_skip(struct ladder *c, const struct fin_row *r, char *reason)
{
	c->out->action = "skip";
	c->out->finance_id = r && r->id ? xstrdup(r->id) : NULL;
	c->out->name = xstrdup(c->in->name);
	c->out->reason = reason;
}

static void plan_update(struct ladder *c, struct fin_row *r, const char *match, char *reason)
{
	const struct dedupe_input *in = c->in;
	char *who;

	c->out->match = match;
	if (r->claimed_by && strcmp(r->claimed_by, in->crm_id)) {
		who = describe(r);
		xfree(reason);
		plan_skip(c, r, xasprintf("%s is already planned for CRM record %s in this run", who, r->claimed_by));
		xfree(who);
		return;
	}
	c->out->action = "update";
	c->out->finance_id = xstrdup(r->id);
	c->out->name = unique_name(c->ix, in->kind, in->name, r);
	c->out->reason = rename_reason(c->ix, in->kind, in->name, c->out->name, reason, r);
	row_claim(c->ix, r, in->crm_id);
	row_rename(c->ix, r, c->out->name);
}

static void plan_ambiguous(struct ladder *c, const char *match)
{
	struct plan *out = c->out;
	size_t i;

	out->action = "ambiguous";
	out->match = match;
	out->name = xstrdup(c->in->name);
	out->candidates = json_array();
	for (i = 0; i < c->found.n; i++)
		json_array_append_new(out->candidates, json_string(c->found.v[i]->id));
	out->reason = xasprintf("%zu existing finance %ss match by %s; nothing is written until one is left",
				c->found.n, entity_defs[c->in->kind].noun, match);
}

/*
 * Existing finance records win over this run's planned creates; among
 * planned ones only the first counts (every later one duplicates it).
 */
static void prefer_existing(struct rowlist *l)
{
	size_t i, n = 0;

	for (i = 0; i < l->n; i++)
		if (l->v[i]->id)
			l->v[n++] = l->v[i];
	l->n = n ? n : (l->n ? 1 : 0);
}

/* The CRM id another record holds this finance record for, or NULL (new string). */
static int linked_elsewhere(struct ladder *c, const struct fin_row *r, char **other)
{
	const char *me = c->in->crm_id;
	int rc;

	*other = NULL;
	if (r->claimed_by && strcmp(r->claimed_by, me)) {
		*other = xstrdup(r->claimed_by);
		return 0;
	}
	if (r->crm_id && strcmp(r->crm_id, me)) {
		*other = xstrdup(r->crm_id);
		return 0;
	}
	if (!c->lg)
		return 0;
	if ((rc = ledger_link_by_finance(c->lg, c->e->name, r->id, other)) <= 0)
		return rc;
	if (!strcmp(*other, me)) {
		xfree(*other);
		*other = NULL;
	}
	return 0;
}

static int dup_overwrite(struct ladder *c, struct fin_row *r, const char *match, char *dup)
{
	char *other = NULL;
	int rc;

	if ((rc = linked_elsewhere(c, r, &other)) < 0) {
		xfree(dup);
		return rc;
	}
	if (other)
		plan_skip(c, r, xasprintf("%s; not overwritten: it is linked to CRM record %s", dup, other));
	else
		plan_update(c, r, match, xasprintf("%s; overwritten", dup));
	xfree(other);
	xfree(dup);
	return 1;
}

/* A single candidate found by key or name: on_duplicate decides. */
static int duplicate(struct ladder *c, struct fin_row *r, const char *match)
{
	char *who = describe(r);
	char *dup = xasprintf("duplicate of %s matched by %s", who, match);
	int clone_refused = !strcmp(match, "sku");

	xfree(who);
	c->out->duplicate = 1;
	c->out->match = match;
	if (c->e->on_duplicate == DUP_OVERWRITE && r->id)
		return dup_overwrite(c, r, match, dup);
	if (c->e->on_duplicate == DUP_OVERWRITE)
		plan_skip(c, r, xasprintf("%s; nothing to overwrite yet", dup));
	else if (c->e->on_duplicate == DUP_CLONE && clone_refused)
		plan_skip(c, r, xasprintf("%s; not cloned: the app refuses a second item with the same SKU", dup));
	else if (c->e->on_duplicate == DUP_CLONE)
		plan_create(c, xasprintf("%s; cloned", dup), 1);
	else
		plan_skip(c, r, xstrdup(dup));
	xfree(dup);
	return 1;
}

/* Decides on the rows found at one rung: 0 none, 1 decided, <0 error. */
static int decide(struct ladder *c, const char *match)
{
	prefer_existing(&c->found);
	if (c->found.n == 0)
		return 0;
	if (c->found.n > 1) {
		plan_ambiguous(c, match);
		return 1;
	}
	return duplicate(c, c->found.v[0], match);
}

static int rung_crm_id(struct ladder *c)
{
	struct fin_row *r;

	table_find(c->ix, T_CRM, c->in->crm_id, c->in->kind, 0, &c->found);
	prefer_existing(&c->found);
	if (c->found.n == 0)
		return 0;
	if (c->found.n > 1) {
		plan_ambiguous(c, "crm_id");
		return 1;
	}
	r = c->found.v[0];
	if (!r->id) {
		c->out->match = "crm_id";
		plan_skip(c, r, xasprintf("CRM record %s appears more than once in the extract", c->in->crm_id));
		return 1;
	}
	plan_update(c, r, "crm_id", NULL);
	return 1;
}

static int rung_strong_key(struct ladder *c)
{
	const struct dedupe_input *in = c->in;
	char *email;

	if (in->kind == ENTITY_ITEMS) {
		table_find(c->ix, T_SKU, in->sku, in->kind, 0, &c->found);
		return decide(c, "sku");
	}
	if (!c->e->match_email || !(email = email_key(in->email)))
		return 0;
	table_find(c->ix, T_EMAIL, email, in->kind, 0, &c->found);
	xfree(email);
	return decide(c, "email");
}

static int same_sku(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

/* Items match on name and SKU; a name taken with another SKU is not a duplicate. */
static int rung_name(struct ladder *c)
{
	size_t i, n = 0;

	table_find(c->ix, T_NAME, c->norm, c->in->kind, 0, &c->found);
	for (i = 0; i < c->found.n; i++)
		if (c->in->kind != ENTITY_ITEMS || same_sku(c->found.v[i]->sku, c->in->sku))
			c->found.v[n++] = c->found.v[i];
	c->found.n = n;
	return decide(c, "name");
}

static struct fin_row *find_id(struct ladder *c, const char *id)
{
	table_find(c->ix, T_ID, id, c->in->kind, 0, &c->found);
	return c->found.n ? c->found.v[0] : NULL;
}

/* Rung 1: a linked record still in the app is updated; one gone is created again. */
static int rung_ledger(struct ladder *c)
{
	struct link l;
	struct fin_row *r;
	int rc = 0;

	if (!c->lg || (rc = ledger_link_get(c->lg, c->e->name, c->in->crm_id, &l)) <= 0)
		return c->lg ? rc : 0;
	if (!l.state || strcmp(l.state, "linked") || !l.finance_id) {
		link_release(&l);
		return 0;
	}
	if ((r = find_id(c, l.finance_id))) {
		plan_update(c, r, "ledger", NULL);
		c->out->link_hash = xstrdup(l.crm_hash);
	} else if (!(rc = rung_crm_id(c))) {
		plan_create(c, xasprintf("the linked finance record %s no longer exists; created again", l.finance_id),
			    0);
		rc = 1;
	}
	link_release(&l);
	return rc;
}

/*
 * Another existing finance record that carries the CRM id: the one a
 * near-duplicate's create made before the analyst linked the record to an
 * older one.  The app keeps the CRM-id field unique (Zoho Books error 3099),
 * so the link waits until that record is deleted.
 */
static struct fin_row *crm_id_holder(struct ladder *c, const struct fin_row *target)
{
	struct rowlist l = { 0 };
	struct fin_row *holder = NULL;
	size_t i;

	table_find(c->ix, T_CRM, c->in->crm_id, c->in->kind, 0, &l);
	for (i = 0; i < l.n && !holder; i++)
		if (l.v[i]->id && l.v[i] != target && strcmp(l.v[i]->id, target->id))
			holder = l.v[i];
	xfree(l.v);
	return holder;
}

/*
 * A review link that cannot be followed (the record is gone, or linked to
 * another CRM record, or another record still carries the CRM id) is
 * skipped as a duplicate, so the next review lists it.
 */
static int review_link(struct ladder *c, const struct decision *d, const char *day)
{
	struct fin_row *r = find_id(c, d->finance_id), *holder;
	char *other = NULL, *who;
	int rc;

	c->out->match = "review";
	if (!r) {
		c->out->duplicate = 1;
		plan_skip(c, NULL,
			  xasprintf("review of %s links it to finance %s %s, which no longer exists; "
				    "review it again",
				    day, entity_defs[c->in->kind].noun, d->finance_id));
		return 1;
	}
	if ((rc = linked_elsewhere(c, r, &other)) < 0)
		return rc;
	if (other) {
		who = describe(r);
		c->out->duplicate = 1;
		plan_skip(c, r,
			  xasprintf("review of %s links it to %s, which is linked to CRM record %s; "
				    "review it again",
				    day, who, other));
		xfree(who);
	} else if ((holder = crm_id_holder(c, r))) {
		who = describe(r);
		c->out->duplicate = 1;
		plan_skip(c, r,
			  xasprintf("review of %s links it to %s, but finance %s '%s' (%s) still carries "
				    "its CRM id: delete that record in the app, then the next run links it",
				    day, who, entity_defs[holder->kind].noun, holder->name, holder->id));
		xfree(who);
	} else {
		plan_update(c, r, "review", xasprintf("linked by review on %s", day));
		c->out->duplicate = !strcmp(c->out->action, "skip");
	}
	xfree(other);
	return 1;
}

/* Rung 2: the decision recorded by `finsync review --apply`, if any. */
static int rung_decision(struct ladder *c)
{
	struct decision d;
	char day[11];
	int rc = 0;

	if (!c->lg || (rc = ledger_decision_get(c->lg, c->e->name, c->in->crm_id, &d)) <= 0)
		return c->lg ? rc : 0;
	snprintf(day, sizeof(day), "%s", d.decided_at ? d.decided_at : "");
	if (!strcmp(d.decision, "skip")) {
		plan_skip(c, NULL, xasprintf("skipped by review on %s", day));
		rc = 1;
	} else if (!strcmp(d.decision, "create")) {
		plan_create(c, xasprintf("created by review on %s", day), 1);
		rc = 1;
	} else {
		rc = review_link(c, &d, day);
	}
	c->out->match = "review";
	decision_release(&d);
	return rc;
}

int dedupe_plan(struct fin_index *ix, struct ledger *lg, const struct entity_sync *e, const struct dedupe_input *in,
		struct plan *out)
{
	struct ladder c = { ix, lg, e, in, out, NULL, { 0 } };
	int rc;

	memset(out, 0, sizeof(*out));
	out->match = "";
	if (ix->failed)
		return FS_EABORT;
	c.norm = norm_dup(in->name);
	if (!(rc = rung_ledger(&c)) && !(rc = rung_decision(&c)) && !(rc = rung_crm_id(&c)) &&
	    !(rc = rung_strong_key(&c)) && !(rc = rung_name(&c))) {
		plan_create(&c, NULL, 0);
		rc = 1;
	}
	xfree(c.norm);
	xfree(c.found.v);
	live_release(ix);
	if (ix->failed)
		return FS_EABORT;
	return rc < 0 ? rc : 0;
}

void plan_settle(struct plan *pl, const char *hash)
{
	if (pl->action && !strcmp(pl->action, "update") && pl->link_hash && hash && !strcmp(pl->link_hash, hash))
		pl->action = "unchanged";
}

void plan_release(struct plan *pl)
{
	xfree(pl->reason);
	xfree(pl->finance_id);
	json_decref(pl->candidates);
	xfree(pl->name);
	xfree(pl->link_hash);
	memset(pl, 0, sizeof(*pl));
}
