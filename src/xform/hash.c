/*
 * hash.c - the content hash that tells an unchanged record from a changed
 * one: FNV-1a 64 over the payload dumped compact with sorted keys.
 *
 * Sorted keys make the hash independent of the order the mapping added keys
 * in.  The text is jansson's (ndjson_dump gives the same bytes, several
 * times faster; jansson is asked only when it declines), so hashes stay
 * those of earlier versions.  The load stage keeps the hash as
 * links.crm_hash; the next run compares.  A customer with contact persons
 * also carries the hash of its payload without them (record_hash()).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "finsync/buf.h"
#include "finsync/ndjson.h"
#include "xform.h"

#define FNV64_OFFSET 0xcbf29ce484222325ULL
#define FNV64_PRIME 0x100000001b3ULL

static int fnv_cb(const char *p, size_t n, void *data)
{
	uint64_t *h = data;
	size_t i;

	for (i = 0; i < n; i++) {
		*h ^= (unsigned char)p[i];
		*h *= FNV64_PRIME;
	}
	return 0;
}

void content_hash(json_t *payload, char out[CONTENT_HASH_LEN])
{
	struct buf text = BUF_INIT;
	uint64_t h = FNV64_OFFSET;

	if (!ndjson_dump(payload, &text, 1))
		fnv_cb(text.data, text.len, &h);
	else
		json_dump_callback(payload, fnv_cb, &h, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	buf_release(&text);
	snprintf(out, CONTENT_HASH_LEN, "%016llx", (unsigned long long)h);
}

void content_hash_spans(const char *text, const struct ndjson_spans *spans, char out[CONTENT_HASH_LEN])
{
	uint64_t h = FNV64_OFFSET;

	ndjson_replay_sorted(text, spans, fnv_cb, &h);
	snprintf(out, CONTENT_HASH_LEN, "%016llx", (unsigned long long)h);
}

void record_hash(json_t *payload, const char *whole, char out[RECORD_HASH_LEN])
{
	json_t *body;
	char part[CONTENT_HASH_LEN];

	snprintf(out, RECORD_HASH_LEN, "%s", whole);
	if (!*whole || !json_is_array(json_object_get(payload, "contact_persons")))
		return;
	body = json_copy(payload);
	json_object_del(body, "contact_persons");
	content_hash(body, part);
	json_decref(body);
	snprintf(out, RECORD_HASH_LEN, "%s-%s", whole, part);
}

const char *record_hash_body(const char *hash)
{
	const char *dash = hash ? strchr(hash, '-') : NULL;

	return dash ? dash + 1 : NULL;
}
