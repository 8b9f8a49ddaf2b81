/*
 * buf.h - a growable byte buffer with a cap.
 *
 * data is always NUL-terminated.  A buffer that would grow past max refuses
 * with FS_EINPUT (so a 2 GB line in a bad file is an error, not an OOM kill).
 */
#ifndef FINSYNC_BUF_H
#define FINSYNC_BUF_H
#include <stddef.h>
#include <stdarg.h>

struct buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max;
};

/* clang-format off */
#define BUF_INIT { NULL, 0, 0, (size_t)1 << 30 }
/* clang-format on */

void buf_init(struct buf *b, size_t max);
int buf_add(struct buf *b, const void *p, size_t n);
/* Room for extra more bytes (and the NUL) without growing; 0, or FS_EINPUT past max. */
int buf_reserve(struct buf *b, size_t extra);
int buf_adds(struct buf *b, const char *s);
int buf_addc(struct buf *b, char c);
int buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vaddf(struct buf *b, const char *fmt, va_list ap);
void buf_reset(struct buf *b);            /* len = 0, keeps storage */
char *buf_detach(struct buf *b);          /* caller frees with xfree */
void buf_release(struct buf *b);          /* frees storage; reusable */
const char *buf_str(const struct buf *b); /* "" when empty */

#endif
