/*
 * mem.h - the one allocation family. Every function here either succeeds or
 * exits the process with PM_EXIT_ENV after printing "out of memory"; no caller
 * checks for NULL. (PostgreSQL fe_memutils.c, git wrapper.c)
 */
#ifndef PGMIG_UTIL_MEM_H
#define PGMIG_UTIL_MEM_H

#include <stdarg.h>
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
/* Returns a new NUL-terminated copy; xstrdup(NULL) returns NULL. Caller frees. */
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a new allocation. Caller frees. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Grow an array to hold at least `need` elements (amortised doubling). */
#define ALLOC_GROW(ptr, need, cap)                                                                 \
    do {                                                                                           \
        if ((need) > (cap)) {                                                                      \
            size_t new_cap_ = (cap) ? (cap)*2 : 8;                                                 \
            while (new_cap_ < (need))                                                              \
                new_cap_ *= 2;                                                                     \
            (ptr) = xrealloc((ptr), new_cap_ * sizeof(*(ptr)));                                    \
            (cap) = new_cap_;                                                                      \
        }                                                                                          \
    } while (0)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
