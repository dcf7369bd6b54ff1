/*
 * repair.h - carrying out the safe recovery of a failed or half-applied
 * migration, from its diagnosis:
 *
 *   forward   run only the statements whose effects are absent (plus those
 *             the applied prefix says never ran, and idempotent ones), in one
 *             transaction segmented only where a statement cannot run in one;
 *             verify every postcondition inside the final transaction; record
 *             the migration applied with Prisma's resolve semantics (failed
 *             rows rolled back, a new applied row whose logs say pgmig
 *             repaired it) in that same transaction.
 *   backward  undo the effects that are present (drop what the migration
 *             created, in reverse order; rename back what it renamed), in one
 *             transaction; verify; mark the failed rows rolled back so deploy
 *             runs the (fixed) file again. Anything holding data needs
 *             --accept-data-loss; anything depended on by objects the
 *             migration did not create is refused (PostgreSQL's own
 *             dependency check, no CASCADE).
 *
 * Never resets the database, never drops a schema, never edits history rows
 * beyond Prisma's resolve semantics. INVALID indexes left by a failed CREATE
 * INDEX CONCURRENTLY are dropped concurrently (and rebuilt when going forward).
 */
#ifndef PGMIG_RECOVER_REPAIR_H
#define PGMIG_RECOVER_REPAIR_H

#include "history/history.h"
#include "recover/diagnose.h"
#include "util/buf.h"

enum repair_strategy {
    RS_AUTO,
    RS_FORWARD,
    RS_BACKWARD,
};

struct repair_step {
    char *sql; /* exactly what is sent */
    size_t len;
    int nontx; /* runs alone, outside a transaction */
    long stmt; /* the migration statement it runs or undoes, -1 for pgmig's own */
    char *why; /* one line for the plan */
};

struct repair_plan {
    enum repair_strategy strategy; /* the one planned (never RS_AUTO once built) */
    struct repair_step *v;
    size_t n, cap;
    char *refusal; /* non-NULL: this strategy cannot be carried out safely, and why */
};

/* Pure: which statements a forward repair would run. */
void repair_plan_forward(const struct diagnosis *d, struct repair_plan *p);
/* Reads the database (are the objects to drop empty?). */
int repair_plan_backward(struct pg_conn *c, const struct diagnosis *d, int accept_data_loss,
                         struct repair_plan *p, struct pm_err *e);
void repair_plan_release(struct repair_plan *p);

/*
 * Choose and build the plan: the requested strategy, or for RS_AUTO forward
 * when possible, else backward when safe. When neither is possible, the plan
 * has a refusal explaining what a human must decide.
 */
int repair_choose(struct pg_conn *c, const struct diagnosis *d, enum repair_strategy want,
                  int accept_data_loss, struct repair_plan *p, struct pm_err *e);

struct repair_result {
    size_t steps_done;
    long failed_step; /* -1 when none */
    int verified;
};

typedef void (*repair_step_fn)(const struct repair_step *s, size_t i, void *ud);

/*
 * Execute the plan for migration `name` (checksum of its current file), then
 * verify and record. `on_step` is called before each step runs.
 */
int repair_execute(struct pg_conn *c, struct diagnosis *d, const struct repair_plan *p,
                   struct history *h, const char *name, repair_step_fn on_step, void *ud,
                   struct repair_result *r, struct pm_err *e);

/*
 * The exact next commands for a diagnosed migration `name`, most useful
 * first, each with a short comment; what they say depends on what a repair
 * could safely do. Appends lines to `out` (one command per line).
 */
int repair_suggest(struct pg_conn *c, const struct diagnosis *d, const char *name, int is_failed,
                   struct buf *out, struct pm_err *e);

/* "2, 3, 5-7": the migration statements a plan runs or undoes (1-based). */
void repair_plan_statements(const struct repair_plan *p, struct buf *out);

#endif
