/*
 * preflight.c - checks a run makes before its first write.
 *
 * Base currency: amounts (an item's rate, a deal's amount) are copied as
 * numbers, so a CRM in USD feeding a Books organisation in EUR would write
 * wrong prices without any error.  Where both sides say what their base
 * currency is and they differ, nothing is written.
 *
 * Set-up: every field, view, stage and custom field the job names must
 * exist (ready.c), else nothing is written either.
 */
#include <strings.h>
#include "finsync/alloc.h"
#include "finsync/crm.h"
#include "finsync/err.h"
#include "finsync/finclient.h"
#include "finsync/log.h"
#include "finsync/pipeline.h"
#include "finsync/ready.h"

int preflight_currency(struct pipeline *p)
{
	struct finclient *fc;
	char *crm = NULL, *fin = NULL;
	int rc;

	if ((rc = crm_base_currency(p->job, &crm)) || !crm)
		goto out;
	if ((rc = pipeline_finclient(p, &fc)) || (rc = finclient_base_currency(fc, &fin)))
		goto out;
	if (strcasecmp(crm, fin))
		rc = fail(FS_EABORT,
			  "base currencies differ: Zoho CRM %s, %s %s; finsync writes nothing until they match", crm,
			  p->job->app->label, fin);
	else
		log_debug("base currency %s on both sides", fin);
out:
	xfree(crm);
	xfree(fin);
	return rc;
}

int preflight_ready(struct pipeline *p)
{
	struct finclient *fc;
	int rc;

	if ((rc = pipeline_finclient(p, &fc)))
		return rc;
	if (!p->crm_fields)
		p->crm_fields = json_object();
	return ready_preflight(p->job, fc, p->crm_fields);
}
