/*
 * mapping.c - `finsync mapping`: the effective field mapping, made visible.
 *
 * The default mapping lives in src/xform/mapping.c and a job's field_map
 * only overrides it, so without this command an implementer had to read
 * the source to know which CRM field fills which finance field.  It prints,
 * per entity and the job's finance app, every finance field with the CRM
 * field it comes from, why (default, override, field_map, custom field)
 * and the CRM field's type: asked of the CRM's field metadata when it can
 * be reached (every field of a CSV export is text), "unknown" offline.
 *
 * --defaults prints the default mapping of every app, with no job; the
 * README's tables are its markdown (tests/e2e/t8740 fails when they differ),
 * so the documentation and the code have one source.
 */
#include <stdio.h>
#include <string.h>
#include <jansson.h>
#include "finsync/alloc.h"
#include "finsync/buf.h"
#include "finsync/cmd.h"
#include "finsync/crm.h"
#include "finsync/err.h"
#include "finsync/job.h"
#include "finsync/log.h"
#include "finsync/mapping.h"

struct mapping_opts {
	const char *format;
	int defaults;
	int offline;
};

static const char *const formats[] = { "text", "json", "markdown", NULL };

const struct option_spec mapping_options[] = {
	OPT_CHOICE(struct mapping_opts, format, "format", "F", formats, "text (default), json or markdown"),
	OPT_FLAG(struct mapping_opts, defaults, "defaults", 0,
		 "the default mapping of every finance app, without a job\n(the README's tables)"),
	OPT_FLAG(struct mapping_opts, offline, "offline", 0, "do not ask the CRM for its field types"),
	OPT_END,
};

/*
 * The CRM's field types of every module the job's entities read: {module:
 * {field: type}}, a module missing where its metadata could not be read.
 * Needs the job's secrets; without them, or offline, every type is unknown.
 */
static json_t *crm_types(const char *job_path)
{
	json_t *all = json_object(), *types;
	struct job *job = NULL;
	struct crm *crm = NULL;
	const char *const *m;
	int i, rc;

	/* Export files need no secret; the CRM's API does. */
	rc = job_load_flags(&job, job_path, JOB_NO_SECRETS);
	if (!rc && !job->crm_source->from_files) {
		job_free(job);
		job = NULL;
		rc = job_load(&job, job_path);
	}
	if (rc || (rc = crm_open(&crm, job))) {
		log_info("CRM field types unknown: %s", err_msg());
		goto out;
	}
	for (i = 0; i < ENTITY_COUNT; i++) {
		if (!job->entities[i].enabled)
			continue;
		for (m = entity_crm_modules(&job->entities[i]); *m; m++) {
			if (json_object_get(all, *m))
				continue;
			types = NULL;
			if (crm_field_types(crm, *m, &types) == 0)
				json_object_set_new(all, *m, types);
			else {
				log_info("CRM field types of %s unknown: %s", *m, err_msg());
				json_decref(types);
			}
		}
	}
out:
	crm_close(crm);
	job_free(job);
	return all;
}

/* Each row gets "crm_type": the CRM field's type ("Owner.email" is a field of the lookup "Owner"). */
static void add_types(json_t *rows, json_t *types)
{
	json_t *row;
	size_t i;

	json_array_foreach(rows, i, row) {
		const char *crm = json_string_value(json_object_get(row, "crm"));
		json_t *mod = json_object_get(types, json_string_value(json_object_get(row, "module")));
		char base[128];
		json_t *t;

		snprintf(base, sizeof(base), "%.*s", (int)strcspn(crm, "."), crm);
		t = *crm && mod ? json_object_get(mod, base) : NULL;
		/* The record id is no field of the metadata: every record has one. */
		json_object_set_new(row, "crm_type",
				    json_string(!*crm                ? ""
						: !strcmp(crm, "id") ? "record id"
						: t                  ? json_string_value(t)
						: mod                ? "absent"
								     : "unknown"));
	}
}

/* {"customers": [rows], ...} of the job's enabled entities. */
static json_t *job_mapping(const struct job *job, json_t *types)
{
	json_t *out = json_object();
	int i;

	for (i = 0; i < ENTITY_COUNT; i++) {
		const struct entity_sync *e = &job->entities[i];
		json_t *rows;
		if (!e->enabled)
			continue;
		rows = mapping_describe(job, e);
		add_types(rows, types);
		json_object_set_new(out, e->name, rows);
	}
	return out;
}

static const char *const text_cols[] = { "module", "finance", "crm", "origin", "crm_type" };
static const char *const text_heads[] = { "CRM module", "finance field", "CRM field", "origin", "CRM type" };
#define TEXT_COLS 5

static const char *cell(json_t *row, int c)
{
	const char *s = json_string_value(json_object_get(row, text_cols[c]));

	return s && *s ? s : "-";
}

static void text_line(const char *const *cells, const int *width)
{
	printf("  %-*s  %-*s <- %-*s  %-*s  %s\n", width[0], cells[0], width[1], cells[1], width[2], cells[2], width[3],
	       cells[3], cells[4]);
}

/* One table per entity, the columns as wide as their widest cell over all of them. */
static void print_text(const struct job *job, json_t *entities)
{
	int width[TEXT_COLS], c;
	const char *name, *cells[TEXT_COLS];
	json_t *rows, *row;
	size_t i;

	for (c = 0; c < TEXT_COLS; c++)
		width[c] = (int)strlen(text_heads[c]);
	json_object_foreach(entities, name, rows)
		json_array_foreach(rows, i, row)
			for (c = 0; c < TEXT_COLS; c++)
				if ((int)strlen(cell(row, c)) > width[c])
					width[c] = (int)strlen(cell(row, c));
	json_object_foreach(entities, name, rows) {
		printf("%s: %s to %s\n", name, job->crm_source->label, job->app->label);
		text_line(text_heads, width);
		json_array_foreach(rows, i, row) {
			for (c = 0; c < TEXT_COLS; c++)
				cells[c] = cell(row, c);
			text_line(cells, width);
		}
	}
}

static int mapping_of_job(const struct mapping_opts *o, const char *path)
{
	struct job *job = NULL;
	json_t *types, *entities;
	int rc;

	if ((rc = job_load_flags(&job, path, JOB_NO_SECRETS)))
		return rc;
	types = o->offline ? json_object() : crm_types(path);
	entities = job_mapping(job, types);
	if (!strcmp(o->format, "json")) {
		json_t *doc = json_pack("{s:s, s:s, s:O}", "crm", job->crm.type, "finance", job->app->type, "entities",
					entities);
		json_dumpf(doc, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(doc);
	} else {
		print_text(job, entities);
	}
	json_decref(entities);
	json_decref(types);
	job_free(job);
	return 0;
}

/* A job in memory that enables every entity, reading Accounts and Contacts, for app. */
static void defaults_job(struct job *job, const struct finance_app *app)
{
	int i;

	memset(job, 0, sizeof(*job));
	job->app = app;
	job->crm_id_field = "cf_crm_id";
	for (i = 0; i < ENTITY_COUNT; i++) {
		job->entities[i].kind = (enum entity_kind)i;
		job->entities[i].name = entity_names[i];
		job->entities[i].enabled = 1;
	}
	job->entities[ENTITY_CUSTOMERS].crm_module = CRM_ACCOUNTS_AND_CONTACTS;
	job->entities[ENTITY_CUSTOMERS].include_orphan_contacts = 1;
}

/*
 * all's row of the same module, CRM field and finance field as row
 * (borrowed), inserted at *at when new (after the row before it, so an
 * app's variant of a field sits beside the others'); *at moves past it.
 */
static json_t *merged_row(json_t *all, json_t *row, size_t *at)
{
	json_t *have;
	size_t k;

	json_array_foreach(all, k, have)
		if (json_equal(json_object_get(have, "module"), json_object_get(row, "module")) &&
		    json_equal(json_object_get(have, "crm"), json_object_get(row, "crm")) &&
		    json_equal(json_object_get(have, "finance"), json_object_get(row, "finance"))) {
			*at = k + 1;
			return have;
		}
	have = json_deep_copy(row);
	json_object_set_new(have, "apps", json_array());
	json_array_insert_new(all, *at, have);
	(*at)++;
	return have;
}

/*
 * {"customers": [{"module", "crm", "finance", "origin", "type", "apps": [labels]}]}:
 * every app's defaults, one row per (module, CRM field, finance field).
 */
static json_t *defaults_all(void)
{
	json_t *out = json_object();
	char *names = xstrdup(finance_app_names()), *save = NULL, *type;
	struct job job;
	int i;

	for (type = strtok_r(names, ", ", &save); type; type = strtok_r(NULL, ", ", &save)) {
		defaults_job(&job, finance_app_find(type));
		for (i = 0; i < ENTITY_COUNT; i++) {
			json_t *rows = mapping_describe(&job, &job.entities[i]), *row, *all;
			size_t r, at = 0;
			if (!(all = json_object_get(out, entity_names[i])))
				json_object_set_new(out, entity_names[i], all = json_array());
			json_array_foreach(rows, r, row)
				json_array_append_new(json_object_get(merged_row(all, row, &at), "apps"),
						      json_string(job.app->label));
			json_decref(rows);
		}
	}
	xfree(names);
	return out;
}

/* "all", or the apps joined: "Zoho Books, Zoho Inventory". */
static void apps_text(struct buf *b, json_t *apps, size_t napps)
{
	json_t *a;
	size_t i;

	if (json_array_size(apps) == napps) {
		buf_adds(b, "all");
		return;
	}
	json_array_foreach(apps, i, a)
		buf_addf(b, "%s%s", i ? ", " : "", json_string_value(a));
}

static void print_markdown(json_t *all)
{
	size_t napps = 1, i;
	const char *name, *p;
	json_t *rows, *row;
	struct buf apps = BUF_INIT;
	int first = 1;

	for (p = finance_app_names(); *p; p++)
		napps += *p == ',';
	json_object_foreach(all, name, rows) {
		printf("%s**%s**\n\n| CRM module | CRM field | finance field | origin | apps |\n| --- | --- | --- | --- | --- |\n",
		       first ? "" : "\n", name);
		first = 0;
		json_array_foreach(rows, i, row) {
			const char *crm = json_string_value(json_object_get(row, "crm"));
			buf_reset(&apps);
			apps_text(&apps, json_object_get(row, "apps"), napps);
			printf("| %s | %s%s%s | `%s` | %s | %s |\n", json_string_value(json_object_get(row, "module")),
			       *crm ? "`" : "", *crm ? crm : "-", *crm ? "`" : "",
			       json_string_value(json_object_get(row, "finance")),
			       json_string_value(json_object_get(row, "origin")), buf_str(&apps));
		}
	}
	buf_release(&apps);
}

static int mapping_defaults(const struct mapping_opts *o)
{
	json_t *all = defaults_all();

	if (!strcmp(o->format, "markdown"))
		print_markdown(all);
	else if (!strcmp(o->format, "json")) {
		json_dumpf(all, stdout, JSON_INDENT(2));
		putchar('\n');
	} else {
		json_decref(all);
		return fail(FS_EUSAGE, "--defaults prints json or markdown (--format)");
	}
	json_decref(all);
	return 0;
}

int cmd_mapping(int argc, char **argv)
{
	struct mapping_opts o = { 0 };
	int rc;

	if ((rc = cmd_parse(argc, argv, &o)))
		return rc > 0 ? 0 : rc;
	if (!o.format)
		o.format = o.defaults ? "markdown" : "text";
	if (o.defaults && argv[1])
		return fail(FS_EUSAGE, "--defaults takes no JOB: it prints the mapping every job starts from");
	if (o.defaults)
		return mapping_defaults(&o);
	if (!argv[1])
		return fail(FS_EUSAGE,
			    "JOB is missing (or --defaults); usage: finsync mapping JOB [--format text|json]");
	if (!strcmp(o.format, "markdown"))
		return fail(FS_EUSAGE, "--format markdown is for --defaults; a job's mapping is text or json");
	return mapping_of_job(&o, argv[1]);
}
