/*
 * job_keys.h - what the loaders of the job file's sections share (job.c
 * defines it; job_deals.c and job_txn.c use it too): the check that an
 * object holds only known keys.  The error that names a key is
 * job_key_error() (job.h).  Not a public seam.
 */
#ifndef FINSYNC_JOB_KEYS_H
#define FINSYNC_JOB_KEYS_H
#include <jansson.h>
#include "finsync/job.h"

/*
 * FS_EUSAGE naming where.KEY (KEY at the top when where is "") for the
 * first key of obj not in allowed (NULL-terminated), with the one it was near.
 */
int check_keys(const struct job *job, json_t *obj, const char *where, const char *const *allowed);

#endif
