/*
 * inspect.c - `pgmig inspect [--schema-name NAME]...` (hidden, for debugging
 * and tests): read the target's schema with catalog_read and print the
 * model's dump (model_dump), or {"dump": "..."} with --json.
 */
#include "cmd/cmd.h"
#include "schema/catalog.h"
#include "schema/model.h"
#include "util/mem.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_inspect(struct cmd_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {{"schema-name", required_argument, NULL, 'n'},
                                         {0, 0, 0, 0}};
    struct pm_err e = PM_ERR_INIT;
    struct schema_model m;
    struct pg_conn *c = NULL;
    const char **names = xcalloc((size_t)argc + 1, sizeof(char *));
    size_t n = 0;
    char *dump = NULL;
    int ch, rc;

    model_init(&m);
    opterr = 0;
    while ((ch = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
        if (ch == 'n') {
            names[n++] = optarg;
        } else {
            cmd_usage_error(
                ctx, &e, optopt == 'n' ? "option `%s` needs a schema name" : "unknown option `%s`",
                argv[optind - 1]);
            goto out;
        }
    }
    if (optind < argc) {
        cmd_usage_error(ctx, &e, "unexpected argument `%s`", argv[optind]);
        goto out;
    }
    if (cmd_connect(ctx, &c, &e))
        goto out;
    /* Without --schema-name: the URL's ?schema=, else every schema. */
    if (n == 0 && pg_schema(c))
        names[n++] = pg_schema(c);
    if (catalog_read(c, names, n, &m, &e))
        goto out;
    dump = model_dump(&m);
    if (!ctx->json)
        fputs(dump, stdout);
out:
    doc_begin(ctx);
    if (ctx->json)
        json_kstr(&ctx->j, "dump", dump);
    rc = cmd_finish(ctx, &e);
    free(dump);
    model_release(&m);
    free(names);
    pg_disconnect(c);
    pm_err_release(&e);
    return rc;
}
