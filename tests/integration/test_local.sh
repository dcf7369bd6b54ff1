#!/usr/bin/env bash
# test_local.sh - the embedded local PostgreSQL: `pgmig local`, and deploy
# falling back to it when no target is configured.
source "$(dirname "${BASH_SOURCE[0]}")/../lib/harness.sh"

test_local_lifecycle_and_fallback_target() {
    unset DATABASE_URL
    trap '"$PGMIG" local stop >/dev/null 2>&1' EXIT
    run_pgmig local status
    assert_rc 1
    assert_out_contains "not been created yet"
    run_pgmig local url
    assert_rc 1
    run_pgmig local start
    assert_rc 0 || return
    assert_out_contains "Local PostgreSQL is running"
    run_pgmig local url
    assert_rc 0 || return
    local url
    url=$(cat "$OUT")
    assert_match "$url" '^postgresql://postgres@/pgmig\?host=.*&port=[0-9]+$'
    assert_eq "$("$PSQL" -XAtq -d "$url" -c 'SELECT current_database()')" "pgmig"

    make_migration prisma/migrations 20240101000000_init 'CREATE TABLE t (id int);'
    run_pgmig deploy
    assert_rc 0 || return
    assert_err_contains "embedded local PostgreSQL"
    assert_eq "$("$PSQL" -XAtq -d "$url" -c "SELECT count(*) FROM _prisma_migrations")" "1"

    run_pgmig --json local status
    assert_rc 0
    assert_json '.running' true
    run_pgmig local stop
    assert_rc 0
    run_pgmig local status
    assert_rc 1
    assert_out_contains "not running"
    # a command that needs the database starts it again on demand
    run_pgmig status
    assert_rc 0 || return
    assert_out_contains "up to date"
}

test_local_usage() {
    run_pgmig local
    assert_rc 2
    run_pgmig local explode
    assert_rc 2
    assert_err_contains "unknown action \`explode\`"
}
