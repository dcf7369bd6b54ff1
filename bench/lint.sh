#!/usr/bin/env bash
# bench/lint.sh - `pgmig lint` over the real migration histories in
# ../shared/corpus/*: findings per rule (the whole corpus must lint without a
# crash), the time per 1,000 statements, peak memory, and the same files
# through squawk (the reference linter, npm package squawk-cli) when it can be
# had. Usage: bench/lint.sh [--runs N] [PGMIG]   (default build/pgmig, 9 runs)
#
# squawk is looked for as $SQUAWK, then build/squawk/node_modules/.bin/squawk,
# then `squawk` on PATH; failing those it is installed with npm into
# build/squawk (a scratch directory, never committed). Timings are medians of
# wall-clock times, each a whole process run over all files of one corpus.
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUNS=9
PGMIG=
while (($#)); do
    case $1 in
    --runs)
        RUNS=$2
        shift
        ;;
    -h | --help)
        sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
        exit 0
        ;;
    *) PGMIG=$1 ;;
    esac
    shift
done
PGMIG=${PGMIG:-$ROOT/build/pgmig}
CORPUS=${PGMIG_CORPUS:-$ROOT/../shared/corpus}

die() {
    echo "bench/lint.sh: $*" >&2
    exit 2
}
[[ -x $PGMIG ]] || die "$PGMIG not found (run make)"
command -v jq >/dev/null || die "jq is needed"
[[ -d $CORPUS ]] || die "no corpus at $CORPUS"
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "--runs needs a positive number"

corpora=()
for d in "$CORPUS"/*/migrations; do
    [[ -d $d ]] && corpora+=("$d")
done
((${#corpora[@]})) || die "no $CORPUS/*/migrations"

# median of the numbers on stdin
median() { sort -n | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }

# time_ms CMD...: median wall time in milliseconds over RUNS runs (output discarded)
time_ms() {
    local i t0 t1
    for ((i = 0; i < RUNS; i++)); do
        t0=$EPOCHREALTIME
        "$@" >/dev/null 2>&1
        t1=$EPOCHREALTIME
        awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f\n", (b - a) * 1000}'
    done | median
}

# peak_kb CMD...: maximum resident set size in KiB (GNU time), or "?"
peak_kb() {
    if [[ -x /usr/bin/time ]]; then
        /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -n1
    else
        echo "?"
    fi
}

find_squawk() {
    if [[ -n ${SQUAWK:-} ]]; then
        command -v "$SQUAWK" && return
    fi
    if [[ -x $ROOT/build/squawk/node_modules/.bin/squawk ]]; then
        echo "$ROOT/build/squawk/node_modules/.bin/squawk"
        return
    fi
    command -v squawk && return
    command -v npm >/dev/null || return 1
    echo "bench/lint.sh: installing squawk-cli with npm into build/squawk" >&2
    mkdir -p "$ROOT/build/squawk" || return 1
    [[ -f $ROOT/build/squawk/package.json ]] || echo '{"private": true}' >"$ROOT/build/squawk/package.json"
    (cd "$ROOT/build/squawk" && timeout 300 npm install --no-audit --no-fund squawk-cli >/dev/null 2>&1) || return 1
    [[ -x $ROOT/build/squawk/node_modules/.bin/squawk ]] && echo "$ROOT/build/squawk/node_modules/.bin/squawk"
}
SQ=$(find_squawk) || SQ=
# the npm wrapper (node_modules/squawk-cli/js/bin/squawk) starts node first, which
# costs more than the linting: time the native binary it runs, the stricter test
if [[ -n $SQ ]]; then
    case $(uname -m) in
    x86_64) arch=x64 ;;
    aarch64) arch=arm64 ;;
    *) arch=$(uname -m) ;;
    esac
    nm=$(cd "$(dirname "$(readlink -f "$SQ")")/../../.." 2>/dev/null && pwd)
    native=$nm/@squawk-cli/linux-$arch/bin/squawk
    [[ -n $nm && -x $native ]] && SQ=$native
fi

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

echo "pgmig lint: findings per rule"
names=()
for d in "${corpora[@]}"; do
    name=$(basename "$(dirname "$d")")
    names+=("$name")
    "$PGMIG" --json lint "$d" >"$tmp/$name.json" 2>"$tmp/$name.err"
    rc=$?
    if ((rc > 1)) || ! jq -e '.counts' "$tmp/$name.json" >/dev/null 2>&1; then
        echo "FAIL: pgmig lint $d exited $rc:" >&2
        cat "$tmp/$name.err" >&2
        exit 1
    fi
done
{
    printf '%-46s' rule
    for n in "${names[@]}"; do printf ' %10s' "$n"; done
    printf ' %8s\n' total
    jq -r '.counts.rules | keys_unsorted[]' "$tmp/${names[0]}.json" | while read -r rule; do
        total=0
        printf '%-46s' "$rule"
        for n in "${names[@]}"; do
            c=$(jq -r --arg r "$rule" '.counts.rules[$r]' "$tmp/$n.json")
            total=$((total + c))
            printf ' %10s' "$c"
        done
        printf ' %8s\n' "$total"
    done
    printf '%-46s' "(errors / warnings / suggestions)"
    for n in "${names[@]}"; do
        printf ' %10s' "$(jq -r '"\(.counts.errors)/\(.counts.warnings)/\(.counts.suggestions)"' "$tmp/$n.json")"
    done
    printf '\n'
}

echo
echo "time (median of $RUNS runs, whole process over all files)"
printf '%-12s %10s %10s %12s %10s %12s %8s\n' corpus statements "pgmig ms" "ms/1000 st" "peak KiB" "squawk ms" ratio
for i in "${!corpora[@]}"; do
    d=${corpora[$i]}
    n=${names[$i]}
    stmts=$(jq -r '.counts.statements' "$tmp/$n.json")
    files=("$d"/*/migration.sql)
    pm=$(time_ms "$PGMIG" lint "$d")
    per=$(awk -v t="$pm" -v s="$stmts" 'BEGIN {printf "%.2f", s ? t * 1000 / s : 0}')
    kb=$(peak_kb "$PGMIG" lint "$d")
    if [[ -n $SQ ]]; then
        sq=$(time_ms "$SQ" "${files[@]}")
        ratio=$(awk -v a="$pm" -v b="$sq" 'BEGIN {printf "%.2fx", b ? a / b : 0}')
    else
        sq="-" ratio="-"
    fi
    printf '%-12s %10s %10s %12s %10s %12s %8s\n' "$n" "$stmts" "$pm" "$per" "$kb" "$sq" "$ratio"
done
if [[ -n $SQ ]]; then
    echo "squawk: $("$SQ" --version 2>/dev/null) ($SQ); ratio = pgmig / squawk (target <= 1.00x)"
else
    echo "squawk: not available (npm could not install squawk-cli); no comparison"
fi
