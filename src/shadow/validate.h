/*
 * validate.h - replaying the whole migrations directory on a shadow database
 * exactly as deploy would run it (same plan, same transactions, same history
 * rows), to prove the history applies cleanly from scratch. Every file is
 * parsed first: syntax errors are all reported before any database is
 * touched. A failure is located at the token PostgreSQL blames, and when it
 * names a missing or duplicate object, its provenance in earlier migrations
 * is explained.
 */
#ifndef PGMIG_SHADOW_VALIDATE_H
#define PGMIG_SHADOW_VALIDATE_H

#include "history/migdir.h"
#include "pg/conn.h"
#include "pg/url.h"
#include "history/provenance.h"
#include "util/err.h"

struct validate_report {
    size_t migrations; /* replayed successfully */
    size_t statements;
    double ms;
    char *shadow; /* where it ran, for humans */
    const char *shadow_kind;
    struct pm_err *errors; /* every syntax/plan error, when parsing failed */
    size_t n_errors;
    long failed_migration; /* -1 when none */
    long failed_statement; /* 0-based, -1 when none */
    int have_provenance;
    struct provenance prov;
};

typedef void (*validate_progress_fn)(size_t done, size_t total, const char *name, void *ud);
/* Called with the shadow connection after a successful replay, before it is dropped. */
typedef int (*validate_after_fn)(struct pg_conn *shadow, void *ud, struct pm_err *e);

struct validate_opts {
    const struct pg_url *target;     /* NULL: nothing configured */
    const struct pg_url *shadow_url; /* NULL: a temporary database */
    const unsigned char *include;    /* replay only migrations i with include[i]; NULL: all */
    const char *schema;              /* search_path schema of the shadow; NULL: the URL's */
    validate_progress_fn progress;
    validate_after_fn after;
    void *ud;
};

/* Parse everything, open a shadow database (see shadow.h), replay, drop it. */
int validate_run(const struct migdir *d, const struct validate_opts *o, struct validate_report *r,
                 struct pm_err *e);
void validate_report_release(struct validate_report *r);

/*
 * Parse every migration (no database): fills r->errors with every syntax and
 * plan error. Returns 0 when all parse. Scripts are released again.
 */
int validate_parse_all(const struct migdir *d, struct validate_report *r, struct pm_err *e);

#endif
