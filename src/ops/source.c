/*
 * source.c - schema models from the sources `diff` and `drift` accept
 * (see source.h).
 */
#include "ops/source.h"
#include "history/apply.h"
#include "history/deploy.h"
#include "history/migdir.h"
#include "history/plan.h"
#include "pg/conn.h"
#include "schema/catalog.h"
#include "shadow/shadow.h"
#include "shadow/validate.h"
#include "sql/script.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/mem.h"

#include <stdlib.h>
#include <string.h>

int source_parse(const char *spec, struct source *s, struct pm_err *e)
{
    memset(s, 0, sizeof(*s));
    const char *colon = strchr(spec, ':');
    if (!strcmp(spec, "empty")) {
        s->kind = SRC_EMPTY;
        s->label = xstrdup("empty");
        return 0;
    }
    if (colon && colon[1]) {
        size_t n = (size_t)(colon - spec);
        const char *arg = colon + 1;
        if (n == 10 && !strncmp(spec, "migrations", n)) {
            s->kind = SRC_MIGRATIONS;
        } else if (n == 3 && !strncmp(spec, "sql", n)) {
            s->kind = SRC_SQL;
        } else if (n == 3 && !strncmp(spec, "url", n)) {
            s->kind = SRC_URL;
            if (!strncmp(arg, "env:", 4)) {
                const char *v = getenv(arg + 4);
                if (!v || !*v) {
                    pm_err_set(e, PM_EXIT_USAGE, "environment variable %s is not set", arg + 4);
                    pm_err_detail(e, "the source `%s` takes its URL from it", spec);
                    return -1;
                }
                arg = v;
            }
        } else {
            goto bad;
        }
        s->arg = xstrdup(arg);
        if (s->kind == SRC_URL) {
            struct pg_url u;
            if (pg_url_parse(arg, &u, e)) {
                pm_err_prefix(e, "invalid URL in the source `%.4s...`", spec);
                source_release(s);
                return -1;
            }
            s->schema = xstrdup(u.schema);
            pg_url_release(&u);
            char *shown = pg_redact(arg);
            s->label = xasprintf("url:%s", shown);
            free(shown);
        } else {
            s->label = xstrdup(spec);
        }
        return 0;
    }
bad:
    pm_err_set(e, PM_EXIT_USAGE, "unknown schema source `%s`", spec);
    pm_err_hint(e, "use empty, migrations:DIR, url:URL, url:env:VAR or sql:FILE");
    return -1;
}

void source_release(struct source *s)
{
    free(s->arg);
    free(s->label);
    free(s->schema);
    memset(s, 0, sizeof(*s));
}

static int read_model(struct pg_conn *c, const char *schema, struct schema_model *m,
                      struct pm_err *e)
{
    const char *schemas[] = {schema};
    return catalog_read(c, schemas, 1, m, e);
}

struct after_ctx {
    struct schema_model *m;
    const char *schema;
};

static int read_after_replay(struct pg_conn *shadow, void *ud, struct pm_err *e)
{
    struct after_ctx *a = ud;
    return read_model(shadow, a->schema, a->m, e);
}

static int from_migrations(const struct source *s, const struct pg_url *target,
                           const struct pg_url *shadow_url, const char *schema,
                           struct schema_model *m, struct pm_err *e)
{
    struct migdir d;
    struct validate_report r;
    struct after_ctx a = {m, schema};
    if (migdir_load(&d, s->arg, e)) {
        migdir_release(&d);
        return -1;
    }
    struct validate_opts o = {.target = target,
                              .shadow_url = shadow_url,
                              .schema = schema,
                              .after = read_after_replay,
                              .ud = &a};
    int rc = validate_run(&d, &o, &r, e);
    if (rc && r.n_errors && r.errors[0].primary) {
        /* parsing failed: show the first error itself */
        pm_err_move(e, &r.errors[0]);
    }
    if (rc)
        pm_err_prefix(e, "cannot build the schema of %s", s->label);
    validate_report_release(&r);
    migdir_release(&d);
    return rc;
}

static int from_sql(const struct source *s, const struct pg_url *target,
                    const struct pg_url *shadow_url, const char *schema, struct schema_model *m,
                    struct pm_err *e)
{
    struct buf text = BUF_INIT;
    struct sql_script script = {0};
    struct plan plan = {0};
    struct apply_result r;
    struct shadow sh;
    int rc = -1, opened = 0;
    if (fs_read_file(s->arg, &text, e) || sql_script_parse(&script, s->arg, text.data, text.len, e))
        goto out;
    if (shadow_open(&sh, target, shadow_url, schema, e)) {
        shadow_close(&sh);
        goto out;
    }
    opened = 1;
    if (deploy_ensure_schema(sh.conn, e) ||
        plan_build(&plan, &script, s->arg, pg_server_version(sh.conn), e))
        goto out;
    struct apply_input in = {.file = s->arg, .script = &script, .plan = &plan};
    if (apply_script(sh.conn, &in, &r, e)) {
        e->code = NULL;
        pm_err_prefix(e, "%s does not apply to an empty database", s->label);
        goto out;
    }
    rc = read_model(sh.conn, schema, m, e);
out:
    if (opened)
        shadow_close(&sh);
    plan_release(&plan);
    sql_script_release(&script);
    buf_release(&text);
    return rc;
}

static int from_url(const struct source *s, const char *schema, struct schema_model *m,
                    struct pm_err *e)
{
    struct pg_url u;
    struct pg_conn *c = NULL;
    if (pg_url_parse(s->arg, &u, e)) {
        pm_err_prefix(e, "invalid URL in `%s`", s->label);
        return -1;
    }
    int rc = pg_connect(&c, &u, e);
    if (rc == 0)
        rc = read_model(c, u.schema ? u.schema : schema, m, e);
    pg_disconnect(c);
    pg_url_release(&u);
    return rc;
}

int source_model(const struct source *s, const struct pg_url *target,
                 const struct pg_url *shadow_url, const char *schema, struct schema_model *m,
                 struct pm_err *e)
{
    model_init(m);
    switch (s->kind) {
    case SRC_EMPTY:
        return 0;
    case SRC_MIGRATIONS:
        return from_migrations(s, target, shadow_url, schema, m, e);
    case SRC_SQL:
        return from_sql(s, target, shadow_url, schema, m, e);
    case SRC_URL:
        return from_url(s, schema, m, e);
    }
    return 0;
}
