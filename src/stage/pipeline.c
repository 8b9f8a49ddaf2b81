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

void pipeline_release(struct pipeline *p)
{
	finclient_close(p->fin);
	p->fin = NULL;
}
