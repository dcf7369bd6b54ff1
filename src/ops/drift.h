/*
 * drift.h - comparing the live database with the schema its applied
 * migrations create: the applied ones are replayed on a shadow database, both
 * sides are read from the catalog, and the models are compared (expected ->
 * live: what was done outside migrations).
 */
#ifndef PGMIG_OPS_DRIFT_H
#define PGMIG_OPS_DRIFT_H

#include "history/migdir.h"
#include "history/state.h"
#include "pg/conn.h"
#include "pg/url.h"
#include "schema/diff.h"
#include "schema/model.h"

struct drift_report {
    struct schema_model expected; /* what the applied migrations create */
    struct schema_model live;
    struct schema_diff diff; /* expected -> live */
    size_t replayed;         /* applied migrations replayed */
    size_t missing;          /* applied but missing locally: not replayable */
};

/*
 * c: the target; target: its URL (the shadow is created beside it when
 * possible); schema: the schema compared. s: the migrations' states.
 */
int drift_compute(struct pg_conn *c, const struct pg_url *target, const struct pg_url *shadow_url,
                  const char *schema, const struct migdir *d, const struct state *s,
                  struct drift_report *r, struct pm_err *e);
void drift_report_release(struct drift_report *r);

#endif
