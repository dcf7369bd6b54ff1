/*
 * refuse.h - why deploy will not go on (P3009), from the evidence: each failed
 * migration's history row, its diagnosis, and the next commands. Deploy (in
 * history/) calls it through deploy_opts.refuse_failed, so the history layer
 * never depends on recovery.
 */
#ifndef PGMIG_RECOVER_REFUSE_H
#define PGMIG_RECOVER_REFUSE_H

#include "history/migdir.h"
#include "history/state.h"
#include "pg/conn.h"
#include "util/err.h"

/* P3009: fill e about the failed migrations in st, each diagnosed from the catalog; returns -1. */
int recover_refuse_failed(struct pg_conn *c, const struct state *st, const struct migdir *d,
                          struct pm_err *e);

#endif
