#!/usr/bin/env bash
# test_resolve.sh - `pgmig resolve`: Prisma's rules and row writes
# (P3017, P3008, P3011, P3012), and recovery from P3009 through resolve.
source "$(dirname "${BASH_SOURCE[0]}")/../lib/harness.sh"

M=prisma/migrations

fail_row() { # name: a failed row the way Prisma writes it
    psql_exec "INSERT INTO _prisma_migrations (id, checksum, migration_name, logs, started_at, applied_steps_count)
               VALUES (gen_random_uuid()::text, 'x', '$1', 'failed', now(), 0)"
}

setup() {
    make_migration $M 20240101000000_init 'CREATE TABLE a (id int);'
    run_pgmig deploy
    make_migration $M 20240102000000_b 'CREATE TABLE b (id int);'
}

test_resolve_applied_marks_failed_rows_and_inserts_applied_row() {
    setup
    fail_row 20240102000000_b
    psql_exec "CREATE TABLE b (id int)"   # completed by hand
    run_pgmig resolve --applied 20240102000000_b
    assert_rc 0 || return
    assert_out_contains "Migration 20240102000000_b marked as applied."
    local sum
    sum=$(sha256sum $M/20240102000000_b/migration.sql | cut -d' ' -f1)
    # the failed row is rolled back; a new row: logs '', started = finished, 0 steps
    assert_eq "$(psql_val "SELECT string_agg(concat_ws('|', finished_at IS NOT NULL, rolled_back_at IS NOT NULL, applied_steps_count, coalesce(logs, 'NULL'), checksum = '$sum', started_at = finished_at), ',' ORDER BY started_at, finished_at NULLS FIRST) FROM _prisma_migrations WHERE migration_name = '20240102000000_b'")" \
        "f|t|0|failed|f,t|f|0||t|t"
    run_pgmig status
    assert_rc 0
}

test_resolve_applied_without_failure_baselines_one() {
    setup
    psql_exec "CREATE TABLE b (id int)"
    run_pgmig resolve --applied 20240102000000_b
    assert_rc 0 || return
    run_pgmig deploy
    assert_out_contains "No pending migrations to apply."
}

test_resolve_applied_creates_history_table() {
    make_migration $M 20240101000000_init 'CREATE TABLE a (id int);'
    psql_exec "CREATE TABLE a (id int)"
    run_pgmig resolve --applied 20240101000000_init
    assert_rc 0 || return
    assert_eq "$(psql_val "SELECT count(*) FROM _prisma_migrations WHERE finished_at IS NOT NULL")" "1"
}

test_p3017_unknown_migration() {
    setup
    run_pgmig resolve --applied 20240102000000
    assert_rc 1 || return
    assert_err_contains "error[P3017]"
    assert_err_contains "migration \`20240102000000\` could not be found"
}

test_p3008_already_applied() {
    setup
    run_pgmig resolve --applied 20240101000000_init
    assert_rc 1 || return
    assert_err_contains "error[P3008]"
    assert_err_contains "already recorded as applied"
}

test_p3011_never_applied() {
    setup
    run_pgmig resolve --rolled-back 20240102000000_b
    assert_rc 1 || return
    assert_err_contains "error[P3011]"
}

test_p3012_not_failed() {
    setup
    run_pgmig resolve --rolled-back 20240101000000_init
    assert_rc 1 || return
    assert_err_contains "error[P3012]"
    assert_err_contains "not in a failed state"
}

test_resolve_rolled_back_unblocks_deploy() {
    setup
    fail_row 20240102000000_b
    run_pgmig deploy
    assert_rc 1
    assert_err_contains "P3009"
    run_pgmig resolve --rolled-back 20240102000000_b
    assert_rc 0 || return
    assert_out_contains "Migration 20240102000000_b marked as rolled back."
    assert_eq "$(psql_val "SELECT count(*) FROM _prisma_migrations WHERE migration_name = '20240102000000_b' AND rolled_back_at IS NOT NULL AND finished_at IS NULL")" "1"
    run_pgmig deploy
    assert_rc 0 || return
    assert_eq "$(psql_val "SELECT to_regclass('b') IS NOT NULL")" "t"
    run_pgmig resolve --rolled-back 20240102000000_b
    assert_rc 1
    assert_err_contains "P3012"
}

test_usage_errors() {
    setup
    run_pgmig resolve
    assert_rc 2
    assert_err_contains "pass exactly one of --applied NAME or --rolled-back NAME"
    run_pgmig resolve --applied a --rolled-back b
    assert_rc 2
    run_pgmig resolve --applied
    assert_rc 2
    assert_err_contains "needs"
    run_pgmig resolve --bogus x
    assert_rc 2
    assert_err_contains "unknown option"
}

test_resolve_waits_for_the_lock() {
    setup
    fail_row 20240102000000_b
    "$PSQL" -XAtq -d "$DATABASE_URL" -c "SELECT pg_advisory_lock(72707369)" -c "SELECT pg_sleep(10)" >/dev/null 2>&1 &
    local holder=$! i
    for i in $(seq 50); do
        [[ $(psql_val "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 72707369 AND granted") == 1 ]] && break
        sleep 0.1
    done
    run_pgmig resolve --rolled-back 20240102000000_b --lock-wait 0.5
    kill $holder; wait $holder 2>/dev/null
    assert_rc 1 || return
    assert_err_contains "P1002"
    assert_eq "$(psql_val "SELECT count(*) FROM _prisma_migrations WHERE rolled_back_at IS NOT NULL")" "0"
}

test_json() {
    setup
    fail_row 20240102000000_b
    run_pgmig --json resolve --rolled-back 20240102000000_b
    assert_rc 0 || return
    assert_json '.command' resolve
    assert_json '.migration' 20240102000000_b
    assert_json '.action' rolled_back
    run_pgmig --json resolve --rolled-back 20240102000000_b
    assert_rc 1
    assert_json '.error.code' P3012
}

test_resolve_applied_refuses_when_the_catalog_disagrees() {
    setup
    fail_row 20240102000000_b
    run_pgmig resolve --applied 20240102000000_b
    assert_rc 1 || return
    assert_err_contains "refusing to record \`20240102000000_b\` as applied: the catalog shows statement 1 (line 1, CREATE TABLE \"b\") did not take effect"
    assert_err_contains "pgmig repair 20240102000000_b"
    assert_err_contains "--force"
    assert_eq "$(psql_val "SELECT count(*) FROM _prisma_migrations WHERE migration_name = '20240102000000_b' AND finished_at IS NOT NULL")" "0"
    # Prisma's behaviour on demand
    run_pgmig resolve --applied 20240102000000_b --force
    assert_rc 0
    assert_eq "$(psql_val "SELECT count(*) FROM _prisma_migrations WHERE migration_name = '20240102000000_b' AND finished_at IS NOT NULL")" "1"
}

test_resolve_rolled_back_refuses_while_effects_remain() {
    setup
    fail_row 20240102000000_b
    psql_exec "CREATE TABLE b (id int)"
    run_pgmig resolve --rolled-back 20240102000000_b
    assert_rc 1 || return
    assert_err_contains "refusing to record \`20240102000000_b\` as rolled back"
    assert_err_contains "still in effect"
    assert_err_contains "pgmig repair 20240102000000_b --strategy backward"
    run_pgmig resolve --rolled-back 20240102000000_b --force
    assert_rc 0
}
