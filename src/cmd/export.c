/*
 * export.c - `finsync export`: one staged file of a run as CSV, for analysts.
 *
 * Staged records are nested JSON; a spreadsheet wants flat columns.  Nested
 * keys are joined with dots (payload.billing_address.city), array elements
 * by index (payload.contact_persons.0.email).  The header is the union of the
 * keys of every record in first-seen order, so the file is read twice: once
 * to collect the keys, once to write.  Memory holds the key set and one
 * record, never the file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <jansson.h>
#include "finsync/alloc.h"
#include "finsync/buf.h"
#include "finsync/cmd.h"
#include "finsync/sheetout.h"
#include "finsync/err.h"
#include "finsync/job.h"
#include "finsync/ledger.h"
#include "finsync/log.h"
#include "finsync/outfile.h"
#include "finsync/staging.h"


struct export_opts {
	const char *job_path;
	long run; /* 0 = the latest */
	const char *stage;
	const char *entity;
	const char *output; /* NULL = stdout */
	const char *format; /* --format: csv (NULL) or xlsx */
	int bom;            /* --bom: a UTF-8 byte order mark first, for spreadsheets */
};

static const char *const formats[] = { "csv", "xlsx", NULL };

const struct option_spec export_options[] = {
	OPT_COUNT(struct export_opts, run, "run", "ID", 1, "the run (default: the latest run in the ledger)"),
	OPT_STRING(struct export_opts, stage, "stage", 0, "S", "extract, transform or load"),
	OPT_STRING(struct export_opts, entity, "entity", 0, "E",
		   "the file: a CRM module for extract (accounts, contacts,\n"
		   "finance.customers, ...), an entity for transform and\n"
		   "load (customers, vendors, items)"),
	OPT_CHOICE(struct export_opts, format, "format", "F", formats,
		   "csv (default) or xlsx (needs -o FILE): ids, ZIP codes\n"
		   "and phones as text cells, dates as dates, a frozen header"),
	OPT_STRING(struct export_opts, output, "output", 'o', "FILE",
		   "write FILE (replaced whole, atomically) instead of stdout"),
	OPT_FLAG(struct export_opts, bom, "bom", 0, "start the CSV with a UTF-8 byte order mark (for Excel)"),
	OPT_END,
};

/* The key set: names in first-seen order, and the same names for lookup. */
struct columns {
	json_t *order; /* array of strings */
	json_t *seen;  /* object: name -> true */
};


static int check_opts(struct export_opts *o)
{
	static const char *const stages[] = { "extract", "transform", "load", NULL };
	size_t i;

	if (!o->stage)
		return fail(FS_EUSAGE, "missing --stage (extract, transform or load)");
	for (i = 0; stages[i] && strcmp(stages[i], o->stage); i++)
		;
	if (!stages[i])
		return fail(FS_EUSAGE, "--stage: unknown stage '%s' (extract, transform, load)", o->stage);
	if (!o->entity)
		return fail(FS_EUSAGE, "missing --entity (a module for extract, an entity otherwise)");
	/* The name becomes a path under the run's folder: keep it there. */
	if (!*o->entity || strchr(o->entity, '/') || o->entity[0] == '.')
		return fail(FS_EUSAGE, "--entity: '%s' is not an entity or module name", o->entity);
	return 0;
}

/* 1 when --help was shown, 0 to go on, <0 usage error. */
static int parse_args(struct export_opts *o, int argc, char **argv)
{
	int rc;

	if ((rc = cmd_parse(argc, argv, o)))
		return rc;
	o->job_path = argv[1];
	if (o->output && !strcmp(o->output, "-"))
		o->output = NULL;
	if (o->format && !strcmp(o->format, "xlsx") && o->bom)
		return fail(FS_EUSAGE, "--bom is for CSV: an xlsx file says its encoding itself");
	return check_opts(o);
}

/* The run to export: --run, or the newest.  Never creates a ledger. */
static int find_run(const struct job *job, struct export_opts *o)
{
	struct ledger *lg = NULL;
	struct run_info run = { 0 };
	char *path = xasprintf("%s/ledger.sqlite", job->state_dir);
	int rc;

	if (access(path, F_OK)) {
		rc = fail(FS_EUSAGE, "job '%s' has no runs yet (no ledger in '%s')", job->path, job->state_dir);
		goto out;
	}
	if ((rc = ledger_open(&lg, job->state_dir)) || (rc = ledger_job_check(lg, job->name, job->state_dir, 0)))
		goto out;
	rc = o->run ? ledger_run_get(lg, o->run, &run) : ledger_run_latest(lg, &run);
	if (rc == 0)
		rc = o->run ? fail(FS_EUSAGE, "no run %ld in the ledger", o->run)
			    : fail(FS_EUSAGE, "job '%s' has no runs yet", job->path);
	if (rc > 0) {
		o->run = run.id;
		rc = 0;
	}
out:
	run_info_release(&run);
	ledger_close(lg);
	xfree(path);
	return rc;
}

static void columns_add(struct columns *cols, const char *key)
{
	if (json_object_get(cols->seen, key))
		return;
	json_object_set_new(cols->seen, key, json_true());
	json_array_append_new(cols->order, json_string(key));
}

/*
 * Calls leaf(key, value, ud) for every scalar under v, key being the dotted
 * path in path.  Empty objects and arrays have no leaves and so no column.
 */
static void flatten(json_t *v, struct buf *path, void (*leaf)(const char *, json_t *, void *), void *ud)
{
	size_t len = path->len, i;
	const char *key;
	json_t *child;

	if (json_is_object(v)) {
		json_object_foreach(v, key, child) {
			buf_addf(path, "%s%s", len ? "." : "", key);
			flatten(child, path, leaf, ud);
			path->len = len;
			path->data[len] = '\0';
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, child) {
			buf_addf(path, "%s%zu", len ? "." : "", i);
			flatten(child, path, leaf, ud);
			path->len = len;
			path->data[len] = '\0';
		}
	} else {
		/* A bare scalar record (not an object) still gets a column. */
		leaf(len ? buf_str(path) : "value", v, ud);
	}
}

static void collect_leaf(const char *key, json_t *v, void *ud)
{
	(void)v;
	columns_add(ud, key);
}

static void map_leaf(const char *key, json_t *v, void *ud)
{
	json_object_set(ud, key, v);
}

/* Pass 1: every key of every record.  A bad line is warned about and skipped. */
static int collect_columns(const char *dir, const char *name, struct columns *cols)
{
	struct staging_reader *r = NULL;
	struct buf path = BUF_INIT;
	json_t *rec;
	int rc;

	if ((rc = staging_reader_open(&r, dir, name, 0)))
		return rc;
	while ((rc = staging_read(r, &rec)) != 0) {
		if (rc == FS_EINPUT) {
			log_warn("%s (line skipped)", err_msg());
			continue;
		}
		if (rc < 0)
			break;
		flatten(rec, &path, collect_leaf, cols);
		json_decref(rec);
		buf_reset(&path);
	}
	buf_release(&path);
	staging_reader_close(r);
	return rc;
}

static int write_value(struct sheetout *csv, json_t *v)
{
	char num[64];
	size_t n;

	if (!v)
		return sheetout_text(csv, NULL); /* a key this record does not have */
	switch (json_typeof(v)) {
	case JSON_STRING:
		return sheetout_text(csv, json_string_value(v));
	case JSON_INTEGER:
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return sheetout_number(csv, num);
	case JSON_REAL:
		/* As the staged file has it: jansson wrote it, jansson writes it again. */
		n = json_dumpb(v, num, sizeof(num) - 1, JSON_ENCODE_ANY);
		num[n && n < sizeof(num) ? n : 0] = '\0';
		return sheetout_number(csv, num);
	case JSON_TRUE:
		return sheetout_text(csv, "true");
	case JSON_FALSE:
		return sheetout_text(csv, "false");
	default:
		return sheetout_text(csv, NULL);
	}
}

static int write_header(struct sheetout *csv, const struct columns *cols)
{
	json_t *k;
	size_t i;
	int rc = 0;

	json_array_foreach(cols->order, i, k)
		if ((rc = sheetout_header(csv, json_string_value(k))))
			return rc;
	return i ? sheetout_end_row(csv) : 0;
}

static int write_record(struct sheetout *csv, const struct columns *cols, json_t *rec, struct buf *path)
{
	json_t *flat = json_object(), *k;
	size_t i;
	int rc = 0;

	flatten(rec, path, map_leaf, flat);
	json_array_foreach(cols->order, i, k)
		if ((rc = write_value(csv, json_object_get(flat, json_string_value(k)))))
			break;
	json_decref(flat);
	return rc ? rc : sheetout_end_row(csv);
}

/* Pass 2: the header row, then one row per record, columns in header order. */
static int write_rows(const char *dir, const char *name, const struct columns *cols, struct sheetout *csv)
{
	struct staging_reader *r = NULL;
	struct buf path = BUF_INIT;
	json_t *rec;
	int rc;

	if ((rc = staging_reader_open(&r, dir, name, 0)) || (rc = write_header(csv, cols)))
		goto out;
	while ((rc = staging_read(r, &rec)) != 0) {
		if (rc == FS_EINPUT)
			continue; /* warned about in pass 1 */
		if (rc < 0)
			break;
		rc = write_record(csv, cols, rec, &path);
		json_decref(rec);
		buf_reset(&path);
		if (rc)
			break;
	}
out:
	buf_release(&path);
	staging_reader_close(r);
	return rc;
}

static int staged_file(const struct export_opts *o, const char *dir)
{
	char *path = xasprintf("%s/%s.ndjson.gz", dir, o->entity);
	int rc = 0;

	if (access(path, F_OK))
		rc = fail(FS_EUSAGE, "no staged file '%s/%s.ndjson.gz' in run %ld", o->stage, o->entity, o->run);
	xfree(path);
	return rc;
}

/* csvout does not know the file's name; put it in the message. */
static int name_write_error(int rc, const char *name)
{
	static const char prefix[] = "cannot write CSV: ";
	char reason[256];

	if (strncmp(err_msg(), prefix, sizeof(prefix) - 1))
		return rc;
	snprintf(reason, sizeof(reason), "%s", err_msg() + sizeof(prefix) - 1);
	return fail(rc, "cannot write '%s': %s", name, reason);
}

/* The table goes to out: CSV into its stream, xlsx into its temporary file (then renamed). */
static int sheet_open(struct sheetout *sh, struct outfile *out, const char *format, const char *sheet, int bom)
{
	if (!format || strcmp(format, "xlsx")) {
		if (bom)
			fputs(UTF8_BOM, out->fp);
		sheetout_csv(sh, out->fp);
		return 0;
	}
	if (!out->tmp)
		return fail(FS_EUSAGE, "--format xlsx writes a file: give -o FILE.xlsx, not %s", out->name);
	return sheetout_xlsx(sh, out->tmp, sheet);
}

static int export_csv(const char *dir, const struct export_opts *o)
{
	struct columns cols = { json_array(), json_object() };
	struct outfile out = OUTFILE_INIT;
	struct sheetout sh = { 0 };
	int rc, rc2;

	if ((rc = collect_columns(dir, o->entity, &cols)) || (rc = outfile_open(&out, o->output)) ||
	    (rc = sheet_open(&sh, &out, o->format, o->entity, o->bom)))
		goto out;
	rc = write_rows(dir, o->entity, &cols, &sh);
	if (rc && ferror(out.fp))
		rc = name_write_error(rc, out.name);
	rc2 = sheetout_close(&sh);
	if (!rc && !(rc = rc2))
		rc = outfile_finish(&out);
out:
	sheetout_close(&sh);
	outfile_abort(&out);
	json_decref(cols.order);
	json_decref(cols.seen);
	return rc;
}

int export_staged_csv(const char *dir, const char *name, const char *path)
{
	struct export_opts o = { 0 };

	o.entity = name;
	o.output = path;
	return export_csv(dir, &o);
}

int cmd_export(int argc, char **argv)
{
	struct export_opts o = { 0 };
	struct job *job = NULL;
	char *dir = NULL;
	int rc;

	if ((rc = parse_args(&o, argc, argv)))
		return rc > 0 ? 0 : rc;
	if ((rc = job_load_flags(&job, o.job_path, JOB_NO_SECRETS)) || (rc = find_run(job, &o)))
		goto out;
	dir = staging_dir(job->state_dir, o.run, o.stage);
	if (!(rc = staged_file(&o, dir)))
		rc = export_csv(dir, &o);
out:
	xfree(dir);
	job_free(job);
	return rc;
}
