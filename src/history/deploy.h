/*
 * deploy.h - applying pending migrations: under the advisory lock, refuse
 * while a migration is failed (P3009) or when a non-empty database has no
 * history (P3005), parse every pending script first (no migration is applied
 * when any of them has a syntax error), then apply each in order.
 */
#ifndef PGMIG_HISTORY_DEPLOY_H
#define PGMIG_HISTORY_DEPLOY_H

#include "history/apply.h"
#include "history/migdir.h"
#include "history/state.h"
#include "pg/conn.h"

struct deploy_report;
/* Called once the pending migrations are parsed and planned, before any is applied. */
typedef void (*deploy_planned_fn)(const struct deploy_report *rep, const struct migdir *d,
                                  int server_version, void *ud);

/* Fills e (P3009) about the failed migrations in st; returns -1. */
typedef int (*deploy_refuse_fn)(struct pg_conn *c, const struct state *st, const struct migdir *d,
                                struct pm_err *e);

struct deploy_opts {
    double lock_wait;
    int dry_run;
    /* explains a failed migration (recover_refuse_failed); NULL: a bare P3009 */
    deploy_refuse_fn refuse_failed;
    deploy_planned_fn planned; /* optional */
    void *planned_ud;
};

struct deploy_item {
    const struct migration *m;
    size_t statements;
    size_t segments;
    size_t nontx; /* statements run alone, outside a transaction */
    int atomic;
    struct sql_script script;
    struct plan plan;
    struct apply_result result;
    int done; /* attempted */
};

enum deploy_phase { DEPLOY_START, DEPLOY_DONE };
typedef void (*deploy_progress_fn)(const struct deploy_item *it, enum deploy_phase ph, void *ud);

struct deploy_report {
    struct history hist;
    struct state before;   /* state found under the lock */
    struct deploy_item *v; /* pending migrations, in order */
    size_t n;
    size_t applied; /* successfully applied now */
    int created_table;
    struct pm_err *errors; /* every syntax/plan error of the pending scripts */
    size_t n_errors;
    double ms;
};

int deploy_run(struct pg_conn *c, const struct migdir *d, const struct deploy_opts *o,
               struct deploy_report *rep, deploy_progress_fn cb, void *ud, struct pm_err *e);
void deploy_report_release(struct deploy_report *rep);

/* Shared guards, also used by other commands. */
/* P3005: fails when the schema holding the (missing) history table has tables. */
int deploy_check_empty(struct pg_conn *c, const struct history *h, struct pm_err *e);
/* CREATE SCHEMA IF NOT EXISTS for ?schema= (Prisma creates it too). */
int deploy_ensure_schema(struct pg_conn *c, struct pm_err *e);

#endif
