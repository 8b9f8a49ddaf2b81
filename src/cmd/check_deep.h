/*
 * check_deep.h - the read-only probes of `finsync check --deep`
 * (check_deep.c), printed one line each after the checks.
 */
#ifndef FINSYNC_CHECK_DEEP_H
#define FINSYNC_CHECK_DEEP_H
#include "finsync/job.h"

struct finclient;

/* Runs every probe, printing what it found and what finsync does: 0, or FS_EABORT when the app cannot be asked. */
int check_deep(const struct job *job, struct finclient *fc);

#endif
