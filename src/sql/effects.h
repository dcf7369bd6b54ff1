/*
 * effects.h - the postconditions a migration statement establishes, derived
 * from its parse tree: "table "User" exists with column "email"", "index
 * "Order_createdAt_idx" exists", "enum "Role" has value 'ADMIN'", "column
 * "legacy" is absent". `pgmig diagnose` checks each against the live catalog
 * to tell, statement by statement, whether a failed migration took effect;
 * `repair` uses them to run only what is missing, to undo what is present,
 * and to verify the result.
 *
 * This is the libpg_query side: it reads the tree and produces plain structs
 * with no parser types, so the engine never sees libpg_query.
 *
 * Names: `schema` is NULL when the statement did not qualify the object (it
 * then resolves through search_path, as it did when the statement ran);
 * every name is the exact identifier (unquoted, case preserved as PostgreSQL
 * stores it: unquoted identifiers were already folded to lower case by the
 * parser).
 */
#ifndef PGMIG_SQL_EFFECTS_H
#define PGMIG_SQL_EFFECTS_H

#include "sql/script.h"

#include <stddef.h>

enum eff_kind {
    EFF_SCHEMA,   /* name */
    EFF_RELATION, /* schema.name with relkinds ("rp" table, "v" view, "m" matview, "S" sequence) */
    EFF_COLUMN,   /* schema.name (table) . sub (column) exists / absent */
    EFF_COLUMN_TYPE,    /* column sub of table has type_name (+ typmods) */
    EFF_COLUMN_NOTNULL, /* column sub is NOT NULL (flag = 1) or nullable (flag = 0) */
    EFF_COLUMN_DEFAULT, /* column sub has a default (flag = 1) or none (flag = 0) */
    EFF_CONSTRAINT,     /* constraint sub on table schema.name, contype p/f/u/c/x; see below */
    EFF_INDEX,          /* index name in schema (valid = flag: 1 means indisvalid required) */
    EFF_TYPE, /* type schema.name; typkind 'e' enum, 'c' composite, 'd' domain, 'r' range, 0 any */
    EFF_ENUM_VALUE, /* enum schema.name has label sub */
    EFF_EXTENSION,  /* extension name */
    EFF_FUNCTION, /* function/procedure schema.name with nargs arguments (args: their type names) */
    EFF_TRIGGER,  /* trigger sub on table schema.name */
};

struct effect {
    enum eff_kind kind;
    int present;  /* 1: the statement makes this exist / hold; 0: makes it absent */
    char *schema; /* NULL: unqualified */
    char *name;
    char *sub; /* column, constraint, enum label or trigger name; NULL when unused */
    char relkinds[6];
    char contype; /* EFF_CONSTRAINT: 'p' primary key, 'f' foreign key, 'u' unique, 'c' check, 'x'
                     exclusion */
    char typkind; /* EFF_TYPE */
    int flag;     /* EFF_COLUMN_NOTNULL / EFF_COLUMN_DEFAULT / EFF_INDEX (valid) */
    /* EFF_COLUMN_TYPE: the type as written, dotted and unquoted names ("pg_catalog.varchar",
     * "Role", "public.Role"), array dimensions in `array_dims`, typmods as given
     * (e.g. {20} for varchar(20), {65,30} for DECIMAL(65,30), {3} for TIMESTAMP(3)). */
    char *type_name;
    int array_dims;
    int typmods[2];
    int n_typmods;
    /* EFF_CONSTRAINT without a name (sub == NULL): the constrained columns, comma-separated
     * (e.g. "a,b"), for matching by shape; for 'f' also the referenced table in `ref`
     * (its schema in `ref_schema`, NULL when unqualified). Named constraints carry them
     * too when the statement gives them (extra information; match named ones by name).
     * `columns` is NULL when the statement does not list plain columns (CHECK, EXCLUDE,
     * USING INDEX, DROP/RENAME/VALIDATE CONSTRAINT); `contype` is 0 when the statement
     * does not say (DROP/RENAME/VALIDATE CONSTRAINT). */
    char *columns;
    char *ref; /* also, for EFF_INDEX created by CREATE INDEX: the indexed table */
    char *ref_schema;
    /* EFF_FUNCTION: argument type names as written, comma-separated, dotted, unquoted,
     * "[]" per array dimension, typmods dropped (e.g. "text,pg_catalog.int4,text[]");
     * nargs is their number. Counted are IN, INOUT, VARIADIC and unmarked arguments, and
     * for procedures also OUT (part of a procedure's signature since PostgreSQL 14).
     * nargs = -1 and args = NULL when the statement names the function without an
     * argument list (DROP FUNCTION f; ALTER FUNCTION f RENAME ...): any overload. */
    char *args;
    int nargs;
};

/* What is known about a statement as a whole. */
enum eff_class {
    EFFC_CHECKABLE, /* every effect of it is listed and checkable in the catalog */
    EFFC_UNKNOWN,   /* its effect cannot be checked (data change, DO block, ...): see reason */
    EFFC_NONE,      /* no lasting schema effect (SET, SELECT, BEGIN/COMMIT, ...) */
};

/*
 * Per statement. For EFFC_CHECKABLE, v holds at least one effect. For
 * EFFC_UNKNOWN, v holds the effects that could still be derived (possibly
 * none: e.g. an ALTER TABLE that adds a column and enables a trigger lists the
 * column): they hold when the statement ran, but do not cover all it did.
 * For EFFC_NONE, v is empty.
 */
struct stmt_effects {
    enum eff_class cls;
    const char *reason; /* static text for EFFC_UNKNOWN / EFFC_NONE ("data change", "DO block",
                           "function body", "session setting", ...) */
    char *object; /* display name of the main object ("\"User\"", "\"User\".\"email\""), or NULL */
    int idempotent; /* IF NOT EXISTS / IF EXISTS / OR REPLACE: safe to run again (and
                       what it creates may have been there before). ALTER TABLE: when
                       every command has IF [NOT] EXISTS. Also COMMENT, GRANT, REVOKE
                       (EFFC_UNKNOWN, but always safe to run again). Not set for RENAME
                       / SET SCHEMA ... IF EXISTS, whose effect is surely their own. */
    int concurrent; /* CREATE/DROP INDEX CONCURRENTLY */
    int guarded_do; /* a DO block whose body guards itself: judged safe to run again. A
                       textual heuristic over the body (the "as" string), case-insensitive,
                       any run of blanks matching a space: it says "IF NOT EXISTS" or
                       "IF EXISTS", or both "EXCEPTION" and "WHEN duplicate_". Comments and
                       literals in the body count too. */
    struct effect *v;
    size_t n;
};

/* Effects of every statement of s: out[i] for statement i (array of s->n; caller
 * releases with effects_release). Never fails; statements it does not understand
 * are EFFC_UNKNOWN with reason "not analysed". */
struct stmt_effects *effects_of_script(const struct sql_script *s);
void effects_release(struct stmt_effects *v, size_t n);

/* Human label for an effect, e.g. `column "User"."email"`, `index "Order_createdAt_idx"`,
 * `value 'SHIPPED' of enum "OrderStatus"`. Caller frees. */
char *effect_describe(const struct effect *e);

#endif
