#!/usr/bin/env bash
# test_harness.sh - tests of the integration harness itself (tests/lib/harness.sh):
# the database and server each test gets, run_pgmig, the assertions and the
# driver's verdicts (pass, fail, skip, early exit) on a fixture file.
source "$(dirname "${BASH_SOURCE[0]}")/../lib/harness.sh"

# fails_in_scratch CMD...: run CMD where failures go to a scratch record;
# succeed if CMD recorded a failure. Its messages are left in $PWD/scratch.log.
fails_in_scratch() {
    local st
    st=$(mktemp -d "$PWD/scratch.XXXXXX")
    (
        _H_ST=$st
        "$@"
    ) >"$PWD/scratch.log" 2>&1
    [[ -s $st/failures ]]
}

# fake_pgmig NAME SCRIPT: an executable stand-in for pgmig in the cwd.
fake_pgmig() {
    printf '#!/bin/sh\n%s\n' "$2" >"$1"
    chmod +x "$1"
}

test_database_is_fresh_empty_and_reachable() {
    assert_eq "$(psql_val 'SELECT current_database()')" "$TEST_DB"
    assert_match "$TEST_DB" '^ts?_harness_[0-9]+$'
    assert_match "$DATABASE_URL" "^postgresql://postgres@/$TEST_DB\\?host=.+&port=[0-9]+\$"
    assert_eq "$(psql_val "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                          WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
                            AND n.nspname NOT LIKE 'pg_toast%'")" 0 "user relations in a fresh database"
    assert_eq "$(psql_val "SELECT string_agg(nspname, ',') FROM pg_namespace
                          WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'")" public
    # The working directory is fresh, empty and ours.
    assert_eq "$(ls -A)" "" "working directory not empty"
    assert_match "$PWD" '/wd$'
    touch leftover
}

test_working_directory_is_per_test() {
    assert_file_not_exists leftover
    assert_eq "$(ls -A)" ""
}

test_server_does_not_run_as_root() {
    local uid
    uid=$(psql_val "CREATE TEMP TABLE u (x text); COPY u FROM PROGRAM 'id -u'; SELECT x FROM u")
    assert_match "$uid" '^[0-9]+$' "uid of the server process"
    [[ $uid != 0 ]] || fail "the server runs as root"
    if (($(id -u) == 0)); then
        assert_eq "$uid" "$(id -u postgres)" "server uid when tests/run runs as root"
    else
        assert_eq "$uid" "$(id -u)" "server uid when tests/run does not run as root"
    fi
}

test_tcp_urls_use_passwords() {
    local role url
    assert_match "$TEST_TCP_URL" "^postgresql://postgres:[^@]+@127\\.0\\.0\\.1:[0-9]+/$TEST_DB\$"
    assert_eq "$(psql_val 'SELECT inet_server_addr()' "$TEST_TCP_URL")" 127.0.0.1
    role=$(new_role app 's3cret p@ss/word')
    assert_eq "$role" "${TEST_DB}_app"
    url=$(tcp_url "$TEST_DB" "$role" 's3cret p@ss/word')
    assert_eq "$(psql_val 'SELECT current_user' "$url")" "$role"
    # A wrong password is refused: host lines really use scram-sha-256.
    if "$PSQL" -X -At -d "$(tcp_url "$TEST_DB" "$role" wrong)" -c 'SELECT 1' >out 2>err; then
        fail "a wrong password was accepted over TCP"
    fi
    assert_match "$(<err)" 'password authentication failed'
    if "$PSQL" -X -At -w -d "$(tcp_url "$TEST_DB" "$role")" -c 'SELECT 1' >out 2>err; then
        fail "no password was accepted over TCP"
    fi
}

test_new_db_creates_a_separate_database() {
    local url
    url=$(new_db Shadow)
    assert_match "$url" "^postgresql://postgres@/${TEST_DB}_shadow\\?host="
    assert_eq "$(psql_val 'SELECT current_database()' "$url")" "${TEST_DB}_shadow"
    psql_exec 'CREATE TABLE only_here (id int)' "$url"
    assert_eq "$(psql_val "SELECT to_regclass('only_here') IS NULL")" t "table leaked into the test database"
    printf '%s\n' "$TEST_DB" >"$TEST_FILE_TMP/shadow_test_db"
}

test_databases_of_earlier_tests_are_dropped() {
    # The drop runs in the background while the next test runs: poll.
    local n
    for _ in $(seq 50); do
        n=$(psql_val "SELECT count(*) FROM pg_database WHERE datname IN ('$(<"$TEST_FILE_TMP/shadow_test_db")',
                                                                     '$(<"$TEST_FILE_TMP/shadow_test_db")_shadow')")
        [[ $n == 0 ]] && break
        sleep 0.1
    done
    assert_eq "$n" 0 "databases of test_new_db_creates_a_separate_database still exist"
}

test_environment_is_hermetic() {
    local leaked
    leaked=$(compgen -e -X '!PG*' | grep -v '^PGMIG' | tr '\n' ' ')
    assert_eq "$leaked" "" "PG* variables leak into tests"
    [[ -x $PGMIG ]] || fail "PGMIG is not an executable: '$PGMIG'"
    assert_match "$PGMIG_TEST_PASS" '^(plain|san)$'
    assert_file_exists "$TEST_ROOT/tests/lib/harness.sh"
}

test_run_pgmig_captures_streams_code_and_stdin() {
    fake_pgmig fake 'echo "args:$*"; echo "url:$DATABASE_URL"; cat; echo oops >&2; exit 3'
    PGMIG=$PWD/fake run_pgmig a 'b c' <<<"from stdin"
    assert_rc 3
    assert_out_contains "args:a b c"
    assert_out_contains "url:$DATABASE_URL"
    assert_out_contains "from stdin"
    assert_err_eq oops
    assert_out_not_contains oops
    assert_err_not_contains args
    # $OUT and $ERR are files outside the working directory.
    assert_eq "$(ls -A)" fake
    assert_eq "$(head -n 1 "$OUT")" "args:a b c"
}

test_assertions_detect_wrong_results() {
    PGMIG=false run_pgmig
    assert_rc 1
    fails_in_scratch assert_rc 0 || fail "assert_rc 0 accepted exit code 1"
    assert_match "$(<scratch.log)" 'exit code: expected 0, got 1'
    assert_match "$(<scratch.log)" 'last run: pgmig'
    fake_pgmig fake 'echo "hello world"; echo "warn" >&2; exit 0'
    PGMIG=$PWD/fake run_pgmig
    assert_rc 0
    fails_in_scratch assert_rc 2 || fail "assert_rc 2 accepted 0"
    fails_in_scratch assert_out_contains goodbye || fail "assert_out_contains: missing text accepted"
    fails_in_scratch assert_out_not_contains hello || fail "assert_out_not_contains: present text accepted"
    fails_in_scratch assert_err_contains hello || fail "assert_err_contains looked at stdout"
    fails_in_scratch assert_err_not_contains warn || fail "assert_err_not_contains: present text accepted"
    fails_in_scratch assert_out_eq "hello" || fail "assert_out_eq: different text accepted"
    fails_in_scratch assert_eq a b || fail "assert_eq a b passed"
    fails_in_scratch assert_match abc '^b' || fail "assert_match abc ^b passed"
    fails_in_scratch assert_file_exists nowhere || fail "assert_file_exists nowhere passed"
    fails_in_scratch fail "explicit" || fail "fail did not record"
    fails_in_scratch psql_exec 'SELECT * FROM no_such_table' || fail "psql_exec error not recorded"
    assert_match "$(<scratch.log)" 'no_such_table'
    # The passing forms record nothing.
    ! fails_in_scratch assert_out_contains "hello w" || fail "assert_out_contains: present text rejected"
    ! fails_in_scratch assert_out_eq "hello world" || fail "assert_out_eq: equal text rejected"
    ! fails_in_scratch assert_match abc '^a.c$' || fail "assert_match rejected a match"
}

test_assert_json() {
    command -v jq >/dev/null || skip "jq is not installed"
    fake_pgmig fake 'echo "{\"version\":1,\"items\":[{\"name\":\"a b\"}],\"ok\":true}"'
    PGMIG=$PWD/fake run_pgmig
    assert_json .version 1
    assert_json '.items[0].name' 'a b'
    assert_json .items '[{"name":"a b"}]'
    assert_json .ok true
    fails_in_scratch assert_json .version 2 || fail "assert_json accepted a wrong value"
    fake_pgmig fake 'echo "not json"'
    PGMIG=$PWD/fake run_pgmig
    fails_in_scratch assert_json .version 1 || fail "assert_json accepted non-JSON output"
}

test_run_pgmig_flags_sanitizer_reports() {
    local pat
    for pat in '==1==ERROR: AddressSanitizer: heap-use-after-free' \
        'src/x.c:3:5: runtime error: signed integer overflow' \
        '==1==ERROR: LeakSanitizer: detected memory leaks'; do
        fake_pgmig fake "echo '$pat' >&2; exit 0"
        fails_in_scratch run_pgmig_with "$PWD/fake" || fail "not flagged: $pat"
    done
    fake_pgmig fake 'echo "ERROR: relation does not exist" >&2; exit 1'
    ! fails_in_scratch run_pgmig_with "$PWD/fake" || fail "an ordinary error was flagged"
}

run_pgmig_with() {
    PGMIG=$1 run_pgmig
}

test_run_pgmig_times_out() {
    local t0=$SECONDS
    fake_pgmig fake 'sleep 30'
    PGMIG_TIMEOUT=1 fails_in_scratch run_pgmig_with "$PWD/fake" || fail "a hang was not flagged"
    assert_match "$(<scratch.log)" 'did not finish within 1s'
    ((SECONDS - t0 < 10)) || fail "the timeout did not stop the run ($((SECONDS - t0))s)"
}

test_make_migration() {
    make_migration prisma/migrations 20240101000000_init 'CREATE TABLE a (id int);'
    assert_file_exists prisma/migrations/migration_lock.toml
    assert_eq "$(<prisma/migrations/20240101000000_init/migration.sql)" 'CREATE TABLE a (id int);'
    assert_match "$(<prisma/migrations/migration_lock.toml)" 'provider = "postgresql"'
    echo 'provider = "mysql"' >prisma/migrations/migration_lock.toml
    printf 'SELECT 1;' | make_migration prisma/migrations 20240102000000_two -
    assert_eq "$(cat prisma/migrations/migration_lock.toml)" 'provider = "mysql"' "lock file overwritten"
    assert_eq "$(od -An -c prisma/migrations/20240102000000_two/migration.sql | tr -s ' ')" \
        " S E L E C T 1 ;" "stdin not copied byte for byte"
}

# The driver, run on a fixture file against the same server: verdicts,
# definition order, the test filter and a file that does not parse.
test_driver_verdicts() {
    cat >test_fixture.sh <<'EOF'
source "$TEST_ROOT/tests/lib/harness.sh"
test_zz_passes() { assert_eq 1 1; }
test_aa_fails_then_goes_on() { assert_eq 1 2 "one is not two"; echo "still running"; }
test_skips() { skip "not today"; fail "after skip"; }
test_exits_early() { exit 0; }
test_stops_on_error() { set -e; false; echo unreachable; }
test_psql_fails() { psql_val 'SELECT nope'; }
not_a_test() { fail "helpers are not tests"; }
EOF
    local rc
    _H_RESULTS=$PWD/results _H_WORK=$PWD/work _H_DBPREFIX=${TEST_DB}x \
        bash "$TEST_ROOT/tests/lib/harness.sh" test_fixture.sh >driver.out 2>&1
    rc=$?
    assert_eq "$rc" 1 "driver exit status with failures"
    assert_eq "$(cut -f 1,2 results | tr '\t\n' ' ;')" \
        "PASS test_zz_passes;FAIL test_aa_fails_then_goes_on;SKIP test_skips;FAIL test_exits_early;FAIL test_stops_on_error;FAIL test_psql_fails;" \
        "verdicts in definition order"
    assert_match "$(<driver.out)" 'one is not two'
    assert_match "$(<driver.out)" 'still running'
    assert_match "$(<driver.out)" 'skip  test_skips: not today'
    assert_match "$(<driver.out)" 'did not run to its end'
    [[ $(<driver.out) != *unreachable* ]] || fail "set -e did not stop the fixture test"
    [[ $(<driver.out) != *"helpers are not tests"* ]] || fail "a helper ran as a test"

    _H_RESULTS=$PWD/results2 _H_WORK=$PWD/work2 _H_DBPREFIX=${TEST_DB}y _H_ONLY=test_zz_passes \
        bash "$TEST_ROOT/tests/lib/harness.sh" test_fixture.sh >driver2.out 2>&1
    assert_eq "$?" 0 "driver exit status, filtered to the passing test"
    assert_eq "$(cut -f 1,2 results2 | tr '\t\n' ' ;')" "PASS test_zz_passes;"

    printf 'test_x() {\n' >test_broken.sh
    _H_RESULTS=$PWD/results3 _H_WORK=$PWD/work3 _H_DBPREFIX=${TEST_DB}z \
        bash "$TEST_ROOT/tests/lib/harness.sh" test_broken.sh >driver3.out 2>&1
    assert_eq "$?" 1 "driver exit status on a file that does not parse"
    assert_eq "$(cut -f 1,2 results3)" "$(printf 'FAIL\t(load)')"
}
