/*
 * fuzz_csv.c - the CRM export reader (src/conn/crm_csv.c) on any bytes as
 * Accounts.csv: every row is a record or a record error, the reader goes on
 * after each error, and nothing crashes, leaks or loops.  Byte 0 (odd) adds
 * an incremental read's Modified_Time filter; the rest is the file.
 */
#include <jansson.h>
#include "finsync/crm.h"
#include "finsync/err.h"
#include "finsync/job.h"
#include "fuzz.h"

/* A file of n bytes has at most n + 1 rows: more calls than that is a loop. */
static void read_all(struct source *src, size_t size)
{
	size_t calls = 0;
	json_t *rec;
	int rc;

	for (;;) {
		if (++calls > size + 2) {
			fprintf(stderr, "the CSV reader returned more rows than the file has lines\n");
			abort();
		}
		rc = source_next(src, &rec);
		json_decref(rec);
		if (rc == 0 || (rc < 0 && rc != FS_EINPUT))
			break;
		xfree(src->ops->where(src));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct job job;
	struct crm *crm = NULL;
	struct source *src = NULL;
	struct crm_query q = { "Accounts", NULL, NULL, NULL, NULL, NULL };

	if (!size)
		return 0;
	fuzz_file("Accounts.csv", data + 1, size - 1);
	memset(&job, 0, sizeof(job));
	job.crm.dir = (char *)fuzz_tmpdir();
	if (data[0] & 1)
		q.modified_since = "2026-11-01T00:00:00+00:00";
	if (crm_csv_ops.open(&crm, &job))
		abort();
	if (!crm_read(crm, &q, &src))
		read_all(src, size);
	source_close(src);
	crm->ops->close(crm);
	return 0;
}
