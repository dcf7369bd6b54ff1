#!/usr/bin/env bash
# test_layers.sh - the architecture, checked: every #include points to the
# file's own layer or one below it (docs/dev/ARCHITECTURE.md), libpq is
# included only in src/pg and libpg_query only in src/sql.
source "$(dirname "${BASH_SOURCE[0]}")/../lib/harness.sh"

# Layer rank of a path under src/ (higher may include lower).
layer_of() {
    case $1 in
    src/main.c) echo 9 ;;
    src/cmd/*) echo 8 ;;
    src/ops/*) echo 7 ;;
    src/recover/*) echo 6 ;;
    src/shadow/*) echo 5 ;;
    src/schema/* | src/lint/*) echo 4 ;;
    src/history/*) echo 3 ;;
    src/sql/* | src/pg/* | src/prisma/*) echo 2 ;;
    src/util/*) echo 1 ;;
    *) echo 0 ;;
    esac
}

test_includes_point_down_the_layers() {
    local f inc from to bad=''
    cd "$TEST_ROOT" || return
    for f in src/*.c src/*/*.[ch]; do
        from=$(layer_of "$f")
        [[ $from == 0 ]] && bad+="$f: not in a known layer folder"$'\n'
        while read -r inc; do
            to=$(layer_of "src/$inc")
            if [[ $to == 0 ]]; then
                bad+="$f includes \"$inc\", which is in no known layer"$'\n'
            elif ((to > from)); then
                bad+="$f includes \"$inc\" from a higher layer"$'\n'
            elif ((to == from)) && [[ ${f%/*} != "src/${inc%/*}" ]] && [[ $f != src/main.c ]]; then
                bad+="$f includes \"$inc\" from a sibling layer"$'\n'
            fi
        done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f")
    done
    assert_eq "$bad" "" "upward or sideways includes"
}

test_libpq_only_in_pg_and_libpg_query_only_in_sql() {
    cd "$TEST_ROOT" || return
    assert_eq "$(grep -l '#include <libpq' src -r | grep -v '^src/pg/' || true)" "" "libpq outside src/pg"
    assert_eq "$(grep -lE '#include <(pg_query|protobuf-c)' src -r | grep -v '^src/sql/' || true)" "" \
        "libpg_query outside src/sql"
}
