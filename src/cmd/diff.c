/*
 * diff.c - `pgmig diff --from SRC --to SRC [--script] [--exit-code]`: how two
 * schemas differ (empty, migrations:DIR, url:URL, url:env:VAR, sql:FILE), as
 * a summary grouped by table or as the SQL that turns FROM into TO.
 */
#include "cmd/cmd.h"
#include "ops/source.h"
#include "schema/diff.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *obj_name(enum d_obj o)
{
    static const char *const names[] = {
        [DO_SCHEMA] = "schema",
        [DO_EXTENSION] = "extension",
        [DO_ENUM] = "enum",
        [DO_ENUM_VALUE] = "enum_value",
        [DO_TYPE] = "type",
        [DO_SEQUENCE] = "sequence",
        [DO_TABLE] = "table",
        [DO_COLUMN] = "column",
        [DO_CONSTRAINT] = "constraint",
        [DO_INDEX] = "index",
        [DO_TRIGGER] = "trigger",
        [DO_VIEW] = "view",
        [DO_FUNCTION] = "function",
        [DO_COMMENT] = "comment",
    };
    return (size_t)o < sizeof names / sizeof *names && names[o] ? names[o] : "object";
}

void json_changes(struct json *j, const struct schema_diff *d)
{
    json_key(j, "changes");
    json_array_begin(j);
    for (size_t i = 0; i < d->n; i++) {
        const struct d_change *c = &d->v[i];
        json_object_begin(j);
        json_kstr(j, "object", obj_name(c->obj));
        json_kstr(j, "change", c->kind == D_ADD ? "add" : c->kind == D_DROP ? "drop" : "change");
        json_kstr(j, "schema", c->schema);
        json_kstr(j, "parent", c->parent);
        json_kstr(j, "name", c->name);
        json_kstr(j, "summary", c->summary);
        json_kbool(j, "destructive", c->destructive);
        json_kbool(j, "data_dependent", c->data_dependent);
        json_kstr(j, "warning", c->warning);
        json_object_end(j);
    }
    json_array_end(j);
}

int cmd_diff(struct cmd_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"from", required_argument, NULL, 'f'},       {"to", required_argument, NULL, 't'},
        {"script", no_argument, NULL, 's'},           {"exit-code", no_argument, NULL, 'x'},
        {"shadow-url", required_argument, NULL, 'S'}, {0, 0, 0, 0}};
    struct pm_err e = PM_ERR_INIT;
    struct source from = {0}, to = {0};
    struct schema_model mf, mt;
    struct schema_diff d = {0};
    struct pg_url shadow;
    const char *from_spec = NULL, *to_spec = NULL, *shadow_opt = NULL;
    char *script = NULL;
    int want_script = 0, exit_code = 0, have_shadow = 0, configured = 0, ch, rc, built = 0;

    model_init(&mf);
    model_init(&mt);
    opterr = 0;
    while ((ch = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
        switch (ch) {
        case 'f':
            from_spec = optarg;
            break;
        case 't':
            to_spec = optarg;
            break;
        case 's':
            want_script = 1;
            break;
        case 'x':
            exit_code = 1;
            break;
        case 'S':
            shadow_opt = optarg;
            break;
        default:
            cmd_usage_error(ctx, &e, optopt ? "option `%s` needs a value" : "unknown option `%s`",
                            argv[optind - 1]);
            goto out;
        }
    }
    if (optind < argc) {
        cmd_usage_error(ctx, &e, "unexpected argument `%s`", argv[optind]);
        goto out;
    }
    if (!from_spec || !to_spec) {
        cmd_usage_error(ctx, &e,
                        "pass both --from SRC and --to SRC (SRC: empty, "
                        "migrations:DIR, url:URL, url:env:VAR or sql:FILE)");
        goto out;
    }
    if (source_parse(from_spec, &from, &e) || source_parse(to_spec, &to, &e) ||
        setup_shadow_url(ctx, shadow_opt, &shadow, &have_shadow, &e) ||
        (configured = setup_target_configured(ctx, &e)) < 0)
        goto out;
    /* both sides are read in one schema: a url: source's, else the target's, else public */
    const char *schema = from.schema                     ? from.schema
                         : to.schema                     ? to.schema
                         : configured && ctx->url.schema ? ctx->url.schema
                                                         : "public";
    const struct pg_url *target = configured ? &ctx->url : NULL;
    const struct pg_url *sh = have_shadow ? &shadow : NULL;
    if (source_model(&from, target, sh, schema, &mf, &e) ||
        source_model(&to, target, sh, schema, &mt, &e))
        goto out;
    diff_models(&mf, &mt, &d);
    script = diff_script(&d, &mf, &mt);
    built = 1;
    if (!ctx->json) {
        if (want_script) {
            fputs(script, stdout);
            if (script[0] && script[strlen(script) - 1] != '\n')
                putchar('\n');
        } else {
            char *sum = diff_summary(&d);
            fputs(sum, stdout);
            if (sum[0] && sum[strlen(sum) - 1] != '\n')
                putchar('\n');
            free(sum);
        }
    }
out:
    doc_begin(ctx);
    if (ctx->json) {
        json_kstr(&ctx->j, "from", from.label);
        json_kstr(&ctx->j, "to", to.label);
        json_kbool(&ctx->j, "empty", built && d.n == 0);
        json_changes(&ctx->j, &d);
        json_kstr(&ctx->j, "script", script);
    }
    rc = cmd_finish(ctx, &e);
    /* Prisma's --exit-code convention: 0 no difference, 2 difference, 1 error */
    if (exit_code)
        rc = rc ? 1 : d.n ? 2 : 0;
    free(script);
    diff_release(&d);
    model_release(&mf);
    model_release(&mt);
    source_release(&from);
    source_release(&to);
    if (have_shadow)
        pg_url_release(&shadow);
    pm_err_release(&e);
    return rc;
}
