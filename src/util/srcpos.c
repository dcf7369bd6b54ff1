/*
 * srcpos.c - byte offset <-> line:column (character) mapping, UTF-8 checks.
 */
#include "util/srcpos.h"

static int is_cont(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

struct srcpos srcpos_of(const char *text, size_t len, size_t offset)
{
    struct srcpos p = {1, 1, 0, 0};
    if (offset > len)
        offset = len;
    for (size_t i = 0; i < offset; i++) {
        if (text[i] == '\n') {
            p.line++;
            p.line_start = i + 1;
        }
    }
    for (size_t i = p.line_start; i < offset; i++)
        if (!is_cont((unsigned char)text[i]))
            p.col++;
    size_t e = p.line_start;
    while (e < len && text[e] != '\n')
        e++;
    p.line_end = e;
    return p;
}

size_t srcpos_advance_chars(const char *text, size_t len, size_t from, size_t nchars)
{
    size_t i = from;
    while (i < len && nchars > 0) {
        i++;
        while (i < len && is_cont((unsigned char)text[i]))
            i++;
        nchars--;
    }
    return i;
}

int utf8_valid(const char *s, size_t len, size_t *bad_offset)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        unsigned char c = u[i];
        size_t n;
        unsigned int cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            n = 1;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            n = 2;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            n = 3;
            cp = c & 0x07;
        } else {
            goto bad;
        }
        if (i + n >= len)
            goto bad;
        for (size_t k = 1; k <= n; k++) {
            if (!is_cont(u[i + k]))
                goto bad;
            cp = (cp << 6) | (u[i + k] & 0x3F);
        }
        /* reject overlong forms, surrogates and values past U+10FFFF */
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
            (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
            goto bad;
        i += n + 1;
    }
    return 1;
bad:
    if (bad_offset)
        *bad_offset = i;
    return 0;
}
