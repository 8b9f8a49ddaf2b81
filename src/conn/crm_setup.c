/*
 * crm_setup.c - what `finsync check` and the pre-write check ask of a Zoho
 * CRM organisation beyond its field names: the values of a picklist (the
 * deal stages the job names must be Stage values) and whether a custom view
 * exists.  CRM v8 "Fields Metadata" (GET /settings/fields?module=, each
 * picklist field with pick_list_values[].display_value/actual_value) and
 * "Custom Views" (GET /settings/custom_views/{id}?module=).
 *
 * A CSV export has neither picklists nor views: both answer "not known".
 */
#include <string.h>
#include "finsync/alloc.h"
#include "finsync/api.h"
#include "finsync/crm.h"
#include "finsync/err.h"
#include "finsync/http.h"

static int refused(const char *what, const struct api_result *res)
{
	const char *code = json_string_value(json_object_get(res->json, "code"));
	const char *msg = json_string_value(json_object_get(res->json, "message"));

	return fail(FS_EABORT, "zoho-crm: %s: HTTP %ld%s%s%s%s", what, res->status, code ? " " : "", code ? code : "",
		    msg || res->text ? ": " : "",
		    msg         ? msg
		    : res->text ? res->text
				: "");
}

static int get(const struct job *job, const char *url, struct api_result *res)
{
	struct api *api = NULL;
	int rc;

	if ((rc = api_new(&api, &job->crm, "zoho-crm")))
		return rc;
	rc = api_call(api, "GET", url, NULL, NULL, res);
	api_free(api);
	return rc;
}

static void add_values(json_t *out, json_t *field)
{
	json_t *v;
	size_t i;

	json_array_foreach(json_object_get(field, "pick_list_values"), i, v) {
		const char *shown = json_string_value(json_object_get(v, "display_value"));
		const char *actual = json_string_value(json_object_get(v, "actual_value"));
		if (shown)
			json_array_append_new(out, json_string(shown));
		if (actual && (!shown || strcmp(actual, shown)))
			json_array_append_new(out, json_string(actual));
	}
}

/* The metadata of module's field (a new reference), or NULL when the module lacks it or the source has none. */
int crm_field_info(const struct job *job, const char *module, const char *field, json_t **out)
{
	struct api_result res = API_RESULT_INIT;
	char *mod = http_escape(module);
	char *url = xasprintf("%s/settings/fields?module=%s", job->crm.api_base, mod);
	json_t *f;
	size_t i;
	int rc = 0;

	*out = NULL;
	if (!job->crm_source->has_picklists)
		goto out;
	if ((rc = get(job, url, &res)))
		goto out;
	if (res.status != 200 || !json_is_array(json_object_get(res.json, "fields"))) {
		char *what = xasprintf("cannot read the fields of %s", module);
		rc = refused(what, &res);
		xfree(what);
		goto out;
	}
	json_array_foreach(json_object_get(res.json, "fields"), i, f)
		if (json_is_string(json_object_get(f, "api_name")) &&
		    !strcmp(json_string_value(json_object_get(f, "api_name")), field))
			*out = json_incref(f);
out:
	api_result_release(&res);
	xfree(url);
	xfree(mod);
	return rc;
}

int crm_picklist(const struct job *job, const char *module, const char *field, json_t **out)
{
	json_t *f = NULL;
	int rc;

	*out = NULL;
	if (!job->crm_source->has_picklists)
		return 0;
	if ((rc = crm_field_info(job, module, field, &f)))
		return rc;
	if (f) {
		*out = json_array();
		add_values(*out, f);
		json_decref(f);
	}
	return 0;
}

int crm_view_exists(const struct job *job, const char *module, const char *cvid)
{
	struct api_result res = API_RESULT_INIT;
	char *mod = http_escape(module), *id = http_escape(cvid);
	char *url = xasprintf("%s/settings/custom_views/%s?module=%s", job->crm.api_base, id, mod);
	const char *code;
	int rc;

	if (!job->crm_source->has_views) {
		rc = fail(FS_EUSAGE, "%s has no views", job->crm.type);
		goto out;
	}
	if ((rc = get(job, url, &res)))
		goto out;
	code = json_string_value(json_object_get(res.json, "code"));
	if (res.status == 200 && json_array_size(json_object_get(res.json, "custom_views")))
		rc = 1;
	else if (res.status == 204 || res.status == 404 ||
		 (res.status == 400 && code && (!strcmp(code, "INVALID_DATA") || !strcmp(code, "INVALID_MODULE"))))
		rc = 0;
	else
		rc = refused("cannot read the custom views", &res);
out:
	api_result_release(&res);
	xfree(url);
	xfree(mod);
	xfree(id);
	return rc;
}
