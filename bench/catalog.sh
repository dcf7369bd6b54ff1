#!/usr/bin/env bash
# bench/catalog.sh - how fast pgmig reads a schema model from the catalog
# (`pgmig inspect`: catalog_read + model_dump) against `pg_dump --schema-only`
# of the same database, on a generated schema of N tables (default 2,000: a
# few columns, a primary key, an index and a foreign key each, some enums);
# and `pgmig diff --from url:A --to url:B` between that database and a copy
# with a few dozen changes, against pg_dump --schema-only of both, one after
# the other (a differ must at least read both). Prints medians, the ratios
# (target: below 1.00x) and pgmig's peak memory.
# Usage: bench/catalog.sh [--tables N] [--runs N] [--keep]; PGMIG, PGMIG_PG_BINDIR,
# PGMIG_BENCH_TMPDIR and PGMIG_PG_OSUSER as for bench/run.
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 2

ntables=2000 runs=7 keep=''
while (($#)); do
    case $1 in
    --tables)
        ntables=${2-}
        shift
        ;;
    --runs)
        runs=${2-}
        shift
        ;;
    --keep) keep=1 ;;
    -h | --help)
        sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
        exit 0
        ;;
    *)
        echo "bench/catalog.sh: unknown argument $1" >&2
        exit 2
        ;;
    esac
    shift
done
for v in "$ntables" "$runs"; do
    if [[ ! $v =~ ^[1-9][0-9]*$ ]]; then
        echo "bench/catalog.sh: --tables and --runs need a positive number" >&2
        exit 2
    fi
done

PGMIG=${PGMIG:-build/pgmig}
[[ $PGMIG == /* ]] || PGMIG=$ROOT/$PGMIG
[[ -x $PGMIG ]] || {
    echo "bench/catalog.sh: no pgmig binary at $PGMIG (make)" >&2
    exit 2
}
if [[ -n ${PGMIG_PG_BINDIR:-} ]]; then
    BINDIR=$PGMIG_PG_BINDIR
elif [[ -x /usr/lib/postgresql/15/bin/initdb ]]; then
    BINDIR=/usr/lib/postgresql/15/bin
else
    BINDIR=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
fi
PSQL=$BINDIR/psql
for b in initdb pg_ctl postgres psql pg_dump; do
    [[ -x $BINDIR/$b ]] || {
        echo "bench/catalog.sh: no $b in '$BINDIR' (set PGMIG_PG_BINDIR)" >&2
        exit 2
    }
done
unset PGHOST PGHOSTADDR PGPORT PGUSER PGDATABASE PGPASSWORD PGSERVICE PGOPTIONS \
    PGSSLMODE PGAPPNAME DATABASE_URL PSQLRC 2>/dev/null

# ---------------------------------------------------------------- cluster (as bench/run)

TMPD='' DATA='' SOCK='' PORT='' PGOSUSER=''

as_owner() {
    if [[ -z $PGOSUSER ]]; then
        (cd "$TMPD" && "$@")
    elif command -v setpriv >/dev/null; then
        (cd "$TMPD" && setpriv --reuid="$PGOSUSER" --regid="$(id -g "$PGOSUSER")" --init-groups -- "$@")
    else
        (cd "$TMPD" && runuser -u "$PGOSUSER" -- "$@")
    fi
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

cleanup() {
    trap - EXIT INT TERM HUP
    if [[ -n $DATA && -e $DATA/postmaster.pid ]]; then
        if ! as_owner "$BINDIR/pg_ctl" -D "$DATA" -m immediate -w -t 30 stop >/dev/null 2>&1; then
            local pid
            pid=$(head -n 1 "$DATA/postmaster.pid" 2>/dev/null)
            [[ $pid =~ ^[0-9]+$ ]] && kill -KILL "$pid" 2>/dev/null
        fi
    fi
    if [[ -n $TMPD ]]; then
        if [[ -n $keep ]]; then
            echo "bench/catalog.sh: kept $TMPD (server stopped)" >&2
        else
            rm -rf "$TMPD"
        fi
    fi
}
trap cleanup EXIT
trap 'echo "bench/catalog.sh: interrupted" >&2; exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

base=${PGMIG_BENCH_TMPDIR:-${TMPDIR:-/tmp}}
TMPD=$(mktemp -d "$base/pgmig-catbench.XXXXXX") || exit 2
DATA=$TMPD/data
SOCK=$TMPD/sock
WORK=$TMPD/work
mkdir -p "$SOCK" "$WORK" "$TMPD/log" || exit 2
if (($(id -u) == 0)); then
    PGOSUSER=${PGMIG_PG_OSUSER:-postgres}
    id "$PGOSUSER" >/dev/null 2>&1 || {
        echo "bench/catalog.sh: running as root and there is no '$PGOSUSER' user" >&2
        exit 2
    }
    chown "$PGOSUSER": "$TMPD" "$SOCK" "$TMPD/log" || exit 2
    chmod 755 "$TMPD" || exit 2
fi

RUNSTAT=$TMPD/runstat
if ! ${CC:-cc} -std=c11 -O2 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -o "$RUNSTAT" \
    bench/runstat.c 2>"$TMPD/log/cc.log"; then
    echo "bench/catalog.sh: could not compile bench/runstat.c:" >&2
    cat "$TMPD/log/cc.log" >&2
    exit 2
fi

if ! as_owner "$BINDIR/initdb" -D "$DATA" -U postgres -A trust -E UTF8 --locale=C \
    --no-sync --no-instructions >"$TMPD/log/initdb.log" 2>&1; then
    echo "bench/catalog.sh: initdb failed:" >&2
    cat "$TMPD/log/initdb.log" >&2
    exit 2
fi
printf '%s\n' 'local all all trust' 'host all all 127.0.0.1/32 trust' >"$DATA/pg_hba.conf"
# Reading the catalog writes nothing: durability settings do not matter here,
# so loading the schema may skip the fsyncs.
cat >>"$DATA/postgresql.conf" <<EOF
# bench/catalog.sh
listen_addresses = '127.0.0.1'
unix_socket_directories = '$SOCK'
fsync = off
synchronous_commit = off
full_page_writes = off
timezone = 'UTC'
lc_messages = 'C'
EOF
started=''
for _ in 1 2 3 4 5 6 7 8; do
    PORT=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
    port_free "$PORT" || continue
    if as_owner "$BINDIR/pg_ctl" -D "$DATA" -l "$TMPD/log/server.log" -w -t 60 -o "-p $PORT" \
        start >"$TMPD/log/pg_ctl.log" 2>&1; then
        started=1
        break
    fi
    grep -q -e 'could not bind' -e 'already in use' "$TMPD/log/server.log" 2>/dev/null || break
done
if [[ -z $started ]]; then
    echo "bench/catalog.sh: PostgreSQL did not start:" >&2
    tail -n 30 "$TMPD/log/server.log" >&2 2>/dev/null
    exit 2
fi
admin() { "$PSQL" -X -q -At -v ON_ERROR_STOP=1 -h "$SOCK" -p "$PORT" -U postgres -d "${2:-postgres}" -c "$1"; }

# ---------------------------------------------------------------- schema

# gen_schema N: N tables, each with a bigint identity-free PK, four columns
# (one of them of one of 20 enums), an index, and a foreign key to the
# previous table (the first one refers to itself).
gen_schema() {
    awk -v n="$1" 'BEGIN {
        for (e = 0; e < 20; e++)
            printf "CREATE TYPE \"Enum%d\" AS ENUM (%s);\n", e, "'"'"'A'"'"', '"'"'B'"'"', '"'"'C'"'"'"
        for (i = 0; i < n; i++) {
            printf "CREATE TABLE \"Table%d\" (\n", i
            printf "    \"id\" BIGSERIAL NOT NULL,\n"
            printf "    \"name\" TEXT NOT NULL,\n"
            printf "    \"createdAt\" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,\n"
            printf "    \"status\" \"Enum%d\" NOT NULL DEFAULT '"'"'A'"'"',\n", i % 20
            printf "    \"parentId\" BIGINT,\n"
            printf "    CONSTRAINT \"Table%d_pkey\" PRIMARY KEY (\"id\")\n);\n", i
            printf "CREATE INDEX \"Table%d_name_idx\" ON \"Table%d\"(\"name\");\n", i, i
            printf "ALTER TABLE \"Table%d\" ADD CONSTRAINT \"Table%d_parentId_fkey\" FOREIGN KEY (\"parentId\") REFERENCES \"Table%d\"(\"id\") ON DELETE SET NULL ON UPDATE CASCADE;\n", i, i, (i ? i - 1 : 0)
        }
    }'
}

# gen_changes N: the few dozen changes that turn database B away from A: on
# distinct tables spread over the schema, columns added, retyped and given a
# default, indexes dropped and added, foreign keys dropped, tables dropped and
# added, enum values added. Prints the script; its change count goes to stderr.
gen_changes() {
    awk -v n="$1" 'BEGIN {
        kinds = "addcol addcol addcol addcol addcol addcol addcol addcol " \
                "retype retype retype retype retype retype dropidx dropidx dropidx dropidx dropidx " \
                "addidx addidx addidx addidx addidx dropfk dropfk dropfk dropfk " \
                "default default droptable droptable newtable newtable newtable enumval"
        m = split(kinds, kind, " ")
        if (m > n) m = n
        step = int(n / m)
        for (j = 1; j <= m; j++) {
            k = (j - 1) * step
            t = "\"Table" k "\""
            if (kind[j] == "addcol") printf "ALTER TABLE %s ADD COLUMN \"note\" TEXT;\n", t
            if (kind[j] == "retype") printf "ALTER TABLE %s ALTER COLUMN \"name\" TYPE VARCHAR(200);\n", t
            if (kind[j] == "dropidx") printf "DROP INDEX \"Table%d_name_idx\";\n", k
            if (kind[j] == "addidx") printf "CREATE INDEX \"Table%d_createdAt_idx\" ON %s(\"createdAt\");\n", k, t
            if (kind[j] == "dropfk") printf "ALTER TABLE %s DROP CONSTRAINT \"Table%d_parentId_fkey\";\n", t, k
            if (kind[j] == "default") printf "ALTER TABLE %s ALTER COLUMN \"status\" SET DEFAULT \x27B\x27;\n", t
            if (kind[j] == "droptable") printf "DROP TABLE %s CASCADE;\n", t
            if (kind[j] == "newtable") printf "CREATE TABLE \"NewTable%d\" (\"id\" BIGSERIAL PRIMARY KEY, \"name\" TEXT NOT NULL, \"tableId\" BIGINT REFERENCES %s(\"id\"));\n", j, t
            if (kind[j] == "enumval") printf "ALTER TYPE \"Enum%d\" ADD VALUE \x27D\x27;\n", k % 20
        }
        print m > "/dev/stderr"
    }'
}

# load DB FILE: create database DB from a script, in one transaction.
load() {
    admin "CREATE DATABASE $1" || exit 2
    if ! "$PSQL" -X -q -1 -v ON_ERROR_STOP=1 -h "$SOCK" -p "$PORT" -U postgres -d "$1" \
        -f "$2" >"$TMPD/log/load.$1.log" 2>&1; then
        echo "bench/catalog.sh: loading $2 into $1 failed:" >&2
        tail -n 20 "$TMPD/log/load.$1.log" >&2
        exit 2
    fi
    admin "VACUUM ANALYZE" "$1" || exit 2
}

DB=catbench
gen_schema "$ntables" >"$TMPD/schema.sql"
gen_changes "$ntables" >"$TMPD/changes.sql" 2>"$TMPD/log/nchanges" || exit 2
nchanges=$(<"$TMPD/log/nchanges")
cat "$TMPD/schema.sql" "$TMPD/changes.sql" >"$TMPD/schema_b.sql"
load "$DB" "$TMPD/schema.sql"
load "${DB}_b" "$TMPD/schema_b.sql"
URL="postgresql://postgres@127.0.0.1:$PORT/$DB"
URL_B="postgresql://postgres@127.0.0.1:$PORT/${DB}_b"

# ---------------------------------------------------------------- measuring

measure() { # measure NAME CMD...: sets M_US M_KIB M_RC
    local name=$1
    shift
    (cd "$WORK" && "$RUNSTAT" "$TMPD/log/$name.stat" "$@") >"$TMPD/log/$name.out" 2>"$TMPD/log/$name.err" </dev/null
    read -r M_US M_KIB M_RC <"$TMPD/log/$name.stat" 2>/dev/null || {
        M_US=0 M_KIB=0 M_RC=255
    }
}
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
max_of() { printf '%s\n' "$@" | sort -n | tail -n 1; }
fmt_ms() { awk -v us="$1" 'BEGIN { printf "%.1f ms", us / 1e3 }'; }

pgmig_cmd=("$PGMIG" -q --url "$URL" inspect)
dump_cmd=("$BINDIR/pg_dump" --schema-only -d "$URL" -f /dev/null)
diff_cmd=("$PGMIG" -q diff --from "url:$URL" --to "url:$URL_B")
dump2_cmd=("${dump_cmd[@]}" ::: "$BINDIR/pg_dump" --schema-only -d "$URL_B" -f /dev/null)

# warm-up (untimed), and a sanity check of what pgmig read
measure warm.pgmig "${pgmig_cmd[@]}"
if ((M_RC != 0)); then
    echo "bench/catalog.sh: pgmig inspect failed:" >&2
    tail -n 20 "$TMPD/log/warm.pgmig.err" >&2
    exit 2
fi
got=$(grep -c '^table ' "$TMPD/log/warm.pgmig.out")
if ((got != ntables)); then
    echo "bench/catalog.sh: pgmig inspect read $got tables, not $ntables" >&2
    exit 2
fi
measure warm.dump "${dump_cmd[@]}"
if ((M_RC != 0)); then
    echo "bench/catalog.sh: pg_dump failed:" >&2
    tail -n 20 "$TMPD/log/warm.dump.err" >&2
    exit 2
fi
measure warm.diff "${diff_cmd[@]}"
if ((M_RC != 0)); then
    echo "bench/catalog.sh: pgmig diff failed:" >&2
    tail -n 20 "$TMPD/log/warm.diff.err" >&2
    exit 2
fi
# every change shows: at least one summary line per change that touches a table
found=$(grep -c -e '^Added the' -e '^Dropped the' -e '^Changed the' "$TMPD/log/warm.diff.out")
if ((found < nchanges * 3 / 4)); then
    echo "bench/catalog.sh: pgmig diff reported $found changed objects for $nchanges changes:" >&2
    head -n 20 "$TMPD/log/warm.diff.out" >&2
    exit 2
fi
measure warm.dump2 "${dump2_cmd[@]}"
if ((M_RC != 0)); then
    echo "bench/catalog.sh: pg_dump of both databases failed:" >&2
    tail -n 20 "$TMPD/log/warm.dump2.err" >&2
    exit 2
fi

p_us=() d_us=() p_kib=() d_kib=() x_us=() x_kib=() y_us=() y_kib=()
for ((r = 1; r <= runs; r++)); do
    if ((r % 2)); then order='pgmig dump diff dump2'; else order='dump pgmig dump2 diff'; fi
    for who in $order; do
        case $who in
        pgmig)
            measure "pgmig.$r" "${pgmig_cmd[@]}"
            ((M_RC == 0)) || { echo "bench/catalog.sh: pgmig inspect failed (run $r)" >&2; exit 2; }
            p_us+=("$M_US") p_kib+=("$M_KIB")
            ;;
        dump)
            measure "dump.$r" "${dump_cmd[@]}"
            ((M_RC == 0)) || { echo "bench/catalog.sh: pg_dump failed (run $r)" >&2; exit 2; }
            d_us+=("$M_US") d_kib+=("$M_KIB")
            ;;
        diff)
            measure "diff.$r" "${diff_cmd[@]}"
            ((M_RC == 0)) || { echo "bench/catalog.sh: pgmig diff failed (run $r)" >&2; exit 2; }
            x_us+=("$M_US") x_kib+=("$M_KIB")
            ;;
        dump2)
            measure "dump2.$r" "${dump2_cmd[@]}"
            ((M_RC == 0)) || { echo "bench/catalog.sh: pg_dump of both failed (run $r)" >&2; exit 2; }
            y_us+=("$M_US") y_kib+=("$M_KIB")
            ;;
        esac
    done
done

pm=$(median "${p_us[@]}") dm=$(median "${d_us[@]}")
pk=$(max_of "${p_kib[@]}") dk=$(max_of "${d_kib[@]}")
lines=$(wc -l <"$TMPD/log/warm.pgmig.out")
echo "catalog read: $ntables tables ($lines model lines), PostgreSQL $("$BINDIR/postgres" -V | awk '{print $3}'), TCP 127.0.0.1, median of $runs"
awk -v p="$pm" -v d="$dm" -v pk="$pk" -v dk="$dk" -v pt="$(fmt_ms "$pm")" -v dt="$(fmt_ms "$dm")" 'BEGIN {
    r = p / d
    printf "pgmig inspect %10s   pg_dump --schema-only %10s   ratio %5.2fx (target < 1.00x)%s\n", pt, dt, r, r < 1 ? "" : "  over"
    printf "peak memory   pgmig %6.1f MiB   pg_dump %6.1f MiB\n", pk / 1024, dk / 1024
}'
xm=$(median "${x_us[@]}") ym=$(median "${y_us[@]}")
xk=$(max_of "${x_kib[@]}") yk=$(max_of "${y_kib[@]}")
echo "diff: $ntables tables vs a copy with $nchanges changes ($found changed objects reported), median of $runs"
awk -v p="$xm" -v d="$ym" -v pk="$xk" -v dk="$yk" -v pt="$(fmt_ms "$xm")" -v dt="$(fmt_ms "$ym")" 'BEGIN {
    r = p / d
    printf "pgmig diff    %10s   pg_dump --schema-only x2 %7s   ratio %5.2fx (target < 1.00x)%s\n", pt, dt, r, r < 1 ? "" : "  over"
    printf "peak memory   pgmig %6.1f MiB   pg_dump %6.1f MiB\n", pk / 1024, dk / 1024
}'
exit 0
