/*
 * crm_sources.c - the one table of the CRM sources a job can name (crm.type)
 * and what each can do.  The stages and commands ask these capabilities;
 * nothing outside this table and the connector table (src/conn/crm.c)
 * compares a source's name.
 */
#include <string.h>
#include "finsync/finance.h"

static const struct crm_source sources[] = {
	{
		.type = "zoho-crm",
		.label = "Zoho CRM",
		.from_files = 0,
		.incremental = 1,
		.writable = 1,
		.has_views = 1,
		.has_picklists = 1,
		.has_org = 1,
	},
	{
		/* Module exports (<Module>.csv) in crm.dir: read whole every run, never written. */
		.type = "csv",
		.label = "CSV export",
		.from_files = 1,
		.incremental = 0,
		.writable = 0,
		.has_views = 0,
		.has_picklists = 0,
		.has_org = 0,
	},
};

const struct crm_source *crm_source_find(const char *type)
{
	size_t i;

	for (i = 0; type && i < sizeof(sources) / sizeof(sources[0]); i++)
		if (!strcmp(sources[i].type, type))
			return &sources[i];
	return NULL;
}

const char *crm_source_names(void)
{
	return "zoho-crm, csv";
}
