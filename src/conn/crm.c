/*
 * crm.c - picks the CRM connector named by the job (crm.type) and forwards.
 */
#include <string.h>
#include "finsync/crm.h"
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/safe.h"

static const struct crm_ops *const connectors[] = { &zoho_crm_ops, &crm_csv_ops };

int crm_open(struct crm **out, const struct job *job)
{
	size_t i;

	*out = NULL;
	for (i = 0; i < sizeof(connectors) / sizeof(connectors[0]); i++)
		if (!strcmp(connectors[i]->type, job->crm.type))
			return connectors[i]->open(out, job);
	return fail(FS_EUSAGE, "job '%s': crm.type: unknown value '%s'", job->path, job->crm.type);
}

int crm_fields(struct crm *c, const char *module, json_t **out)
{
	return c->ops->fields(c, module, out);
}

/* A source without types (CSV export files) holds every field as text. */
int crm_field_types(struct crm *c, const char *module, json_t **out)
{
	json_t *names, *v;
	size_t i;
	int rc;

	if (c->ops->field_types)
		return c->ops->field_types(c, module, out);
	*out = json_object();
	if ((rc = c->ops->fields(c, module, &names)))
		return rc;
	json_array_foreach(names, i, v)
		json_object_set_new(*out, json_string_value(v), json_string("text"));
	json_decref(names);
	return 0;
}

int crm_read(struct crm *c, const struct crm_query *q, struct source **out)
{
	return c->ops->read(c, q, out);
}

/* A source without a count: its records, read and counted (a CSV file is local). */
static int count_by_reading(struct crm *c, const char *module, const char *cvid, long *n)
{
	json_t *fields = json_pack("[s]", "id"), *rec;
	struct crm_query q = { module, fields, cvid, NULL, NULL, NULL };
	struct source *src = NULL;
	int rc;

	*n = 0;
	if (!(rc = crm_read(c, &q, &src)))
		while ((rc = source_next(src, &rec)) == 1) {
			json_decref(rec);
			(*n)++;
		}
	source_close(src);
	json_decref(fields);
	return rc < 0 ? rc : 0;
}

int crm_count(struct crm *c, const char *module, const char *cvid, long *n)
{
	return c->ops->count ? c->ops->count(c, module, cvid, n) : count_by_reading(c, module, cvid, n);
}

int crm_deleted(struct crm *c, const char *module, const char *modified_since, struct source **out)
{
	*out = NULL;
	return c->ops->deleted ? c->ops->deleted(c, module, modified_since, out) : 0;
}

int crm_related(struct crm *c, const char *module, const char *id, const char *relation, json_t *fields,
		struct source **out)
{
	*out = NULL;
	return c->ops->related ? c->ops->related(c, module, id, relation, fields, out) : 0;
}

int crm_write(struct crm *c, const char *module, const char *how, json_t *rows, const char *const *dup_fields,
	      struct crm_row_result *results)
{
	if (!c->ops->write)
		return fail(FS_EUSAGE, "crm.type %s cannot be written to", c->ops->type);
	return c->ops->write(c, module, how, rows, dup_fields, results);
}

void crm_row_result_release(struct crm_row_result *r)
{
	xfree(r->id);
	xfree(r->action);
	xfree(r->code);
	xfree(r->message);
	memset(r, 0, sizeof(*r));
}

int crm_get(struct crm *c, const char *module, const char *id, json_t **out)
{
	*out = NULL;
	if (!c->ops->get)
		return fail(FS_EUSAGE, "crm.type %s cannot read a record by id", c->ops->type);
	return c->ops->get(c, module, id, out);
}

int crm_incremental(const struct crm *c)
{
	return c->ops->deleted != NULL;
}

void crm_close(struct crm *c)
{
	if (c)
		c->ops->close(c);
}

/*
 * Every CRM record comes in here.  Its id goes into lookups, a header and
 * "ids=" in URLs: one that is not digits, as Zoho's are, is a bad record.
 */
int source_next(struct source *src, json_t **out)
{
	int rc = src->ops->next(src, out);
	const char *id = rc == 1 ? json_string_value(json_object_get(*out, "id")) : NULL;
	char *where;

	if (!id || zoho_id_ok(id))
		return rc;
	json_decref(*out);
	*out = NULL;
	where = source_where(src);
	rc = fail(FS_EINPUT, "%s%sa record whose id is not a Zoho CRM id (digits only)", where ? where : "",
		  where ? ": " : "");
	xfree(where);
	return rc;
}

void source_close(struct source *src)
{
	if (src)
		src->ops->close(src);
}

char *source_where(struct source *src)
{
	return src && src->ops->where ? src->ops->where(src) : NULL;
}
