/*
 * quote.c - identifier and literal quoting (see quote.h).
 */
#include "util/quote.h"

#include <string.h>

void buf_add_ident(struct buf *b, const char *name)
{
    buf_addch(b, '"');
    for (const char *p = name; *p; p++) {
        if (*p == '"')
            buf_addch(b, '"');
        buf_addch(b, *p);
    }
    buf_addch(b, '"');
}

char *quote_ident(const char *name)
{
    struct buf b = BUF_INIT;
    buf_add_ident(&b, name);
    return buf_detach(&b, NULL);
}

void buf_add_literal(struct buf *b, const char *text)
{
    int has_backslash = strchr(text, '\\') != NULL;
    if (has_backslash)
        buf_adds(b, " E");
    buf_addch(b, '\'');
    for (const char *p = text; *p; p++) {
        if (*p == '\'' || *p == '\\')
            buf_addch(b, *p);
        buf_addch(b, *p);
    }
    buf_addch(b, '\'');
}

char *quote_literal(const char *text)
{
    struct buf b = BUF_INIT;
    buf_add_literal(&b, text);
    return buf_detach(&b, NULL);
}
