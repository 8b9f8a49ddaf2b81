/*
 * crm_csv.c - CRM source that reads a folder of Zoho CRM export files
 * (<dir>/Accounts.csv, Contacts.csv, Products.csv, Vendors.csv, Deals.csv).
 *
 * One record per source_next(): the file is read in fixed-size chunks and
 * pushed into libcsv line by line; its callbacks complete rows into a small
 * queue, and more of the file is read only when that queue is empty.  So the
 * source holds one chunk plus the row being parsed, never the file.
 *
 * The header row names the fields (API names, `id` first).  Columns `X` and
 * `X.id` (a lookup), or `Owner`, `Owner.id`, `Owner.email`, become one object
 * {"name", "id", "email"}, as the API sends them; any `A.b` column pairs into
 * an object the same way.  Other cells stay strings, an empty cell is null.
 *
 * A bad row (wrong number of cells, stray quote, invalid UTF-8, a NUL byte,
 * a cell over CELL_MAX, no id or one that is not a record id, the header
 * again) is a record error: next() returns FS_EINPUT naming the file and the
 * physical line the row starts on, and the following call goes on with the
 * next row.  A quote never closed would make the rest of the file one cell:
 * the reader reports that row and reads on from the line after its start,
 * so one stray quote loses one row, not the file.
 *
 * The header is planned in linear time: the fields and the columns seen are
 * found through hash tables (a header of a million columns takes seconds).
 *
 * Views (cvid) and the field list of a query need the API and are ignored
 * here; an incremental read filters on Modified_Time, which costs a full read
 * of the file but gives the same records as the API would.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <csv.h>
#include <jansson.h>
#include "finsync/alloc.h"
#include "finsync/buf.h"
#include "finsync/crm.h"
#include "finsync/err.h"
#include "finsync/safe.h"
#include "finsync/log.h"
#include "finsync/timeutil.h"

#define CHUNK_SIZE 65536
/* CRM text fields hold at most 32 000 characters; a cell this long is a quote never closed. */
#define CELL_MAX ((size_t)16 << 20)

/* libcsv's parser state between two rows (pstate; libcsv.c calls it ROW_NOT_BEGUN). */
#define LIBCSV_ROW_NOT_BEGUN 0

enum row_error {
	ROW_OK,
	ROW_BAD_QUOTE, /* a quote inside an unquoted cell, or text after a closing quote */
	ROW_UNCLOSED,  /* the file ends inside a quoted cell */
	ROW_TOO_LONG,  /* a cell grew past CELL_MAX */
};

struct row {
	json_t *cells; /* strings or null; at most keep_cells of them */
	size_t ncells; /* every cell seen, kept or not */
	long line;     /* physical line the row starts on */
	long bad_utf8; /* index of the first cell that is not UTF-8, or -1 */
	long nul_cell; /* index of the first cell holding a NUL byte, or -1 */
	enum row_error error;
	struct row *next;
};

struct part { /* one `X.key` column of an object field */
	char *key;
	size_t cell;
};

struct field { /* one key of the record, in header order */
	char *name;
	long cell;          /* cell of `X` itself, or -1 */
	struct part *parts; /* `X.key` columns; none for a plain string field */
	size_t nparts;
};

struct csv_source {
	struct source base;
	char *file; /* "Accounts.csv", for messages */
	char *path;
	struct csv_input in; /* the file, or a Bulk Read ZIP's member (crm_bulk.c) */
	struct csv_parser parser;
	int parser_live;
	char *chunk;
	size_t len, pos;
	long chunk_off;          /* file offset of chunk[0] */
	long line;               /* physical line now being fed, from 1 */
	long row_line;           /* line the row being parsed started on */
	long row_next_off;       /* file offset of the line after row_line: where an unclosed quote resumes */
	int at_start;            /* before the first chunk: a BOM may follow */
	int eof;                 /* fread saw the end */
	int done;                /* nothing more will be queued */
	int skip_line;           /* resyncing after a parse error: drop bytes up to the line's end */
	int cr_pending;          /* the last chunk ended on a CR: its line ends with it, or with a LF next */
	struct row *cur;         /* row being parsed */
	struct row *head, *tail; /* finished rows, oldest first */
	size_t keep_cells;       /* cells kept per row: the header's count + 1 (0 = all) */
	char **colnames;         /* header cell per column */
	size_t ncols;
	struct field *fields;
	size_t nfields;
	json_t *field_index;  /* field name -> its index in fields: a linear header */
	json_t *columns_seen; /* header cell -> true: a column named twice */
	long modified_cell;   /* column of Modified_Time, or -1 */
	int has_since;
	time_t since;
	long last_line; /* line of the record next() returned last */
};

struct crm_csv {
	struct crm base;
	char *dir;
};

/* No byte counts as a space to trim (see csv_set_space_func). */
static int keep_spaces(unsigned char c)
{
	(void)c;
	return 0;
}

static const struct source_ops csv_source_ops;

static struct row *row_new(void)
{
	struct row *r = xcalloc(1, sizeof(*r));

	r->cells = json_array();
	r->bad_utf8 = -1;
	r->nul_cell = -1;
	return r;
}

static void row_free(struct row *r)
{
	if (!r)
		return;
	json_decref(r->cells);
	xfree(r);
}

static void queue_push(struct csv_source *s, struct row *r)
{
	if (s->tail)
		s->tail->next = r;
	else
		s->head = r;
	s->tail = r;
}

static struct row *queue_pop(struct csv_source *s)
{
	struct row *r = s->head;

	if (r) {
		s->head = r->next;
		if (!s->head)
			s->tail = NULL;
		r->next = NULL;
	}
	return r;
}

static struct row *current_row(struct csv_source *s)
{
	if (!s->cur)
		s->cur = row_new();
	return s->cur;
}

/* libcsv field callback: one cell of the current row. */
static void on_field(void *data, size_t n, void *ud)
{
	struct csv_source *s = ud;
	struct row *r = current_row(s);
	json_t *v;

	if (r->ncells == 0)
		r->line = s->row_line;
	/* Every C-string consumer would cut the value at a NUL: the row is refused instead. */
	if (n && r->nul_cell < 0 && memchr(data, '\0', n))
		r->nul_cell = (long)r->ncells;
	/* jansson refuses invalid UTF-8, so json_stringn doubles as the validator. */
	v = n ? json_stringn(data, n) : json_null();
	if (!v) {
		if (r->bad_utf8 < 0)
			r->bad_utf8 = (long)r->ncells;
		v = json_null();
	}
	if (!s->keep_cells || r->ncells < s->keep_cells)
		json_array_append_new(r->cells, v);
	else
		json_decref(v);
	r->ncells++;
}

/* libcsv row callback: the current row is complete. */
static void on_row(int c, void *ud)
{
	struct csv_source *s = ud;

	(void)c;
	if (s->cur) {
		queue_push(s, s->cur);
		s->cur = NULL;
	}
}

/* Queues an error row at line, dropping the row being parsed. */
static void queue_error(struct csv_source *s, enum row_error e, long line)
{
	struct row *r = row_new();

	r->error = e;
	r->line = line;
	row_free(s->cur);
	s->cur = NULL;
	queue_push(s, r);
}

static void parser_start(struct csv_source *s)
{
	/* Strict: a stray quote is reported on its row instead of swallowing the file. */
	csv_init(&s->parser, CSV_APPEND_NULL | CSV_STRICT);
	csv_set_realloc_func(&s->parser, xrealloc);
	csv_set_free_func(&s->parser, xfree);
	/* libcsv trims spaces around unquoted cells by default; a CRM value keeps them. */
	csv_set_space_func(&s->parser, keep_spaces);
	s->parser_live = 1;
}

static void parser_stop(struct csv_source *s)
{
	if (s->parser_live)
		csv_free(&s->parser);
	s->parser_live = 0;
}

static int read_chunk(struct csv_source *s)
{
	size_t n;

	long got;

	s->chunk_off += (long)s->len;
	if ((got = s->in.read(s->in.ctx, s->chunk, CHUNK_SIZE)) < 0)
		return fail_prefix(FS_EABORT, "cannot read '%s'", s->path);
	n = (size_t)got;
	if (n == 0)
		s->eof = 1;
	s->len = n;
	s->pos = 0;
	/* Excel and Zoho both write a UTF-8 BOM; it is not part of the first field name. */
	if (s->at_start && n >= 3 && !memcmp(s->chunk, "\xEF\xBB\xBF", 3))
		s->pos = 3;
	s->at_start = 0;
	return 0;
}

/*
 * Goes back to the line after the one the unclosed row started on: the
 * lines it swallowed are read as rows (a good one is kept, the others are
 * reported).  Each restart begins further into the file, so this ends.
 */
static int restart_after(struct csv_source *s, long line, long off)
{
	if (s->in.seek(s->in.ctx, off))
		return fail_prefix(FS_EABORT, "cannot read '%s'", s->path);
	parser_stop(s);
	parser_start(s);
	s->chunk_off = off;
	s->len = s->pos = 0;
	s->eof = 0;
	s->skip_line = 0;
	s->cr_pending = 0;
	s->line = line + 1;
	return 0;
}

static int finish_parse(struct csv_source *s)
{
	long line = s->row_line, off = s->row_next_off;

	/* Strict at the end only: it turns an unclosed quote into an error instead of a cell. */
	csv_set_opts(&s->parser, CSV_APPEND_NULL | CSV_STRICT | CSV_STRICT_FINI);
	if (!csv_fini(&s->parser, on_field, on_row, s)) {
		s->done = 1;
		return 0;
	}
	queue_error(s, ROW_UNCLOSED, line);
	/* A stream that cannot go back (a ZIP member) ends with that row. */
	if (line >= s->line || !s->in.seek)
		s->done = 1;
	return s->done ? 0 : restart_after(s, line, off);
}

/*
 * A cell grew past CELL_MAX: its row is an error, and what it holds so far
 * is dropped so memory stays bounded while the cell is read to its end (the
 * rows after it are still read; a quote never closed is finish_parse's).
 */
static void cell_too_long(struct csv_source *s)
{
	struct row *r = current_row(s);

	if (r->ncells == 0)
		r->line = s->row_line;
	r->error = ROW_TOO_LONG;
	s->parser.entry_pos = 0;
}

/* After a parse error: report it, restart the parser on the next line. */
static void resync(struct csv_source *s, int at_eol)
{
	queue_error(s, ROW_BAD_QUOTE, s->line);
	parser_stop(s);
	parser_start(s);
	s->skip_line = !at_eol;
}

/*
 * The length of the next piece of the chunk to feed: up to and including
 * the line's end (LF, CRLF or a lone CR: libcsv ends a row at any of them),
 * or the rest of the chunk.  *ends_line says whether the piece ends a line;
 * a CR that is the chunk's last byte may be half of a CRLF (*cr_pending).
 */
static size_t next_piece(const char *start, size_t rest, int *ends_line, int *cr_pending)
{
	const char *nl = memchr(start, '\n', rest);
	/* Only within the line: a search to the chunk's end on every line would be quadratic. */
	const char *cr = memchr(start, '\r', nl ? (size_t)(nl - start) : rest);

	*ends_line = 1;
	*cr_pending = 0;
	if (cr && cr + 1 != nl) {
		*cr_pending = cr + 1 == start + rest;
		*ends_line = !*cr_pending;
		return (size_t)(cr - start) + 1;
	}
	if (nl)
		return (size_t)(nl - start) + 1;
	*ends_line = 0;
	return rest;
}

/*
 * Pushes the chunk into libcsv one line at a time (or the part of it this
 * chunk holds), so that the callbacks know which physical line they are on.
 */
static int feed(struct csv_source *s)
{
	const char *start;
	size_t n, used;
	int ends_line, cr_pending;

	if (s->pos == s->len) {
		if (!s->eof)
			return read_chunk(s);
		return finish_parse(s);
	}
	start = s->chunk + s->pos;
	if (s->cr_pending && *start == '\n') {
		/* The last chunk ended on a CR: this LF is the rest of that line's end. */
		n = 1;
		ends_line = 1;
		cr_pending = 0;
	} else {
		if (s->cr_pending) /* that CR was a line end of its own */
			s->line++;
		n = next_piece(start, s->len - s->pos, &ends_line, &cr_pending);
	}
	s->cr_pending = 0;
	s->pos += n;
	/* A row that begins now begins on this line (a line is fed in one piece or more). */
	if (s->parser.pstate == LIBCSV_ROW_NOT_BEGUN && !s->cur && !s->skip_line && s->row_line != s->line) {
		s->row_line = s->line;
		s->row_next_off = s->chunk_off + (long)(ends_line ? s->pos : s->len);
	}
	if (ends_line && s->row_line == s->line)
		s->row_next_off = s->chunk_off + (long)s->pos;
	if (s->skip_line) {
		s->skip_line = !ends_line && !cr_pending;
	} else {
		used = csv_parse(&s->parser, start, n, on_field, on_row, s);
		if (used < n)
			resync(s, ends_line || cr_pending);
	}
	/*
	 * libcsv grows a cell's buffer by blk_size at a time: a long cell was
	 * quadratic in copies wherever realloc moves the block.  Growing by the
	 * size it has makes it doubling.
	 */
	if (s->parser.entry_size > s->parser.blk_size)
		csv_set_blk_size(&s->parser, s->parser.entry_size);
	if (s->parser.entry_pos > CELL_MAX)
		cell_too_long(s);
	if (ends_line)
		s->line++;
	s->cr_pending = cr_pending;
	return 0;
}

/* The next finished row, reading as much of the file as that takes; NULL at the end. */
static int next_row(struct csv_source *s, struct row **out)
{
	int rc;

	while (!(*out = queue_pop(s))) {
		if (s->done)
			return 0;
		if ((rc = feed(s)))
			return rc;
	}
	return 1;
}

/* The field named name[0..n), added in header order when new: one hash lookup. */
static struct field *field_find(struct csv_source *s, const char *name, size_t n)
{
	char *key = xstrndup(name, n);
	json_t *at = json_object_get(s->field_index, key);
	struct field *f;

	if (at) {
		xfree(key);
		return &s->fields[json_integer_value(at)];
	}
	if (!(s->nfields & (s->nfields + 1))) /* room doubles at 1, 3, 7 ...: linear in all */
		s->fields = xrealloc(s->fields, (s->nfields * 2 + 1) * sizeof(*s->fields));
	f = &s->fields[s->nfields];
	memset(f, 0, sizeof(*f));
	f->name = key;
	f->cell = -1;
	json_object_set_new(s->field_index, key, json_integer((json_int_t)s->nfields));
	s->nfields++;
	return f;
}

static int header_column(struct csv_source *s, size_t col)
{
	const char *name = s->colnames[col];
	const char *dot = strchr(name, '.');
	struct field *f;

	if (json_object_get(s->columns_seen, name))
		return fail(FS_EUSAGE, "'%s' line 1: column '%s' appears twice", s->file, name);
	json_object_set_new(s->columns_seen, name, json_true());
	if (dot && (!dot[1] || dot == name))
		return fail(FS_EUSAGE, "'%s' line 1: column '%s' is not a field name", s->file, name);
	f = field_find(s, name, dot ? (size_t)(dot - name) : strlen(name));
	if (!dot) {
		f->cell = (long)col;
		return 0;
	}
	if (!(f->nparts & (f->nparts + 1)))
		f->parts = xrealloc(f->parts, (f->nparts * 2 + 1) * sizeof(*f->parts));
	f->parts[f->nparts].key = xstrdup(dot + 1);
	f->parts[f->nparts++].cell = col;
	return 0;
}

static int header_names(struct csv_source *s, struct row *r)
{
	json_t *v;
	size_t i;

	if (r->error != ROW_OK)
		return fail(FS_EUSAGE, "'%s' line %ld: the header row is not valid CSV", s->file, r->line);
	if (r->bad_utf8 >= 0)
		return fail(FS_EUSAGE, "'%s' line 1: column %ld: not valid UTF-8", s->file, r->bad_utf8 + 1);
	if (r->nul_cell >= 0)
		return fail(FS_EUSAGE, "'%s' line 1: column %ld: a NUL byte in its name", s->file, r->nul_cell + 1);
	s->ncols = r->ncells;
	s->colnames = xcalloc(s->ncols, sizeof(*s->colnames));
	json_array_foreach(r->cells, i, v) {
		if (json_is_null(v))
			return fail(FS_EUSAGE, "'%s' line 1: column %zu has no name", s->file, i + 1);
		s->colnames[i] = xstrdup(json_string_value(v));
	}
	if (strcmp(s->colnames[0], "id"))
		return fail(FS_EUSAGE, "'%s' line 1: the first column is '%s', not 'id'", s->file, s->colnames[0]);
	return 0;
}

/* Reads the header row and plans the record's keys; an empty file has none. */
static int read_header(struct csv_source *s)
{
	struct row *r = NULL;
	size_t i;
	int rc;

	if ((rc = next_row(s, &r)) <= 0)
		goto out;
	if ((rc = header_names(s, r)))
		goto out;
	for (i = 0; i < s->ncols; i++) {
		if ((rc = header_column(s, i)))
			goto out;
		if (!strcmp(s->colnames[i], "Modified_Time"))
			s->modified_cell = (long)i;
	}
	/* One more than the header: enough to tell a long row, bounded if it is huge. */
	s->keep_cells = s->ncols + 1;
out:
	/* Only the header needs them; a wide one would keep them long. */
	json_decref(s->field_index);
	json_decref(s->columns_seen);
	s->field_index = s->columns_seen = NULL;
	row_free(r);
	return rc < 0 ? rc : 0;
}

static void source_free(struct csv_source *s)
{
	size_t i, k;
	struct row *r;

	if (!s)
		return;
	while ((r = queue_pop(s)))
		row_free(r);
	row_free(s->cur);
	parser_stop(s);
	if (s->in.close)
		s->in.close(s->in.ctx);
	for (i = 0; i < s->nfields; i++) {
		for (k = 0; k < s->fields[i].nparts; k++)
			xfree(s->fields[i].parts[k].key);
		xfree(s->fields[i].parts);
		xfree(s->fields[i].name);
	}
	xfree(s->fields);
	json_decref(s->field_index);
	json_decref(s->columns_seen);
	for (i = 0; i < s->ncols; i++)
		xfree(s->colnames[i]);
	xfree(s->colnames);
	xfree(s->chunk);
	xfree(s->path);
	xfree(s->file);
	xfree(s);
}

static long file_read(void *ctx, char *buf, size_t n)
{
	FILE *fp = ctx;
	size_t got = fread(buf, 1, n, fp);

	if (got == 0 && ferror(fp))
		return fail(FS_EABORT, "%s", strerror(errno));
	return (long)got;
}

static int file_seek(void *ctx, long off)
{
	FILE *fp = ctx;

	if (fseek(fp, off, SEEK_SET))
		return fail(FS_EABORT, "%s", strerror(errno));
	clearerr(fp);
	return 0;
}

static void file_close(void *ctx)
{
	fclose(ctx);
}

/* A new source reading s->in: the chunk, the parser and the header. */
static int source_start(struct csv_source *s)
{
	s->chunk = xmalloc(CHUNK_SIZE);
	parser_start(s);
	return read_header(s);
}

static struct csv_source *source_new(const char *file, const char *path)
{
	struct csv_source *s = xcalloc(1, sizeof(*s));

	s->base.ops = &csv_source_ops;
	s->file = xstrdup(file);
	s->path = xstrdup(path);
	s->modified_cell = -1;
	s->field_index = json_object();
	s->columns_seen = json_object();
	s->line = 1;
	s->at_start = 1;
	return s;
}

int crm_csv_source_open(struct source **out, const char *name, struct csv_input *in)
{
	struct csv_source *s = source_new(name, name);
	int rc;

	*out = NULL;
	s->in = *in;
	memset(in, 0, sizeof(*in));
	if ((rc = source_start(s))) {
		source_free(s);
		return rc;
	}
	*out = &s->base;
	return 0;
}

/* Opens <dir>/<module>.csv and reads its header; a missing file is an empty source. */
static int source_open(struct csv_source **out, const char *dir, const char *module)
{
	char *file = xasprintf("%s.csv", module), *path = xasprintf("%s/%s", dir, file);
	struct csv_source *s = source_new(file, path);
	FILE *fp;
	int rc;

	*out = NULL;
	xfree(file);
	xfree(path);
	if (!*module || strchr(module, '/')) {
		rc = fail(FS_EUSAGE, "'%s' is not a CRM module name", module);
		goto out;
	}
	if (!(fp = fopen(s->path, "rb"))) {
		s->done = 1;
		rc = errno == ENOENT ? 0 : fail(FS_EABORT, "cannot open '%s': %s", s->path, strerror(errno));
		goto out;
	}
	s->in = (struct csv_input){ fp, file_read, file_seek, file_close };
	rc = source_start(s);
out:
	if (rc)
		source_free(s);
	else
		*out = s;
	return rc;
}

static int all_empty(const struct row *r)
{
	json_t *v;
	size_t i;

	json_array_foreach(r->cells, i, v)
		if (!json_is_null(v))
			return 0;
	return r->bad_utf8 < 0;
}

static json_t *field_value(const struct field *f, json_t *cells)
{
	json_t *obj, *v;
	int any = 0;
	size_t i;

	if (!f->nparts)
		return json_incref(json_array_get(cells, (size_t)f->cell));
	obj = json_object();
	if (f->cell >= 0) {
		v = json_array_get(cells, (size_t)f->cell);
		any |= !json_is_null(v);
		json_object_set(obj, "name", v);
	}
	for (i = 0; i < f->nparts; i++) {
		v = json_array_get(cells, f->parts[i].cell);
		any |= !json_is_null(v);
		json_object_set(obj, f->parts[i].key, v);
	}
	/* The API sends null for an empty lookup, not an object of nulls. */
	if (!any) {
		json_decref(obj);
		return json_null();
	}
	return obj;
}

static const char *row_error_text(enum row_error e)
{
	switch (e) {
	case ROW_BAD_QUOTE:
		return "a quote inside an unquoted cell, or text after a closing quote";
	case ROW_UNCLOSED:
		return "a quoted cell is not closed before the end of the file; read on from the next line";
	case ROW_TOO_LONG:
		return "a cell longer than 16 MiB";
	default:
		return "bad row";
	}
}

/* The header again, as when two exports are joined (maybe with the second one's BOM). */
static int is_header_again(const char *first)
{
	if (!strncmp(first, "\xEF\xBB\xBF", 3))
		first += 3;
	return !strcmp(first, "id");
}

/* s for a message: at most 40 bytes, control bytes and non-ASCII as '?'. */
static void printable(const char *s, char *out, size_t size)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < size && i < 40; i++)
		out[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	out[i] = '\0';
}

/* FS_EINPUT when the row's id is missing or is not a record id. */
static int check_id(const struct csv_source *s, const struct row *r)
{
	const char *id = json_string_value(json_array_get(r->cells, 0));
	char shown[48];

	if (!id)
		return fail(FS_EINPUT, "'%s' line %ld: empty id", s->file, r->line);
	if (is_header_again(id))
		return fail(FS_EINPUT, "'%s' line %ld: the header row again (two exports joined?); not a record",
			    s->file, r->line);
	/* A Zoho record id is digits; anything else (a BOM, a space, "id") is not one. */
	if (!zoho_id_ok(id)) {
		printable(id, shown, sizeof(shown));
		return fail(FS_EINPUT, "'%s' line %ld: id '%s' is not a CRM record id (digits only)", s->file, r->line,
			    shown);
	}
	return 0;
}

/* Rows the caller never sees: blank ones, and ones older than modified_since. */
static int row_filtered(const struct csv_source *s, const struct row *r)
{
	time_t t;

	if (all_empty(r))
		return 1;
	if (!s->has_since || s->modified_cell < 0)
		return 0;
	/* An unreadable time is kept: sending a record twice is cheaper than losing it. */
	if (time_parse_iso(json_string_value(json_array_get(r->cells, (size_t)s->modified_cell)), &t))
		return 0;
	return t < s->since;
}

/* 1 with a record in *out, 0 when the row is filtered out, FS_EINPUT for a bad row. */
static int row_record(struct csv_source *s, const struct row *r, json_t **out)
{
	size_t i;

	if (r->error != ROW_OK)
		return fail(FS_EINPUT, "'%s' line %ld: %s", s->file, r->line, row_error_text(r->error));
	if (r->nul_cell >= 0 && (size_t)r->nul_cell < s->ncols)
		return fail(FS_EINPUT, "'%s' line %ld: column '%s': a NUL byte", s->file, r->line,
			    s->colnames[r->nul_cell]);
	if (row_filtered(s, r))
		return 0;
	if (r->ncells != s->ncols)
		return fail(FS_EINPUT, "'%s' line %ld: %zu cells, header has %zu", s->file, r->line, r->ncells,
			    s->ncols);
	if (r->bad_utf8 >= 0)
		return fail(FS_EINPUT, "'%s' line %ld: column '%s': not valid UTF-8", s->file, r->line,
			    s->colnames[r->bad_utf8]);
	if (check_id(s, r))
		return FS_EINPUT;
	*out = json_object();
	for (i = 0; i < s->nfields; i++)
		json_object_set_new(*out, s->fields[i].name, field_value(&s->fields[i], r->cells));
	return 1;
}

static int csv_source_next(struct source *src, json_t **out)
{
	struct csv_source *s = (struct csv_source *)src;
	struct row *r;
	int rc;

	*out = NULL;
	do {
		if ((rc = next_row(s, &r)) <= 0)
			return rc;
		rc = row_record(s, r, out);
		s->last_line = r->line;
		row_free(r);
	} while (rc == 0);
	return rc;
}

static char *csv_source_where(struct source *src)
{
	struct csv_source *s = (struct csv_source *)src;

	return xasprintf("'%s' line %ld", s->file, s->last_line);
}

static void csv_source_close(struct source *src)
{
	source_free((struct csv_source *)src);
}

static const struct source_ops csv_source_ops = {
	.next = csv_source_next,
	.close = csv_source_close,
	.where = csv_source_where,
};

/*
 * A folder without any of the files the job reads is a mistake (the wrong
 * folder, an export not yet copied, files named by date), not a CRM with no
 * records: the run would read nothing and exit 0.  One file present is
 * enough; a module without records may have no file.
 */
static int csv_any_file(const struct job *job)
{
	struct buf want = BUF_INIT;
	const char *const *m;
	int i, found = 0, rc = 0;

	for (i = 0; i < ENTITY_COUNT && !found; i++) {
		if (!job->entities[i].enabled)
			continue;
		for (m = entity_crm_modules(&job->entities[i]); *m && !found; m++) {
			char *file = xasprintf("%s/%s.csv", job->crm.dir, *m);
			found = access(file, F_OK) == 0;
			if (!strstr(buf_str(&want), *m))
				buf_addf(&want, "%s%s.csv", want.len ? ", " : "", *m);
			xfree(file);
		}
	}
	if (!found && want.len)
		rc = fail(FS_EUSAGE,
			  "the CRM export folder '%s' has none of the files the job reads (%s): "
			  "is it the right folder?",
			  job->crm.dir, buf_str(&want));
	buf_release(&want);
	return rc;
}

static int csv_open(struct crm **out, const struct job *job)
{
	struct crm_csv *c;
	struct stat st;
	int rc;

	*out = NULL;
	if (!job->crm.dir)
		return fail(FS_EUSAGE, "job '%s': crm.dir: missing", job->path ? job->path : "");
	if (stat(job->crm.dir, &st))
		return fail(FS_EUSAGE, "cannot read the CRM export folder '%s': %s", job->crm.dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return fail(FS_EUSAGE, "the CRM export folder '%s' is not a folder", job->crm.dir);
	if ((rc = csv_any_file(job)))
		return rc;
	c = xcalloc(1, sizeof(*c));
	c->base.ops = &crm_csv_ops;
	c->base.job = job;
	c->dir = xstrdup(job->crm.dir);
	*out = &c->base;
	return 0;
}

static int csv_fields(struct crm *crm, const char *module, json_t **out)
{
	struct crm_csv *c = (struct crm_csv *)crm;
	struct csv_source *s = NULL;
	size_t i;
	int rc;

	*out = NULL;
	if ((rc = source_open(&s, c->dir, module)))
		return rc;
	*out = json_array();
	for (i = 0; i < s->nfields; i++)
		json_array_append_new(*out, json_string(s->fields[i].name));
	source_free(s);
	return 0;
}

static int csv_read(struct crm *crm, const struct crm_query *q, struct source **out)
{
	struct crm_csv *c = (struct crm_csv *)crm;
	struct csv_source *s = NULL;
	int rc;

	*out = NULL;
	if (q->cvid)
		log_warn("'%s.csv': custom views need the Zoho CRM API; view %s is ignored", q->module, q->cvid);
	if ((rc = source_open(&s, c->dir, q->module)))
		return rc;
	if (q->modified_since) {
		if (time_parse_iso(q->modified_since, &s->since)) {
			rc = fail(FS_EUSAGE, "modified_since '%s' is not an ISO 8601 time", q->modified_since);
			source_free(s);
			return rc;
		}
		s->has_since = 1;
	}
	*out = &s->base;
	return 0;
}

static void csv_close(struct crm *crm)
{
	struct crm_csv *c = (struct crm_csv *)crm;

	if (!c)
		return;
	xfree(c->dir);
	xfree(c);
}

const struct crm_ops crm_csv_ops = {
	.type = "csv",
	.open = csv_open,
	.fields = csv_fields,
	.read = csv_read,
	.close = csv_close,
};
