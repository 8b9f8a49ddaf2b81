/*
 * alloc.h - every allocation goes through here (and jansson is pointed here
 * too), so that an out-of-memory is one clear exit and fault injection has one
 * seam.  x*alloc never return NULL: they print "out of memory" and exit 3.
 */
#ifndef FINSYNC_ALLOC_H
#define FINSYNC_ALLOC_H
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s); /* NULL in, NULL out */
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void xfree(void *p);
/* Replaces the string *field owns (freed) with a copy of value (NULL: none). */
void xstrset(char **field, const char *value);

/* Routes jansson's allocations through the functions above; call once. */
void alloc_init(void);
/*
 * Who says "out of memory" before the exit (default: a text line); it must
 * not allocate.  The log sets it to write a JSON line under --log-format json.
 */
void alloc_set_oom_report(void (*report)(size_t bytes));

#endif
