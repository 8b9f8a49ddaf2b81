/*
 * keyruns.h - a multimap from 64-bit key hashes to row ids that grows on
 * disk in sorted runs, for an index too large for memory that takes its
 * keys in no order (the scratch store's rows, util/scratch.c).
 *
 * A lookup answers every id added under a hash, so it may answer ids whose
 * key only shares the hash, or whose row has since changed key: the caller
 * reads each row and checks its key.
 *
 * The run files are removed as soon as they are made: nothing is left
 * behind, whatever stops the process.  The first failure is reported
 * (fail()) and sticks: every later call returns FS_EABORT without a new
 * message.
 */
#ifndef FINSYNC_KEYRUNS_H
#define FINSYNC_KEYRUNS_H
#include <stddef.h>
#include <stdint.h>

struct keyruns;

/*
 * The runs' files are named prefix-XXXXXX (prefix NULL: in $TMPDIR or
 * /tmp); the folder must exist by the first write.
 */
struct keyruns *keyruns_new(const char *prefix);
/* 0 or FS_EABORT. */
int keyruns_add(struct keyruns *k, uint64_t hash, long long id);
/*
 * The ids added under hash, ascending, each once: *ids is k's, good until
 * the next call on k.  0 or FS_EABORT.
 */
int keyruns_find(struct keyruns *k, uint64_t hash, const long long **ids, size_t *n);
/* How many runs are on disk now (for the tests). */
size_t keyruns_count(const struct keyruns *k);
/* Closes the runs; NULL-safe. */
void keyruns_free(struct keyruns *k);

#endif
