/*
 * repair.c - `pgmig repair [NAME] [--dry-run] [--strategy forward|backward]
 * [--accept-data-loss]`: the safe recovery of a failed or half-applied
 * migration, printing every SQL statement it runs (recover/repair.c).
 */
#include "cmd/cmd.h"
#include "cmd/diagview.h"
#include "history/deploy.h"
#include "history/lock.h"
#include "recover/repair.h"
#include "util/out.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static void print_step(const struct repair_step *s, size_t i, void *ud)
{
    const struct cmd_ctx *ctx = ud;
    if (ctx->json)
        return;
    printf("%s-- step %zu: %s%s\n%s;\n", sty(stdout, STY_DIM), i + 1, s->why,
           sty(stdout, STY_RESET), s->sql);
    fflush(stdout);
}

/* SQL with every line after the first indented by `indent` spaces. */
static void print_sql(const char *sql, int indent)
{
    for (const char *p = sql; *p; p++) {
        putchar(*p);
        if (*p == '\n')
            printf("%*s", indent, "");
    }
}

static void print_plan(const struct repair_plan *p)
{
    printf("\nRepair plan (%s", p->strategy == RS_FORWARD ? "forward" : "backward");
    printf("): %zu step%s\n", p->n, p->n == 1 ? "" : "s");
    for (size_t i = 0; i < p->n; i++) {
        printf("  %zu. %s%s%s%s\n     ", i + 1, sty(stdout, STY_DIM), p->v[i].why,
               p->v[i].nontx ? " (alone, outside a transaction)" : "", sty(stdout, STY_RESET));
        print_sql(p->v[i].sql, 5);
        printf(";\n");
    }
    if (p->strategy == RS_FORWARD)
        printf("  then: verify every postcondition; mark failed rows rolled back and insert an "
               "applied row (Prisma's resolve --applied), in the same transaction\n");
    else
        printf("  then: verify every effect is gone; mark failed rows rolled back (Prisma's "
               "resolve --rolled-back), in the same transaction\n");
}

static void json_plan(struct json *j, const struct repair_plan *p)
{
    json_key(j, "plan");
    json_object_begin(j);
    json_kstr(j, "strategy", p->strategy == RS_FORWARD ? "forward" : "backward");
    json_kstr(j, "refusal", p->refusal);
    json_key(j, "steps");
    json_array_begin(j);
    for (size_t i = 0; i < p->n; i++) {
        json_object_begin(j);
        json_kstr(j, "sql", p->v[i].sql);
        json_kstr(j, "why", p->v[i].why);
        json_kbool(j, "non_transactional", p->v[i].nontx);
        if (p->v[i].stmt >= 0)
            json_kint(j, "statement", p->v[i].stmt + 1);
        else
            json_knull(j, "statement");
        json_object_end(j);
    }
    json_array_end(j);
    json_object_end(j);
}

int cmd_repair(struct cmd_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {{"dry-run", no_argument, NULL, 'n'},
                                         {"strategy", required_argument, NULL, 's'},
                                         {"accept-data-loss", no_argument, NULL, 'A'},
                                         {0, 0, 0, 0}};
    struct pm_err e = PM_ERR_INIT;
    struct migdir d = {0};
    struct history h = {0};
    struct state s = {0};
    struct diagnosis dg;
    struct repair_plan plan;
    struct repair_result res = {0, -1, 0};
    struct pg_conn *c = NULL;
    const struct mig_status *ms = NULL;
    enum repair_strategy want = RS_AUTO;
    int dry_run = 0, accept = 0, ch, rc, have_plan = 0, done = 0;

    memset(&dg, 0, sizeof dg);
    memset(&plan, 0, sizeof plan);
    opterr = 0;
    while ((ch = getopt_long(argc, argv, "+n", opts, NULL)) != -1) {
        if (ch == 'n') {
            dry_run = 1;
        } else if (ch == 'A') {
            accept = 1;
        } else if (ch == 's' && !strcmp(optarg, "forward")) {
            want = RS_FORWARD;
        } else if (ch == 's' && !strcmp(optarg, "backward")) {
            want = RS_BACKWARD;
        } else if (ch == 's') {
            cmd_usage_error(ctx, &e, "--strategy must be forward or backward, not `%s`", optarg);
            goto out;
        } else {
            cmd_usage_error(ctx, &e,
                            optopt == 's' ? "option `%s` needs forward or backward"
                                          : "unknown option `%s`",
                            argv[optind - 1]);
            goto out;
        }
    }
    if (optind + 1 < argc) {
        cmd_usage_error(ctx, &e, "unexpected argument `%s`", argv[optind + 1]);
        goto out;
    }
    const char *name = optind < argc ? argv[optind] : NULL;
    if (cmd_load_migrations(ctx, &d, &e) || cmd_connect(ctx, &c, &e) ||
        (!dry_run && lock_acquire(c, ctx->lock_wait, &e)) || hist_load(c, &h, &e))
        goto out;
    state_compute(&s, &d, &h);
    ms = cmd_pick_migration(ctx, &s, name, &e);
    if (!ms) {
        if (e.exit_code == PM_EXIT_OK) {
            pm_err_release(&e);
            if (!ctx->json)
                printf("No failed migration: nothing to repair.\n");
        }
        goto out;
    }
    if (ms->state == MIG_APPLIED) {
        pm_err_set(&e, PM_EXIT_FAIL,
                   "migration `%s` is recorded as applied; repair only "
                   "completes or undoes failed and pending migrations",
                   ms->name);
        pm_err_next(&e, "pgmig diagnose %s   # compares it with the catalog", ms->name);
        goto out;
    }
    if (diagnose_migration(c, &d.v[ms->local], ms->row, &dg, &e))
        goto out;
    if (!ctx->json)
        diag_print_human(&dg, &h, ms, ctx->verbose);
    if (repair_choose(c, &dg, want, accept, &plan, &e))
        goto out;
    have_plan = 1;
    if (plan.refusal) {
        pm_err_set(&e, PM_EXIT_FAIL, "no safe %s repair for `%s`: a human must decide",
                   want == RS_FORWARD    ? "forward"
                   : want == RS_BACKWARD ? "backward"
                                         : "automatic",
                   ms->name);
        pm_err_detail(&e, "%s", plan.refusal);
        pm_err_next(&e, "pgmig diagnose %s -v   # every check and what the catalog shows",
                    ms->name);
        if (want != RS_BACKWARD && plan.strategy == RS_FORWARD)
            pm_err_next(&e, "pgmig repair %s --strategy backward --dry-run", ms->name);
        goto out;
    }
    if (dry_run) {
        if (!ctx->json) {
            print_plan(&plan);
            printf("\nDry run: nothing was changed.\n");
        }
        goto out;
    }
    if (!ctx->json)
        printf("\nRepairing (%s), %zu step%s:\n",
               plan.strategy == RS_FORWARD ? "forward" : "backward", plan.n,
               plan.n == 1 ? "" : "s");
    if (repair_execute(c, &dg, &plan, &h, ms->name, print_step, ctx, &res, &e)) {
        pm_err_prefix(&e, "repair of `%s` failed", ms->name);
        if (res.failed_step >= 0)
            pm_err_note(&e,
                        "step %ld of %zu failed; %zu step%s before it had been committed. "
                        "The migration is still recorded as it was.",
                        res.failed_step + 1, plan.n, res.steps_done,
                        res.steps_done == 1 ? "" : "s");
        pm_err_next(&e, "pgmig diagnose %s   # the state now", ms->name);
        goto out;
    }
    done = 1;
    if (!ctx->json) {
        if (plan.strategy == RS_FORWARD)
            printf("\n%sMigration %s repaired forward%s: every postcondition verified; recorded "
                   "as applied.\n",
                   sty(stdout, STY_GREEN), ms->name, sty(stdout, STY_RESET));
        else
            printf("\n%sMigration %s repaired backward%s: its effects are undone and it is "
                   "marked rolled back.\nnext: fix %s if needed, then run `pgmig deploy`.\n",
                   sty(stdout, STY_GREEN), ms->name, sty(stdout, STY_RESET), d.v[ms->local].path);
    }
out:
    doc_begin(ctx);
    if (ctx->json) {
        json_kstr(&ctx->j, "migration", ms ? ms->name : NULL);
        json_kstr(&ctx->j, "verdict", dg.m ? verdict_name(dg.verdict) : NULL);
        json_kbool(&ctx->j, "dry_run", dry_run);
        json_kbool(&ctx->j, "repaired", done);
        if (have_plan)
            json_plan(&ctx->j, &plan);
    }
    rc = cmd_finish(ctx, &e);
    repair_plan_release(&plan);
    diagnosis_release(&dg);
    state_release(&s);
    hist_release(&h);
    migdir_release(&d);
    pg_disconnect(c);
    pm_err_release(&e);
    return rc;
}
