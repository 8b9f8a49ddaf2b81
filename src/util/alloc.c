/*
 * alloc.c - the one place that calls malloc.  Out of memory is not a
 * recoverable condition for a batch job: say so and exit 3 (a rerun resumes).
 *
 * jansson's values go through a small pool: per size class (16-byte steps
 * up to 1 KiB) a per-thread list of freed blocks that the next allocation
 * of the class takes back.  A transformed record makes and drops ~230
 * jansson values (its parse, its payload, its line); glibc spent ~200
 * instructions on each malloc/free pair there, the pool ~20 (BENCH.md).
 * Pool blocks are ordinary malloc blocks whose class is read back with
 * malloc_usable_size(), so a string from json_dumps() may still be given to
 * xfree(), and a list keeps at most POOL_KEEP blocks.  Under ASan and
 * valgrind the pool is off, so that they see every malloc and free.
 */
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "finsync/alloc.h"

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND 0
#endif
#if defined(__SANITIZE_ADDRESS__)
#define POOL_USABLE 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define POOL_USABLE 0
#endif
#endif
#ifndef POOL_USABLE
#define POOL_USABLE 1
#endif

#define POOL_CLASSES 64 /* 16, 32, … 1024 bytes */
#define POOL_KEEP 32768 /* blocks kept per class and thread */

static void (*oom_report)(size_t bytes);

void alloc_set_oom_report(void (*report)(size_t bytes))
{
	oom_report = report;
}

static void out_of_memory(size_t n)
{
	if (oom_report)
		oom_report(n);
	else
		fprintf(stderr, "finsync: out of memory (%zu bytes)\n", n);
	exit(3);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		out_of_memory(n);
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (!p)
		out_of_memory(nmemb * size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		out_of_memory(n);
	return q;
}

char *xstrdup(const char *s)
{
	return s ? xstrndup(s, strlen(s)) : NULL;
}

void xstrset(char **field, const char *value)
{
	char *copy = xstrdup(value);

	xfree(*field);
	*field = copy;
}

char *xstrndup(const char *s, size_t n)
{
	char *p;

	if (!s)
		return NULL;
	p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		out_of_memory(0);
	p = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void xfree(void *p)
{
	free(p);
}

struct pool_list {
	void *head; /* a free block's first word links to the next */
	unsigned n;
};

static _Thread_local struct pool_list pool[POOL_CLASSES + 1];

static void *pool_malloc(size_t n)
{
	size_t c = n ? (n + 15) >> 4 : 1;
	void *p;

	if (c > POOL_CLASSES)
		return xmalloc(n);
	if ((p = pool[c].head)) {
		pool[c].head = *(void **)p;
		pool[c].n--;
		return p;
	}
	return xmalloc(c << 4);
}

/* Any malloc block lands in the class it can serve: usable size / 16, rounded down. */
static void pool_free(void *p)
{
	size_t c;

	if (!p)
		return;
	c = malloc_usable_size(p) >> 4;
	if (c > POOL_CLASSES || pool[c].n >= POOL_KEEP) {
		free(p);
		return;
	}
	*(void **)p = pool[c].head;
	pool[c].head = p;
	pool[c].n++;
}

void alloc_init(void)
{
	if (POOL_USABLE && !RUNNING_ON_VALGRIND)
		json_set_alloc_funcs(pool_malloc, pool_free);
	else
		json_set_alloc_funcs(xmalloc, xfree);
}
