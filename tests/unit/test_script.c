/*
 * test_script.c - unit tests for src/sql: statement spans, line:col, flags
 * and kinds, error locations, tree helpers, and the real migration corpora
 * (statement counts; every span re-parses alone to the same statement).
 */
#include "sql/script.h"
#include "sql/tree.h"
#include "unit.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/mem.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* Parse a C string; a failure is reported as a check failure. */
static int parse_ok(struct sql_script *s, const char *sql)
{
    struct pm_err e = PM_ERR_INIT;
    int rc = sql_script_parse(s, "t.sql", sql, strlen(sql), &e);
    if (rc != 0)
        fprintf(stderr, "unexpected parse error: %s:%d:%d: %s\n", e.file ? e.file : "?", e.line,
                e.col, e.primary ? e.primary : "?");
    CHECK_INT(rc, 0);
    pm_err_release(&e);
    return rc;
}

/* Statement i's span as a new string. */
static char *span(const struct sql_script *s, size_t i)
{
    return xstrndup(s->text + s->stmts[i].start, s->stmts[i].len);
}

#define CHECK_SPAN(s, i, expect, ln, cl)                                                           \
    do {                                                                                           \
        char *sp_ = span((s), (i));                                                                \
        CHECK_STR(sp_, (expect));                                                                  \
        free(sp_);                                                                                 \
        CHECK_INT((s)->stmts[i].line, (ln));                                                       \
        CHECK_INT((s)->stmts[i].col, (cl));                                                        \
    } while (0)

static void test_mixed_file(void)
{
    static const char sql[] = "-- leading comment\r\n"
                              "/* block /* nested; */ still comment; */\r\n"
                              "\r\n"
                              "CREATE TABLE \"a\" (id int);\r\n"
                              "\r\n"
                              "CREATE FUNCTION f() RETURNS trigger AS $$\r\n"
                              "BEGIN\r\n"
                              "  NEW.id := 1; RETURN NEW;\r\n"
                              "END;\r\n"
                              "$$ LANGUAGE plpgsql;\r\n"
                              "-- between; with a semicolon\r\n"
                              "DO $do$ BEGIN PERFORM 1; END $do$;\r\n"
                              "INSERT INTO \"a\" VALUES (1) ;  -- after the semicolon\r\n"
                              "  SELECT 'x;y' -- final comment, no semicolon\r\n";
    struct sql_script s;
    if (parse_ok(&s, sql))
        return;
    CHECK_INT(s.n, 5);
    if (s.n == 5) {
        CHECK_SPAN(&s, 0, "CREATE TABLE \"a\" (id int)", 4, 1);
        CHECK_SPAN(&s, 1,
                   "CREATE FUNCTION f() RETURNS trigger AS $$\r\nBEGIN\r\n  NEW.id := 1; RETURN "
                   "NEW;\r\nEND;\r\n$$ LANGUAGE plpgsql",
                   6, 1);
        CHECK_SPAN(&s, 2, "DO $do$ BEGIN PERFORM 1; END $do$", 12, 1);
        CHECK_SPAN(&s, 3, "INSERT INTO \"a\" VALUES (1)", 13, 1);
        CHECK_SPAN(&s, 4, "SELECT 'x;y'", 14, 3);
        CHECK_STR(s.stmts[0].kind, "CREATE TABLE");
        CHECK_STR(s.stmts[1].kind, "CREATE FUNCTION");
        CHECK_STR(s.stmts[2].kind, "DO");
        CHECK_STR(s.stmts[3].kind, "INSERT");
        CHECK_STR(s.stmts[4].kind, "SELECT");
        CHECK_INT(s.stmts[0].node, PG_QUERY__NODE__NODE_CREATE_STMT);
        CHECK_INT(s.stmts[2].node, PG_QUERY__NODE__NODE_DO_STMT);
        /* the span is a pointer into the caller's text, not a copy */
        CHECK(s.text == sql);
    }
    sql_script_release(&s);
    CHECK(s.stmts == NULL && s.n == 0 && s.tree_ == NULL);
}

static void test_trailing(void)
{
    struct sql_script s;
    /* last statement without ';' ending in a line comment without newline */
    if (parse_ok(&s, "SELECT 1;\nSELECT 2 -- c") == 0) {
        CHECK_INT(s.n, 2);
        if (s.n == 2) {
            CHECK_SPAN(&s, 0, "SELECT 1", 1, 1);
            CHECK_SPAN(&s, 1, "SELECT 2", 2, 1);
        }
        sql_script_release(&s);
    }
    /* ... ending in comments and blank lines */
    if (parse_ok(&s, "SELECT 2\n-- one\n/* two\n-- */\n\n") == 0) {
        CHECK_INT(s.n, 1);
        if (s.n == 1)
            CHECK_SPAN(&s, 0, "SELECT 2", 1, 1);
        sql_script_release(&s);
    }
    /* libpg_query's scanner reports no length for U&'...' tokens */
    if (parse_ok(&s, "SELECT U&'d\\0061t' /* c */ -- d\n; SELECT U&\"x\" FROM t --") == 0) {
        CHECK_INT(s.n, 2);
        if (s.n == 2) {
            CHECK_SPAN(&s, 0, "SELECT U&'d\\0061t'", 1, 1);
            CHECK_SPAN(&s, 1, "SELECT U&\"x\" FROM t", 2, 3);
        }
        sql_script_release(&s);
    }
    if (parse_ok(&s, "SELECT 1 - U&'x' UESCAPE '!'\n/* ; */") == 0) {
        CHECK_INT(s.n, 1);
        if (s.n == 1)
            CHECK_SPAN(&s, 0, "SELECT 1 - U&'x' UESCAPE '!'", 1, 1);
        sql_script_release(&s);
    }
    /* "--" inside the last token is not a comment */
    if (parse_ok(&s, "SELECT '--' ") == 0) {
        CHECK_INT(s.n, 1);
        if (s.n == 1)
            CHECK_SPAN(&s, 0, "SELECT '--'", 1, 1);
        sql_script_release(&s);
    }
    if (parse_ok(&s, "SELECT 1 - -1 \n") == 0) {
        CHECK_INT(s.n, 1);
        if (s.n == 1)
            CHECK_SPAN(&s, 0, "SELECT 1 - -1", 1, 1);
        sql_script_release(&s);
    }
    /* a comment between the last token and ';' */
    if (parse_ok(&s, "SELECT 1 -- why\n;SELECT 'é' /* x */ ;") == 0) {
        CHECK_INT(s.n, 2);
        if (s.n == 2) {
            CHECK_SPAN(&s, 0, "SELECT 1", 1, 1);
            CHECK_SPAN(&s, 1, "SELECT 'é'", 2, 2);
        }
        sql_script_release(&s);
    }
    /* PostgreSQL ends a "--" comment at '\r' as well as '\n' */
    if (parse_ok(&s, "SELECT 1; -- c; \rSELECT 2 --x\r") == 0) {
        CHECK_INT(s.n, 2);
        if (s.n == 2) {
            CHECK_SPAN(&s, 0, "SELECT 1", 1, 1);
            CHECK_SPAN(&s, 1, "SELECT 2", 1, 18);
        }
        sql_script_release(&s);
    }
    /* empty statements are not statements */
    if (parse_ok(&s, ";;SELECT 1;;; ;SELECT 2;;") == 0) {
        CHECK_INT(s.n, 2);
        if (s.n == 2) {
            CHECK_SPAN(&s, 0, "SELECT 1", 1, 3);
            CHECK_SPAN(&s, 1, "SELECT 2", 1, 16);
        }
        sql_script_release(&s);
    }
    /* SQL-standard function body: ';' inside BEGIN ATOMIC ... END */
    if (parse_ok(&s, "CREATE FUNCTION g() RETURNS int LANGUAGE sql\nBEGIN ATOMIC SELECT 1; "
                     "SELECT 2; END;\nSELECT 3") == 0) {
        CHECK_INT(s.n, 2);
        if (s.n == 2) {
            CHECK_SPAN(
                &s, 0,
                "CREATE FUNCTION g() RETURNS int LANGUAGE sql\nBEGIN ATOMIC SELECT 1; SELECT "
                "2; END",
                1, 1);
            CHECK_SPAN(&s, 1, "SELECT 3", 3, 1);
        }
        sql_script_release(&s);
    }
}

static void test_empty(void)
{
    static const char *const empties[] = {
        "", "   \n\t\r\n", "-- only a comment", "-- a\n/* b /* c */ */\n-- d\n", ";", " ; ;\n;",
    };
    for (size_t i = 0; i < ARRAY_SIZE(empties); i++) {
        struct sql_script s;
        if (parse_ok(&s, empties[i]) == 0) {
            CHECK_INT(s.n, 0);
            sql_script_release(&s);
        }
    }
    /* only text[0..len) counts: len 0 is an empty script */
    struct sql_script s;
    struct pm_err e = PM_ERR_INIT;
    CHECK_INT(sql_script_parse(&s, "t.sql", "SELECT 1", 0, &e), 0);
    CHECK_INT(s.n, 0);
    sql_script_release(&s);
}

static void test_not_nul_terminated(void)
{
    /* text[len] is not read: the statement is cut where len says */
    static const char sql[] = "SELECT 1; SELECT 22";
    struct sql_script s;
    struct pm_err e = PM_ERR_INIT;
    CHECK_INT(sql_script_parse(&s, "t.sql", sql, strlen(sql) - 1, &e), 0);
    CHECK_INT(s.n, 2);
    if (s.n == 2)
        CHECK_SPAN(&s, 1, "SELECT 2", 1, 11);
    sql_script_release(&s);
}

static void test_line_col_multibyte(void)
{
    struct sql_script s;
    /* columns count characters: "é" and "€" are 2 and 3 bytes */
    if (parse_ok(&s, "/* é€ */ SELECT 1; SELECT 'ü';\n\tSELECT 3;") == 0) {
        CHECK_INT(s.n, 3);
        if (s.n == 3) {
            CHECK_INT(s.stmts[0].start, 12);
            CHECK_SPAN(&s, 0, "SELECT 1", 1, 10);
            CHECK_INT(s.stmts[1].start, 22);
            CHECK_SPAN(&s, 1, "SELECT 'ü'", 1, 20);
            CHECK_SPAN(&s, 2, "SELECT 3", 2, 2);
        }
        sql_script_release(&s);
    }
}

struct flag_case {
    const char *sql;
    const char *kind;
    unsigned flags;
};

static const struct flag_case flag_cases[] = {
    {"CREATE INDEX CONCURRENTLY i ON t (a)", "CREATE INDEX", STMT_DDL | STMT_NONTX},
    {"CREATE UNIQUE INDEX i ON t (a)", "CREATE INDEX", STMT_DDL},
    {"DROP INDEX CONCURRENTLY IF EXISTS i", "DROP INDEX", STMT_DDL | STMT_NONTX},
    {"DROP INDEX i", "DROP INDEX", STMT_DDL},
    {"DROP TABLE t", "DROP TABLE", STMT_DDL},
    {"DROP TYPE \"E\"", "DROP TYPE", STMT_DDL},
    {"DROP VIEW v", "DROP VIEW", STMT_DDL},
    {"DROP MATERIALIZED VIEW v", "DROP MATERIALIZED VIEW", STMT_DDL},
    {"DROP FUNCTION f()", "DROP FUNCTION", STMT_DDL},
    {"DROP SEQUENCE s", "DROP SEQUENCE", STMT_DDL},
    {"DROP EXTENSION e", "DROP EXTENSION", STMT_DDL},
    {"DROP TRIGGER tr ON t", "DROP TRIGGER", STMT_DDL},
    {"DROP SCHEMA s CASCADE", "DROP SCHEMA", STMT_DDL},
    {"REINDEX TABLE CONCURRENTLY t", "REINDEX", STMT_NONTX},
    {"REINDEX (CONCURRENTLY) INDEX i", "REINDEX", STMT_NONTX},
    {"REINDEX (CONCURRENTLY false) INDEX i", "REINDEX", 0},
    {"REINDEX (VERBOSE) TABLE t", "REINDEX", 0},
    {"REINDEX SYSTEM postgres", "REINDEX", STMT_NONTX},
    {"REINDEX DATABASE d", "REINDEX", STMT_NONTX},
    {"REINDEX SCHEMA s", "REINDEX", STMT_NONTX},
    {"VACUUM t", "VACUUM", STMT_NONTX},
    {"VACUUM (ANALYZE) t", "VACUUM", STMT_NONTX},
    {"ANALYZE t", "ANALYZE", 0},
    {"CREATE DATABASE d", "CREATE DATABASE", STMT_DDL | STMT_NONTX},
    {"DROP DATABASE d", "DROP DATABASE", STMT_DDL | STMT_NONTX},
    {"ALTER SYSTEM SET work_mem = '1MB'", "ALTER SYSTEM", STMT_DDL | STMT_NONTX},
    {"CREATE TABLESPACE ts LOCATION '/x'", "CREATE TABLESPACE", STMT_DDL | STMT_NONTX},
    {"DROP TABLESPACE ts", "DROP TABLESPACE", STMT_DDL | STMT_NONTX},
    {"ALTER TABLESPACE ts RENAME TO ts2", "ALTER TABLESPACE", STMT_DDL},
    {"ALTER TABLE p DETACH PARTITION c CONCURRENTLY", "ALTER TABLE", STMT_DDL | STMT_NONTX},
    {"ALTER TABLE p DETACH PARTITION c", "ALTER TABLE", STMT_DDL},
    {"ALTER TABLE \"t\" ADD COLUMN \"a\" TEXT", "ALTER TABLE", STMT_DDL},
    {"ALTER TABLE t RENAME CONSTRAINT a TO b", "ALTER TABLE", STMT_DDL},
    {"ALTER TABLE t RENAME COLUMN a TO b", "ALTER TABLE", STMT_DDL},
    {"ALTER TABLE t RENAME TO u", "ALTER TABLE", STMT_DDL},
    {"ALTER INDEX i RENAME TO j", "ALTER INDEX", STMT_DDL},
    {"ALTER VIEW v RENAME COLUMN a TO b", "ALTER VIEW", STMT_DDL},
    {"ALTER TYPE t RENAME ATTRIBUTE a TO b", "ALTER TYPE", STMT_DDL},
    {"ALTER TYPE \"E\" RENAME TO \"F\"", "ALTER TYPE", STMT_DDL},
    {"ALTER TABLE t SET SCHEMA s", "ALTER TABLE", STMT_DDL},
    {"ALTER FUNCTION f() OWNER TO r", "ALTER FUNCTION", STMT_DDL},
    {"CLUSTER", "CLUSTER", STMT_DDL | STMT_NONTX},
    {"CLUSTER t USING i", "CLUSTER", STMT_DDL},
    {"CREATE SUBSCRIPTION s CONNECTION 'x' PUBLICATION p", "CREATE SUBSCRIPTION",
     STMT_DDL | STMT_NONTX},
    {"DROP SUBSCRIPTION s", "DROP SUBSCRIPTION", STMT_DDL | STMT_NONTX},
    {"ALTER SUBSCRIPTION s REFRESH PUBLICATION", "ALTER SUBSCRIPTION", STMT_DDL | STMT_NONTX},
    {"ALTER SUBSCRIPTION s DISABLE", "ALTER SUBSCRIPTION", STMT_DDL},
    {"CREATE PUBLICATION p FOR ALL TABLES", "CREATE PUBLICATION", STMT_DDL},
    {"ALTER DATABASE d SET TABLESPACE ts", "ALTER DATABASE", STMT_DDL | STMT_NONTX},
    {"ALTER DATABASE d CONNECTION LIMIT 5", "ALTER DATABASE", STMT_DDL},
    {"ALTER DATABASE d SET work_mem = '1MB'", "ALTER DATABASE", STMT_DDL},
    {"ALTER TYPE \"E\" ADD VALUE 'x'", "ALTER TYPE", STMT_DDL | STMT_NONTX_BEFORE_12},
    {"ALTER TYPE \"E\" ADD VALUE IF NOT EXISTS 'x' BEFORE 'y'", "ALTER TYPE",
     STMT_DDL | STMT_NONTX_BEFORE_12},
    {"ALTER TYPE \"E\" RENAME VALUE 'x' TO 'y'", "ALTER TYPE", STMT_DDL},
    {"ALTER TYPE t ADD ATTRIBUTE a int", "ALTER TYPE", STMT_DDL},
    {"ALTER TYPE t OWNER TO r", "ALTER TYPE", STMT_DDL},
    {"BEGIN", "BEGIN", STMT_TX_BEGIN},
    {"BEGIN ISOLATION LEVEL SERIALIZABLE", "BEGIN", STMT_TX_BEGIN},
    {"START TRANSACTION", "START TRANSACTION", STMT_TX_BEGIN},
    {"COMMIT", "COMMIT", STMT_TX_COMMIT},
    {"END", "COMMIT", STMT_TX_COMMIT},
    {"COMMIT AND CHAIN", "COMMIT", STMT_TX_OTHER},
    {"ROLLBACK", "ROLLBACK", STMT_TX_ROLLBACK},
    {"ABORT", "ROLLBACK", STMT_TX_ROLLBACK},
    {"ROLLBACK AND CHAIN", "ROLLBACK", STMT_TX_OTHER},
    {"SAVEPOINT a", "SAVEPOINT", STMT_TX_OTHER},
    {"RELEASE SAVEPOINT a", "RELEASE", STMT_TX_OTHER},
    {"ROLLBACK TO SAVEPOINT a", "ROLLBACK TO SAVEPOINT", STMT_TX_OTHER},
    {"PREPARE TRANSACTION 'g'", "PREPARE TRANSACTION", STMT_TX_OTHER},
    {"COMMIT PREPARED 'g'", "COMMIT PREPARED", STMT_TX_OTHER},
    {"ROLLBACK PREPARED 'g'", "ROLLBACK PREPARED", STMT_TX_OTHER},
    {"COPY t FROM STDIN", "COPY", STMT_DML | STMT_COPY_STDIN},
    {"COPY t (a, b) FROM STDIN WITH (FORMAT csv)", "COPY", STMT_DML | STMT_COPY_STDIN},
    {"COPY t FROM '/tmp/x.csv'", "COPY", STMT_DML},
    {"COPY t FROM PROGRAM 'cat x'", "COPY", STMT_DML},
    {"COPY t TO STDOUT", "COPY", STMT_DML | STMT_COPY_STDOUT},
    {"COPY (SELECT 1) TO '/tmp/x'", "COPY", STMT_DML},
    {"SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", "SET TRANSACTION", STMT_SET_TRANSACTION},
    {"SET TRANSACTION SNAPSHOT '0001'", "SET TRANSACTION", STMT_SET_TRANSACTION},
    {"SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY", "SET", 0},
    {"SET LOCAL lock_timeout = '5s'", "SET", 0},
    {"SET search_path TO public", "SET", 0},
    {"RESET ALL", "RESET", 0},
    {"SHOW search_path", "SHOW", 0},
    {"DISCARD ALL", "DISCARD", STMT_NONTX},
    {"DISCARD TEMP", "DISCARD", 0},
    {"INSERT INTO t VALUES (1)", "INSERT", STMT_DML},
    {"UPDATE t SET a = 1", "UPDATE", STMT_DML},
    {"DELETE FROM t", "DELETE", STMT_DML},
    {"MERGE INTO t USING u ON t.a = u.a WHEN MATCHED THEN DELETE", "MERGE", STMT_DML},
    {"SELECT 1", "SELECT", STMT_DML},
    {"VALUES (1)", "SELECT", STMT_DML},
    {"SELECT 1 INTO t2", "SELECT INTO", STMT_DDL | STMT_DML},
    {"TRUNCATE t", "TRUNCATE", STMT_DML},
    {"CREATE TABLE \"t\" (\"id\" TEXT NOT NULL, CONSTRAINT \"t_pkey\" PRIMARY KEY (\"id\"))",
     "CREATE TABLE", STMT_DDL},
    {"CREATE TEMP TABLE x ON COMMIT DROP AS SELECT 1", "CREATE TABLE AS", STMT_DDL},
    {"CREATE MATERIALIZED VIEW mv AS SELECT 1", "CREATE MATERIALIZED VIEW", STMT_DDL},
    {"REFRESH MATERIALIZED VIEW CONCURRENTLY mv", "REFRESH MATERIALIZED VIEW", STMT_DDL},
    {"CREATE TYPE \"E\" AS ENUM ('a', 'b')", "CREATE TYPE", STMT_DDL},
    {"CREATE TYPE c AS (a int)", "CREATE TYPE", STMT_DDL},
    {"CREATE TYPE r AS RANGE (subtype = int4)", "CREATE TYPE", STMT_DDL},
    {"CREATE AGGREGATE a (int) (sfunc = f, stype = int)", "CREATE AGGREGATE", STMT_DDL},
    {"CREATE EXTENSION IF NOT EXISTS pg_trgm", "CREATE EXTENSION", STMT_DDL},
    {"CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'", "CREATE FUNCTION",
     STMT_DDL},
    {"CREATE PROCEDURE p() LANGUAGE sql AS 'SELECT 1'", "CREATE PROCEDURE", STMT_DDL},
    {"CREATE TRIGGER tr BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION f()", "CREATE TRIGGER",
     STMT_DDL},
    {"CREATE OR REPLACE VIEW v AS SELECT 1", "CREATE VIEW", STMT_DDL},
    {"CREATE SEQUENCE s", "CREATE SEQUENCE", STMT_DDL},
    {"ALTER SEQUENCE s RESTART", "ALTER SEQUENCE", STMT_DDL},
    {"CREATE SCHEMA IF NOT EXISTS s", "CREATE SCHEMA", STMT_DDL},
    {"COMMENT ON TABLE t IS 'x'", "COMMENT", STMT_DDL},
    {"GRANT SELECT ON t TO r", "GRANT", STMT_DDL},
    {"REVOKE SELECT ON t FROM r", "REVOKE", STMT_DDL},
    {"GRANT r TO u", "GRANT", STMT_DDL},
    {"CREATE POLICY p ON t USING (true)", "CREATE POLICY", STMT_DDL},
    {"CREATE DOMAIN d AS int", "CREATE DOMAIN", STMT_DDL},
    {"DO $$ BEGIN END $$", "DO", 0},
    {"CALL p()", "CALL", 0},
    {"LOCK TABLE t IN ACCESS EXCLUSIVE MODE", "LOCK", 0},
    {"EXPLAIN SELECT 1", "EXPLAIN", 0},
    {"NOTIFY c", "NOTIFY", 0},
};

static void test_flags(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(flag_cases); i++) {
        const struct flag_case *c = &flag_cases[i];
        struct sql_script s;
        struct pm_err e = PM_ERR_INIT;
        if (sql_script_parse(&s, "t.sql", c->sql, strlen(c->sql), &e) != 0) {
            fprintf(stderr, "parse error for \"%s\": %s\n", c->sql, e.primary);
            CHECK(0);
            pm_err_release(&e);
            continue;
        }
        CHECK_INT(s.n, 1);
        if (s.n == 1) {
            if (!s.stmts[0].kind || strcmp(s.stmts[0].kind, c->kind) != 0 ||
                s.stmts[0].flags != c->flags)
                fprintf(stderr, "for \"%s\":\n", c->sql);
            CHECK_STR(s.stmts[0].kind, c->kind);
            CHECK_INT(s.stmts[0].flags, c->flags);
            CHECK_INT(s.stmts[0].len, strlen(c->sql));
        }
        sql_script_release(&s);
    }
}

static void test_is_nontx(void)
{
    struct sql_stmt st = {0};
    st.flags = STMT_NONTX | STMT_DDL;
    CHECK(sql_stmt_is_nontx(&st, 90600));
    CHECK(sql_stmt_is_nontx(&st, 160000));
    st.flags = STMT_NONTX_BEFORE_12 | STMT_DDL;
    CHECK(sql_stmt_is_nontx(&st, 110022));
    CHECK(!sql_stmt_is_nontx(&st, 120000));
    CHECK(!sql_stmt_is_nontx(&st, 150004));
    st.flags = STMT_DDL | STMT_TX_BEGIN;
    CHECK(!sql_stmt_is_nontx(&st, 100000));
    CHECK(!sql_stmt_is_nontx(&st, 150004));
}

/* Parse text that must fail; returns the error (caller releases). */
static struct pm_err parse_fail(const char *sql, size_t len)
{
    struct sql_script s;
    struct pm_err e = PM_ERR_INIT;
    CHECK_INT(sql_script_parse(&s, "m/migration.sql", sql, len, &e), -1);
    CHECK_INT(s.n, 0);
    CHECK(s.stmts == NULL && s.tree_ == NULL);
    sql_script_release(&s);
    CHECK_INT(e.exit_code, PM_EXIT_FAIL);
    CHECK_STR(e.file, "m/migration.sql");
    return e;
}

static struct pm_err parse_fail_str(const char *sql)
{
    return parse_fail(sql, strlen(sql));
}

static void test_syntax_errors(void)
{
    struct pm_err e;

    e = parse_fail_str("SELECT 1;\nSELEC 2;");
    CHECK_STR(e.primary, "syntax error at or near \"SELEC\"");
    CHECK_STR(e.sqlstate, "42601");
    CHECK_INT(e.line, 2);
    CHECK_INT(e.col, 1);
    CHECK_STR(e.src_line, "SELEC 2;");
    CHECK_STR(e.src_before, "SELECT 1;");
    pm_err_release(&e);

    /* same line: 'é€' is 2 characters but 5 bytes before the blamed ';' */
    e = parse_fail_str("SELECT 'é€' + ;");
    CHECK_STR(e.primary, "syntax error at or near \";\"");
    CHECK_INT(e.line, 1);
    CHECK_INT(e.col, 15);
    pm_err_release(&e);

    /* after a line with multibyte characters, CRLF endings */
    e = parse_fail_str("SELECT 'ééé', 'ü';\r\nSELECT 'ö' + ) ;\r\n");
    CHECK_STR(e.primary, "syntax error at or near \")\"");
    CHECK_INT(e.line, 2);
    CHECK_INT(e.col, 14);
    CHECK_STR(e.src_line, "SELECT 'ö' + ) ;");
    pm_err_release(&e);

    e = parse_fail_str("CREATE TABLE t (a int);\nSELECT 1 +");
    CHECK_STR(e.primary, "syntax error at end of input");
    CHECK_INT(e.line, 2);
    CHECK_INT(e.col, 11);
    pm_err_release(&e);

    e = parse_fail_str("SELECT 1;\n  SELECT 'never closed;\n");
    CHECK_STR(e.primary, "unterminated quoted string at or near \"'never closed;\n\"");
    CHECK_INT(e.line, 2);
    CHECK_INT(e.col, 10);
    pm_err_release(&e);

    e = parse_fail_str("DO $$ BEGIN");
    CHECK(e.primary && strstr(e.primary, "unterminated dollar-quoted string"));
    CHECK_INT(e.line, 1);
    CHECK_INT(e.col, 4);
    pm_err_release(&e);
}

static void test_bad_bytes(void)
{
    struct pm_err e;

    /* NUL byte: line 2, column 4 (after "SEL") */
    static const char nul[] = "SELECT 1;\nSEL\0ECT 2;";
    e = parse_fail(nul, sizeof(nul) - 1);
    CHECK_STR(e.primary, "invalid byte sequence for encoding \"UTF8\": 0x00");
    CHECK_STR(e.sqlstate, "22021");
    CHECK_INT(e.line, 2);
    CHECK_INT(e.col, 4);
    pm_err_release(&e);

    /* NUL after multibyte characters on the same line */
    static const char nul2[] = "SELECT 'é€', \0";
    e = parse_fail(nul2, sizeof(nul2) - 1);
    CHECK_INT(e.line, 1);
    CHECK_INT(e.col, 14);
    pm_err_release(&e);

    /* a lone 0xff byte */
    static const char ff[] = "SELECT 'é';\r\nSELECT '\xff';";
    e = parse_fail(ff, sizeof(ff) - 1);
    CHECK_STR(e.primary, "invalid byte sequence for encoding \"UTF8\": 0xff");
    CHECK_STR(e.sqlstate, "22021");
    CHECK_INT(e.line, 2);
    CHECK_INT(e.col, 9);
    pm_err_release(&e);

    /* a truncated 3-byte sequence after a 2-byte character */
    static const char trunc[] = "SELECT 'é\xe2\x82';";
    e = parse_fail(trunc, sizeof(trunc) - 1);
    CHECK_STR(e.primary, "invalid byte sequence for encoding \"UTF8\": 0xe2 0x82 0x27");
    CHECK_INT(e.line, 1);
    CHECK_INT(e.col, 10);
    pm_err_release(&e);

    /* at the very end of the text */
    static const char end[] = "SELECT 1;\xc3";
    e = parse_fail(end, sizeof(end) - 1);
    CHECK_STR(e.primary, "invalid byte sequence for encoding \"UTF8\": 0xc3");
    CHECK_INT(e.col, 10);
    pm_err_release(&e);

    /* the first problem wins: bad UTF-8 before a NUL, and a NUL before bad UTF-8 */
    static const char both1[] = "SELECT '\xc0\xaf';\n\0";
    e = parse_fail(both1, sizeof(both1) - 1);
    CHECK_STR(e.primary, "invalid byte sequence for encoding \"UTF8\": 0xc0 0xaf");
    CHECK_INT(e.line, 1);
    CHECK_INT(e.col, 9);
    pm_err_release(&e);
    static const char both2[] = "SELECT 1;\n\0'\xc0\xaf';";
    e = parse_fail(both2, sizeof(both2) - 1);
    CHECK_STR(e.primary, "invalid byte sequence for encoding \"UTF8\": 0x00");
    CHECK_INT(e.line, 2);
    CHECK_INT(e.col, 1);
    pm_err_release(&e);

    /* UTF-16LE text (no BOM) is caught by its NUL bytes */
    static const char u16[] = "S\0E\0L\0";
    e = parse_fail(u16, sizeof(u16) - 1);
    CHECK_INT(e.col, 2);
    CHECK(e.hint && strstr(e.hint, "UTF-16"));
    pm_err_release(&e);
}

static void test_tree(void)
{
    struct sql_script s;
    if (parse_ok(&s, "CREATE TABLE \"public\".\"User\" (id int);\n"
                     "CREATE INDEX i ON \"we\"\"ird\" (id);\n"
                     "DROP TABLE s.t, u;\n") != 0)
        return;
    CHECK_INT(s.n, 3);
    if (s.n == 3) {
        const PgQuery__Node *n = sql_script_node(&s, 0);
        CHECK(n && n->node_case == PG_QUERY__NODE__NODE_CREATE_STMT);
        if (n && n->node_case == PG_QUERY__NODE__NODE_CREATE_STMT) {
            char *name = sql_range_var_name(n->create_stmt->relation);
            CHECK_STR(name, "\"public\".\"User\"");
            free(name);
        }
        n = sql_script_node(&s, 1);
        CHECK(n && n->node_case == PG_QUERY__NODE__NODE_INDEX_STMT);
        if (n && n->node_case == PG_QUERY__NODE__NODE_INDEX_STMT) {
            char *name = sql_range_var_name(n->index_stmt->relation);
            CHECK_STR(name, "\"we\"\"ird\"");
            free(name);
            CHECK_STR(n->index_stmt->idxname, "i");
        }
        n = sql_script_node(&s, 2);
        CHECK(n && n->node_case == PG_QUERY__NODE__NODE_DROP_STMT);
        if (n && n->node_case == PG_QUERY__NODE__NODE_DROP_STMT) {
            const PgQuery__DropStmt *d = n->drop_stmt;
            CHECK_INT(d->n_objects, 2);
            if (d->n_objects == 2 && d->objects[0]->node_case == PG_QUERY__NODE__NODE_LIST) {
                char *name =
                    sql_name_list(d->objects[0]->list->items, d->objects[0]->list->n_items);
                CHECK_STR(name, "\"s\".\"t\"");
                free(name);
                name = sql_name_list(d->objects[1]->list->items, d->objects[1]->list->n_items);
                CHECK_STR(name, "\"u\"");
                free(name);
            } else {
                CHECK(0);
            }
        }
        CHECK(sql_script_node(&s, 3) == NULL);
    }
    CHECK(sql_range_var_name(NULL) == NULL);
    char *empty = sql_name_list(NULL, 0);
    CHECK_STR(empty, "");
    free(empty);
    CHECK(sql_node_str(NULL) == NULL);
    sql_script_release(&s);
}

/* "<pre>" + unit * k + "<post>" as a new buffer */
static char *repeat(const char *pre, const char *unit, size_t k, const char *post, size_t *len)
{
    struct buf b = BUF_INIT;
    buf_adds(&b, pre);
    for (size_t i = 0; i < k; i++)
        buf_adds(&b, unit);
    buf_adds(&b, post);
    return buf_detach(&b, len);
}

static void check_too_deep(const char *what, const char *sql, size_t len, int line, int col)
{
    struct sql_script s;
    struct pm_err e = PM_ERR_INIT;
    int rc = sql_script_parse(&s, "deep.sql", sql, len, &e);
    if (rc == 0)
        fprintf(stderr, "%s: parsed, expected a too-deep error\n", what);
    CHECK_INT(rc, -1);
    CHECK_INT(e.exit_code, PM_EXIT_FAIL);
    CHECK(e.primary && strstr(e.primary, "nested too deeply"));
    CHECK_STR(e.sqlstate, "54001");
    CHECK_INT(e.line, line);
    CHECK_INT(e.col, col);
    sql_script_release(&s);
    pm_err_release(&e);
}

static void test_deep_trees(void)
{
    size_t len;
    char *q;
    struct sql_script s;
    struct pm_err e = PM_ERR_INIT;

    /* parsed in place (<= 4 kB): 2,040 chained '+' are about 4,080 levels */
    q = repeat("SELECT 1;\n SELECT ", "1+", 2030, "1", &len);
    CHECK(len <= 4096);
    check_too_deep("inline 1+1+...", q, len, 2, 2);
    free(q);

    /* 25,000 terms (50 kB) overflow an 8 MB stack inside libpg_query unless
     * the parser runs on a thread with a bigger one */
    q = repeat("SELECT 1;\nSELECT 2;\n\tSELECT ", "1+", 25000, "1;", &len);
    check_too_deep("threaded 1+1+...", q, len, 3, 2);
    free(q);

    /* over 1 MB the thread's stack is sized by counting tokens: 1 MB of
     * shallow INSERT rows, then a deep statement */
    q = repeat("INSERT INTO t VALUES (0)", ", (1, 'a', 2.5, NULL)", 50000, ";\nSELECT ", &len);
    {
        char *tail = repeat("", "1+", 25000, "1", NULL);
        struct buf b = BUF_INIT;
        buf_add(&b, q, len);
        buf_adds(&b, tail);
        free(q);
        free(tail);
        q = buf_detach(&b, &len);
    }
    CHECK(len > (1u << 20));
    check_too_deep("big file, deep last statement", q, len, 2, 1);
    /* ... and without the deep statement, it parses (one big INSERT) */
    size_t ins = (size_t)(strstr(q, ";\nSELECT") - q) + 1;
    CHECK_INT(sql_script_parse(&s, "big.sql", q, ins, &e), 0);
    CHECK_INT(s.n, 1);
    if (s.n == 1) {
        CHECK_INT(s.stmts[0].len, ins - 1);
        CHECK_STR(s.stmts[0].kind, "INSERT");
    }
    sql_script_release(&s);
    free(q);

    /* long but legitimate: 3,000 UNION ALL branches (one level each) */
    q = repeat("INSERT INTO t SELECT 0", " UNION ALL SELECT 1", 3000, ";\nSELECT 2", &len);
    CHECK_INT(sql_script_parse(&s, "union.sql", q, len, &e), 0);
    CHECK_INT(s.n, 2);
    if (s.n == 2)
        CHECK_SPAN(&s, 1, "SELECT 2", 2, 1);
    sql_script_release(&s);
    free(q);

    /* many statements in a big file (parsed on the thread): spans and columns */
    q = repeat("", "SELECT 1; ", 10000, "SELECT 'é' -- end", &len);
    CHECK_INT(sql_script_parse(&s, "many.sql", q, len, &e), 0);
    CHECK_INT(s.n, 10001);
    if (s.n == 10001) {
        CHECK_SPAN(&s, 9999, "SELECT 1", 1, 99991);
        CHECK_SPAN(&s, 10000, "SELECT 'é'", 1, 100001);
    }
    sql_script_release(&s);
    free(q);
    pm_err_release(&e);
}

/* ---- the real corpora ------------------------------------------------ */

static const char *corpus_root(void)
{
    const char *r = getenv("PGMIG_CORPUS");
    return r && *r ? r : "/work/shared/corpus";
}

static double now_sec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Every span must start and end on a token and, parsed on its own, give
 * exactly one statement of the same node type, kind and flags covering
 * the whole span.
 */
static void check_span_reparses(const char *path, const struct sql_script *s, size_t i)
{
    const struct sql_stmt *st = &s->stmts[i];
    const char *p = s->text + st->start;
    struct sql_script one;
    struct pm_err e = PM_ERR_INIT;
    int ok =
        st->len > 0 && !memchr(" \t\r\n\f", p[0], 5) && !memchr(" \t\r\n\f;", p[st->len - 1], 6);
    if (ok && sql_script_parse(&one, path, p, st->len, &e) == 0) {
        ok = one.n == 1 && one.stmts[0].start == 0 && one.stmts[0].len == st->len &&
             one.stmts[0].node == st->node && one.stmts[0].flags == st->flags &&
             strcmp(one.stmts[0].kind, st->kind) == 0;
        sql_script_release(&one);
    } else {
        ok = 0;
    }
    if (!ok)
        fprintf(stderr, "%s:%d:%d: span does not re-parse alone: [%.*s]\n", path, st->line, st->col,
                (int)st->len, p);
    CHECK(ok);
    pm_err_release(&e);
}

/* Parse every migrations/<dir>/migration.sql of one corpus; returns the
 * number of statements, or -1 when the corpus is not there. */
static long parse_corpus(const char *name, int reparse, double *secs, int *files)
{
    char *dir = xasprintf("%s/%s/migrations", corpus_root(), name);
    DIR *d = opendir(dir);
    long total = 0;
    *secs = 0;
    *files = 0;
    if (!d) {
        free(dir);
        return -1;
    }
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        char *path = xasprintf("%s/%s/migration.sql", dir, de->d_name);
        struct stat sb;
        if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) {
            free(path);
            continue;
        }
        struct buf b = BUF_INIT;
        struct pm_err e = PM_ERR_INIT;
        if (fs_read_file(path, &b, &e) != 0) {
            fprintf(stderr, "%s\n", e.primary);
            CHECK(0);
        } else {
            struct sql_script s;
            double t0 = now_sec();
            int rc = sql_script_parse(&s, path, b.data, b.len, &e);
            *secs += now_sec() - t0;
            (*files)++;
            if (rc != 0) {
                fprintf(stderr, "%s:%d:%d: %s\n", path, e.line, e.col, e.primary);
                CHECK(0);
            } else {
                total += (long)s.n;
                for (size_t i = 0; reparse && i < s.n; i++)
                    check_span_reparses(path, &s, i);
                sql_script_release(&s);
            }
        }
        pm_err_release(&e);
        buf_release(&b);
        free(path);
    }
    closedir(d);
    free(dir);
    return total;
}

static void corpus_case(const char *name, long expected)
{
    double secs;
    int files;
    long n = parse_corpus(name, 1, &secs, &files);
    if (n < 0) {
        printf("note: %s/%s not found, corpus test skipped\n", corpus_root(), name);
        return;
    }
    printf("corpus %s: %d files, %ld statements, parsed in %.1f ms\n", name, files, n, secs * 1000);
    CHECK_INT(n, expected);
}

static void test_corpus_documenso(void)
{
    corpus_case("documenso", 766);
}

static void test_corpus_langfuse(void)
{
    corpus_case("langfuse", 1117);
}

int main(void)
{
    RUN(test_mixed_file);
    RUN(test_trailing);
    RUN(test_empty);
    RUN(test_not_nul_terminated);
    RUN(test_line_col_multibyte);
    RUN(test_flags);
    RUN(test_is_nontx);
    RUN(test_syntax_errors);
    RUN(test_bad_bytes);
    RUN(test_tree);
    RUN(test_deep_trees);
    RUN(test_corpus_documenso);
    RUN(test_corpus_langfuse);
    UNIT_DONE();
}
