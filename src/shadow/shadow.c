/*
 * shadow.c - creating, resetting and dropping shadow databases (see shadow.h).
 */
#include "shadow/shadow.h"
#include "pg/localdb.h"
#include "util/buf.h"
#include "util/hash.h"
#include "util/mem.h"
#include "util/out.h"
#include "util/quote.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define STALE_AFTER_SECONDS 3600

/* Drop pgmig_shadow_<time>_* databases older than an hour (left by a killed pgmig). */
static void drop_stale(struct pg_conn *admin)
{
    struct pg_result *r = NULL;
    struct pm_err ignore = PM_ERR_INIT;
    if (pg_query(admin, &r,
                 "SELECT datname FROM pg_catalog.pg_database "
                 "WHERE datname ~ '^pgmig_shadow_[0-9]+_[0-9a-f]+$'",
                 0, NULL, &ignore)) {
        pm_err_release(&ignore);
        return;
    }
    long now = (long)time(NULL);
    for (int i = 0; i < pg_nrows(r); i++) {
        const char *name = pg_val(r, i, 0);
        long born = strtol(name + strlen("pgmig_shadow_"), NULL, 10);
        if (born <= 0 || now - born < STALE_AFTER_SECONDS)
            continue;
        char *q = quote_ident(name);
        char *sql = xasprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", q);
        if (pg_exec(admin, sql, 0, NULL, &ignore) == 0)
            out_note("dropped the stale shadow database %s (left by an interrupted run)", name);
        pm_err_release(&ignore);
        free(sql);
        free(q);
    }
    pg_result_free(r);
}

static int may_create_databases(struct pg_conn *c)
{
    struct pg_result *r = NULL;
    struct pm_err ignore = PM_ERR_INIT;
    int yes = 0;
    if (pg_query(c, &r,
                 "SELECT rolcreatedb OR rolsuper FROM pg_catalog.pg_roles "
                 "WHERE rolname = current_user",
                 0, NULL, &ignore) == 0) {
        yes = pg_nrows(r) == 1 && pg_val(r, 0, 0) && pg_val(r, 0, 0)[0] == 't';
        pg_result_free(r);
    }
    pm_err_release(&ignore);
    return yes;
}

/* CREATE DATABASE pgmig_shadow_<time>_<random> through admin, then connect to it. */
static int create_temporary(struct shadow *s, struct pg_conn *admin, const struct pg_url *url,
                            struct pm_err *e)
{
    char id[37];
    uuid_v4(id);
    s->dbname = xasprintf("pgmig_shadow_%ld_%.8s", (long)time(NULL), id);
    char *q = quote_ident(s->dbname);
    char *sql = xasprintf("CREATE DATABASE %s", q);
    int rc;
    /* 55006: another session is using the template database at that moment (a
     * concurrent CREATE DATABASE, a client on template1): it passes, so retry */
    for (int attempt = 0;; attempt++) {
        rc = pg_exec(admin, sql, 0, NULL, e);
        if (rc == 0 || strcmp(e->sqlstate, "55006") || attempt == 20)
            break;
        struct timespec pause = {0, 100000000L + 50000000L * attempt};
        nanosleep(&pause, NULL);
    }
    free(sql);
    if (rc) {
        free(q);
        free(s->dbname);
        s->dbname = NULL;
        return -1;
    }
    /* A shadow is thrown away: its commits need not wait for the disk. As the
     * database's default, RESET ALL between migrations keeps it. */
    struct pm_err ignore = PM_ERR_INIT;
    sql = xasprintf("ALTER DATABASE %s SET synchronous_commit TO off", q);
    pg_exec(admin, sql, 0, NULL, &ignore);
    pm_err_release(&ignore);
    free(sql);
    free(q);
    s->admin = admin;
    if (pg_connect_db(&s->conn, url, s->dbname, e)) {
        pm_err_prefix(e, "could not connect to the shadow database %s", s->dbname);
        return -1;
    }
    return 0;
}

/* Empty a given shadow database, as Prisma does: drop every non-system schema. */
static int reset_database(struct pg_conn *c, struct pm_err *e)
{
    struct pg_result *r = NULL;
    if (pg_query(c, &r,
                 "SELECT nspname FROM pg_catalog.pg_namespace "
                 "WHERE nspname NOT IN ('pg_catalog', 'information_schema') "
                 "AND nspname !~ '^pg_(toast|temp_|toast_temp_)' ORDER BY 1",
                 0, NULL, e))
        return -1;
    struct buf sql = BUF_INIT;
    for (int i = 0; i < pg_nrows(r); i++) {
        buf_adds(&sql, "DROP SCHEMA IF EXISTS ");
        buf_add_ident(&sql, pg_val(r, i, 0));
        buf_adds(&sql, " CASCADE; ");
    }
    buf_adds(&sql, "CREATE SCHEMA IF NOT EXISTS public");
    pg_result_free(r);
    int rc = pg_exec_simple(c, sql.data, e);
    buf_release(&sql);
    if (rc)
        pm_err_prefix(e, "could not reset the shadow database");
    return rc;
}

static int open_given(struct shadow *s, const struct pg_url *target, const struct pg_url *given,
                      const char *schema, struct pm_err *e)
{
    struct pg_url g = *given;
    if (schema)
        g.schema = (char *)schema; /* a shallow copy: only the search_path differs */
    if (pg_connect(&s->conn, &g, e)) {
        pm_err_prefix(e, "cannot use the shadow database");
        return -1;
    }
    if (target) {
        struct pg_conn *t = NULL;
        struct pm_err ignore = PM_ERR_INIT;
        if (pg_connect(&t, target, &ignore) == 0) {
            char *a = pg_identity(t), *b = pg_identity(s->conn);
            int same = a && b && !strcmp(a, b);
            free(a);
            free(b);
            pg_disconnect(t);
            if (same) {
                pm_err_release(&ignore);
                pm_err_set(e, PM_EXIT_USAGE, "the shadow database is the target database");
                pm_err_detail(e, "%s would be reset before replaying the migrations into it",
                              given->display);
                pm_err_hint(e, "give --shadow-url (or shadowDatabaseUrl) a database of its own, "
                               "or leave it out: pgmig then creates a temporary one");
                return -1;
            }
        }
        pm_err_release(&ignore);
    }
    s->given = given;
    s->kind = "url";
    s->where = xasprintf("the shadow database %s (reset before and after)", given->display);
    return reset_database(s->conn, e);
}

static int open_local(struct shadow *s, const char *schema, struct pm_err *e)
{
    struct localdb l;
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd))
        return pm_err_set(e, PM_EXIT_ENV, "cannot determine the current directory");
    localdb_init(&l, cwd);
    int rc = localdb_start(&l, e);
    char *url = rc == 0 ? localdb_url(&l, "postgres") : NULL;
    localdb_release(&l);
    if (rc)
        return -1;
    rc = pg_url_parse(url, &s->local_url, e);
    free(url);
    if (rc)
        return -1;
    s->have_local_url = 1;
    struct pg_conn *admin = NULL;
    if (pg_connect(&admin, &s->local_url, e))
        return -1;
    drop_stale(admin);
    struct pg_url in_schema = s->local_url;
    if (schema)
        in_schema.schema = (char *)schema;
    if (create_temporary(s, admin, &in_schema, e)) {
        if (!s->admin)
            pg_disconnect(admin);
        return -1;
    }
    s->kind = "local";
    s->where = xasprintf("a temporary database on the embedded local PostgreSQL (%s)", s->dbname);
    return 0;
}

int shadow_open(struct shadow *s, const struct pg_url *target, const struct pg_url *shadow_url,
                const char *schema, struct pm_err *e)
{
    memset(s, 0, sizeof(*s));
    if (shadow_url)
        return open_given(s, target, shadow_url, schema, e);
    if (target) {
        struct pg_conn *admin = NULL;
        struct pm_err te = PM_ERR_INIT;
        struct pg_url in_schema = *target;
        if (schema)
            in_schema.schema = (char *)schema;
        if (pg_connect(&admin, target, &te) == 0) {
            if (may_create_databases(admin)) {
                drop_stale(admin);
                if (create_temporary(s, admin, &in_schema, &te) == 0) {
                    s->kind = "target";
                    s->where =
                        xasprintf("a temporary database on the target server (%s)", s->dbname);
                    pm_err_release(&te);
                    return 0;
                }
                out_note("could not create a shadow database on the target server (%s); using "
                         "the embedded local PostgreSQL",
                         te.primary);
                if (s->admin) {
                    /* created, but could not connect: drop it */
                    shadow_close(s);
                    memset(s, 0, sizeof(*s));
                    admin = NULL;
                }
            } else {
                out_note("the target's role may not create databases (P3014 in Prisma); "
                         "replaying on the embedded local PostgreSQL instead");
            }
            pg_disconnect(admin);
        } else {
            out_note("the target database is not reachable (%s); replaying on the embedded "
                     "local PostgreSQL",
                     te.primary);
        }
        pm_err_release(&te);
    }
    return open_local(s, schema, e);
}

void shadow_close(struct shadow *s)
{
    struct pm_err ignore = PM_ERR_INIT;
    if (s->given && s->conn)
        reset_database(s->conn, &ignore);
    pg_disconnect(s->conn);
    s->conn = NULL;
    if (s->admin && s->dbname) {
        char *q = quote_ident(s->dbname);
        char *sql = xasprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", q);
        if (pg_exec(s->admin, sql, 0, NULL, &ignore))
            out_warn("could not drop the shadow database %s: %s (the next run drops it once it "
                     "is an hour old)",
                     s->dbname, ignore.primary);
        free(sql);
        free(q);
    }
    pm_err_release(&ignore);
    pg_disconnect(s->admin);
    s->admin = NULL;
    free(s->dbname);
    s->dbname = NULL;
    free(s->where);
    s->where = NULL;
    if (s->have_local_url)
        pg_url_release(&s->local_url);
    s->have_local_url = 0;
}
