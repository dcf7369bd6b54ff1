/*
 * lint_rules.h - the parse-tree side of `pgmig lint`: walks each statement of
 * a parsed script and reports neutral findings ("hits": rule, statement, byte
 * offset of the token to blame, message) and facts the engine needs to decide
 * them across statements and migrations (relations referenced, lock_timeout
 * settings, CHECK ... IS NOT NULL constraints, enum values added, ...).
 *
 * Nothing here knows about files, history, severities, suppression or the
 * server version: lint/lint.c decides which hits become findings (e.g. no
 * CONCURRENTLY demand on a table created earlier in the same migration).
 * No parser types cross this interface.
 */
#ifndef PGMIG_SQL_LINT_RULES_H
#define PGMIG_SQL_LINT_RULES_H

#include "sql/script.h"

#include <stddef.h>

/* Every rule of `pgmig lint`, in documentation order. Ids and severities live in
 * lint/lint.c; some rules are decided there alone (from facts and the plan). */
enum lint_rule {
    LINT_ADDING_REQUIRED_FIELD,
    LINT_ADDING_NOT_NULLABLE_FIELD,
    LINT_ADDING_FIELD_WITH_DEFAULT,
    LINT_CHANGING_COLUMN_TYPE,
    LINT_REQUIRE_CONCURRENT_INDEX_CREATION,
    LINT_REQUIRE_CONCURRENT_INDEX_DELETION,
    LINT_CONCURRENT_IN_TRANSACTION,
    LINT_CONSTRAINT_MISSING_NOT_VALID,
    LINT_DISALLOWED_UNIQUE_CONSTRAINT,
    LINT_BAN_DROP_TABLE,
    LINT_BAN_DROP_COLUMN,
    LINT_BAN_TRUNCATE,
    LINT_RENAMING_TABLE,
    LINT_RENAMING_COLUMN,
    LINT_REQUIRE_ENUM_VALUE_ORDERING,
    LINT_ENUM_VALUE_IN_TRANSACTION,
    LINT_PREFER_ROBUST_STMTS,
    LINT_REQUIRE_LOCK_TIMEOUT,
    LINT_IDENTIFIER_TOO_LONG,
    LINT_BAN_CHAR_FIELD,
    LINT_PREFER_TIMESTAMPTZ,
    LINT_PREFER_BIGINT_OVER_INT,
    LINT_NON_MIGRATION_STATEMENT,
    LINT_UNKNOWN_REFERENCE,
    LINT_UNCOMMITTED_TRANSACTION,
    LINT_UNSUPPORTED_STATEMENT,
    LINT_SYNTAX_ERROR,
    LINT_RULE_COUNT
};

/*
 * A candidate finding. `table` (with `schema`, NULL when unqualified) names
 * the relation the hit is about when whether it is new matters; `on_index`
 * says `table` names an index instead (DROP INDEX), whose table the engine
 * looks up. Names are exact identifiers (case as PostgreSQL stores them).
 */
struct lint_hit {
    enum lint_rule rule;
    size_t stmt;   /* statement index */
    size_t offset; /* byte offset in the script text of the token to blame */
    char *message; /* owned; names the objects, without the rule id */
    char *schema;  /* owned or NULL */
    char *table;   /* owned or NULL */
    char *column;  /* owned or NULL: ADDING_NOT_NULLABLE_FIELD, CHANGING_COLUMN_TYPE */
    int on_index;
    /* ADDING_FIELD_WITH_DEFAULT: 1 when the default is (or may be) volatile or
     * the column is generated/identity (a rewrite on every version), 0 for a
     * constant default (a rewrite only before PostgreSQL 11).
     * CHANGING_COLUMN_TYPE: 1 when the statement has USING. */
    int flag;
    /* CHANGING_COLUMN_TYPE: the new type as written (dotted, unquoted names,
     * e.g. "pg_catalog.varchar"), its integer typmods and array dimensions. */
    char *type_name;
    int typmods[2];
    int n_typmods;
    int array_dims;
};

enum lint_fact_kind {
    /* The statement needs relation `table` to exist (and its column `column`
     * when set). `offset` is where the name is written. */
    LFACT_REF,
    /* Creates temporary relation `table` (the effects list no temporary objects). */
    LFACT_TEMP_RELATION,
    /* Relation `table` gets columns the statement does not list (LIKE,
     * INHERITS, PARTITION OF, OF type, AS SELECT, views). */
    LFACT_COLUMNS_UNKNOWN,
    /* Adds CHECK constraint `name` on `table` asserting `column` IS NOT NULL;
     * flag 1 when it is validated at once (no NOT VALID). */
    LFACT_NOTNULL_CHECK,
    /* ALTER TABLE `table` VALIDATE CONSTRAINT `name`. */
    LFACT_VALIDATE,
    /* SET / RESET lock_timeout: flag is one of LT_*. */
    LFACT_LOCK_TIMEOUT,
    /* ALTER TYPE `table` (the enum) ADD VALUE `name`. */
    LFACT_ENUM_ADD,
    /* Runs code pgmig cannot see into, which may create objects: flag 1 for
     * anything (CALL, SELECT f(), EXECUTE, IMPORT FOREIGN SCHEMA), flag 0 for
     * only objects named in its text (DO). */
    LFACT_MAY_CREATE,
    /* Takes an ACCESS EXCLUSIVE lock on relation `table` (flag 1: `table`
     * names an index, whose table is locked). */
    LFACT_ACCESS_EXCLUSIVE,
};

enum {
    LT_SET = 1,         /* SET lock_timeout = <non-zero> */
    LT_SET_LOCAL = 2,   /* SET LOCAL lock_timeout = <non-zero> */
    LT_RESET = 3,       /* RESET lock_timeout / RESET ALL / SET ... = 0 or DEFAULT */
    LT_RESET_LOCAL = 4, /* SET LOCAL lock_timeout = 0 or DEFAULT */
};

struct lint_fact {
    enum lint_fact_kind kind;
    size_t stmt;
    size_t offset;
    char *schema; /* owned or NULL */
    char *table;  /* owned or NULL */
    char *column; /* owned or NULL */
    char *name;   /* owned or NULL */
    int flag;
};

struct lint_scan {
    struct lint_hit *hits;
    size_t n_hits, cap_hits;
    struct lint_fact *facts;
    size_t n_facts, cap_facts;
};

/*
 * Inspect every statement of s, appending hits and facts in statement order
 * (s must have parsed). Never fails. Release with lint_scan_release.
 */
void lint_scan_script(const struct sql_script *s, struct lint_scan *out);
void lint_scan_release(struct lint_scan *out);

/*
 * Byte offset in the script text of the first string constant in statement
 * i equal to `value` ('X', 'X'::"Enum", ...), or -1 when there is none.
 */
long lint_stmt_find_string(const struct sql_script *s, size_t i, const char *value);

/*
 * Comments of text[0..len) that hold `marker` (e.g. "pgmig-lint-disable"),
 * found with PostgreSQL's own scanner so that the marker inside a string
 * literal does not count. Returns the number found; *out (caller frees) gets
 * their byte spans. A text the scanner rejects gives 0.
 */
struct lint_span {
    size_t start, len;
};
size_t lint_find_comments(const char *text, size_t len, const char *marker, struct lint_span **out);

#endif
