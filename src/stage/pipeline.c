/*
 * pipeline.c - what the stages of one run share.
 */
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/finclient.h"
#include "finsync/mapping.h"
#include "finsync/pipeline.h"
#include "finsync/staging.h"

int pipeline_finclient(struct pipeline *p, struct finclient **out)
{
	int rc = 0;

	if (!p->fin)
		rc = finclient_open(&p->fin, p->job);
	*out = p->fin;
	return rc;
}

json_t *stats_json(const struct stats *s)
{
	json_t *o = json_object();
	int k;

	for (k = 0; k < OUTCOME_COUNT; k++)
		json_object_set_new(o, outcome_columns[k], json_integer(s->count[k]));
	return o;
}

void pipeline_release(struct pipeline *p)
{
	finclient_close(p->fin);
	p->fin = NULL;
	json_decref(p->crm_fields);
	p->crm_fields = NULL;
}

char *pipeline_watermark(struct pipeline *p, const char *started_at)
{
	char *dir = staging_dir(p->job->state_dir, p->run_id, "extract");
	json_t *manifest = NULL;
	const char *crm_time;
	char *mark = NULL;

	if (manifest_load(dir, &manifest) == 1 &&
	    (crm_time = json_string_value(json_object_get(manifest, MANIFEST_CRM_TIME))))
		mark = xstrdup(crm_time);
	else if (started_at)
		mark = xstrdup(started_at);
	json_decref(manifest);
	xfree(dir);
	return mark;
}

int pipeline_mapping_changed(struct pipeline *p, const struct entity_sync *e, long *linked)
{
	char *now = mapping_fingerprint(p->job, e), *stored = NULL;
	long n = ledger_linked_count(p->lg, e->name);
	int rc = ledger_mapping_get(p->lg, e->name, &stored);

	if (linked)
		*linked = n < 0 ? 0 : n;
	if (rc == 1)
		rc = strcmp(stored, now) != 0;
	else if (rc == 0)
		rc = n > 0;
	xfree(now);
	xfree(stored);
	return rc;
}
