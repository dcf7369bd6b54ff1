#!/usr/bin/env bash
# test_diff_random.sh - `pgmig diff --script` round trips on random schema pairs.
# build/tests/gen_schema (tests/tools/gen_schema.c) prints for each seed a schema A
# (`gen_schema SEED 0`) and a schema B derived from it by random mutations of every
# object kind (`gen_schema SEED 1`). For each seed and each direction (a -> b, b -> a,
# empty -> b) the generated migration, deployed after the `from` schema the way
# `migrate deploy` runs migrations, must leave a database that `pgmig diff --exit-code`
# finds equal to the `to` schema; the rows the `from` schema inserts (its
# `-- rows N "Table"` lines) must still be there. Seeds PGMIG_RANDOM_FIRST (1) ..
# PGMIG_RANDOM_SEEDS (40).
#
# Reproduce a seed by hand:
#   build/tests/gen_schema 7 0 >a.sql; build/tests/gen_schema 7 1 >b.sql
#   pgmig diff --from sql:a.sql --to sql:b.sql --script
source "$(dirname "${BASH_SOURCE[0]}")/../lib/harness.sh"

M=prisma/migrations
GEN=${PGMIG_BUILD_DIR:-build}/tests/gen_schema
[[ $GEN == /* ]] || GEN=$TEST_ROOT/$GEN

# Known differ bugs (src/schema/diff*.c) a seed still fails with: BUGS[id] says what
# (with the smallest a.sql -> b.sql that shows it), BUG_ERROR[id] is the error (ERE)
# that identifies it, KNOWN_FAILING["SEED:DIRECTION"]=id. Such a test is skipped while
# it fails with that error, and fails once it passes (or fails otherwise): then take
# it off the list. The bugs found so far are fixed; each is a test in
# test_diff_regressions.sh.
declare -A BUGS=()
declare -A BUG_ERROR=()
declare -A KNOWN_FAILING=()

# random_round_trip FROM TO: the round trip of test_diff.sh, FROM -> TO. Returns 1 and
# sets PROBLEM (one line) and PROBLEM_DETAIL on failure; records no failure itself.
random_round_trip() {
    local from=$1 to=$2 n name got
    PROBLEM='' PROBLEM_DETAIL=''
    : >m.sql
    run_pgmig diff --from "sql:$from" --to "sql:$to" --script
    if [[ $RC != 0 ]]; then
        PROBLEM="pgmig diff --script failed (exit $RC)"
        PROBLEM_DETAIL=$(cat "$ERR")
        return 1
    fi
    cp "$OUT" m.sql
    rm -rf "$M"
    if [[ -s $from ]]; then
        make_migration $M 20240101000000_from - <"$from"
    fi
    make_migration $M 20240102000000_diff - <m.sql
    run_pgmig migrate deploy
    if [[ $RC != 0 ]]; then
        PROBLEM="the generated migration does not apply (deploy exit $RC)"
        PROBLEM_DETAIL=$(sed -n '/^error/,$p' "$ERR") # from the error on: no lint findings
        [[ -n $PROBLEM_DETAIL ]] || PROBLEM_DETAIL=$(cat "$ERR")
        return 1
    fi
    run_pgmig diff --from "url:$DATABASE_URL" --to "sql:$to" --exit-code
    if [[ $RC != 0 ]]; then
        PROBLEM="the migration does not reach $to (diff --exit-code: $RC)"
        PROBLEM_DETAIL="$(cat "$OUT" "$ERR")"
        run_pgmig diff --from "url:$DATABASE_URL" --to "sql:$to" --script
        PROBLEM_DETAIL+=$'\n--- the script that would still be needed:\n'"$(cat "$OUT")"
        return 1
    fi
    while read -r _ _ n name; do
        got=$("$PSQL" -X -A -t -q -d "$DATABASE_URL" -c "SELECT count(*) FROM $name" 2>&1)
        if [[ $got != "$n" ]]; then
            PROBLEM="rows of $name did not survive: expected $n, got $got"
            return 1
        fi
    done < <(grep '^-- rows ' "$from")
    return 0
}

# check_seed SEED DIRECTION: one round trip, reported with what reproduces it.
check_seed() {
    local seed=$1 dir=$2 from to key="$1:$2"
    if [[ ! -x $GEN ]]; then
        fail "no schema generator at $GEN (make build/tests/gen_schema)"
        return
    fi
    "$GEN" "$seed" 0 >a.sql && "$GEN" "$seed" 1 >b.sql || {
        fail "gen_schema $seed failed"
        return
    }
    : >empty.sql
    case $dir in
    a_to_b) from=a.sql to=b.sql ;;
    b_to_a) from=b.sql to=a.sql ;;
    *) from=empty.sql to=b.sql ;;
    esac
    if random_round_trip "$from" "$to"; then
        if [[ -n ${KNOWN_FAILING[$key]-} ]]; then
            fail "seed $seed ($dir) is listed as failing with bug ${KNOWN_FAILING[$key]} but passes now: remove it from KNOWN_FAILING"
        fi
        return
    fi
    local bug=${KNOWN_FAILING[$key]-}
    if [[ -n $bug && $PROBLEM_DETAIL =~ ${BUG_ERROR[$bug]} ]]; then
        skip "known failure, bug $bug: ${BUGS[$bug]%%;*}"
    elif [[ -n $bug ]]; then
        PROBLEM+=" (listed as failing with bug $bug, but this is another error)"
    fi
    fail "seed $seed ($dir, $from -> $to): $PROBLEM" \
        "reproduce: $GEN $seed 0 >a.sql; $GEN $seed 1 >b.sql; pgmig diff --from sql:$from --to sql:$to --script" \
        "--- error:" "$PROBLEM_DETAIL" \
        "--- the schemas (diff -u $from $to):" "$(diff -u --label "$from" --label "$to" "$from" "$to")" \
        "--- the generated migration (m.sql):" "$(cat m.sql)"
}

if [[ ! ${PGMIG_RANDOM_SEEDS:-40} =~ ^[0-9]+$ ]]; then
    test_random_seeds_is_a_number() {
        fail "PGMIG_RANDOM_SEEDS must be a number, not '$PGMIG_RANDOM_SEEDS'"
    }
else
    for ((_seed = 10#${PGMIG_RANDOM_FIRST:-1}; _seed <= 10#${PGMIG_RANDOM_SEEDS:-40}; _seed++)); do
        for _dir in a_to_b b_to_a empty_to_b; do
            eval "test_seed_$(printf '%03d' "$_seed")_$_dir() { check_seed $_seed $_dir; }"
        done
    done
    unset _seed _dir
fi
