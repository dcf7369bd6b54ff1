/*
 * quote.h - SQL identifier and literal quoting for the SQL pgmig generates
 * itself (history DDL, repair statements, diff scripts). Identifiers are
 * always double-quoted, as Prisma does, so mixed case ("SystemPrompt")
 * survives. Queries with values use parameters instead of these.
 */
#ifndef PGMIG_UTIL_QUOTE_H
#define PGMIG_UTIL_QUOTE_H

#include "util/buf.h"

/* "name" with embedded quotes doubled. Caller frees. */
char *quote_ident(const char *name);
void buf_add_ident(struct buf *b, const char *name);
/* 'text' with quotes doubled; E'...' with doubled backslashes when needed
 * (the same rule as libpq's PQescapeLiteral). Caller frees. */
char *quote_literal(const char *text);
void buf_add_literal(struct buf *b, const char *text);

#endif
