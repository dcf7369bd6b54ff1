#!/usr/bin/env bash
# test_status.sh - `pgmig status`: every state (applied, pending, failed,
# rolled back, edited, missing locally, not managed), texts, JSON, exit codes.
source "$(dirname "${BASH_SOURCE[0]}")/../lib/harness.sh"

M=prisma/migrations

setup_two() {
    make_migration $M 20240101000000_init 'CREATE TABLE a (id int);'
    make_migration $M 20240102000000_b 'CREATE TABLE b (id int);'
}

test_not_managed() {
    setup_two
    run_pgmig status
    assert_rc 1 || return
    assert_out_contains "2 migrations found in prisma/migrations"
    assert_out_contains "The current database is not managed by Prisma Migrate."
    assert_out_contains "next: pgmig deploy"
    run_pgmig --json status
    assert_rc 1
    assert_json '.managed' false
    assert_json '.up_to_date' false
    assert_json '.database_empty' true
    assert_json '.migrations | map(.state) | join(",")' "pending,pending"
}

test_not_managed_non_empty_suggests_baseline() {
    setup_two
    psql_exec "CREATE TABLE legacy (id int)"
    run_pgmig status
    assert_rc 1 || return
    assert_out_contains "pgmig baseline"
}

test_up_to_date() {
    setup_two
    run_pgmig deploy
    assert_rc 0 || return
    run_pgmig status
    assert_rc 0
    assert_out_contains "Database schema is up to date!"
    run_pgmig --json status
    assert_rc 0
    assert_json '.up_to_date' true
    assert_json '.summary.applied' 2
    assert_json '.migrations[1].name' 20240102000000_b
    assert_json '.migrations[1].state' applied
    assert_json '.migrations[1].edited' false
    assert_json '.migrations[1].missing_locally' false
    assert_json '.migrations[1].applied_steps_count' 1
    assert_json '.migrations[1].logs' null
    assert_json '.migrations[1].finished_at | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T")' true
}

test_pending() {
    setup_two
    run_pgmig deploy
    make_migration $M 20240103000000_c 'CREATE TABLE c (id int);'
    run_pgmig status
    assert_rc 1 || return
    assert_out_contains "Following migration(s) have not yet been applied:"
    assert_out_contains "20240103000000_c"
    assert_out_contains "next: pgmig deploy"
    run_pgmig --json status
    assert_json '.migrations[2].state' pending
    assert_json '.summary.pending' 1
}

test_failed_and_rolled_back() {
    setup_two
    run_pgmig deploy
    make_migration $M 20240103000000_c 'CREATE TABLE c (id int);'
    psql_exec "INSERT INTO _prisma_migrations (id, checksum, migration_name, logs, started_at, applied_steps_count)
               VALUES ('22222222-2222-4222-8222-222222222222', 'abc', '20240103000000_c', 'boom', now(), 0)"
    run_pgmig status
    assert_rc 1 || return
    assert_out_contains "Following migration(s) have failed:"
    assert_out_contains "20240103000000_c"
    run_pgmig --json status
    assert_json '.migrations[2].state' failed
    assert_json '.migrations[2].logs' boom
    assert_json '.summary.failed' 1
    psql_exec "UPDATE _prisma_migrations SET rolled_back_at = now() WHERE migration_name = '20240103000000_c'"
    run_pgmig --json status
    assert_rc 1
    assert_json '.migrations[2].state' rolled_back
    run_pgmig status
    assert_out_contains "an earlier attempt was rolled back"
}

test_edited_migration_is_reported_and_crlf_is_tolerated() {
    setup_two
    run_pgmig deploy
    # the same text with CRLF line endings is not an edit (Git autocrlf checkouts)
    printf 'CREATE TABLE b (id int);\r\n' > $M/20240102000000_b/migration.sql
    run_pgmig status
    assert_rc 0 || return
    printf 'CREATE TABLE b (id bigint);\n' > $M/20240102000000_b/migration.sql
    run_pgmig status
    assert_rc 1 || return
    assert_out_contains "Following migration(s) were edited after they were applied:"
    assert_out_contains "20240102000000_b"
    run_pgmig --json status
    assert_json '.migrations[1].edited' true
    assert_json '.migrations[1].state' applied
    assert_json '.summary.edited' 1
}

test_old_style_checksum_is_understood() {
    setup_two
    run_pgmig deploy
    # Prisma 2.x stored each digest byte as unpadded hex
    local hex old="" i
    hex=$(sha256sum $M/20240102000000_b/migration.sql | cut -d' ' -f1)
    for ((i = 0; i < 64; i += 2)); do old+=$(printf '%x' $((16#${hex:i:2}))); done
    [[ ${#old} -lt 64 ]] || { skip "this digest has no byte below 0x10"; }
    psql_exec "UPDATE _prisma_migrations SET checksum = '$old' WHERE migration_name = '20240102000000_b'"
    run_pgmig status
    assert_rc 0
}

test_missing_locally() {
    setup_two
    run_pgmig deploy
    rm -r $M/20240101000000_init
    run_pgmig status
    assert_rc 1 || return
    assert_out_contains "Following migration(s) are applied in the database but missing locally:"
    assert_out_contains "20240101000000_init"
    run_pgmig --json status
    assert_json '.migrations[0].missing_locally' true
    assert_json '.summary.missing_locally' 1
}

test_verbose_lists_every_migration() {
    setup_two
    run_pgmig deploy
    run_pgmig status -v
    assert_rc 0 || return
    assert_out_contains "applied      20240101000000_init"
    assert_out_contains "applied      20240102000000_b"
}

test_status_takes_no_lock_and_writes_nothing() {
    setup_two
    run_pgmig status
    assert_eq "$(psql_val "SELECT to_regclass('_prisma_migrations') IS NULL")" "t"
}

test_corrupted_history_table_is_an_environment_error() {
    setup_two
    psql_exec "CREATE TABLE _prisma_migrations (id text, name text)"
    run_pgmig status
    assert_rc 3 || return
    assert_err_contains "the history table \"public\".\"_prisma_migrations\" cannot be read"
    assert_err_contains "column \"checksum\" does not exist"
}

test_missing_migrations_directory() {
    run_pgmig status
    assert_rc 3 || return
    assert_err_contains "no migrations directory found"
    run_pgmig --migrations nowhere status
    assert_rc 3
    assert_err_contains "migrations directory nowhere does not exist"
}

test_unexpected_argument_is_usage_error() {
    setup_two
    run_pgmig status extra
    assert_rc 2
    assert_err_contains "unexpected argument \`extra\`"
    assert_err_contains "pgmig status --help"
}

test_hint_to_check_drift_after_recording_without_running() {
    setup_two
    run_pgmig deploy
    run_pgmig status
    assert_out_not_contains "pgmig drift"
    make_migration $M 20240103000000_c 'CREATE TABLE c (id int);'
    psql_exec "CREATE TABLE c (id int)"
    run_pgmig resolve --applied 20240103000000_c
    assert_rc 0 || return
    run_pgmig status
    assert_rc 0
    assert_out_contains "hint: 1 applied migration was recorded without pgmig running it"
    assert_out_contains "pgmig drift"
    run_pgmig --json status
    assert_json '.drift_check_recommended' true
}

# Timestamps are decoded from the binary protocol: exact ISO 8601 UTC, also
# before 2000 (negative offsets) and with microseconds, whatever the session TimeZone.
test_timestamps_are_exact_iso_utc() {
    setup_two
    run_pgmig deploy
    psql_exec "ALTER DATABASE $TEST_DB SET timezone = 'America/New_York'"
    psql_exec "UPDATE _prisma_migrations SET started_at = '1999-12-31 23:59:59.999999+00',
               finished_at = '2024-02-29 12:00:00.5+00' WHERE migration_name = '20240101000000_init'"
    psql_exec "UPDATE _prisma_migrations SET started_at = '2000-01-01 00:00:00+00',
               finished_at = '2000-01-01 00:00:00.000001-05' WHERE migration_name = '20240102000000_b'"
    run_pgmig --json status
    assert_rc 0 || return
    assert_json '.migrations[0].started_at' "1999-12-31T23:59:59.999999Z"
    assert_json '.migrations[0].finished_at' "2024-02-29T12:00:00.500000Z"
    assert_json '.migrations[1].started_at' "2000-01-01T00:00:00.000000Z"
    assert_json '.migrations[1].finished_at' "2000-01-01T05:00:00.000001Z"
    assert_json '.migrations[0].applied_steps_count' 1
}
