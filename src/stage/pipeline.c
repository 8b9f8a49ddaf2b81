/*
 * pipeline.c - what the stages of one run share.
 */
#include "finsync/finclient.h"
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
