/*
 * datasource.h - the `datasource` block of a schema.prisma file: provider,
 * url, directUrl and shadowDatabaseUrl, each either a string literal or
 * env("NAME"). This is a focused reader for the block only; the full Prisma
 * schema language parser (a later feature) will live beside it in src/prisma/
 * and feed the schema model.
 */
#ifndef PGMIG_PRISMA_DATASOURCE_H
#define PGMIG_PRISMA_DATASOURCE_H

#include "util/err.h"

#include <stddef.h>

/* A value is either a literal (env == NULL) or env("NAME") (literal == NULL). */
struct prisma_value {
    char *literal;
    char *env;
    int line; /* 1-based line in the schema file; 0 when absent */
};

struct prisma_datasource {
    char *name; /* "db" */
    int line;   /* line of `datasource NAME {` */
    struct prisma_value provider, url, direct_url, shadow_url;
};

/*
 * Find the first datasource block in text (comments `//` and `///` ignored,
 * strings with escapes handled). Returns 1 when found, 0 when the file has no
 * datasource block, -1 with e located (file:line:col) when the block is
 * malformed (unterminated string or block, a value that is neither a string
 * nor env("...")).
 */
int prisma_datasource_parse(const char *file, const char *text, size_t len,
                            struct prisma_datasource *ds, struct pm_err *e);
/* Read and parse a file; a missing/unreadable file is PM_EXIT_ENV. */
int prisma_datasource_read(const char *path, struct prisma_datasource *ds, struct pm_err *e);
void prisma_datasource_release(struct prisma_datasource *ds);

/*
 * Resolve a value: the literal, or getenv(env). Returns a malloc'd string,
 * or NULL when absent or when the variable is unset/empty (then *missing_env
 * names it, not owned).
 */
char *prisma_value_resolve(const struct prisma_value *v, const char **missing_env);

#endif
