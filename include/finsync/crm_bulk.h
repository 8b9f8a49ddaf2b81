/*
 * crm_bulk.h - a Zoho CRM module read through Bulk Read jobs (crm_bulk.c),
 * for the zoho-crm connector: a full extract of a module past the list
 * API's wall, or any full extract with crm.read bulk.
 */
#ifndef FINSYNC_CRM_BULK_H
#define FINSYNC_CRM_BULK_H
#include <jansson.h>
#include "finsync/api.h"
#include "finsync/crm.h"

/* Records one Bulk Read job holds at most; more need the next job (page_token). */
#define BULK_PAGE_RECORDS 200000
/* Zoho's documented limit on result downloads. */
#define BULK_DOWNLOADS_PER_MINUTE 10

/*
 * A source of every record of q->module (q->fields, q->cvid) through Bulk
 * Read jobs: each created, polled with backoff until COMPLETED, its ZIP
 * downloaded to a temporary file in q->tmp_dir (unlinked once made) and its
 * CSV read as it is unzipped.  meta maps the module's field API names to
 * their settings/fields objects (borrowed): the CSV's text is turned into
 * the list API's JSON types with it.  api_base is the CRM's
 * ".../crm/v8".  0, or FS_EUSAGE/FS_EABORT.
 */
int bulk_source_open(struct source **out, struct api *api, const char *api_base, const struct crm_query *q,
		     json_t *meta);

/*
 * The CSV's text of one cell as the list API's JSON value for a field of
 * data_type type (settings/fields): numbers, booleans, multi-select lists;
 * text otherwise.  A cell that does not read as its type stays text.  Pure:
 * the unit tests call it.  New reference; NULL cell: null.
 */
json_t *bulk_cell_value(const char *type, json_t *cell);

#endif
