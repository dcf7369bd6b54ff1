/*
 * setup.c - resolving configuration the way a Prisma user expects it:
 * .env files, schema.prisma's datasource, the target URL and the
 * migrations directory; connecting; JSON documents and error printing.
 */
#include "cmd/cmd.h"
#include "pg/localdb.h"
#include "util/dotenv.h"
#include "util/fs.h"
#include "util/mem.h"
#include "util/out.h"
#include "util/report.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int setup_schema(struct cmd_ctx *ctx, struct pm_err *e)
{
    if (dotenv_load(".env", e) < 0)
        return -1;
    if (ctx->opt_schema) {
        if (!fs_exists(ctx->opt_schema))
            return pm_err_set(e, PM_EXIT_ENV, "schema file %s does not exist", ctx->opt_schema);
        ctx->schema_path = xstrdup(ctx->opt_schema);
    } else if (fs_exists("prisma/schema.prisma")) {
        ctx->schema_path = xstrdup("prisma/schema.prisma");
    } else if (fs_exists("schema.prisma")) {
        ctx->schema_path = xstrdup("schema.prisma");
    }
    if (!ctx->schema_path)
        return 0;
    char *dir = fs_dirname(ctx->schema_path);
    char *env = fs_join(dir, ".env");
    int rc = strcmp(dir, ".") ? dotenv_load(env, e) : 0;
    free(env);
    free(dir);
    if (rc < 0)
        return -1;
    rc = prisma_datasource_read(ctx->schema_path, &ctx->ds, e);
    if (rc < 0)
        return -1;
    ctx->have_ds = rc == 1;
    return 0;
}

/* The URL a datasource value names, or an error when its variable is unset. */
static int datasource_url(struct cmd_ctx *ctx, const struct prisma_value *v, const char *what,
                          char **url, struct pm_err *e)
{
    const char *missing = NULL;
    *url = prisma_value_resolve(v, &missing);
    if (*url || !missing)
        return 0;
    pm_err_set(e, PM_EXIT_USAGE, "environment variable %s is not set", missing);
    pm_err_detail(e, "%s:%d says %s = env(\"%s\")", ctx->schema_path, v->line, what, missing);
    pm_err_hint(e, "set %s (in the environment or a .env file), or pass --url", missing);
    return -1;
}

static int use_url(struct cmd_ctx *ctx, const char *url, const char *source, struct pm_err *e)
{
    if (pg_url_parse(url, &ctx->url, e)) {
        pm_err_prefix(e, "invalid database URL (from %s)", source);
        return -1;
    }
    ctx->have_url = 1;
    ctx->url_source = source;
    struct buf b = BUF_INIT;
    size_t ignored = 0;
    for (size_t i = 0; i < ctx->url.n_stripped; i++) {
        if (!strcmp(ctx->url.stripped[i], "schema"))
            continue; /* used: it sets the search_path */
        buf_addf(&b, "%s%s", ignored++ ? ", " : "", ctx->url.stripped[i]);
    }
    if (ignored)
        out_note("ignoring Prisma-only URL parameter%s %s (not used by pgmig)",
                 ignored == 1 ? "" : "s", b.data);
    buf_release(&b);
    if (ctx->url.pgbouncer)
        out_note("pgbouncer=true: advisory locks and session settings do not work through a "
                 "transaction pooler; prefer a direct URL (directUrl) for migrations");
    return 0;
}

int setup_target_configured(struct cmd_ctx *ctx, struct pm_err *e)
{
    if (ctx->have_url)
        return 1;
    if (ctx->opt_url)
        return use_url(ctx, ctx->opt_url, "--url", e) ? -1 : 1;
    const char *env = getenv("DATABASE_URL");
    if (env && *env)
        return use_url(ctx, env, "$DATABASE_URL", e) ? -1 : 1;
    if (ctx->have_ds) {
        char *url = NULL;
        const char *src = "the datasource directUrl";
        if (datasource_url(ctx, &ctx->ds.direct_url, "directUrl", &url, e))
            return -1;
        if (!url) {
            src = "the datasource url";
            if (datasource_url(ctx, &ctx->ds.url, "url", &url, e))
                return -1;
        }
        if (url) {
            int rc = use_url(ctx, url, src, e);
            free(url);
            return rc ? -1 : 1;
        }
    }
    return 0;
}

int setup_shadow_url(struct cmd_ctx *ctx, const char *opt, struct pg_url *out, int *have,
                     struct pm_err *e)
{
    char *url = NULL;
    const char *src = "--shadow-url";
    *have = 0;
    if (opt) {
        url = xstrdup(opt);
    } else if (ctx->have_ds) {
        src = "the datasource shadowDatabaseUrl";
        if (datasource_url(ctx, &ctx->ds.shadow_url, "shadowDatabaseUrl", &url, e))
            return -1;
    }
    if (!url)
        return 0;
    int rc = pg_url_parse(url, out, e);
    free(url);
    if (rc) {
        pm_err_prefix(e, "invalid shadow database URL (from %s)", src);
        return -1;
    }
    *have = 1;
    return 0;
}

int setup_target(struct cmd_ctx *ctx, struct pm_err *e)
{
    int configured = setup_target_configured(ctx, e);
    if (configured)
        return configured < 0 ? -1 : 0;
    /* nothing configured: the embedded local database */
    struct localdb l;
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd))
        return pm_err_set(e, PM_EXIT_ENV, "cannot determine the current directory");
    localdb_init(&l, cwd);
    int rc = localdb_start(&l, e);
    if (rc == 0) {
        char *url = localdb_url(&l, NULL);
        rc = use_url(ctx, url, "the embedded local PostgreSQL (.pgmig/local)", e);
        free(url);
    }
    localdb_release(&l);
    return rc;
}

int setup_migrations(struct cmd_ctx *ctx, struct pm_err *e)
{
    if (ctx->opt_migrations) {
        ctx->migrations_dir = xstrdup(ctx->opt_migrations);
        return 0;
    }
    if (ctx->schema_path) {
        char *dir = fs_dirname(ctx->schema_path);
        ctx->migrations_dir = fs_join(dir, "migrations");
        free(dir);
        return 0;
    }
    /* ./prisma/migrations, else ./migrations; name the first in errors when neither exists */
    int plain = !fs_is_dir("prisma/migrations") && fs_is_dir("migrations");
    ctx->migrations_dir = xstrdup(plain ? "migrations" : "prisma/migrations");
    return 0;
}

int cmd_connect(struct cmd_ctx *ctx, struct pg_conn **c, struct pm_err *e)
{
    if (!ctx->have_url && setup_target(ctx, e))
        return -1;
    if (!ctx->quiet)
        fprintf(stderr, "%sDatabase:%s %s%s%s (from %s)\n", sty(stderr, STY_DIM),
                sty(stderr, STY_RESET), ctx->url.display, ctx->url.schema ? ", schema " : "",
                ctx->url.schema ? ctx->url.schema : "", ctx->url_source);
    return pg_connect(c, &ctx->url, e);
}

int cmd_load_migrations(struct cmd_ctx *ctx, struct migdir *d, struct pm_err *e)
{
    if (!ctx->migrations_dir && setup_migrations(ctx, e))
        return -1;
    if (!ctx->opt_migrations && !fs_is_dir(ctx->migrations_dir)) {
        pm_err_set(e, PM_EXIT_ENV, "no migrations directory found");
        pm_err_detail(e, "looked for %s",
                      ctx->schema_path ? ctx->migrations_dir : "prisma/migrations and migrations");
        pm_err_hint(e, "pass --migrations DIR, or --schema FILE to use the migrations folder "
                       "beside it");
        memset(d, 0, sizeof(*d));
        return -1;
    }
    return migdir_load(d, ctx->migrations_dir, e);
}

struct cmd_loader {
    struct cmd_ctx *ctx;
    struct migdir *d;
    struct pm_err e;
    int rc;
    int threaded;
    pthread_t thread;
};

static void *load_in_background(void *arg)
{
    struct cmd_loader *l = arg;
    l->rc = migdir_load(l->d, l->ctx->migrations_dir, &l->e);
    return NULL;
}

struct cmd_loader *cmd_load_start(struct cmd_ctx *ctx, struct migdir *d)
{
    struct cmd_loader *l = xcalloc(1, sizeof(*l));
    l->ctx = ctx;
    l->d = d;
    memset(d, 0, sizeof(*d));
    if (!ctx->migrations_dir)
        setup_migrations(ctx, &l->e);
    /* a missing directory is reported by cmd_load_migrations, on this thread */
    if (ctx->migrations_dir && (ctx->opt_migrations || fs_is_dir(ctx->migrations_dir)))
        l->threaded = pthread_create(&l->thread, NULL, load_in_background, l) == 0;
    return l;
}

int cmd_load_finish(struct cmd_loader *l, struct pm_err *e)
{
    int rc;
    if (l->threaded) {
        pthread_join(l->thread, NULL);
        rc = l->rc;
        if (rc)
            pm_err_move(e, &l->e);
    } else {
        rc = cmd_load_migrations(l->ctx, l->d, e);
    }
    pm_err_release(&l->e);
    free(l);
    return rc;
}

void cmd_ctx_release(struct cmd_ctx *ctx)
{
    free(ctx->schema_path);
    free(ctx->migrations_dir);
    if (ctx->have_ds)
        prisma_datasource_release(&ctx->ds);
    if (ctx->have_url)
        pg_url_release(&ctx->url);
    buf_release(&ctx->doc);
}

void doc_begin(struct cmd_ctx *ctx)
{
    if (!ctx->json || ctx->doc_open)
        return;
    ctx->doc_open = 1;
    json_init(&ctx->j, &ctx->doc);
    json_object_begin(&ctx->j);
    json_kint(&ctx->j, "version", 1);
    json_kstr(&ctx->j, "command", ctx->command);
    if (ctx->have_url)
        json_kstr(&ctx->j, "target", ctx->url.display);
}

void doc_end(struct cmd_ctx *ctx, const struct pm_err *e)
{
    if (!ctx->json)
        return;
    doc_begin(ctx); /* errors found before the command started still get a document */
    int failed = e && e->exit_code;
    json_kbool(&ctx->j, "ok", !failed);
    json_key(&ctx->j, "error");
    if (failed)
        report_error_json(&ctx->j, e);
    else
        json_null(&ctx->j);
    json_object_end(&ctx->j);
    fwrite(ctx->doc.data, 1, ctx->doc.len, stdout);
    fputc('\n', stdout);
    fflush(stdout);
}

int cmd_finish(struct cmd_ctx *ctx, struct pm_err *e)
{
    if (e->exit_code && !ctx->json)
        report_error_human(stderr, e);
    doc_end(ctx, e);
    return e->exit_code;
}

int cmd_usage_error(struct cmd_ctx *ctx, struct pm_err *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    pm_err_set(e, PM_EXIT_USAGE, "%s", msg);
    pm_err_next(e, "pgmig %s --help", ctx->command);
    free(msg);
    return -1;
}
