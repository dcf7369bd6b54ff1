#!/usr/bin/env bash
# test_prisma_interop.sh - the real Prisma CLI (7.10, through the engine shim
# in ../shared/tools/prisma-engine-shim) and pgmig read and write the same
# _prisma_migrations rows: each sees the other's work exactly. Skipped only
# when npm cannot install Prisma here.
source "$(dirname "${BASH_SOURCE[0]}")/../lib/harness.sh"

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SHIM=$REPO/../shared/tools/prisma-engine-shim/schema-engine.mjs
CLI_DIR=${PGMIG_PRISMA_CLI:-$REPO/build/prisma-cli}
M=prisma/migrations

# Install Prisma once per checkout (both test passes share it).
need_prisma() {
    [[ -f $SHIM ]] || { skip "the Prisma engine shim is not at $SHIM"; }
    command -v npm >/dev/null || { skip "npm is not installed"; }
    mkdir -p "$CLI_DIR"
    (
        flock 9
        if [[ ! -x $CLI_DIR/node_modules/.bin/prisma ]]; then
            cd "$CLI_DIR" && npm init -y >/dev/null 2>&1 &&
                timeout 300 npm install --no-audit --no-fund prisma@7.10.1 \
                    @prisma/schema-engine-wasm @prisma/adapter-pg pg >npm.log 2>&1
        fi
    ) 9>"$CLI_DIR.lock"
    [[ -x $CLI_DIR/node_modules/.bin/prisma ]] ||
        skip "npm could not install prisma (registry unreachable?): $(tail -n 3 "$CLI_DIR/npm.log" 2>/dev/null | tr '\n' ' ')"
    export PATH=$CLI_DIR/node_modules/.bin:$PATH NODE_PATH=$CLI_DIR/node_modules
    export PRISMA_SCHEMA_ENGINE_BINARY=$SHIM PRISMA_HIDE_UPDATE_MESSAGE=1
    export CHECKPOINT_DISABLE=1 PRISMA_TELEMETRY_DISABLED=1
    mkdir -p prisma
    printf 'datasource db {\n  provider = "postgresql"\n}\n' > prisma/schema.prisma
    cat > prisma.config.ts <<'TS'
import { defineConfig, env } from "prisma/config";
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: env("PRISMA_URL") },
});
TS
    export PRISMA_URL=$TEST_TCP_URL
}

prisma() { timeout 120 "$CLI_DIR/node_modules/.bin/prisma" "$@"; }

test_pgmig_deploy_then_prisma_status_is_up_to_date() {
    need_prisma
    make_migration $M 20240101000000_init 'CREATE TYPE "Role" AS ENUM ('"'A'"', '"'B'"');
CREATE TABLE "User" ("id" TEXT NOT NULL, "role" "Role" NOT NULL, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));'
    make_migration $M 20240102000000_idx 'CREATE INDEX CONCURRENTLY "User_role_idx" ON "User"("role");'
    run_pgmig deploy
    assert_rc 0 || return
    local out rc
    out=$(prisma migrate status 2>&1); rc=$?
    assert_eq "$rc" 0 "prisma migrate status exit code: $out"
    assert_match "$out" "Database schema is up to date!"
    out=$(prisma migrate deploy 2>&1); rc=$?
    assert_eq "$rc" 0 "prisma migrate deploy exit code: $out"
    assert_match "$out" "No pending migrations to apply"
}

test_prisma_failure_is_reported_exactly_by_pgmig() {
    need_prisma
    make_migration $M 20240101000000_init 'CREATE TABLE "A" ("id" INTEGER);'
    make_migration $M 20240102000000_broken 'CREATE TABLE "B" ("id" INTEGER);
INSERT INTO "B" VALUES (1 / 0);'
    local out rc
    out=$(prisma migrate deploy 2>&1); rc=$?
    assert_eq "$rc" 1 "prisma migrate deploy must fail: $out"
    run_pgmig --json status
    assert_rc 1 || return
    assert_json '.migrations[0].state' applied
    assert_json '.migrations[0].edited' false
    assert_json '.migrations[1].name' 20240102000000_broken
    assert_json '.migrations[1].state' failed
    assert_json '.migrations[1].edited' false
    assert_json '.migrations[1].finished_at' null
    assert_json '.migrations[1].rolled_back_at' null
    assert_json '.summary.failed' 1
    # Prisma <= 7.3 (and the shim) runs the script as one query: nothing of it remains
    assert_eq "$(psql_val "SELECT to_regclass('\"B\"') IS NULL")" "t"
    run_pgmig deploy
    assert_rc 1
    assert_err_contains "P3009"
    assert_err_contains "20240102000000_broken"
    # resolve with pgmig, fix the file, and Prisma agrees on the result
    run_pgmig resolve --rolled-back 20240102000000_broken
    assert_rc 0 || return
    printf 'CREATE TABLE "B" ("id" INTEGER);\n' > $M/20240102000000_broken/migration.sql
    run_pgmig deploy
    assert_rc 0 || return
    out=$(prisma migrate status 2>&1); rc=$?
    assert_eq "$rc" 0 "prisma migrate status after pgmig's recovery: $out"
}

test_pgmig_rolled_back_attempt_does_not_block_prisma() {
    need_prisma
    make_migration $M 20240101000000_bad 'CREATE TABLE "C" ("id" INTEGER);
SELECT 1 / 0;'
    run_pgmig deploy
    assert_rc 1 || return
    printf 'CREATE TABLE "C" ("id" INTEGER);\n' > $M/20240101000000_bad/migration.sql
    local out rc
    out=$(prisma migrate deploy 2>&1); rc=$?
    assert_eq "$rc" 0 "prisma applies the fixed migration after pgmig's rolled-back attempt: $out"
    run_pgmig status
    assert_rc 0
}

test_prisma_deploy_then_pgmig_status_is_up_to_date() {
    need_prisma
    make_migration $M 20240101000000_init 'CREATE TABLE "D" ("id" INTEGER);'
    printf '\r\n-- crlf line endings\r\n' >> $M/20240101000000_init/migration.sql
    local out rc
    out=$(prisma migrate deploy 2>&1); rc=$?
    assert_eq "$rc" 0 "prisma migrate deploy: $out"
    run_pgmig status
    assert_rc 0
    assert_out_contains "Database schema is up to date!"
    run_pgmig resolve --applied 20240101000000_init
    assert_rc 1
    assert_err_contains "P3008"
}
