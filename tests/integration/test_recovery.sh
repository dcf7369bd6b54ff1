#!/usr/bin/env bash
# test_recovery.sh - `diagnose` and `repair` on the stuck states of real
# incidents (issue 3): each situation is reproduced on a real server with the
# history rows Prisma writes, diagnosed statement by statement, repaired, and
# the result compared with a clean deploy of the same migrations (pg_dump
# catalog snapshot), with no data lost.
source "$(dirname "${BASH_SOURCE[0]}")/../lib/harness.sh"

M=prisma/migrations
PG_DUMP=$(dirname "$PSQL")/pg_dump

# The schema as pg_dump sees it, without the history table and noise.
snapshot() {
    "$PG_DUMP" --schema-only --no-owner --no-privileges --no-comments -T _prisma_migrations \
        -d "${1:-$DATABASE_URL}" | grep -vE '^(\\(un)?restrict|--|SET |SELECT pg_catalog.set_config)' |
        sed '/^$/d'
}

# Deploy the migrations cleanly into a fresh database and snapshot it.
reference_snapshot() {
    local ref
    ref=$(new_db ref)
    "$PGMIG" --quiet --url "$ref" deploy >/dev/null 2>&1 || { fail "reference deploy failed"; return 1; }
    snapshot "$ref"
}

assert_same_schema_as_clean_deploy() {
    local want got
    want=$(reference_snapshot) || return 1
    got=$(snapshot)
    if [[ $want != "$got" ]]; then
        fail "schema differs from a clean deploy" "$(diff <(echo "$want") <(echo "$got") | head -40)"
        return 1
    fi
}

# A failed row the way Prisma writes it: started, not finished, 0 steps, logs.
prisma_failed_row() { # name [checksum]
    local sum=${2:-$(sha256sum "$M/$1/migration.sql" | cut -d' ' -f1)}
    psql_exec "INSERT INTO _prisma_migrations (id, checksum, migration_name, logs, started_at, applied_steps_count)
               VALUES (gen_random_uuid()::text, '$sum', '$1',
                       E'Database error code: 42P01\\n\\nDatabase error:\\nERROR: relation does not exist', now(), 0)"
}

base_history() {
    make_migration $M 20240101000000_init 'CREATE TABLE "mm_issue" (
    "id" SERIAL NOT NULL,
    "title" TEXT NOT NULL,
    CONSTRAINT "mm_issue_pkey" PRIMARY KEY ("id")
);'
    run_pgmig deploy
    assert_rc 0 || return 1
    psql_exec "INSERT INTO mm_issue (title) VALUES ('first'), ('second')"
}

schedule_migration() {
    make_migration $M 20240110000000_schedules '-- CreateEnum
CREATE TYPE "ScheduleFrequency" AS ENUM ('"'DAILY'"', '"'WEEKLY'"', '"'MONTHLY'"');

-- CreateTable
CREATE TABLE "mm_scheduled_issue" (
    "id" SERIAL NOT NULL,
    "issueId" INTEGER NOT NULL,
    "frequency" "ScheduleFrequency" NOT NULL DEFAULT '"'WEEKLY'"',
    "nextRunAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "mm_scheduled_issue_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "mm_scheduled_issue_nextRunAt_idx" ON "mm_scheduled_issue"("nextRunAt");

-- AddForeignKey
ALTER TABLE "mm_scheduled_issue" ADD CONSTRAINT "mm_scheduled_issue_issueId_fkey" FOREIGN KEY ("issueId") REFERENCES "mm_issue"("id") ON DELETE RESTRICT ON UPDATE CASCADE;'
}

# Run the migration's statements by hand, the first N of them.
apply_first() { # name n
    local f=$M/$1/migration.sql
    "$PGMIG" --quiet execute --stdin >/dev/null 2>&1 < <(awk -v n="$2" '
        BEGIN { RS = ";\n"; ORS = ";\n" } NR <= n { print }' "$f") || fail "could not apply the first $2 statements"
}

data_kept() {
    assert_eq "$(psql_val "SELECT string_agg(title, ',' ORDER BY id) FROM mm_issue")" "first,second" "no data lost"
}

test_situation_1_failed_but_the_table_exists() {
    base_history || return
    schedule_migration
    apply_first 20240110000000_schedules 4   # the DDL landed; the failure was recorded anyway
    prisma_failed_row 20240110000000_schedules
    run_pgmig --json diagnose
    assert_rc 1 || return
    assert_json '.migration' 20240110000000_schedules
    assert_json '.state' failed
    assert_json '.verdict' applied
    assert_json '[.statements[].effect] | join(",")' "present,present,present,present"
    assert_json '.statements[1].line' 5
    assert_json '.statements[1].kind' "CREATE TABLE"
    assert_json '.statements[1].object' '"mm_scheduled_issue"'
    assert_json '.next[0] | startswith("pgmig repair 20240110000000_schedules")' true
    run_pgmig repair
    assert_rc 0 || return
    assert_out_contains "repaired forward"
    run_pgmig status
    assert_rc 0 || return
    assert_eq "$(psql_val "SELECT count(*) FROM _prisma_migrations WHERE migration_name = '20240110000000_schedules' AND finished_at IS NOT NULL AND logs LIKE 'pgmig repair%'")" "1"
    assert_same_schema_as_clean_deploy
    data_kept
}

test_situation_2_failed_and_nothing_exists() {
    base_history || return
    schedule_migration
    prisma_failed_row 20240110000000_schedules
    run_pgmig diagnose
    assert_rc 1 || return
    assert_out_contains "Verdict: not_applied (0 of 4 checkable statements in effect)"
    assert_out_contains "pgmig resolve --rolled-back 20240110000000_schedules"
    # the runbook's way works, and is allowed because the claim is true
    run_pgmig resolve --rolled-back 20240110000000_schedules
    assert_rc 0 || return
    run_pgmig deploy
    assert_rc 0 || return
    assert_same_schema_as_clean_deploy
    data_kept
}

test_situation_2_repair_runs_it_forward() {
    base_history || return
    schedule_migration
    prisma_failed_row 20240110000000_schedules
    run_pgmig repair
    assert_rc 0 || return
    assert_out_contains 'CREATE TYPE "ScheduleFrequency"'
    run_pgmig status
    assert_rc 0
    assert_same_schema_as_clean_deploy
}

test_situation_3_half_applied_forward() {
    base_history || return
    schedule_migration
    apply_first 20240110000000_schedules 1   # the enum landed, the table did not
    prisma_failed_row 20240110000000_schedules
    run_pgmig --json diagnose 20240110000000_schedules
    assert_rc 1 || return
    assert_json '.verdict' partial
    assert_json '[.statements[].effect] | join(",")' "present,absent,absent,absent"
    assert_json '.statements[0].checks | map(.holds) | all' true
    assert_json '.statements[1].checks[0].what' 'table "mm_scheduled_issue"'
    assert_json '.statements[1].checks[0].holds' false
    run_pgmig repair --dry-run
    assert_rc 0 || return
    assert_out_contains "Repair plan (forward): 3 steps"
    assert_out_contains "Dry run: nothing was changed."
    assert_eq "$(psql_val "SELECT to_regclass('mm_scheduled_issue') IS NULL")" "t"
    run_pgmig repair
    assert_rc 0 || return
    assert_out_contains 'CREATE INDEX "mm_scheduled_issue_nextRunAt_idx"'
    assert_out_not_contains 'CREATE TYPE "ScheduleFrequency" AS ENUM'
    run_pgmig status
    assert_rc 0
    assert_same_schema_as_clean_deploy
    data_kept
}

test_situation_3_half_applied_backward() {
    base_history || return
    schedule_migration
    apply_first 20240110000000_schedules 2
    prisma_failed_row 20240110000000_schedules
    run_pgmig repair --strategy backward
    assert_rc 0 || return
    assert_out_contains 'DROP TABLE "mm_scheduled_issue"'
    assert_out_contains 'DROP TYPE "ScheduleFrequency"'
    assert_out_contains "repaired backward"
    assert_eq "$(psql_val "SELECT to_regtype('\"ScheduleFrequency\"') IS NULL AND to_regclass('mm_scheduled_issue') IS NULL")" "t"
    run_pgmig deploy
    assert_rc 0 || return
    assert_same_schema_as_clean_deploy
    data_kept
}

test_backward_refuses_to_drop_a_table_with_rows() {
    base_history || return
    schedule_migration
    apply_first 20240110000000_schedules 2
    psql_exec "INSERT INTO mm_scheduled_issue (\"issueId\", \"nextRunAt\") VALUES (1, now())"
    prisma_failed_row 20240110000000_schedules
    run_pgmig repair --strategy backward
    assert_rc 1 || return
    assert_err_contains "a human must decide"
    assert_err_contains "now holds rows"
    assert_err_contains "--accept-data-loss"
    assert_eq "$(psql_val "SELECT count(*) FROM mm_scheduled_issue")" "1"
    run_pgmig repair --strategy backward --accept-data-loss
    assert_rc 0 || return
    assert_out_contains "DATA LOSS accepted"
}

test_situation_4_failed_migration_made_idempotent() {
    base_history || return
    schedule_migration
    local old_sum
    old_sum=$(sha256sum $M/20240110000000_schedules/migration.sql | cut -d' ' -f1)
    apply_first 20240110000000_schedules 1
    prisma_failed_row 20240110000000_schedules "$old_sum"
    # a teammate made it re-runnable
    make_migration $M 20240110000000_schedules '-- CreateEnum (guarded)
DO $$ BEGIN
    CREATE TYPE "ScheduleFrequency" AS ENUM ('"'DAILY'"', '"'WEEKLY'"', '"'MONTHLY'"');
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;

CREATE TABLE IF NOT EXISTS "mm_scheduled_issue" (
    "id" SERIAL NOT NULL,
    "issueId" INTEGER NOT NULL,
    "frequency" "ScheduleFrequency" NOT NULL DEFAULT '"'WEEKLY'"',
    "nextRunAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "mm_scheduled_issue_pkey" PRIMARY KEY ("id")
);

CREATE INDEX IF NOT EXISTS "mm_scheduled_issue_nextRunAt_idx" ON "mm_scheduled_issue"("nextRunAt");

DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = '"'mm_scheduled_issue_issueId_fkey'"') THEN
        ALTER TABLE "mm_scheduled_issue" ADD CONSTRAINT "mm_scheduled_issue_issueId_fkey" FOREIGN KEY ("issueId") REFERENCES "mm_issue"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
    END IF;
END $$;'
    run_pgmig --json diagnose
    assert_rc 1 || return
    assert_json '.file_changed' true
    assert_json '[.statements[].effect] | join(",")' "unknown,absent,absent,unknown"
    run_pgmig repair
    assert_rc 0 || return
    assert_out_contains "safe to run again (the DO block guards itself)"
    run_pgmig status
    assert_rc 0 || return
    assert_same_schema_as_clean_deploy
}

test_situation_5_invalid_index_from_failed_concurrently() {
    make_migration $M 20240101000000_users 'CREATE TABLE "User" ("id" INTEGER NOT NULL, "email" TEXT NOT NULL);'
    run_pgmig deploy
    assert_rc 0 || return
    psql_exec "INSERT INTO \"User\" VALUES (1, 'a@x'), (2, 'a@x'), (3, 'b@x')"
    make_migration $M 20240102000000_email_key 'CREATE UNIQUE INDEX CONCURRENTLY "User_email_key" ON "User"("email");'
    run_pgmig deploy
    assert_rc 1 || return
    assert_eq "$(psql_val "SELECT indisvalid FROM pg_index WHERE indexrelid = '\"User_email_key\"'::regclass")" "f"
    run_pgmig --json diagnose
    assert_json '.statements[0].effect' absent
    assert_json '.statements[0].invalid_index' true
    run_pgmig diagnose
    assert_out_contains "an INVALID index was left by a failed CONCURRENTLY build"
    # the duplicates are still there: the rebuild fails again, and says where
    run_pgmig repair
    assert_rc 1 || return
    assert_err_contains "could not create unique index"
    psql_exec "DELETE FROM \"User\" WHERE id = 2"
    run_pgmig repair
    assert_rc 0 || return
    assert_out_contains 'DROP INDEX CONCURRENTLY IF EXISTS "User_email_key"'
    assert_eq "$(psql_val "SELECT indisvalid FROM pg_index WHERE indexrelid = '\"User_email_key\"'::regclass")" "t"
    run_pgmig status
    assert_rc 0 || return
    assert_eq "$(psql_val "SELECT count(*) FROM \"User\"")" "2"
}

test_situation_6_prisma_74_partial_with_zero_steps() {
    base_history || return
    schedule_migration
    # Prisma >= 7.4 runs statements one by one: two landed, the row still says 0
    apply_first 20240110000000_schedules 2
    prisma_failed_row 20240110000000_schedules
    run_pgmig --json diagnose
    assert_json '.history[0].applied_steps_count' 0
    assert_json '.verdict' partial
    assert_json '[.statements[].effect] | join(",")' "present,present,absent,absent"
    run_pgmig repair
    assert_rc 0 || return
    assert_same_schema_as_clean_deploy
    data_kept
}

test_situation_6_crash_between_script_and_bookkeeping() {
    base_history || return
    schedule_migration
    apply_first 20240110000000_schedules 4
    prisma_failed_row 20240110000000_schedules
    psql_exec "UPDATE _prisma_migrations SET logs = NULL WHERE migration_name = '20240110000000_schedules'"
    run_pgmig diagnose
    assert_out_contains "Verdict: applied (4 of 4 checkable statements in effect)"
    run_pgmig resolve --applied 20240110000000_schedules
    assert_rc 0
    run_pgmig status
    assert_rc 0
}

test_deploy_meeting_a_failed_migration_shows_the_diagnosis() {
    base_history || return
    schedule_migration
    apply_first 20240110000000_schedules 1
    prisma_failed_row 20240110000000_schedules
    make_migration $M 20240120000000_later 'CREATE TABLE later (id int);'
    run_pgmig deploy
    assert_rc 1 || return
    assert_err_contains "error[P3009]"
    assert_err_contains "diagnosis partial: statement 1 present; statements 2-4 absent"
    assert_err_contains "pgmig repair 20240110000000_schedules   # forward: runs statements 2-4"
    assert_err_contains "pgmig diagnose 20240110000000_schedules"
    run_pgmig repair
    assert_rc 0 || return
    run_pgmig deploy
    assert_rc 0 || return
    assert_same_schema_as_clean_deploy
}

test_created_then_dropped_object_is_not_mistaken_for_progress() {
    make_migration $M 20240101000000_tmp 'CREATE TABLE tmp (id int);
INSERT INTO tmp VALUES (1);
CREATE TABLE kept (id int);
DROP TABLE tmp;'
    mkdir -p $M && printf 'provider = "postgresql"\n' > $M/migration_lock.toml
    run_pgmig deploy --dry-run >/dev/null
    psql_exec "$(cat <<'SQL'
CREATE TABLE _prisma_migrations (id VARCHAR(36) PRIMARY KEY NOT NULL, checksum VARCHAR(64) NOT NULL,
  finished_at TIMESTAMPTZ, migration_name VARCHAR(255) NOT NULL, logs TEXT, rolled_back_at TIMESTAMPTZ,
  started_at TIMESTAMPTZ NOT NULL DEFAULT now(), applied_steps_count INTEGER NOT NULL DEFAULT 0)
SQL
)"
    prisma_failed_row 20240101000000_tmp
    # nothing ran: tmp is absent, but that must not count as "DROP TABLE tmp took effect"
    run_pgmig --json diagnose
    assert_json '.verdict' not_applied
    assert_json '[.statements[].effect] | join(",")' "unknown,unknown,absent,unknown"
    psql_exec "CREATE TABLE kept (id int)"
    # everything ran: kept is present, so the prefix before it ran too
    run_pgmig --json diagnose
    assert_json '.verdict' applied
    assert_json '.statements[0].implied' applied
}

test_repair_refuses_when_a_human_must_decide() {
    base_history || return
    make_migration $M 20240110000000_backfill 'ALTER TABLE "mm_issue" ADD COLUMN "slug" TEXT;
UPDATE "mm_issue" SET "slug" = lower("title");'
    apply_first 20240110000000_backfill 1
    prisma_failed_row 20240110000000_backfill
    run_pgmig repair
    assert_rc 1 || return
    assert_err_contains "a human must decide"
    assert_err_contains "statement 2 (line 2, UPDATE"
    assert_err_contains "cannot tell whether it ran"
    # nothing changed
    assert_eq "$(psql_val "SELECT count(*) FROM _prisma_migrations WHERE migration_name = '20240110000000_backfill' AND rolled_back_at IS NULL AND finished_at IS NULL")" "1"
}

test_backward_never_drops_a_schema() {
    make_migration $M 20240101000000_schema 'CREATE SCHEMA "billing";
CREATE TABLE "billing"."invoice" (id int);
CREATE TABLE "billing"."line" (id int REFERENCES nowhere);'
    run_pgmig deploy
    assert_rc 1 || return
    # pgmig's own run left nothing; make it look like Prisma 7.4's partial run
    psql_exec 'CREATE SCHEMA "billing"; CREATE TABLE "billing"."invoice" (id int)'
    psql_exec "UPDATE _prisma_migrations SET rolled_back_at = NULL, logs = 'failed'"
    run_pgmig repair --strategy backward
    assert_rc 1 || return
    assert_err_contains "pgmig never drops a schema"
    assert_eq "$(psql_val "SELECT to_regclass('billing.invoice') IS NOT NULL")" "t"
}

test_no_failed_migration() {
    base_history || return
    run_pgmig diagnose
    assert_rc 0
    assert_out_contains "No failed migration"
    run_pgmig diagnose 20240101000000_init
    assert_rc 0
    assert_out_contains "Verdict: applied"
    run_pgmig repair 20240101000000_init
    assert_rc 1
    assert_err_contains "is recorded as applied"
    run_pgmig diagnose nope
    assert_rc 1
    assert_err_contains "P3017"
}

# Regression: an unnamed inline foreign key to a mixed-case table must verify
# (its target was looked up unquoted, so verification failed after a repair).
test_repair_verifies_unnamed_foreign_key_to_mixed_case_table() {
    make_migration $M 20240101000000_product 'CREATE TABLE "Product" ("id" SERIAL PRIMARY KEY);'
    run_pgmig deploy
    assert_rc 0 || return
    make_migration $M 20240102000000_review 'CREATE TYPE "Rating" AS ENUM ('"'ONE'"', '"'TWO'"');
CREATE TABLE "Review" ("id" SERIAL PRIMARY KEY, "productId" INTEGER NOT NULL REFERENCES "Product"("id"), "rating" "Rating");'
    apply_first 20240102000000_review 1
    prisma_failed_row 20240102000000_review
    run_pgmig repair
    assert_rc 0 || return
    run_pgmig --json diagnose 20240102000000_review
    assert_json '.verdict' applied
    assert_json '[.statements[1].checks[] | select(.what | test("foreign key")) | .holds] | all' true
}

# Backward cannot bring back what a DROP ... IF EXISTS may have removed.
test_backward_refuses_to_undo_a_drop_if_exists() {
    make_migration $M 20240101000000_legacy 'CREATE TABLE legacy (id int);'
    run_pgmig deploy
    assert_rc 0 || return
    make_migration $M 20240102000000_swap 'CREATE TABLE modern (id int);
DROP TABLE IF EXISTS legacy;
CREATE TABLE extra (id int REFERENCES nowhere);'
    apply_first 20240102000000_swap 2
    prisma_failed_row 20240102000000_swap
    run_pgmig repair --strategy backward
    assert_rc 1 || return
    assert_err_contains "may have removed legacy; pgmig cannot bring it back"
    assert_eq "$(psql_val "SELECT to_regclass('modern') IS NOT NULL")" "t"
}

# An index on a table the same migration drops later is judged through the drop.
test_index_on_a_table_dropped_later_is_superseded() {
    make_migration $M 20240101000000_tmp 'CREATE TABLE scratch (id int);
CREATE INDEX scratch_id_idx ON scratch (id);
CREATE TABLE keep (id int);
DROP TABLE scratch;'
    run_pgmig deploy
    assert_rc 0 || return
    run_pgmig --json diagnose 20240101000000_tmp
    assert_rc 0
    # without the link to its table the index would read "absent" and the verdict "partial"
    assert_json '.verdict' applied
    assert_json '.statements[1].effect' unknown
    assert_json '.statements[1].implied' applied
}

# repair verified the catalog: status does not send the user to drift afterwards
test_status_after_repair_has_no_drift_hint() {
    base_history || return
    schedule_migration
    apply_first 20240110000000_schedules 1
    prisma_failed_row 20240110000000_schedules
    run_pgmig repair
    assert_rc 0 || return
    run_pgmig status
    assert_rc 0
    assert_out_not_contains "pgmig drift"
}
