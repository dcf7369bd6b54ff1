/*
 * test_provenance.c - unit tests for src/history/provenance.c: recognising
 * PostgreSQL's missing/duplicate-object messages, and explaining them from
 * small histories of real SQL parsed into effects.
 */
#include "history/migdir.h"
#include "history/provenance.h"
#include "sql/effects.h"
#include "sql/script.h"
#include "unit.h"
#include "util/mem.h"

#include <stdlib.h>
#include <string.h>

/* ---- helpers -------------------------------------------------------- */

/* A migrations directory held in memory: name/SQL pairs, parsed. */
struct hist {
    struct migdir d;
    struct sql_script *scripts;
    struct stmt_effects **effects;
};

/* migs: name, sql, name, sql, ..., NULL. SQL "-" leaves the effects NULL (as if unparsable). */
static void hist_init(struct hist *h, const char *const *migs)
{
    memset(h, 0, sizeof(*h));
    size_t n = 0;
    while (migs[2 * n])
        n++;
    h->d.v = xcalloc(n ? n : 1, sizeof(*h->d.v));
    h->d.n = h->d.cap = n;
    h->scripts = xcalloc(n ? n : 1, sizeof(*h->scripts));
    h->effects = xcalloc(n ? n : 1, sizeof(struct stmt_effects *));
    for (size_t i = 0; i < n; i++) {
        struct migration *m = &h->d.v[i];
        struct pm_err e = PM_ERR_INIT;
        m->name = xstrdup(migs[2 * i]);
        m->path = xasprintf("migrations/%s/migration.sql", m->name);
        if (strcmp(migs[2 * i + 1], "-") == 0) { /* unparsable: no effects */
            m->text = xstrdup("");
            continue;
        }
        m->text = xstrdup(migs[2 * i + 1]);
        m->len = strlen(m->text);
        if (sql_script_parse(&h->scripts[i], m->path, m->text, m->len, &e) < 0) {
            fprintf(stderr, "parse error in %s: %s\n", m->name, e.primary);
            pm_err_release(&e);
            CHECK(0);
            continue;
        }
        h->effects[i] = effects_of_script(&h->scripts[i]);
    }
}

static void hist_release(struct hist *h)
{
    for (size_t i = 0; i < h->d.n; i++) {
        if (h->effects[i])
            effects_release(h->effects[i], h->scripts[i].n);
        sql_script_release(&h->scripts[i]); /* also fine when zeroed */
    }
    free(h->effects);
    free(h->scripts);
    migdir_release(&h->d);
}

/*
 * Explain an error at statement `stmt` of migration `mig` of the history and
 * return the summary (caller frees), or NULL when it is not explained.
 */
static char *explain(const char *const *migs, size_t mig, size_t stmt, const char *sqlstate,
                     const char *message)
{
    struct hist h;
    struct provenance p;
    char *summary = NULL;
    hist_init(&h, migs);
    if (prov_explain(sqlstate, message, &h.d, h.scripts, h.effects, mig, stmt, &p)) {
        summary = xstrdup(p.summary);
        prov_release(&p);
    }
    hist_release(&h);
    return summary;
}

#define CHECK_EXPLAIN(migs, mig, stmt, state, msg, expected)                                       \
    do {                                                                                           \
        char *got_ = explain(migs, mig, stmt, state, msg);                                         \
        CHECK_STR(got_, expected);                                                                 \
        free(got_);                                                                                \
    } while (0)

static int str_eq_null(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* Parse and compare every field; NULL expectations mean "unset". */
static int parsed(const char *state, const char *msg, enum eff_kind kind, int missing,
                  const char *schema, const char *name, const char *sub, const char *alias)
{
    struct prov_subject s;
    int ok = prov_parse_error(state, msg, &s) == 1 && s.kind == kind && s.missing == missing &&
             str_eq_null(s.schema, schema) && str_eq_null(s.name, name) &&
             str_eq_null(s.sub, sub) && str_eq_null(s.alias, alias);
    if (!ok)
        fprintf(stderr, "  not parsed as expected: [%s] %s -> kind %d missing %d %s/%s/%s/%s\n",
                state, msg, (int)s.kind, s.missing, s.schema ? s.schema : "-",
                s.name ? s.name : "-", s.sub ? s.sub : "-", s.alias ? s.alias : "-");
    prov_subject_release(&s);
    return ok;
}

static int not_parsed(const char *state, const char *msg)
{
    struct prov_subject s;
    int rc = prov_parse_error(state, msg, &s);
    prov_subject_release(&s);
    return rc == 0;
}

/* ---- parsing the messages ------------------------------------------- */

static void test_parse_missing(void)
{
    CHECK(parsed("42P01", "relation \"x\" does not exist", EFF_RELATION, 1, NULL, "x", NULL, NULL));
    CHECK(
        parsed("42P01", "relation \"s.x\" does not exist", EFF_RELATION, 1, "s", "x", NULL, NULL));
    CHECK(parsed("42P01", "relation \"Order\" does not exist", EFF_RELATION, 1, NULL, "Order", NULL,
                 NULL));
    CHECK(parsed("42703", "column \"c\" does not exist", EFF_COLUMN, 1, NULL, NULL, "c", NULL));
    CHECK(parsed("42703", "column \"email\" of relation \"User\" does not exist", EFF_COLUMN, 1,
                 NULL, "User", "email", NULL));
    CHECK(parsed("42703", "column t.c does not exist", EFF_COLUMN, 1, NULL, NULL, "c", "t"));
    CHECK(parsed("42703", "column os.customer_id does not exist", EFF_COLUMN, 1, NULL, NULL,
                 "customer_id", "os"));
    CHECK(parsed("42703", "column \"a.b\" does not exist", EFF_COLUMN, 1, NULL, NULL, "a.b", NULL));
    CHECK(parsed("42703", "column \"userId\" referenced in foreign key constraint does not exist",
                 EFF_COLUMN, 1, NULL, NULL, "userId", NULL));
    CHECK(parsed("42703", "column \"slug\" named in key does not exist", EFF_COLUMN, 1, NULL, NULL,
                 "slug", NULL));
    CHECK(parsed("42704", "type \"Role\" does not exist", EFF_TYPE, 1, NULL, "Role", NULL, NULL));
    CHECK(parsed("42704", "type \"s.mood\" does not exist", EFF_TYPE, 1, "s", "mood", NULL, NULL));
    CHECK(parsed("42704", "constraint \"Post_authorId_fkey\" of relation \"Post\" does not exist",
                 EFF_CONSTRAINT, 1, NULL, "Post", "Post_authorId_fkey", NULL));
    CHECK(parsed("42704", "constraint \"c\" for table \"t\" does not exist", EFF_CONSTRAINT, 1,
                 NULL, "t", "c", NULL));
    CHECK(parsed("42704", "index \"User_email_key\" does not exist", EFF_INDEX, 1, NULL,
                 "User_email_key", NULL, NULL));
    CHECK(parsed("42704", "extension \"citext\" does not exist", EFF_EXTENSION, 1, NULL, "citext",
                 NULL, NULL));
    CHECK(parsed("42704", "trigger \"trg\" for table \"t\" does not exist", EFF_TRIGGER, 1, NULL,
                 "t", "trg", NULL));
    CHECK(parsed("3F000", "schema \"audit\" does not exist", EFF_SCHEMA, 1, NULL, "audit", NULL,
                 NULL));
    CHECK(parsed("42883", "function f(integer) does not exist", EFF_FUNCTION, 1, NULL, "f", NULL,
                 NULL));
    CHECK(parsed("42883", "function public.touch(integer, text) does not exist", EFF_FUNCTION, 1,
                 "public", "touch", NULL, NULL));
    CHECK(parsed("42883", "function now2() does not exist", EFF_FUNCTION, 1, NULL, "now2", NULL,
                 NULL));
    CHECK(parsed("42883", "procedure p(integer) does not exist", EFF_FUNCTION, 1, NULL, "p", NULL,
                 NULL));
    CHECK(parsed("42883", "could not find a function named \"f\"", EFF_FUNCTION, 1, NULL, "f", NULL,
                 NULL));
    CHECK(parsed("22P02", "invalid input value for enum \"Role\": \"admin\"", EFF_ENUM_VALUE, 1,
                 NULL, "Role", "admin", NULL));
    CHECK(parsed("22P02", "invalid input value for enum mood: \"ok\"", EFF_ENUM_VALUE, 1, NULL,
                 "mood", "ok", NULL));
    CHECK(parsed("22P02", "invalid input value for enum s.\"Role\": \"X\"", EFF_ENUM_VALUE, 1, "s",
                 "Role", "X", NULL));
    CHECK(parsed("22P02", "invalid input value for enum \"A\"\"B\": \"\"", EFF_ENUM_VALUE, 1, NULL,
                 "A\"B", "", NULL));
    CHECK(parsed("22023", "\"GONE\" is not an existing enum label", EFF_ENUM_VALUE, 1, NULL, NULL,
                 "GONE", NULL));
    /* psql's prefix and a trailing newline are tolerated */
    CHECK(parsed("42P01", "ERROR:  relation \"x\" does not exist\n", EFF_RELATION, 1, NULL, "x",
                 NULL, NULL));
}

static void test_parse_duplicate(void)
{
    CHECK(parsed("42P07", "relation \"User\" already exists", EFF_RELATION, 0, NULL, "User", NULL,
                 NULL));
    CHECK(parsed("42701", "column \"email\" of relation \"User\" already exists", EFF_COLUMN, 0,
                 NULL, "User", "email", NULL));
    CHECK(parsed("42710", "type \"Role\" already exists", EFF_TYPE, 0, NULL, "Role", NULL, NULL));
    CHECK(parsed("42710", "constraint \"User_pkey\" for relation \"User\" already exists",
                 EFF_CONSTRAINT, 0, NULL, "User", "User_pkey", NULL));
    CHECK(parsed("42710", "extension \"pgcrypto\" already exists", EFF_EXTENSION, 0, NULL,
                 "pgcrypto", NULL, NULL));
    CHECK(parsed("42710", "trigger \"trg\" for relation \"t\" already exists", EFF_TRIGGER, 0, NULL,
                 "t", "trg", NULL));
    CHECK(parsed("42710", "enum label \"ADMIN\" already exists", EFF_ENUM_VALUE, 0, NULL, NULL,
                 "ADMIN", NULL));
    CHECK(parsed("42P06", "schema \"audit\" already exists", EFF_SCHEMA, 0, NULL, "audit", NULL,
                 NULL));
    CHECK(parsed("42723", "function \"touch\" already exists with same argument types",
                 EFF_FUNCTION, 0, NULL, "touch", NULL, NULL));
    CHECK(parsed("42723", "function touch(integer) already exists in schema \"public\"",
                 EFF_FUNCTION, 0, "public", "touch", NULL, NULL));
}

static void test_parse_rejects(void)
{
    CHECK(not_parsed("22012", "division by zero"));
    CHECK(not_parsed("42P01", "la relation « x » n'existe pas"));
    CHECK(not_parsed("42703", "la colonne « c » n'existe pas"));
    CHECK(not_parsed("42883", "operator does not exist: integer = text"));
    CHECK(not_parsed("22P02", "invalid input syntax for type integer: \"abc\""));
    /* right text, wrong SQLSTATE; no SQLSTATE (a client-side failure) */
    CHECK(not_parsed("42P07", "relation \"x\" does not exist"));
    CHECK(not_parsed("", "relation \"x\" does not exist"));
    CHECK(not_parsed(NULL, "relation \"x\" does not exist"));
    CHECK(not_parsed("42P01", NULL));
    /* empty names, texts around the message */
    CHECK(not_parsed("42P01", "relation \"\" does not exist"));
    CHECK(not_parsed("42P01", "relation \"x\" does not exist, really"));
    CHECK(not_parsed("42P01", "the relation \"x\" does not exist"));
    CHECK(not_parsed("42703", "column does not exist"));
    CHECK(not_parsed("42703", "column .c does not exist"));
    CHECK(not_parsed("42703", "column \"c\" of relation \"\" does not exist"));
}

/* ---- explaining ------------------------------------------------------- */

static void test_explain_renamed_table(void)
{
    static const char *const migs[] = {
        "20240101000000_init",
        "-- init\n\nCREATE TABLE \"Orders\" (id INTEGER NOT NULL, PRIMARY KEY (id));\n",
        "20240110000000_rename",
        "ALTER TABLE \"Orders\" RENAME TO \"Order\";\n",
        "20240111000000_data",
        "INSERT INTO \"Orders\" (id) VALUES (1);\n",
        NULL,
    };
    CHECK_EXPLAIN(migs, 2, 0, "42P01", "relation \"Orders\" does not exist",
                  "table \"Orders\" was created by 20240101000000_init (line 3) and renamed to "
                  "\"Order\" by 20240110000000_rename (line 1)");
    /* the new name: created by the rename */
    CHECK_EXPLAIN(migs, 2, 0, "42P07", "relation \"Order\" already exists",
                  "table \"Order\" was already renamed from \"Orders\" by 20240110000000_rename "
                  "(line 1)");
}

static void test_explain_dropped(void)
{
    static const char *const migs[] = {
        "20240101000000_init",
        "CREATE TABLE a (id int);\nCREATE TABLE legacy (id int);\n",
        "20240201000000_cleanup",
        "-- cleanup\n\n\nDROP TABLE legacy;\n",
        "20240202000000_use",
        "SELECT 1;\nINSERT INTO legacy VALUES (1);\n",
        NULL,
    };
    CHECK_EXPLAIN(migs, 2, 1, "42P01", "relation \"legacy\" does not exist",
                  "table \"legacy\" was created by 20240101000000_init (line 2) and dropped by "
                  "20240201000000_cleanup (line 4)");
    /* created before the history began (e.g. by hand): only the drop is known */
    static const char *const migs2[] = {
        "20240201000000_cleanup",
        "-- cleanup\n\n\nDROP TABLE legacy;\n",
        "20240202000000_use",
        "INSERT INTO legacy VALUES (1);\n",
        NULL,
    };
    CHECK_EXPLAIN(migs2, 1, 0, "42P01", "relation \"legacy\" does not exist",
                  "table \"legacy\" was dropped by 20240201000000_cleanup (line 4)");
}

static void test_explain_created_still_missing(void)
{
    /* created and never dropped as far as the effects say: a DO block may have */
    static const char *const migs[] = {
        "20240101000000_init",
        "CREATE TABLE t (id int);\n",
        "20240102000000_do",
        "DO $$ BEGIN EXECUTE 'DROP TABLE t'; END $$;\n",
        "20240103000000_use",
        "INSERT INTO t VALUES (1);\n",
        NULL,
    };
    CHECK_EXPLAIN(migs, 2, 0, "42P01", "relation \"t\" does not exist",
                  "table \"t\" was created by 20240101000000_init (line 1); no later statement "
                  "drops or renames it (1 statement could not be analysed)");
}

static void test_explain_duplicate_column(void)
{
    static const char *const migs[] = {
        "20240101000000_init",
        "-- CreateEnum\n"
        "CREATE TYPE \"Role\" AS ENUM ('USER', 'ADMIN');\n"
        "\n"
        "-- CreateTable\n"
        "CREATE TABLE \"User\" (\n"
        "    \"id\" SERIAL NOT NULL,\n"
        "    \"email\" TEXT NOT NULL,\n"
        "    CONSTRAINT \"User_pkey\" PRIMARY KEY (\"id\")\n"
        ");\n",
        "20240102000000_email",
        "-- AlterTable\nALTER TABLE \"User\" ADD COLUMN \"email\" TEXT;\n",
        NULL,
    };
    CHECK_EXPLAIN(migs, 1, 0, "42701", "column \"email\" of relation \"User\" already exists",
                  "column \"email\" of table \"User\" was already added by 20240101000000_init "
                  "(line 5)");
    /* the primary key's index */
    CHECK_EXPLAIN(migs, 1, 0, "42P07", "relation \"User_pkey\" already exists",
                  "index \"User_pkey\" was already created (primary key of table \"User\") by "
                  "20240101000000_init (line 5)");
    CHECK_EXPLAIN(migs, 1, 0, "42710",
                  "constraint \"User_pkey\" for relation \"User\" already exists",
                  "constraint \"User_pkey\" of table \"User\" was already added by "
                  "20240101000000_init (line 5)");
    /* a table's row type */
    CHECK_EXPLAIN(migs, 1, 0, "42710", "type \"User\" already exists",
                  "type \"User\" was already created (row type of table \"User\") by "
                  "20240101000000_init (line 5)");
    CHECK_EXPLAIN(migs, 1, 0, "42710", "type \"Role\" already exists",
                  "type \"Role\" was already created by 20240101000000_init (line 2)");
    CHECK_EXPLAIN(migs, 1, 0, "42710", "enum label \"ADMIN\" already exists",
                  "value 'ADMIN' was already added to enum \"Role\" by 20240101000000_init "
                  "(line 2)");
}

static void test_explain_near_miss(void)
{
    static const char *const migs[] = {
        "20240101000000_init",
        "CREATE TABLE \"Customer\" (id INTEGER NOT NULL);\n",
        "20240105000000_orders",
        "-- CreateTable\n"
        "CREATE TABLE \"Order\" (\n"
        "    \"id\" INTEGER NOT NULL\n"
        ");\n"
        "\n\n\n\n\n\n"
        "-- AlterTable\n"
        "ALTER TABLE \"Order\" ADD COLUMN \"customerId\" INTEGER;\n",
        "20240106000000_backfill",
        "UPDATE \"Order\" os SET customer_id = 1 WHERE os.customer_id IS NULL;\n",
        NULL,
    };
    CHECK_EXPLAIN(migs, 2, 0, "42703", "column os.customer_id does not exist",
                  "column \"customer_id\" is not created by any earlier migration (checked 2 "
                  "migrations); \"customerId\" was added to table \"Order\" by "
                  "20240105000000_orders (line 12)");
    /* a table whose name differs in case */
    CHECK_EXPLAIN(migs, 2, 0, "42P01", "relation \"order\" does not exist",
                  "relation \"order\" is not created by any earlier migration (checked 2 "
                  "migrations); table \"Order\" was created by 20240105000000_orders (line 2)");
    /* the right column on a table named in another case */
    CHECK_EXPLAIN(
        migs, 2, 0, "42703", "column \"customerId\" of relation \"order\" does not exist",
        "column \"customerId\" of table \"order\" is not created by any earlier migration "
        "(checked 2 migrations); \"customerId\" was added to table \"Order\" by "
        "20240105000000_orders (line 12)");
    /* the failing migration's own statements before the failing one count */
    CHECK_EXPLAIN(migs, 1, 1, "42703",
                  "column \"customer_id\" of relation \"Order\" does not exist",
                  "column \"customer_id\" of table \"Order\" is not created by any earlier "
                  "migration (checked 2 migrations)");
    /* and those from the failing one on do not */
    CHECK_EXPLAIN(migs, 1, 0, "42P01", "relation \"Order\" does not exist",
                  "relation \"Order\" is not created by any earlier migration (checked 1 "
                  "migration)");
}

static void test_explain_renamed_column(void)
{
    static const char *const migs[] = {
        "20240101000000_init",
        "CREATE TABLE t (a int, old_name text);\n",
        "20240102000000_rename",
        "ALTER TABLE t RENAME COLUMN old_name TO new_name;\n",
        "20240103000000_use",
        "ALTER TABLE t ALTER COLUMN old_name SET NOT NULL;\n",
        NULL,
    };
    CHECK_EXPLAIN(migs, 2, 0, "42703", "column \"old_name\" of relation \"t\" does not exist",
                  "column \"old_name\" of table \"t\" was added by 20240101000000_init (line 1) "
                  "and renamed to \"new_name\" by 20240102000000_rename (line 1)");
    /* renamed columns also answer for a bare "column x" */
    CHECK_EXPLAIN(migs, 2, 0, "42703", "column \"old_name\" does not exist",
                  "column \"old_name\" was added to table \"t\" by 20240101000000_init (line 1) "
                  "and renamed to \"new_name\" by 20240102000000_rename (line 1)");
}

static void test_explain_column_through_table_rename(void)
{
    static const char *const migs[] = {
        "20240101000000_init",
        "CREATE TABLE \"Orders\" (id int, email text);\n",
        "20240102000000_rename",
        "ALTER TABLE \"Orders\" RENAME TO \"Order\";\n",
        "20240103000000_email",
        "ALTER TABLE \"Order\" ADD COLUMN email text;\n",
        NULL,
    };
    CHECK_EXPLAIN(migs, 2, 0, "42701", "column \"email\" of relation \"Order\" already exists",
                  "column \"email\" of table \"Order\" was already added to table \"Orders\" by "
                  "20240101000000_init (line 1)");
}

static void test_explain_table_drop_removes_columns(void)
{
    static const char *const migs[] = {
        "20240101000000_init",
        "CREATE TABLE t (a int, c int);\n",
        "20240102000000_recreate",
        "DROP TABLE t;\nCREATE TABLE t (a int);\n",
        "20240103000000_use",
        "CREATE INDEX t_c_idx ON t (c);\n",
        NULL,
    };
    CHECK_EXPLAIN(migs, 2, 0, "42703", "column \"c\" named in key does not exist",
                  "column \"c\" was added to table \"t\" by 20240101000000_init (line 1) and "
                  "dropped with table \"t\" by 20240102000000_recreate (line 1)");
    CHECK_EXPLAIN(migs, 2, 0, "42703", "column \"c\" of relation \"t\" does not exist",
                  "column \"c\" of table \"t\" was added by 20240101000000_init (line 1) and "
                  "dropped with table \"t\" by 20240102000000_recreate (line 1)");
}

static void test_explain_alias(void)
{
    static const char *const migs[] = {
        "20240101000000_init",
        /* one migration split over lines: NOLINTNEXTLINE(bugprone-suspicious-missing-comma) */
        "CREATE TABLE orders (id int);\nCREATE TABLE a (status text);\nCREATE TABLE b (status "
        "text);\n",
        "20240102000000_use",
        "UPDATE orders SET status = 'x' WHERE orders.status IS NULL;\n",
        NULL,
    };
    /* the "alias" is a table's name: that table */
    CHECK_EXPLAIN(migs, 1, 0, "42703", "column orders.status does not exist",
                  "column \"status\" of table \"orders\" is not created by any earlier migration "
                  "(checked 1 migration)");
    /* a real alias: any table */
    CHECK_EXPLAIN(migs, 1, 0, "42703", "column os.status does not exist",
                  "column \"status\" was added to table \"a\" by 20240101000000_init (line 2) and "
                  "added to table \"b\" by 20240101000000_init (line 3); no later statement drops "
                  "or renames it");
}

static void test_explain_long_history(void)
{
    static const char *const migs[] = {
        "20240101000000_init",
        /* one migration split over lines: NOLINTNEXTLINE(bugprone-suspicious-missing-comma) */
        "CREATE TABLE t1 (id int);\nCREATE TABLE t2 (id int);\nCREATE TABLE t3 (id int);\n"
        "CREATE TABLE t4 (id int);\nCREATE TABLE t5 (id int);\nCREATE TABLE t6 (id int);\n"
        "CREATE TABLE t7 (id int);\nCREATE TABLE t8 (id int);\n",
        "20240102000000_use",
        "SELECT x.id FROM (SELECT 1 AS a) x;\n",
        NULL,
    };
    /* the first two and the last three of eight */
    CHECK_EXPLAIN(migs, 1, 0, "42703", "column x.id does not exist",
                  "column \"id\" was added to table \"t1\" by 20240101000000_init (line 1), added "
                  "to table \"t2\" by 20240101000000_init (line 2), 3 more, added to table \"t6\" "
                  "by 20240101000000_init (line 6), added to table \"t7\" by 20240101000000_init "
                  "(line 7) and added to table \"t8\" by 20240101000000_init (line 8); no later "
                  "statement drops or renames it");
}

static void test_explain_enum_value(void)
{
    static const char *const migs[] = {
        "20240101000000_init",
        "CREATE TYPE \"Role\" AS ENUM ('USER', 'ADMIN');\n",
        "20240102000000_data",
        "INSERT INTO \"User\" (role) VALUES ('admin');\n",
        NULL,
    };
    CHECK_EXPLAIN(migs, 1, 0, "22P02", "invalid input value for enum \"Role\": \"admin\"",
                  "value 'admin' of enum \"Role\" is not created by any earlier migration (checked "
                  "1 migration); \"ADMIN\" was added to enum \"Role\" by 20240101000000_init "
                  "(line 1)");
    static const char *const migs2[] = {
        "20240101000000_init",
        "CREATE TYPE \"Status\" AS ENUM ('OPEN');\n",
        "20240102000000_rename",
        "ALTER TYPE \"Status\" RENAME VALUE 'OPEN' TO 'ACTIVE';\n",
        "20240103000000_data",
        "SELECT 'OPEN'::\"Status\";\n",
        NULL,
    };
    CHECK_EXPLAIN(migs2, 2, 0, "22P02", "invalid input value for enum \"Status\": \"OPEN\"",
                  "value 'OPEN' of enum \"Status\" was added by 20240101000000_init (line 1) and "
                  "renamed to \"ACTIVE\" by 20240102000000_rename (line 1)");
}

static void test_explain_qualified(void)
{
    static const char *const migs[] = {
        "20240101000000_init",
        "CREATE SCHEMA s;\nCREATE TABLE s.x (id int);\nCREATE TABLE \"a.b\" (id int);\n",
        "20240102000000_drop",
        "DROP TABLE s.x;\n",
        "20240103000000_use",
        "SELECT * FROM s.x;\n",
        NULL,
    };
    CHECK_EXPLAIN(migs, 2, 0, "42P01", "relation \"s.x\" does not exist",
                  "table \"s\".\"x\" was created by 20240101000000_init (line 2) and dropped by "
                  "20240102000000_drop (line 1)");
    /* a name with a dot in it, made by an earlier statement */
    CHECK_EXPLAIN(migs, 2, 0, "42P07", "relation \"a.b\" already exists",
                  "table \"a.b\" was already created by 20240101000000_init (line 3)");
    CHECK_EXPLAIN(migs, 2, 0, "42P06", "schema \"s\" already exists",
                  "schema \"s\" was already created by 20240101000000_init (line 1)");
    /* SET SCHEMA */
    static const char *const moved[] = {
        "20240101000000_init",
        "CREATE TABLE t (id int);\nCREATE SCHEMA archive;\n",
        "20240102000000_move",
        "ALTER TABLE t SET SCHEMA archive;\n",
        "20240103000000_use",
        "SELECT * FROM t;\n",
        NULL,
    };
    CHECK_EXPLAIN(moved, 2, 0, "42P01", "relation \"t\" does not exist",
                  "table \"t\" was created by 20240101000000_init (line 1) and moved to schema "
                  "\"archive\" by 20240102000000_move (line 1)");
    CHECK_EXPLAIN(moved, 2, 0, "42P07", "relation \"archive.t\" already exists",
                  "table \"archive\".\"t\" was created by 20240101000000_init (line 1) and moved "
                  "from another schema by 20240102000000_move (line 1)");
}

static void test_explain_function_and_index(void)
{
    static const char *const migs[] = {
        "20240101000000_init",
        /* one migration split over lines: NOLINTNEXTLINE(bugprone-suspicious-missing-comma) */
        "CREATE TABLE t (id int);\n"
        "CREATE INDEX t_id_idx ON t (id);\n"
        "CREATE FUNCTION touch(a integer) RETURNS integer LANGUAGE sql AS 'SELECT 1';\n",
        "20240102000000_drop",
        "DROP FUNCTION touch(integer);\nDROP TABLE t;\n",
        "20240103000000_use",
        "SELECT touch(1);\nDROP INDEX t_id_idx;\n",
        NULL,
    };
    CHECK_EXPLAIN(migs, 2, 0, "42883", "function touch(integer) does not exist",
                  "function \"touch\" was created by 20240101000000_init (line 3) and dropped by "
                  "20240102000000_drop (line 1)");
    /* an index goes with its table */
    CHECK_EXPLAIN(migs, 2, 1, "42704", "index \"t_id_idx\" does not exist",
                  "index \"t_id_idx\" was created by 20240101000000_init (line 2) and dropped with "
                  "table \"t\" by 20240102000000_drop (line 2)");
}

static void test_explain_unanalysed_and_unparsed(void)
{
    static const char *const migs[] = {
        "20240101000000_init",
        "DO $$ BEGIN CREATE TABLE x (id int); END $$;\n",
        "20240102000000_bad",
        "-",
        "20240103000000_use",
        "INSERT INTO x VALUES (1);\n",
        NULL,
    };
    CHECK_EXPLAIN(migs, 2, 0, "42P01", "relation \"x\" does not exist",
                  "relation \"x\" is not created by any earlier migration (checked 1 migration; 1 "
                  "statement could not be analysed; 1 migration could not be parsed)");
}

static void test_explain_events_and_not_explained(void)
{
    static const char *const migs[] = {
        "20240101000000_init",
        "CREATE TABLE t (id int);\n",
        "20240102000000_use",
        "SELECT 1/0;\n",
        NULL,
    };
    struct hist h;
    struct provenance p;
    hist_init(&h, migs);
    CHECK_INT(prov_explain("22012", "division by zero", &h.d, h.scripts, h.effects, 1, 0, &p), 0);
    CHECK(p.summary == NULL && p.n == 0);
    prov_release(&p);

    CHECK_INT(prov_explain("42P07", "relation \"t\" already exists", &h.d, h.scripts, h.effects, 1,
                           0, &p),
              1);
    CHECK_INT(p.n, 1);
    if (p.n == 1) {
        CHECK_INT(p.v[0].migration, 0);
        CHECK_INT(p.v[0].statement, 0);
        CHECK_INT(p.v[0].line, 1);
        CHECK_STR(p.v[0].what, "created");
        CHECK(p.v[0].detail == NULL && p.v[0].table == NULL);
    }
    CHECK_INT(p.checked, 1);
    CHECK_STR(p.subject.name, "t");
    prov_release(&p);
    hist_release(&h);
}

int main(void)
{
    RUN(test_parse_missing);
    RUN(test_parse_duplicate);
    RUN(test_parse_rejects);
    RUN(test_explain_renamed_table);
    RUN(test_explain_dropped);
    RUN(test_explain_created_still_missing);
    RUN(test_explain_duplicate_column);
    RUN(test_explain_near_miss);
    RUN(test_explain_renamed_column);
    RUN(test_explain_column_through_table_rename);
    RUN(test_explain_table_drop_removes_columns);
    RUN(test_explain_alias);
    RUN(test_explain_long_history);
    RUN(test_explain_enum_value);
    RUN(test_explain_qualified);
    RUN(test_explain_function_and_index);
    RUN(test_explain_unanalysed_and_unparsed);
    RUN(test_explain_events_and_not_explained);
    UNIT_DONE();
}
