/*
 * status.c - `pgmig status`: every migration's state, Prisma's texts plus
 * what Prisma does not report (edited and missing migrations), and the next
 * command for each problem. Exit 0 only when up to date.
 */
#include "cmd/cmd.h"
#include "history/deploy.h"
#include "history/state.h"
#include "util/out.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static void json_migration(struct json *j, const struct mig_status *m, const struct migdir *d)
{
    json_object_begin(j);
    json_kstr(j, "name", m->name);
    json_kstr(j, "state", mig_state_name(m->state));
    json_kbool(j, "edited", m->edited);
    json_kbool(j, "missing_locally", m->local < 0);
    json_kstr(j, "checksum", m->local >= 0 ? d->v[m->local].checksum : NULL);
    json_kstr(j, "recorded_checksum", m->row ? m->row->checksum : NULL);
    json_kstr(j, "started_at", m->row ? m->row->started_at : NULL);
    json_kstr(j, "finished_at", m->row ? m->row->finished_at : NULL);
    json_kstr(j, "rolled_back_at", m->row ? m->row->rolled_back_at : NULL);
    if (m->row)
        json_kint(j, "applied_steps_count", m->row->applied_steps_count);
    else
        json_knull(j, "applied_steps_count");
    json_kstr(j, "logs", m->row ? m->row->logs : NULL);
    json_kint(j, "history_rows", m->rows);
    json_object_end(j);
}

static void heading(const char *text)
{
    printf("\n%s%s%s\n", sty(stdout, STY_BOLD), text, sty(stdout, STY_RESET));
}

static void next(const char *cmdline)
{
    printf("%snext:%s %s\n", sty(stdout, STY_GREEN), sty(stdout, STY_RESET), cmdline);
}

/*
 * Is `pgmig drift` worth running? When some applied migration was recorded
 * without being run or checked (resolve --applied, baseline: 0 steps and a
 * log), or was edited since: then the database may not be what the files
 * say. Rows written by `repair` (which verified every postcondition in the
 * catalog) and by `drift --script adopt` (taken from the catalog) do not count.
 */
static size_t unverified_applied(const struct state *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n; i++) {
        const struct mig_status *m = &s->v[i];
        if (m->state != MIG_APPLIED || !m->row)
            continue;
        const char *logs = m->row->logs;
        int checked =
            logs && (!strncmp(logs, "pgmig repair", 12) || !strncmp(logs, "pgmig drift", 11));
        if (m->edited || (m->row->applied_steps_count == 0 && logs && !checked))
            n++;
    }
    return n;
}

static void print_human(const struct state *s, const struct migdir *d, int verbose,
                        int nonempty_unmanaged)
{
    printf("%zu migration%s found in %s\n", d->n, d->n == 1 ? "" : "s", d->path);
    if (verbose) {
        putchar('\n');
        for (size_t i = 0; i < s->n; i++) {
            const struct mig_status *m = &s->v[i];
            printf("  %-12s %s%s%s\n", m->local < 0 ? "missing" : mig_state_name(m->state), m->name,
                   m->edited ? "  (edited)" : "", m->local < 0 ? "  (no folder locally)" : "");
        }
    }
    if (!s->managed) {
        heading("The current database is not managed by Prisma Migrate.");
        printf("It has no _prisma_migrations history table.\n");
        if (d->n && nonempty_unmanaged) {
            printf("It already holds tables, so the migrations cannot simply run from the "
                   "start.\n");
            next("pgmig baseline   # record the migrations that match it as applied");
        } else if (d->n) {
            next("pgmig deploy     # apply all migrations to it");
        }
        return;
    }
    if (s->failed) {
        heading("Following migration(s) have failed:");
        for (size_t i = 0; i < s->n; i++) {
            const struct mig_status *m = &s->v[i];
            if (m->state != MIG_FAILED)
                continue;
            printf("  %s%s%s  started %s, %d statement%s recorded as applied%s\n",
                   sty(stdout, STY_RED), m->name, sty(stdout, STY_RESET), m->row->started_at,
                   m->row->applied_steps_count, m->row->applied_steps_count == 1 ? "" : "s",
                   m->local < 0 ? " (folder missing locally)" : "");
        }
        next("pgmig diagnose   # checks each statement against the catalog and says what to "
             "run");
    }
    if (s->edited) {
        heading("Following migration(s) were edited after they were applied:");
        for (size_t i = 0; i < s->n; i++) {
            const struct mig_status *m = &s->v[i];
            if (!m->edited)
                continue;
            printf("  %s%s%s  recorded checksum %.12s…, file now %.12s…\n", sty(stdout, STY_YELLOW),
                   m->name, sty(stdout, STY_RESET), m->row->checksum, d->v[m->local].checksum);
        }
        next("restore the applied version of the file (e.g. `git log -p -- "
             "<migrations>/NAME/migration.sql`); put new changes in a new migration");
    }
    if (s->missing) {
        heading("Following migration(s) are applied in the database but missing locally:");
        for (size_t i = 0; i < s->n; i++) {
            const struct mig_status *m = &s->v[i];
            if (m->local < 0 && (m->state == MIG_APPLIED || m->state == MIG_FAILED))
                printf("  %s\n", m->name);
        }
        next("restore the folders from version control, or check that --migrations points "
             "at the right directory");
    }
    if (s->pending || s->rolled_back) {
        heading("Following migration(s) have not yet been applied:");
        for (size_t i = 0; i < s->n; i++) {
            const struct mig_status *m = &s->v[i];
            if (mig_status_is_pending(m))
                printf("  %s%s\n", m->name,
                       m->state == MIG_ROLLED_BACK ? "  (an earlier attempt was rolled back)" : "");
        }
        next("pgmig deploy");
    }
    if (s->up_to_date)
        printf("\n%sDatabase schema is up to date!%s\n", sty(stdout, STY_GREEN),
               sty(stdout, STY_RESET));
    size_t unverified = unverified_applied(s);
    if (unverified)
        printf("\nhint: %zu applied migration%s recorded without pgmig running %s (resolve, "
               "baseline, repair) or edited since;\n      `pgmig drift` compares the database "
               "with what the migrations create.\n",
               unverified, unverified == 1 ? " was" : "s were", unverified == 1 ? "it" : "them");
}

int cmd_status(struct cmd_ctx *ctx, int argc, char **argv)
{
    struct pm_err e = PM_ERR_INIT;
    struct migdir d = {0};
    struct history h = {0};
    struct state s = {0};
    struct pg_conn *c = NULL;
    int nonempty = 0, rc;

    if (argc > 1) {
        cmd_usage_error(ctx, &e, "unexpected argument `%s`", argv[1]);
        goto out;
    }
    /* the files are read and hashed while the server connects and answers */
    struct cmd_loader *loader = cmd_load_start(ctx, &d);
    struct pm_err le = PM_ERR_INIT;
    int rc_db = cmd_connect(ctx, &c, &e) || hist_read(c, &h, &e);
    int rc_files = cmd_load_finish(loader, &le);
    if (rc_files && !rc_db)
        pm_err_move(&e, &le);
    pm_err_release(&le);
    if (rc_db || rc_files)
        goto out;
    state_compute(&s, &d, &h);
    if (!s.managed && d.n) {
        struct pm_err ignore = PM_ERR_INIT;
        nonempty = deploy_check_empty(c, &h, &ignore) != 0;
        pm_err_release(&ignore);
    }
out:
    doc_begin(ctx);
    if (!e.exit_code) {
        if (ctx->json) {
            struct json *j = &ctx->j;
            json_kstr(j, "migrations_dir", d.path);
            json_kbool(j, "managed", s.managed);
            json_kbool(j, "up_to_date", s.up_to_date);
            json_key(j, "summary");
            json_object_begin(j);
            json_kint(j, "total", (int64_t)d.n);
            json_kint(j, "applied", (int64_t)s.applied);
            json_kint(j, "pending", (int64_t)(s.pending + s.rolled_back));
            json_kint(j, "failed", (int64_t)s.failed);
            json_kint(j, "rolled_back", (int64_t)s.rolled_back);
            json_kint(j, "edited", (int64_t)s.edited);
            json_kint(j, "missing_locally", (int64_t)s.missing);
            json_object_end(j);
            if (!s.managed && d.n)
                json_kbool(j, "database_empty", !nonempty);
            json_kbool(j, "drift_check_recommended", unverified_applied(&s) > 0);
            json_key(j, "migrations");
            json_array_begin(j);
            for (size_t i = 0; i < s.n; i++)
                json_migration(j, &s.v[i], &d);
            json_array_end(j);
        } else {
            print_human(&s, &d, ctx->verbose, nonempty);
        }
    }
    rc = cmd_finish(ctx, &e);
    if (rc == 0 && !s.up_to_date)
        rc = PM_EXIT_FAIL;
    state_release(&s);
    hist_release(&h);
    migdir_release(&d);
    pg_disconnect(c);
    pm_err_release(&e);
    return rc;
}
