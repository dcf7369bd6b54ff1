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
    char *conninfo;  /* for libpq: the URL without Prisma-only parameters, or a key=value string */
    char *display;   /* the same with every password replaced by "****": safe to print */
    char *schema;    /* ?schema=NAME, percent-decoded; NULL when absent */
    int pgbouncer;   /* ?pgbouncer=true was given */
    char **stripped; /* names of the Prisma-only parameters removed, in order seen (each once) */
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
 *
 * Details: leading and trailing whitespace is ignored; the scheme may be in
 * any case (Prisma's reading) and is lowercased for libpq. Parameter names
 * are matched after percent-decoding and are case-sensitive, as in Prisma
 * and libpq ("SCHEMA" is not "schema": libpq then rejects it). Values are
 * decoded as Prisma does (form encoding: '+' is a space) for schema and
 * pgbouncer, which must be "true" or "false". Empty segments ("&&", a
 * trailing '&', a bare '?') are dropped. Only password and sslpassword are
 * secrets; display also hides everything up to a later '@' when libpq's
 * reading leaves one in the host part ("u:p@ss@h" shows as "u:****@h").
 * For key=value strings display is rebuilt from PQconninfoParse's options,
 * in libpq's order; "" (libpq's all-defaults string) is accepted.
 * On error *out is left empty (nothing to release).
 */
int pg_url_parse(const char *url, struct pg_url *out, struct pm_err *e);
void pg_url_release(struct pg_url *u);

/*
 * Replace every password in free text by "****": the userinfo password of any
 * postgres(ql):// URL inside it, `password=...` key/value pairs and
 * `password=` query parameters. Used on anything pgmig prints or logs that
 * might contain a connection string. Caller frees.
 * It errs on the side of hiding: the user info of a URL of any scheme
 * ("mysql://u:pw@h" too), every word ending in "password" before '='
 * (PGPASSWORD=, sslpassword=), a quoted value 'x y' or "x y" whole, and
 * everything up to the last '@' before the query string. Idempotent.
 */
char *pg_redact(const char *text);

#endif
