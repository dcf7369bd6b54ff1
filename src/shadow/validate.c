/*
 * validate.c - shadow replay of the migrations directory (see validate.h).
 */
#include "shadow/validate.h"
#include "history/apply.h"
#include "history/deploy.h"
#include "history/history.h"
#include "history/plan.h"
#include "history/scripts.h"
#include "shadow/shadow.h"
#include "sql/effects.h"
#include "util/mem.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void keep_error(struct validate_report *r, struct pm_err *pe)
{
    r->errors = xrealloc(r->errors, (r->n_errors + 1) * sizeof(*r->errors));
    memset(&r->errors[r->n_errors], 0, sizeof(*r->errors));
    pm_err_move(&r->errors[r->n_errors++], pe);
}

/* Parse the scripts to replay (on two threads); collect every error. */
static int parse_scripts(const struct migdir *d, const unsigned char *include,
                         struct sql_script *scripts, struct validate_report *r, struct pm_err *e)
{
    size_t n = 0;
    size_t *idx = xcalloc(d->n ? d->n : 1, sizeof(*idx));
    for (size_t i = 0; i < d->n; i++)
        if (!include || include[i])
            idx[n++] = i;
    struct sql_script *parsed = xcalloc(n ? n : 1, sizeof(*parsed));
    struct pm_err *errs = xcalloc(n ? n : 1, sizeof(*errs));
    /* replaying needs spans, not trees (explain() parses again if needed) */
    scripts_parse(d, idx, n, parsed, errs, 0);
    for (size_t k = 0; k < n; k++) {
        scripts[idx[k]] = parsed[k];
        if (errs[k].exit_code) {
            free(errs[k].migration);
            errs[k].migration = xstrdup(d->v[idx[k]].name);
            keep_error(r, &errs[k]);
        }
        pm_err_release(&errs[k]);
    }
    free(errs);
    free(parsed);
    free(idx);
    if (!r->n_errors)
        return 0;
    pm_err_set(e, PM_EXIT_FAIL, "%zu migration%s cannot be parsed; nothing was replayed",
               r->n_errors, r->n_errors == 1 ? "" : "s");
    pm_err_hint(e, "fix the file%s, then run `pgmig validate` again", r->n_errors == 1 ? "" : "s");
    return -1;
}

static void release_scripts(struct sql_script *scripts, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sql_script_release(&scripts[i]);
    free(scripts);
}

int validate_parse_all(const struct migdir *d, struct validate_report *r, struct pm_err *e)
{
    struct sql_script *scripts = xcalloc(d->n ? d->n : 1, sizeof(*scripts));
    int rc = parse_scripts(d, NULL, scripts, r, e);
    release_scripts(scripts, d->n);
    return rc;
}

/* Explain a missing or duplicate object named by the failure. */
static void explain(const struct migdir *d, struct sql_script *scripts, size_t mi, long si,
                    struct validate_report *r, struct pm_err *e)
{
    if (!e->sqlstate[0] || !e->primary || si < 0)
        return;
    struct stmt_effects **fx = xcalloc(mi + 1, sizeof(struct stmt_effects *));
    for (size_t i = 0; i <= mi; i++) {
        struct pm_err ignore = PM_ERR_INIT;
        if (!scripts[i].tree_ && scripts[i].n) {
            /* the trees were dropped after parsing; the effects need them again */
            sql_script_release(&scripts[i]);
            sql_script_parse(&scripts[i], d->v[i].path, d->v[i].text, d->v[i].len, &ignore);
        }
        pm_err_release(&ignore);
        fx[i] = effects_of_script(&scripts[i]);
    }
    /* the primary message was prefixed by apply; the server's text is the tail */
    const char *msg = e->primary;
    if (prov_explain(e->sqlstate, msg, d, scripts, fx, mi, (size_t)si, &r->prov)) {
        r->have_provenance = 1;
        if (r->prov.summary) {
            if (e->detail) {
                char *both = xasprintf("%s\n%s", e->detail, r->prov.summary);
                free(e->detail);
                e->detail = both;
            } else {
                pm_err_detail(e, "%s", r->prov.summary);
            }
        }
    }
    for (size_t i = 0; i <= mi; i++)
        effects_release(fx[i], scripts[i].n);
    free(fx);
}

static int replay(struct pg_conn *c, const struct migdir *d, const unsigned char *include,
                  struct sql_script *scripts, validate_progress_fn cb, void *ud,
                  struct validate_report *r, struct pm_err *e)
{
    size_t upto = d->n;
    struct history h;
    int rc = -1;
    if (deploy_ensure_schema(c, e) || hist_load(c, &h, e))
        return -1;
    if (hist_create(c, &h, e))
        goto out;
    int version = pg_server_version(c);
    pg_cancel_arm(c);
    for (size_t i = 0; i < upto; i++) {
        const struct migration *m = &d->v[i];
        struct plan p;
        struct apply_result ar;
        if (include && !include[i])
            continue;
        if (cb)
            cb(i, upto, m->name, ud);
        if (pg_cancel_requested()) {
            pm_err_set(e, PM_EXIT_FAIL, "interrupted after %zu of %zu migrations", i, upto);
            goto out;
        }
        if (plan_build(&p, &scripts[i], m->path, version, e)) {
            r->failed_migration = (long)i;
            goto out;
        }
        struct apply_input in = {.file = m->path,
                                 .script = &scripts[i],
                                 .plan = &p,
                                 .hist = &h,
                                 .name = m->name,
                                 .checksum = m->checksum};
        int arc = apply_script(c, &in, &ar, e);
        plan_release(&p);
        if (arc) {
            r->failed_migration = (long)i;
            r->failed_statement = ar.failed_stmt;
            explain(d, scripts, i, ar.failed_stmt, r, e);
            e->code = "P3006";
            free(e->migration);
            e->migration = xstrdup(m->name);
            e->statement = ar.failed_stmt >= 0 ? (int)ar.failed_stmt + 1 : 0;
            pm_err_prefix(e, "migration `%s` failed to apply cleanly to the shadow database",
                          m->name);
            goto out;
        }
        r->migrations++;
        r->statements += scripts[i].n;
    }
    if (cb)
        cb(upto, upto, NULL, ud);
    rc = 0;
out:
    pg_cancel_disarm();
    hist_release(&h);
    return rc;
}

int validate_run(const struct migdir *d, const struct validate_opts *o, struct validate_report *r,
                 struct pm_err *e)
{
    struct shadow sh;
    double t0 = now_ms();
    memset(r, 0, sizeof(*r));
    r->failed_migration = r->failed_statement = -1;
    struct sql_script *scripts = xcalloc(d->n ? d->n : 1, sizeof(*scripts));
    int rc = parse_scripts(d, o->include, scripts, r, e);
    if (rc == 0) {
        rc = shadow_open(&sh, o->target, o->shadow_url, o->schema, e);
        if (rc == 0) {
            r->shadow = xstrdup(sh.where);
            r->shadow_kind = sh.kind;
            rc = replay(sh.conn, d, o->include, scripts, o->progress, o->ud, r, e);
            if (rc == 0 && o->after)
                rc = o->after(sh.conn, o->ud, e);
        }
        shadow_close(&sh);
    }
    release_scripts(scripts, d->n);
    r->ms = now_ms() - t0;
    return rc;
}

void validate_report_release(struct validate_report *r)
{
    for (size_t i = 0; i < r->n_errors; i++)
        pm_err_release(&r->errors[i]);
    free(r->errors);
    free(r->shadow);
    if (r->have_provenance)
        prov_release(&r->prov);
    memset(r, 0, sizeof(*r));
}
