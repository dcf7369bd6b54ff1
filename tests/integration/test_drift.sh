#!/usr/bin/env bash
# test_drift.sh - `pgmig drift`: the live database against what its applied
# migrations create; adopt and revert, each verified by a second drift run;
# and the corpus oracle for `diff`.
source "$(dirname "${BASH_SOURCE[0]}")/../lib/harness.sh"

M=prisma/migrations
CORPUS=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/../shared/corpus

history() {
    make_migration $M 20240101000000_init 'CREATE TYPE "Status" AS ENUM ('"'DRAFT'"', '"'LIVE'"');
CREATE TABLE "Post" (
    "id" SERIAL NOT NULL,
    "title" TEXT NOT NULL,
    "status" "Status" NOT NULL DEFAULT '"'DRAFT'"',
    "price" INTEGER NOT NULL,
    CONSTRAINT "Post_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "Post_price_check" CHECK ("price" >= 0)
);
CREATE INDEX "Post_title_idx" ON "Post"("title");'
    run_pgmig deploy
    assert_rc 0 || return 1
    psql_exec "INSERT INTO \"Post\" (title, price) VALUES ('hello', 10)"
}

drift_by_hand() {
    psql_exec 'ALTER TABLE "Post" ADD COLUMN "subtitle" TEXT'
    psql_exec 'DROP INDEX "Post_title_idx"'
    psql_exec "ALTER TYPE \"Status\" ADD VALUE 'ARCHIVED'"
    psql_exec 'ALTER TABLE "Post" DROP CONSTRAINT "Post_price_check", ADD CONSTRAINT "Post_price_check" CHECK ("price" > 0)'
}

test_no_drift_after_a_clean_deploy() {
    history || return
    run_pgmig drift
    assert_rc 0 || return
    assert_out_contains "No drift: the database has exactly the schema its 1 applied migration create."
}

test_drift_is_reported_item_by_item() {
    history || return
    drift_by_hand
    run_pgmig drift
    assert_rc 1 || return
    assert_out_contains "Drift:"
    assert_out_contains "subtitle"
    assert_out_contains "Post_title_idx"
    assert_out_contains "ARCHIVED"
    assert_out_contains "Post_price_check"
    assert_out_contains "pgmig drift --script revert"
    run_pgmig --json drift
    assert_rc 1
    assert_json '.drift' true
    assert_json '[.changes[].object] | sort | unique | join(",")' "column,constraint,enum_value,index"
}

test_revert_brings_the_database_back() {
    history || return
    drift_by_hand
    run_pgmig drift --script revert
    assert_rc 1 || return
    cp "$OUT" revert.sql
    assert_match "$(cat revert.sql)" 'DROP COLUMN "subtitle"'
    assert_match "$(cat revert.sql)" 'CREATE INDEX "Post_title_idx"'
    run_pgmig execute --file revert.sql
    assert_rc 0 || return
    run_pgmig drift
    # an enum value cannot be dropped in place; everything else is back
    if [[ $RC != 0 ]]; then
        assert_out_contains "ARCHIVED"
        assert_out_not_contains "subtitle"
        assert_out_not_contains "Post_title_idx"
    fi
    assert_eq "$(psql_val 'SELECT title FROM "Post"')" "hello" "no data lost"
}

test_adopt_records_the_drift_as_a_migration() {
    history || return
    drift_by_hand
    run_pgmig drift --script adopt
    assert_rc 0 || return
    assert_out_contains "Adopted: wrote prisma/migrations/"
    local adopted
    adopted=$(ls -d $M/*_drift)
    assert_file_exists "$adopted/migration.sql"
    assert_match "$(cat "$adopted/migration.sql")" 'ADD COLUMN +"subtitle"'
    assert_eq "$(psql_val "SELECT count(*) FROM _prisma_migrations WHERE migration_name = '$(basename "$adopted")' AND finished_at IS NOT NULL")" "1"
    run_pgmig status
    assert_rc 0
    run_pgmig drift
    assert_rc 0 || return
    assert_out_contains "No drift"
    # the adopted migration replays on a fresh database: the history is whole again
    run_pgmig validate
    assert_rc 0
}

test_lost_migration_is_named() {
    history || return
    make_migration $M 20240102000000_tags 'CREATE TABLE "Tag" ("id" SERIAL PRIMARY KEY);'
    run_pgmig deploy
    psql_exec 'DROP TABLE "Tag"'
    run_pgmig drift
    assert_rc 1 || return
    assert_out_contains "20240102000000_tags: applied in the history, but not_applied"
}

test_drift_needs_a_history() {
    make_migration $M 20240101000000_init 'CREATE TABLE a (id int);'
    run_pgmig drift
    assert_rc 1
    assert_err_contains "not managed"
}

# Oracle: a database built by psql from the corpus files diffs to nothing
# against migrations:DIR.
test_corpus_database_built_by_psql_diffs_to_nothing() {
    [[ -d $CORPUS ]] || skip "no corpus at $CORPUS"
    local c db
    for c in documenso langfuse; do
        db=$(new_db "psql_$c")
        local f
        for f in "$CORPUS/$c/migrations"/*/migration.sql; do
            cat "$f"; printf '\n;\nRESET ALL;\n'
        done > "all_$c.sql"
        "$PSQL" -XAtq -v ON_ERROR_STOP=1 -d "$db" -f "all_$c.sql" >/dev/null 2>"psql_$c.err" ||
            { fail "psql could not build $c" "$(tail -3 "psql_$c.err")"; continue; }
        run_pgmig diff --from "url:$db" --to "migrations:$CORPUS/$c/migrations" --exit-code
        assert_rc 0 || continue
        # and the generated script from empty rebuilds the same schema
        run_pgmig diff --from empty --to "url:$db" --script
        assert_rc 0 || continue
        cp "$OUT" "from_empty_$c.sql"
        local fresh
        fresh=$(new_db "fresh_$c")
        run_pgmig --url "$fresh" execute --file "from_empty_$c.sql"
        assert_rc 0 || continue
        run_pgmig diff --from "url:$fresh" --to "url:$db" --exit-code
        assert_rc 0
    done
}
