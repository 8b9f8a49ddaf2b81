/*
 * review_apply.c - `finsync review --apply FILE`: reads back a file the
 * listing wrote, with an analyst's decisions in it.  A decision is
 * `link:<finance_id>`, `create` or `skip`; an empty one is no decision.
 * Every row is checked before anything is written: the record must be one
 * the row's run listed (and not invalid, and not linked since), a link must
 * name a finance record of the entity in that run's snapshot (read through
 * review_view.c) that no other CRM record holds.  Bad rows are reported as
 * "FILE line N: ..." and ignored; the good decisions go into the ledger's
 * decisions table in one transaction, so a failure records none of them.
 * The next run follows them (src/xform/dedupe.c).
 *
 * The file is read with libcsv.  A workbook (a ZIP file) is refused asking
 * for CSV, and so is a file whose CRM ids a spreadsheet turned into numbers
 * (4.15086800000009E+018): every such line is named, nothing is recorded.
 * A create the app would refuse (an existing item's SKU) is a bad row.
 *
 * Memory holds the rows of the file and the views of the runs they name,
 * loaded with only the records and finance ids the rows need.  The reader
 * is private to this file; tests/fuzz/fuzz_review.c builds it in to reach
 * it.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <csv.h>
#include <jansson.h>
#include "finsync/alloc.h"
#include "finsync/buf.h"
#include "finsync/cmd.h"
#include "finsync/err.h"
#include "finsync/job.h"
#include "finsync/ledger.h"
#include "finsync/log.h"
#include "finsync/outfile.h"
#include "review.h"

#define CELL_MAX ((size_t)1 << 20)
/*
 * ---- reading the file back: libcsv (RFC 4180, any line ends), an optional BOM ----
 *
 * The file is read whole and fed to libcsv one physical line at a time, so
 * the row callback knows the line its row started on (a quoted cell may
 * hold line breaks).  A stray quote in a bare cell is kept, as spreadsheets
 * write it; an unclosed quoted cell at the end is refused.
 */

#define LIBCSV_ROW_NOT_BEGUN 0
#define FILE_MAX ((size_t)1 << 30)

struct csv_row {
	char **cell;
	size_t n, cap;
	long line; /* where the row starts in the file */
};

struct csv_reader {
	const char *name;
	struct csv_parser p;
	long line;          /* the physical line being fed, from 1 */
	struct csv_row row; /* the row being parsed */
	int (*on_row)(struct csv_reader *r, struct csv_row *row, void *ud);
	void *ud;
	int rc; /* the first error of a callback */
};

static void row_release(struct csv_row *row)
{
	size_t i;

	for (i = 0; i < row->n; i++)
		xfree(row->cell[i]);
	xfree(row->cell);
	memset(row, 0, sizeof(*row));
}

static void on_field(void *data, size_t len, void *ud)
{
	struct csv_reader *r = ud;
	struct csv_row *row = &r->row;
	const char *s = data ? data : "";

	if (r->rc)
		return;
	/* A NUL would cut the cell short: "create\0skip" must not read as "create". */
	if (memchr(s, '\0', len))
		r->rc = fail(FS_EUSAGE, "%s line %ld: a NUL byte in a cell", r->name, row->line);
	else if (len > CELL_MAX)
		r->rc = fail(FS_EUSAGE, "%s line %ld: a cell longer than %zu bytes", r->name, row->line, CELL_MAX);
	if (r->rc)
		return;
	if (row->n == row->cap) {
		row->cap = row->cap ? 2 * row->cap : 16;
		row->cell = xrealloc(row->cell, row->cap * sizeof(*row->cell));
	}
	row->cell[row->n] = xmalloc(len + 1);
	memcpy(row->cell[row->n], s, len);
	row->cell[row->n++][len] = '\0';
}

static void on_row_end(int c, void *ud)
{
	struct csv_reader *r = ud;
	long line = r->row.line;

	(void)c;
	if (!r->rc)
		r->rc = r->on_row(r, &r->row, r->ud);
	row_release(&r->row);
	r->row.line = line;
}

/* The length of the line at s (its end included: LF, CRLF or a lone CR). */
static size_t line_len(const char *s, size_t rest)
{
	size_t i;

	for (i = 0; i < rest; i++) {
		if (s[i] == '\n')
			return i + 1;
		if (s[i] == '\r')
			return i + 1 + (i + 1 < rest && s[i + 1] == '\n');
	}
	return rest;
}

static int feed_lines(struct csv_reader *r, const char *text, size_t len)
{
	size_t pos = 0, n;

	while (pos < len && !r->rc) {
		n = line_len(text + pos, len - pos);
		if (r->p.pstate == LIBCSV_ROW_NOT_BEGUN && !r->row.n)
			r->row.line = r->line;
		if (csv_parse(&r->p, text + pos, n, on_field, on_row_end, r) != n && !r->rc)
			r->rc = fail(FS_EUSAGE, "%s line %ld: %s", r->name, r->line, csv_strerror(csv_error(&r->p)));
		pos += n;
		r->line++;
	}
	if (!r->rc && csv_fini(&r->p, on_field, on_row_end, r) && !r->rc)
		r->rc = fail(FS_EUSAGE, "%s line %ld: a quoted cell is not closed", r->name, r->row.line);
	return r->rc;
}

/* The whole file (FILE_MAX at most) into b. */
static int slurp(const char *name, struct buf *b)
{
	char chunk[65536];
	size_t n;
	FILE *fp = fopen(name, "rb");
	int rc = 0;

	if (!fp)
		return fail(FS_EUSAGE, "cannot open '%s': %s", name, strerror(errno));
	while (!rc && (n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		if (buf_add(b, chunk, n))
			rc = fail(FS_EUSAGE, "'%s' is larger than %zu bytes", name, FILE_MAX);
	if (!rc && ferror(fp))
		rc = fail(FS_EABORT, "cannot read '%s': %s", name, strerror(errno));
	fclose(fp);
	return rc;
}

/* A spreadsheet saved as xlsx or ods is a ZIP file: say what is wanted instead. */
static int refuse_zip(const char *name, const struct buf *b)
{
	if (b->len < 4 || memcmp(b->data, "PK\003\004", 4))
		return 0;
	return fail(FS_EUSAGE,
		    "'%s' is a spreadsheet file (xlsx or ods, a ZIP archive), not CSV: "
		    "save it as CSV (comma-separated, UTF-8) and apply that",
		    name);
}

/* Calls on_row for every row of the file; 0, or the first error. */
static int csv_read_rows(const char *name, int (*on_row)(struct csv_reader *, struct csv_row *, void *), void *ud)
{
	struct csv_reader r = { .name = name, .line = 1, .on_row = on_row, .ud = ud };
	struct buf text = BUF_INIT;
	int rc;

	buf_init(&text, FILE_MAX);
	if ((rc = slurp(name, &text)) || (rc = refuse_zip(name, &text)))
		goto out;
	csv_init(&r.p, CSV_APPEND_NULL | CSV_STRICT_FINI);
	csv_set_realloc_func(&r.p, xrealloc);
	csv_set_free_func(&r.p, xfree);
	rc = feed_lines(&r, text.data ? text.data : "", text.len);
	csv_free(&r.p);
	row_release(&r.row);
out:
	buf_release(&text);
	return rc;
}

static int row_blank(const struct csv_row *row)
{
	size_t i;

	for (i = 0; i < row->n; i++)
		if (*row->cell[i])
			return 0;
	return 1;
}

/* ---- one decision ---- */

/* A row of the file, as read: borrowed cells of the file's rows. */
struct pending {
	long line;
	long run;
	char *entity;
	char *crm_id;
	char *decision;    /* "link", "create", "skip" */
	char *finance_id;  /* link only */
	char *crm_module;  /* from the run's transform line, once checked */
	char *unlink_from; /* a near-duplicate's link: the finance record its create made */
};

struct problem {
	long line;
	char *text;
};

struct apply {
	const struct review_opts *o;
	const struct job *job;
	struct ledger *lg;
	struct pending *rows;
	size_t n, cap;
	long default_run;
	struct run_view *views;
	size_t nviews;
	json_t *taken;            /* "entity\tcrm_id" and "link\tentity\tfinance_id" -> line of the good row */
	struct problem *problems; /* bad rows, reported in line order once all are checked */
	long undecided, bad;
	long mangled; /* rows whose crm_id a spreadsheet turned into a number */
	long count_link, count_create, count_skip;
};

static void trim(char *s)
{
	char *p = s, *e;

	while (isspace((unsigned char)*p))
		p++;
	memmove(s, p, strlen(p) + 1);
	for (e = s + strlen(s); e > s && isspace((unsigned char)e[-1]);)
		*--e = '\0';
}

static void bad_row(struct apply *a, long line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void bad_row(struct apply *a, long line, const char *fmt, ...)
{
	char text[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	a->problems = xrealloc(a->problems, (size_t)(a->bad + 1) * sizeof(*a->problems));
	a->problems[a->bad].line = line;
	a->problems[a->bad].text = xstrdup(text);
	a->bad++;
}

static int cmp_problem(const void *x, const void *y)
{
	const struct problem *p = x, *q = y;

	return (p->line > q->line) - (p->line < q->line);
}

static void report_problems(struct apply *a)
{
	long i;

	if (a->bad)
		qsort(a->problems, (size_t)a->bad, sizeof(*a->problems), cmp_problem);
	for (i = 0; i < a->bad; i++)
		log_warn("%s line %ld: %s%s", a->o->apply, a->problems[i].line, a->problems[i].text,
			 a->mangled ? "" : "; row ignored");
}

/* link:<id>, create or skip (any case, spaces around); 0 ok, -1 malformed. */
static int parse_decision(const char *text, struct pending *p)
{
	const char *id;

	if (!strcasecmp(text, "create") || !strcasecmp(text, "skip")) {
		p->decision = xstrdup(tolower((unsigned char)text[0]) == 'c' ? "create" : "skip");
		return 0;
	}
	if (strncasecmp(text, "link:", 5))
		return -1;
	for (id = text + 5; isspace((unsigned char)*id); id++)
		;
	if (!*id || strpbrk(id, " \t,;"))
		return -1;
	p->decision = xstrdup("link");
	p->finance_id = xstrdup(id);
	return 0;
}

static int column_index(const struct csv_row *header, const char *name)
{
	size_t i;

	for (i = 0; i < header->n; i++)
		if (!strcmp(header->cell[i], name))
			return (int)i;
	return -1;
}

struct layout {
	int run, entity, crm_id, decision;
};

static int read_header(struct apply *a, struct csv_row *header, struct layout *l)
{
	size_t i;

	for (i = 0; i < header->n; i++)
		trim(header->cell[i]);
	if (header->n && !strncmp(header->cell[0], UTF8_BOM, 3))
		memmove(header->cell[0], header->cell[0] + 3, strlen(header->cell[0] + 3) + 1);
	l->run = column_index(header, "run");
	l->entity = column_index(header, "entity");
	l->crm_id = column_index(header, "crm_id");
	l->decision = column_index(header, "decision");
	if ((l->entity < 0 || l->crm_id < 0 || l->decision < 0) && header->n == 1 && strchr(header->cell[0], ';'))
		return fail(FS_EUSAGE,
			    "%s line %ld: the header is one cell with ';' in it: the file is "
			    "separated by ';', finsync reads ',' (save it as CSV with ',' as the field separator)",
			    a->o->apply, header->line);
	if (l->entity < 0 || l->crm_id < 0 || l->decision < 0)
		return fail(FS_EUSAGE,
			    "%s line %ld: the header needs columns entity, crm_id and decision "
			    "(as 'finsync review' writes them)",
			    a->o->apply, header->line);
	return 0;
}

static const char *cell(const struct csv_row *row, int i)
{
	return i >= 0 && (size_t)i < row->n ? row->cell[i] : "";
}

static long row_run(struct apply *a, const struct csv_row *row, const struct layout *l)
{
	const char *s = cell(row, l->run);
	char *end;
	long run;

	if (!*s)
		return a->default_run;
	errno = 0;
	run = strtol(s, &end, 10);
	return errno || *end || run <= 0 ? -1 : run;
}

/* ="4150868000000087001", as a spreadsheet that does not evaluate formulas saves our cell: the text. */
static void unwrap_text_formula(char *s)
{
	size_t n = strlen(s);

	if (n >= 3 && !strncmp(s, "=\"", 2) && s[n - 1] == '"') {
		memmove(s, s + 2, n - 3);
		s[n - 3] = '\0';
	}
}

/*
 * A CRM id a spreadsheet saved as a number: 4.15086800000009E+018, 4,15E+18,
 * 4150868000000087001.00.  Zoho ids are digits only.
 */
static int id_as_number(const char *s)
{
	size_t n = strspn(s, "0123456789");

	if (!n || !s[n])
		return 0;
	s += n;
	if (*s == '.' || *s == ',')
		s += 1 + strspn(s + 1, "0123456789");
	if (*s == 'E' || *s == 'e') {
		s += 1 + (s[1] == '+' || s[1] == '-');
		s += strspn(s, "0123456789");
	}
	return !*s;
}

/* Turns one row of the file into a pending decision; no decision or a bad one: not kept. */
static void take_row(struct apply *a, struct csv_row *row, const struct layout *l)
{
	struct pending p = { .line = row->line };
	char *decision = xstrdup(cell(row, l->decision));

	trim(decision);
	if (!*decision) {
		a->undecided++;
		goto out;
	}
	if (parse_decision(decision, &p)) {
		bad_row(a, p.line, "malformed decision '%s' (link:<finance_id>, create or skip)", decision);
		goto out;
	}
	if ((p.run = row_run(a, row, l)) < 0) {
		bad_row(a, p.line, "run '%s' is not a run id", cell(row, l->run));
		goto out;
	}
	p.entity = xstrdup(cell(row, l->entity));
	p.crm_id = xstrdup(cell(row, l->crm_id));
	trim(p.entity);
	trim(p.crm_id);
	unwrap_text_formula(p.crm_id);
	if (id_as_number(p.crm_id)) {
		bad_row(a, p.line, "crm_id '%s' was turned into a number by a spreadsheet: its digits are lost",
			p.crm_id);
		a->mangled++;
		xfree(p.entity);
		xfree(p.crm_id);
		goto out;
	}
	if (a->n == a->cap) {
		a->cap = a->cap ? 2 * a->cap : 64;
		a->rows = xrealloc(a->rows, a->cap * sizeof(*a->rows));
	}
	a->rows[a->n++] = p;
	memset(&p, 0, sizeof(p));
out:
	xfree(p.decision);
	xfree(p.finance_id);
	xfree(decision);
}

struct file_pass {
	struct apply *a;
	struct layout l;
	int header; /* the header row is still to come */
};

static int file_row(struct csv_reader *r, struct csv_row *row, void *ud)
{
	struct file_pass *f = ud;
	int rc;

	(void)r;
	if (row_blank(row))
		return 0;
	if (f->header) {
		if ((rc = read_header(f->a, row, &f->l)))
			return rc;
		f->header = 0;
		return 0;
	}
	take_row(f->a, row, &f->l);
	return 0;
}

static int read_file(struct apply *a)
{
	struct file_pass f = { a, { -1, -1, -1, -1 }, 1 };
	int rc;

	if ((rc = csv_read_rows(a->o->apply, file_row, &f)))
		return rc;
	if (f.header)
		return fail(FS_EUSAGE, "'%s' is empty: no header row", a->o->apply);
	return 0;
}

/* ---- checking the decisions against their runs ---- */

static struct run_view *view_of(struct apply *a, long run)
{
	size_t i;

	for (i = 0; i < a->nviews; i++)
		if (a->views[i].run == run)
			return &a->views[i];
	return NULL;
}

/* One view per run the rows name, loaded with only what the rows need. */
static int load_views(struct apply *a)
{
	json_t *keys, *ids;
	size_t i, j;
	int rc = 0;

	a->views = xcalloc(a->n ? a->n : 1, sizeof(*a->views));
	for (i = 0; i < a->n && !rc; i++) {
		struct run_view *v;
		if (view_of(a, a->rows[i].run))
			continue;
		if (!run_has_transform(a->job, a->rows[i].run))
			continue; /* reported per row */
		v = &a->views[a->nviews++];
		run_view_init(v, a->rows[i].run);
		keys = json_object();
		ids = json_object();
		for (j = i; j < a->n; j++) {
			char *key;
			if (a->rows[j].run != v->run)
				continue;
			key = review_item_key(a->rows[j].entity, a->rows[j].crm_id);
			json_object_set_new(keys, key, json_true());
			if (a->rows[j].finance_id)
				json_object_set_new(ids, a->rows[j].finance_id, json_true());
			xfree(key);
		}
		rc = run_view_load(v, a->job, keys, ids);
		json_decref(keys);
		json_decref(ids);
	}
	return rc;
}

static int is_candidate(json_t *line, const char *id)
{
	json_t *c = review_candidates(line);
	int found = jstr_in(c, id);

	json_decref(c);
	return found;
}

/* A link's target: in the run's snapshot of the entity, held by no other record.  1 good, 0 bad, <0 error. */
static int check_link(struct apply *a, const struct run_view *v, const struct pending *p, json_t *line)
{
	const char *where, *name = run_view_snapshot_name(v, p->entity, p->finance_id, &where);
	char *key = xasprintf("link\t%s\t%s", p->entity, p->finance_id), *other = NULL;
	json_t *first = json_object_get(a->taken, key);
	int rc = 0;

	if (!name)
		bad_row(a, p->line, "finance id '%s' is not in run %ld's snapshot of %s %s", p->finance_id, v->run,
			a->job->app->label, p->entity);
	else if (strcmp(where, p->entity))
		bad_row(a, p->line, "finance record %s ('%s') is a %s, not a %s", p->finance_id, name,
			review_noun(where), review_noun(p->entity));
	else if (first)
		bad_row(a, p->line, "finance record %s ('%s') is already chosen on line %" JSON_INTEGER_FORMAT,
			p->finance_id, name, json_integer_value(first));
	else if ((rc = ledger_link_by_finance(a->lg, p->entity, p->finance_id, &other)) == 1 &&
		 strcmp(other, p->crm_id)) {
		bad_row(a, p->line, "finance record %s ('%s') is already linked to CRM record %s", p->finance_id, name,
			other);
		rc = 0;
	} else if (rc >= 0) {
		rc = 1;
		json_object_set_new(a->taken, key, json_integer(p->line));
		if (!is_candidate(line, p->finance_id))
			log_info("%s line %ld: finance record %s ('%s') is not one of the candidates; taken as decided",
				 a->o->apply, p->line, p->finance_id, name);
	}
	xfree(other);
	xfree(key);
	return rc;
}

/* 4150868000000090000: more than 15 digits, zeros after the 15th (a double's precision). */
static int digits_cut(const char *id)
{
	size_t n = strlen(id);

	return n > 15 && strspn(id, "0123456789") == n && strspn(id + 15, "0") == n - 15;
}

/*
 * A record linked since its run: only a near-duplicate (created as new, and
 * linked by that create) has something left to decide.  Its link to
 * another finance record replaces the link of its create, which is dropped
 * when the decision is recorded; create keeps both.  1 good, 0 bad.
 */
static int check_linked(struct apply *a, struct pending *p, json_t *line, const struct link *l)
{
	const char *fid = l->finance_id ? l->finance_id : "?";

	if (!review_created_as_new(line)) {
		bad_row(a, p->line, "CRM record %s is linked to finance record %s since %s: nothing to decide",
			p->crm_id, fid, l->updated_at ? l->updated_at : "?");
		return 0;
	}
	if (!strcmp(p->decision, "skip")) {
		bad_row(a, p->line,
			"CRM record %s was created as finance record %s: skip cannot undo that "
			"(link:<finance_id> makes it the record it duplicates, create keeps both)",
			p->crm_id, fid);
		return 0;
	}
	if (!strcmp(p->decision, "link") && strcmp(p->finance_id, fid))
		p->unlink_from = xstrdup(fid);
	return 1;
}

/*
 * A create the app would refuse: the record's SKU is an existing item's
 * (Zoho Books refuses a second item with a SKU, error 1001), so every run
 * would fail it.  1 good, 0 bad.
 */
static int check_create(struct apply *a, const struct run_view *v, const struct pending *p, json_t *line)
{
	const char *m = jstr(line, "match"), *sku = jstr(line, "sku"), *where, *name;
	json_t *c;

	if (strcmp(p->decision, "create") || !m || strcmp(m, "sku"))
		return 1;
	c = review_candidates(line);
	name = json_array_size(c)
		       ? run_view_snapshot_name(v, p->entity, json_string_value(json_array_get(c, 0)), &where)
		       : NULL;
	bad_row(a, p->line,
		"create cannot work: %s refuses a second item with the SKU '%s', which finance item "
		"%s ('%s') has; decide link:%s or skip",
		a->job->app->label, sku ? sku : "?", json_array_size(c) ? json_string_value(json_array_get(c, 0)) : "?",
		name ? name : "?", json_array_size(c) ? json_string_value(json_array_get(c, 0)) : "<finance_id>");
	json_decref(c);
	return 0;
}

/* The record is listed by its run, not invalid, not decided twice, not linked since. */
static int check_record(struct apply *a, const struct run_view *v, struct pending *p, json_t *line)
{
	struct job *job = (struct job *)a->job;
	const struct entity_sync *e = job_entity(job, p->entity);
	char *key = review_item_key(p->entity, p->crm_id);
	json_t *first = json_object_get(a->taken, key);
	struct link l = { 0 };
	int rc = 0;

	if (!v)
		bad_row(a, p->line, "run %ld has no finished transform stage to review", p->run);
	else if (!e || !e->enabled)
		bad_row(a, p->line, "unknown entity '%s' (customers, vendors or items the job syncs)", p->entity);
	else if (!line && digits_cut(p->crm_id)) {
		bad_row(a, p->line,
			"crm_id '%s' is not a record of run %ld: its digits after the 15th are "
			"zeros, as when a spreadsheet kept only 15 of them",
			p->crm_id, p->run);
		a->mangled++;
	} else if (!line)
		bad_row(a, p->line, "unknown CRM id '%s' for %s: not among run %ld's records to review", p->crm_id,
			p->entity, p->run);
	else if (jstr_is(line, "action", "invalid"))
		bad_row(a, p->line, "CRM record %s is invalid (%s): fix it in the CRM, a decision cannot", p->crm_id,
			jstr_or(line, "reason", "no reason given"));
	else if (first)
		bad_row(a, p->line, "CRM record %s is already decided on line %" JSON_INTEGER_FORMAT, p->crm_id,
			json_integer_value(first));
	else if ((rc = ledger_link_get(a->lg, p->entity, p->crm_id, &l)) == 1 && !strcmp(l.state, "linked"))
		rc = check_linked(a, p, line, &l);
	else if (rc >= 0)
		rc = check_create(a, v, p, line);
	link_release(&l);
	xfree(key);
	return rc;
}

/* 1 good, 0 bad (reported), <0 ledger error. */
static int check_row(struct apply *a, struct pending *p)
{
	const struct run_view *v = view_of(a, p->run);
	char *key = review_item_key(p->entity, p->crm_id);
	json_t *line = v ? json_object_get(v->by_key, key) : NULL;
	int rc = check_record(a, v, p, line);

	if (rc == 1 && !strcmp(p->decision, "link"))
		rc = check_link(a, v, p, line);
	if (rc == 1) {
		json_object_set_new(a->taken, key, json_integer(p->line));
		p->crm_module = xstrdup(jstr(line, "crm_module"));
	}
	xfree(key);
	return rc;
}

/* ---- recording ---- */

static void count_decision(struct apply *a, const char *decision)
{
	if (!strcmp(decision, "link"))
		a->count_link++;
	else if (!strcmp(decision, "create"))
		a->count_create++;
	else
		a->count_skip++;
}

/* Every good row in one transaction: all of them are recorded, or none. */
static int record_decisions(struct apply *a, const int *good)
{
	size_t i;
	int rc;

	if ((rc = ledger_begin(a->lg)))
		return rc;
	for (i = 0; i < a->n && !rc; i++) {
		struct decision d = { 0 };
		if (!good[i])
			continue;
		d.entity = a->rows[i].entity;
		d.crm_id = a->rows[i].crm_id;
		d.crm_module = a->rows[i].crm_module;
		d.decision = a->rows[i].decision;
		d.finance_id = a->rows[i].finance_id;
		if (a->rows[i].unlink_from)
			rc = ledger_link_delete(a->lg, d.entity, d.crm_id);
		if (!rc && !(rc = ledger_decision_put(a->lg, &d)))
			count_decision(a, d.decision);
	}
	if (rc) {
		ledger_rollback(a->lg);
		a->count_link = a->count_create = a->count_skip = 0;
		return fail_prefix(rc, "no decision recorded");
	}
	return ledger_commit(a->lg);
}

static int check_and_record(struct apply *a)
{
	int *good = xcalloc(a->n ? a->n : 1, sizeof(*good));
	size_t i;
	int rc = 0;

	for (i = 0; i < a->n && rc >= 0; i++)
		good[i] = (rc = check_row(a, &a->rows[i])) == 1;
	if (rc >= 0)
		report_problems(a);
	if (rc >= 0 && a->mangled)
		rc = fail(FS_EUSAGE,
			  "%s: %ld CRM ids were changed by a spreadsheet that read them as numbers; nothing "
			  "recorded: apply the file 'finsync review' wrote (its ids are kept as text), or "
			  "import the crm_id column as text",
			  a->o->apply, a->mangled);
	else if (rc >= 0)
		rc = record_decisions(a, good);
	xfree(good);
	return rc;
}

static void apply_release(struct apply *a)
{
	size_t i;

	for (i = 0; i < a->n; i++) {
		xfree(a->rows[i].entity);
		xfree(a->rows[i].crm_id);
		xfree(a->rows[i].decision);
		xfree(a->rows[i].finance_id);
		xfree(a->rows[i].crm_module);
		xfree(a->rows[i].unlink_from);
	}
	xfree(a->rows);
	for (i = 0; i < a->nviews; i++)
		run_view_release(&a->views[i]);
	xfree(a->views);
	for (i = 0; i < (size_t)a->bad; i++)
		xfree(a->problems[i].text);
	xfree(a->problems);
	json_decref(a->taken);
}

/* A near-duplicate linked elsewhere leaves the record its create made: the analyst deletes it. */
static void say_unlinked(const struct apply *a)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (a->rows[i].unlink_from && a->rows[i].crm_module)
			printf("%s line %ld: finance %s %s, created for CRM record %s, is left in %s: delete it "
			       "there\n",
			       a->o->apply, a->rows[i].line, review_noun(a->rows[i].entity), a->rows[i].unlink_from,
			       a->rows[i].crm_id, a->job->app->label);
}

int review_apply(const struct review_opts *o, const struct job *job, struct ledger *lg)
{
	struct apply a = { .o = o, .job = job, .lg = lg };
	int rc;

	a.taken = json_object();
	log_set_stage("review");
	if ((rc = review_pick_run(lg, job, o->run, &a.default_run)) || (rc = read_file(&a)) || (rc = load_views(&a)) ||
	    (rc = check_and_record(&a)))
		goto out;
	printf("%s: %ld decisions recorded (%ld link, %ld create, %ld skip), %ld rows without a decision, "
	       "%ld rows ignored\n",
	       o->apply, a.count_link + a.count_create + a.count_skip, a.count_link, a.count_create, a.count_skip,
	       a.undecided, a.bad);
	if (a.count_link + a.count_create + a.count_skip)
		printf("the next run of '%s' follows them\n", job->path);
	say_unlinked(&a);
	cmd_records_failed = a.bad;
out:
	log_set_stage(NULL);
	apply_release(&a);
	return rc;
}
