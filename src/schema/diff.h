/*
 * diff.h - comparing two schema models, and the SQL that turns one into the
 * other. Renames are never guessed: a renamed object is a drop and an add.
 */
#ifndef PGMIG_SCHEMA_DIFF_H
#define PGMIG_SCHEMA_DIFF_H

#include "schema/model.h"

#include <stddef.h>

enum d_obj {
    DO_SCHEMA,
    DO_EXTENSION,
    DO_ENUM,       /* the type itself */
    DO_ENUM_VALUE, /* a value added to / removed from an existing enum */
    DO_TYPE,       /* composite types and domains */
    DO_SEQUENCE,
    DO_TABLE,
    DO_COLUMN,
    DO_CONSTRAINT,
    DO_INDEX,
    DO_TRIGGER,
    DO_VIEW,
    DO_FUNCTION,
    DO_COMMENT,
};

enum d_kind {
    D_ADD,
    D_DROP,
    D_CHANGE,
};

struct d_change {
    enum d_obj obj;
    enum d_kind kind;
    char *schema;
    char *parent; /* the table (or enum, view) a sub-object belongs to; NULL for top-level */
    char *name;
    char *summary;      /* one line for humans, e.g. `added column "organizationId" (text, NOT NULL,
                           no default: fails on a table with rows)` */
    int destructive;    /* loses data or objects (drops, narrowing type changes) */
    int data_dependent; /* may fail depending on the data (NOT NULL without default, new unique,
                           type change, enum value removal) */
    char *warning;      /* the sentence(s) for the script's warning block, one per line, when
                           either flag is set; NULL on an enum's removed values (the enum's own
                           DF_ENUM_REBUILD change carries the sentence naming them all) */
    const void *from;   /* the object in the `from` model (NULL for D_ADD); for DO_ENUM_VALUE
                           the enum, for DO_COMMENT the object commented */
    const void *to;     /* the object in the `to` model (NULL for D_DROP) */
    enum d_obj target;  /* DO_COMMENT: the kind of object commented on; else the same as obj */
    enum d_obj parent_kind; /* DO_TABLE, DO_VIEW or DO_ENUM when parent is set */
    unsigned flags;         /* DF_*: how the script carries the change out */
};

/*
 * d_change.flags, decided by diff_models and followed by diff_script:
 * DF_TYPE_ASSIGN   column: type or collation change done by PostgreSQL's assignment cast, no
 *                  USING: a widening, a change to text, or a narrowing within a family of
 *                  types (varchar(100) -> varchar(20)), which fails rather than truncates
 * DF_TYPE_CAST     column: type change across families, done with USING col::type
 * DF_RECREATE      column: dropped and added again (a generation expression); table: the
 *                  D_DROP and D_ADD pair of a table whose kind or partitioning changes
 * DF_REPLACE       view or function: CREATE OR REPLACE (else dropped and created)
 * DF_ENUM_REBUILD  enum: values removed or reordered, so the type is rebuilt
 */
#define DF_TYPE_ASSIGN  0x01u
#define DF_TYPE_CAST    0x02u
#define DF_RECREATE     0x04u
#define DF_REPLACE      0x08u
#define DF_ENUM_REBUILD 0x10u

struct schema_diff {
    struct d_change *v;
    size_t n, cap;
    int qualify; /* the models span several schemas: every name in the script and the summary
                    is schema-qualified (else none is, as Prisma does for its one schema) */
};

/* Every difference, in a deterministic order (by object kind, schema, parent, name). */
void diff_models(const struct schema_model *from, const struct schema_model *to,
                 struct schema_diff *out);
void diff_release(struct schema_diff *d);

/*
 * The migration SQL turning `from` into `to`, in Prisma's style: a warning
 * block first (a comment listing every destructive or data-dependent step),
 * then the statements ordered by dependencies (types before the columns using
 * them, tables before the foreign keys referencing them, drops of dependents
 * before what they depend on), each under a `-- CreateTable`-style comment
 * and ending with ';'. "-- This is an empty migration." when nothing differs.
 * The phase order is listed at the top of diff_script.c.
 *
 * Names: every identifier is double-quoted. When both models live in one
 * schema (as `pgmig diff` reads them) nothing is schema-qualified, as Prisma
 * does, so the script applies to whatever schema search_path names; when they
 * span several (d->qualify) every name is. Types, defaults and definitions
 * are the models' canonical text, relative to the models' search_path: apply
 * the script with search_path set to the models' schemas.
 *
 * `ALTER TYPE ... ADD VALUE` statements come first. PostgreSQL refuses to use
 * a value in the transaction that added it (and before PostgreSQL 12 refuses
 * ADD VALUE inside a transaction at all); pgmig deploy runs each migration in
 * one transaction, so a script that also uses the new value gets a warning
 * telling to move the ADD VALUE into a migration of its own. Unlike Prisma's,
 * the enum rebuild for removed values carries no BEGIN/COMMIT of its own.
 * Never NULL; caller frees.
 */
char *diff_script(const struct schema_diff *d, const struct schema_model *from,
                  const struct schema_model *to) __attribute__((returns_nonnull));

/*
 * A readable summary grouped by table, e.g.
 *   Changed the `SystemPrompt` table:
 *     - added column `organizationId` (text, NOT NULL, no default: fails on a table with rows)
 * "No difference." when empty. Caller frees.
 */
char *diff_summary(const struct schema_diff *d);

#endif
