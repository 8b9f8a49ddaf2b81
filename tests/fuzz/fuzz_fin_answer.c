/*
 * fuzz_fin_answer.c - the finance client's handling of an answer
 * (src/conn/finclient.c): the outcome of a customer, vendor or item write,
 * of a document call, of a contact person call, and a refusal's message, for
 * every finance app, on any body and status.  Built with finclient.c itself,
 * whose answer readers are private to it.
 */
#include "../../src/conn/finclient.c"
#include "fuzz.h"
#include "fuzz_answer.h"

static const char *const apps[] = { "zoho-books", "zoho-invoice", "zoho-billing", "zoho-inventory" };

static void entity_outcomes(const struct finance_app *app, struct api_result *res)
{
	static const enum entity_kind kinds[] = { ENTITY_CUSTOMERS, ENTITY_VENDORS, ENTITY_ITEMS };
	struct fin_outcome out;
	struct resource r;
	size_t k;

	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		memset(&out, 0, sizeof(out));
		resource_of(app, kinds[k], &r);
		take_outcome(&r, res, &out);
		fin_outcome_release(&out);
	}
}

static void doc_outcomes(struct api_result *res)
{
	struct fin_doc_result doc;
	size_t d;

	for (d = 0; d < sizeof(doc_resources) / sizeof(doc_resources[0]); d++) {
		memset(&doc, 0, sizeof(doc));
		take_doc(&doc_resources[d], res, &doc);
		fin_doc_result_release(&doc);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct api_result res;
	struct finclient fc;
	struct fin_outcome out;
	size_t i;

	if (!size)
		return 0;
	fuzz_tmpdir();
	fuzz_answer(&res, data, size);
	for (i = 0; i < sizeof(apps) / sizeof(apps[0]); i++) {
		memset(&fc, 0, sizeof(fc));
		if (!(fc.app = finance_app_find(apps[i])))
			abort();
		entity_outcomes(fc.app, &res);
		take_person(&fc, i % 2 ? "4150868000000000001" : NULL, &res, &out);
		fin_outcome_release(&out);
		if (res.status >= 400)
			(void)api_refused(&fc, "fuzz", &res);
	}
	doc_outcomes(&res);
	api_result_release(&res);
	return 0;
}
