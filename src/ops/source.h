/*
 * source.h - where a schema model comes from, for `diff` and `drift`:
 *   empty              nothing
 *   migrations:DIR     the migrations directory, replayed on a shadow database
 *   url:URL            a live database (url:env:VAR takes the URL from $VAR)
 *   sql:FILE           a SQL file of DDL, applied to a shadow database
 * (later: prisma:FILE, a schema.prisma file).
 */
#ifndef PGMIG_OPS_SOURCE_H
#define PGMIG_OPS_SOURCE_H

#include "pg/url.h"
#include "schema/model.h"
#include "util/err.h"

enum source_kind {
    SRC_EMPTY,
    SRC_MIGRATIONS,
    SRC_URL,
    SRC_SQL,
};

struct source {
    enum source_kind kind;
    char *arg;    /* directory, file or URL text */
    char *label;  /* for messages: "migrations:prisma/migrations", "url:postgresql://…****…" */
    char *schema; /* url: its ?schema=, or NULL */
};

/* Parse a SRC argument; a usage error (PM_EXIT_USAGE) names the accepted forms. */
int source_parse(const char *spec, struct source *s, struct pm_err *e);
void source_release(struct source *s);

/*
 * Build the model of `schema` (the schema both sides of a diff are read in:
 * for url: the URL's own ?schema= wins). Shadow databases (for migrations: and
 * sql:) are opened as validate does (shadow.h) from `target` / `shadow_url`,
 * with `schema` as their search_path.
 */
int source_model(const struct source *s, const struct pg_url *target,
                 const struct pg_url *shadow_url, const char *schema, struct schema_model *m,
                 struct pm_err *e);

#endif
