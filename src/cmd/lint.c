/*
 * lint.c - `pgmig lint [PATH...]`: find unsafe and non-idempotent statements
 * in migrations before they reach production (lint/lint.h). Needs no
 * database. Exit 1 when a finding is an error.
 */
#include "cmd/cmd.h"
#include "lint/lint.h"
#include "util/mem.h"
#include "util/out.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static void list_rules(struct cmd_ctx *ctx)
{
    if (ctx->json) {
        json_key(&ctx->j, "rules");
        json_array_begin(&ctx->j);
    }
    for (size_t i = 0; i < LINT_RULE_COUNT; i++) {
        const struct lint_rule_info *ri = lint_rule_info((enum lint_rule)i);
        if (ctx->json) {
            json_object_begin(&ctx->j);
            json_kstr(&ctx->j, "id", ri->id);
            json_kstr(&ctx->j, "severity", lint_severity_name(ri->severity));
            json_kstr(&ctx->j, "summary", ri->summary);
            json_object_end(&ctx->j);
        } else {
            printf("%-45s %-10s %s\n", ri->id, lint_severity_name(ri->severity), ri->summary);
        }
    }
    if (ctx->json)
        json_array_end(&ctx->j);
}

static void explain(struct cmd_ctx *ctx, const struct lint_rule_info *ri)
{
    if (ctx->json) {
        json_key(&ctx->j, "rule");
        json_object_begin(&ctx->j);
        json_kstr(&ctx->j, "id", ri->id);
        json_kstr(&ctx->j, "severity", lint_severity_name(ri->severity));
        json_kstr(&ctx->j, "summary", ri->summary);
        json_kstr(&ctx->j, "explanation", ri->why);
        json_kstr(&ctx->j, "help", ri->help);
        json_kstr(&ctx->j, "failing", ri->failing);
        json_kstr(&ctx->j, "passing", ri->passing);
        json_object_end(&ctx->j);
        return;
    }
    printf("%s (%s): %s\n\n%s\n\nFailing example:\n\n%s\nPassing example:\n\n%s", ri->id,
           lint_severity_name(ri->severity), ri->summary, ri->why, ri->failing, ri->passing);
}

int cmd_lint(struct cmd_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {{"pg-version", required_argument, NULL, 'p'},
                                         {"disable", required_argument, NULL, 'd'},
                                         {"explain", required_argument, NULL, 'e'},
                                         {"list", no_argument, NULL, 'l'},
                                         {0, 0, 0, 0}};
    struct pm_err e = PM_ERR_INIT;
    struct lint_opts o;
    struct lint_report r = {0};
    struct migdir d = {0};
    const char *pg = NULL, *explain_id = NULL;
    const char *disable[64];
    size_t ndisable = 0;
    int list = 0, ch, rc, linted = 0;

    lint_opts_init(&o);
    opterr = 0;
    while ((ch = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
        if (ch == 'p') {
            pg = optarg;
        } else if (ch == 'd') {
            if (ndisable == ARRAY_SIZE(disable)) {
                cmd_usage_error(ctx, &e, "too many --disable options; list ids with commas");
                goto out;
            }
            disable[ndisable++] = optarg;
        } else if (ch == 'e') {
            explain_id = optarg;
        } else if (ch == 'l') {
            list = 1;
        } else {
            cmd_usage_error(ctx, &e, optopt ? "option `%s` needs a value" : "unknown option `%s`",
                            argv[optind - 1]);
            goto out;
        }
    }
    if (list || explain_id) {
        const struct lint_rule_info *ri = explain_id ? lint_rule_by_id(explain_id) : NULL;
        if (explain_id && !ri) {
            cmd_usage_error(ctx, &e, "unknown lint rule `%s`", explain_id);
            pm_err_next(&e, "pgmig lint --list");
            goto out;
        }
        doc_begin(ctx);
        if (ri)
            explain(ctx, ri);
        else
            list_rules(ctx);
        goto out;
    }
    /* pgmig.toml first, so that the command line wins */
    if (lint_config_load(&o, NULL, &e) < 0)
        goto out;
    if (pg) {
        int v = lint_parse_pg_version(pg);
        if (v < 0) {
            cmd_usage_error(ctx, &e,
                            "--pg-version needs a PostgreSQL version such as 15 or 15.4, "
                            "not `%s`",
                            pg);
            goto out;
        }
        o.pg_version = v;
    }
    for (size_t i = 0; i < ndisable; i++)
        if (lint_disable_list(&o, disable[i], "--disable", &e) < 0)
            goto out;

    if (optind < argc) {
        if (lint_paths(argv + optind, (size_t)(argc - optind), &o, &r, &e) < 0)
            goto out;
    } else if (cmd_load_migrations(ctx, &d, &e) < 0 || lint_migrations(&d, 0, &o, &r, &e) < 0) {
        goto out;
    }
    linted = 1;
    if (!ctx->json) {
        lint_print_human(stdout, &r, !ctx->quiet);
        lint_print_summary(stdout, &r);
    }
    if (r.errors) {
        pm_err_set(&e, PM_EXIT_FAIL, "lint found %zu error%s", r.errors, r.errors == 1 ? "" : "s");
        pm_err_next(&e, "pgmig lint --explain RULE   # why, and the safe alternative");
    }
out:
    doc_begin(ctx);
    if (ctx->json && linted)
        lint_json(&ctx->j, &r);
    rc = cmd_finish(ctx, &e);
    lint_report_release(&r);
    migdir_release(&d);
    pm_err_release(&e);
    return rc;
}
