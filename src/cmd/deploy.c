/*
 * deploy.c - `pgmig deploy`: apply pending migrations (history/deploy.c does
 * the work); this file parses options and reports progress and outcome.
 */
#include "cmd/cmd.h"
#include "history/deploy.h"
#include "lint/lint.h"
#include "recover/refuse.h"
#include "util/out.h"
#include "util/report.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char *outcome_name(enum apply_outcome o)
{
    switch (o) {
    case APPLY_NOTHING_LEFT:
        return "nothing";
    case APPLY_PARTIAL:
        return "partial";
    case APPLY_UNKNOWN:
        return "unknown";
    case APPLY_OK:
        break;
    }
    return "all";
}

static void describe_plan(const struct deploy_item *it, char *buf, size_t n)
{
    size_t tx = it->segments - it->nontx;
    const char *s = it->statements == 1 ? "" : "s";
    if (it->atomic)
        snprintf(buf, n, "%zu statement%s in 1 transaction", it->statements, s);
    else if (tx == 0)
        snprintf(buf, n, "%zu statement%s, %s outside a transaction", it->statements, s,
                 it->statements == 1 ? "run" : "each");
    else
        snprintf(buf, n, "%zu statement%s: %zu in %zu transaction%s, %zu outside one",
                 it->statements, s, it->statements - it->nontx, tx, tx == 1 ? "" : "s", it->nontx);
}

static void progress(const struct deploy_item *it, enum deploy_phase ph, void *ud)
{
    const struct cmd_ctx *ctx = ud;
    if (ctx->json)
        return;
    if (ph == DEPLOY_START) {
        printf("Applying migration `%s` ... ", it->m->name);
        fflush(stdout);
        return;
    }
    char plan[128];
    describe_plan(it, plan, sizeof plan);
    if (it->result.outcome == APPLY_OK && it->result.failed_stmt < 0)
        printf("%sdone%s (%s, %.0f ms)\n", sty(stdout, STY_GREEN), sty(stdout, STY_RESET), plan,
               it->result.ms);
    else
        printf("%sfailed%s\n", sty(stdout, STY_RED), sty(stdout, STY_RESET));
    fflush(stdout);
}

/* What the failure left behind, and what to do next. */
static void explain_failure(const struct deploy_item *it, struct pm_err *e)
{
    const struct apply_result *r = &it->result;
    const char *name = it->m->name;
    pm_err_prefix(e, "migration `%s` failed", name);
    switch (r->outcome) {
    case APPLY_NOTHING_LEFT:
        if (r->unrecorded)
            pm_err_note(e, "the server rolled the migration back: none of its changes remain. "
                           "The connection was gone, so the attempt is not recorded in "
                           "_prisma_migrations; the migration is still pending.");
        else
            pm_err_note(e, "the migration was rolled back: none of its changes remain. The "
                           "attempt is recorded in _prisma_migrations (rolled back, with the "
                           "error in logs), so nothing is blocked.");
        if (e->exit_code == PM_EXIT_ENV)
            pm_err_next(e, "pgmig status   # once the database is reachable again");
        pm_err_next(e, "fix %s, then run `pgmig deploy` again", it->m->path);
        break;
    case APPLY_PARTIAL:
        if (r->unrecorded)
            pm_err_note(e,
                        "%zu of %zu statements took effect before the connection was lost; "
                        "the history row still says %zu. The migration is recorded as "
                        "failed.",
                        r->applied, it->statements, r->applied);
        else
            pm_err_note(e,
                        "%zu of %zu statements took effect before the failure (a statement that "
                        "cannot run in a transaction had already been committed). The migration "
                        "is recorded as failed; deploy will refuse to continue until it is "
                        "resolved.",
                        r->applied, it->statements);
        pm_err_next(e, "pgmig diagnose %s   # which statements took effect, from the catalog",
                    name);
        pm_err_next(e,
                    "pgmig repair %s     # after fixing the file: runs what is missing, "
                    "verified",
                    name);
        break;
    case APPLY_UNKNOWN:
        pm_err_note(e, "the connection was lost before the commit was confirmed, so pgmig "
                       "cannot tell whether the migration was applied.");
        pm_err_next(e, "pgmig status   # the history row tells: present means applied");
        break;
    case APPLY_OK:
        break;
    }
}

struct lint_hook {
    struct cmd_ctx *ctx;
    int enabled;
    struct lint_report report;
    int ran;
};

/* Lint what is about to be applied (never blocks: findings are printed, that is all). */
static void lint_pending(const struct deploy_report *rep, const struct migdir *d,
                         int server_version, void *ud)
{
    struct lint_hook *h = ud;
    struct lint_opts o;
    struct pm_err e = PM_ERR_INIT;
    if (!h->enabled)
        return;
    lint_opts_init(&o);
    o.pg_version = server_version;
    size_t from = (size_t)(rep->v[0].m - d->v);
    if (lint_config_load(&o, NULL, &e) == 0 && lint_migrations(d, from, &o, &h->report, &e) == 0) {
        h->ran = 1;
        if (!h->ctx->json && (h->report.errors || h->report.warnings)) {
            lint_print_human(stderr, &h->report, 0);
            fprintf(stderr,
                    "note: lint found %zu error%s and %zu warning%s in the migrations to "
                    "apply (deploy goes on; `pgmig lint --explain ID` says why and "
                    "how to fix)\n",
                    h->report.errors, h->report.errors == 1 ? "" : "s", h->report.warnings,
                    h->report.warnings == 1 ? "" : "s");
        }
    } else if (!h->ctx->json) {
        out_warn("lint was skipped: %s", e.primary ? e.primary : "error");
    }
    pm_err_release(&e);
}

static void json_report(struct cmd_ctx *ctx, const struct deploy_report *rep, int dry_run)
{
    struct json *j = &ctx->j;
    json_kstr(j, "migrations_dir", ctx->migrations_dir);
    json_kbool(j, "dry_run", dry_run);
    json_kbool(j, "created_history_table", rep->created_table);
    json_kint(j, "pending", (int64_t)rep->n);
    json_kint(j, "applied_count", (int64_t)rep->applied);
    json_key(j, "migrations");
    json_array_begin(j);
    for (size_t i = 0; i < rep->n; i++) {
        const struct deploy_item *it = &rep->v[i];
        json_object_begin(j);
        json_kstr(j, "name", it->m->name);
        json_kint(j, "statements", (int64_t)it->statements);
        json_kint(j, "segments", (int64_t)it->segments);
        json_kint(j, "non_transactional", (int64_t)it->nontx);
        json_kbool(j, "atomic", it->atomic);
        if (it->done) {
            int ok = it->result.outcome == APPLY_OK && it->result.failed_stmt < 0;
            json_kstr(j, "outcome", ok ? "applied" : "failed");
            if (!ok)
                json_kstr(j, "left", outcome_name(it->result.outcome));
            if (it->result.failed_stmt >= 0)
                json_kint(j, "failed_statement", it->result.failed_stmt + 1);
            json_kint(j, "applied_statements", (int64_t)it->result.applied);
            json_kint(j, "ms", (int64_t)(it->result.ms + 0.5));
        } else {
            json_kstr(j, "outcome", dry_run ? "planned" : "not_attempted");
        }
        json_object_end(j);
    }
    json_array_end(j);
    json_key(j, "errors");
    json_array_begin(j);
    for (size_t i = 0; i < rep->n_errors; i++)
        report_error_json(j, &rep->errors[i]);
    json_array_end(j);
}

static void print_dry_run(const struct deploy_report *rep)
{
    if (!rep->n) {
        printf("No pending migrations to apply.\n");
        return;
    }
    printf("Plan (dry run, nothing was changed): %zu pending migration%s\n", rep->n,
           rep->n == 1 ? "" : "s");
    int width = 0;
    for (size_t i = 0; i < rep->n; i++)
        if ((int)strlen(rep->v[i].m->name) > width)
            width = (int)strlen(rep->v[i].m->name);
    for (size_t i = 0; i < rep->n; i++) {
        const struct deploy_item *it = &rep->v[i];
        char plan[128];
        describe_plan(it, plan, sizeof plan);
        printf("  %-*s  %s%s\n", width, it->m->name, plan, it->atomic ? " (atomic)" : "");
        if (it->atomic)
            continue;
        for (size_t k = 0; k < it->plan.n; k++) {
            const struct segment *sg = &it->plan.v[k];
            const struct sql_stmt *st = &it->script.stmts[sg->first];
            printf("      step %zu: %s, statement%s %zu", k + 1, seg_kind_name(sg->kind),
                   sg->n == 1 ? "" : "s", sg->first + 1);
            if (sg->n > 1)
                printf("-%zu", sg->first + sg->n);
            printf(" (line %d: %s)\n", st->line, st->kind);
        }
    }
}

int cmd_deploy(struct cmd_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"dry-run", no_argument, NULL, 'n'}, {"no-lint", no_argument, NULL, 'L'}, {0, 0, 0, 0}};
    struct pm_err e = PM_ERR_INIT;
    struct lint_hook lint = {.ctx = ctx, .enabled = 1};
    struct deploy_opts o = {
        .lock_wait = ctx->lock_wait,
        .refuse_failed = recover_refuse_failed,
        .planned = lint_pending,
        .planned_ud = &lint};
    struct deploy_report rep;
    struct migdir d = {0};
    struct pg_conn *c = NULL;
    int ch, rc;

    memset(&rep, 0, sizeof rep);
    opterr = 0;
    while ((ch = getopt_long(argc, argv, "+n", opts, NULL)) != -1) {
        if (ch == 'n') {
            o.dry_run = 1;
        } else if (ch == 'L') {
            lint.enabled = 0;
        } else {
            cmd_usage_error(ctx, &e, "unknown option `%s`", argv[optind - 1]);
            goto out;
        }
    }
    if (optind < argc) {
        cmd_usage_error(ctx, &e, "unexpected argument `%s`", argv[optind]);
        goto out;
    }
    if (cmd_load_migrations(ctx, &d, &e) || cmd_connect(ctx, &c, &e))
        goto out;
    if (!ctx->json)
        printf("%zu migration%s found in %s\n", d.n, d.n == 1 ? "" : "s", d.path);
    rc = deploy_run(c, &d, &o, &rep, progress, ctx, &e);

    for (size_t i = 0; rc == 0 && i < rep.before.n; i++) {
        const struct mig_status *m = &rep.before.v[i];
        if (m->edited && m->state == MIG_APPLIED)
            out_warn("migration `%s` was edited after it was applied (checksum differs); "
                     "the change is not applied. Run `pgmig status` for details.",
                     m->name);
        if (m->local < 0 && m->state == MIG_APPLIED)
            out_warn("migration `%s` is applied in the database but missing locally", m->name);
    }
    if (rc) {
        for (size_t i = 0; i < rep.n_errors && !ctx->json; i++) {
            report_error_human(stderr, &rep.errors[i]);
            fputc('\n', stderr);
        }
        for (size_t i = 0; i < rep.n; i++)
            if (rep.v[i].done &&
                (rep.v[i].result.outcome != APPLY_OK || rep.v[i].result.failed_stmt >= 0))
                explain_failure(&rep.v[i], &e);
    } else if (!ctx->json) {
        if (o.dry_run)
            print_dry_run(&rep);
        else if (rep.applied)
            printf("\n%sAll migrations have been successfully applied.%s (%zu in %.0f ms)\n",
                   sty(stdout, STY_GREEN), sty(stdout, STY_RESET), rep.applied, rep.ms);
        else
            printf("No pending migrations to apply.\n");
    }
out:
    doc_begin(ctx);
    if (ctx->json && ctx->migrations_dir) {
        json_report(ctx, &rep, o.dry_run);
        if (lint.ran) {
            json_key(&ctx->j, "lint");
            json_object_begin(&ctx->j);
            lint_json(&ctx->j, &lint.report);
            json_object_end(&ctx->j);
        }
    }
    rc = cmd_finish(ctx, &e);
    deploy_report_release(&rep);
    lint_report_release(&lint.report);
    migdir_release(&d);
    pg_disconnect(c);
    pm_err_release(&e);
    return rc;
}
