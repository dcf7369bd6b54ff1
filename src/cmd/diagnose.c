/*
 * diagnose.c - `pgmig diagnose [NAME]`: explain a failed (or any) migration
 * statement by statement from evidence in the catalog, with a verdict and
 * the exact next commands.
 */
#include "cmd/cmd.h"
#include "cmd/diagview.h"
#include "recover/repair.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

const struct mig_status *cmd_pick_migration(struct cmd_ctx *ctx, const struct state *s,
                                            const char *name, struct pm_err *e)
{
    for (size_t i = 0; i < s->n; i++) {
        const struct mig_status *m = &s->v[i];
        if (name ? !strcmp(m->name, name) : m->state == MIG_FAILED) {
            if (m->local < 0) {
                pm_err_set(e, PM_EXIT_FAIL,
                           "migration `%s` is in the history but its folder is "
                           "missing locally",
                           m->name);
                pm_err_hint(e, "restore it from version control (its SQL is what pgmig checks "
                               "against the catalog)");
                return NULL;
            }
            return m;
        }
    }
    if (name) {
        e->code = "P3017";
        pm_err_set(e, PM_EXIT_FAIL, "migration `%s` could not be found", name);
        pm_err_next(e, "pgmig status -v   # lists every migration");
    } else {
        pm_err_set(e, PM_EXIT_OK, "no failed migration");
    }
    (void)ctx;
    return NULL;
}

int cmd_diagnose(struct cmd_ctx *ctx, int argc, char **argv)
{
    struct pm_err e = PM_ERR_INIT;
    struct migdir d = {0};
    struct history h = {0};
    struct state s = {0};
    struct diagnosis dg;
    struct buf next = BUF_INIT;
    struct pg_conn *c = NULL;
    const struct mig_status *ms = NULL;
    const char *name = NULL;
    int rc, have = 0, clean = 0;

    memset(&dg, 0, sizeof dg);
    if (argc > 2) {
        cmd_usage_error(ctx, &e, "unexpected argument `%s`", argv[2]);
        goto out;
    }
    if (argc == 2 && argv[1][0] == '-') {
        cmd_usage_error(ctx, &e, "unknown option `%s`", argv[1]);
        goto out;
    }
    name = argc == 2 ? argv[1] : NULL;
    if (cmd_load_migrations(ctx, &d, &e) || cmd_connect(ctx, &c, &e) || hist_read(c, &h, &e))
        goto out;
    state_compute(&s, &d, &h);
    ms = cmd_pick_migration(ctx, &s, name, &e);
    if (!ms) {
        if (e.exit_code == PM_EXIT_OK) {
            pm_err_release(&e);
            clean = 1;
            if (!ctx->json)
                printf("No failed migration: nothing to diagnose.\n"
                       "Run `pgmig diagnose NAME` to check any migration against the "
                       "catalog.\n");
        }
        goto out;
    }
    if (diagnose_migration(c, &d.v[ms->local], ms->row, &dg, &e))
        goto out;
    have = 1;
    if (repair_suggest(c, &dg, ms->name, ms->state == MIG_FAILED, &next, &e))
        goto out;
    clean = ms->state == MIG_APPLIED && dg.verdict == V_APPLIED;
    if (!ctx->json) {
        diag_print_human(&dg, &h, ms, ctx->verbose);
        if (ms->state == MIG_APPLIED && dg.verdict != V_APPLIED)
            printf("\nIt is recorded as applied, but the catalog disagrees: the database has "
                   "drifted from this migration.\n");
        if (!clean)
            diag_print_next(next.data);
    }
out:
    doc_begin(ctx);
    if (ctx->json && have) {
        diag_json(&ctx->j, &dg, &h, ms);
        diag_json_next(&ctx->j, clean ? "" : next.data);
    } else if (ctx->json) {
        json_knull(&ctx->j, "migration");
        json_knull(&ctx->j, "verdict");
    }
    rc = cmd_finish(ctx, &e);
    if (rc == 0 && !clean)
        rc = PM_EXIT_FAIL;
    buf_release(&next);
    diagnosis_release(&dg);
    state_release(&s);
    hist_release(&h);
    migdir_release(&d);
    pg_disconnect(c);
    pm_err_release(&e);
    return rc;
}
