/*
 * plan.h - what a full run of a job will cost, before it starts: records
 * per CRM module, records in the finance app, API calls per API, hours at
 * the job's pace and days at its daily budget (`finsync plan`, and the
 * prediction a run records for history to set beside the calls it made).
 *
 * The arithmetic (plan_calls.h, src/xform/plan_calls.c) is pure and
 * unit-tested; the counting (src/stage/plan.c) asks the CRM's count API and
 * walks the finance app's lists, and writes nothing.
 */
#ifndef FINSYNC_PLAN_H
#define FINSYNC_PLAN_H
#include <jansson.h>
#include "finsync/plan_calls.h"

struct pipeline;

/*
 * The plan of the pipeline's job (p->lg may be NULL: a job that never ran).
 * With staged (the manifest of p's run's extract), the counts are those of
 * the files it staged and no request is sent: what a run predicts of itself
 * without a call of its own (its CRM and finance reads are the extract's).
 * *out: {"modules", "finance", "calls": {"crm", "finance"}, "hours", "days"}
 * and, apart, "detail" (per entity and kind of call, for the text form).
 */
int plan_make(struct pipeline *p, json_t *staged, json_t **out);

#endif
