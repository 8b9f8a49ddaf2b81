/*
 * pipeline.c - what the stages of one run share.
 */
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/finclient.h"
#include "finsync/mapping.h"
#include "finsync/pipeline.h"

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
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "added", (json_int_t)s->added,
			 "updated", (json_int_t)s->updated, "unchanged", (json_int_t)s->unchanged,
			 "skipped", (json_int_t)s->skipped, "duplicates", (json_int_t)s->duplicates,
			 "failed", (json_int_t)s->failed, "deleted", (json_int_t)s->deleted);
}

void pipeline_release(struct pipeline *p)
{
	finclient_close(p->fin);
	p->fin = NULL;
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
