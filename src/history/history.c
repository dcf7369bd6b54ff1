/*
 * history.c - reading and writing `_prisma_migrations`.
 */
#include "history/history.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/quote.h"

#include <stdlib.h>
#include <string.h>

/* Prisma's DDL, byte for byte apart from the qualified name. */
static const char create_sql[] =
    "CREATE TABLE IF NOT EXISTS %s (\n"
    "    \"id\"                    VARCHAR(36) PRIMARY KEY NOT NULL,\n"
    "    \"checksum\"              VARCHAR(64) NOT NULL,\n"
    "    \"finished_at\"           TIMESTAMPTZ,\n"
    "    \"migration_name\"        VARCHAR(255) NOT NULL,\n"
    "    \"logs\"                  TEXT,\n"
    "    \"rolled_back_at\"        TIMESTAMPTZ,\n"
    "    \"started_at\"            TIMESTAMPTZ NOT NULL DEFAULT now(),\n"
    "    \"applied_steps_count\"   INTEGER NOT NULL DEFAULT 0\n"
    ")";

static void set_table(struct history *h, const char *schema)
{
    struct buf b = BUF_INIT;
    free(h->schema);
    free(h->table);
    h->schema = xstrdup(schema);
    buf_add_ident(&b, schema);
    buf_adds(&b, ".\"_prisma_migrations\"");
    h->table = buf_detach(&b, NULL);
}

static int corrupt(struct pm_err *e, const struct history *h)
{
    pm_err_prefix(e, "the history table %s cannot be read", h->table);
    e->exit_code = PM_EXIT_ENV;
    pm_err_hint(e, "pgmig expects Prisma's _prisma_migrations columns (id, checksum, "
                   "finished_at, migration_name, logs, rolled_back_at, started_at, "
                   "applied_steps_count); compare with `\\d _prisma_migrations` in psql");
    return -1;
}

/*
 * SELECT every row of h->table into h->v. The result comes in binary so the
 * server renders nothing (to_char() on every timestamp cost it ~2 ms per 1,000
 * rows); timestamps are turned into ISO 8601 UTC here.
 */
static int read_rows(struct pg_conn *c, struct history *h, struct pm_err *e)
{
    struct pg_result *r = NULL;
    char *sql = xasprintf("SELECT id::text, checksum::text, migration_name::text, logs, "
                          "started_at, finished_at, rolled_back_at, applied_steps_count "
                          "FROM %s ORDER BY started_at, finished_at NULLS LAST",
                          h->table);
    int rc = pg_query_binary(c, &r, sql, 0, NULL, e);
    free(sql);
    if (rc)
        return -1;
    int n = pg_nrows(r);
    h->v = xcalloc((size_t)(n ? n : 1), sizeof(*h->v));
    h->cap = (size_t)(n ? n : 1);
    for (int i = 0; i < n; i++) {
        char ts[48];
        if (!pg_val(r, i, 2) || !pg_val(r, i, 4))
            continue; /* a row without a name or start cannot be a migration */
        struct hist_row *row = &h->v[h->n++];
        row->id = xstrdup(pg_val(r, i, 0) ? pg_val(r, i, 0) : "");
        row->checksum = xstrdup(pg_val(r, i, 1) ? pg_val(r, i, 1) : "");
        row->name = xstrdup(pg_val(r, i, 2));
        row->logs = xstrdup(pg_val(r, i, 3));
        pg_timestamptz_iso(r, i, 4, ts);
        row->started_at = xstrdup(ts);
        pg_timestamptz_iso(r, i, 5, ts);
        row->finished_at = ts[0] ? xstrdup(ts) : NULL;
        pg_timestamptz_iso(r, i, 6, ts);
        row->rolled_back_at = ts[0] ? xstrdup(ts) : NULL;
        row->applied_steps_count = pg_int4(r, i, 7);
    }
    pg_result_free(r);
    return 0;
}

int hist_load(struct pg_conn *c, struct history *h, struct pm_err *e)
{
    struct pg_result *r = NULL;
    memset(h, 0, sizeof(*h));
    if (pg_query(c, &r,
                 "SELECT n.nspname, pg_catalog.current_schema() "
                 "FROM (SELECT 1) AS one "
                 "LEFT JOIN pg_catalog.pg_class c "
                 "  ON c.oid = pg_catalog.to_regclass('_prisma_migrations') "
                 "LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace",
                 0, NULL, e))
        return -1;
    const char *nsp = pg_val(r, 0, 0), *cur = pg_val(r, 0, 1);
    h->exists = nsp != NULL;
    set_table(h, nsp ? nsp : cur ? cur : "public");
    pg_result_free(r);
    if (!h->exists)
        return 0;
    return read_rows(c, h, e) ? corrupt(e, h) : 0;
}

int hist_read(struct pg_conn *c, struct history *h, struct pm_err *e)
{
    memset(h, 0, sizeof(*h));
    h->table = xstrdup("_prisma_migrations");
    h->exists = 1;
    if (read_rows(c, h, e) == 0)
        return 0;
    /* no table (42P01), or an unreadable one: the full lookup says where it is, or
     * would be created, and reports a broken table by its qualified name */
    pm_err_release(e);
    hist_release(h);
    return hist_load(c, h, e);
}

void hist_release(struct history *h)
{
    for (size_t i = 0; i < h->n; i++) {
        struct hist_row *r = &h->v[i];
        free(r->id);
        free(r->checksum);
        free(r->name);
        free(r->logs);
        free(r->started_at);
        free(r->finished_at);
        free(r->rolled_back_at);
    }
    free(h->v);
    free(h->schema);
    free(h->table);
    memset(h, 0, sizeof(*h));
}

int hist_create(struct pg_conn *c, struct history *h, struct pm_err *e)
{
    char *sql = xasprintf(create_sql, h->table);
    int rc = pg_exec(c, sql, 0, NULL, e);
    free(sql);
    if (rc) {
        pm_err_prefix(e, "could not create the history table %s", h->table);
        return -1;
    }
    h->exists = 1;
    return 0;
}

int hist_row_applied(const struct hist_row *r)
{
    return r->finished_at && !r->rolled_back_at;
}

int hist_row_failed(const struct hist_row *r)
{
    return !r->finished_at && !r->rolled_back_at;
}

char *hist_sql_insert_finished(const struct history *h)
{
    return xasprintf("INSERT INTO %s (id, checksum, finished_at, migration_name, logs, "
                     "rolled_back_at, started_at, applied_steps_count) "
                     "VALUES ($1, $2, pg_catalog.clock_timestamp(), $3, NULL, NULL, "
                     "pg_catalog.now(), $4::integer)",
                     h->table);
}

char *hist_sql_insert_started(const struct history *h)
{
    return xasprintf("INSERT INTO %s (id, checksum, migration_name, started_at, "
                     "applied_steps_count) VALUES ($1, $2, $3, pg_catalog.clock_timestamp(), 0)",
                     h->table);
}

char *hist_sql_set_steps(const struct history *h)
{
    return xasprintf("UPDATE %s SET applied_steps_count = $2::integer WHERE id = $1", h->table);
}

char *hist_sql_set_finished(const struct history *h)
{
    return xasprintf("UPDATE %s SET applied_steps_count = $2::integer, "
                     "finished_at = pg_catalog.clock_timestamp() WHERE id = $1",
                     h->table);
}

char *hist_sql_set_failed(const struct history *h)
{
    return xasprintf("UPDATE %s SET logs = $2 WHERE id = $1", h->table);
}

char *hist_sql_set_rolled_back_failure(const struct history *h)
{
    return xasprintf("UPDATE %s SET logs = $2, rolled_back_at = pg_catalog.clock_timestamp() "
                     "WHERE id = $1",
                     h->table);
}

char *hist_sql_insert_rolled_back(const struct history *h)
{
    return xasprintf("INSERT INTO %s (id, checksum, finished_at, migration_name, logs, "
                     "rolled_back_at, started_at, applied_steps_count) "
                     "VALUES ($1, $2, NULL, $3, $4, pg_catalog.clock_timestamp(), "
                     "$5::timestamptz, 0)",
                     h->table);
}

char *hist_sql_roll_back_failed(const struct history *h)
{
    return xasprintf("UPDATE %s SET rolled_back_at = pg_catalog.clock_timestamp() "
                     "WHERE migration_name = $1 AND finished_at IS NULL "
                     "AND rolled_back_at IS NULL",
                     h->table);
}

char *hist_sql_insert_resolved(const struct history *h)
{
    return xasprintf("INSERT INTO %s (id, checksum, finished_at, migration_name, logs, "
                     "rolled_back_at, started_at, applied_steps_count) "
                     "VALUES ($1, $2, pg_catalog.now(), $3, $4, NULL, pg_catalog.now(), 0)",
                     h->table);
}
