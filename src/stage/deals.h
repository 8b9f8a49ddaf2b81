/*
 * deals.h - sync.deals and sync.summary (not a public seam: only src/stage
 * includes it).  Their hooks are units of the unit table (units.h), after
 * the entities:
 *
 *   extract    deals_extract()    CRM Deals -> extract/deals.ndjson.gz, and
 *                                 the summary's CRM fields checked (exit 2)
 *   transform  deals_transform()  -> transform/deals.ndjson.gz: per deal its
 *                                 outcome, customer and planned steps
 *   load       deals_load()       the steps against the finance app, after
 *                                 the customers are linked; then the summary
 *
 * Each does nothing (returns 0) when the job has neither, or the run is
 * limited to one entity (--only, resync).
 */
#ifndef FINSYNC_STAGE_DEALS_H
#define FINSYNC_STAGE_DEALS_H
#include "finsync/crm.h"
#include "finsync/pipeline.h"

struct manifest;
struct finclient;


/*
 * summary.c: the CRM fields of sync.summary exist (FS_EUSAGE naming the key
 * and what to create; part of ready.c's pre-write check).  Its write-back is
 * the summary unit's load hook (summary_load).
 */
int summary_check_fields(const struct job *job, struct crm *crm);

/* deal_money.c: the CRM Deals fields of sync.deals.crm_fields exist (FS_EUSAGE naming the key). */
int deal_money_check_fields(const struct job *job, struct crm *crm);

#endif
