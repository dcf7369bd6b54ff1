/*
 * script.h - the libpg_query adapter: split a SQL script into statements with
 * exact byte spans, using PostgreSQL's own parser (pg_query_parse_protobuf),
 * and classify each statement from its parse tree (kind label, whether it can
 * run inside a transaction block, transaction control).
 *
 * No hand-written splitting: statement boundaries come from the parser's
 * RawStmt stmt_location/stmt_len. The only hand-written scanning is skipping
 * the whitespace and comments that libpg_query includes at the front of a
 * statement's span, so that `start` points at its first token.
 * At the end of a span, whitespace is trimmed and a trailing comment (before
 * the ';', or after a last statement that has none) is cut where
 * libpg_query's own scanner (pg_query_scan) says it starts.
 */
#ifndef PGMIG_SQL_SCRIPT_H
#define PGMIG_SQL_SCRIPT_H

#include "util/err.h"

#include <stddef.h>

/* Statement flags (bit set). */
enum {
    /* Cannot run inside a transaction block on any server version: CREATE/DROP
     * INDEX CONCURRENTLY, REINDEX CONCURRENTLY, REINDEX SYSTEM/DATABASE, VACUUM,
     * CREATE/DROP DATABASE, ALTER SYSTEM, CREATE/DROP TABLESPACE, ALTER TABLE ...
     * DETACH PARTITION ... CONCURRENTLY, CLUSTER without a table, CREATE
     * SUBSCRIPTION / DROP SUBSCRIPTION with a slot, ALTER DATABASE SET TABLESPACE.
     * Also REINDEX SCHEMA, DISCARD ALL and ALTER SUBSCRIPTION ... REFRESH / SET,
     * ADD, DROP PUBLICATION. Decided from the parse tree alone, conservatively
     * (CREATE/DROP SUBSCRIPTION are marked whatever their slot options); cases
     * that depend on the catalog (CLUSTER or REINDEX of a partitioned table) are
     * not detected. */
    STMT_NONTX = 1u << 0,
    /* ALTER TYPE ... ADD VALUE: non-transactional on servers older than 12. */
    STMT_NONTX_BEFORE_12 = 1u << 1,
    STMT_TX_BEGIN = 1u << 2,    /* BEGIN / START TRANSACTION */
    STMT_TX_COMMIT = 1u << 3,   /* COMMIT / END (not COMMIT PREPARED) */
    STMT_TX_ROLLBACK = 1u << 4, /* ROLLBACK / ABORT (not ROLLBACK TO SAVEPOINT) */
    /* SAVEPOINT, RELEASE, ROLLBACK TO, PREPARE TRANSACTION, COMMIT/ROLLBACK PREPARED */
    STMT_TX_OTHER = 1u << 5,
    STMT_COPY_STDIN = 1u << 6,      /* COPY ... FROM STDIN: needs client data, unsupported */
    STMT_SET_TRANSACTION = 1u << 7, /* SET TRANSACTION ... (must precede any query) */
    STMT_DDL = 1u << 8,             /* schema change (CREATE/ALTER/DROP/COMMENT/GRANT...) */
    STMT_DML = 1u << 9,             /* INSERT/UPDATE/DELETE/MERGE/COPY/SELECT/TRUNCATE */
    STMT_COPY_STDOUT = 1u << 10,    /* COPY ... TO STDOUT: sends data to the client, unsupported */
};

#define STMT_TX_CONTROL (STMT_TX_BEGIN | STMT_TX_COMMIT | STMT_TX_ROLLBACK | STMT_TX_OTHER)

struct sql_stmt {
    size_t start;     /* byte offset of the first token (leading blanks/comments skipped) */
    size_t len;       /* bytes up to and including the last token; excludes the ';' */
    int line;         /* 1-based line of `start` */
    int col;          /* 1-based column (characters) of `start` */
    int node;         /* PgQuery__Node__NodeCase of the statement, for engine dispatch */
    const char *kind; /* static label: "CREATE TABLE", "ALTER TYPE", "DO", ... */
    unsigned flags;
};

struct sql_script {
    const char *text; /* not owned; must outlive the script */
    size_t len;
    struct sql_stmt *stmts;
    size_t n;
    void *tree_;  /* the unpacked PgQuery__ParseResult, owned (see sql/tree.h) */
    void *arena_; /* private: the memory tree_ lives in */
};

/*
 * Parse text[0..len) (need not be NUL-terminated; it is copied for the
 * parser). `file` is used only to locate errors. Returns 0, or -1 with e
 * filled: a syntax error (PM_EXIT_FAIL) located at file:line:col of the token
 * the parser blames, with the parser's message; a NUL byte in the text; or
 * invalid UTF-8 (located at the first bad byte). A script with no statements
 * (empty, or only comments) parses to n == 0.
 *
 * Also -1 (PM_EXIT_FAIL) for a statement whose parse tree is more than
 * SQL_MAX_TREE_DEPTH message levels deep (e.g. a chain of thousands of
 * binary operators), located at that statement: code that walks the tree
 * recursively can rely on the bound. Texts over 4 kB are parsed on a helper
 * thread with a stack sized from the text, because libpg_query's tree output
 * recurses once per level and would overflow the caller's stack; -1 with
 * PM_EXIT_ENV if that thread cannot be created.
 */
#define SQL_MAX_TREE_DEPTH 4000

int sql_script_parse(struct sql_script *s, const char *file, const char *text, size_t len,
                     struct pm_err *e);
void sql_script_release(struct sql_script *s);
/*
 * Free the parse tree but keep the statements (spans, kinds, flags): enough
 * to plan and run the script, for callers that hold many scripts at once.
 * sql_script_node() must not be used afterwards.
 */
void sql_script_drop_tree(struct sql_script *s);

/* Is statement i non-transactional on a server with this version number
 * (e.g. 150004)? Combines STMT_NONTX and STMT_NONTX_BEFORE_12. */
int sql_stmt_is_nontx(const struct sql_stmt *st, int server_version_num);

#endif
