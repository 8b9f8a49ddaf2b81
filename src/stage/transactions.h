/*
 * transactions.h - what the ready check (ready.c) asks of sync.transactions:
 * the CRM module each kind of transaction is mirrored into.  Not a public
 * seam: only src/stage includes it.
 */
#ifndef FINSYNC_STAGE_TRANSACTIONS_H
#define FINSYNC_STAGE_TRANSACTIONS_H
#include "finsync/job.h"

/* "Invoices", "Quotes" …; NULL for a kind finsync does not mirror yet. */
const char *txn_crm_module(enum txn_kind kind);

#endif
