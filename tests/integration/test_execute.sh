#!/usr/bin/env bash
# test_execute.sh - `pgmig execute`: scripts from a file or stdin, one
# transaction, non-transactional statements alone, located errors.
source "$(dirname "${BASH_SOURCE[0]}")/../lib/harness.sh"

test_execute_file() {
    printf 'CREATE TABLE t (id int);\nINSERT INTO t VALUES (1), (2);\n' > script.sql
    run_pgmig execute --file script.sql
    assert_rc 0 || return
    assert_out_eq "Script executed successfully."
    assert_eq "$(psql_val "SELECT sum(id) FROM t")" "3"
    # execute never touches the history
    assert_eq "$(psql_val "SELECT to_regclass('_prisma_migrations') IS NULL")" "t"
}

test_execute_stdin() {
    run_pgmig execute --stdin <<<'CREATE TABLE s (id int)'
    assert_rc 0 || return
    assert_eq "$(psql_val "SELECT to_regclass('s') IS NOT NULL")" "t"
}

test_execute_is_atomic_and_located() {
    printf 'CREATE TABLE t (id int);\n\nINSERT INTO t VALUES (1);\nINSERT INTO t VALUES (1/0);\n' > script.sql
    run_pgmig execute --file script.sql
    assert_rc 1 || return
    assert_err_contains "script.sql:4:"
    assert_err_contains "division by zero"
    assert_err_contains "none of its changes remain"
    assert_err_not_contains "P3018"
    assert_eq "$(psql_val "SELECT to_regclass('t') IS NULL")" "t"
}

test_execute_runs_nontransactional_statements_alone() {
    psql_exec "CREATE TABLE t (id int)"
    printf 'INSERT INTO t VALUES (1);\nCREATE INDEX CONCURRENTLY t_idx ON t (id);\nVACUUM t;\n' > script.sql
    run_pgmig execute --file script.sql
    assert_rc 0 || return
    assert_eq "$(psql_val "SELECT indisvalid FROM pg_index WHERE indexrelid = 't_idx'::regclass")" "t"
}

test_execute_syntax_error_touches_nothing() {
    printf 'CREATE TABLE t (id int);\nCREATE TABLE (;\n' > script.sql
    run_pgmig execute --file script.sql
    assert_rc 1 || return
    assert_err_contains "script.sql:2:14"
    assert_err_contains "syntax error"
    assert_eq "$(psql_val "SELECT to_regclass('t') IS NULL")" "t"
}

test_execute_usage_and_missing_file() {
    run_pgmig execute
    assert_rc 2
    assert_err_contains "pass exactly one of --file FILE or --stdin"
    run_pgmig execute --file nope.sql
    assert_rc 3
    assert_err_contains "could not open nope.sql"
}

test_db_execute_spelling() {
    run_pgmig db execute --stdin <<<'SELECT 1'
    assert_rc 0
    assert_out_contains "Script executed successfully."
}
