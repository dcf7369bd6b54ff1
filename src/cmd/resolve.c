/*
 * resolve.c - `pgmig resolve --applied NAME | --rolled-back NAME`, with
 * Prisma's exact rules (P3017, P3008, P3011, P3012) and row writes, done in
 * one transaction under the advisory lock.
 */
#include "cmd/cmd.h"
#include "history/deploy.h"
#include "history/lock.h"
#include "recover/diagnose.h"
#include "util/hash.h"
#include "util/out.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_claim(struct pg_conn *c, const struct migdir *d, const struct history *h,
                       const char *name, int applied, struct pm_err *e);

static int not_found(struct pm_err *e, const char *name, const struct migdir *d)
{
    e->code = "P3017";
    pm_err_set(e, PM_EXIT_FAIL, "migration `%s` could not be found in %s", name, d->path);
    pm_err_hint(e, "pass the whole name of the migration's folder (for example "
                   "20201207184859_initial_migration)");
    pm_err_next(e, "pgmig status -v   # lists every migration");
    return -1;
}

static int resolve_applied(struct pg_conn *c, struct history *h, const struct migdir *d,
                           const char *name, int force, struct pm_err *e)
{
    long idx = migdir_find(d, name);
    if (idx < 0)
        return not_found(e, name, d);
    if (!h->exists && hist_create(c, h, e))
        return -1;
    for (size_t i = 0; i < h->n; i++) {
        if (strcmp(h->v[i].name, name) || !h->v[i].finished_at)
            continue;
        e->code = "P3008";
        pm_err_set(e, PM_EXIT_FAIL,
                   "migration `%s` is already recorded as applied in the "
                   "database",
                   name);
        pm_err_detail(e, "it finished at %s", h->v[i].finished_at);
        return -1;
    }
    if (!force && check_claim(c, d, h, name, 1, e))
        return -1;
    char id[37];
    uuid_v4(id);
    char *rollback = hist_sql_roll_back_failed(h);
    char *insert = hist_sql_insert_resolved(h);
    const char *p1[] = {name};
    const char *p2[] = {id, d->v[idx].checksum, name, ""};
    int rc = pg_exec(c, "BEGIN", 0, NULL, e) || pg_exec(c, rollback, 1, p1, e) ||
             pg_exec(c, insert, 4, p2, e) || pg_exec(c, "COMMIT", 0, NULL, e);
    free(rollback);
    free(insert);
    return rc ? -1 : 0;
}

static int resolve_rolled_back(struct pg_conn *c, struct history *h, const struct migdir *d,
                               const char *name, int force, struct pm_err *e)
{
    size_t rows = 0, failed = 0;
    for (size_t i = 0; i < h->n; i++) {
        if (strcmp(h->v[i].name, name))
            continue;
        rows++;
        failed += hist_row_failed(&h->v[i]);
    }
    if (!rows) {
        e->code = "P3011";
        pm_err_set(e, PM_EXIT_FAIL,
                   "migration `%s` cannot be rolled back because it was never "
                   "applied to the database",
                   name);
        pm_err_hint(e, "did you pass the whole migration name? (for example "
                       "20201207184859_initial_migration)");
        return -1;
    }
    if (!failed) {
        e->code = "P3012";
        pm_err_set(e, PM_EXIT_FAIL,
                   "migration `%s` cannot be rolled back because it is not in "
                   "a failed state",
                   name);
        return -1;
    }
    if (!force && check_claim(c, d, h, name, 0, e))
        return -1;
    char *sql = hist_sql_roll_back_failed(h);
    const char *p[] = {name};
    int rc = pg_exec(c, sql, 1, p, e);
    free(sql);
    return rc;
}

/*
 * A claim about the database must be true: --applied needs every checkable
 * effect present, --rolled-back needs none of them left (statements with IF
 * NOT EXISTS may have found their object already there, so they do not count).
 */
static int check_claim(struct pg_conn *c, const struct migdir *d, const struct history *h,
                       const char *name, int applied, struct pm_err *e)
{
    long idx = migdir_find(d, name);
    if (idx < 0)
        return 0; /* nothing to check against: Prisma's rules alone */
    const struct hist_row *row = NULL;
    for (size_t i = 0; i < h->n; i++)
        if (!strcmp(h->v[i].name, name) && hist_row_failed(&h->v[i]))
            row = &h->v[i];
    struct diagnosis dg;
    if (diagnose_migration(c, &d->v[idx], row, &dg, e)) {
        pm_err_prefix(e,
                      "could not check `%s` against the catalog (pass --force to record it "
                      "anyway)",
                      name);
        return -1;
    }
    long bad = -1;
    for (size_t i = 0; i < dg.n && bad < 0; i++) {
        enum stmt_state st = dg.v[i].state;
        if (applied ? (st == SS_ABSENT || st == SS_DIFFERS)
                    : ((st == SS_PRESENT || st == SS_DIFFERS) && !dg.v[i].fx->idempotent))
            bad = (long)i;
    }
    int rc = 0;
    if (bad >= 0) {
        const struct stmt_diag *sd = &dg.v[bad];
        struct buf sum = BUF_INIT;
        diagnosis_summary(&dg, &sum);
        rc = pm_err_set(e, PM_EXIT_FAIL,
                        "refusing to record `%s` as %s: the catalog shows statement %ld (line %d, "
                        "%s%s%s) %s",
                        name, applied ? "applied" : "rolled back", bad + 1, sd->line, sd->kind,
                        sd->fx->object ? " " : "", sd->fx->object ? sd->fx->object : "",
                        applied ? "did not take effect" : "still in effect");
        pm_err_detail(e, "diagnosis %s", sum.data);
        pm_err_next(e, "pgmig diagnose %s   # the evidence, statement by statement", name);
        pm_err_next(e, "pgmig repair %s%s   # makes the claim true, verified", name,
                    applied ? "" : " --strategy backward");
        pm_err_next(e, "pgmig resolve --%s %s --force   # record it anyway",
                    applied ? "applied" : "rolled-back", name);
        buf_release(&sum);
    }
    diagnosis_release(&dg);
    return rc;
}

int cmd_resolve(struct cmd_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {{"applied", required_argument, NULL, 'a'},
                                         {"rolled-back", required_argument, NULL, 'r'},
                                         {"force", no_argument, NULL, 'f'},
                                         {0, 0, 0, 0}};
    struct pm_err e = PM_ERR_INIT;
    struct migdir d = {0};
    struct history h = {0};
    struct pg_conn *c = NULL;
    const char *applied = NULL, *rolled_back = NULL;
    int ch, rc, force = 0;

    opterr = 0;
    while ((ch = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
        if (ch == 'a') {
            applied = optarg;
        } else if (ch == 'r') {
            rolled_back = optarg;
        } else if (ch == 'f') {
            force = 1;
        } else {
            cmd_usage_error(ctx, &e,
                            optopt ? "option `%s` needs a migration name" : "unknown option `%s`",
                            argv[optind - 1]);
            goto out;
        }
    }
    if (optind < argc) {
        cmd_usage_error(ctx, &e, "unexpected argument `%s`", argv[optind]);
        goto out;
    }
    if (!applied == !rolled_back) {
        cmd_usage_error(ctx, &e, "pass exactly one of --applied NAME or --rolled-back NAME");
        goto out;
    }
    if (cmd_load_migrations(ctx, &d, &e) || cmd_connect(ctx, &c, &e) ||
        lock_acquire(c, ctx->lock_wait, &e) || deploy_ensure_schema(c, &e) || hist_load(c, &h, &e))
        goto out;
    if (applied ? resolve_applied(c, &h, &d, applied, force, &e)
                : resolve_rolled_back(c, &h, &d, rolled_back, force, &e))
        goto out;
    if (!ctx->json)
        printf("Migration %s marked as %s.\n", applied ? applied : rolled_back,
               applied ? "applied" : "rolled back");
out:
    doc_begin(ctx);
    if (ctx->json) {
        json_kstr(&ctx->j, "migration", applied ? applied : rolled_back);
        json_kstr(&ctx->j, "action", applied ? "applied" : "rolled_back");
    }
    rc = cmd_finish(ctx, &e);
    hist_release(&h);
    migdir_release(&d);
    pg_disconnect(c);
    pm_err_release(&e);
    return rc;
}
