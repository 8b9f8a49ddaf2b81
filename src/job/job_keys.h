/*
 * job_keys.h - what the loaders of the sync sections share (job_deals.c
 * defines them; job_txn.c uses them too): the error that names a key, and
 * the check that an object holds only known keys.  Not a public seam.
 */
#ifndef FINSYNC_JOB_KEYS_H
#define FINSYNC_JOB_KEYS_H
#include <jansson.h>
#include "finsync/job.h"

/* FS_EUSAGE: "job 'PATH': KEY: detail". */
int key_error(const struct job *job, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* FS_EUSAGE naming where.KEY for the first key of obj not in allowed (NULL-terminated). */
int check_keys(const struct job *job, json_t *obj, const char *where, const char *const *allowed);

#endif
