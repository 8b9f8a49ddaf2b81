/*
 * xform_test.h - a job built in memory for the transform unit tests (no job
 * file, no secrets).  Static inline so a test file may use only some of it.
 */
#ifndef FINSYNC_XFORM_TEST_H
#define FINSYNC_XFORM_TEST_H
#include <string.h>
#include <jansson.h>
#include "finsync/job.h"
#include "finsync/finance.h"

/*
 * A job for app ("zoho-books" …) with sync given as JSON text in the job
 * file's shape, e.g. {"customers": {"crm_module": "contacts"}}; only the keys
 * the transform reads.  Free with tjob_release().
 */
static inline void tjob_init(struct job *job, const char *app, const char *sync)
{
	json_t *root = json_loads(sync, 0, NULL), *cfg;
	int i;

	memset(job, 0, sizeof(*job));
	job->path = (char *)"test.json";
	job->app = finance_app_find(app);
	job->crm_id_field = "cf_crm_id";
	job->root = root;
	for (i = 0; i < ENTITY_COUNT; i++) {
		struct entity_sync *e = &job->entities[i];
		const char *mode, *dup;
		e->kind = (enum entity_kind)i;
		e->name = entity_kind_name(e->kind);
		e->product_type_default = "goods";
		if (!(cfg = json_object_get(root, e->name)))
			continue;
		e->enabled = 1;
		e->field_map = json_object_get(cfg, "field_map");
		e->product_type_field = json_string_value(json_object_get(cfg, "product_type_field"));
		if (json_string_value(json_object_get(cfg, "product_type_default")))
			e->product_type_default = json_string_value(json_object_get(cfg, "product_type_default"));
		e->include_orphan_contacts = json_is_true(json_object_get(cfg, "include_orphan_contacts"));
		e->match_email = json_is_true(json_object_get(cfg, "match_email"));
		mode = json_string_value(json_object_get(cfg, "crm_module"));
		e->crm_module = !mode || !strcmp(mode, "accounts") ? CRM_ACCOUNTS
				: !strcmp(mode, "contacts")        ? CRM_CONTACTS
								   : CRM_ACCOUNTS_AND_CONTACTS;
		dup = json_string_value(json_object_get(cfg, "on_duplicate"));
		e->on_duplicate = !dup || !strcmp(dup, "skip") ? DUP_SKIP
				  : !strcmp(dup, "clone")      ? DUP_CLONE
							       : DUP_OVERWRITE;
	}
}

static inline void tjob_release(struct job *job)
{
	json_decref(job->root);
	memset(job, 0, sizeof(*job));
}

/* The JSON text of v, compact with sorted keys (caller frees with xfree). */
static inline char *tdump(json_t *v)
{
	return v ? json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
}

#endif
