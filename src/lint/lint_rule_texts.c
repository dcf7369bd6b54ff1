/*
 * lint_rule_texts.c - every lint rule's id, severity, summary, explanation with
 * the safe alternative, help line, and a failing and a passing example
 * (`pgmig lint --explain ID`, docs/lint.md).
 */
#include "lint/lint.h"

#include <stddef.h>
#include <string.h>

/* ---- the rules ----------------------------------------------------------------- */

/*
 * Every rule: id, severity, summary, the explanation with the safe
 * alternative, the help line, and a failing and a passing example.
 * docs/lint.md repeats these texts; tests/integration/test_lint.sh checks that
 * both agree and that every example does what it says.
 */
#define INIT_USER                                                                                  \
    "-- migration: 1_init\nCREATE TABLE \"User\" (\"id\" BIGINT PRIMARY KEY, \"email\" TEXT);\n"

static const struct lint_rule_info lint_rules[LINT_RULE_COUNT] = {
    {LINT_ADDING_REQUIRED_FIELD, LINT_SEV_ERROR, "adding-required-field",
     "ADD COLUMN ... NOT NULL without a default, on a table that may hold rows",
     "Adding a NOT NULL column without a DEFAULT fails as soon as the table has a row: every "
     "existing row would hold NULL. The migration passes on an empty development database and "
     "fails in production. Give the column a DEFAULT (from PostgreSQL 11 a non-volatile default "
     "is stored once, without rewriting the table), or add it nullable, backfill it, and then set "
     "NOT NULL (see adding-not-nullable-field). Tables created earlier in the same migration are "
     "empty and are not reported.",
     "add a DEFAULT, or add the column nullable, backfill it, then SET NOT NULL",
     "SET lock_timeout = '5s';\n"
     "ALTER TABLE \"User\" ADD COLUMN \"plan\" TEXT NOT NULL;\n",
     "SET lock_timeout = '5s';\n"
     "ALTER TABLE \"User\" ADD COLUMN \"plan\" TEXT NOT NULL DEFAULT 'free';\n"},

    {LINT_ADDING_NOT_NULLABLE_FIELD, LINT_SEV_WARNING, "adding-not-nullable-field",
     "SET NOT NULL on an existing column scans the table under an ACCESS EXCLUSIVE lock",
     "ALTER COLUMN ... SET NOT NULL checks every row while it holds an ACCESS EXCLUSIVE lock, "
     "so nothing can read or write the table for the length of a full scan. From PostgreSQL 12 "
     "the scan is skipped when a validated CHECK (column IS NOT NULL) constraint already proves "
     "it. Add that constraint NOT VALID (instant), VALIDATE it in a later migration (it scans "
     "under a lock that lets reads and writes go on), then SET NOT NULL and drop the CHECK. pgmig "
     "recognises the pattern across statements and migrations; before PostgreSQL 12 (--pg-version) "
     "it cannot help, and the rule always reports.",
     "add CHECK (col IS NOT NULL) NOT VALID, VALIDATE it in a later migration, then SET NOT NULL",
     "SET lock_timeout = '5s';\n"
     "ALTER TABLE \"User\" ALTER COLUMN \"email\" SET NOT NULL;\n",
     INIT_USER "-- migration: 2_email_check\n"
               "SET lock_timeout = '5s';\n"
               "ALTER TABLE \"User\" ADD CONSTRAINT \"User_email_nn\" CHECK (\"email\" IS NOT "
               "NULL) NOT VALID;\n"
               "-- migration: 3_email_validate\n"
               "ALTER TABLE \"User\" VALIDATE CONSTRAINT \"User_email_nn\";\n"
               "-- migration: 4_email_not_null\n"
               "SET lock_timeout = '5s';\n"
               "ALTER TABLE \"User\" ALTER COLUMN \"email\" SET NOT NULL;\n"
               "ALTER TABLE \"User\" DROP CONSTRAINT \"User_email_nn\";\n"},

    {LINT_ADDING_FIELD_WITH_DEFAULT, LINT_SEV_WARNING, "adding-field-with-default",
     "ADD COLUMN with a volatile default, or a generated, identity or serial column (a rewrite)",
     "Adding a column whose default is volatile (gen_random_uuid(), random(), clock_timestamp(), "
     "nextval() of a serial, or a function pgmig does not know to be stable), or a stored "
     "generated or identity column, rewrites every row of the table under an ACCESS EXCLUSIVE "
     "lock. Before PostgreSQL 11 any default does. Add the column without the default, set the "
     "default in a second statement (it applies to new rows only), and backfill the existing "
     "rows in batches. Tables created earlier in the same migration are not reported.",
     "add the column without a default, then SET DEFAULT, then backfill existing rows in batches",
     "SET lock_timeout = '5s';\n"
     "ALTER TABLE \"Order\" ADD COLUMN \"token\" UUID DEFAULT gen_random_uuid();\n",
     "SET lock_timeout = '5s';\n"
     "ALTER TABLE \"Order\" ADD COLUMN \"token\" UUID;\n"
     "ALTER TABLE \"Order\" ALTER COLUMN \"token\" SET DEFAULT gen_random_uuid();\n"},

    {LINT_CHANGING_COLUMN_TYPE, LINT_SEV_WARNING, "changing-column-type",
     "ALTER COLUMN ... TYPE rewrites the table and its indexes",
     "Changing a column's type rewrites the whole table and rebuilds its indexes under an ACCESS "
     "EXCLUSIVE lock: no reads or writes until it is done. Changes that need no rewrite are not "
     "reported when the history shows the old type: varchar(n) to a longer varchar or to text, "
     "text to varchar, numeric(p,s) to a larger precision with the same scale (all without "
     "USING). Otherwise add a new column, backfill it in batches, move the code over, and drop "
     "the old column later.",
     "add a new column, backfill it, switch the code, then drop the old column",
     "SET lock_timeout = '5s';\n"
     "ALTER TABLE \"User\" ALTER COLUMN \"id\" SET DATA TYPE INTEGER;\n",
     "-- migration: 1_init\n"
     "CREATE TABLE \"User\" (\"id\" BIGINT PRIMARY KEY, \"name\" VARCHAR(50));\n"
     "-- migration: 2_longer_names\n"
     "SET lock_timeout = '5s';\n"
     "ALTER TABLE \"User\" ALTER COLUMN \"name\" SET DATA TYPE VARCHAR(200);\n"},

    {LINT_REQUIRE_CONCURRENT_INDEX_CREATION, LINT_SEV_WARNING, "require-concurrent-index-creation",
     "CREATE INDEX without CONCURRENTLY on an existing table",
     "CREATE INDEX holds a SHARE lock on the table for the whole build: every INSERT, UPDATE and "
     "DELETE waits, for minutes on a large table. CREATE INDEX CONCURRENTLY builds it without "
     "blocking writes. pgmig runs a CONCURRENTLY statement outside the migration's transaction "
     "by itself (the rest of the file stays transactional), so the file needs no other change. "
     "Indexes on tables created earlier in the same migration are not reported.",
     "use CREATE INDEX CONCURRENTLY (pgmig runs it outside the transaction)",
     "CREATE INDEX \"User_email_idx\" ON \"User\"(\"email\");\n",
     "CREATE INDEX CONCURRENTLY \"User_email_idx\" ON \"User\"(\"email\");\n"},

    {LINT_REQUIRE_CONCURRENT_INDEX_DELETION, LINT_SEV_WARNING, "require-concurrent-index-deletion",
     "DROP INDEX without CONCURRENTLY",
     "DROP INDEX takes an ACCESS EXCLUSIVE lock on the index's table: while it waits for running "
     "queries to finish, every new query on the table queues behind it. DROP INDEX CONCURRENTLY "
     "waits without blocking others; pgmig runs it outside the migration's transaction by itself. "
     "Indexes created, or on tables created, earlier in the same migration are not reported.",
     "use DROP INDEX CONCURRENTLY (pgmig runs it outside the transaction)",
     "SET lock_timeout = '5s';\n"
     "DROP INDEX \"User_email_idx\";\n",
     "DROP INDEX CONCURRENTLY \"User_email_idx\";\n"},

    {LINT_CONCURRENT_IN_TRANSACTION, LINT_SEV_ERROR, "ban-concurrent-index-creation-in-transaction",
     "A statement that cannot run in a transaction block inside the file's own BEGIN ... COMMIT",
     "CREATE INDEX CONCURRENTLY, DROP INDEX CONCURRENTLY, VACUUM and the like cannot run inside "
     "a transaction block, and neither can ALTER TYPE ... ADD VALUE before PostgreSQL 12. pgmig "
     "runs such statements outside its own transaction by itself, but it runs a file's explicit "
     "BEGIN ... COMMIT block as written, so one inside it fails every time. Remove the BEGIN and "
     "COMMIT around it (pgmig keeps the other statements transactional), or move the statement "
     "out of the block.",
     "move the statement out of the BEGIN ... COMMIT block; pgmig runs it alone",
     "BEGIN;\n"
     "CREATE INDEX CONCURRENTLY \"User_email_idx\" ON \"User\"(\"email\");\n"
     "COMMIT;\n",
     "CREATE INDEX CONCURRENTLY \"User_email_idx\" ON \"User\"(\"email\");\n"},

    {LINT_CONSTRAINT_MISSING_NOT_VALID, LINT_SEV_WARNING, "constraint-missing-not-valid",
     "A foreign key or CHECK constraint added to an existing table without NOT VALID",
     "Adding a FOREIGN KEY or CHECK constraint checks every existing row while holding a lock "
     "that blocks writes (ACCESS EXCLUSIVE for a CHECK; SHARE ROW EXCLUSIVE on both tables for a "
     "foreign key). Add it NOT VALID, which only checks new rows and is instant, then run "
     "VALIDATE CONSTRAINT in a later migration: it scans under a lock that lets reads and writes "
     "go on. A VALIDATE in the same transaction as its ADD ... NOT VALID gains nothing (the "
     "ADD's lock is still held) and is reported too; so is a REFERENCES or CHECK on a column "
     "added to an existing table. Tables created earlier in the same migration are not reported.",
     "add it NOT VALID, then VALIDATE CONSTRAINT in a later migration",
     "SET lock_timeout = '5s';\n"
     "ALTER TABLE \"Order\" ADD CONSTRAINT \"Order_userId_fkey\" FOREIGN KEY (\"userId\") "
     "REFERENCES \"User\"(\"id\");\n",
     "-- migration: 1_init\n"
     "CREATE TABLE \"User\" (\"id\" BIGINT PRIMARY KEY);\n"
     "CREATE TABLE \"Order\" (\"id\" BIGINT PRIMARY KEY, \"userId\" BIGINT);\n"
     "-- migration: 2_order_user_fk\n"
     "SET lock_timeout = '5s';\n"
     "ALTER TABLE \"Order\" ADD CONSTRAINT \"Order_userId_fkey\" FOREIGN KEY (\"userId\") "
     "REFERENCES \"User\"(\"id\") NOT VALID;\n"
     "-- migration: 3_order_user_fk_validate\n"
     "ALTER TABLE \"Order\" VALIDATE CONSTRAINT \"Order_userId_fkey\";\n"},

    {LINT_DISALLOWED_UNIQUE_CONSTRAINT, LINT_SEV_WARNING, "disallowed-unique-constraint",
     "ADD UNIQUE or PRIMARY KEY without a prebuilt index",
     "Adding a UNIQUE or PRIMARY KEY constraint builds its unique index while the table is locked "
     "against reads and writes (ACCESS EXCLUSIVE). Build the index first with CREATE UNIQUE "
     "INDEX CONCURRENTLY, then attach it with ADD CONSTRAINT ... UNIQUE USING INDEX (or PRIMARY "
     "KEY USING INDEX), which is instant. Tables created earlier in the same migration are not "
     "reported.",
     "CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... USING INDEX",
     "SET lock_timeout = '5s';\n"
     "ALTER TABLE \"User\" ADD CONSTRAINT \"User_email_key\" UNIQUE (\"email\");\n",
     "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"User_email_key\" ON \"User\"(\"email\");\n"
     "SET lock_timeout = '5s';\n"
     "ALTER TABLE \"User\" ADD CONSTRAINT \"User_email_key\" UNIQUE USING INDEX "
     "\"User_email_key\";\n"},

    {LINT_BAN_DROP_TABLE, LINT_SEV_WARNING, "ban-drop-table", "DROP TABLE deletes data",
     "DROP TABLE deletes the table and all its rows, and every running instance of the "
     "application that still reads or writes it starts failing the moment the migration commits. "
     "Stop using the table in a release first, keep a backup, and drop it in a later migration; "
     "then say so with a `-- pgmig-lint-disable ban-drop-table` comment on the statement. Tables "
     "created earlier in the same migration are not reported.",
     "stop using it in a deployed release first, then suppress with -- pgmig-lint-disable "
     "ban-drop-table",
     "SET lock_timeout = '5s';\n"
     "DROP TABLE \"LegacySession\";\n",
     "SET lock_timeout = '5s';\n"
     "-- pgmig-lint-disable ban-drop-table: unused since release 41, backed up\n"
     "DROP TABLE \"LegacySession\";\n"},

    {LINT_BAN_DROP_COLUMN, LINT_SEV_WARNING, "ban-drop-column", "DROP COLUMN deletes data",
     "DROP COLUMN deletes the column's data, and application code that still selects or writes "
     "the column fails once the migration commits (an ORM that lists every column in its "
     "queries fails on every query of the table). Deploy code that no longer uses the column "
     "first, then drop it in a later migration, saying so with a `-- pgmig-lint-disable "
     "ban-drop-column` comment. Tables created earlier in the same migration are not reported.",
     "stop using the column in a deployed release first, then suppress with -- "
     "pgmig-lint-disable ban-drop-column",
     "SET lock_timeout = '5s';\n"
     "ALTER TABLE \"User\" DROP COLUMN \"legacyId\";\n",
     "SET lock_timeout = '5s';\n"
     "ALTER TABLE \"User\" DROP COLUMN \"legacyId\"; -- pgmig-lint-disable ban-drop-column\n"},

    {LINT_BAN_TRUNCATE, LINT_SEV_WARNING, "ban-truncate", "TRUNCATE deletes every row",
     "TRUNCATE deletes every row of the table (and with CASCADE of every table that references "
     "it) under an ACCESS EXCLUSIVE lock, and it cannot be undone once the migration commits. "
     "A migration rarely means that: delete the rows that must go with a WHERE clause, or "
     "suppress the finding with a comment saying why the data is disposable.",
     "delete only the rows that must go (DELETE ... WHERE), or suppress with a reason",
     "SET lock_timeout = '5s';\n"
     "TRUNCATE \"AuditLog\";\n",
     "DELETE FROM \"AuditLog\" WHERE \"createdAt\" < now() - interval '90 days';\n"},

    {LINT_RENAMING_TABLE, LINT_SEV_WARNING, "renaming-table",
     "Renaming a table breaks code that uses the old name",
     "After ALTER TABLE ... RENAME TO, every running instance of the application that still "
     "uses the old name fails until the new code is deployed, and there is always a moment "
     "when old code runs against the new schema. Keep the old name working: create a view with "
     "the old name in the same migration (simple views are updatable), and drop it once no code "
     "uses it. A rename followed by such a view, or of a table created earlier in the same "
     "migration, is not reported.",
     "create a view with the old name in the same migration, drop it once no code uses it",
     "SET lock_timeout = '5s';\n"
     "ALTER TABLE \"Post\" RENAME TO \"Article\";\n",
     "SET lock_timeout = '5s';\n"
     "ALTER TABLE \"Post\" RENAME TO \"Article\";\n"
     "CREATE VIEW \"Post\" AS SELECT * FROM \"Article\";\n"},

    {LINT_RENAMING_COLUMN, LINT_SEV_WARNING, "renaming-column",
     "Renaming a column breaks code that uses the old name",
     "After RENAME COLUMN, running code that reads or writes the old name fails until the new "
     "code is deployed. Expand and contract instead: add the new column, write both from the "
     "application, backfill, move reads over, and drop the old column in a later migration. "
     "Columns of tables created earlier in the same migration are not reported.",
     "add the new column, write both, backfill, then drop the old one later",
     "SET lock_timeout = '5s';\n"
     "ALTER TABLE \"User\" RENAME COLUMN \"name\" TO \"fullName\";\n",
     "SET lock_timeout = '5s';\n"
     "ALTER TABLE \"User\" ADD COLUMN \"fullName\" TEXT;\n"
     "UPDATE \"User\" SET \"fullName\" = \"name\";\n"},

    {LINT_REQUIRE_ENUM_VALUE_ORDERING, LINT_SEV_WARNING, "require-enum-value-ordering",
     "ALTER TYPE ... ADD VALUE without BEFORE or AFTER",
     "ADD VALUE without BEFORE or AFTER appends the value at the end of the enum's sort order. "
     "Enums compare and sort by that order (status < 'DONE', ORDER BY status), so a value meant "
     "to sit between two others silently changes what such queries return. Say where it goes.",
     "say where the value goes: ADD VALUE 'X' BEFORE 'Y' (or AFTER)",
     "ALTER TYPE \"Status\" ADD VALUE 'REVIEW';\n",
     "ALTER TYPE \"Status\" ADD VALUE 'REVIEW' BEFORE 'DONE';\n"},

    {LINT_ENUM_VALUE_IN_TRANSACTION, LINT_SEV_ERROR, "enum-value-used-in-transaction",
     "A value added to an enum is used in the same transaction",
     "From PostgreSQL 12 ALTER TYPE ... ADD VALUE may run in a transaction, but the new value "
     "cannot be used until that transaction commits: PostgreSQL fails with \"unsafe use of new "
     "value\". pgmig runs a migration in one transaction, so a file that adds a value and then "
     "uses it (in an UPDATE, a DEFAULT, a CHECK) fails on every deploy. Move the use into the "
     "next migration. (Before PostgreSQL 12 pgmig runs ADD VALUE alone, committed, and this "
     "cannot happen; an enum created in the same transaction is exempt.)",
     "use the new value in the next migration, after the one that adds it has committed",
     "ALTER TYPE \"Status\" ADD VALUE 'ARCHIVED' AFTER 'DONE';\n"
     "UPDATE \"Task\" SET \"status\" = 'ARCHIVED' WHERE \"deletedAt\" IS NOT NULL;\n",
     "-- migration: 1_init\n"
     "CREATE TYPE \"Status\" AS ENUM ('TODO', 'DONE');\n"
     "CREATE TABLE \"Task\" (\"id\" BIGINT PRIMARY KEY, \"status\" \"Status\" NOT NULL, "
     "\"deletedAt\" TIMESTAMPTZ);\n"
     "-- migration: 2_archived_status\n"
     "ALTER TYPE \"Status\" ADD VALUE 'ARCHIVED' AFTER 'DONE';\n"
     "-- migration: 3_archive_deleted_tasks\n"
     "UPDATE \"Task\" SET \"status\" = 'ARCHIVED' WHERE \"deletedAt\" IS NOT NULL;\n"},

    {LINT_PREFER_ROBUST_STMTS, LINT_SEV_SUGGESTION, "prefer-robust-stmts",
     "DDL that cannot run again, in a migration that can fail half-way",
     "A migration that pgmig cannot run as one transaction (it has CREATE INDEX CONCURRENTLY or "
     "another statement that must run alone, or several transaction blocks) can fail after "
     "some of its parts committed. Re-running it after the fix then fails on the first "
     "statement that already took effect. Written with IF NOT EXISTS / IF EXISTS (ADD COLUMN "
     "IF NOT EXISTS, CREATE INDEX CONCURRENTLY IF NOT EXISTS, DROP ... IF EXISTS), the whole "
     "file can simply run again. Only statements that can have committed before a later part "
     "fails are reported; a migration that runs as one transaction never is.",
     "add IF NOT EXISTS / IF EXISTS so the migration can run again after a partial failure",
     "SET lock_timeout = '5s';\n"
     "ALTER TABLE \"User\" ADD COLUMN \"email\" TEXT;\n"
     "CREATE INDEX CONCURRENTLY \"User_email_idx\" ON \"User\"(\"email\");\n",
     "SET lock_timeout = '5s';\n"
     "ALTER TABLE \"User\" ADD COLUMN IF NOT EXISTS \"email\" TEXT;\n"
     "CREATE INDEX CONCURRENTLY IF NOT EXISTS \"User_email_idx\" ON \"User\"(\"email\");\n"},

    {LINT_REQUIRE_LOCK_TIMEOUT, LINT_SEV_WARNING, "require-lock-timeout",
     "An ACCESS EXCLUSIVE lock is taken with no lock_timeout set",
     "A statement that needs an ACCESS EXCLUSIVE lock (most ALTER TABLE forms, DROP, TRUNCATE, "
     "RENAME) waits for every running query on the table, and while it waits every new query "
     "queues behind it: one long report query turns a one-millisecond ALTER into an outage. "
     "SET lock_timeout = '5s' (or SET LOCAL, for the transaction) at the top of the migration "
     "makes it fail fast instead, so it can simply be retried. pgmig knows how the file runs: "
     "a SET LOCAL covers only its own transaction, and pgmig resets settings between migrations, "
     "so each migration needs its own. Reported once per migration; tables created earlier in "
     "the same migration are not counted.",
     "start the migration with SET lock_timeout = '5s';",
     "ALTER TABLE \"User\" ADD COLUMN \"nickname\" TEXT;\n",
     "SET lock_timeout = '5s';\n"
     "ALTER TABLE \"User\" ADD COLUMN \"nickname\" TEXT;\n"},

    {LINT_IDENTIFIER_TOO_LONG, LINT_SEV_WARNING, "identifier-too-long",
     "An identifier longer than 63 bytes (silently truncated)",
     "PostgreSQL keeps only the first 63 bytes of a name and says so in a notice nobody reads. "
     "The object then has a different name than the migration (and Prisma's schema) says, and "
     "two long names that share their first 63 bytes collide. Enum labels over 63 bytes are "
     "rejected outright. Use a shorter name.",
     "use a name of at most 63 bytes",
     "CREATE TABLE \"Subscription\" (\"id\" BIGINT PRIMARY KEY, "
     "\"notification_preferences_for_weekly_digest_and_push_alerts_enabled\" BOOLEAN);\n",
     "CREATE TABLE \"Subscription\" (\"id\" BIGINT PRIMARY KEY, \"digest_alerts_enabled\" "
     "BOOLEAN);\n"},

    {LINT_BAN_CHAR_FIELD, LINT_SEV_WARNING, "ban-char-field", "char(n) columns (style)",
     "char(n) pads every value with blanks to n characters, compares ignoring them, and is no "
     "faster than text in PostgreSQL. Use text (or varchar), with a CHECK constraint if the "
     "length matters.",
     "use text, with a CHECK on its length if needed",
     "CREATE TABLE \"Country\" (\"code\" CHAR(2) PRIMARY KEY);\n",
     "CREATE TABLE \"Country\" (\"code\" TEXT PRIMARY KEY CHECK (length(\"code\") = 2));\n"},

    {LINT_PREFER_TIMESTAMPTZ, LINT_SEV_WARNING, "prefer-timestamptz",
     "timestamp without time zone columns (style)",
     "timestamp without time zone stores a wall-clock reading with no offset: 21:00 in Paris "
     "and 21:00 in New York are the same value, and the result of now() stored in it depends "
     "on the session's TimeZone. timestamptz stores an instant (it is not larger and does not "
     "store the zone). Prisma's DateTime maps to timestamp(3) unless the field says "
     "@db.Timestamptz(3).",
     "use timestamptz (Prisma: @db.Timestamptz(3))",
     "CREATE TABLE \"Event\" (\"id\" BIGINT PRIMARY KEY, \"at\" TIMESTAMP(3) NOT NULL);\n",
     "CREATE TABLE \"Event\" (\"id\" BIGINT PRIMARY KEY, \"at\" TIMESTAMPTZ(3) NOT NULL);\n"},

    {LINT_PREFER_BIGINT_OVER_INT, LINT_SEV_WARNING, "prefer-bigint-over-int",
     "32-bit (int4, serial) or 16-bit primary keys (style)",
     "An integer or serial primary key runs out at 2,147,483,647, and changing the type of a "
     "primary key later rewrites the table and every table whose foreign keys point at it. A "
     "bigint costs four bytes more per row. Use bigint (BIGSERIAL, or BIGINT GENERATED ... AS "
     "IDENTITY).",
     "use bigint (BIGSERIAL or BIGINT GENERATED BY DEFAULT AS IDENTITY)",
     "CREATE TABLE \"Item\" (\"id\" SERIAL PRIMARY KEY, \"name\" TEXT);\n",
     "CREATE TABLE \"Item\" (\"id\" BIGSERIAL PRIMARY KEY, \"name\" TEXT);\n"},

    {LINT_NON_MIGRATION_STATEMENT, LINT_SEV_WARNING, "non-migration-statement",
     "A statement that changes neither schema nor data (SELECT, SHOW, EXPLAIN, NOTIFY, ...)",
     "pgmig discards the results of a migration's statements, so a SELECT, SHOW or EXPLAIN does "
     "nothing but cost time, and one that calls functions runs only for their side effects, "
     "which a reader cannot see (write them as statements, or in a DO block that says what it "
     "does). NOTIFY, LISTEN, PREPARE, cursors, LOAD, DISCARD and CHECKPOINT act on the session "
     "or the server, not on the schema. Remove the statement, or suppress the finding when the "
     "side effect is the point (SELECT setval(...)).",
     "remove it, or write the change it stands for as DDL/DML",
     "SELECT * FROM \"User\" WHERE \"email\" IS NULL;\n",
     "UPDATE \"User\" SET \"email\" = '' WHERE \"email\" IS NULL;\n"},

    {LINT_UNKNOWN_REFERENCE, LINT_SEV_ERROR, "unknown-reference",
     "A table or column that no earlier migration creates",
     "When pgmig lints a migrations directory it replays the history statically and knows which "
     "tables and columns exist before each statement. A statement that uses one that no earlier "
     "migration creates (it only exists in someone's branch, a later migration creates it, or "
     "an earlier one dropped or renamed it) fails on deploy. Objects created by DO blocks or "
     "functions are taken on trust when the code mentions their name; objects created by "
     "extensions or outside the migrations are not known (suppress the finding). Not checked "
     "for a file linted on its own.",
     "create it in an earlier migration, or fix the name",
     INIT_USER "-- migration: 2_backfill_display_name\n"
               "UPDATE \"User\" SET \"displayName\" = \"email\";\n",
     INIT_USER "-- migration: 2_display_name\n"
               "SET lock_timeout = '5s';\n"
               "ALTER TABLE \"User\" ADD COLUMN \"displayName\" TEXT;\n"
               "UPDATE \"User\" SET \"displayName\" = \"email\";\n"},

    {LINT_UNCOMMITTED_TRANSACTION, LINT_SEV_ERROR, "ban-uncommitted-transaction",
     "BEGIN without a matching COMMIT or ROLLBACK",
     "A file that opens a transaction block and never closes it would leave the transaction "
     "open at its end, and its changes would be rolled back when the connection closes. pgmig "
     "refuses to run it. Add the COMMIT, or drop the BEGIN: pgmig runs every migration in a "
     "transaction anyway.",
     "add COMMIT; at the end of the block, or remove the BEGIN",
     "BEGIN;\n"
     "CREATE TABLE \"Tag\" (\"id\" BIGINT PRIMARY KEY);\n",
     "BEGIN;\n"
     "CREATE TABLE \"Tag\" (\"id\" BIGINT PRIMARY KEY);\n"
     "COMMIT;\n"},

    {LINT_UNSUPPORTED_STATEMENT, LINT_SEV_ERROR, "unsupported-statement",
     "A statement pgmig cannot run in a migration (COPY ... FROM STDIN)",
     "COPY ... FROM STDIN reads its rows from the client (psql's \\copy and the lines after the "
     "statement); a migration has no client data to send, so pgmig refuses the file. Write the "
     "rows as INSERT statements, or COPY from a file on the server.",
     "use INSERT statements, or COPY FROM a server-side file",
     "COPY \"Country\" (\"code\") FROM STDIN;\n",
     "INSERT INTO \"Country\" (\"code\") VALUES ('FR'), ('US');\n"},

    {LINT_SYNTAX_ERROR, LINT_SEV_ERROR, "syntax-error", "The file does not parse",
     "pgmig parses every migration with PostgreSQL's own parser before running anything; a file "
     "that does not parse cannot be linted or deployed. The finding points at the token the "
     "parser blames.",
     "fix the SQL at the position shown", "CREATE TABLE \"Tag\" (\"id\" BIGINT PRIMARY KEY,);\n",
     "CREATE TABLE \"Tag\" (\"id\" BIGINT PRIMARY KEY);\n"},
};

#undef INIT_USER

const struct lint_rule_info *lint_rule_info(enum lint_rule r)
{
    return (size_t)r < LINT_RULE_COUNT ? &lint_rules[r] : NULL;
}

const struct lint_rule_info *lint_rule_by_id(const char *id)
{
    for (size_t i = 0; id && i < LINT_RULE_COUNT; i++)
        if (strcmp(lint_rules[i].id, id) == 0)
            return &lint_rules[i];
    return NULL;
}

const char *lint_severity_name(enum lint_severity s)
{
    switch (s) {
    case LINT_SEV_ERROR:
        return "error";
    case LINT_SEV_WARNING:
        return "warning";
    case LINT_SEV_SUGGESTION:
        break;
    }
    return "suggestion";
}
