/*
 * shadow.h - a throwaway database to replay migrations on (validate, drift,
 * diff from a migrations directory). Where it comes from, in order:
 *   1. --shadow-url / shadowDatabaseUrl: that database, reset before and
 *      after use as Prisma does; refused when it is the target database;
 *   2. a temporary database pgmig_shadow_<unix time>_<random> created on the
 *      target's server, when the target is reachable and its role may create
 *      databases;
 *   3. the same on the embedded local PostgreSQL (so replay works with no
 *      server and no privileges at all).
 * Temporary databases are always dropped (also on error or Ctrl-C); ones
 * left by a killed pgmig are dropped by the next run once older than an hour.
 */
#ifndef PGMIG_SHADOW_SHADOW_H
#define PGMIG_SHADOW_SHADOW_H

#include "pg/conn.h"
#include "pg/url.h"
#include "util/err.h"

struct shadow {
    struct pg_conn *conn;  /* the shadow database */
    struct pg_conn *admin; /* the connection that created it (NULL for a given URL) */
    char *dbname;          /* the temporary database to drop, or NULL */
    char *where;           /* for humans: "a temporary database on the target server", ... */
    const char *kind;      /* "url", "target", "local" */
    struct pg_url local_url;
    int have_local_url;
    const struct pg_url *given; /* the --shadow-url, when used */
};

/*
 * Open a shadow database. target may be NULL (nothing configured) or
 * unreachable (then the local database is used, with a note); shadow_url
 * may be NULL. schema: the search_path schema of the shadow connection (as
 * ?schema= would set it); NULL keeps the URL's own.
 */
int shadow_open(struct shadow *s, const struct pg_url *target, const struct pg_url *shadow_url,
                const char *schema, struct pm_err *e);
/* Drop (or reset) it and disconnect. Safe to call twice, and after a failed open. */
void shadow_close(struct shadow *s);

#endif
