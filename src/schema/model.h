/*
 * model.h - an in-memory model of a PostgreSQL schema: what `diff` compares
 * and `drift` checks. It can be built from a live database (schema/catalog.c
 * reads pg_catalog, one query per object kind), from a migrations directory or
 * a SQL file (replayed on a shadow database, then read the same way), or empty.
 * Later, a parser for schema.prisma will fill the same model.
 *
 * Representation rules, so that two models compare with plain string
 * equality wherever possible:
 * - every name is the exact identifier, unquoted (case preserved: "SystemPrompt");
 *   generated SQL quotes every identifier (util/quote.h);
 * - every type, default, expression and definition is PostgreSQL's own
 *   canonical rendering (format_type, pg_get_expr, pg_get_constraintdef,
 *   pg_get_indexdef, pg_get_viewdef, pg_get_triggerdef, pg_get_functiondef) as
 *   read with search_path set to the model's schemas, so equal objects render
 *   equally whichever database they were read from;
 * - arrays are sorted by (schema, name) (columns by position), so lookups are
 *   binary searches and output is deterministic;
 * - objects that belong to an extension, and pgmig's/Prisma's history table
 *   `_prisma_migrations`, are not part of the model;
 * - what PostgreSQL derives from another object is part of that object, not
 *   listed on its own: indexes backing a constraint, identity sequences,
 *   internal triggers, and a partition's clones of its parent's indexes,
 *   foreign keys, unique/primary keys, inherited checks and triggers (and a
 *   range type's constructor functions: range types are not modelled yet).
 *
 * Memory: every string and array of a model is owned by it (model_release).
 */
#ifndef PGMIG_SCHEMA_MODEL_H
#define PGMIG_SCHEMA_MODEL_H

#include <stddef.h>

struct m_column {
    char *name;
    int position; /* attnum order among live columns, from 1 */
    char *type;   /* format_type(atttypid, atttypmod): "character varying(20)", "\"Role\"",
                     "integer[]", "timestamp(3) without time zone" */
    int not_null;
    char *default_expr;     /* pg_get_expr(adbin, adrelid), NULL when none (and for generated) */
    char identity;          /* 'a' ALWAYS, 'd' BY DEFAULT, 0 none */
    char *identity_options; /* an identity column's sequence options that differ from the
                               defaults for its type, in CREATE SEQUENCE order and spelling
                               ("INCREMENT BY 2 START WITH 100 CACHE 10"); NULL when all
                               default or not an identity column */
    char *generated;        /* STORED generation expression, NULL when not generated */
    char *collation;        /* collation name when not the type's default, else NULL; the bare
                               name ("C", "en-x-icu") when visible on the read search_path
                               (pg_catalog's and the read schemas'), else schema.name quoted
                               as needed (other."my coll") */
    char *comment;
};

struct m_constraint {
    char *name;
    char type;        /* 'p' primary key, 'u' unique, 'f' foreign key, 'c' check, 'x' exclusion */
    char *definition; /* pg_get_constraintdef(oid): "PRIMARY KEY (id)", "FOREIGN KEY
                         (\"userId\") REFERENCES \"User\"(id) ON UPDATE CASCADE ON DELETE
                         RESTRICT", "CHECK ((price > 0))" ... (includes NOT VALID) */
    char **columns;   /* constrained columns in key order (NULL-terminated count below) */
    size_t n_columns;
    /* foreign keys */
    char *ref_schema;
    char *ref_table;
    char **ref_columns;
    size_t n_ref_columns;
    char on_update, on_delete; /* confupdtype / confdeltype: a r c n d */
    int deferrable, deferred;
    int validated;
    char *comment;
};

struct m_index {
    char *name;
    char *definition; /* pg_get_indexdef(oid, 0, true): "CREATE INDEX i ON t USING btree
                         (x) WHERE x > 1" (the pretty form names the table unqualified
                         when it is in a read schema; pg_get_indexdef(oid) never does) */
    char *method;     /* btree, hash, gin, gist, brin, ... */
    int unique;
    int valid;       /* indisvalid */
    char *predicate; /* pg_get_expr(indpred), NULL when none */
    char **keys;     /* pg_get_indexdef(oid, k, true) for each key column/expression */
    size_t n_keys;
    char *comment;
};

struct m_trigger {
    char *name;
    char *definition; /* pg_get_triggerdef(oid, true) (pretty: the table unqualified when
                         in a read schema) */
    int enabled;      /* tgenabled != 'D' */
    char *comment;
};

struct m_table {
    char *schema;
    char *name;
    char kind;             /* 'r' table, 'p' partitioned table */
    char *partition_of;    /* "schema"."parent" when a partition, else NULL (both parts always
                              double-quoted, as util/quote.h's quote_ident writes them) */
    char *partition_bound; /* pg_get_expr(relpartbound) */
    char *partition_key;   /* pg_get_partkeydef for 'p' */
    int unlogged;          /* relpersistence 'u' */
    char *options;         /* reloptions joined with ", " ("fillfactor=70"), NULL when none */
    struct m_column *columns;
    size_t n_columns;
    struct m_constraint *constraints;
    size_t n_constraints; /* sorted by name */
    struct m_index *indexes;
    size_t n_indexes; /* not backing a constraint; by name */
    struct m_trigger *triggers;
    size_t n_triggers; /* user triggers; by name */
    char *comment;
};

struct m_enum {
    char *schema;
    char *name;
    char **values; /* in enumsortorder */
    size_t n_values;
    char *comment;
};

struct m_sequence {
    char *schema;
    char *name;
    char *type; /* "bigint", "integer", "smallint" */
    long long start, increment, min, max, cache;
    int cycle;
    char *owned_by; /* "table"."column" (same schema) when OWNED BY, else NULL (both
                       parts always double-quoted, as quote_ident writes them) */
    char *comment;
};

struct m_view {
    char *schema;
    char *name;
    int materialized;
    char *definition; /* pg_get_viewdef(oid, true) */
    struct m_index *indexes;
    size_t n_indexes; /* materialized views */
    struct m_trigger *triggers;
    size_t n_triggers; /* INSTEAD OF ... triggers; by name */
    char *options;     /* reloptions joined with ", " ("security_barrier=true,
                          check_option=local"), NULL when none */
    char *comment;
};

struct m_function {
    char *schema;
    char *name;
    char kind;    /* 'f' function, 'p' procedure, 'a' aggregate, 'w' window */
    char *args;   /* pg_get_function_identity_arguments(oid): "a integer, b text" */
    char *result; /* pg_get_function_result(oid), NULL for procedures */
    char *language;
    char *definition;   /* pg_get_functiondef(oid) (NULL for aggregates), with the name in
                           its first line unqualified when the schema is a read schema
                           (pg_get_functiondef always qualifies it) */
    char body_hash[65]; /* SHA-256 of prosrc */
    char *comment;
};

struct m_extension {
    char *name;
    char *schema;
    char *version;
};

struct m_schema {
    char *name;
    char *comment;
};

struct m_type { /* composite types and domains (enums are m_enum) */
    char *schema;
    char *name;
    char kind;        /* 'c' composite, 'd' domain */
    char *definition; /* domain: base type + constraints: "integer COLLATE \"C\" NOT NULL
                         DEFAULT 0 CONSTRAINT positive CHECK ((VALUE > 0))" (constraints
                         by name); composite: "(street text, zip integer)" */
    char *comment;
};

struct schema_model {
    struct m_schema *schemas;
    size_t n_schemas;
    struct m_extension *extensions;
    size_t n_extensions;
    struct m_enum *enums;
    size_t n_enums;
    struct m_type *types;
    size_t n_types;
    struct m_sequence *sequences;
    size_t n_sequences;
    struct m_table *tables;
    size_t n_tables;
    struct m_view *views;
    size_t n_views;
    struct m_function *functions;
    size_t n_functions; /* sorted by schema, name, args */
};

void model_init(struct schema_model *m);
void model_release(struct schema_model *m);

/* Lookups (binary search; NULL when absent). schema NULL matches any. */
const struct m_table *model_table(const struct schema_model *m, const char *schema,
                                  const char *name);
const struct m_enum *model_enum(const struct schema_model *m, const char *schema, const char *name);
const struct m_column *table_column(const struct m_table *t, const char *name);

/* Sort every array into the canonical order (after filling a model by hand). */
void model_sort(struct schema_model *m);

/*
 * A stable, line-oriented text rendering of the whole model (one object or
 * property per line), for tests, debugging and `pgmig diff --json` fallbacks.
 * Two models are equal exactly when their dumps are equal. Caller frees.
 */
char *model_dump(const struct schema_model *m);

#endif
