/*
 * to_crm.h - both-ways sync: finance records going to the CRM.
 *
 * transform writes transform/<entity>.to_crm.ndjson.gz: one line per
 * finance record that is new (create in the CRM), changed since we last saw
 * it (update) or not yet baselined; unchanged ones and those the CRM-to-
 * finance plan already matched get no line.  load sends them with the CRM's
 * upsert/update in batches of 100 and links them.
 *
 * When both sides changed a record since the last run, each field goes the
 * way its owner says (field_owner, else the side that goes first: the CRM
 * for customers and vendors, the finance app for items).
 */
#ifndef FINSYNC_TO_CRM_H
#define FINSYNC_TO_CRM_H
#include <jansson.h>
#include "finsync/pipeline.h"

struct manifest;
struct finclient;

int to_crm_transform(struct pipeline *p, const struct entity_sync *e, struct manifest *m);
int to_crm_load(struct pipeline *p, const struct entity_sync *e, struct finclient *fin);

/* CRM ids whose finance record changed this run (new object used as a set). */
json_t *to_crm_changed(struct pipeline *p, const struct entity_sync *e);

/* Drops from a CRM-to-finance payload the fields the finance app owns (it changed them too). */
void to_crm_keep_finance_owned(const struct entity_sync *e, json_t *payload);

#endif
