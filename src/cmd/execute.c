/*
 * execute.c - `pgmig execute --file F | --stdin`: run a SQL script against
 * the target (Prisma's `db execute`), through the same plan and execution
 * path as deploy, without history bookkeeping.
 */
#include "cmd/cmd.h"
#include "history/apply.h"
#include "util/fs.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int cmd_execute(struct cmd_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"file", required_argument, NULL, 'f'}, {"stdin", no_argument, NULL, 's'}, {0, 0, 0, 0}};
    struct pm_err e = PM_ERR_INIT;
    struct buf text = BUF_INIT;
    struct sql_script script = {0};
    struct plan plan = {0};
    struct apply_result r = {0};
    struct pg_conn *c = NULL;
    const char *file = NULL;
    int use_stdin = 0, ch, rc;

    opterr = 0;
    while ((ch = getopt_long(argc, argv, "+f:", opts, NULL)) != -1) {
        if (ch == 'f') {
            file = optarg;
        } else if (ch == 's') {
            use_stdin = 1;
        } else {
            cmd_usage_error(ctx, &e,
                            optopt == 'f' ? "option `%s` needs a file name" : "unknown option `%s`",
                            argv[optind - 1]);
            goto out;
        }
    }
    if (optind < argc) {
        cmd_usage_error(ctx, &e, "unexpected argument `%s`", argv[optind]);
        goto out;
    }
    if (!file == !use_stdin) {
        cmd_usage_error(ctx, &e, "pass exactly one of --file FILE or --stdin");
        goto out;
    }
    const char *label = file ? file : "<stdin>";
    if ((file ? fs_read_file(file, &text, &e) : fs_read_fd(STDIN_FILENO, label, &text, &e)) ||
        sql_script_parse(&script, label, text.data, text.len, &e) || cmd_connect(ctx, &c, &e) ||
        plan_build(&plan, &script, label, pg_server_version(c), &e))
        goto out;
    struct apply_input in = {.file = label, .script = &script, .plan = &plan};
    if (apply_script(c, &in, &r, &e)) {
        if (r.outcome == APPLY_PARTIAL)
            pm_err_note(&e,
                        "%zu of %zu statements took effect before the failure (statements "
                        "that cannot run in a transaction are committed on their own)",
                        r.applied, script.n);
        else if (r.outcome == APPLY_NOTHING_LEFT)
            pm_err_note(&e, "the script ran in one transaction, which was rolled back: none of "
                            "its changes remain");
        goto out;
    }
    if (!ctx->json)
        printf("Script executed successfully.\n");
out:
    doc_begin(ctx);
    if (ctx->json) {
        json_kstr(&ctx->j, "file", file ? file : use_stdin ? "<stdin>" : NULL);
        json_kint(&ctx->j, "statements", (int64_t)script.n);
        json_kint(&ctx->j, "applied_statements", (int64_t)r.applied);
    }
    e.code = NULL;
    rc = cmd_finish(ctx, &e);
    plan_release(&plan);
    sql_script_release(&script);
    buf_release(&text);
    pg_disconnect(c);
    pm_err_release(&e);
    return rc;
}
