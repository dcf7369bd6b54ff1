#!/usr/bin/env bash
# test_lint.sh - `pgmig lint`: every rule's failing and passing example taken
# from docs/lint.md (docs that are tests), the docs agreeing with --explain,
# output formats, exit codes, suppression, pgmig.toml, server versions, the
# history, and the real corpora. Lint needs no database.
source "$(dirname "${BASH_SOURCE[0]}")/../lib/harness.sh"

DOC=$TEST_ROOT/docs/lint.md

# doc_example ID failing|passing: the example's SQL from docs/lint.md (the first
# ```sql block after "Failing example:" / "Passing example:" in section ### ID).
doc_example() {
    awk -v id="$1" -v want="$2" '
        /^### / { insec = ($2 == id); next }
        !insec { next }
        /^Failing example:/ { which = "failing"; next }
        /^Passing example:/ { which = "passing"; next }
        /^```sql$/ && which == want { inblk = 1; next }
        /^```$/ && inblk { exit }
        inblk { print }
    ' "$DOC"
}

# lint_example FILE: lint an example as the docs mean it. With lines
# `-- migration: NAME` it becomes a migrations directory ex/; else one file.
lint_example() {
    local src=$1 name=
    rm -rf ex ex.sql
    if grep -q '^-- migration: ' "$src"; then
        mkdir -p ex
        printf 'provider = "postgresql"\n' >ex/migration_lock.toml
        while IFS= read -r line || [[ -n $line ]]; do
            if [[ $line == '-- migration: '* ]]; then
                name=${line#-- migration: }
                mkdir -p "ex/$name"
                : >"ex/$name/migration.sql"
            else
                printf '%s\n' "$line" >>"ex/$name/migration.sql"
            fi
        done <"$src"
        run_pgmig --json lint ex
    else
        cp "$src" ex.sql
        run_pgmig --json lint ex.sql
    fi
}

test_lint_docs_examples_are_tested() {
    local ids id sev got rc
    run_pgmig --json lint --list
    assert_rc 0 || return
    cp "$OUT" rules.json
    ids=$(jq -r '.rules[].id' rules.json)
    [[ $(wc -l <<<"$ids") -ge 20 ]] || fail "too few rules: $ids"
    for id in $ids; do
        grep -q "^### $id\$" "$DOC" || fail "docs/lint.md has no section for $id"
    done
    # and no section for a rule that does not exist
    for id in $(sed -n 's/^### \([a-z0-9-]*\)$/\1/p' "$DOC"); do
        grep -qx "$id" <<<"$ids" || fail "docs/lint.md documents $id, which pgmig does not know"
    done
    for id in $ids; do
        sev=$(jq -r --arg id "$id" '.rules[] | select(.id == $id) | .severity' rules.json)
        doc_example "$id" failing >failing.sql
        doc_example "$id" passing >passing.sql
        [[ -s failing.sql && -s passing.sql ]] || {
            fail "$id: docs/lint.md lacks a failing or passing example"
            continue
        }
        # the failing example gives this rule, and only this rule
        lint_example failing.sql
        got=$(jq -c '[.findings[].rule] | unique' "$OUT")
        [[ $got == "[\"$id\"]" ]] || fail "$id: the failing example gives $got" "$(cat failing.sql)"
        rc=0
        [[ $sev == error ]] && rc=1
        [[ $RC == "$rc" ]] || fail "$id ($sev): the failing example exits $RC, not $rc"
        # the passing example gives nothing at all
        lint_example passing.sql
        got=$(jq -c '[.findings[].rule]' "$OUT")
        [[ $got == "[]" && $RC == 0 ]] || fail "$id: the passing example gives $got (exit $RC)" \
            "$(cat passing.sql)"
        # docs/lint.md and --explain say the same
        run_pgmig --json lint --explain "$id"
        [[ $(jq -r '.rule.failing' "$OUT") == "$(cat failing.sql)" ]] ||
            fail "$id: the failing example of docs/lint.md differs from --explain"
        [[ $(jq -r '.rule.passing' "$OUT") == "$(cat passing.sql)" ]] ||
            fail "$id: the passing example of docs/lint.md differs from --explain"
        grep -qF "$(jq -r '.rule.explanation' "$OUT")" "$DOC" ||
            fail "$id: the explanation in docs/lint.md differs from --explain"
        [[ $(jq -r '.rule.severity' "$OUT") == "$sev" ]] && grep -q "^\*\*$sev\*\* — " <(
            awk -v id="$id" '/^### /{s=($2==id)} s' "$DOC"
        ) || fail "$id: docs/lint.md does not give severity $sev"
    done
}

# the example of docs/lint.md's Output section
make_orders() {
    make_migration prisma/migrations 20240101000000_init - <<'EOF'
-- CreateTable
CREATE TABLE "User" (
    "id" BIGSERIAL NOT NULL,
    "email" TEXT NOT NULL,
    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
EOF
    make_migration prisma/migrations 20240201000000_orders - <<'EOF'
-- AlterTable
ALTER TABLE "User" ADD COLUMN "plan" TEXT NOT NULL;

-- CreateIndex
CREATE INDEX "User_plan_idx" ON "User"("plan");

-- Backfill
UPDATE "User" SET "tier" = 'free';
EOF
}

test_lint_human_output_like_a_compiler() {
    make_orders
    run_pgmig lint
    assert_rc 1 || return
    local f=prisma/migrations/20240201000000_orders/migration.sql
    assert_out_contains "$f:2:13: warning[require-lock-timeout] ALTER TABLE takes an ACCESS EXCLUSIVE lock on \"User\""
    assert_out_contains "$f:2:43: error[adding-required-field] column \"plan\" is added to \"User\" as NOT NULL without a default"
    assert_out_contains "$f:5:1: warning[require-concurrent-index-creation]"
    assert_out_contains "$f:8:19: error[unknown-reference] column \"tier\" of \"User\" does not exist: no earlier migration adds it"
    assert_out_contains '2 | ALTER TABLE "User" ADD COLUMN "plan" TEXT NOT NULL;'
    assert_out_contains "  |                                           ^"
    assert_out_contains "  = help: add a DEFAULT, or add the column nullable, backfill it, then SET NOT NULL (pgmig lint --explain adding-required-field)"
    assert_out_contains "2 errors, 2 warnings, 0 suggestions in 2 files (5 statements)"
    assert_err_contains "error: lint found 2 errors"
    # the first migration creates the table: nothing to say about it
    assert_out_not_contains "20240101000000_init"
    # -q: one line per finding
    run_pgmig -q lint
    assert_rc 1
    assert_out_not_contains "= help:"
    assert_eq "$(grep -c '^prisma/' "$OUT")" 4
}

test_lint_json() {
    make_orders
    run_pgmig --json lint
    assert_rc 1 || return
    assert_json .version 1
    assert_json .command lint
    assert_json .ok false
    assert_json .error.message "lint found 2 errors"
    assert_json '.findings | length' 4
    assert_json '.findings[1] | [.file, .line, .column, .rule, .severity, .migration, .statement] | @tsv' \
        "$(printf 'prisma/migrations/20240201000000_orders/migration.sql\t2\t43\tadding-required-field\terror\t20240201000000_orders\t1')"
    assert_json '.findings[1].message' 'column "plan" is added to "User" as NOT NULL without a default: this fails when the table has rows'
    assert_json '.findings[1].help' 'add a DEFAULT, or add the column nullable, backfill it, then SET NOT NULL'
    assert_json '.counts | [.errors, .warnings, .suggestions, .suppressed, .files, .statements] | @csv' '2,2,0,0,2,5'
    assert_json '.counts.rules["unknown-reference"]' 1
    assert_json '.counts.rules | length' "$(jq '.rules | length' < <("$PGMIG" --json lint --list))"
    # a lone file: no migration
    printf 'SET lock_timeout = 1000;\nDROP TABLE "A";\n' >one.sql
    run_pgmig --json lint one.sql
    assert_rc 0 || return
    assert_json .ok true
    assert_json .error null
    assert_json '.findings[0] | [.rule, .migration, .statement, .line, .column] | @csv' '"ban-drop-table",,2,2,1'
}

test_lint_exit_codes_and_usage_errors() {
    printf 'CREATE TABLE "A" ("id" BIGINT PRIMARY KEY);\n' >clean.sql
    run_pgmig lint clean.sql
    assert_rc 0
    assert_out_eq "No findings in 1 file (1 statement)"
    run_pgmig lint nope.sql
    assert_rc 3
    assert_err_contains "nope.sql: no such file or directory"
    run_pgmig lint
    assert_rc 3
    assert_err_contains "no migrations directory found"
    run_pgmig lint --frobnicate
    assert_rc 2
    assert_err_contains "unknown option \`--frobnicate\`"
    run_pgmig lint --disable ban-drop-tabel clean.sql
    assert_rc 2
    assert_err_contains "--disable: unknown lint rule \`ban-drop-tabel\`"
    assert_err_contains "pgmig lint --list"
    run_pgmig lint --pg-version fifteen clean.sql
    assert_rc 2
    assert_err_contains "--pg-version needs a PostgreSQL version such as 15 or 15.4, not \`fifteen\`"
    run_pgmig lint --explain no-such-rule
    assert_rc 2
    assert_err_contains "unknown lint rule \`no-such-rule\`"
    run_pgmig lint --explain
    assert_rc 2
    assert_err_contains "option \`--explain\` needs a value"
    run_pgmig --json lint --disable nope clean.sql
    assert_rc 2
    assert_json .ok false
    assert_json '.error.message' "--disable: unknown lint rule \`nope\`"
}

test_lint_list_and_explain() {
    run_pgmig lint --list
    assert_rc 0 || return
    assert_out_contains "require-concurrent-index-creation"
    assert_out_contains "prefer-robust-stmts"
    assert_match "$(grep '^adding-required-field ' "$OUT")" 'error +ADD COLUMN'
    run_pgmig lint --explain require-concurrent-index-creation
    assert_rc 0 || return
    assert_out_contains "require-concurrent-index-creation (warning): CREATE INDEX without CONCURRENTLY on an existing table"
    assert_out_contains "Failing example:"
    assert_out_contains 'CREATE INDEX CONCURRENTLY "User_email_idx" ON "User"("email");'
    run_pgmig help lint
    assert_rc 0
    assert_out_contains "pgmig lint [PATH...]"
}

test_lint_suppression_comments_and_config() {
    printf 'SET lock_timeout = 1000;\nDROP TABLE "A";\nALTER TABLE "B" DROP COLUMN "c";\n' >drop.sql
    run_pgmig lint -q drop.sql
    assert_rc 0 || return
    assert_out_contains "drop.sql:2:1: warning[ban-drop-table]"
    assert_out_contains "drop.sql:3:13: warning[ban-drop-column]"
    # a comment on the statement
    printf 'SET lock_timeout = 1000;\n-- pgmig-lint-disable ban-drop-table: archived first\nDROP TABLE "A";\nALTER TABLE "B" DROP COLUMN "c";\n' >drop.sql
    run_pgmig lint -q drop.sql
    assert_out_not_contains "ban-drop-table"
    assert_out_contains "drop.sql:4:13: warning[ban-drop-column]"
    assert_out_contains "; 1 suppressed)"
    # the whole file
    printf '%s\n' '-- pgmig-lint-disable-file ban-drop-column' >>drop.sql
    run_pgmig lint drop.sql
    assert_out_eq "No findings in 1 file (3 statements; 2 suppressed)"
    # pgmig.toml, and --disable
    printf 'SET lock_timeout = 1000;\nDROP TABLE "A";\nCREATE TABLE "T" ("t" TIMESTAMP);\n' >t.sql
    printf '[lint]\ndisable = ["prefer-timestamptz"]\n' >pgmig.toml
    run_pgmig lint -q t.sql
    assert_out_contains "warning[ban-drop-table]"
    assert_out_not_contains "prefer-timestamptz"
    run_pgmig lint -q --disable ban-drop-table t.sql
    assert_out_eq "No findings in 1 file (3 statements)"
    printf '[lint]\ndisable = ["prefer-timestamptz"]\nstrict = true\n' >pgmig.toml
    run_pgmig lint t.sql
    assert_rc 2
    assert_err_contains "pgmig.toml:3: unknown key \`strict\` in [lint] (known: disable, pg_version)"
    rm pgmig.toml
    printf '[lint]\npg_version = 10\n' >.pgmig.toml
    printf 'SET lock_timeout = 1000;\nALTER TABLE "A" ADD COLUMN "b" INT DEFAULT 0;\n' >d.sql
    run_pgmig lint -q d.sql
    assert_out_contains "d.sql:2:36: warning[adding-field-with-default]"
    run_pgmig lint -q --pg-version 15 d.sql
    assert_out_eq "No findings in 1 file (2 statements)"
}

test_lint_transactions_as_pgmig_runs_them() {
    # CONCURRENTLY is fine on its own (pgmig runs it alone) but not in the file's BEGIN block
    printf 'CREATE INDEX CONCURRENTLY "i" ON "A" ("b");\n' >alone.sql
    run_pgmig lint alone.sql
    assert_rc 0
    printf 'BEGIN;\nCREATE INDEX CONCURRENTLY "i" ON "A" ("b");\nCOMMIT;\n' >block.sql
    run_pgmig lint -q block.sql
    assert_rc 1
    assert_out_contains "block.sql:2:1: error[ban-concurrent-index-creation-in-transaction] CREATE INDEX cannot run inside a transaction block, and this one is inside the BEGIN on line 1"
    # ADD VALUE in a block: only before PostgreSQL 12
    printf 'BEGIN;\nALTER TYPE "E" ADD VALUE '"'"'x'"'"' AFTER '"'"'y'"'"';\nCOMMIT;\n' >enum.sql
    run_pgmig lint enum.sql
    assert_rc 0
    run_pgmig lint -q --pg-version 11 enum.sql
    assert_rc 1
    assert_out_contains "ALTER TYPE cannot run inside a transaction block before PostgreSQL 12"
}

test_lint_file_in_its_migrations_directory() {
    make_migration prisma/migrations 1_init 'CREATE TABLE "A" ("id" BIGINT PRIMARY KEY);'
    make_migration prisma/migrations 2_use 'CREATE INDEX CONCURRENTLY "A_x" ON "A" ("x");'
    # linted with its history: "x" is no column of "A"
    run_pgmig lint -q prisma/migrations/2_use/migration.sql
    assert_rc 1
    assert_out_contains 'prisma/migrations/2_use/migration.sql:1:36: error[unknown-reference] column "x" of "A" does not exist'
    # a copy outside the directory is linted on its own
    cp prisma/migrations/2_use/migration.sql lone.sql
    run_pgmig lint lone.sql
    assert_rc 0
    # --migrations works like a path
    run_pgmig --migrations prisma/migrations lint -q
    assert_rc 1
    assert_out_contains "unknown-reference"
    # a directory of plain .sql files is a history too
    mkdir sqls
    printf 'CREATE TABLE "A" ("id" BIGINT PRIMARY KEY);\n' >sqls/001.sql
    printf 'INSERT INTO "B" VALUES (1);\n' >sqls/002.sql
    run_pgmig lint -q sqls
    assert_rc 1
    assert_out_contains 'sqls/002.sql:1:13: error[unknown-reference] table "B" does not exist'
}

test_lint_syntax_error_is_a_finding() {
    make_migration prisma/migrations 1_bad 'CREATE TABLE "A" (
  "id" BIGINT,,
);'
    make_migration prisma/migrations 2_ok 'SELECT 1;'
    run_pgmig lint -q
    assert_rc 1
    assert_out_contains 'prisma/migrations/1_bad/migration.sql:2:15: error[syntax-error] syntax error at or near ","'
    # the files after it are still linted
    assert_out_contains 'prisma/migrations/2_ok/migration.sql:1:1: warning[non-migration-statement]'
}

test_lint_corpora_without_a_crash() {
    local c dir
    for c in documenso langfuse; do
        dir=$TEST_ROOT/../shared/corpus/$c/migrations
        [[ -d $dir ]] || skip "no corpus at $dir"
        run_pgmig --json lint "$dir"
        assert_rc 1 # adding-required-field: Prisma's own history has them
        assert_json '.counts.rules["syntax-error"]' 0
        assert_json '.counts.rules["unknown-reference"]' 0
        assert_json '[.findings[] | select(.line < 1 or .column < 1)] | length' 0
        assert_json '.counts.files' "$(find "$dir" -name migration.sql | wc -l)"
    done
}
