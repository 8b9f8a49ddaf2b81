/*
 * mapping.h - CRM record -> finance payload, per entity and target app.
 *
 * The default mapping per entity lives in one table; a job's field_map
 * overrides it per finance key (a known key of the app, a dotted nested key
 * such as "billing_address.city", or a custom field "cf_*").
 */
#ifndef FINSYNC_MAPPING_H
#define FINSYNC_MAPPING_H
#include <jansson.h>
#include "finsync/job.h"

/* Every field_map key is known to the app: FS_EUSAGE naming the key otherwise. */
int mapping_check_job(const struct job *job);

/* The CRM field names an entity needs from a module (new array). */
json_t *mapping_crm_fields(const struct job *job, const struct entity_sync *e, const char *module);

/* Every CRM field the mapping reads exists in available (array of names): FS_EUSAGE naming it otherwise. */
int mapping_check_crm_fields(const struct job *job, const struct entity_sync *e, const char *module, json_t *available);

/*
 * The fingerprint of an entity's effective mapping (new string): what
 * decides its payloads (the defaults the app takes, field_map, the
 * customer mode, the product type, field_owner), hashed.  The ledger keeps
 * the one last loaded; a different one means every record is planned again.
 */
char *mapping_fingerprint(const struct job *job, const struct entity_sync *e);

/*
 * The entity's effective mapping for people (`finsync mapping`), in the
 * order a payload is built, per CRM module it reads: one object per finance
 * field, {"module", "finance" (as the app names it: "contact_name",
 * "billing_address.city", "contact_persons.email", "cf_industry"), "crm"
 * (the CRM field), "origin" ("default", "override" of a default by
 * field_map, "field_map" for a field the defaults leave out, "custom
 * field", "crm id", "product_type_field"), "type" (the finance value's:
 * string, number, boolean)} (new array).
 */
json_t *mapping_describe(const struct job *job, const struct entity_sync *e);

#endif
