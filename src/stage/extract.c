/*
 * extract.c - the first stage: CRM records and the finance app's existing
 * records into staging/<run>/extract/.
 *
 * All checks that can fail a job come first (every mapped CRM field exists
 * in its module), so a bad job exits 2 before any file is written.  Then
 * each CRM module is streamed to <module>.ndjson.gz, and the finance app's
 * existing records of each entity to finance.<entity>.ndjson.gz: the
 * transform stage matches against that snapshot instead of calling the API
 * once per record.
 */
#include <ctype.h>
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/crm.h"
#include "finsync/err.h"
#include "finsync/finclient.h"
#include "finsync/log.h"
#include "finsync/mapping.h"
#include "finsync/pipeline.h"
#include "finsync/staging.h"

struct extract {
	struct pipeline *p;
	json_t *available;       /* module -> its field names, from the CRM */
	struct crm *crm;
	struct finclient *fin;
	struct manifest *manifest;
	char *dir;
	json_t *done_modules;    /* modules already written (an entity may share one) */
};

static char *lower(const char *s)
{
	char *l = xstrdup(s), *c;

	for (c = l; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	return l;
}

static int has_name(json_t *names, const char *name)
{
	json_t *v;
	size_t i;

	json_array_foreach(names, i, v)
		if (!strcmp(json_string_value(v), name))
			return 1;
	return 0;
}

/*
 * The mapped fields the module really has, plus Modified_Time: a default
 * mapping names fields an edition or a module may lack, and Zoho refuses an
 * unknown name in `fields`.  (field_map names were checked to exist.)
 */
static json_t *wanted_fields(struct extract *x, const struct entity_sync *e, const char *module)
{
	json_t *mapped = mapping_crm_fields(x->p->job, e, module);
	json_t *available = json_object_get(x->available, module);
	json_t *fields = json_array(), *v;
	size_t i;

	json_array_foreach(mapped, i, v)
		if (!json_array_size(available) || has_name(available, json_string_value(v)))
			json_array_append(fields, v);
	if (!json_array_size(available) || has_name(available, "Modified_Time"))
		json_array_append_new(fields, json_string("Modified_Time"));
	json_decref(mapped);
	return fields;
}

static int check_fields(struct extract *x, const struct entity_sync *e, const char *module)
{
	json_t *available = NULL;
	int rc;

	if ((rc = crm_fields(x->crm, module, &available)))
		return rc;
	/* No field list (a CSV file that is absent): nothing to read, nothing to check. */
	if (json_array_size(available))
		rc = mapping_check_crm_fields(x->p->job, e, module, available);
	json_object_set_new(x->available, module, available);
	return rc;
}

static int check_all(struct extract *x)
{
	struct job *job = x->p->job;
	int i, rc;

	for (i = 0; i < ENTITY_COUNT; i++) {
		const struct entity_sync *e = &job->entities[i];
		const char *const *m;
		if (!pipeline_wants(x->p, e))
			continue;
		for (m = entity_crm_modules(e); *m; m++)
			if ((rc = check_fields(x, e, *m)))
				return rc;
	}
	return 0;
}

static int copy_records(struct source *src, struct staging_writer *w, const char *module, long *bad)
{
	json_t *rec;
	int rc;

	while ((rc = source_next(src, &rec)) != 0) {
		if (rc == FS_EINPUT) {
			log_warn("%s: record skipped: %s", module, err_msg());
			(*bad)++;
			continue;
		}
		if (rc < 0)
			return rc;
		rc = staging_write(w, rec);
		json_decref(rec);
		if (rc)
			return rc;
	}
	return 0;
}

static int extract_module(struct extract *x, const struct entity_sync *e, const char *module)
{
	struct crm_query q = { module, NULL, entity_view(e, module), NULL };
	struct staging_writer *w = NULL;
	struct source *src = NULL;
	char *name = lower(module);
	long bad = 0;
	int rc;

	if (json_object_get(x->done_modules, module)) {
		xfree(name);
		return 0;
	}
	q.fields = wanted_fields(x, e, module);
	if ((rc = staging_writer_open(&w, x->dir, name)) || (rc = crm_read(x->crm, &q, &src)) ||
	    (rc = copy_records(src, w, module, &bad))) {
		staging_writer_abort(w);
		goto out;
	}
	log_info("%s: %ld records%s", module, staging_writer_count(w), q.cvid ? " (custom view)" : "");
	rc = staging_writer_finish(w, x->manifest);
	json_object_set_new(x->done_modules, module, json_true());
	x->p->records_failed += bad;
out:
	source_close(src);
	json_decref(q.fields);
	xfree(name);
	return rc;
}

static int write_row(json_t *row, void *ud)
{
	return staging_write(ud, row);
}

static int snapshot_finance(struct extract *x, const struct entity_sync *e)
{
	struct staging_writer *w = NULL;
	char *name = xasprintf(FINANCE_SNAPSHOT_PREFIX "%s", e->name);
	int rc;

	if (json_object_get(x->done_modules, name)) {
		xfree(name);
		return 0;
	}
	json_object_set_new(x->done_modules, name, json_true());
	if ((rc = staging_writer_open(&w, x->dir, name)) ||
	    (rc = finclient_list(x->fin, e->kind, write_row, w))) {
		staging_writer_abort(w);
		goto out;
	}
	log_info("%s: %ld existing records in %s", e->name, staging_writer_count(w), x->p->job->app->label);
	rc = staging_writer_finish(w, x->manifest);
out:
	xfree(name);
	return rc;
}

static int extract_all(struct extract *x)
{
	struct job *job = x->p->job;
	int i, rc;

	for (i = 0; i < ENTITY_COUNT; i++) {
		const struct entity_sync *e = &job->entities[i];
		const char *const *m;
		if (!pipeline_wants(x->p, e))
			continue;
		for (m = entity_crm_modules(e); *m; m++)
			if ((rc = extract_module(x, e, *m)))
				return rc;
		if ((rc = snapshot_finance(x, e)))
			return rc;
		/*
		 * Customers and vendors share one name space in the apps that have
		 * vendors: the transform checks names against both snapshots.
		 */
		if (e->kind != ENTITY_ITEMS && job->app->has_vendors &&
		    (rc = snapshot_finance(x, &job->entities[e->kind == ENTITY_CUSTOMERS ? ENTITY_VENDORS : ENTITY_CUSTOMERS])))
			return rc;
	}
	return manifest_write(x->manifest, x->dir);
}

int stage_extract(struct pipeline *p)
{
	struct extract x = { 0 };
	int rc;

	x.p = p;

	log_set_stage("extract");
	x.dir = staging_dir(p->job->state_dir, p->run_id, "extract");
	x.manifest = manifest_new(p->run_id, "extract");
	x.done_modules = json_object();
	x.available = json_object();
	if (!(rc = crm_open(&x.crm, p->job)) && !(rc = pipeline_finclient(p, &x.fin)) &&
	    !(rc = check_all(&x)))
		rc = extract_all(&x);
	json_decref(x.done_modules);
	json_decref(x.available);
	manifest_free(x.manifest);
	crm_close(x.crm);
	xfree(x.dir);
	log_set_stage(NULL);
	return rc;
}
