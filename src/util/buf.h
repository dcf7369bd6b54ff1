/*
 * buf.h - a growable byte buffer (after git's strbuf and libpq's PQExpBuffer).
 *
 * Invariants: `data` is never NULL and always NUL-terminated at data[len]
 * (an initialised, empty buf points at a shared static ""), so it can be
 * passed wherever a C string is expected. Embedded NULs are allowed.
 * Ownership is taken only with buf_detach().
 */
#ifndef PGMIG_UTIL_BUF_H
#define PGMIG_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
    char *data;
    size_t len;
    size_t cap; /* 0 while data points at the shared empty string */
};

extern char buf_empty_[];
#define BUF_INIT                                                                                   \
    {                                                                                              \
        buf_empty_, 0, 0                                                                           \
    }

void buf_init(struct buf *b);
/* Free the contents; the buf is left initialised and empty. */
void buf_release(struct buf *b);
/* Return the contents as a malloc'd string (caller frees); the buf is left empty. */
char *buf_detach(struct buf *b, size_t *len_out);
void buf_reset(struct buf *b);
void buf_grow(struct buf *b, size_t extra);
void buf_add(struct buf *b, const void *p, size_t n);
void buf_adds(struct buf *b, const char *s);
void buf_addch(struct buf *b, char c);
void buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vaddf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Append `c` n times. */
void buf_addchars(struct buf *b, char c, size_t n);
void buf_truncate(struct buf *b, size_t len);

#endif
