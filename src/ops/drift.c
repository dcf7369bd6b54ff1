/*
 * drift.c - live database vs. applied migrations (see drift.h).
 */
#include "ops/drift.h"
#include "schema/catalog.h"
#include "shadow/validate.h"
#include "util/mem.h"

#include <stdlib.h>
#include <string.h>

struct read_ctx {
    struct schema_model *m;
    const char *schema;
};

static int read_shadow(struct pg_conn *shadow, void *ud, struct pm_err *e)
{
    struct read_ctx *rc = ud;
    const char *schemas[] = {rc->schema};
    return catalog_read(shadow, schemas, 1, rc->m, e);
}

int drift_compute(struct pg_conn *c, const struct pg_url *target, const struct pg_url *shadow_url,
                  const char *schema, const struct migdir *d, const struct state *s,
                  struct drift_report *r, struct pm_err *e)
{
    struct validate_report vr;
    memset(r, 0, sizeof(*r));
    model_init(&r->expected);
    model_init(&r->live);
    unsigned char *include = xcalloc(d->n ? d->n : 1, 1);
    for (size_t i = 0; i < s->n; i++) {
        if (s->v[i].state != MIG_APPLIED)
            continue;
        if (s->v[i].local < 0)
            r->missing++;
        else
            include[s->v[i].local] = 1;
    }
    struct read_ctx rctx = {&r->expected, schema};
    struct validate_opts vo = {.target = target,
                               .shadow_url = shadow_url,
                               .include = include,
                               .schema = schema,
                               .after = read_shadow,
                               .ud = &rctx};
    int rc = validate_run(d, &vo, &vr, e);
    if (rc) {
        if (vr.n_errors)
            pm_err_move(e, &vr.errors[0]);
        pm_err_prefix(e, "the applied migrations do not replay");
    } else {
        const char *schemas[] = {schema};
        r->replayed = vr.migrations;
        rc = catalog_read(c, schemas, 1, &r->live, e);
        if (rc == 0)
            diff_models(&r->expected, &r->live, &r->diff);
    }
    validate_report_release(&vr);
    free(include);
    return rc;
}

void drift_report_release(struct drift_report *r)
{
    diff_release(&r->diff);
    model_release(&r->expected);
    model_release(&r->live);
    memset(r, 0, sizeof(*r));
}
