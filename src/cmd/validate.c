/*
 * validate.c - `pgmig validate [--shadow-url URL]`: replay the whole
 * migrations directory on a shadow database exactly as deploy would run it,
 * and report the first failure at the token PostgreSQL blames (P3006), with
 * the provenance of a missing or duplicate object.
 */
#include "cmd/cmd.h"
#include "shadow/validate.h"
#include "util/out.h"
#include "util/report.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* A progress line on a terminal, for long histories. */
static void progress(size_t done, size_t total, const char *name, void *ud)
{
    const struct cmd_ctx *ctx = ud;
    if (ctx->quiet || !isatty(STDERR_FILENO) || total < 20)
        return;
    if (!name) {
        fprintf(stderr, "\r\033[K");
        return;
    }
    if (done % 8 == 0)
        fprintf(stderr, "\r\033[K  replaying %zu/%zu  %.60s", done + 1, total, name);
}

int cmd_validate(struct cmd_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {{"shadow-url", required_argument, NULL, 's'},
                                         {0, 0, 0, 0}};
    struct pm_err e = PM_ERR_INIT;
    struct migdir d = {0};
    struct validate_report r;
    struct pg_url shadow;
    const char *shadow_opt = NULL;
    int have_shadow = 0, configured = 0, ch, rc, ran = 0;

    memset(&r, 0, sizeof r);
    opterr = 0;
    while ((ch = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
        if (ch == 's') {
            shadow_opt = optarg;
        } else {
            cmd_usage_error(ctx, &e, optopt ? "option `%s` needs a value" : "unknown option `%s`",
                            argv[optind - 1]);
            goto out;
        }
    }
    if (optind < argc) {
        cmd_usage_error(ctx, &e, "unexpected argument `%s`", argv[optind]);
        goto out;
    }
    if (cmd_load_migrations(ctx, &d, &e) ||
        setup_shadow_url(ctx, shadow_opt, &shadow, &have_shadow, &e) ||
        (configured = setup_target_configured(ctx, &e)) < 0)
        goto out;
    if (!ctx->json && !ctx->quiet)
        fprintf(stderr, "Validating %zu migration%s from %s\n", d.n, d.n == 1 ? "" : "s", d.path);
    ran = 1;
    struct validate_opts vo = {.target = configured ? &ctx->url : NULL,
                               .shadow_url = have_shadow ? &shadow : NULL,
                               .progress = progress,
                               .ud = ctx};
    if (validate_run(&d, &vo, &r, &e)) {
        progress(0, d.n, NULL, ctx);
        for (size_t i = 0; i < r.n_errors && !ctx->json; i++) {
            report_error_human(stderr, &r.errors[i]);
            fputc('\n', stderr);
        }
        if (r.failed_migration >= 0 && r.migrations)
            pm_err_note(&e,
                        "the %zu migration%s before it replayed cleanly on %s, which was "
                        "dropped afterwards",
                        r.migrations, r.migrations == 1 ? "" : "s", r.shadow);
        if (r.failed_migration >= 0)
            pm_err_next(&e, "fix %s, then run `pgmig validate` again",
                        d.v[r.failed_migration].path);
        goto out;
    }
    if (!ctx->json)
        printf("%sOK%s: replayed %zu migration%s (%zu statement%s) in %.0f ms on %s; it was "
               "dropped afterwards.\n",
               sty(stdout, STY_GREEN), sty(stdout, STY_RESET), r.migrations,
               r.migrations == 1 ? "" : "s", r.statements, r.statements == 1 ? "" : "s", r.ms,
               r.shadow);
out:
    doc_begin(ctx);
    if (ctx->json) {
        json_kstr(&ctx->j, "migrations_dir", d.path);
        json_kint(&ctx->j, "migrations", (int64_t)r.migrations);
        json_kint(&ctx->j, "total", (int64_t)d.n);
        json_kint(&ctx->j, "statements", (int64_t)r.statements);
        json_kint(&ctx->j, "ms", (int64_t)(r.ms + 0.5));
        json_kstr(&ctx->j, "shadow", r.shadow_kind);
        json_key(&ctx->j, "errors");
        json_array_begin(&ctx->j);
        for (size_t i = 0; i < r.n_errors; i++)
            report_error_json(&ctx->j, &r.errors[i]);
        json_array_end(&ctx->j);
    }
    (void)ran;
    rc = cmd_finish(ctx, &e);
    validate_report_release(&r);
    if (have_shadow)
        pg_url_release(&shadow);
    migdir_release(&d);
    pm_err_release(&e);
    return rc;
}
