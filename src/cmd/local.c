/*
 * local.c - `pgmig local start|stop|status|url`: the embedded local
 * PostgreSQL under .pgmig/local/ (see pg/localdb.h).
 */
#include "cmd/cmd.h"
#include "pg/localdb.h"
#include "util/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cmd_local(struct cmd_ctx *ctx, int argc, char **argv)
{
    struct pm_err e = PM_ERR_INIT;
    struct localdb l;
    char cwd[4096];
    const char *action = argc > 1 ? argv[1] : NULL;
    char *url = NULL;
    int running = 0, rc;

    memset(&l, 0, sizeof l);
    if (!action || argc > 2 ||
        (strcmp(action, "start") && strcmp(action, "stop") && strcmp(action, "status") &&
         strcmp(action, "url"))) {
        cmd_usage_error(ctx, &e,
                        action && argc <= 2 ? "unknown action `%s`; use start, stop, "
                                              "status or url"
                                            : "%suse pgmig local start|stop|status|url",
                        action && argc <= 2 ? action : "");
        goto out;
    }
    if (!getcwd(cwd, sizeof cwd)) {
        pm_err_set(&e, PM_EXIT_ENV, "cannot determine the current directory");
        goto out;
    }
    localdb_init(&l, cwd);
    if (!strcmp(action, "start")) {
        if (localdb_start(&l, &e))
            goto out;
        running = 1;
    } else if (!strcmp(action, "stop")) {
        if (localdb_stop(&l, &e))
            goto out;
    } else {
        running = localdb_running(&l);
    }
    if (l.port > 0 || !strcmp(action, "start"))
        url = localdb_url(&l, NULL);
    if (!strcmp(action, "url") && !url) {
        pm_err_set(&e, PM_EXIT_FAIL, "the local PostgreSQL has not been created yet");
        pm_err_next(&e, "pgmig local start");
        goto out;
    }
    if (!ctx->json) {
        if (!strcmp(action, "url"))
            printf("%s\n", url);
        else if (!strcmp(action, "stop"))
            printf("Local PostgreSQL stopped (%s).\n", l.root);
        else if (running)
            printf("Local PostgreSQL is running in %s\nURL: %s\n", l.root, url);
        else
            printf("Local PostgreSQL is not running (%s).\n%s\n", l.root,
                   localdb_exists(&l) ? "Start it with: pgmig local start"
                                      : "It has not been created yet; `pgmig local start` "
                                        "creates it.");
    }
out:
    doc_begin(ctx);
    if (ctx->json && !e.exit_code) {
        json_kstr(&ctx->j, "action", action);
        json_kstr(&ctx->j, "root", l.root);
        json_kbool(&ctx->j, "running", running);
        json_kstr(&ctx->j, "url", url);
    }
    rc = cmd_finish(ctx, &e);
    if (rc == 0 && !strcmp(action ? action : "", "status") && !running)
        rc = PM_EXIT_FAIL;
    free(url);
    if (l.root)
        localdb_release(&l);
    pm_err_release(&e);
    return rc;
}
