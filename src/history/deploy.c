/*
 * deploy.c - the deploy procedure (see deploy.h).
 */
#include "history/deploy.h"
#include "history/lock.h"
#include "history/scripts.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/quote.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int deploy_ensure_schema(struct pg_conn *c, struct pm_err *e)
{
    const char *schema = pg_schema(c);
    if (!schema)
        return 0;
    char *q = quote_ident(schema);
    char *sql = xasprintf("CREATE SCHEMA IF NOT EXISTS %s", q);
    int rc = pg_exec(c, sql, 0, NULL, e);
    if (rc)
        pm_err_prefix(e, "could not create schema %s", q);
    free(sql);
    free(q);
    return rc;
}

int deploy_check_empty(struct pg_conn *c, const struct history *h, struct pm_err *e)
{
    struct pg_result *r = NULL;
    const char *params[] = {h->schema};
    if (pg_query(c, &r,
                 "SELECT c.relname FROM pg_catalog.pg_class c "
                 "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                 "WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') "
                 "  AND c.relname NOT IN ('spatial_ref_sys', 'geometry_columns') "
                 "ORDER BY c.relname",
                 1, params, e))
        return -1;
    int n = pg_nrows(r);
    if (n == 0) {
        pg_result_free(r);
        return 0;
    }
    struct buf names = BUF_INIT;
    for (int i = 0; i < n && i < 5; i++)
        buf_addf(&names, "%s%s", i ? ", " : "", pg_val(r, i, 0));
    if (n > 5)
        buf_addf(&names, ", and %d more", n - 5);
    pg_result_free(r);
    e->code = "P3005";
    pm_err_set(e, PM_EXIT_FAIL, "the database schema \"%s\" is not empty", h->schema);
    pm_err_detail(e,
                  "it has %d table%s (%s) but no migration history (_prisma_migrations); "
                  "applying the migrations from the start would collide with them",
                  n, n == 1 ? "" : "s", names.data);
    pm_err_hint(e, "if the database already has the schema the migrations describe, record "
                   "them as applied without running them (baselining)");
    pm_err_next(e, "pgmig baseline                 # every local migration");
    pm_err_next(e, "pgmig baseline --up-to NAME    # those up to NAME; later ones then deploy");
    buf_release(&names);
    return -1;
}

/* Parse and plan every pending script; collect every error. */
static void keep_error(struct deploy_report *rep, struct pm_err *pe)
{
    rep->errors = xrealloc(rep->errors, (rep->n_errors + 1) * sizeof(*rep->errors));
    memset(&rep->errors[rep->n_errors], 0, sizeof(*rep->errors));
    pm_err_move(&rep->errors[rep->n_errors++], pe);
}

/* Parse (on two threads) and plan every pending script; collect every error. */
static int prepare(struct deploy_report *rep, const struct migdir *d, int server_version,
                   struct pm_err *e)
{
    size_t n = rep->n;
    size_t *idx = xcalloc(n ? n : 1, sizeof(*idx));
    struct sql_script *scripts = xcalloc(n ? n : 1, sizeof(*scripts));
    struct pm_err *errs = xcalloc(n ? n : 1, sizeof(*errs));
    for (size_t i = 0; i < n; i++)
        idx[i] = (size_t)(rep->v[i].m - d->v);
    /* applying needs the statements' spans and flags, not their trees */
    scripts_parse(d, idx, n, scripts, errs, 0);
    for (size_t i = 0; i < n; i++) {
        struct deploy_item *it = &rep->v[i];
        it->script = scripts[i]; /* owned by the item from here on */
        if (errs[i].exit_code ||
            plan_build(&it->plan, &it->script, it->m->path, server_version, &errs[i])) {
            keep_error(rep, &errs[i]);
            continue;
        }
        it->statements = it->script.n;
        it->segments = it->plan.n;
        it->atomic = it->plan.atomic;
        for (size_t k = 0; k < it->plan.n; k++)
            if (it->plan.v[k].kind == SEG_ALONE)
                it->nontx++;
    }
    for (size_t i = 0; i < n; i++)
        pm_err_release(&errs[i]);
    free(errs);
    free(scripts);
    free(idx);
    if (!rep->n_errors)
        return 0;
    pm_err_set(e, PM_EXIT_FAIL, "%zu pending migration%s cannot be run; nothing was applied",
               rep->n_errors, rep->n_errors == 1 ? "" : "s");
    pm_err_hint(e, "fix the file%s, then run `pgmig deploy` again", rep->n_errors == 1 ? "" : "s");
    return -1;
}

int deploy_run(struct pg_conn *c, const struct migdir *d, const struct deploy_opts *o,
               struct deploy_report *rep, deploy_progress_fn cb, void *ud, struct pm_err *e)
{
    double t0 = now_ms();
    memset(rep, 0, sizeof(*rep));
    if (!o->dry_run && (lock_acquire(c, o->lock_wait, e) || deploy_ensure_schema(c, e)))
        return -1;
    if (hist_load(c, &rep->hist, e))
        return -1;
    if (!rep->hist.exists) {
        if (d->n > 0 && deploy_check_empty(c, &rep->hist, e))
            return -1;
        if (!o->dry_run) {
            if (hist_create(c, &rep->hist, e))
                return -1;
            rep->created_table = 1;
        }
    }
    state_compute(&rep->before, d, &rep->hist);
    if (rep->before.failed) {
        if (o->refuse_failed)
            return o->refuse_failed(c, &rep->before, d, e);
        e->code = "P3009";
        return pm_err_set(e, PM_EXIT_FAIL,
                          "found %zu failed migration%s in the target database; new migrations "
                          "will not be applied",
                          rep->before.failed, rep->before.failed == 1 ? "" : "s");
    }

    size_t pending = 0;
    for (size_t i = 0; i < rep->before.n; i++)
        pending += mig_status_is_pending(&rep->before.v[i]);
    rep->v = xcalloc(pending ? pending : 1, sizeof(*rep->v));
    for (size_t i = 0; i < rep->before.n; i++)
        if (mig_status_is_pending(&rep->before.v[i]))
            rep->v[rep->n++].m = &d->v[rep->before.v[i].local];

    if (prepare(rep, d, pg_server_version(c), e))
        return -1;
    if (o->planned && rep->n)
        o->planned(rep, d, pg_server_version(c), o->planned_ud);
    if (o->dry_run)
        return 0;

    pg_cancel_arm(c);
    int rc = 0;
    for (size_t i = 0; i < rep->n; i++) {
        struct deploy_item *it = &rep->v[i];
        if (pg_cancel_requested()) {
            rc = pm_err_set(e, PM_EXIT_FAIL, "interrupted; %zu of %zu migrations were applied",
                            rep->applied, rep->n);
            pm_err_next(e, "pgmig deploy   # to apply the rest");
            break;
        }
        struct apply_input in = {
            .file = it->m->path,
            .script = &it->script,
            .plan = &it->plan,
            .hist = &rep->hist,
            .name = it->m->name,
            .checksum = it->m->checksum,
        };
        if (cb)
            cb(it, DEPLOY_START, ud);
        it->done = 1;
        rc = apply_script(c, &in, &it->result, e);
        if (cb)
            cb(it, DEPLOY_DONE, ud);
        if (rc)
            break;
        rep->applied++;
    }
    pg_cancel_disarm();
    rep->ms = now_ms() - t0;
    return rc;
}

void deploy_report_release(struct deploy_report *rep)
{
    for (size_t i = 0; i < rep->n; i++) {
        sql_script_release(&rep->v[i].script);
        plan_release(&rep->v[i].plan);
    }
    for (size_t i = 0; i < rep->n_errors; i++)
        pm_err_release(&rep->errors[i]);
    free(rep->errors);
    free(rep->v);
    state_release(&rep->before);
    hist_release(&rep->hist);
    memset(rep, 0, sizeof(*rep));
}
