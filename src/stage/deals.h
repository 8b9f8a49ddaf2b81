/*
 * deals.h - sync.deals and sync.summary in the three stages (not a public
 * seam: only src/stage includes it).  Each stage calls its hook once, after
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

int deals_extract(struct pipeline *p, struct crm *crm, const char *dir, struct manifest *m);
int deals_transform(struct pipeline *p, const char *extract_dir, const char *out_dir, struct manifest *m);
int deals_load(struct pipeline *p, struct finclient *fin);

/*
 * summary.c: the CRM fields of sync.summary exist (FS_EUSAGE naming the key
 * and what to create; part of ready.c's pre-write check), then the write-back.
 */
int summary_check_fields(const struct job *job, struct crm *crm);
int summary_run(struct pipeline *p, struct finclient *fin);

#endif
