/*
 * fuzz_job.c - the job loader (src/job/job.c) on any bytes as a job file:
 * a job or an error naming the key, never a crash or a leak.  Byte 0 (odd)
 * loads with JOB_NO_SECRETS, as the read-only commands do.
 */
#include "finsync/job.h"
#include "finsync/pipeline.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct job *job = NULL;
	const char *path;

	if (!size)
		return 0;
	job_set_sync_keys(unit_sync_keys); /* as finsync's main(): sync.deals … are known */
	path = fuzz_file("job.json", data + 1, size - 1);
	if (!job_load_flags(&job, path, data[0] & 1 ? JOB_NO_SECRETS : 0))
		job_free(job);
	return 0;
}
