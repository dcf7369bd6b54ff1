# tests/lib/harness.sh - the integration-test harness. Every
# tests/integration/test_*.sh sources it; tests/run executes it with a test
# file as argument, which runs each test_* function of that file in its own
# subshell, against its own fresh database, in its own empty directory.
# API and conventions: tests/README.md.
# shellcheck shell=bash

# The test file sources this file again when the driver loads it.
if [[ -n ${_H_LOADED:-} ]]; then
    return 0
fi
_H_LOADED=1
_H_SELF=${BASH_SOURCE[0]}
_H_ROOT=$(cd "$(dirname "$_H_SELF")/../.." && pwd)

# A test file executed directly (bash tests/integration/test_x.sh) has no
# server: hand it to tests/run, which starts one and runs just that file.
if [[ ${BASH_SOURCE[0]} != "$0" && -z ${_H_DRIVER:-} && $(basename -- "$0") == test_*.sh ]]; then
    exec bash "$_H_ROOT/tests/run" --integration-only "$(basename "$0")"
fi

_H_SAN_PATTERNS=(-e 'ERROR: AddressSanitizer' -e 'runtime error:' -e 'LeakSanitizer')

# ---------------------------------------------------------------- failures

# _h_where: file:line of the innermost caller outside this file.
_h_where() {
    local i
    for ((i = 1; i < ${#BASH_SOURCE[@]}; i++)); do
        if [[ ${BASH_SOURCE[i]} != "$_H_SELF" ]]; then
            printf '%s:%s' "${BASH_SOURCE[i]##*/}" "${BASH_LINENO[i - 1]}"
            return
        fi
    done
    printf '?'
}

# _h_tail FILE: FILE indented; its first 25 and last 15 lines when long.
_h_tail() {
    local n
    if [[ ! -s $1 ]]; then
        printf '      (empty)\n'
        return
    fi
    n=$(wc -l <"$1")
    if ((n > 40)); then
        head -n 25 "$1" | sed 's/^/      /'
        printf '      ... (%d lines in all, %d left out)\n' "$n" $((n - 40))
        tail -n 15 "$1" | sed 's/^/      /'
    else
        sed 's/^/      /' "$1"
    fi
    if [[ -s $1 && -n $(tail -c 1 "$1") ]]; then
        printf '\n      (no newline at end)\n'
    fi
}

# fail MESSAGE [DETAIL...]: record a failure of the current test (it goes on
# running), print MESSAGE, the details and the last run's output.
fail() {
    local where
    where=$(_h_where)
    printf '%s: %s\n' "$where" "$1" >>"$_H_ST/failures"
    {
        printf 'FAILED at %s: %s\n' "$where" "$1"
        shift
        if (($#)); then
            printf '    %s\n' "$@"
        fi
        if [[ -n ${_H_LASTCMD:-} ]]; then
            printf '    last run: %s  (exit %s)\n' "$_H_LASTCMD" "$RC"
            if [[ ${_H_SHOWN:-} == "${_H_RUNNO:-}" ]]; then
                printf '    (its output is shown above)\n'
            else
                printf '    --- stdout ---\n'
                _h_tail "$OUT"
                printf '    --- stderr ---\n'
                _h_tail "$ERR"
                _H_SHOWN=${_H_RUNNO:-}
            fi
        fi
    } >&2
    return 1
}

# skip REASON: end the current test here and count it as skipped.
skip() {
    printf '%s\n' "${1:-no reason given}" >"$_H_ST/skipped"
    exit 0
}

# ---------------------------------------------------------------- running

# _h_urlencode STR: percent-encode everything but unreserved characters.
_h_urlencode() {
    local LC_ALL=C s=$1 out='' c i
    for ((i = 0; i < ${#s}; i++)); do
        c=${s:i:1}
        case $c in
        [A-Za-z0-9._~-]) out+=$c ;;
        *) out+=$(printf '%%%02X' "'$c") ;;
        esac
    done
    printf '%s' "$out"
}

# socket_url [DB [USER]]: a postgresql:// URL over the unix socket.
socket_url() {
    printf 'postgresql://%s@/%s?host=%s&port=%s\n' "$(_h_urlencode "${2:-postgres}")" \
        "$(_h_urlencode "${1:-$TEST_DB}")" "$(_h_urlencode "$PGMIG_TEST_SOCKDIR")" "$PGMIG_TEST_PORT"
}

# tcp_url [DB [USER [PASSWORD]]]: a URL over TCP to 127.0.0.1 (password
# authentication, scram-sha-256). Defaults: the test database, the superuser
# and its password; a USER without PASSWORD gets no password in the URL.
tcp_url() {
    local user=${2:-postgres} pw=${3-}
    if [[ $# -lt 2 ]]; then
        pw=$PGMIG_TEST_PASSWORD
    fi
    local cred
    cred=$(_h_urlencode "$user")
    if [[ -n $pw ]]; then
        cred+=:$(_h_urlencode "$pw")
    fi
    printf 'postgresql://%s@127.0.0.1:%s/%s\n' "$cred" "$PGMIG_TEST_PORT" "$(_h_urlencode "${1:-$TEST_DB}")"
}

# run_pgmig ARGS...: run "$PGMIG" ARGS with a time limit (PGMIG_TIMEOUT,
# default 60 s). Sets $RC; stdout goes to the file $OUT, stderr to $ERR.
# Stdin is passed through. A timeout or a sanitizer report fails the test.
run_pgmig() {
    _H_LASTCMD=$(printf '%q ' pgmig "$@")
    _H_LASTCMD=${_H_LASTCMD% }
    _H_RUNNO=$((${_H_RUNNO:-0} + 1))
    # (The braces keep bash's "Aborted" notice out of the test's output.)
    { timeout --foreground -k 5 "${PGMIG_TIMEOUT:-60}" "$PGMIG" "$@" >"$OUT" 2>"$ERR"; } 2>/dev/null
    RC=$?
    if ((RC == 124 || RC == 137)); then
        fail "pgmig did not finish within ${PGMIG_TIMEOUT:-60}s (exit $RC)"
    fi
    assert_no_sanitizer_report "$ERR"
    return 0
}

# assert_no_sanitizer_report FILE: fail if FILE holds an ASan/UBSan/LSan
# report (for stderr of pgmig processes a test starts itself).
assert_no_sanitizer_report() {
    if grep -q -F "${_H_SAN_PATTERNS[@]}" "$1" 2>/dev/null; then
        fail "sanitizer report in $1" "$(grep -m 3 -F "${_H_SAN_PATTERNS[@]}" "$1")"
    fi
}

# _h_psql URL ARGS...: the real psql, quiet and unaligned, stopping on error.
_h_psql() {
    local url=$1
    shift
    timeout --foreground -k 5 "${PGMIG_TIMEOUT:-60}" "$PSQL" -X -A -t -q -v ON_ERROR_STOP=1 -d "$url" "$@"
}

# psql_val SQL [URL]: print the result of SQL (rows on lines, columns joined
# by |) run in the test database (or URL; not $DATABASE_URL, which a test
# may change). An error fails the test.
psql_val() {
    local e=$_H_ST/psql.err rc
    _h_psql "${2:-$_H_DB_URL}" -c "$1" 2>"$e"
    rc=$?
    if ((rc != 0)); then
        fail "psql_val failed (exit $rc)" "SQL: $1" "$(cat "$e")"
    fi
    return $rc
}

# psql_exec [SQL|-] [URL]: run SQL (or, without SQL or with -, the script on
# stdin, statement by statement) in the test database (or URL). Query output
# goes to stdout. An error fails the test.
psql_exec() {
    local e=$_H_ST/psql.err rc sql=${1--}
    if [[ $sql == - ]]; then
        _h_psql "${2:-$_H_DB_URL}" -f - 2>"$e"
    else
        _h_psql "${2:-$_H_DB_URL}" -c "$sql" 2>"$e"
    fi
    rc=$?
    if ((rc != 0)); then
        fail "psql_exec failed (exit $rc)" "SQL: $sql" "$(cat "$e")"
    fi
    return $rc
}

# _h_name SUFFIX: "<test db>_<suffix>" reduced to a safe identifier.
_h_name() {
    local s
    s=$(printf '%s' "$1" | tr '[:upper:]' '[:lower:]' | tr -c 'a-z0-9_' '_')
    printf '%s' "${TEST_DB}_${s:0:63}" | cut -c 1-63
}

# new_db NAME: create the database <test db>_NAME (dropped after the test)
# and print its unix-socket URL.
new_db() {
    local name
    name=$(_h_name "$1")
    printf '%s\n' "$name" >>"$_H_ST/dbs"
    psql_exec "CREATE DATABASE \"$name\" TEMPLATE template0" "$_H_ADMIN_URL" || return 1
    socket_url "$name"
}

# new_role NAME [PASSWORD [ATTRIBUTES]]: create the login role <test db>_NAME
# (roles are cluster-wide; the prefix keeps parallel tests apart), dropped
# after the test, and print its name.
new_role() {
    local name attrs="LOGIN ${3-}"
    name=$(_h_name "$1")
    printf '%s\n' "$name" >>"$_H_ST/roles"
    if [[ -n ${2-} ]]; then
        attrs+=" PASSWORD '${2//\'/\'\'}'"
    fi
    psql_exec "CREATE ROLE \"$name\" $attrs" "$_H_ADMIN_URL" || return 1
    printf '%s\n' "$name"
}

# make_migration DIR NAME SQL|-: write DIR/NAME/migration.sql (SQL plus a
# newline, or stdin byte for byte with -) and DIR/migration_lock.toml if
# missing.
make_migration() {
    local dir=$1 name=$2
    mkdir -p "$dir/$name" || return 1
    if [[ $3 == - ]]; then
        cat >"$dir/$name/migration.sql"
    else
        printf '%s\n' "$3" >"$dir/$name/migration.sql"
    fi
    if [[ ! -e $dir/migration_lock.toml ]]; then
        printf '%s\n' '# Please do not edit this file manually' \
            '# It should be added in your version-control system (e.g., Git)' \
            'provider = "postgresql"' >"$dir/migration_lock.toml"
    fi
}

# ---------------------------------------------------------------- assertions
# Each returns 0 when it holds, else records a failure and returns 1 (the
# test goes on; write `assert_rc 0 || return` to stop it there).

# _h_need_run NAME: fail unless run_pgmig has been called.
_h_need_run() {
    if [[ -z ${_H_LASTCMD:-} ]]; then
        fail "$1 used before any run_pgmig"
        return 1
    fi
}

assert_rc() {
    _h_need_run assert_rc || return 1
    [[ $RC == "$1" ]] || fail "exit code: expected $1, got $RC"
}

# _h_contains WHAT FILE STR NEGATE
_h_contains() {
    local text
    text=$(<"$2")
    if [[ $text == *"$3"* ]]; then
        [[ $4 == 0 ]] || fail "$1 should not contain: $3"
    else
        [[ $4 == 1 ]] || fail "$1 should contain: $3"
    fi
}

assert_out_contains() { _h_need_run assert_out_contains && _h_contains stdout "$OUT" "$1" 0; }
assert_err_contains() { _h_need_run assert_err_contains && _h_contains stderr "$ERR" "$1" 0; }
assert_out_not_contains() { _h_need_run assert_out_not_contains && _h_contains stdout "$OUT" "$1" 1; }
assert_err_not_contains() { _h_need_run assert_err_not_contains && _h_contains stderr "$ERR" "$1" 1; }

# assert_out_eq TEXT / assert_err_eq TEXT: the whole stream equals TEXT
# (trailing newlines ignored); shows a diff.
_h_stream_eq() {
    local text
    text=$(<"$2")
    if [[ $text != "$3" ]]; then
        fail "$1 differs from expected (diff expected actual)" \
            "$(diff <(printf '%s\n' "$3") <(printf '%s\n' "$text") | head -n 40)"
    fi
}
assert_out_eq() { _h_need_run assert_out_eq && _h_stream_eq stdout "$OUT" "$1"; }
assert_err_eq() { _h_need_run assert_err_eq && _h_stream_eq stderr "$ERR" "$1"; }

# assert_eq ACTUAL EXPECTED [MESSAGE]
assert_eq() {
    [[ $1 == "$2" ]] || fail "${3:-values differ}" "expected: '$2'" "actual:   '$1'"
}

# assert_match ACTUAL ERE [MESSAGE]
assert_match() {
    [[ $1 =~ $2 ]] || fail "${3:-no match}" "regex:  $2" "actual: '$1'"
}

# assert_json EXPR EXPECTED: jq -c -r EXPR on the last run's stdout prints
# EXPECTED (strings raw, other values as compact JSON).
assert_json() {
    _h_need_run assert_json || return 1
    if ! command -v jq >/dev/null; then
        fail "assert_json needs jq, which is not installed"
        return 1
    fi
    local actual
    if ! actual=$(jq -c -r "$1" <"$OUT" 2>&1); then
        fail "jq '$1' failed on stdout" "$actual"
        return 1
    fi
    [[ $actual == "$2" ]] || fail "JSON $1" "expected: $2" "actual:   $actual"
}

assert_file_exists() {
    [[ -e $1 ]] || fail "file should exist: $1"
}

assert_file_not_exists() {
    [[ ! -e $1 ]] || fail "file should not exist: $1"
}

# ---------------------------------------------------------------- driver

# _h_admin ARGS...: psql on the postgres database, for the driver itself.
_h_admin() {
    timeout -k 5 120 "$PSQL" -X -A -t -q -v ON_ERROR_STOP=1 -d "$_H_ADMIN_URL" "$@"
}

# _h_result KIND NAME [DETAIL]: one line for tests/run.
_h_result() {
    printf '%s\t%s\t%s\n' "$1" "$2" "${3-}" >>"$_H_RESULTS"
}

# _h_body NAME DIR: the test subshell.
_h_body() {
    cd "$2/wd" || exit 1
    _H_ST=$2
    OUT=$2/stdout
    ERR=$2/stderr
    RC=
    _H_LASTCMD=
    : >"$OUT"
    : >"$ERR"
    export DATABASE_URL TEST_TCP_URL
    DATABASE_URL=$(socket_url)
    _H_DB_URL=$DATABASE_URL
    TEST_TCP_URL=$(tcp_url "$TEST_DB")
    "$1"
    : >"$2/completed"
}

# _h_prepare INDEX: the state directory and database of test INDEX; writes
# "ok" or "fail" to its created file. The driver runs it for the next test
# while the current one runs.
_h_prepare() {
    local st=$_H_WORK/$1 db=${_H_DBPREFIX}_${_H_FILEID}_$1
    mkdir -p "$st/wd"
    printf '%s\n' "$db" >"$st/dbs"
    : >"$st/roles"
    if _h_admin -c "CREATE DATABASE \"$db\" TEMPLATE template0" >"$st/log" 2>&1; then
        echo ok >"$st/created"
    else
        echo fail >"$st/created"
    fi
}

# _h_run_test NAME INDEX: run one test (prepared); print its verdict line.
_h_run_test() {
    local name=$1 st=$_H_WORK/$2 t0 pid wd rc=0 verdict why=
    TEST_DB=${_H_DBPREFIX}_${_H_FILEID}_$2
    export TEST_DB
    t0=${EPOCHREALTIME//[.,]/}
    if [[ $(cat "$st/created" 2>/dev/null) != ok ]]; then
        why="could not create database $TEST_DB"
    else
        set -m
        _h_body "$name" "$st" </dev/null >"$st/log" 2>&1 &
        pid=$!
        ( exec sleep "${PGMIG_TEST_TIMEOUT:-600}" ) &
        wd=$!
        set +m
        _H_CUR=("$pid" "$wd")
        while :; do
            wait -n
            if ! kill -0 "$pid" 2>/dev/null; then
                wait "$pid"
                rc=$?
                # Processes the test left behind (in its process group).
                kill -TERM -- "-$pid" 2>/dev/null
                kill -- "-$wd" 2>/dev/null
                break
            fi
            if ! kill -0 "$wd" 2>/dev/null; then
                kill -TERM -- "-$pid" 2>/dev/null
                sleep 1
                kill -KILL -- "-$pid" 2>/dev/null
                wait "$pid"
                rc=$?
                why="timed out after ${PGMIG_TEST_TIMEOUT:-600}s"
                break
            fi
        done
        wait "$wd" 2>/dev/null
        _H_CUR=()
    fi
    # Drop this test's databases and roles in the background, overlapping
    # with the next test.
    {
        local args=() x
        while read -r x; do
            [[ -n $x ]] && args+=(-c "DROP DATABASE IF EXISTS \"$x\" WITH (FORCE)")
        done <"$st/dbs"
        while read -r x; do
            [[ -n $x ]] && args+=(-c "DROP ROLE IF EXISTS \"$x\"")
        done <"$st/roles"
        _h_admin "${args[@]}" >"$st/drop.log" 2>&1 ||
            { echo "warning: cleanup after $name failed:"; cat "$st/drop.log"; } >>"$_H_WORK/warnings"
    } &
    local ms=$(((${EPOCHREALTIME//[.,]/} - t0) / 1000))
    local secs
    secs=$(printf '%d.%02ds' $((ms / 1000)) $((ms % 1000 / 10)))
    if [[ -z $why && -s $st/failures ]]; then
        why="$(wc -l <"$st/failures") failed assertion(s)"
    fi
    if [[ -z $why && -e $st/skipped ]]; then
        verdict=SKIP
    elif [[ -z $why && ! -e $st/completed ]]; then
        why="did not run to its end (exit status $rc)"
    fi
    if [[ -n $why ]]; then
        verdict=FAIL
    elif [[ -z ${verdict:-} ]]; then
        verdict=PASS
    fi
    case $verdict in
    PASS)
        printf '  ok    %s (%s)\n' "$name" "$secs"
        _h_result PASS "$name"
        ;;
    SKIP)
        printf '  skip  %s: %s\n' "$name" "$(<"$st/skipped")"
        _h_result SKIP "$name" "$(<"$st/skipped")"
        ;;
    FAIL)
        printf '  FAIL  %s (%s): %s\n' "$name" "$secs" "$why"
        _h_result FAIL "$name" "$why"
        ;;
    esac
    if [[ $verdict == FAIL || -n ${_H_VERBOSE:-} ]] && [[ -s $st/log ]]; then
        sed 's/^/      | /' "$st/log"
    fi
}

# Driver: bash tests/lib/harness.sh FILE (environment from tests/run).
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
    _H_DRIVER=1
    _H_FILE=$1
    _H_BASE=$(basename "$_H_FILE")
    PSQL=$PGMIG_PG_BINDIR/psql
    _H_ADMIN_URL=$(TEST_DB=postgres socket_url)
    _H_FILEID=${_H_BASE%.sh}
    _H_FILEID=${_H_FILEID#test_}
    _H_FILEID=$(printf '%s' "$_H_FILEID" | tr '[:upper:]' '[:lower:]' | tr -c 'a-z0-9_' '_' | cut -c 1-40)
    _H_CUR=()
    export -n _H_RESULTS _H_WORK _H_DBPREFIX _H_ONLY _H_VERBOSE
    trap 'kill -TERM -- "${_H_CUR[@]/#/-}" 2>/dev/null; exit 143' TERM
    export PGMIG PSQL TEST_ROOT=$_H_ROOT
    # The tests see no PG* variable from the caller's environment.
    while read -r _h_v; do
        [[ $_h_v == PGMIG* ]] || unset "$_h_v"
    done < <(compgen -e -X '!PG*')
    TEST_FILE_TMP=$_H_WORK/shared
    mkdir -p "$TEST_FILE_TMP"
    export TEST_FILE_TMP
    : >>"$_H_RESULTS"
    if ! _h_err=$(bash -n "$_H_FILE" 2>&1); then
        printf '  FAIL  %s does not parse:\n%s\n' "$_H_BASE" "$_h_err"
        _h_result FAIL "(load)" "syntax error"
        exit 1
    fi
    # shellcheck disable=SC1090
    source "$_H_FILE"
    shopt -s extdebug
    _h_tests=()
    while read -r _h_name _h_line _h_src; do
        [[ $_h_src -ef $_H_FILE ]] && _h_tests+=("$_h_line $_h_name")
    done < <(compgen -A function test_ | while read -r _h_f; do declare -F "$_h_f"; done)
    shopt -u extdebug
    mapfile -t _h_tests < <(printf '%s\n' "${_h_tests[@]}" | sort -n | cut -d' ' -f2)
    # The selected tests and their numbers (their place in the file).
    _h_sel_names=()
    _h_sel_nums=()
    _h_n=0
    for _h_t in "${_h_tests[@]}"; do
        [[ -n $_h_t ]] || continue
        _h_n=$((_h_n + 1))
        if [[ -n ${_H_ONLY:-} ]]; then
            _h_sel=
            while read -r _h_pat; do
                # shellcheck disable=SC2053
                [[ -n $_h_pat && $_h_t == $_h_pat ]] && _h_sel=1
            done <<<"$_H_ONLY"
            [[ -n $_h_sel ]] || continue
        fi
        _h_sel_names+=("$_h_t")
        _h_sel_nums+=("$_h_n")
    done
    _h_ran=${#_h_sel_names[@]}
    _h_prep=
    for _h_i in "${!_h_sel_names[@]}"; do
        if [[ -n $_h_prep ]]; then
            wait "$_h_prep"
        else
            _h_prepare "${_h_sel_nums[_h_i]}"
        fi
        _h_prep=
        if ((_h_i + 1 < _h_ran)); then
            _h_prepare "${_h_sel_nums[_h_i + 1]}" &
            _h_prep=$!
        fi
        _h_run_test "${_h_sel_names[_h_i]}" "${_h_sel_nums[_h_i]}"
    done
    wait
    if [[ -s $_H_WORK/warnings ]]; then
        cat "$_H_WORK/warnings"
    fi
    if ((_h_ran == 0)); then
        if [[ -n ${_H_ONLY:-} ]]; then
            printf '  FAIL  no test in %s matches %s\n' "$_H_BASE" "${_H_ONLY//$'\n'/ }"
            _h_result FAIL "(filter)" "no test matches ${_H_ONLY//$'\n'/ }"
        else
            printf '  FAIL  %s defines no test_* function\n' "$_H_BASE"
            _h_result FAIL "(load)" "no test_* function"
        fi
    fi
    ! grep -q '^FAIL' "$_H_RESULTS"
    exit $?
fi
