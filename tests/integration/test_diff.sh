#!/usr/bin/env bash
# test_diff.sh - `pgmig diff --script` round trips: for a pair of schemas
# a.sql -> b.sql, the generated migration, deployed after a.sql the way
# `migrate deploy` runs migrations (one transaction each), must leave a
# database that `pgmig diff --exit-code` finds equal to b.sql. Data inserted
# by a.sql must survive where the change keeps it.
source "$(dirname "${BASH_SOURCE[0]}")/../lib/harness.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib/diff_round_trip.sh"

test_identical_schemas_make_an_empty_migration() {
    cat >a.sql <<'EOF'
CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN');
CREATE TABLE "User" ("id" SERIAL PRIMARY KEY, "role" "Role" NOT NULL DEFAULT 'USER');
EOF
    run_pgmig diff --from sql:a.sql --to sql:a.sql --script
    assert_rc 0 || return
    assert_out_eq "-- This is an empty migration."
    run_pgmig diff --from sql:a.sql --to sql:a.sql --exit-code
    assert_rc 0
    assert_out_eq "No difference."
}

test_from_empty_creates_enums_tables_indexes_and_foreign_keys() {
    : >a.sql
    cat >b.sql <<'EOF'
CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN');
CREATE TABLE "Organization" ("id" TEXT NOT NULL PRIMARY KEY, "name" TEXT NOT NULL);
CREATE TABLE "User" (
    "id" SERIAL PRIMARY KEY,
    "email" TEXT NOT NULL,
    "role" "Role" NOT NULL DEFAULT 'USER',
    "organizationId" TEXT REFERENCES "Organization"("id") ON DELETE SET NULL ON UPDATE CASCADE,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
CREATE TABLE "SystemPrompt" (
    "id" TEXT NOT NULL,
    "previousVersionId" TEXT,
    "authorId" INTEGER NOT NULL,
    CONSTRAINT "SystemPrompt_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "SystemPrompt_previousVersionId_fkey" FOREIGN KEY ("previousVersionId") REFERENCES "SystemPrompt"("id"),
    CONSTRAINT "SystemPrompt_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE INDEX "SystemPrompt_authorId_previousVersionId_idx" ON "SystemPrompt"("authorId", "previousVersionId");
EOF
    round_trip || return
    m_contains '-- CreateEnum
CREATE TYPE "Role" AS ENUM ('"'USER', 'ADMIN'"');'
    m_contains '"id" SERIAL NOT NULL,'
    m_contains '    CONSTRAINT "SystemPrompt_pkey" PRIMARY KEY ("id")'
    m_contains 'CREATE UNIQUE INDEX "User_email_key" ON "User"("email");'
    m_contains 'ALTER TABLE "SystemPrompt" ADD CONSTRAINT "SystemPrompt_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;'
    m_lacks 'Warnings'
    m_lacks 'CREATE SEQUENCE'
}

test_added_required_column_and_dropped_column_warn() {
    cat >a.sql <<'EOF'
CREATE TABLE "SystemPrompt" ("id" TEXT PRIMARY KEY, "prompt" TEXT NOT NULL);
EOF
    cat >b.sql <<'EOF'
CREATE TABLE "SystemPrompt" ("id" TEXT PRIMARY KEY, "content" TEXT NOT NULL, "organizationId" TEXT NOT NULL DEFAULT 'none');
EOF
    round_trip || return
    m_contains "  - You are about to drop the column \`prompt\` on the \`SystemPrompt\` table. All the data in the column will be lost."
    m_contains "  - Added the required column \`content\` to the \`SystemPrompt\` table without a default value. This is not possible if the table is not empty."
    m_contains 'ALTER TABLE "SystemPrompt" DROP COLUMN "prompt",
ADD COLUMN     "content" text NOT NULL,'
    run_pgmig diff --from sql:a.sql --to sql:b.sql
    assert_out_contains "Changed the \`SystemPrompt\` table:
  - added column \`content\` (text, NOT NULL, no default: fails on a table with rows)"
}

test_column_type_nullability_and_default_changes_keep_data() {
    cat >a.sql <<'EOF'
CREATE TABLE "T" ("id" INTEGER PRIMARY KEY, "count" INTEGER DEFAULT 0, "code" TEXT DEFAULT '1',
  "title" VARCHAR(10), "price" NUMERIC(10,2), "at" TIMESTAMP(3), "flag" BOOLEAN NOT NULL DEFAULT false,
  "tags" TEXT, "list" INTEGER[], "name" TEXT);
INSERT INTO "T" VALUES (1, 5, '42', 'hello', 12.5, '2024-01-01 10:00', true, 'a', '{7,8}', 'x');
EOF
    cat >b.sql <<'EOF'
CREATE TABLE "T" ("id" BIGINT PRIMARY KEY, "count" BIGINT DEFAULT 1, "code" INTEGER DEFAULT 7,
  "title" VARCHAR(200) NOT NULL, "price" NUMERIC(12,2), "at" TIMESTAMP(6), "flag" BOOLEAN,
  "tags" TEXT[], "list" INTEGER, "name" TEXT COLLATE "C");
EOF
    round_trip || return
    m_contains 'ALTER COLUMN "code" SET DATA TYPE integer USING ("code"::integer)'
    m_contains 'ALTER COLUMN "count" SET DATA TYPE bigint,'
    m_contains "You are about to alter the column \`code\` on the \`T\` table. The data in that column will be cast from \`text\` to \`integer\`."
    m_contains "Made the column \`title\` on table \`T\` required."
    assert_eq "$(psql_val 'SELECT "id", "count", "code", "title", "price", "flag", "tags"[1], "list", "name" FROM "T"')" \
        "1|5|42|hello|12.50|t|a|7|x"
}

test_enum_value_removal_rebuilds_the_type_and_converts_columns() {
    cat >a.sql <<'EOF'
CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN', 'GUEST');
CREATE TABLE "User" ("id" INTEGER PRIMARY KEY, "role" "Role" NOT NULL DEFAULT 'GUEST', "roles" "Role"[] NOT NULL DEFAULT '{USER}');
CREATE TABLE "Old" ("id" INTEGER PRIMARY KEY, "role" "Role");
CREATE VIEW "Admins" AS SELECT "id" FROM "User" WHERE "role" = 'ADMIN';
INSERT INTO "User" VALUES (1, 'ADMIN', '{USER,ADMIN}');
EOF
    cat >b.sql <<'EOF'
CREATE TYPE "Role" AS ENUM ('ADMIN', 'USER');
CREATE TABLE "User" ("id" INTEGER PRIMARY KEY, "role" "Role" NOT NULL DEFAULT 'USER', "roles" "Role"[] NOT NULL DEFAULT '{USER}');
CREATE VIEW "Admins" AS SELECT "id" FROM "User" WHERE "role" = 'ADMIN';
EOF
    round_trip || return
    m_contains "  - The values [GUEST] on the enum \`Role\` will be removed. If these variants are still used in the database, this will fail."
    m_contains 'ALTER TYPE "Role" RENAME TO "Role_old";'
    m_contains 'USING ("roles"::text[]::"Role_new"[])'
    m_contains 'DROP TYPE "Role_old";'
    assert_eq "$(psql_val 'SELECT "role", "roles" FROM "User"')" "ADMIN|{USER,ADMIN}"
    assert_eq "$(psql_val "SELECT string_agg(enumlabel, ',' ORDER BY enumsortorder) FROM pg_enum WHERE enumtypid = '\"Role\"'::regtype")" "ADMIN,USER"
}

test_enum_values_added_at_their_positions() {
    cat >a.sql <<'EOF'
CREATE TYPE "Status" AS ENUM ('DRAFT', 'PUBLISHED');
CREATE TABLE "Post" ("id" INTEGER PRIMARY KEY, "status" "Status" NOT NULL DEFAULT 'DRAFT');
EOF
    cat >b.sql <<'EOF'
CREATE TYPE "Status" AS ENUM ('NEW', 'DRAFT', 'REVIEW', 'PUBLISHED', 'ARCHIVED');
CREATE TABLE "Post" ("id" INTEGER PRIMARY KEY, "status" "Status" NOT NULL DEFAULT 'DRAFT');
EOF
    round_trip || return
    m_contains "ALTER TYPE \"Status\" ADD VALUE 'NEW' BEFORE 'DRAFT';
ALTER TYPE \"Status\" ADD VALUE 'REVIEW' BEFORE 'PUBLISHED';
ALTER TYPE \"Status\" ADD VALUE 'ARCHIVED';"
    m_lacks 'Warnings'
}

test_new_enum_value_used_in_the_same_migration_is_a_warning() {
    cat >a.sql <<'EOF'
CREATE TYPE "Status" AS ENUM ('DRAFT');
CREATE TABLE "Post" ("id" INTEGER PRIMARY KEY, "status" "Status" NOT NULL DEFAULT 'DRAFT');
EOF
    cat >b.sql <<'EOF'
CREATE TYPE "Status" AS ENUM ('DRAFT', 'LIVE');
CREATE TABLE "Post" ("id" INTEGER PRIMARY KEY, "status" "Status" NOT NULL DEFAULT 'LIVE');
EOF
    run_pgmig diff --from sql:a.sql --to sql:b.sql --script
    assert_rc 0 || return
    assert_out_contains "  - The value \`LIVE\` added to the enum \`Status\` is used in this migration. PostgreSQL refuses to use a new enum value in the transaction that adds it: add the value in a migration of its own."
}

test_dropping_a_referenced_table_drops_its_foreign_keys_first() {
    cat >a.sql <<'EOF'
CREATE TABLE "User" ("id" SERIAL PRIMARY KEY);
CREATE TABLE "Post" ("id" SERIAL PRIMARY KEY, "authorId" INTEGER REFERENCES "User"("id"));
CREATE TABLE "Comment" ("id" SERIAL PRIMARY KEY, "postId" INTEGER REFERENCES "Post"("id"), "userId" INTEGER REFERENCES "User"("id"));
EOF
    cat >b.sql <<'EOF'
CREATE TABLE "Post" ("id" SERIAL PRIMARY KEY, "authorId" INTEGER);
EOF
    round_trip || return
    m_contains "  - You are about to drop the \`User\` table. If the table is not empty, all the data it contains will be lost."
    m_contains 'ALTER TABLE "Post" DROP CONSTRAINT "Post_authorId_fkey";'
    m_lacks 'DROP SEQUENCE'
}

test_primary_key_unique_and_check_constraint_changes() {
    cat >a.sql <<'EOF'
CREATE TABLE "User" ("id" INTEGER PRIMARY KEY, "email" TEXT, "age" INTEGER CONSTRAINT "age_positive" CHECK ("age" > 0));
CREATE TABLE "Post" ("id" INTEGER PRIMARY KEY, "userId" INTEGER REFERENCES "User"("id"));
EOF
    cat >b.sql <<'EOF'
CREATE TABLE "User" ("id" INTEGER, "email" TEXT NOT NULL, "age" INTEGER CONSTRAINT "age_positive" CHECK ("age" >= 18),
  CONSTRAINT "User_pkey" PRIMARY KEY ("id", "email"), CONSTRAINT "User_email_key" UNIQUE ("email"));
CREATE TABLE "Post" ("id" INTEGER PRIMARY KEY, "userId" INTEGER);
EOF
    round_trip || return
    m_contains "The primary key for the \`User\` table will be changed."
    m_contains "A unique constraint covering the columns \`[email]\` on the table \`User\` will be added."
    m_contains "A check constraint \`age_positive\` on the table \`User\` will be added."
}

test_foreign_keys_follow_the_keys_they_reference() {
    cat >a.sql <<'EOF'
CREATE TABLE "User" ("id" INTEGER NOT NULL, "email" TEXT NOT NULL);
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
CREATE TABLE "Post" ("id" INTEGER PRIMARY KEY, "email" TEXT REFERENCES "User"("email") ON DELETE CASCADE);
EOF
    cat >b.sql <<'EOF'
CREATE TABLE "User" ("id" INTEGER NOT NULL, "email" TEXT NOT NULL);
CREATE UNIQUE INDEX "User_email_key" ON "User"("email") WHERE "id" > 0 OR "id" <= 0;
CREATE UNIQUE INDEX "User_email_idx" ON "User"("email");
CREATE TABLE "Post" ("id" INTEGER PRIMARY KEY, "email" TEXT REFERENCES "User"("email") ON DELETE CASCADE);
EOF
    round_trip
}

test_indexes_added_changed_and_dropped() {
    cat >a.sql <<'EOF'
CREATE TABLE "Post" ("id" INTEGER PRIMARY KEY, "title" TEXT, "slug" TEXT, "at" TIMESTAMP, "body" TEXT);
CREATE INDEX "Post_title_idx" ON "Post"("title");
CREATE INDEX "Post_at_idx" ON "Post"("at");
CREATE INDEX "Post_body_idx" ON "Post"("body");
EOF
    cat >b.sql <<'EOF'
CREATE TABLE "Post" ("id" INTEGER PRIMARY KEY, "title" TEXT, "slug" TEXT, "at" TIMESTAMP, "body" TEXT);
CREATE INDEX "Post_title_idx" ON "Post"(lower("title"));
CREATE INDEX "Post_at_idx" ON "Post"("at" DESC) WHERE "at" IS NOT NULL;
CREATE UNIQUE INDEX "Post_slug_key" ON "Post"("slug");
CREATE INDEX "Post_title_slug_idx" ON "Post" USING hash ("slug");
EOF
    round_trip || return
    m_contains 'DROP INDEX "Post_body_idx";'
    m_contains 'CREATE UNIQUE INDEX "Post_slug_key" ON "Post"("slug");'
    m_contains "A unique constraint covering the columns \`[slug]\` on the table \`Post\` will be added."
}

test_views_replaced_in_place_or_recreated() {
    cat >a.sql <<'EOF'
CREATE TABLE "User" ("id" INTEGER PRIMARY KEY, "email" TEXT, "name" TEXT, "age" INTEGER);
CREATE VIEW "UserEmails" AS SELECT "id", "email" FROM "User";
CREATE VIEW "UserNames" AS SELECT "id", "name" FROM "User";
CREATE VIEW "Ages" AS SELECT "id", "age" FROM "User";
CREATE VIEW "Adults" AS SELECT "id" FROM "Ages" WHERE "age" >= 18;
CREATE VIEW "Gone" AS SELECT 1 AS "one";
EOF
    cat >b.sql <<'EOF'
CREATE TABLE "User" ("id" INTEGER PRIMARY KEY, "email" TEXT, "name" TEXT, "age" BIGINT);
CREATE VIEW "UserEmails" AS SELECT "id", "email", "name" FROM "User" WHERE "email" IS NOT NULL;
CREATE VIEW "UserNames" AS SELECT "name" FROM "User";
CREATE VIEW "Ages" AS SELECT "id", "age" FROM "User";
CREATE VIEW "Adults" AS SELECT "id" FROM "Ages" WHERE "age" >= 18;
CREATE MATERIALIZED VIEW "Stats" AS SELECT count(*) AS "n" FROM "User";
CREATE UNIQUE INDEX "Stats_n_idx" ON "Stats"("n");
EOF
    round_trip || return
    m_contains 'CREATE OR REPLACE VIEW "UserEmails" AS'
    m_contains 'DROP VIEW "UserNames";'
    m_contains 'DROP VIEW "Adults";'
    m_contains 'DROP VIEW "Gone";'
    m_contains 'CREATE MATERIALIZED VIEW "Stats" AS'
}

test_dropped_column_used_by_a_view() {
    cat >a.sql <<'EOF'
CREATE TABLE "User" ("id" INTEGER PRIMARY KEY, "bio" TEXT, "email" TEXT);
CREATE VIEW "Emails" AS SELECT "id", "email" FROM "User";
CREATE VIEW "Bios" AS SELECT "id", "bio" FROM "User";
EOF
    cat >b.sql <<'EOF'
CREATE TABLE "User" ("id" INTEGER PRIMARY KEY, "email" TEXT);
CREATE VIEW "Emails" AS SELECT "id", "email" FROM "User";
EOF
    round_trip
}

test_functions_and_triggers() {
    cat >a.sql <<'EOF'
CREATE TABLE "Post" ("id" INTEGER PRIMARY KEY, "title" TEXT, "updatedAt" TIMESTAMP, "n" INTEGER);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW."updatedAt" := now(); RETURN NEW; END $$;
CREATE TRIGGER "Post_touch" BEFORE UPDATE ON "Post" FOR EACH ROW EXECUTE FUNCTION touch();
CREATE FUNCTION "addOne"(x integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT x + 1';
CREATE FUNCTION gone() RETURNS integer LANGUAGE sql AS 'SELECT 1';
CREATE FUNCTION "retype"() RETURNS integer LANGUAGE sql AS 'SELECT 1';
EOF
    cat >b.sql <<'EOF'
CREATE FUNCTION "addOne"(x integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT x + 2';
CREATE TABLE "Post" ("id" INTEGER PRIMARY KEY, "title" TEXT, "updatedAt" TIMESTAMP, "n" INTEGER DEFAULT "addOne"(41));
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW."updatedAt" := clock_timestamp(); RETURN NEW; END $$;
CREATE TRIGGER "Post_touch" BEFORE INSERT OR UPDATE ON "Post" FOR EACH ROW EXECUTE FUNCTION touch();
CREATE FUNCTION "retype"() RETURNS bigint LANGUAGE sql AS 'SELECT 1::bigint';
CREATE FUNCTION "newFn"(a text, b text) RETURNS text LANGUAGE sql AS 'SELECT a || b';
CREATE TRIGGER "Post_touch2" BEFORE UPDATE ON "Post" FOR EACH ROW EXECUTE FUNCTION touch();
ALTER TABLE "Post" DISABLE TRIGGER "Post_touch2";
EOF
    round_trip || return
    m_contains 'DROP FUNCTION "gone"();'
    m_contains 'DROP FUNCTION "retype"();'
    m_contains 'CREATE OR REPLACE FUNCTION touch()'
    m_contains 'ALTER TABLE "Post" DISABLE TRIGGER "Post_touch2";'
}

test_sequences_identity_and_serial() {
    cat >a.sql <<'EOF'
CREATE SEQUENCE "counter" START 10;
CREATE SEQUENCE "unused";
CREATE TABLE "A" ("id" SERIAL PRIMARY KEY, "n" INTEGER);
CREATE TABLE "B" ("id" INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "code" INTEGER);
EOF
    cat >b.sql <<'EOF'
CREATE SEQUENCE "counter" START 10 INCREMENT 5 CACHE 10;
CREATE SEQUENCE "invoice_no" AS integer START 1000 MAXVALUE 99999 CYCLE;
CREATE TABLE "A" ("id" INTEGER GENERATED ALWAYS AS IDENTITY (START WITH 100) PRIMARY KEY, "n" INTEGER DEFAULT nextval('"counter"'));
CREATE TABLE "B" ("id" INTEGER GENERATED ALWAYS AS IDENTITY (INCREMENT BY 2) PRIMARY KEY, "code" BIGSERIAL);
ALTER SEQUENCE "invoice_no" OWNED BY "B"."id";
EOF
    round_trip
}

test_generated_columns() {
    cat >a.sql <<'EOF'
CREATE TABLE "Person" ("id" INTEGER PRIMARY KEY, "first" TEXT, "last" TEXT,
  "full" TEXT GENERATED ALWAYS AS ("first" || ' ' || "last") STORED,
  "initials" TEXT GENERATED ALWAYS AS (left("first", 1)) STORED, "plain" TEXT);
CREATE INDEX "Person_full_idx" ON "Person"("full");
INSERT INTO "Person" ("id", "first", "last", "plain") VALUES (1, 'Ada', 'Lovelace', 'p');
EOF
    cat >b.sql <<'EOF'
CREATE TABLE "Person" ("id" INTEGER PRIMARY KEY, "first" TEXT, "last" TEXT,
  "full" TEXT GENERATED ALWAYS AS ("last" || ', ' || "first") STORED,
  "initials" TEXT, "plain" TEXT GENERATED ALWAYS AS (upper("first")) STORED);
CREATE INDEX "Person_full_idx" ON "Person"("full");
EOF
    round_trip || return
    m_contains 'ALTER COLUMN "initials" DROP EXPRESSION'
    m_contains "The \`plain\` column on the \`Person\` table would be dropped and recreated."
    assert_eq "$(psql_val 'SELECT "full", "initials", "plain" FROM "Person"')" "Lovelace, Ada|A|ADA"
}

test_domains_composites_and_extensions() {
    cat >a.sql <<'EOF'
CREATE DOMAIN "Positive" AS integer CHECK (VALUE > 0);
CREATE TYPE "Address" AS ("street" TEXT, "zip" TEXT);
CREATE TYPE "Old" AS ("a" INTEGER);
CREATE TABLE "Shop" ("id" INTEGER PRIMARY KEY, "stock" "Positive", "address" "Address");
EOF
    cat >b.sql <<'EOF'
CREATE EXTENSION IF NOT EXISTS citext;
CREATE DOMAIN "Positive" AS integer CHECK (VALUE > 0);
CREATE DOMAIN "Email" AS citext CHECK (VALUE LIKE '%@%');
CREATE TYPE "Address" AS ("street" TEXT, "zip" TEXT);
CREATE TYPE "Point3" AS ("x" FLOAT8, "y" FLOAT8, "z" FLOAT8);
CREATE TABLE "Shop" ("id" INTEGER PRIMARY KEY, "stock" "Positive", "address" "Address", "email" "Email", "at" "Point3");
EOF
    round_trip || return
    m_contains 'CREATE EXTENSION IF NOT EXISTS "citext"'
    m_contains 'DROP TYPE "Old";'
}

test_comments_everywhere() {
    cat >a.sql <<'EOF'
CREATE TYPE "Role" AS ENUM ('A');
CREATE TABLE "User" ("id" INTEGER PRIMARY KEY, "email" TEXT);
COMMENT ON TABLE "User" IS 'people';
COMMENT ON COLUMN "User"."email" IS 'old';
EOF
    cat >b.sql <<'EOF'
CREATE TYPE "Role" AS ENUM ('A');
COMMENT ON TYPE "Role" IS 'roles';
CREATE TABLE "User" ("id" INTEGER PRIMARY KEY, "email" TEXT, "name" TEXT);
COMMENT ON COLUMN "User"."email" IS 'it''s the email';
COMMENT ON COLUMN "User"."name" IS 'new column';
COMMENT ON CONSTRAINT "User_pkey" ON "User" IS 'the key';
CREATE TABLE "Post" ("id" INTEGER PRIMARY KEY);
COMMENT ON TABLE "Post" IS 'posts';
CREATE INDEX "Post_id_idx" ON "Post"("id");
COMMENT ON INDEX "Post_id_idx" IS 'an index';
CREATE VIEW "V" AS SELECT 1 AS "one";
COMMENT ON VIEW "V" IS 'a view';
EOF
    round_trip || return
    m_contains "COMMENT ON TABLE \"User\" IS NULL;"
    m_contains "COMMENT ON COLUMN \"User\".\"email\" IS 'it''s the email';"
}

test_partitioned_tables_unlogged_and_storage_options() {
    cat >a.sql <<'EOF'
CREATE TABLE "Event" ("id" BIGINT NOT NULL, "at" DATE NOT NULL, "kind" TEXT) PARTITION BY RANGE ("at");
CREATE TABLE "Event_2023" PARTITION OF "Event" FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE "Cache" ("k" TEXT PRIMARY KEY, "v" TEXT) WITH (fillfactor = 70);
EOF
    cat >b.sql <<'EOF'
CREATE TABLE "Event" ("id" BIGINT NOT NULL, "at" DATE NOT NULL, "kind" TEXT NOT NULL DEFAULT 'x', PRIMARY KEY ("id", "at")) PARTITION BY RANGE ("at");
CREATE TABLE "Event_2023" PARTITION OF "Event" FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE "Event_2024" PARTITION OF "Event" FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE INDEX "Event_kind_idx" ON "Event"("kind");
CREATE UNLOGGED TABLE "Cache" ("k" TEXT PRIMARY KEY, "v" TEXT) WITH (autovacuum_enabled = false);
EOF
    round_trip
}

test_mixed_case_and_quoted_names_survive() {
    cat >a.sql <<'EOF'
CREATE TABLE "userProfile" ("ID" INTEGER PRIMARY KEY, "select" TEXT, "weird ""name""" TEXT);
EOF
    cat >b.sql <<'EOF'
CREATE TYPE "user role" AS ENUM ('it''s', 'a\b');
CREATE TABLE "userProfile" ("ID" INTEGER PRIMARY KEY, "select" TEXT NOT NULL DEFAULT 'x', "weird ""name""" TEXT, "role" "user role");
CREATE INDEX "userProfile_select_idx" ON "userProfile"("select", "weird ""name""");
CREATE TABLE "order" ("id" INTEGER PRIMARY KEY, "profileId" INTEGER REFERENCES "userProfile"("ID"));
EOF
    round_trip
}

test_summary_groups_changes_by_table() {
    cat >a.sql <<'EOF'
CREATE TABLE "SystemPrompt" ("id" TEXT PRIMARY KEY, "bio" TEXT);
CREATE TABLE "Gone" ("id" INTEGER);
EOF
    cat >b.sql <<'EOF'
CREATE TYPE "Role" AS ENUM ('A', 'B');
CREATE TABLE "SystemPrompt" ("id" TEXT PRIMARY KEY, "organizationId" TEXT NOT NULL);
CREATE TABLE "New" ("id" INTEGER);
EOF
    run_pgmig diff --from sql:a.sql --to sql:b.sql
    assert_rc 0 || return
    assert_out_eq "Dropped the \`Gone\` table
Added the \`New\` table
Changed the \`SystemPrompt\` table:
  - dropped column \`bio\` (text)
  - added column \`organizationId\` (text, NOT NULL, no default: fails on a table with rows)
Added the enum \`Role\` (A, B)"
    run_pgmig diff --from sql:a.sql --to sql:b.sql --exit-code
    assert_rc 2
}

test_table_whose_partitioning_changes_is_recreated() {
    cat >a.sql <<'EOF2'
CREATE TABLE "Event" ("id" BIGINT NOT NULL, "at" DATE NOT NULL, PRIMARY KEY ("id", "at"));
CREATE TABLE "Ref" ("id" INTEGER PRIMARY KEY, "eventId" BIGINT, "eventAt" DATE,
  FOREIGN KEY ("eventId", "eventAt") REFERENCES "Event"("id", "at"));
CREATE VIEW "Recent" AS SELECT "id" FROM "Event" WHERE "at" > '2024-01-01';
EOF2
    cat >b.sql <<'EOF2'
CREATE TABLE "Event" ("id" BIGINT NOT NULL, "at" DATE NOT NULL, PRIMARY KEY ("id", "at")) PARTITION BY RANGE ("at");
CREATE TABLE "Event_all" PARTITION OF "Event" DEFAULT;
CREATE TABLE "Ref" ("id" INTEGER PRIMARY KEY, "eventId" BIGINT, "eventAt" DATE,
  FOREIGN KEY ("eventId", "eventAt") REFERENCES "Event"("id", "at"));
CREATE VIEW "Recent" AS SELECT "id" FROM "Event" WHERE "at" > '2024-01-01';
EOF2
    round_trip || return
    m_contains "You are about to drop the \`Event\` table."
    m_contains 'ALTER TABLE "Ref" DROP CONSTRAINT "Ref_eventId_eventAt_fkey";'
}

test_columns_change_to_and_from_enums() {
    cat >a.sql <<'EOF2'
CREATE TYPE "Color" AS ENUM ('RED', 'GREEN');
CREATE TYPE "Old" AS ENUM ('X', 'Y');
CREATE TABLE "T" ("id" INTEGER PRIMARY KEY, "a" TEXT, "b" "Color", "c" "Old" DEFAULT 'X', "d" "Color"[]);
CREATE VIEW "V" AS SELECT "id", "c" FROM "T" WHERE "c" = 'Y';
INSERT INTO "T" VALUES (1, 'GREEN', 'RED', 'Y', '{RED}');
EOF2
    cat >b.sql <<'EOF2'
CREATE TYPE "Color" AS ENUM ('RED', 'GREEN');
CREATE TYPE "Shade" AS ENUM ('X', 'Y', 'Z');
CREATE TABLE "T" ("id" INTEGER PRIMARY KEY, "a" "Color", "b" TEXT, "c" "Shade" DEFAULT 'Z', "d" TEXT[]);
CREATE VIEW "V" AS SELECT "id", "c" FROM "T" WHERE "c" = 'Y';
EOF2
    round_trip || return
    m_contains 'ALTER COLUMN "a" SET DATA TYPE "Color" USING ("a"::text::"Color")'
    m_contains 'DROP TYPE "Old";'
    assert_eq "$(psql_val 'SELECT "a", "b", "c", "d" FROM "T"')" "GREEN|RED|Y|{RED}"
}

test_foreign_key_columns_changing_type_together() {
    cat >a.sql <<'EOF2'
CREATE TABLE "User" ("id" TEXT PRIMARY KEY);
CREATE TABLE "Post" ("id" INTEGER PRIMARY KEY, "authorId" TEXT REFERENCES "User"("id") ON DELETE CASCADE);
INSERT INTO "User" VALUES ('7');
INSERT INTO "Post" VALUES (1, '7');
EOF2
    cat >b.sql <<'EOF2'
CREATE TABLE "User" ("id" INTEGER PRIMARY KEY);
CREATE TABLE "Post" ("id" INTEGER PRIMARY KEY, "authorId" INTEGER REFERENCES "User"("id") ON DELETE CASCADE);
EOF2
    round_trip || return
    assert_eq "$(psql_val 'SELECT "authorId" + 1 FROM "Post"')" "8"
}

test_names_freed_by_drops_can_be_reused() {
    cat >a.sql <<'EOF2'
CREATE TABLE "Foo" ("id" INTEGER, "k" TEXT, CONSTRAINT "pk" PRIMARY KEY ("id"));
CREATE INDEX "by_k" ON "Foo"("k");
CREATE TYPE "Kind" AS ENUM ('a');
CREATE VIEW "FooView" AS SELECT "id" FROM "Foo";
EOF2
    cat >b.sql <<'EOF2'
CREATE TABLE "Bar" ("id" INTEGER, "k" TEXT, CONSTRAINT "pk" PRIMARY KEY ("id"));
CREATE INDEX "by_k" ON "Bar"("k");
CREATE TABLE "Kind" ("id" INTEGER);
CREATE VIEW "FooView" AS SELECT "id" FROM "Bar";
EOF2
    round_trip
}

test_exclusion_deferrable_and_not_valid_constraints() {
    cat >a.sql <<'EOF2'
CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE TABLE "Room" ("id" INTEGER PRIMARY KEY);
CREATE TABLE "Booking" ("id" INTEGER PRIMARY KEY, "roomId" INTEGER, "during" TSRANGE, "price" INTEGER);
EOF2
    cat >b.sql <<'EOF2'
CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE TABLE "Room" ("id" INTEGER PRIMARY KEY);
CREATE TABLE "Booking" ("id" INTEGER PRIMARY KEY, "roomId" INTEGER, "during" TSRANGE, "price" INTEGER,
  CONSTRAINT "no_overlap" EXCLUDE USING gist ("roomId" WITH =, "during" WITH &&),
  CONSTRAINT "Booking_roomId_fkey" FOREIGN KEY ("roomId") REFERENCES "Room"("id") MATCH FULL DEFERRABLE INITIALLY DEFERRED);
ALTER TABLE "Booking" ADD CONSTRAINT "price_positive" CHECK ("price" > 0) NOT VALID;
EOF2
    round_trip || return
    m_contains 'MATCH FULL'
    m_contains "An exclusion constraint \`no_overlap\` on the table \`Booking\` will be added."
    m_lacks "price_positive\` on the table"
}

test_materialized_view_and_view_triggers() {
    cat >a.sql <<'EOF2'
CREATE TABLE "Item" ("id" INTEGER PRIMARY KEY, "qty" INTEGER);
CREATE MATERIALIZED VIEW "Totals" AS SELECT sum("qty") AS "total" FROM "Item";
CREATE INDEX "Totals_total_idx" ON "Totals"("total");
CREATE VIEW "Items" AS SELECT "id", "qty" FROM "Item";
EOF2
    cat >b.sql <<'EOF2'
CREATE TABLE "Item" ("id" INTEGER PRIMARY KEY, "qty" INTEGER);
CREATE MATERIALIZED VIEW "Totals" AS SELECT sum("qty") AS "total", count(*) AS "n" FROM "Item";
CREATE INDEX "Totals_total_idx" ON "Totals"("total");
CREATE INDEX "Totals_n_idx" ON "Totals"("n");
CREATE VIEW "Items" AS SELECT "id", "qty" FROM "Item";
CREATE FUNCTION items_insert() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO "Item" VALUES (NEW."id", NEW."qty"); RETURN NEW; END $$;
CREATE TRIGGER "Items_insert" INSTEAD OF INSERT ON "Items" FOR EACH ROW EXECUTE FUNCTION items_insert();
COMMENT ON MATERIALIZED VIEW "Totals" IS 'sums';
EOF2
    round_trip || return
    m_contains 'DROP MATERIALIZED VIEW "Totals";'
    m_contains 'CREATE INDEX "Totals_n_idx" ON "Totals"("n");'
}

# Every object kind at once, created from nothing and then dropped back to nothing: the
# creation order and the drop order must both respect every dependency.
write_everything() {
    cat >"$1" <<'EOF2'
CREATE EXTENSION IF NOT EXISTS citext;
CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN');
CREATE DOMAIN "Email" AS citext CHECK (VALUE LIKE '%@%');
CREATE DOMAIN "RoleD" AS "Role" NOT NULL DEFAULT 'USER';
CREATE TYPE "Money2" AS ("amount" NUMERIC(12,2), "currency" CHAR(3));
CREATE SEQUENCE "invoice_no" START 100;
CREATE FUNCTION "slugify"(t text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT lower(replace(t, ' ', '-')) $$;
CREATE FUNCTION "touch"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW."updatedAt" := now(); RETURN NEW; END $$;
CREATE TABLE "Organization" ("id" TEXT PRIMARY KEY, "name" TEXT NOT NULL, "slug" TEXT GENERATED ALWAYS AS ("slugify"("name")) STORED);
CREATE TABLE "User" (
    "id" SERIAL PRIMARY KEY,
    "email" "Email" NOT NULL UNIQUE,
    "role" "RoleD",
    "organizationId" TEXT REFERENCES "Organization"("id") ON DELETE CASCADE,
    "balance" "Money2",
    "updatedAt" TIMESTAMP(3)
);
COMMENT ON TABLE "User" IS 'users';
CREATE TRIGGER "User_touch" BEFORE UPDATE ON "User" FOR EACH ROW EXECUTE FUNCTION "touch"();
CREATE TABLE "Invoice" ("no" INTEGER PRIMARY KEY DEFAULT nextval('"invoice_no"'), "userId" INTEGER NOT NULL REFERENCES "User"("id"),
  "amount" "Money2", CHECK (("amount")."amount" >= 0));
ALTER SEQUENCE "invoice_no" OWNED BY "Invoice"."no";
CREATE TABLE "Log" ("id" BIGINT GENERATED ALWAYS AS IDENTITY, "at" DATE NOT NULL, "msg" TEXT, PRIMARY KEY ("id", "at")) PARTITION BY RANGE ("at");
CREATE TABLE "Log_2024" PARTITION OF "Log" FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE INDEX "Log_msg_idx" ON "Log"("msg");
CREATE VIEW "Admins" AS SELECT "id", "email" FROM "User" WHERE "role"::"Role" = 'ADMIN';
CREATE VIEW "AdminSlugs" AS SELECT a."id", "slugify"(a."email"::text) AS "slug" FROM "Admins" a;
CREATE MATERIALIZED VIEW "InvoiceTotals" AS SELECT "userId", count(*) AS "n" FROM "Invoice" GROUP BY "userId";
CREATE UNIQUE INDEX "InvoiceTotals_userId_key" ON "InvoiceTotals"("userId");
EOF2
}

test_everything_from_empty() {
    : >a.sql
    write_everything b.sql
    round_trip
}

test_everything_to_empty() {
    write_everything a.sql
    : >b.sql
    round_trip || return
    m_contains 'DROP EXTENSION "citext";'
}

test_enum_rebuild_with_checks_and_partial_indexes_on_the_enum() {
    cat >a.sql <<'EOF2'
CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN', 'GUEST');
CREATE TABLE "User" ("id" INTEGER PRIMARY KEY, "role" "Role" NOT NULL,
  CONSTRAINT "no_guest" CHECK ("role" <> 'GUEST'));
CREATE INDEX "User_admins_idx" ON "User"("id") WHERE "role" = 'ADMIN';
INSERT INTO "User" VALUES (1, 'ADMIN');
EOF2
    cat >b.sql <<'EOF2'
CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN');
CREATE TABLE "User" ("id" INTEGER PRIMARY KEY, "role" "Role" NOT NULL,
  CONSTRAINT "no_guest" CHECK ("role" <> 'USER'));
CREATE INDEX "User_admins_idx" ON "User"("id") WHERE "role" = 'ADMIN';
EOF2
    round_trip
}

test_narrowing_fails_on_data_that_does_not_fit_rather_than_truncating() {
    cat >a.sql <<'EOF2'
CREATE TABLE "T" ("id" INTEGER PRIMARY KEY, "title" VARCHAR(100));
INSERT INTO "T" VALUES (1, 'hello world');
EOF2
    cat >b.sql <<'EOF2'
CREATE TABLE "T" ("id" INTEGER PRIMARY KEY, "title" VARCHAR(5));
EOF2
    run_pgmig diff --from sql:a.sql --to sql:b.sql --script
    assert_rc 0 || return
    assert_out_contains 'ALTER TABLE "T" ALTER COLUMN "title" SET DATA TYPE character varying(5);'
    assert_out_contains "The data in that column could be lost."
    cp "$OUT" m.sql
    make_migration $M 20240101000000_a - <a.sql
    make_migration $M 20240102000000_diff - <m.sql
    run_pgmig migrate deploy
    assert_rc 1
    assert_err_contains "value too long for type character varying(5)"
    assert_eq "$(psql_val 'SELECT "title" FROM "T"')" "hello world"
}
