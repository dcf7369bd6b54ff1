/*
 * srcpos.h - map between byte offsets, lines and character columns of a
 * source text. PostgreSQL reports error positions in characters; files are
 * UTF-8, so a column is a count of code points, not bytes.
 */
#ifndef PGMIG_UTIL_SRCPOS_H
#define PGMIG_UTIL_SRCPOS_H

#include <stddef.h>

struct srcpos {
    int line;          /* 1-based */
    int col;           /* 1-based, characters */
    size_t line_start; /* byte offset where the line begins */
    size_t line_end;   /* byte offset of its '\n' (or of the end of text) */
};

/* Line and column of byte `offset` in text[0..len). */
struct srcpos srcpos_of(const char *text, size_t len, size_t offset);
/* Byte offset reached by advancing `nchars` UTF-8 characters from byte `from`. */
size_t srcpos_advance_chars(const char *text, size_t len, size_t from, size_t nchars);
/* Check UTF-8 validity; on failure returns 0 and sets *bad_offset. */
int utf8_valid(const char *s, size_t len, size_t *bad_offset);

#endif
