/*
 * diagnose.h - explaining a failed (or any) migration from evidence in the
 * catalog: every statement's postconditions (sql/effects.h) are checked
 * against the live database in one pipelined round trip, and the statement
 * is reported present, absent, differs (some effects hold, others do not) or
 * unknown (its effect cannot be checked: data change, DO block...).
 *
 * Trust the catalog, not the counters: applied_steps_count and the row's
 * state are shown, but the verdict comes from the checks.
 *
 * Two refinements make the evidence sound within one migration:
 * - supersession: an effect that a later statement of the same migration
 *   undoes or replaces (CREATE TABLE tmp ... DROP TABLE tmp; a RENAME) is
 *   established when the catalog shows it, or when that later statement is
 *   present; otherwise the catalog cannot tell (the object is gone either
 *   way), and the check is ambiguous. Likewise "tmp is absent" says nothing
 *   when the same migration created tmp before dropping it;
 * - the applied prefix: statements run in order, so an unknown statement is
 *   implied applied when a later checkable statement is present, and implied
 *   not applied when an earlier one is absent, or when it is (or comes after)
 *   the statement that pgmig's own logs say failed.
 */
#ifndef PGMIG_RECOVER_DIAGNOSE_H
#define PGMIG_RECOVER_DIAGNOSE_H

#include "history/migdir.h"
#include "history/state.h"
#include "pg/conn.h"
#include "sql/effects.h"
#include "sql/script.h"
#include "util/buf.h"

enum stmt_state {
    SS_PRESENT,
    SS_ABSENT,
    SS_DIFFERS,
    SS_UNKNOWN,
    SS_NONE, /* no lasting effect (SET, transaction control...) */
};

struct check {
    const struct effect *eff;
    int established;   /* the statement's postcondition holds */
    int implied;       /* established because a later statement that supersedes it is present */
    int ambiguous;     /* the catalog cannot tell (the migration both creates and removes it) */
    int invalid_index; /* the index exists but is INVALID (a failed CONCURRENTLY) */
    char *found;       /* what the catalog shows, when useful (a column's actual type) */
};

struct stmt_diag {
    size_t index;
    int line;
    const char *kind;
    const struct stmt_effects *fx;
    enum stmt_state state;
    const char *reason; /* why UNKNOWN/NONE (static text) */
    int implied;        /* UNKNOWN/NONE: 1 implied applied, 0 implied not applied, -1 cannot tell */
    int invalid_index;
    struct check *checks;
    size_t n_checks;
};

enum verdict {
    V_APPLIED,
    V_NOT_APPLIED,
    V_PARTIAL,
    V_UNKNOWN, /* nothing checkable */
};

struct diagnosis {
    const struct migration *m;
    struct sql_script script;
    struct stmt_effects *fx;
    struct stmt_diag *v;
    size_t n;
    enum verdict verdict;
    size_t present, absent, differs, unknown, checkable;
    int file_changed; /* the failed row's checksum differs from the file now */
    long failed_stmt; /* from pgmig's own logs of an unchanged file: the statement that failed
                         (it and every later one never took effect); -1 when unknown */
    int server_version;
};

/*
 * Diagnose migration m (its current file) against the database. `row` is the
 * history row that counts (for the file-changed check), or NULL. Read-only.
 */
int diagnose_migration(struct pg_conn *c, const struct migration *m, const struct hist_row *row,
                       struct diagnosis *d, struct pm_err *e);
/* Re-run the catalog checks of an existing diagnosis (after a repair). */
int diagnose_recheck(struct pg_conn *c, struct diagnosis *d, struct pm_err *e);
void diagnosis_release(struct diagnosis *d);

/* "partial: statements 1 present; 2-4 absent; 5 unknown" (appended to out). */
void diagnosis_summary(const struct diagnosis *d, struct buf *out);
/* The first checkable statement in the given state, or -1. */
long diagnosis_first(const struct diagnosis *d, enum stmt_state st);

const char *verdict_name(enum verdict v);
const char *stmt_state_name(enum stmt_state s);

#endif
