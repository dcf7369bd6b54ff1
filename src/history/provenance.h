/*
 * provenance.h - when replaying the history fails because an object is
 * missing or already exists ("column os.customer_id does not exist",
 * "column "email" of relation "User" already exists"), say which earlier
 * migration created, renamed or dropped that object, or that none did.
 *
 * Works from the server's error (SQLSTATE + English message text; other
 * languages are simply not explained) and the postconditions of the earlier
 * statements (sql/effects.h), so nothing is re-run.
 */
#ifndef PGMIG_HISTORY_PROVENANCE_H
#define PGMIG_HISTORY_PROVENANCE_H

#include "history/migdir.h"
#include "sql/effects.h"
#include "sql/script.h"

#include <stddef.h>

/* The object an error names. */
struct prov_subject {
    enum eff_kind kind; /* EFF_RELATION, EFF_COLUMN, EFF_TYPE, EFF_CONSTRAINT, EFF_INDEX,
                           EFF_FUNCTION, EFF_SCHEMA, EFF_ENUM_VALUE, EFF_EXTENSION,
                           EFF_TRIGGER */
    char *schema;       /* when the message qualified it. A quoted name with a dot in it
                           ("relation "s.x"") is split at the first dot: prov_explain joins
                           it back when an earlier statement used the dotted name as is */
    char *name;         /* relation/type/... name; for a column: its table, or NULL when the
                           message only gives an alias or nothing ("column o.x", "column x");
                           for an enum label: the enum, NULL for "enum label "V" already
                           exists"; for a function: its name without the argument list */
    char *sub;          /* column / constraint / enum label */
    char *alias;        /* "o" in "column o.customer_id does not exist" */
    int missing;        /* 1: "does not exist"; 0: "already exists" */
};

/* One event in the object's history, in migration order. */
struct prov_event {
    size_t migration; /* index into the migrations directory */
    size_t statement; /* 0-based */
    int line;
    const char *what; /* static: "created", "dropped", "renamed to", "renamed from",
                         "moved to", "moved from" (SET SCHEMA), "added", "removed" */
    char *detail;     /* or NULL. "renamed to"/"renamed from": the other name, quoted
                         (`"customerId"`, `"s"."x"` when the schema changed); "moved
                         to"/"moved from": `schema "s"` (NULL: from the default); "added",
                         "removed": where (`table "Order"`, `enum "Role"`); "dropped":
                         what took it along (`table "Order"` for a column or an index,
                         `constraint "User_pkey" of table "User"`); "created": how, when
                         not by a statement of its own kind (`primary key of table
                         "User"` for an index, `row type of table "x"` for a type) */
    char *table;      /* column, constraint, trigger, enum label: the table (enum) it
                         happened in, as named then; NULL otherwise */
};

struct provenance {
    struct prov_subject subject;
    struct prov_event *v;
    size_t n, cap;
    char *summary;     /* one or two sentences for the error's detail (no final period),
                          e.g. "column \"customer_id\" is not created by any earlier
                          migration (checked 42 migrations); \"customerId\" was added to
                          table \"Order\" by 20240105000000_orders (line 12)" */
    size_t checked;    /* migrations whose statements were searched (the failing one
                          counts when statements before the failing one were searched) */
    size_t unanalysed; /* statements among them that might create, drop or rename objects
                          but whose effects are not known (DO block, function call, ...) */
    size_t unparsed;   /* migrations skipped for want of effects (NULL entries) */
};

/*
 * Parse the error; 0 when it names no object (or is not in English).
 */
int prov_parse_error(const char *sqlstate, const char *message, struct prov_subject *out);

/*
 * Explain: search the statements before (failing_migration, failing_statement)
 * across migrations d->v[0..failing_migration] whose parsed scripts and effects
 * are scripts[i] / effects[i] (NULL entries are skipped). Returns 1 and fills
 * out->summary when the error names an object, 0 otherwise.
 */
int prov_explain(const char *sqlstate, const char *message, const struct migdir *d,
                 const struct sql_script *scripts, struct stmt_effects *const *effects,
                 size_t failing_migration, size_t failing_statement, struct provenance *out);
void prov_release(struct provenance *p);
void prov_subject_release(struct prov_subject *s);

#endif
