/*
 * fuzz_review.c - the reader of `finsync review --apply FILE`
 * (src/cmd/review_apply.c read_file: RFC 4180 rows, the header, each row's
 * decision) on any bytes as the file.  It is built into this target with
 * review_apply.c itself, whose reader is private to it.
 */
#include "../../src/cmd/review_apply.c"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct review_opts o;
	struct apply a;

	memset(&o, 0, sizeof(o));
	memset(&a, 0, sizeof(a));
	o.apply = fuzz_file("review.csv", data, size);
	a.o = &o;
	a.default_run = 1;
	a.taken = json_object();
	(void)read_file(&a);
	apply_release(&a);
	return 0;
}
