/*
 * baseline.c - `pgmig baseline [--up-to NAME]`: adopt an existing database by
 * recording migrations as applied without running them, in one transaction
 * under the advisory lock. The way out of P3005.
 */
#include "cmd/cmd.h"
#include "history/deploy.h"
#include "history/lock.h"
#include "recover/refuse.h"
#include "util/hash.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int record(struct pg_conn *c, struct history *h, const struct state *s,
                  const struct migdir *d, size_t upto, size_t *count, struct pm_err *e)
{
    char *insert = hist_sql_insert_resolved(h);
    int rc = pg_exec(c, "BEGIN", 0, NULL, e);
    for (size_t i = 0; rc == 0 && i < s->n; i++) {
        const struct mig_status *m = &s->v[i];
        if (m->local < 0 || (size_t)m->local > upto || !mig_status_is_pending(m))
            continue;
        char id[37];
        uuid_v4(id);
        const char *p[] = {id, d->v[m->local].checksum, m->name,
                           "pgmig baseline: recorded as applied without running it"};
        rc = pg_exec(c, insert, 4, p, e);
        *count += rc == 0;
    }
    if (rc == 0)
        rc = pg_exec(c, "COMMIT", 0, NULL, e);
    free(insert);
    return rc;
}

int cmd_baseline(struct cmd_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {{"up-to", required_argument, NULL, 'u'}, {0, 0, 0, 0}};
    struct pm_err e = PM_ERR_INIT;
    struct migdir d = {0};
    struct history h = {0};
    struct state s = {0};
    struct pg_conn *c = NULL;
    const char *upto_name = NULL;
    size_t count = 0;
    int ch, rc;

    opterr = 0;
    while ((ch = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
        if (ch == 'u') {
            upto_name = optarg;
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
    if (cmd_load_migrations(ctx, &d, &e))
        goto out;
    size_t upto = d.n ? d.n - 1 : 0;
    if (upto_name) {
        long i = migdir_find(&d, upto_name);
        if (i < 0) {
            e.code = "P3017";
            pm_err_set(&e, PM_EXIT_FAIL, "migration `%s` could not be found in %s", upto_name,
                       d.path);
            pm_err_next(&e, "pgmig status -v   # lists every migration");
            goto out;
        }
        upto = (size_t)i;
    }
    if (cmd_connect(ctx, &c, &e) || lock_acquire(c, ctx->lock_wait, &e) ||
        deploy_ensure_schema(c, &e) || hist_load(c, &h, &e) ||
        (!h.exists && hist_create(c, &h, &e)))
        goto out;
    state_compute(&s, &d, &h);
    if (s.failed) {
        recover_refuse_failed(c, &s, &d, &e);
        pm_err_prefix(&e, "cannot baseline");
        goto out;
    }
    if (d.n && record(c, &h, &s, &d, upto, &count, &e))
        goto out;
    if (!ctx->json) {
        if (count)
            printf("Recorded %zu migration%s as applied without running them (baseline%s%s).\n",
                   count, count == 1 ? "" : "s", upto_name ? " up to " : "",
                   upto_name ? upto_name : "");
        else
            printf("Nothing to baseline: every migration up to %s is already recorded.\n",
                   d.n ? d.v[upto].name : "the end");
        if (upto + 1 < d.n)
            printf("%zu later migration%s will be applied by `pgmig deploy`.\n", d.n - upto - 1,
                   d.n - upto - 1 == 1 ? "" : "s");
    }
out:
    doc_begin(ctx);
    if (ctx->json) {
        json_kint(&ctx->j, "recorded", (int64_t)count);
        json_kstr(&ctx->j, "up_to", upto_name);
    }
    rc = cmd_finish(ctx, &e);
    state_release(&s);
    hist_release(&h);
    migdir_release(&d);
    pg_disconnect(c);
    pm_err_release(&e);
    return rc;
}
