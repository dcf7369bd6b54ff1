/*
 * check.c - `pgmig check`: one command for CI and a git pre-commit hook.
 * Runs every check and lists every problem (not just the first): migration
 * files parse; the history replays on a shadow database; lint finds no error
 * (in the migrations not yet applied, when a target is configured); and, with
 * a target configured, no applied migration was edited, is missing locally or
 * is failed, and the database has not drifted from its applied migrations.
 * `--install-hook` writes the pre-commit hook.
 */
#include "cmd/cmd.h"
#include "history/state.h"
#include "lint/lint.h"
#include "ops/drift.h"
#include "shadow/validate.h"
#include "util/fs.h"
#include "util/mem.h"
#include "util/out.h"
#include "util/report.h"

#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct outcome {
    const char *name;
    const char *status; /* "ok", "failed", "skipped" */
    char *summary;
};

struct check_run {
    struct outcome v[12];
    size_t n;
    struct pm_err *problems;
    size_t n_problems;
};

static void add_problem(struct check_run *cr, struct pm_err *p)
{
    cr->problems = xrealloc(cr->problems, (cr->n_problems + 1) * sizeof(*cr->problems));
    memset(&cr->problems[cr->n_problems], 0, sizeof(*cr->problems));
    pm_err_move(&cr->problems[cr->n_problems++], p);
}

__attribute__((format(printf, 4, 5))) static void outcome(struct check_run *cr, const char *name,
                                                          const char *status, const char *fmt, ...)
{
    va_list ap;
    struct outcome *o = &cr->v[cr->n++];
    o->name = name;
    o->status = status;
    va_start(ap, fmt);
    o->summary = xvasprintf(fmt, ap);
    va_end(ap);
}

/* Lint: error-level findings are problems. Only what is not applied yet when
 * the target's history is known (first_pending), everything otherwise. */
static void check_lint(const struct migdir *d, size_t from, struct check_run *cr)
{
    struct lint_opts o;
    struct lint_report r;
    struct pm_err e = PM_ERR_INIT;
    memset(&r, 0, sizeof r);
    lint_opts_init(&o);
    if (lint_config_load(&o, NULL, &e) || lint_migrations(d, from, &o, &r, &e)) {
        outcome(cr, "lint", "failed", "%s", e.primary ? e.primary : "lint could not run");
        add_problem(cr, &e);
        goto out;
    }
    for (size_t i = 0; i < r.n; i++) {
        const struct lint_finding *f = &r.v[i];
        if (f->severity != LINT_SEV_ERROR)
            continue;
        struct pm_err p = PM_ERR_INIT;
        const struct lint_rule_info *info = lint_rule_info(f->rule);
        p.code = info->id;
        pm_err_set(&p, PM_EXIT_FAIL, "%s", f->message);
        p.file = xstrdup(f->file);
        p.line = f->line;
        p.col = f->col;
        p.src_line = xstrdup(f->src_line);
        p.migration = xstrdup(f->migration);
        pm_err_hint(&p, "%s", info->help);
        pm_err_next(&p, "pgmig lint --explain %s", info->id);
        add_problem(cr, &p);
    }
    outcome(cr, "lint", r.errors ? "failed" : "ok",
            "%zu error%s, %zu warning%s in %zu "
            "migration%s%s",
            r.errors, r.errors == 1 ? "" : "s", r.warnings, r.warnings == 1 ? "" : "s", d->n - from,
            d->n - from == 1 ? "" : "s", from ? " not yet applied" : "");
out:
    lint_report_release(&r);
    pm_err_release(&e);
}

/* The live database against what its applied migrations create. */
static void check_drift(struct cmd_ctx *ctx, struct pg_conn *c, const struct migdir *d,
                        const struct state *s, const struct pg_url *shadow, struct check_run *cr)
{
    struct drift_report dr;
    struct pm_err e = PM_ERR_INIT;
    const char *schema = ctx->url.schema ? ctx->url.schema : "public";
    if (drift_compute(c, &ctx->url, shadow, schema, d, s, &dr, &e)) {
        outcome(cr, "drift", "failed", "%s", e.primary ? e.primary : "failed");
        add_problem(cr, &e);
    } else if (dr.diff.n) {
        char *sum = diff_summary(&dr.diff);
        struct pm_err p = PM_ERR_INIT;
        pm_err_set(&p, PM_EXIT_FAIL,
                   "the database has drifted from its %zu applied migration%s "
                   "(%zu difference%s)",
                   dr.replayed, dr.replayed == 1 ? "" : "s", dr.diff.n, dr.diff.n == 1 ? "" : "s");
        pm_err_detail(&p, "%s", sum);
        pm_err_next(&p, "pgmig drift   # details, and --script adopt|revert");
        add_problem(cr, &p);
        free(sum);
        outcome(cr, "drift", "failed", "%zu difference%s from the applied migrations", dr.diff.n,
                dr.diff.n == 1 ? "" : "s");
    } else {
        outcome(cr, "drift", "ok", "the database matches its %zu applied migration%s", dr.replayed,
                dr.replayed == 1 ? "" : "s");
    }
    drift_report_release(&dr);
    pm_err_release(&e);
}

/* The target's history: failed, edited and missing migrations are problems; then drift. */
static void check_history(struct cmd_ctx *ctx, const struct migdir *d, int replay_ok,
                          const struct pg_url *shadow, size_t *first_pending, struct check_run *cr)
{
    struct pm_err e = PM_ERR_INIT;
    struct pg_conn *c = NULL;
    struct history h = {0};
    struct state s = {0};
    if (pg_connect(&c, &ctx->url, &e) || hist_read(c, &h, &e)) {
        outcome(cr, "history", "skipped", "the target could not be read: %s", e.primary);
        outcome(cr, "drift", "skipped", "the target could not be read");
        goto out;
    }
    state_compute(&s, d, &h);
    for (size_t i = 0; i < s.n; i++)
        if (mig_status_is_pending(&s.v[i]) && (size_t)s.v[i].local < *first_pending)
            *first_pending = (size_t)s.v[i].local;
    size_t before = cr->n_problems;
    for (size_t i = 0; i < s.n; i++) {
        const struct mig_status *m = &s.v[i];
        struct pm_err p = PM_ERR_INIT;
        if (m->state == MIG_FAILED) {
            p.code = "P3009";
            pm_err_set(&p, PM_EXIT_FAIL, "migration `%s` is failed in the target database",
                       m->name);
            pm_err_next(&p, "pgmig diagnose %s", m->name);
        } else if (m->edited) {
            pm_err_set(&p, PM_EXIT_FAIL, "migration `%s` was edited after it was applied", m->name);
            pm_err_detail(&p, "the target recorded checksum %.12s…; the file is now %.12s…",
                          m->row->checksum, d->v[m->local].checksum);
            pm_err_hint(&p, "restore the applied version; put new changes in a new migration");
        } else if (m->local < 0 && m->state == MIG_APPLIED) {
            pm_err_set(&p, PM_EXIT_FAIL,
                       "migration `%s` is applied in the target but missing "
                       "locally",
                       m->name);
            pm_err_hint(&p, "restore its folder from version control");
        } else {
            continue;
        }
        p.migration = xstrdup(m->name);
        add_problem(cr, &p);
    }
    size_t found = cr->n_problems - before;
    if (found)
        outcome(cr, "history", "failed", "%zu problem%s in %s", found, found == 1 ? "" : "s",
                ctx->url.display);
    else if (!s.managed)
        outcome(cr, "history", "ok", "the target has no history yet (%zu pending)", d->n);
    else
        outcome(cr, "history", "ok", "nothing applied was edited or lost; %zu pending",
                s.pending + s.rolled_back);
    if (!s.managed)
        outcome(cr, "drift", "skipped", "the target has no history yet");
    else if (!replay_ok)
        outcome(cr, "drift", "skipped", "the history must replay first");
    else
        check_drift(ctx, c, d, &s, shadow, cr);
out:
    state_release(&s);
    hist_release(&h);
    pg_disconnect(c);
    pm_err_release(&e);
}

/* Where is the repository's .git directory? (walks up from the working directory) */
static char *find_git_dir(char **root)
{
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd))
        return NULL;
    char *dir = xstrdup(cwd);
    for (;;) {
        char *git = fs_join(dir, ".git");
        if (fs_is_dir(git)) {
            *root = dir;
            return git;
        }
        free(git);
        char *up = fs_dirname(dir);
        if (!strcmp(up, dir)) {
            free(up);
            free(dir);
            return NULL;
        }
        free(dir);
        dir = up;
    }
}

static int install_hook(struct cmd_ctx *ctx, int force, struct pm_err *e)
{
    char *root = NULL, *git = find_git_dir(&root);
    char cwd[PATH_MAX], self[PATH_MAX];
    int rc = -1;
    if (!git) {
        pm_err_set(e, PM_EXIT_ENV, "not inside a git repository (no .git directory above %s)",
                   getcwd(cwd, sizeof cwd) ? cwd : ".");
        return -1;
    }
    char *hooks = fs_join(git, "hooks");
    char *path = fs_join(hooks, "pre-commit");
    struct buf old = BUF_INIT, hook = BUF_INIT;
    if (fs_exists(path) && !force) {
        if (fs_read_file(path, &old, e))
            goto out;
        if (!strstr(old.data, "pgmig check --install-hook")) {
            pm_err_set(e, PM_EXIT_FAIL, "%s already exists and was not written by pgmig", path);
            pm_err_next(e, "pgmig check --install-hook --force   # replace it");
            goto out;
        }
    }
    /* the migrations directory as seen from the repository root, where git runs hooks */
    const char *rel = "";
    if (getcwd(cwd, sizeof cwd) && !strncmp(cwd, root, strlen(root)))
        rel = cwd[strlen(root)] == '/' ? cwd + strlen(root) + 1 : "";
    char *mig = ctx->migrations_dir[0] == '/' ? xstrdup(ctx->migrations_dir)
                : *rel                        ? fs_join(rel, ctx->migrations_dir)
                                              : xstrdup(ctx->migrations_dir);
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    self[n > 0 ? n : 0] = '\0';
    buf_addf(&hook,
             "#!/bin/sh\n"
             "# Written by `pgmig check --install-hook`: refuses a commit whose migrations do\n"
             "# not parse, replay on a shadow database, or pass lint. Skip it once with\n"
             "# `git commit --no-verify`.\n"
             "if command -v pgmig >/dev/null 2>&1; then PGMIG_BIN=pgmig; else PGMIG_BIN='%s'; "
             "fi\n"
             "exec \"${PGMIG:-$PGMIG_BIN}\" check --migrations '%s'\n",
             n > 0 ? self : "pgmig", mig);
    free(mig);
    if (fs_mkdirs(hooks, 0755, e) || fs_write_file(path, hook.data, hook.len, e))
        goto out;
    if (chmod(path, 0755) != 0) {
        pm_err_set(e, PM_EXIT_ENV, "could not make %s executable", path);
        goto out;
    }
    if (!ctx->json)
        printf("Installed %s: every commit now runs `pgmig check`.\n", path);
    rc = 0;
out:
    buf_release(&old);
    buf_release(&hook);
    free(path);
    free(hooks);
    free(git);
    free(root);
    return rc;
}

int cmd_check(struct cmd_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {{"shadow-url", required_argument, NULL, 's'},
                                         {"install-hook", no_argument, NULL, 'i'},
                                         {"force", no_argument, NULL, 'f'},
                                         {0, 0, 0, 0}};
    struct pm_err e = PM_ERR_INIT;
    struct migdir d = {0};
    struct check_run cr;
    struct validate_report vr;
    struct pg_url shadow;
    const char *shadow_opt = NULL;
    int have_shadow = 0, configured = 0, ch, rc, hook = 0, force = 0;

    memset(&cr, 0, sizeof cr);
    memset(&vr, 0, sizeof vr);
    opterr = 0;
    while ((ch = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
        if (ch == 's') {
            shadow_opt = optarg;
        } else if (ch == 'i') {
            hook = 1;
        } else if (ch == 'f') {
            force = 1;
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
    if (hook) {
        install_hook(ctx, force, &e);
        goto out;
    }
    if (cmd_load_migrations(ctx, &d, &e) ||
        setup_shadow_url(ctx, shadow_opt, &shadow, &have_shadow, &e) ||
        (configured = setup_target_configured(ctx, &e)) < 0)
        goto out;

    /* 1. every file parses (no database needed) */
    if (validate_parse_all(&d, &vr, &e) == 0) {
        outcome(&cr, "parse", "ok", "%zu migration%s parse", d.n, d.n == 1 ? "" : "s");
        pm_err_release(&e);
        /* 2. the history replays on a shadow database */
        validate_report_release(&vr);
        struct validate_opts vo = {.target = configured ? &ctx->url : NULL,
                                   .shadow_url = have_shadow ? &shadow : NULL};
        if (validate_run(&d, &vo, &vr, &e) == 0) {
            outcome(&cr, "replay", "ok", "%zu migrations replayed on %s (%.0f ms)", vr.migrations,
                    vr.shadow, vr.ms);
        } else {
            outcome(&cr, "replay", "failed", "%s", e.primary ? e.primary : "failed");
            add_problem(&cr, &e);
        }
    } else {
        outcome(&cr, "parse", "failed", "%zu migration%s cannot be parsed", vr.n_errors,
                vr.n_errors == 1 ? "" : "s");
        for (size_t i = 0; i < vr.n_errors; i++)
            add_problem(&cr, &vr.errors[i]);
        outcome(&cr, "replay", "skipped", "the migrations must parse first");
        pm_err_release(&e);
    }
    /* 3. the target's history, and drift from it */
    int replay_ok = cr.n >= 2 && !strcmp(cr.v[1].status, "ok");
    size_t first_pending = d.n;
    if (configured) {
        check_history(ctx, &d, replay_ok, have_shadow ? &shadow : NULL, &first_pending, &cr);
    } else {
        outcome(&cr, "history", "skipped",
                "no target configured (--url, $DATABASE_URL or the "
                "schema's datasource)");
        outcome(&cr, "drift", "skipped", "no target configured");
        first_pending = 0;
    }
    /* 4. lint: the migrations not applied yet (all of them without a target) */
    if (!strcmp(cr.v[0].status, "ok"))
        check_lint(&d, first_pending, &cr);
    else
        outcome(&cr, "lint", "skipped", "the migrations must parse first");

    if (cr.n_problems) {
        pm_err_set(&e, PM_EXIT_FAIL, "check found %zu problem%s", cr.n_problems,
                   cr.n_problems == 1 ? "" : "s");
    }
    if (!ctx->json) {
        for (size_t i = 0; i < cr.n; i++) {
            const struct outcome *o = &cr.v[i];
            enum out_style st = !strcmp(o->status, "ok")       ? STY_GREEN
                                : !strcmp(o->status, "failed") ? STY_RED
                                                               : STY_DIM;
            printf("%s%-7s%s %-8s %s\n", sty(stdout, st), o->status, sty(stdout, STY_RESET),
                   o->name, o->summary);
        }
        for (size_t i = 0; i < cr.n_problems; i++) {
            fputc('\n', stderr);
            report_error_human(stderr, &cr.problems[i]);
        }
        if (!cr.n_problems)
            printf("%sAll checks passed.%s\n", sty(stdout, STY_GREEN), sty(stdout, STY_RESET));
        else
            fputc('\n', stderr);
    }
out:
    doc_begin(ctx);
    if (ctx->json && !hook) {
        json_key(&ctx->j, "checks");
        json_array_begin(&ctx->j);
        for (size_t i = 0; i < cr.n; i++) {
            json_object_begin(&ctx->j);
            json_kstr(&ctx->j, "name", cr.v[i].name);
            json_kstr(&ctx->j, "status", cr.v[i].status);
            json_kstr(&ctx->j, "summary", cr.v[i].summary);
            json_object_end(&ctx->j);
        }
        json_array_end(&ctx->j);
        json_key(&ctx->j, "problems");
        json_array_begin(&ctx->j);
        for (size_t i = 0; i < cr.n_problems; i++)
            report_error_json(&ctx->j, &cr.problems[i]);
        json_array_end(&ctx->j);
    }
    rc = cmd_finish(ctx, &e);
    for (size_t i = 0; i < cr.n; i++)
        free(cr.v[i].summary);
    for (size_t i = 0; i < cr.n_problems; i++)
        pm_err_release(&cr.problems[i]);
    free(cr.problems);
    validate_report_release(&vr);
    if (have_shadow)
        pg_url_release(&shadow);
    migdir_release(&d);
    pm_err_release(&e);
    return rc;
}
