#!/usr/bin/env bash
# test_deploy.sh - `pgmig deploy`: applying, atomicity, segmentation of
# non-transactional statements, explicit transaction blocks, error locations,
# Prisma's history rows and guards (P3005, P3009).
source "$(dirname "${BASH_SOURCE[0]}")/../lib/harness.sh"

M=prisma/migrations

rows() { # name -> "finished|rolled_back|steps|logs-present" per row, in order
    psql_val "SELECT string_agg(concat_ws('|', finished_at IS NOT NULL, rolled_back_at IS NOT NULL,
              applied_steps_count, logs IS NOT NULL), ',' ORDER BY started_at)
              FROM _prisma_migrations WHERE migration_name = '$1'"
}

test_deploy_applies_in_order_and_records_prisma_rows() {
    make_migration $M 20240101000000_init 'CREATE TABLE a (id int PRIMARY KEY);'
    make_migration $M 20240102000000_b 'CREATE TABLE b (id int REFERENCES a);
INSERT INTO a VALUES (1);
INSERT INTO b VALUES (1);'
    run_pgmig deploy
    assert_rc 0 || return
    assert_out_contains "Applying migration \`20240101000000_init\`"
    assert_out_contains "All migrations have been successfully applied."
    assert_eq "$(rows 20240101000000_init)" "t|f|1|f"
    assert_eq "$(rows 20240102000000_b)" "t|f|3|f"
    local sum
    sum=$(sha256sum $M/20240102000000_b/migration.sql | cut -d' ' -f1)
    assert_eq "$(psql_val "SELECT checksum FROM _prisma_migrations WHERE migration_name = '20240102000000_b'")" "$sum"
    assert_match "$(psql_val "SELECT id FROM _prisma_migrations LIMIT 1")" '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$'
    assert_eq "$(psql_val "SELECT bool_and(started_at <= finished_at) FROM _prisma_migrations")" "t"
    # order: init was started before b
    assert_eq "$(psql_val "SELECT string_agg(migration_name, ',' ORDER BY started_at) FROM _prisma_migrations")" \
        "20240101000000_init,20240102000000_b"
    run_pgmig deploy
    assert_rc 0
    assert_out_contains "No pending migrations to apply."
}

test_deploy_history_table_has_prisma_shape() {
    make_migration $M 20240101000000_init 'SELECT 1;'
    run_pgmig deploy
    assert_rc 0 || return
    assert_eq "$(psql_val "SELECT string_agg(column_name || ':' || data_type || ':' || is_nullable || ':' || coalesce(character_maximum_length::text, ''), ',' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_name = '_prisma_migrations'")" \
        "id:character varying:NO:36,checksum:character varying:NO:64,finished_at:timestamp with time zone:YES:,migration_name:character varying:NO:255,logs:text:YES:,rolled_back_at:timestamp with time zone:YES:,started_at:timestamp with time zone:NO:,applied_steps_count:integer:NO:"
}

test_failure_mid_file_leaves_nothing_and_records_rolled_back_attempt() {
    make_migration $M 20240101000000_init 'CREATE TABLE a (id int);'
    make_migration $M 20240102000000_bad 'CREATE TABLE b (id int);
CREATE TYPE mood AS ENUM ('"'happy'"');
INSERT INTO b SELECT 1 / 0;
CREATE TABLE c (id int);'
    run_pgmig deploy
    assert_rc 1 || return
    assert_err_contains "error[P3018]"
    assert_err_contains "migration \`20240102000000_bad\` failed: division by zero"
    assert_err_contains "$M/20240102000000_bad/migration.sql:3:"
    assert_err_contains "sqlstate: 22012"
    assert_err_contains "none of its changes remain"
    assert_eq "$(psql_val "SELECT to_regclass('b') IS NULL AND to_regtype('mood') IS NULL AND to_regclass('c') IS NULL")" "t"
    assert_eq "$(psql_val "SELECT to_regclass('a') IS NOT NULL")" "t"
    assert_eq "$(rows 20240102000000_bad)" "f|t|0|t"
    assert_match "$(psql_val "SELECT logs FROM _prisma_migrations WHERE migration_name = '20240102000000_bad'")" "Database error code: 22012"
    # Prisma reads a rolled-back row as "not applied": nothing is blocked; a fixed file applies
    printf 'CREATE TABLE b (id int);\nCREATE TABLE c (id int);\n' > $M/20240102000000_bad/migration.sql
    run_pgmig deploy
    assert_rc 0 || return
    assert_eq "$(rows 20240102000000_bad)" "f|t|0|t,t|f|2|f"
}

test_error_points_at_the_token_postgres_blames() {
    make_migration $M 20240101000000_init 'CREATE TABLE orders (id int, total int);'
    make_migration $M 20240102000000_ref '-- Add a column
-- and use it
ALTER TABLE orders ADD COLUMN note text;

UPDATE orders SET note = "wrong" WHERE   customer_id = 1;'
    run_pgmig deploy
    assert_rc 1 || return
    # PostgreSQL resolves the WHERE clause first and blames customer_id (line 5, column 42)
    assert_err_contains "$M/20240102000000_ref/migration.sql:5:42"
    assert_err_contains "column \"customer_id\" does not exist"
    # the excerpt keeps the blank line 4 between its neighbours
    assert_err_contains "3 | ALTER TABLE orders ADD COLUMN note text;
4 | 
5 | UPDATE orders SET note = \"wrong\""
    assert_err_contains "sqlstate: 42703"
}

test_error_column_counts_characters_not_bytes() {
    make_migration $M 20240101000000_utf8 "CREATE TABLE t (x text);
INSERT INTO t VALUES ('ééé'), (nope);"
    run_pgmig deploy
    assert_rc 1 || return
    # 'ééé' is 5 characters but 8 bytes; "nope" starts at character 32
    assert_err_contains "migration.sql:2:32"
}

test_nontransactional_statements_are_segmented() {
    make_migration $M 20240101000000_mixed 'CREATE TABLE t (id int);
INSERT INTO t VALUES (1), (2);
CREATE INDEX CONCURRENTLY t_id_idx ON t (id);
ALTER TABLE t ADD COLUMN name text;'
    run_pgmig deploy
    assert_rc 0 || return
    assert_out_contains "4 statements: 3 in 2 transactions, 1 outside one"
    assert_eq "$(psql_val "SELECT indisvalid FROM pg_index WHERE indexrelid = 't_id_idx'::regclass")" "t"
    assert_eq "$(rows 20240101000000_mixed)" "t|f|4|f"
}

test_single_concurrent_index_migration() {
    make_migration $M 20240101000000_t 'CREATE TABLE t (id int);'
    make_migration $M 20240102000000_idx 'CREATE INDEX CONCURRENTLY "t_idx" ON "t"("id")'
    run_pgmig deploy
    assert_rc 0 || return
    assert_eq "$(rows 20240102000000_idx)" "t|f|1|f"
}

test_failure_after_nontransactional_step_leaves_true_failed_row() {
    make_migration $M 20240101000000_partial 'CREATE TABLE t (id int);
CREATE INDEX CONCURRENTLY t_idx ON t (id);
INSERT INTO t VALUES (1 / 0);
CREATE TABLE never (id int);'
    run_pgmig deploy
    assert_rc 1 || return
    assert_err_contains "2 of 4 statements took effect"
    assert_err_contains "migration.sql:3:"
    assert_eq "$(rows 20240101000000_partial)" "f|f|2|t"
    assert_eq "$(psql_val "SELECT to_regclass('t') IS NOT NULL AND to_regclass('t_idx') IS NOT NULL AND to_regclass('never') IS NULL")" "t"
    make_migration $M 20240102000000_next 'CREATE TABLE next (id int);'
    run_pgmig deploy
    assert_rc 1 || return
    assert_err_contains "error[P3009]"
    assert_err_contains "20240101000000_partial"
    assert_err_contains "division by zero"
    assert_err_contains "diagnosis partial: statements 1-2 present; statement 3 unknown; statement 4 absent"
    assert_err_contains "pgmig repair 20240101000000_partial   # forward: runs statements 3-4"
    assert_eq "$(psql_val "SELECT to_regclass('next') IS NULL")" "t"
}

test_failure_before_nontransactional_step_leaves_nothing() {
    make_migration $M 20240101000000_early 'CREATE TABLE t (id int);
INSERT INTO t VALUES (1 / 0);
CREATE INDEX CONCURRENTLY t_idx ON t (id);'
    run_pgmig deploy
    assert_rc 1 || return
    assert_eq "$(rows 20240101000000_early)" "f|t|0|t"
    assert_eq "$(psql_val "SELECT to_regclass('t') IS NULL")" "t"
}

test_explicit_transaction_block_is_honoured() {
    make_migration $M 20240101000000_block 'BEGIN;
SET LOCAL lock_timeout = '"'5s'"';
CREATE TABLE t (id int);
COMMIT;'
    run_pgmig -v deploy
    assert_rc 0 || return
    assert_err_not_contains "already a transaction in progress"
    assert_err_not_contains "there is no transaction in progress"
    assert_eq "$(rows 20240101000000_block)" "t|f|4|f"
    assert_eq "$(psql_val "SELECT to_regclass('t') IS NOT NULL")" "t"
}

test_two_blocks_and_a_statement_after() {
    make_migration $M 20240101000000_blocks 'BEGIN;
CREATE TABLE a (id int);
COMMIT;
BEGIN;
CREATE TABLE b (id int);
COMMIT;
CREATE TABLE c (id int);'
    run_pgmig deploy
    assert_rc 0 || return
    assert_eq "$(rows 20240101000000_blocks)" "t|f|7|f"
    assert_eq "$(psql_val "SELECT count(*) FROM pg_class WHERE relname IN ('a','b','c')")" "3"
}

test_failure_in_second_block_keeps_first_block() {
    make_migration $M 20240101000000_blocks 'BEGIN;
CREATE TABLE a (id int);
COMMIT;
BEGIN;
CREATE TABLE b (id int);
SELECT 1 / 0;
COMMIT;'
    run_pgmig deploy
    assert_rc 1 || return
    assert_eq "$(rows 20240101000000_blocks)" "f|f|3|t"
    assert_eq "$(psql_val "SELECT to_regclass('a') IS NOT NULL AND to_regclass('b') IS NULL")" "t"
}

test_begin_without_commit_is_refused_before_running() {
    make_migration $M 20240101000000_open 'CREATE TABLE x (id int);
BEGIN;
CREATE TABLE t (id int);'
    run_pgmig deploy
    assert_rc 1 || return
    assert_err_contains "this BEGIN has no matching COMMIT or ROLLBACK"
    assert_err_contains "migration.sql:2:1"
    assert_eq "$(psql_val "SELECT to_regclass('x') IS NULL")" "t"
}

test_set_transaction_at_file_start() {
    make_migration $M 20240101000000_iso 'SET TRANSACTION ISOLATION LEVEL SERIALIZABLE;
CREATE TABLE t (id int);'
    run_pgmig deploy
    assert_rc 0 || return
    assert_eq "$(rows 20240101000000_iso)" "t|f|2|f"
}

test_empty_and_comment_only_migrations_are_recorded() {
    make_migration $M 20240101000000_empty ''
    printf -- '-- This is an empty migration.' > $M/20240101000000_empty/migration.sql
    mkdir -p $M/20240102000000_zero && : > $M/20240102000000_zero/migration.sql
    run_pgmig deploy
    assert_rc 0 || return
    assert_eq "$(rows 20240101000000_empty)" "t|f|0|f"
    assert_eq "$(rows 20240102000000_zero)" "t|f|0|f"
}

test_syntax_errors_in_any_pending_file_apply_nothing() {
    make_migration $M 20240101000000_ok 'CREATE TABLE ok (id int);'
    make_migration $M 20240102000000_bad1 'CREATE TABLE x (id int;'
    make_migration $M 20240103000000_bad2 'SELEC 1;'
    run_pgmig deploy
    assert_rc 1 || return
    assert_err_contains "20240102000000_bad1/migration.sql:1:23"
    assert_err_contains "20240103000000_bad2/migration.sql:1:1"
    assert_err_contains "2 pending migrations cannot be run; nothing was applied"
    assert_eq "$(psql_val "SELECT to_regclass('ok') IS NULL")" "t"
}

test_p3005_non_empty_database_without_history() {
    psql_exec "CREATE TABLE legacy (id int)"
    make_migration $M 20240101000000_init 'CREATE TABLE legacy (id int);'
    run_pgmig deploy
    assert_rc 1 || return
    assert_err_contains "error[P3005]"
    assert_err_contains "legacy"
    assert_err_contains "pgmig baseline"
    assert_eq "$(psql_val "SELECT to_regclass('_prisma_migrations') IS NULL")" "t"
}

test_p3009_failed_row_written_by_prisma_blocks_deploy() {
    make_migration $M 20240101000000_init 'CREATE TABLE a (id int);'
    make_migration $M 20240102000000_next 'CREATE TABLE b (id int);'
    run_pgmig deploy
    assert_rc 0 || return
    make_migration $M 20240103000000_more 'CREATE TABLE c (id int);'
    make_migration $M 20240104000000_later 'CREATE TABLE d (id int);'
    # Prisma's shape of a failure: started, never finished, logs hold the error
    psql_exec "INSERT INTO _prisma_migrations (id, checksum, migration_name, logs, started_at, applied_steps_count)
               VALUES ('11111111-1111-4111-8111-111111111111', 'x', '20240103000000_more',
                       'Database error code: 42P07 relation \"c\" already exists', now(), 0)"
    run_pgmig deploy
    assert_rc 1 || return
    assert_err_contains "error[P3009]"
    assert_err_contains "\`20240103000000_more\`"
    assert_err_contains "relation \"c\" already exists"
    assert_eq "$(psql_val "SELECT to_regclass('d') IS NULL")" "t"
}

test_dry_run_changes_nothing() {
    make_migration $M 20240101000000_init 'CREATE TABLE t (id int);
CREATE INDEX CONCURRENTLY t_idx ON t (id);'
    run_pgmig deploy --dry-run
    assert_rc 0 || return
    assert_out_contains "Plan (dry run, nothing was changed): 1 pending migration"
    assert_out_contains "step 2: non-transactional, statement 2 (line 2: CREATE INDEX)"
    assert_eq "$(psql_val "SELECT to_regclass('_prisma_migrations') IS NULL AND to_regclass('t') IS NULL")" "t"
}

test_schema_parameter_creates_schema_and_keeps_history_there() {
    make_migration $M 20240101000000_init 'CREATE TABLE "User" (id int);'
    run_pgmig --url "$DATABASE_URL&schema=MyApp" deploy
    assert_rc 0 || return
    assert_eq "$(psql_val "SELECT to_regclass('\"MyApp\"._prisma_migrations') IS NOT NULL AND to_regclass('\"MyApp\".\"User\"') IS NOT NULL AND to_regclass('public._prisma_migrations') IS NULL")" "t"
    run_pgmig --url "$DATABASE_URL&schema=MyApp" status
    assert_rc 0
}

test_search_path_change_in_migration_does_not_redirect_bookkeeping() {
    psql_exec "CREATE SCHEMA other"
    make_migration $M 20240101000000_a 'SET search_path TO other;
CREATE TABLE t (id int);'
    make_migration $M 20240102000000_b 'CREATE TABLE u (id int);'
    run_pgmig deploy
    assert_rc 0 || return
    assert_eq "$(psql_val "SELECT count(*) FROM public._prisma_migrations")" "2"
    # the session setting does not leak into the next migration
    assert_eq "$(psql_val "SELECT to_regclass('public.u') IS NOT NULL AND to_regclass('other.t') IS NOT NULL")" "t"
}

test_lock_timeout_names_the_holder() {
    make_migration $M 20240101000000_init 'CREATE TABLE t (id int);'
    "$PSQL" -XAtq -d "$DATABASE_URL" -c "SET application_name = 'other-deployer'" \
        -c "SELECT pg_advisory_lock(72707369)" -c "SELECT pg_sleep(30)" >/dev/null 2>&1 &
    local holder=$!
    local i
    for i in $(seq 50); do
        [[ $(psql_val "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 72707369 AND granted") == 1 ]] && break
        sleep 0.1
    done
    run_pgmig deploy --lock-wait 1
    kill $holder 2>/dev/null
    wait $holder 2>/dev/null
    assert_rc 1 || return
    assert_err_contains "error[P1002]"
    assert_err_contains "application_name \"other-deployer\""
    assert_err_contains "pg_terminate_backend("
    assert_eq "$(psql_val "SELECT to_regclass('t') IS NULL")" "t"
}

test_ten_concurrent_deploys_apply_each_migration_once() {
    local i
    for i in 1 2 3 4 5 6; do
        make_migration $M 2024010${i}000000_m$i "CREATE TABLE t$i (id int); INSERT INTO t$i VALUES ($i);"
    done
    local pids=() rcs=""
    for i in $(seq 10); do
        "$PGMIG" --quiet deploy --lock-wait 60 >"$TEST_FILE_TMP/c$i.out" 2>"$TEST_FILE_TMP/c$i.err" &
        pids+=($!)
    done
    for i in "${!pids[@]}"; do
        wait "${pids[$i]}"; rcs+="$?"
    done
    assert_eq "$rcs" "0000000000" "every deploy exits 0"
    for i in $(seq 10); do assert_no_sanitizer_report "$TEST_FILE_TMP/c$i.err"; done
    assert_eq "$(psql_val "SELECT count(*), count(DISTINCT migration_name) FROM _prisma_migrations")" "6|6"
    assert_eq "$(psql_val "SELECT sum(id) FROM (SELECT id FROM t1 UNION ALL SELECT id FROM t6) s")" "7"
}

test_sigkill_mid_migration_leaves_database_before_or_after() {
    make_migration $M 20240101000000_slow 'CREATE TABLE t (id int);
SELECT pg_sleep(2);
CREATE TABLE u (id int);'
    "$PGMIG" deploy >/dev/null 2>&1 &
    local pid=$! i
    for i in $(seq 100); do
        [[ $(psql_val "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(2)%' AND state = 'active'") == 1 ]] && break
        sleep 0.05
    done
    kill -9 $pid
    wait $pid 2>/dev/null
    # the whole migration was already pipelined to the server: it finishes it
    # (or rolls it back when it notices the client is gone) - never half of it
    for i in $(seq 100); do
        [[ $(psql_val "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pgmig'") == 0 ]] && break
        sleep 0.1
    done
    local state
    state=$(psql_val "SELECT (to_regclass('t') IS NOT NULL)::int + (to_regclass('u') IS NOT NULL)::int
                      + (SELECT count(*) FROM _prisma_migrations WHERE finished_at IS NOT NULL)")
    [[ $state == 0 || $state == 3 ]] || fail "half a migration remains (state $state of 3)"
    run_pgmig deploy
    assert_rc 0 || return
    assert_eq "$(rows 20240101000000_slow)" "t|f|3|f"
}

test_killed_connection_mid_migration_is_reported_and_rolled_back() {
    make_migration $M 20240101000000_slow 'CREATE TABLE t (id int);
SELECT pg_sleep(5);
CREATE TABLE u (id int);'
    (
        for i in $(seq 100); do
            [[ $(psql_val "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(5)%' AND state = 'active'") == 1 ]] && break
            sleep 0.05
        done
        psql_val "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'pgmig' AND datname = current_database()" >/dev/null
    ) &
    local killer=$!
    run_pgmig deploy
    wait $killer
    assert_rc 3 || return
    assert_err_contains "the connection to the server was lost"
    assert_err_contains "pgmig status"
    assert_eq "$(psql_val "SELECT to_regclass('t') IS NULL AND to_regclass('u') IS NULL")" "t"
    assert_eq "$(psql_val "SELECT count(*) FROM _prisma_migrations")" "0"
    run_pgmig deploy
    assert_rc 0 || return
    assert_eq "$(rows 20240101000000_slow)" "t|f|3|f"
}

test_json_output() {
    make_migration $M 20240101000000_init 'CREATE TABLE t (id int);'
    run_pgmig --json deploy
    assert_rc 0 || return
    assert_json '.version' 1
    assert_json '.command' deploy
    assert_json '.ok' true
    assert_json '.migrations[0].name' 20240101000000_init
    assert_json '.migrations[0].outcome' applied
    assert_json '.migrations[0].statements' 1
    assert_json '.error' null
    make_migration $M 20240102000000_bad 'SELECT 1/0;'
    run_pgmig --json deploy
    assert_rc 1 || return
    assert_json '.ok' false
    assert_json '.error.code' P3018
    assert_json '.error.sqlstate' 22012
    assert_json '.error.line' 1
    assert_json '.migrations[0].left' nothing
}

test_missing_migration_sql_is_p3015() {
    make_migration $M 20240101000000_init 'SELECT 1;'
    mkdir -p $M/20240102000000_nofile
    run_pgmig deploy
    assert_rc 3 || return
    assert_err_contains "error[P3015]"
    assert_err_contains "20240102000000_nofile"
}

test_other_provider_is_p3019() {
    make_migration $M 20240101000000_init 'SELECT 1;'
    printf 'provider = "mysql"\n' > $M/migration_lock.toml
    run_pgmig deploy
    assert_rc 1 || return
    assert_err_contains "error[P3019]"
    assert_err_contains "mysql"
}

test_files_and_symlinks_at_top_level_are_ignored() {
    make_migration $M 20240101000000_init 'CREATE TABLE t (id int);'
    echo "notes" > $M/README.md
    mkdir -p elsewhere/20240102000000_linked && echo 'CREATE TABLE bad (id int);' > elsewhere/20240102000000_linked/migration.sql
    ln -s "$PWD/elsewhere/20240102000000_linked" $M/20240102000000_linked
    run_pgmig deploy
    assert_rc 0 || return
    assert_out_contains "1 migration found"
    assert_eq "$(psql_val "SELECT to_regclass('bad') IS NULL")" "t"
}

test_deploy_prints_lint_findings_for_what_it_applies_and_goes_on() {
    make_migration $M 20240101000000_init 'CREATE TABLE t (id int);'
    run_pgmig deploy
    assert_rc 0 || return
    assert_err_not_contains "lint found"
    make_migration $M 20240102000000_idx 'CREATE INDEX t_id_idx ON t (id);'
    run_pgmig deploy
    assert_rc 0 || return
    assert_err_contains "warning[require-concurrent-index-creation]"
    assert_err_contains "20240102000000_idx/migration.sql:1:"
    assert_err_contains "deploy goes on"
    make_migration $M 20240103000000_idx2 'CREATE INDEX t_id2_idx ON t (id);'
    run_pgmig deploy --no-lint
    assert_rc 0
    assert_err_not_contains "require-concurrent-index-creation"
}
