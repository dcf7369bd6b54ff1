/*
 * plan.h - how a migration script will be executed: split into segments, each
 * one transaction (or one non-transactional statement alone).
 *
 *   SEG_WRAPPED   a maximal run of ordinary statements; pgmig wraps it in
 *                 BEGIN ... COMMIT together with its bookkeeping
 *   SEG_OWN_BLOCK the script's own BEGIN ... COMMIT/ROLLBACK, run as written
 *                 (never double-wrapped); bookkeeping goes in before its COMMIT
 *   SEG_ALONE     a statement that cannot run in a transaction block
 *                 (CREATE INDEX CONCURRENTLY, VACUUM, ...) or a stray
 *                 COMMIT/ROLLBACK outside any block, run in autocommit
 *
 * A script that is one WRAPPED segment, or one OWN_BLOCK ending in COMMIT, is
 * atomic: applied and recorded in one transaction, or not at all.
 */
#ifndef PGMIG_HISTORY_PLAN_H
#define PGMIG_HISTORY_PLAN_H

#include "sql/script.h"
#include "util/err.h"

enum seg_kind {
    SEG_WRAPPED,
    SEG_OWN_BLOCK,
    SEG_ALONE,
};

struct segment {
    enum seg_kind kind;
    size_t first;         /* index of the first statement */
    size_t n;             /* number of statements */
    int ends_in_rollback; /* OWN_BLOCK closed by ROLLBACK: its statements take no effect */
};

struct plan {
    struct segment *v;
    size_t n, cap;
    size_t statements;
    int atomic; /* one transaction covers the whole script */
};

/*
 * Build the plan for script s (parsed from `file`) on a server of the given
 * version. Errors (PM_EXIT_FAIL, located in the file): COPY ... FROM STDIN;
 * BEGIN without a matching COMMIT/ROLLBACK.
 */
int plan_build(struct plan *p, const struct sql_script *s, const char *file, int server_version,
               struct pm_err *e);
void plan_release(struct plan *p);
const char *seg_kind_name(enum seg_kind k);

#endif
