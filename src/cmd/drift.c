/*
 * drift.c - `pgmig drift`: does the live database still have exactly the
 * schema its applied migrations create? The applied migrations are replayed
 * on a shadow database and both are read from the catalog and compared.
 * `--script adopt` records the drift as a new, applied migration;
 * `--script revert` prints the SQL that brings the database back.
 */
#include "cmd/cmd.h"
#include "history/history.h"
#include "history/lock.h"
#include "history/state.h"
#include "ops/drift.h"
#include "recover/diagnose.h"
#include "schema/diff.h"
#include "shadow/validate.h"
#include "util/fs.h"
#include "util/hash.h"
#include "util/mem.h"
#include "util/out.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Applied migrations whose own effects are not all in the database. */
static void lost_migrations(struct pg_conn *c, const struct migdir *d, const struct state *s,
                            struct buf *out, size_t *count)
{
    for (size_t i = 0; i < s->n; i++) {
        const struct mig_status *m = &s->v[i];
        if (m->state != MIG_APPLIED || m->local < 0)
            continue;
        struct diagnosis dg;
        struct pm_err ignore = PM_ERR_INIT;
        if (diagnose_migration(c, &d->v[m->local], NULL, &dg, &ignore) == 0 &&
            (dg.verdict == V_PARTIAL || dg.verdict == V_NOT_APPLIED)) {
            buf_addf(out, "  %s: applied in the history, but ", m->name);
            diagnosis_summary(&dg, out);
            buf_addch(out, '\n');
            (*count)++;
        }
        diagnosis_release(&dg);
        pm_err_release(&ignore);
    }
}

/* Write <dir>/<UTC timestamp>_drift/migration.sql and record it as applied. */
static int adopt(struct pg_conn *c, struct history *h, const char *dir, const char *sql,
                 char **path_out, struct pm_err *e)
{
    char stamp[32], id[37], sum[65];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%d%H%M%S", &tm);
    char *name = xasprintf("%s_drift", stamp);
    char *folder = fs_join(dir, name);
    char *path = fs_join(folder, "migration.sql");
    int rc = -1;
    if (fs_exists(folder)) {
        pm_err_set(e, PM_EXIT_FAIL, "%s already exists", folder);
        goto out;
    }
    if (fs_mkdirs(folder, 0755, e) || fs_write_file(path, sql, strlen(sql), e))
        goto out;
    sha256_hex(sql, strlen(sql), sum);
    uuid_v4(id);
    char *ins = hist_sql_insert_resolved(h);
    const char *p[] = {id, sum, name,
                       "pgmig drift --script adopt: recorded changes made "
                       "outside migrations; not run"};
    rc = pg_exec(c, ins, 4, p, e);
    free(ins);
    if (rc == 0)
        *path_out = xstrdup(path);
out:
    free(path);
    free(folder);
    free(name);
    return rc;
}

int cmd_drift(struct cmd_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {{"script", required_argument, NULL, 's'},
                                         {"shadow-url", required_argument, NULL, 'S'},
                                         {0, 0, 0, 0}};
    struct pm_err e = PM_ERR_INIT;
    struct migdir d = {0};
    struct history h = {0};
    struct state s = {0};
    struct drift_report dr;
    struct pg_url shadow;
    struct pg_conn *c = NULL;
    struct buf lost = BUF_INIT;
    const char *mode = NULL, *shadow_opt = NULL;
    char *script = NULL, *adopted = NULL;
    size_t n_lost = 0;
    int have_shadow = 0, ch, rc, compared = 0;

    memset(&dr, 0, sizeof dr);
    opterr = 0;
    while ((ch = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
        if (ch == 's' && (!strcmp(optarg, "adopt") || !strcmp(optarg, "revert"))) {
            mode = optarg;
        } else if (ch == 's') {
            cmd_usage_error(ctx, &e, "--script takes adopt or revert, not `%s`", optarg);
            goto out;
        } else if (ch == 'S') {
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
        setup_shadow_url(ctx, shadow_opt, &shadow, &have_shadow, &e) || cmd_connect(ctx, &c, &e) ||
        hist_load(c, &h, &e))
        goto out;
    if (!h.exists) {
        pm_err_set(&e, PM_EXIT_FAIL,
                   "the database is not managed by Prisma Migrate (no "
                   "_prisma_migrations table): there is no history to "
                   "compare it with");
        pm_err_next(&e, "pgmig status");
        goto out;
    }
    state_compute(&s, &d, &h);
    const char *schema = ctx->url.schema ? ctx->url.schema : "public";
    if (drift_compute(c, &ctx->url, have_shadow ? &shadow : NULL, schema, &d, &s, &dr, &e))
        goto out;
    compared = 1;
    if (dr.diff.n)
        lost_migrations(c, &d, &s, &lost, &n_lost);

    int revert = mode && !strcmp(mode, "revert");
    if (revert) {
        /* live -> expected: undo what was done outside the migrations */
        struct schema_diff back = {0};
        diff_models(&dr.live, &dr.expected, &back);
        script = diff_script(&back, &dr.live, &dr.expected);
        diff_release(&back);
    } else if (mode && dr.diff.n) {
        script = diff_script(&dr.diff, &dr.expected, &dr.live);
        if (lock_acquire(c, ctx->lock_wait, &e) || adopt(c, &h, d.path, script, &adopted, &e))
            goto out;
    }
    if (!ctx->json) {
        if (revert) {
            fputs(script, stdout);
            if (script[0] && script[strlen(script) - 1] != '\n')
                putchar('\n');
        } else if (!dr.diff.n) {
            printf("%sNo drift:%s the database has exactly the schema its %zu applied "
                   "migration%s create.\n",
                   sty(stdout, STY_GREEN), sty(stdout, STY_RESET), dr.replayed,
                   dr.replayed == 1 ? "" : "s");
        } else {
            char *sum = diff_summary(&dr.diff);
            printf("%sDrift:%s the database differs from what its %zu applied migration%s "
                   "create (%zu difference%s, read as changes made outside migrations):\n\n%s",
                   sty(stdout, STY_YELLOW), sty(stdout, STY_RESET), dr.replayed,
                   dr.replayed == 1 ? "" : "s", dr.diff.n, dr.diff.n == 1 ? "" : "s", sum);
            free(sum);
            if (n_lost)
                printf("\nApplied migrations whose effects are not all in the database:\n%s",
                       lost.data);
            if (adopted)
                printf("\nAdopted: wrote %s and recorded it as applied. Commit it.\n", adopted);
            else
                printf("\nnext: pgmig drift --script revert   # SQL that brings the database "
                       "back to the history\n      pgmig drift --script adopt    # record the "
                       "drift as a new migration\n");
        }
        if (dr.missing)
            out_warn("%zu applied migration%s missing locally cannot be replayed; their "
                     "objects show up as drift",
                     dr.missing, dr.missing == 1 ? " is" : "s are");
    }
out:
    doc_begin(ctx);
    if (ctx->json) {
        json_kbool(&ctx->j, "drift", compared && dr.diff.n > 0);
        json_kint(&ctx->j, "applied_migrations", (int64_t)dr.replayed);
        json_changes(&ctx->j, &dr.diff);
        json_kstr(&ctx->j, "script", script);
        json_kstr(&ctx->j, "adopted", adopted);
    }
    rc = cmd_finish(ctx, &e);
    if (rc == 0 && compared && dr.diff.n && !adopted)
        rc = PM_EXIT_FAIL;
    free(script);
    free(adopted);
    buf_release(&lost);
    drift_report_release(&dr);
    state_release(&s);
    hist_release(&h);
    migdir_release(&d);
    pg_disconnect(c);
    if (have_shadow)
        pg_url_release(&shadow);
    pm_err_release(&e);
    return rc;
}
