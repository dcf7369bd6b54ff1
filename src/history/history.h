/*
 * history.h - Prisma's history table `_prisma_migrations`: reading it,
 * creating it with Prisma's exact DDL, and the row writes of each life-cycle
 * step (see ../shared/prisma-compat.md). The table is found through
 * search_path once, then addressed by its schema-qualified name so that a
 * migration changing search_path cannot redirect pgmig's bookkeeping.
 */
#ifndef PGMIG_HISTORY_HISTORY_H
#define PGMIG_HISTORY_HISTORY_H

#include "pg/conn.h"
#include "util/err.h"

#include <stddef.h>

struct hist_row {
    char *id;
    char *checksum;
    char *name;
    char *logs;           /* NULL or text */
    char *started_at;     /* ISO 8601 UTC, never NULL */
    char *finished_at;    /* NULL while not finished */
    char *rolled_back_at; /* NULL unless rolled back */
    int applied_steps_count;
};

struct history {
    int exists;         /* the table exists */
    char *schema;       /* its schema (or, when absent, where it would be created) */
    char *table;        /* quoted, schema-qualified name: "public"."_prisma_migrations" */
    struct hist_row *v; /* ordered by started_at */
    size_t n, cap;
};

/*
 * Find and read the table. A missing table is not an error (exists = 0). A
 * table whose shape is not Prisma's is PM_EXIT_ENV naming the problem.
 */
int hist_load(struct pg_conn *c, struct history *h, struct pm_err *e);
/*
 * The same for read-only callers (status, check, diagnose): one query on the
 * table as search_path finds it, no catalog lookup first (a fresh backend pays
 * for every catalog it touches). `table` is then unqualified; `schema` is only
 * looked up when the table does not exist.
 */
int hist_read(struct pg_conn *c, struct history *h, struct pm_err *e);
void hist_release(struct history *h);

/* CREATE TABLE with Prisma's DDL (no-op when it exists); sets exists. */
int hist_create(struct pg_conn *c, struct history *h, struct pm_err *e);

/* Row states, as Prisma reads them. */
int hist_row_applied(const struct hist_row *r); /* finished, not rolled back */
int hist_row_failed(const struct hist_row *r);  /* neither finished nor rolled back */

/*
 * Statement texts for bookkeeping, with the qualified table name filled in.
 * Parameters are documented beside each; all return malloc'd SQL.
 */
/* $1 id, $2 checksum, $3 name, $4 applied_steps_count: a finished row, started at
 * the transaction's start. */
char *hist_sql_insert_finished(const struct history *h);
/* $1 id, $2 checksum, $3 name: a started row (finished_at NULL). */
char *hist_sql_insert_started(const struct history *h);
/* $1 id, $2 applied_steps_count */
char *hist_sql_set_steps(const struct history *h);
/* $1 id, $2 applied_steps_count: sets finished_at too */
char *hist_sql_set_finished(const struct history *h);
/* $1 id, $2 logs: records a failure (row stays failed) */
char *hist_sql_set_failed(const struct history *h);
/* $1 id, $2 logs: records a failure that left nothing behind (rolled back) */
char *hist_sql_set_rolled_back_failure(const struct history *h);
/* $1 id, $2 checksum, $3 name, $4 logs, $5 started_at: an attempt that was rolled back */
char *hist_sql_insert_rolled_back(const struct history *h);
/* $1 name: rolled_back_at = now() on its failed rows */
char *hist_sql_roll_back_failed(const struct history *h);
/* $1 id, $2 checksum, $3 name, $4 logs: Prisma's `resolve --applied` row */
char *hist_sql_insert_resolved(const struct history *h);

#endif
