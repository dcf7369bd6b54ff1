#!/usr/bin/env bash
# test_validate.sh - `pgmig validate` (shadow replay with exact error
# locations and provenance) and `pgmig check` (every problem listed).
source "$(dirname "${BASH_SOURCE[0]}")/../lib/harness.sh"

M=prisma/migrations
CORPUS=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/../shared/corpus

# Shadow databases owned by a role of this test (other tests run beside it).
shadows_of() { psql_val "SELECT count(*) FROM pg_database WHERE datname LIKE 'pgmig\_shadow\_%' AND datdba = (SELECT oid FROM pg_roles WHERE rolname = '$1')"; }

test_validate_replays_and_drops_the_shadow() {
    make_migration $M 20240101000000_init 'CREATE TYPE "Role" AS ENUM ('"'A'"', '"'B'"');
CREATE TABLE "User" ("id" TEXT PRIMARY KEY, "role" "Role" NOT NULL);'
    make_migration $M 20240102000000_idx 'CREATE INDEX CONCURRENTLY "User_role_idx" ON "User"("role");'
    make_migration $M 20240103000000_empty ''
    local owner
    owner=$(new_role owner secret 'CREATEDB')
    psql_exec "GRANT ALL ON DATABASE $TEST_DB TO $owner"
    run_pgmig --url "$(tcp_url "$TEST_DB" "$owner" secret)" validate
    assert_rc 0 || return
    assert_out_contains "OK: replayed 3 migrations (3 statements)"
    assert_out_contains "a temporary database on the target server (pgmig_shadow_"
    assert_eq "$(shadows_of "$owner")" "0" "the shadow database is dropped"
    # validate never touches the target itself
    assert_eq "$(psql_val "SELECT to_regclass('_prisma_migrations') IS NULL AND to_regclass('\"User\"') IS NULL")" "t"
    run_pgmig --json --url "$(tcp_url "$TEST_DB" "$owner" secret)" validate
    assert_json '.ok' true
    assert_json '.migrations' 3
    assert_json '.statements' 3
    assert_json '.shadow' target
}

test_missing_column_in_a_long_file_is_located_with_provenance() {
    make_migration $M 20240101000000_orders 'CREATE TABLE "order_shipments" ("id" SERIAL PRIMARY KEY, "customerId" INTEGER);'
    {
        echo '-- A long migration: 200 lines of backfill before the faulty statement.'
        for i in $(seq 1 100); do
            echo "ALTER TABLE \"order_shipments\" ADD COLUMN \"c$i\" INTEGER;"
            echo "-- column $i"
        done
        echo 'UPDATE "order_shipments" AS os'
        echo 'SET "c1" = 1'
        echo 'WHERE os.customer_id IS NULL;'
        echo 'CREATE TABLE "after" ("id" INTEGER);'
    } > backfill.sql
    make_migration $M 20240102000000_backfill - < backfill.sql
    run_pgmig validate
    assert_rc 1 || return
    assert_err_contains "error[P3006]: migration \`20240102000000_backfill\` failed to apply cleanly to the shadow database: column os.customer_id does not exist"
    assert_err_contains "$M/20240102000000_backfill/migration.sql:204:7"
    assert_err_contains "204 | WHERE os.customer_id IS NULL;"
    assert_err_contains "202 | UPDATE \"order_shipments\" AS os"
    assert_err_contains "205 | CREATE TABLE \"after\""
    assert_err_contains "sqlstate: 42703"
    assert_err_contains "customerId"
    assert_err_contains "the 1 migration before it replayed cleanly"
    run_pgmig --json validate
    assert_json '.error.migration' 20240102000000_backfill
    assert_json '.error.line' 204
    assert_json '.error.column' 7
    assert_json '.error.sqlstate' 42703
    assert_json '.error.statement' 101
    assert_json '.error.message | test("column os.customer_id does not exist")' true
    assert_json '.migrations' 1
}

test_duplicate_column_names_the_earlier_migration() {
    make_migration $M 20240101000000_users 'CREATE TABLE "User" ("id" TEXT PRIMARY KEY);'
    make_migration $M 20240102000000_email '-- AlterTable
ALTER TABLE "User" ADD COLUMN "email" TEXT;'
    make_migration $M 20240103000000_email_again 'CREATE TABLE "Post" ("id" TEXT);

ALTER TABLE "User" ADD COLUMN "email" TEXT NOT NULL;'
    run_pgmig validate
    assert_rc 1 || return
    assert_err_contains 'column "email" of relation "User" already exists'
    assert_err_contains "20240103000000_email_again/migration.sql:3:1"
    assert_err_contains "20240102000000_email"
    assert_err_contains "line 2"
}

test_syntax_errors_are_all_reported_before_any_database_is_touched() {
    make_migration $M 20240101000000_ok 'CREATE TABLE a (id int);'
    make_migration $M 20240102000000_bad 'CREATE TABLE b (id int,);'
    make_migration $M 20240103000000_worse 'ALTER TABLE a ADD COLUMN;'
    # an unreachable target and no way to start anything: parsing fails first anyway
    run_pgmig --url "postgresql://nobody@/none?host=/nonexistent" validate
    assert_rc 1 || return
    assert_err_contains "20240102000000_bad/migration.sql:1:24"
    assert_err_contains "20240103000000_worse/migration.sql:1:25"
    assert_err_contains "2 migrations cannot be parsed; nothing was replayed"
    run_pgmig --json --url "postgresql://nobody@/none?host=/nonexistent" validate
    assert_json '.errors | length' 2
    assert_json '.errors[0].migration' 20240102000000_bad
}

test_non_utf8_file_is_located() {
    make_migration $M 20240101000000_ok 'CREATE TABLE a (id int);'
    mkdir -p $M/20240102000000_latin1
    printf 'CREATE TABLE b (id int);\nINSERT INTO a VALUES (1); -- caf\xe9\n' > $M/20240102000000_latin1/migration.sql
    run_pgmig validate
    assert_rc 1 || return
    assert_err_contains "20240102000000_latin1/migration.sql:2:"
    assert_err_contains 'invalid byte sequence for encoding "UTF8"'
}

test_role_without_createdb_falls_back_to_the_local_database() {
    trap '"$PGMIG" local stop >/dev/null 2>&1' EXIT
    make_migration $M 20240101000000_init 'CREATE TABLE a (id int);'
    local plain
    plain=$(new_role plain secret)
    run_pgmig --url "$(tcp_url "$TEST_DB" "$plain" secret)" validate
    assert_rc 0 || return
    assert_err_contains "may not create databases"
    assert_out_contains "embedded local PostgreSQL"
}

test_stale_shadow_databases_are_dropped() {
    make_migration $M 20240101000000_init 'CREATE TABLE a (id int);'
    local owner old new
    owner=$(new_role stale secret 'CREATEDB')
    old="pgmig_shadow_$(( $(date +%s) - 7200 ))_dead${RANDOM}"
    new="pgmig_shadow_$(date +%s)_beef${RANDOM}"
    psql_exec "CREATE DATABASE $old OWNER $owner"
    psql_exec "CREATE DATABASE $new OWNER $owner"
    run_pgmig --url "$(tcp_url "$TEST_DB" "$owner" secret)" validate
    assert_rc 0 || return
    # (another test's validate, running as superuser in parallel, may be the one that
    # drops it first: the note is not asserted, the outcome is)
    assert_eq "$(psql_val "SELECT string_agg(datname, ',') FROM pg_database WHERE datname IN ('$old', '$new')")" "$new"
    psql_exec "DROP DATABASE $new"
}

test_interrupted_validate_drops_its_shadow() {
    make_migration $M 20240101000000_slow 'CREATE TABLE a (id int);
SELECT pg_sleep(30);'
    local owner
    owner=$(new_role intr secret 'CREATEDB')
    "$PGMIG" --url "$(tcp_url "$TEST_DB" "$owner" secret)" validate >"$TEST_FILE_TMP/i.out" 2>"$TEST_FILE_TMP/i.err" &
    local pid=$! i
    for i in $(seq 100); do
        [[ $(psql_val "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(30)%' AND usename = '$owner'") == 1 ]] && break
        sleep 0.05
    done
    assert_eq "$(shadows_of "$owner")" "1" "the shadow exists while replaying"
    kill -INT $pid
    wait $pid
    assert_eq "$?" "1" "interrupted validate exits 1"
    assert_no_sanitizer_report "$TEST_FILE_TMP/i.err"
    assert_eq "$(shadows_of "$owner")" "0" "the shadow is dropped after Ctrl-C"
}

test_shadow_url_is_reset_and_never_the_target() {
    make_migration $M 20240101000000_init 'CREATE TABLE a (id int);'
    run_pgmig validate --shadow-url "$DATABASE_URL"
    assert_rc 2 || return
    assert_err_contains "the shadow database is the target database"
    local shadow
    shadow=$(new_db shadow)
    psql_exec "CREATE TABLE leftover (id int)" "$shadow"
    run_pgmig validate --shadow-url "$shadow"
    assert_rc 0 || return
    assert_out_contains "reset before and after"
    assert_eq "$(psql_val "SELECT count(*) FROM pg_class WHERE relname IN ('leftover', 'a')" "$shadow")" "0"
}

test_corpus_histories_validate() {
    [[ -d $CORPUS ]] || skip "no corpus at $CORPUS"
    local c
    for c in documenso langfuse; do
        run_pgmig --migrations "$CORPUS/$c/migrations" validate
        assert_rc 0 || { fail "corpus $c does not validate"; continue; }
        assert_out_contains "OK: replayed"
    done
}

test_check_passes_and_lists_every_problem() {
    make_migration $M 20240101000000_init 'CREATE TABLE a (id int);'
    run_pgmig deploy
    run_pgmig check
    assert_rc 0 || return
    assert_out_contains "All checks passed."
    # an applied migration edited, and a new one that does not parse
    printf 'CREATE TABLE a (id bigint);\n' > $M/20240101000000_init/migration.sql
    make_migration $M 20240102000000_bad 'CREATE TABLE (;'
    run_pgmig check
    assert_rc 1 || return
    assert_out_contains "failed  parse"
    assert_out_contains "skipped replay"
    assert_out_contains "failed  history"
    assert_err_contains "20240102000000_bad/migration.sql:1:14"
    assert_err_contains "migration \`20240101000000_init\` was edited after it was applied"
    assert_err_contains "check found 2 problems"
    run_pgmig --json check
    assert_json '.problems | length' 2
    assert_json '[.checks[] | .name + ":" + .status] | join(",")' "parse:failed,replay:skipped,history:failed,drift:skipped,lint:skipped"
}

test_check_runs_lint_on_what_is_not_applied_yet() {
    make_migration $M 20240101000000_init 'CREATE TABLE a (id int);'
    run_pgmig deploy
    assert_rc 0 || return
    # (the shadow's table is empty, so the replay passes: only lint can see the hazard)
    make_migration $M 20240102000000_required 'ALTER TABLE a ADD COLUMN b int NOT NULL;'
    run_pgmig check
    assert_rc 1 || return
    assert_out_contains "failed  lint"
    assert_err_contains "error[adding-required-field]"
    assert_err_contains "20240102000000_required/migration.sql:1:"
    assert_err_contains "pgmig lint --explain adding-required-field"
    printf '[lint]\ndisable = ["adding-required-field"]\n' > pgmig.toml
    run_pgmig check
    assert_rc 0
}

test_check_finds_drift() {
    make_migration $M 20240101000000_init 'CREATE TABLE a (id int);'
    run_pgmig deploy
    psql_exec "ALTER TABLE a ADD COLUMN sneaky text"
    run_pgmig check
    assert_rc 1 || return
    assert_out_contains "failed  drift"
    assert_err_contains "the database has drifted from its 1 applied migration"
    assert_err_contains "sneaky"
}

test_check_reports_a_replay_failure() {
    make_migration $M 20240101000000_init 'CREATE TABLE a (id int);'
    make_migration $M 20240102000000_ref 'ALTER TABLE b ADD COLUMN x int;'
    run_pgmig check
    assert_rc 1 || return
    assert_out_contains "failed  replay"
    assert_err_contains "P3006"
}

test_check_install_hook() {
    command -v git >/dev/null || skip "git is not installed"
    git init -q repo && cd repo
    make_migration $M 20240101000000_init 'CREATE TABLE a (id int);'
    run_pgmig check --install-hook
    assert_rc 0 || return
    assert_file_exists .git/hooks/pre-commit
    assert_match "$(cat .git/hooks/pre-commit)" "check --migrations 'prisma/migrations'"
    PGMIG=$PGMIG sh .git/hooks/pre-commit >/dev/null 2>&1
    assert_eq "$?" "0" "the hook passes on good migrations"
    make_migration $M 20240102000000_bad 'SELEC 1;'
    PGMIG=$PGMIG sh .git/hooks/pre-commit >/dev/null 2>&1
    assert_eq "$?" "1" "the hook fails on a broken migration"
    printf '#!/bin/sh\necho mine\n' > .git/hooks/pre-commit
    run_pgmig check --install-hook
    assert_rc 1
    assert_err_contains "was not written by pgmig"
}
