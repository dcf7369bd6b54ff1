# tests/lib/diff_round_trip.sh - the `pgmig diff --script` round trip shared by
# test_diff.sh and test_diff_regressions.sh (sourced after harness.sh): for a
# pair a.sql -> b.sql in the test's folder, the generated migration (m.sql),
# deployed after a.sql the way `migrate deploy` runs migrations, must leave a
# database that `pgmig diff --exit-code` finds equal to b.sql.

M=prisma/migrations

# round_trip: diff a.sql -> b.sql into m.sql, deploy a.sql then m.sql into
# $DATABASE_URL, compare with b.sql.
round_trip() {
    run_pgmig diff --from sql:a.sql --to sql:b.sql --script
    assert_rc 0 || return 1
    cp "$OUT" m.sql
    make_migration $M 20240101000000_a - <a.sql
    make_migration $M 20240102000000_diff - <m.sql
    run_pgmig migrate deploy
    if [[ $RC != 0 ]]; then
        fail "the generated migration does not apply" "$(cat m.sql)" \
            "--- error:" "$(sed -n '/^error/,$p' "$ERR")"
        return 1
    fi
    run_pgmig diff --from "url:$DATABASE_URL" --to sql:b.sql --exit-code
    if [[ $RC != 0 ]]; then
        local left rc=$RC errors
        left=$(cat "$OUT")
        errors=$(cat "$ERR")
        run_pgmig diff --from "url:$DATABASE_URL" --to sql:b.sql --script
        fail "the migration does not reach b.sql (diff --exit-code: $rc)" "$(cat m.sql)" \
            "--- still different:" "$left" "$(cat "$OUT")" "--- stderr:" "$errors"
        return 1
    fi
}

# reverse_pair: swap a.sql and b.sql, and point DATABASE_URL at a fresh database
# (with no migrations folder), for the round trip the other way.
reverse_pair() {
    DATABASE_URL=$(new_db reverse) || return 1
    rm -rf "$M"
    mv a.sql swap.sql && mv b.sql a.sql && mv swap.sql b.sql
}

# both_ways: round trips a -> b, then b -> a.
both_ways() {
    round_trip && reverse_pair && round_trip
}

# m_contains TEXT / m_lacks TEXT: the generated migration contains TEXT, or not.
m_contains() {
    grep -qF -- "$1" m.sql || fail "m.sql lacks: $1" "$(cat m.sql)"
}

m_lacks() {
    grep -qF -- "$1" m.sql && fail "m.sql should not contain: $1" "$(cat m.sql)"
    return 0
}
