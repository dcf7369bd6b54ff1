/*
 * url.h - connection strings as Prisma users write them, turned into what
 * libpq accepts. libpq parses the URL itself (PQconninfoParse); this module
 * only removes the query parameters that Prisma understands and libpq rejects,
 * takes out `schema`, and produces a redacted form for display.
 */
#ifndef PGMIG_PG_URL_H
#define PGMIG_PG_URL_H

#include "util/err.h"

#include <stddef.h>

struct pg_url {
    char *conninfo; /* for libpq: the URL without Prisma-only parameters, or a key=value string */
    char *display;  /* the same with every password replaced by "****": safe to print */
    char *schema;   /* ?schema=NAME, percent-decoded; NULL when absent */
    int pgbouncer;  /* ?pgbouncer=true was given */
    char **stripped; /* names of the Prisma-only parameters removed, in order seen */
    size_t n_stripped;
};

/*
 * Accepts postgresql:// and postgres:// URLs and libpq key=value strings.
 * Removes: schema, connection_limit, pool_timeout, pgbouncer,
 * statement_cache_size, socket_timeout, sslaccept, sslidentity,
 * max_connection_lifetime, max_idle_connection_lifetime, and any other
 * parameter Prisma documents that libpq does not know; keeps everything libpq
 * knows (sslmode, sslcert, connect_timeout, application_name, options, host...).
 * The result is validated with PQconninfoParse. Errors (exit PM_EXIT_USAGE)
 * never contain the password: e.g. another scheme ("mysql://"), or libpq's
 * complaint about the cleaned string.
 */
int pg_url_parse(const char *url, struct pg_url *out, struct pm_err *e);
void pg_url_release(struct pg_url *u);

/*
 * Replace every password in free text by "****": the userinfo password of any
 * postgres(ql):// URL inside it, `password=...` key/value pairs and
 * `password=` query parameters. Used on anything pgmig prints or logs that
 * might contain a connection string. Caller frees.
 */
char *pg_redact(const char *text);

#endif
