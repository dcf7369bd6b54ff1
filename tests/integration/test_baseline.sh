#!/usr/bin/env bash
# test_baseline.sh - `pgmig baseline`: adopting an existing database (P3005).
source "$(dirname "${BASH_SOURCE[0]}")/../lib/harness.sh"

M=prisma/migrations

setup() {
    psql_exec "CREATE TABLE users (id int); CREATE TABLE posts (id int)"
    make_migration $M 20240101000000_users 'CREATE TABLE users (id int);'
    make_migration $M 20240102000000_posts 'CREATE TABLE posts (id int);'
    make_migration $M 20240103000000_tags 'CREATE TABLE tags (id int);'
}

test_baseline_up_to_then_deploy_the_rest() {
    setup
    run_pgmig deploy
    assert_rc 1
    assert_err_contains "P3005"
    run_pgmig baseline --up-to 20240102000000_posts
    assert_rc 0 || return
    assert_out_contains "Recorded 2 migrations as applied without running them"
    assert_out_contains "1 later migration will be applied by \`pgmig deploy\`."
    assert_eq "$(psql_val "SELECT count(*) FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL")" "2"
    run_pgmig deploy
    assert_rc 0 || return
    assert_eq "$(psql_val "SELECT to_regclass('tags') IS NOT NULL")" "t"
    run_pgmig status
    assert_rc 0
}

test_baseline_all_is_idempotent() {
    setup
    run_pgmig baseline
    assert_rc 0 || return
    assert_out_contains "Recorded 3 migrations"
    run_pgmig baseline
    assert_rc 0
    assert_out_contains "Nothing to baseline"
    assert_eq "$(psql_val "SELECT count(*) FROM _prisma_migrations")" "3"
}

test_baseline_unknown_name() {
    setup
    run_pgmig baseline --up-to 2024
    assert_rc 1
    assert_err_contains "P3017"
    assert_eq "$(psql_val "SELECT to_regclass('_prisma_migrations') IS NULL")" "t"
}

test_baseline_refuses_with_failed_migration() {
    setup
    run_pgmig baseline --up-to 20240101000000_users
    psql_exec "INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at) VALUES ('x', 'y', '20240102000000_posts', now())"
    run_pgmig baseline
    assert_rc 1
    assert_err_contains "cannot baseline"
    assert_err_contains "P3009"
}
