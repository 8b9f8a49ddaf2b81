/*
 * replay.c - a main() for a fuzz target built without libFuzzer: it runs the
 * target once on each file named, so the seed and regression corpus
 * (tests/fuzz/corpus/<target>/) is replayed by `make test` and `make asan`
 * with the ordinary compiler.  Exits 0 when every file ran.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "finsync/alloc.h"
#include "finsync/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay(const char *path)
{
	struct buf b = BUF_INIT;
	char chunk[65536];
	FILE *fp = fopen(path, "rb");
	size_t n;

	if (!fp) {
		perror(path);
		return 1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_add(&b, chunk, n);
	fclose(fp);
	LLVMFuzzerTestOneInput((const uint8_t *)(b.data ? b.data : ""), b.len);
	buf_release(&b);
	return 0;
}

int main(int argc, char **argv)
{
	int i, bad = 0;

	for (i = 1; i < argc; i++)
		bad |= replay(argv[i]);
	printf("%d inputs replayed\n", argc - 1);
	return bad;
}
