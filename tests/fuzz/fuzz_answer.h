/*
 * fuzz_answer.h - an API answer from fuzz bytes, as src/conn/api.c makes it
 * from an HTTP response: byte 0 picks the status, the rest is the body,
 * parsed when it starts like JSON, else kept as text.
 */
#ifndef FINSYNC_FUZZ_ANSWER_H
#define FINSYNC_FUZZ_ANSWER_H
#include "finsync/api.h"
#include "finsync/ndjson.h"

static inline void fuzz_answer(struct api_result *res, const uint8_t *data, size_t size)
{
	static const long statuses[] = { 200, 201, 202, 204, 400, 401, 404, 429, 500, 502 };
	const char *body = (const char *)data + 1;
	size_t n = size - 1, i = 0;

	res->status = statuses[data[0] % (sizeof(statuses) / sizeof(statuses[0]))];
	res->date = 0;
	res->json = NULL;
	res->text = NULL;
	while (i < n && (body[i] == ' ' || body[i] == '\n' || body[i] == '\r' || body[i] == '\t'))
		i++;
	if (i < n && (body[i] == '{' || body[i] == '['))
		res->json = ndjson_parse(body, n, 0, NULL);
	if (!res->json && n)
		res->text = xstrndup(body, n < 4096 ? n : 4096);
}

#endif
