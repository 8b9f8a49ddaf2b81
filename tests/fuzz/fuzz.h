/*
 * fuzz.h - what the libFuzzer targets in tests/fuzz/ share: a quiet log (a
 * hostile input makes many warnings, and their text is not under test) and
 * the input as a file, for the readers that take a path.
 */
#ifndef FINSYNC_FUZZ_H
#define FINSYNC_FUZZ_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "finsync/alloc.h"
#include "finsync/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char fuzz_dir[64];

static inline void fuzz_remove_dir(void)
{
	char cmd[96];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fuzz_dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", fuzz_dir);
}

/* A folder of this process's own, made on the first call and removed at exit. */
static inline const char *fuzz_tmpdir(void)
{
	if (!fuzz_dir[0]) {
		snprintf(fuzz_dir, sizeof(fuzz_dir), "/tmp/finsync-fuzz.XXXXXX");
		if (!mkdtemp(fuzz_dir)) {
			perror("mkdtemp");
			abort();
		}
		atexit(fuzz_remove_dir);
		log_setup(LOG_ERROR, LOG_TEXT);
	}
	return fuzz_dir;
}

/* Writes data to <tmpdir>/<name> and returns that path (static storage). */
static inline const char *fuzz_file(const char *name, const uint8_t *data, size_t size)
{
	static char path[160];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", fuzz_tmpdir(), name);
	if (!(fp = fopen(path, "wb")) || (size && fwrite(data, 1, size, fp) != size) || fclose(fp)) {
		perror(path);
		abort();
	}
	return path;
}

#endif
