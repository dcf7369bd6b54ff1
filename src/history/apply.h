/*
 * apply.h - running a planned script against a connection, with or without
 * history bookkeeping. This is the one execution path shared by deploy,
 * execute and the shadow replay, so all three behave identically.
 *
 * With bookkeeping, an atomic plan runs as ONE pipelined round trip:
 *   BEGIN; <statements>; INSERT finished history row; COMMIT
 * so the migration is applied and recorded together, or not at all. On
 * failure the attempt is recorded as a rolled-back row carrying the error in
 * `logs` (Prisma reads that as "not applied"). A segmented plan first inserts
 * a started row, then runs each segment in its own transaction with
 * applied_steps_count updated inside it; a failure after anything took effect
 * leaves a true failed row (finished_at and rolled_back_at NULL).
 */
#ifndef PGMIG_HISTORY_APPLY_H
#define PGMIG_HISTORY_APPLY_H

#include "history/history.h"
#include "history/plan.h"
#include "pg/conn.h"
#include "sql/script.h"

struct apply_input {
    const char *file; /* for error locations */
    const struct sql_script *script;
    const struct plan *plan;
    /* bookkeeping; hist == NULL runs the script without any */
    struct history *hist;
    const char *name;
    const char *checksum;
};

enum apply_outcome {
    APPLY_OK,
    APPLY_NOTHING_LEFT, /* failed; every change rolled back (attempt recorded as rolled back) */
    APPLY_PARTIAL,      /* failed after some statements took effect (failed row) */
    APPLY_UNKNOWN,      /* the connection was lost before the COMMIT was confirmed */
};

struct apply_result {
    enum apply_outcome outcome;
    size_t applied;   /* statements that took effect */
    long failed_stmt; /* index of the failing statement, -1 when none / not a statement */
    int unrecorded;   /* the failure could not be written to the history (connection lost) */
    char id[37];      /* history row id */
    double ms;
};

/*
 * Run it. Returns 0 on success; -1 with e filled (P3018, located at the
 * failing token) and r->outcome saying what the failure left behind.
 */
int apply_script(struct pg_conn *c, const struct apply_input *in, struct apply_result *r,
                 struct pm_err *e);

#endif
