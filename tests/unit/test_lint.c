/*
 * test_lint.c - unit tests for src/sql/lint_rules.c and src/lint/lint.c:
 * every rule's documented failing and passing example, the decisions that
 * need context (tables new in the migration, the history, transactions,
 * lock_timeout, server version), suppression comments, pgmig.toml, and a
 * pass over the real corpora without a crash.
 */
#include "history/migdir.h"
#include "lint/lint.h"
#include "unit.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/mem.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- helpers -------------------------------------------------------- */

/*
 * Lint an example as docs/lint.md means it: lines `-- migration: NAME` start
 * migrations of a directory (history order); without them the text is one
 * file linted on its own.
 */
static void lint_example(const char *text, const struct lint_opts *o, struct lint_report *r)
{
    struct migdir d = {0};
    struct pm_err e = PM_ERR_INIT;
    const char *p = text;
    memset(r, 0, sizeof(*r));
    if (strncmp(text, "-- migration: ", 14) != 0) {
        lint_text("example.sql", text, strlen(text), o, r, &e);
        pm_err_release(&e);
        return;
    }
    d.path = xstrdup("migrations");
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n > 14 && strncmp(p, "-- migration: ", 14) == 0) {
            ALLOC_GROW(d.v, d.n + 1, d.cap);
            struct migration *m = &d.v[d.n++];
            memset(m, 0, sizeof(*m));
            m->name = xstrndup(p + 14, n - 14);
            m->path = xasprintf("migrations/%s/migration.sql", m->name);
            m->text = xstrdup("");
        } else if (d.n) {
            struct migration *m = &d.v[d.n - 1];
            char *t = xasprintf("%s%.*s\n", m->text, (int)n, p);
            free(m->text);
            m->text = t;
            m->len = strlen(t);
        }
        p += n + (nl ? 1 : 0);
    }
    CHECK_INT(lint_migrations(&d, 0, o, r, &e), 0);
    migdir_release(&d);
    pm_err_release(&e);
}

/* "rule-id@line:col rule-id@line:col" of every finding, in order. */
static char *findings(const struct lint_report *r)
{
    struct buf b = BUF_INIT;
    for (size_t i = 0; i < r->n; i++)
        buf_addf(&b, "%s%s@%d:%d", i ? " " : "", lint_rule_info(r->v[i].rule)->id, r->v[i].line,
                 r->v[i].col);
    return buf_detach(&b, NULL);
}

/* Lint text (see lint_example) with default options; the findings as above. */
static char *lint_str(const char *text)
{
    struct lint_opts o;
    struct lint_report r;
    lint_opts_init(&o);
    lint_example(text, &o, &r);
    char *s = findings(&r);
    lint_report_release(&r);
    return s;
}

static char *lint_pg(const char *text, int pg)
{
    struct lint_opts o;
    struct lint_report r;
    lint_opts_init(&o);
    o.pg_version = pg;
    lint_example(text, &o, &r);
    char *s = findings(&r);
    lint_report_release(&r);
    return s;
}

#define EXPECT(text, want)                                                                         \
    do {                                                                                           \
        char *got_ = lint_str(text);                                                               \
        CHECK_STR(got_, want);                                                                     \
        free(got_);                                                                                \
    } while (0)

#define EXPECT_PG(text, pg, want)                                                                  \
    do {                                                                                           \
        char *got_ = lint_pg(text, pg);                                                            \
        CHECK_STR(got_, want);                                                                     \
        free(got_);                                                                                \
    } while (0)

/* The message of the only finding. */
static char *only_message(const char *text)
{
    struct lint_opts o;
    struct lint_report r;
    lint_opts_init(&o);
    lint_example(text, &o, &r);
    char *m = r.n == 1 ? xstrdup(r.v[0].message) : xasprintf("%zu findings", r.n);
    lint_report_release(&r);
    return m;
}

/* ---- the documented examples ------------------------------------------ */

static void test_rule_table(void)
{
    for (size_t i = 0; i < LINT_RULE_COUNT; i++) {
        const struct lint_rule_info *ri = lint_rule_info((enum lint_rule)i);
        CHECK_INT(ri->rule, i);
        CHECK(ri->id && ri->summary && ri->why && ri->help && ri->failing && ri->passing);
        CHECK(lint_rule_by_id(ri->id) == ri);
        for (const char *p = ri->id; *p; p++)
            CHECK((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-');
    }
    CHECK(lint_rule_by_id("no-such-rule") == NULL);
    CHECK(lint_rule_info(LINT_RULE_COUNT) == NULL);
}

/* Each failing example gives findings of exactly its rule; each passing one none. */
static void test_examples(void)
{
    for (size_t i = 0; i < LINT_RULE_COUNT; i++) {
        const struct lint_rule_info *ri = lint_rule_info((enum lint_rule)i);
        struct lint_opts o;
        struct lint_report r;
        lint_opts_init(&o);
        lint_example(ri->failing, &o, &r);
        int only = r.n > 0;
        for (size_t k = 0; k < r.n; k++)
            only &= r.v[k].rule == ri->rule;
        if (!only) {
            char *f = findings(&r);
            fprintf(stderr, "failing example of %s gives: %s\n", ri->id, f);
            free(f);
        }
        CHECK(only);
        lint_report_release(&r);
        lint_example(ri->passing, &o, &r);
        if (r.n) {
            char *f = findings(&r);
            fprintf(stderr, "passing example of %s gives: %s (%s)\n", ri->id, f, r.v[0].message);
            free(f);
        }
        CHECK_INT(r.n, 0);
        lint_report_release(&r);
    }
}

/* ---- context ------------------------------------------------------------ */

static void test_new_table_is_exempt(void)
{
    /* created two lines above: no CONCURRENTLY, NOT NULL or NOT VALID demands */
    EXPECT("CREATE TABLE \"A\" (\"id\" BIGINT PRIMARY KEY);\n"
           "CREATE INDEX \"A_x\" ON \"A\"(\"id\");\n"
           "ALTER TABLE \"A\" ADD COLUMN \"b\" TEXT NOT NULL;\n"
           "ALTER TABLE \"A\" ADD CONSTRAINT \"A_c\" CHECK (\"id\" > 0);\n"
           "ALTER TABLE \"A\" ADD CONSTRAINT \"A_u\" UNIQUE (\"b\");\n"
           "ALTER TABLE \"A\" RENAME COLUMN \"b\" TO \"c\";\n"
           "ALTER TABLE \"A\" ALTER COLUMN \"c\" SET NOT NULL;\n"
           "DROP INDEX \"A_x\";\n"
           "DROP TABLE \"A\";\n",
           "");
    /* created in an earlier migration: it exists, with rows */
    EXPECT("-- migration: 1\n"
           "CREATE TABLE \"A\" (\"id\" BIGINT PRIMARY KEY);\n"
           "-- migration: 2\n"
           "CREATE INDEX \"A_x\" ON \"A\"(\"id\");\n",
           "require-concurrent-index-creation@1:1");
    /* a column added earlier in the migration may be renamed or dropped */
    EXPECT("SET lock_timeout = '1s';\n"
           "ALTER TABLE \"A\" ADD COLUMN \"tmp\" JSONB;\n"
           "UPDATE \"A\" SET \"tmp\" = '{}';\n"
           "ALTER TABLE \"A\" RENAME COLUMN \"tmp\" TO \"t\";\n"
           "ALTER TABLE \"A\" DROP COLUMN \"t\";\n",
           "");
    /* a renamed new table stays new */
    EXPECT("CREATE TABLE \"A\" (\"id\" BIGINT PRIMARY KEY);\n"
           "ALTER TABLE \"A\" RENAME TO \"B\";\n"
           "CREATE INDEX \"B_x\" ON \"B\"(\"id\");\n",
           "");
    /* DROP INDEX of an index created in this migration, on an old table */
    EXPECT("-- migration: 1\n"
           "CREATE TABLE \"A\" (\"id\" BIGINT PRIMARY KEY);\n"
           "-- migration: 2\n"
           "CREATE INDEX CONCURRENTLY \"A_x\" ON \"A\"(\"id\");\n"
           "DROP INDEX \"A_x\";\n",
           "prefer-robust-stmts@1:1");
}

static void test_history_references(void)
{
    EXPECT("-- migration: 1_a\n"
           "CREATE TABLE \"A\" (\"id\" BIGINT PRIMARY KEY);\n"
           "-- migration: 2_b\n"
           "INSERT INTO \"B\" (\"id\") VALUES (1);\n"
           "-- migration: 3_b\n"
           "CREATE TABLE \"B\" (\"id\" BIGINT PRIMARY KEY);\n",
           "unknown-reference@1:13"); /* the table, not also its column */
    char *m = only_message("-- migration: 1_a\n"
                           "CREATE TABLE \"A\" (\"id\" BIGINT PRIMARY KEY);\n"
                           "-- migration: 2_b\n"
                           "INSERT INTO \"B\" (\"id\") VALUES (1);\n"
                           "-- migration: 3_b\n"
                           "CREATE TABLE \"B\" (\"id\" BIGINT PRIMARY KEY);\n");
    CHECK_STR(m, "table \"B\" does not exist: no earlier migration creates it; migration 3_b, "
                 "which comes later, creates it (are the migrations in the wrong order?)");
    free(m);
    m = only_message("-- migration: 1_a\n"
                     "CREATE TABLE \"A\" (\"id\" BIGINT PRIMARY KEY, \"x\" TEXT);\n"
                     "-- migration: 2_b\n"
                     "SET lock_timeout = '1s';\n"
                     "ALTER TABLE \"A\" RENAME COLUMN \"x\" TO \"y\";\n"
                     "-- migration: 3_c\n"
                     "UPDATE \"A\" SET \"x\" = 'a' WHERE \"id\" = 1;\n");
    CHECK_STR(m, "2 findings"); /* the rename itself (renaming-column) and the reference */
    free(m);
    EXPECT("-- migration: 1_a\n"
           "CREATE TABLE \"A\" (\"id\" BIGINT PRIMARY KEY, \"x\" TEXT);\n"
           "-- migration: 2_b\n"
           "SET lock_timeout = '1s';\n"
           "-- pgmig-lint-disable-file renaming-column\n"
           "ALTER TABLE \"A\" RENAME COLUMN \"x\" TO \"y\";\n"
           "-- migration: 3_c\n"
           "UPDATE \"A\" SET \"x\" = 'a' WHERE \"id\" = 1;\n",
           "unknown-reference@1:16");
    m = only_message("-- migration: 1_a\n"
                     "CREATE TABLE \"A\" (\"id\" BIGINT PRIMARY KEY, \"x\" TEXT);\n"
                     "-- migration: 2_b\n"
                     "SET lock_timeout = '1s';\n"
                     "ALTER TABLE \"A\" RENAME COLUMN \"x\" TO \"y\"; -- pgmig-lint-disable\n"
                     "-- migration: 3_c\n"
                     "UPDATE \"A\" SET \"x\" = 'a' WHERE \"id\" = 1;\n");
    CHECK_STR(m, "column \"x\" of \"A\" does not exist: migration 2_b renamed it to \"y\"");
    free(m);
    /* dropped and re-added in one statement (Prisma's type change without a cast) */
    EXPECT("-- migration: 1\n"
           "CREATE TABLE \"A\" (\"id\" BIGINT PRIMARY KEY, \"t\" TEXT);\n"
           "-- migration: 2\n"
           "SET lock_timeout = '1s';\n"
           "-- pgmig-lint-disable-file\n"
           "ALTER TABLE \"A\" DROP COLUMN \"t\", ADD COLUMN \"t\" INTEGER;\n"
           "-- migration: 3\n"
           "CREATE INDEX CONCURRENTLY \"A_t\" ON \"A\"(\"t\");\n",
           "");
    /* WITH names, aliases, system columns, temporary tables, views */
    EXPECT("-- migration: 1\n"
           "CREATE TABLE \"A\" (\"id\" BIGINT PRIMARY KEY, \"x\" TEXT);\n"
           "CREATE TEMP TABLE tmp AS SELECT \"id\" FROM \"A\";\n"
           "WITH w AS (SELECT \"id\" FROM tmp) UPDATE \"A\" SET \"x\" = 'y' FROM w WHERE "
           "w.\"id\" = \"A\".\"id\";\n"
           "DELETE FROM \"A\" a WHERE a.\"x\" IS NULL AND ctid IS NOT NULL;\n"
           "CREATE VIEW v AS SELECT * FROM \"A\";\n"
           "-- migration: 2\n"
           "INSERT INTO \"A\" (\"id\", \"x\") SELECT 1, name FROM v;\n",
           "");
    /* a DO block that mentions the table: taken on trust */
    EXPECT("-- migration: 1\n"
           "DO $$ BEGIN EXECUTE 'CREATE TABLE \"Made\" (id bigint)'; END $$;\n"
           "-- migration: 2\n"
           "INSERT INTO \"Made\" (id) VALUES (1);\n",
           "");
    /* a lone file never checks references */
    EXPECT("INSERT INTO \"Nowhere\" (\"id\") VALUES (1);\n", "");
}

static void test_transactions(void)
{
    /* SET LOCAL covers only its transaction: the ALTER after the concurrent
     * index runs in a new one */
    EXPECT("BEGIN;\nSET LOCAL lock_timeout = '1s';\nALTER TABLE \"A\" ADD COLUMN \"b\" TEXT;\n"
           "COMMIT;\n"
           "CREATE INDEX CONCURRENTLY IF NOT EXISTS \"A_b\" ON \"A\"(\"b\");\n"
           "ALTER TABLE \"A\" ADD COLUMN \"c\" TEXT;\n",
           "prefer-robust-stmts@3:28 require-lock-timeout@6:13");
    /* a session SET lasts; lock_timeout = 0 turns it off */
    EXPECT("SET lock_timeout = '1s';\nCREATE INDEX CONCURRENTLY IF NOT EXISTS \"A_b\" ON "
           "\"A\"(\"b\");\nALTER TABLE IF EXISTS \"A\" ADD COLUMN IF NOT EXISTS \"c\" TEXT;\n",
           "");
    EXPECT("SET lock_timeout = 0;\nALTER TABLE \"A\" ADD COLUMN \"c\" TEXT;\n",
           "require-lock-timeout@2:13");
    EXPECT("SET lock_timeout TO '2s';\nRESET lock_timeout;\nDROP TABLE \"A\";\n",
           "ban-drop-table@3:1 require-lock-timeout@3:1");
    /* reported once per migration */
    EXPECT("ALTER TABLE \"A\" ADD COLUMN \"c\" TEXT;\nALTER TABLE \"B\" ADD COLUMN \"c\" TEXT;\n",
           "require-lock-timeout@1:13");
    /* weaker locks need none */
    EXPECT("ALTER TABLE \"A\" VALIDATE CONSTRAINT \"c\";\n", "");
    /* ADD VALUE before PostgreSQL 12 cannot run in a transaction block */
    EXPECT_PG("BEGIN;\nALTER TYPE \"E\" ADD VALUE 'x' BEFORE 'y';\nCOMMIT;\n", 110000,
              "ban-concurrent-index-creation-in-transaction@2:1");
    EXPECT_PG("BEGIN;\nALTER TYPE \"E\" ADD VALUE 'x' BEFORE 'y';\nCOMMIT;\n", 150000, "");
    /* the new value, in the same transaction: from 12 on only */
    const char *use = "ALTER TYPE \"E\" ADD VALUE 'x' BEFORE 'y';\n"
                      "ALTER TABLE \"T\" ALTER COLUMN \"e\" SET DEFAULT 'x';\n";
    EXPECT_PG(use, 150000, "require-lock-timeout@2:13 enum-value-used-in-transaction@2:46");
    /* before 12 ADD VALUE commits alone: the file is no longer one transaction */
    EXPECT_PG(use, 110000, "prefer-robust-stmts@1:1 require-lock-timeout@2:13");
    /* an enum created in the same transaction may use its new values */
    EXPECT("CREATE TYPE \"E\" AS ENUM ('a');\nALTER TYPE \"E\" ADD VALUE 'b' AFTER 'a';\n"
           "CREATE TABLE \"T\" (\"id\" BIGINT PRIMARY KEY, \"e\" \"E\" DEFAULT 'b');\n",
           "");
    /* the pattern that defeats NOT VALID: VALIDATE in the same transaction */
    EXPECT("SET lock_timeout = '1s';\n"
           "ALTER TABLE \"A\" ADD CONSTRAINT \"c\" CHECK (\"x\" > 0) NOT VALID;\n"
           "ALTER TABLE \"A\" VALIDATE CONSTRAINT \"c\";\n",
           "constraint-missing-not-valid@3:13");
    /* a transaction block that is rolled back never needs re-running */
    EXPECT("BEGIN;\nCREATE TABLE \"X\" (\"id\" BIGINT PRIMARY KEY);\nROLLBACK;\n"
           "CREATE INDEX CONCURRENTLY IF NOT EXISTS \"i\" ON \"A\"(\"b\");\n",
           "");
}

static void test_versions(void)
{
    const char *def =
        "SET lock_timeout = '1s';\nALTER TABLE \"A\" ADD COLUMN \"b\" INT DEFAULT 0;\n";
    EXPECT_PG(def, 100000, "adding-field-with-default@2:36");
    EXPECT_PG(def, 110000, "");
    EXPECT(def, "");
    const char *nn =
        "-- migration: 1\n"
        "CREATE TABLE \"A\" (\"id\" BIGINT PRIMARY KEY, \"b\" TEXT);\n"
        "-- migration: 2\n"
        "SET lock_timeout = '1s';\n"
        "ALTER TABLE \"A\" ADD CONSTRAINT \"nn\" CHECK (\"b\" IS NOT NULL) NOT VALID;\n"
        "-- migration: 3\n"
        "ALTER TABLE \"A\" VALIDATE CONSTRAINT \"nn\";\n"
        "-- migration: 4\n"
        "SET lock_timeout = '1s';\n"
        "ALTER TABLE \"A\" ALTER COLUMN \"b\" SET NOT NULL;\n";
    EXPECT_PG(nn, 120000, "");
    EXPECT_PG(nn, 110000, "adding-not-nullable-field@2:13");
    CHECK_INT(lint_parse_pg_version("15"), 150000);
    CHECK_INT(lint_parse_pg_version("15.4"), 150004);
    CHECK_INT(lint_parse_pg_version("9.6"), 90600);
    CHECK_INT(lint_parse_pg_version("9.6.24"), 90624);
    CHECK_INT(lint_parse_pg_version("150004"), 150004);
    CHECK_INT(lint_parse_pg_version("x"), -1);
    CHECK_INT(lint_parse_pg_version("15.x"), -1);
    CHECK_INT(lint_parse_pg_version(""), -1);
    CHECK_INT(lint_parse_pg_version("8"), -1);
}

static void test_statement_rules(void)
{
    /* defaults: constants, stable calls, volatile calls, unknown functions */
    EXPECT("SET lock_timeout = '1s';\n"
           "ALTER TABLE \"A\" ADD COLUMN \"a\" TIMESTAMPTZ DEFAULT now(), ADD COLUMN \"b\" JSONB "
           "DEFAULT '{}'::jsonb, ADD COLUMN \"c\" TEXT[] DEFAULT ARRAY[]::TEXT[], ADD COLUMN "
           "\"d\" TIMESTAMPTZ DEFAULT CURRENT_TIMESTAMP, ADD COLUMN \"e\" INT DEFAULT 1 + 2;\n",
           "");
    EXPECT("SET lock_timeout = '1s';\nALTER TABLE \"A\" ADD COLUMN \"b\" TEXT DEFAULT my_fn();\n",
           "adding-field-with-default@2:37");
    EXPECT("SET lock_timeout = '1s';\nALTER TABLE \"A\" ADD COLUMN \"b\" BIGSERIAL;\n",
           "adding-field-with-default@2:32");
    EXPECT("SET lock_timeout = '1s';\nALTER TABLE \"A\" ADD COLUMN \"b\" INT GENERATED ALWAYS AS "
           "(1) STORED;\n",
           "adding-field-with-default@2:36");
    /* NOT NULL with identity or default is fine */
    EXPECT("SET lock_timeout = '1s';\nALTER TABLE \"A\" ADD COLUMN \"b\" TEXT NOT NULL DEFAULT "
           "'x';\n",
           "");
    /* type changes known to need no rewrite */
    EXPECT("-- migration: 1\n"
           "CREATE TABLE \"A\" (\"id\" BIGINT PRIMARY KEY, \"v\" VARCHAR(10), \"n\" "
           "NUMERIC(10,2), \"t\" TEXT);\n"
           "-- migration: 2\n"
           "SET lock_timeout = '1s';\n"
           "ALTER TABLE \"A\" ALTER COLUMN \"v\" TYPE TEXT, ALTER COLUMN \"n\" TYPE "
           "NUMERIC(12,2), ALTER COLUMN \"t\" TYPE VARCHAR;\n",
           "");
    EXPECT("-- migration: 1\n"
           "CREATE TABLE \"A\" (\"id\" BIGINT PRIMARY KEY, \"v\" VARCHAR(10));\n"
           "-- migration: 2\n"
           "SET lock_timeout = '1s';\n"
           "ALTER TABLE \"A\" ALTER COLUMN \"v\" TYPE VARCHAR(5);\n",
           "changing-column-type@2:39");
    /* style */
    EXPECT("CREATE TABLE \"A\" (\"id\" INTEGER NOT NULL, \"c\" CHARACTER(3), \"t\" TIMESTAMP "
           "WITHOUT TIME ZONE, CONSTRAINT \"A_pkey\" PRIMARY KEY (\"id\"));\n",
           "prefer-bigint-over-int@1:24 ban-char-field@1:46 prefer-timestamptz@1:64");
    EXPECT("CREATE TABLE \"A\" (\"id\" TEXT PRIMARY KEY, \"c\" \"char\", \"t\" TIMESTAMPTZ);\n",
           "");
    /* statements that do nothing in a migration */
    EXPECT("SELECT 1;\nSHOW search_path;\nNOTIFY x;\n",
           "non-migration-statement@1:1 non-migration-statement@2:1 non-migration-statement@3:1");
    EXPECT("DO $$ BEGIN PERFORM 1; END $$;\nANALYZE \"A\";\n", "");
    /* renaming with the old name kept as a view */
    EXPECT("SET lock_timeout = '1s';\nALTER TABLE \"A\" RENAME TO \"B\";\nCREATE VIEW \"A\" AS "
           "SELECT * FROM \"B\";\n",
           "");
    /* syntax errors point at the token */
    EXPECT("CREATE TABLE \"A\" (\n  \"id\" BIGINT,,\n);\n", "syntax-error@2:15");
    /* UTF-8 columns are counted in characters */
    EXPECT("-- é\nSELECT 'é', 1;\n", "non-migration-statement@2:1");
    EXPECT("SELECT 'éé'; SELECT 2;\n", "non-migration-statement@1:1 non-migration-statement@1:14");
}

static void test_suppression(void)
{
    const char *drop = "SET lock_timeout = '1s';\nDROP TABLE \"A\";\n";
    EXPECT(drop, "ban-drop-table@2:1");
    EXPECT("SET lock_timeout = '1s';\n-- pgmig-lint-disable ban-drop-table\nDROP TABLE \"A\";\n",
           "");
    EXPECT("SET lock_timeout = '1s';\nDROP TABLE \"A\"; /* pgmig-lint-disable ban-drop-table */\n",
           "");
    EXPECT("SET lock_timeout = '1s';\nDROP TABLE \"A\" -- pgmig-lint-disable\n;\n", "");
    /* another rule's id does not silence this one */
    EXPECT("SET lock_timeout = '1s';\n-- pgmig-lint-disable ban-drop-column\nDROP TABLE \"A\";\n",
           "ban-drop-table@3:1");
    /* a comment before the previous statement does not reach this one */
    EXPECT("-- pgmig-lint-disable ban-drop-table\nSET lock_timeout = '1s';\nDROP TABLE \"A\";\n",
           "ban-drop-table@3:1");
    /* the whole file, anywhere in it */
    EXPECT("SET lock_timeout = '1s';\nDROP TABLE \"A\";\nDROP TABLE \"B\";\n"
           "-- pgmig-lint-disable-file ban-drop-table, require-lock-timeout\n",
           "");
    /* in a string it is no comment */
    EXPECT("SET lock_timeout = '1s';\nDROP TABLE \"A\";\nSELECT '-- pgmig-lint-disable-file';\n",
           "ban-drop-table@2:1 non-migration-statement@3:1");
    /* options */
    struct lint_opts o;
    struct lint_report r = {0};
    struct pm_err e = PM_ERR_INIT;
    lint_opts_init(&o);
    CHECK_INT(lint_disable_list(&o, "ban-drop-table,require-lock-timeout", "--disable", &e), 0);
    lint_text("x.sql", "DROP TABLE \"A\";", 15, &o, &r, &e);
    CHECK_INT(r.n, 0);
    CHECK_INT(r.suppressed, 0);
    lint_report_release(&r);
    CHECK_INT(lint_disable_list(&o, "ban-drop-tabel", "--disable", &e), -1);
    CHECK_INT(e.exit_code, PM_EXIT_USAGE);
    CHECK(strstr(e.primary, "ban-drop-tabel") != NULL);
    pm_err_release(&e);
}

static void test_config(void)
{
    char tmpl[] = "/tmp/pgmig-lint-XXXXXX";
    char cwd[4096];
    struct lint_opts o;
    struct pm_err e = PM_ERR_INIT;
    char *path = NULL;
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    CHECK(mkdtemp(tmpl) != NULL);
    CHECK_INT(chdir(tmpl), 0);

    lint_opts_init(&o);
    CHECK_INT(lint_config_load(&o, &path, &e), 0); /* no file: nothing to do */
    CHECK(path == NULL);

    const char *good = "# pgmig settings\n[other]\nx = [1,\n 2]\n[lint]\n"
                       "disable = [\n  \"ban-drop-table\", # gone\n  \"prefer-timestamptz\",\n]\n"
                       "pg_version = \"11.2\"\n";
    CHECK_INT(fs_write_file(".pgmig.toml", good, strlen(good), &e), 0);
    CHECK_INT(lint_config_load(&o, &path, &e), 0);
    CHECK_STR(path, ".pgmig.toml");
    free(path);
    CHECK_INT(o.disabled[LINT_BAN_DROP_TABLE], 1);
    CHECK_INT(o.disabled[LINT_PREFER_TIMESTAMPTZ], 1);
    CHECK_INT(o.disabled[LINT_BAN_DROP_COLUMN], 0);
    CHECK_INT(o.pg_version, 110002);

    /* pgmig.toml wins over .pgmig.toml; errors are located */
    const char *bad = "[lint]\ndisable = [\"ban-drop-table\"]\nverbose = true\n";
    CHECK_INT(fs_write_file("pgmig.toml", bad, strlen(bad), &e), 0);
    lint_opts_init(&o);
    CHECK_INT(lint_config_load(&o, NULL, &e), -1);
    CHECK_INT(e.exit_code, PM_EXIT_USAGE);
    CHECK(strstr(e.primary, "pgmig.toml:3: unknown key `verbose`") != NULL);
    pm_err_release(&e);
    const char *unknown = "[lint]\ndisable = [\"ban-drop-tables\"]\n";
    CHECK_INT(fs_write_file("pgmig.toml", unknown, strlen(unknown), &e), 0);
    CHECK_INT(lint_config_load(&o, NULL, &e), -1);
    CHECK(strstr(e.primary, "pgmig.toml:2: unknown lint rule `ban-drop-tables`") != NULL);
    pm_err_release(&e);
    const char *version = "[lint]\npg_version = fifteen\n";
    CHECK_INT(fs_write_file("pgmig.toml", version, strlen(version), &e), 0);
    CHECK_INT(lint_config_load(&o, NULL, &e), -1);
    CHECK(strstr(e.primary, "pg_version") != NULL);
    pm_err_release(&e);

    unlink("pgmig.toml");
    unlink(".pgmig.toml");
    CHECK_INT(chdir(cwd), 0);
    rmdir(tmpl);
}

static void test_paths(void)
{
    char tmpl[] = "/tmp/pgmig-lint-XXXXXX";
    struct lint_opts o;
    struct lint_report r = {0};
    struct pm_err e = PM_ERR_INIT;
    CHECK(mkdtemp(tmpl) != NULL);
    char *dir = fs_join(tmpl, "migrations");
    char *m1 = fs_join(dir, "1_init"), *m2 = fs_join(dir, "2_idx");
    char *f1 = fs_join(m1, "migration.sql"), *f2 = fs_join(m2, "migration.sql");
    char *lock = fs_join(dir, "migration_lock.toml");
    const char *t1 = "CREATE TABLE \"A\" (\"id\" BIGINT PRIMARY KEY);\n";
    const char *t2 = "CREATE INDEX \"A_i\" ON \"A\"(\"id\");\nINSERT INTO \"B\" VALUES (1);\n";
    CHECK_INT(fs_mkdirs(m1, 0755, &e) | fs_mkdirs(m2, 0755, &e), 0);
    CHECK_INT(fs_write_file(f1, t1, strlen(t1), &e), 0);
    CHECK_INT(fs_write_file(f2, t2, strlen(t2), &e), 0);
    CHECK_INT(fs_write_file(lock, "provider = \"postgresql\"\n", 24, &e), 0);
    lint_opts_init(&o);

    /* the directory, and the one file in its context (history known) */
    char *paths[] = {dir, f2};
    CHECK_INT(lint_paths(paths, 2, &o, &r, &e), 0);
    char *s = findings(&r);
    CHECK_STR(s, "require-concurrent-index-creation@1:1 unknown-reference@2:13 "
                 "require-concurrent-index-creation@1:1 unknown-reference@2:13");
    free(s);
    CHECK_INT(r.files, 3);
    CHECK_STR(r.v[0].migration, "2_idx");
    CHECK_STR(r.v[0].file, f2);
    CHECK_STR(r.v[1].src_line, "INSERT INTO \"B\" VALUES (1);");
    lint_report_release(&r);

    /* missing paths are environment errors */
    char *missing[] = {"/nonexistent/x.sql"};
    CHECK_INT(lint_paths(missing, 1, &o, &r, &e), -1);
    CHECK_INT(e.exit_code, PM_EXIT_ENV);
    pm_err_release(&e);
    lint_report_release(&r);

    /* out of range `from` */
    struct migdir d = {0};
    CHECK_INT(lint_migrations(&d, 1, &o, &r, &e), -1);
    pm_err_release(&e);

    unlink(f1);
    unlink(f2);
    unlink(lock);
    rmdir(m1);
    rmdir(m2);
    rmdir(dir);
    rmdir(tmpl);
    free(dir);
    free(m1);
    free(m2);
    free(f1);
    free(f2);
    free(lock);
}

/* lint_migrations(d, from): the history before `from` is replayed, not reported. */
static void test_from(void)
{
    struct migdir d = {0};
    struct lint_opts o;
    struct lint_report r = {0};
    struct pm_err e = PM_ERR_INIT;
    const char *texts[] = {"CREATE TABLE \"A\" (\"id\" SERIAL PRIMARY KEY);\n",
                           "CREATE INDEX \"A_i\" ON \"A\"(\"id\");\n"};
    lint_opts_init(&o);
    d.n = d.cap = 2;
    d.v = xcalloc(2, sizeof(*d.v));
    for (size_t i = 0; i < 2; i++) {
        d.v[i].name = xasprintf("%zu_m", i + 1);
        d.v[i].path = xasprintf("m/%zu_m/migration.sql", i + 1);
        d.v[i].text = xstrdup(texts[i]);
        d.v[i].len = strlen(texts[i]);
    }
    CHECK_INT(lint_migrations(&d, 1, &o, &r, &e), 0);
    char *s = findings(&r);
    CHECK_STR(s, "require-concurrent-index-creation@1:1");
    free(s);
    CHECK_INT(r.files, 1);
    CHECK_INT(r.statements, 1);
    CHECK_INT(r.warnings, 1);
    lint_report_release(&r);
    migdir_release(&d);
}

/* The real histories lint without a crash, and without unknown references. */
static void test_corpora(void)
{
    static const char *const corpora[] = {"../shared/corpus/documenso/migrations",
                                          "../shared/corpus/langfuse/migrations"};
    for (size_t i = 0; i < ARRAY_SIZE(corpora); i++) {
        struct migdir d = {0};
        struct pm_err e = PM_ERR_INIT;
        struct lint_opts o;
        struct lint_report r = {0};
        if (!fs_is_dir(corpora[i])) {
            fprintf(stderr, "note: %s not found, skipped\n", corpora[i]);
            continue;
        }
        lint_opts_init(&o);
        CHECK_INT(migdir_load(&d, corpora[i], &e), 0);
        CHECK_INT(lint_migrations(&d, 0, &o, &r, &e), 0);
        CHECK_INT(r.files, d.n);
        CHECK_INT(r.by_rule[LINT_UNKNOWN_REFERENCE], 0);
        CHECK_INT(r.by_rule[LINT_SYNTAX_ERROR], 0);
        CHECK(r.n > 100);
        for (size_t k = 0; k < r.n; k++)
            CHECK(r.v[k].line > 0 && r.v[k].col > 0 && r.v[k].message && r.v[k].src_line);
        lint_report_release(&r);
        migdir_release(&d);
        pm_err_release(&e);
    }
}

int main(void)
{
    RUN(test_rule_table);
    RUN(test_examples);
    RUN(test_new_table_is_exempt);
    RUN(test_history_references);
    RUN(test_transactions);
    RUN(test_versions);
    RUN(test_statement_rules);
    RUN(test_suppression);
    RUN(test_config);
    RUN(test_paths);
    RUN(test_from);
    RUN(test_corpora);
    UNIT_DONE();
}
