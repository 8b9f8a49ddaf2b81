/*
 * fuzz_crm_answer.c - the Zoho CRM connector's handling of an answer
 * (src/conn/zoho_crm.c): the error text of a refused call and the result of
 * each row of a write's `data`, on any body and status.  Built with
 * zoho_crm.c itself, whose answer readers are private to it.
 */
#include "../../src/conn/zoho_crm.c"
#include "fuzz.h"
#include "fuzz_answer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct api_result res;
	struct crm_row_result r;
	json_t *row, *fields;
	size_t i;

	if (!size)
		return 0;
	fuzz_tmpdir();
	fuzz_answer(&res, data, size);
	xfree(crm_error_text(&res));
	json_array_foreach(json_object_get(res.json, "data"), i, row) {
		take_row(row, &r);
		crm_row_result_release(&r);
	}
	/* A field list answer's names, batched for the record reads. */
	fields = json_object_get(res.json, "fields");
	if (json_is_array(fields))
		json_decref(field_batches(fields));
	api_result_release(&res);
	return 0;
}
