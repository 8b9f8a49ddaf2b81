/*
 * persons.h - a customer's contact persons, kept by id in the finance app
 * (docs/design.md "Contact persons are kept, not replaced"); called by load.c
 * around each customer (or vendor) write.
 */
#ifndef FINSYNC_PERSONS_H
#define FINSYNC_PERSONS_H
#include <jansson.h>
#include "finsync/finclient.h"
#include "finsync/pipeline.h"

/*
 * Before a customer's write is sent: takes the persons out of its payload
 * and returns them (a new reference; NULL when it has none).  For a create
 * where the app takes persons in the create body they are put back, cleaned
 * (*in_body is then 1); an update never carries them.
 */
json_t *persons_take(const struct finance_app *app, json_t *payload, int create, int *in_body);

/*
 * After the app accepted the customer's write (out): its persons into the
 * app and person_links, inside the caller's ledger transaction.  Returns 0
 * or a ledger error (<0); *incomplete is set when a person could not be
 * written (the caller makes the customer be planned again next run).
 */
int persons_settle(struct pipeline *p, struct finclient *fin, const char *customer_id, json_t *persons, int in_body,
		   const struct fin_outcome *out, int *incomplete);

/*
 * A CRM contact that was deleted: the person finsync added for it leaves its
 * customer, and its person_links row goes.  0 (also when there was none),
 * or a ledger error; *incomplete when the app did not delete it.
 */
int persons_remove(struct pipeline *p, struct finclient *fin, const char *crm_contact_id, int *incomplete);

#endif
