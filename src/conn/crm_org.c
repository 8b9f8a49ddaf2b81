/*
 * crm_org.c - the CRM organisation's base currency (GET {api_base}/org,
 * org[0].iso_code), for the currency preflight and `finsync check`.
 *
 * A CSV export says nothing about currencies: no currency, no comparison.
 * An answer of another shape is an error, never a skipped comparison.
 * Neither does a token without the ZohoCRM.org.READ scope: that is a warning,
 * not a reason to stop every nightly run.
 */
#include <stdlib.h>
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/api.h"
#include "finsync/crm.h"
#include "finsync/err.h"
#include "finsync/log.h"

static const char *error_code(const json_t *body)
{
	return json_string_value(json_object_get(body, "code"));
}

static int org_refused(const struct api_result *res)
{
	const char *code = error_code(res->json);
	const char *msg = json_string_value(json_object_get(res->json, "message"));

	return fail(FS_EABORT, "zoho-crm: GET /org: HTTP %ld%s%s%s%s", res->status, code ? " " : "", code ? code : "",
		    msg || res->text ? ": " : "",
		    msg         ? msg
		    : res->text ? res->text
				: "");
}

/*
 * A 200 without org[0].iso_code: the check would pass without comparing
 * anything, so it fails closed and says what came.
 */
static int org_shape_unexpected(const struct api_result *res)
{
	char *got = res->json ? json_dumps(res->json, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
	int rc = fail(FS_EABORT,
		      "zoho-crm: GET /org: the answer has no org[0].iso_code (got %.120s%s); "
		      "the base currencies cannot be compared, so nothing is written",
		      got         ? got
		      : res->text ? res->text
				  : "no JSON",
		      got && strlen(got) > 120 ? "…" : "");

	free(got);
	return rc;
}

static int read_currency(const struct api_result *res, char **out)
{
	const char *code = error_code(res->json);
	const char *iso;

	if ((res->status == 401 || res->status == 403) && code && !strcmp(code, "OAUTH_SCOPE_MISMATCH")) {
		log_warn("zoho-crm: the token may not read the organisation (scope ZohoCRM.org.READ); "
			 "base currencies not compared");
		return 0;
	}
	if (res->status != 200)
		return org_refused(res);
	iso = json_string_value(json_object_get(json_array_get(json_object_get(res->json, "org"), 0), "iso_code"));
	if (!iso || !*iso)
		return org_shape_unexpected(res);
	*out = xstrdup(iso);
	return 0;
}

int crm_base_currency(const struct job *job, char **out)
{
	struct api_result res = API_RESULT_INIT;
	struct api *api = NULL;
	char *url;
	int rc;

	*out = NULL;
	if (!job->crm_source->has_org)
		return 0;
	if ((rc = api_new(&api, &job->crm, "zoho-crm")))
		return rc;
	url = xasprintf("%s/org", job->crm.api_base);
	if (!(rc = api_call(api, "GET", url, NULL, NULL, &res)))
		rc = read_currency(&res, out);
	api_result_release(&res);
	xfree(url);
	api_free(api);
	return rc;
}
