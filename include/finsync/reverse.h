/*
 * reverse.h - both-ways sync: a finance record seen from the CRM's side.
 *
 * The finance app's list rows and full records differ in shape (a phone on
 * the contact, in the billing address or on the primary person); the view
 * flattens either into the same fields, so a hash of what the CRM would be
 * sent is the same whichever the record came as.  That hash is what echo
 * suppression compares: a record that only carries our own last write back
 * is not sent again.
 */
#ifndef FINSYNC_REVERSE_H
#define FINSYNC_REVERSE_H
#include <jansson.h>
#include "finsync/job.h"

#define REVERSE_HASH_LEN 17

/*
 * The CRM module ("Accounts", "Contacts", "Vendors", "Products") and record
 * (new object of CRM field API names, no "id") for a finance record.
 * Business customers go to Accounts, individual ones to Contacts.
 */
void reverse_record(const struct job *job, const struct entity_sync *e, json_t *row, const char **module,
		    json_t **record);

/* FNV-1a of the CRM record reverse_record() makes: "" for NULL row. */
void reverse_hash(const struct job *job, const struct entity_sync *e, json_t *row, char out[REVERSE_HASH_LEN]);

/* The finance key a CRM field maps from, for the field_owner rule ("Phone" -> "phone"); NULL when unmapped. */
const char *reverse_finance_key(const struct job *job, const struct entity_sync *e, const char *module,
				const char *crm_field);

/* The finance record's id and CRM id (the crm_id_field custom field), borrowed; NULL when absent. */
const char *reverse_finance_id(const struct job *job, const struct entity_sync *e, json_t *row, char *buf, size_t n);
const char *reverse_crm_id(const struct job *job, json_t *row);

#endif
