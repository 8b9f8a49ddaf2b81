/*
 * fsutil.h - small file-system helpers.
 */
#ifndef FINSYNC_FSUTIL_H
#define FINSYNC_FSUTIL_H

/* Creates dir and its missing parents (mode 0700); FS_EABORT naming it. */
int mkdir_p(const char *dir);

#endif
