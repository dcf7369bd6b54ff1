#!/usr/bin/env bash
# test_config.sh - where the target and the migrations come from (--url,
# $DATABASE_URL, .env files, schema.prisma's datasource), Prisma-style URLs,
# password redaction, usage errors and exit codes.
source "$(dirname "${BASH_SOURCE[0]}")/../lib/harness.sh"

M=prisma/migrations
BAD_URL="postgresql://nobody@/no_such_db?host=/nonexistent-socket-dir"

one_migration() { make_migration ${1:-$M} 20240101000000_init 'CREATE TABLE t (id int);'; }

test_url_flag_beats_environment() {
    one_migration
    local good=$DATABASE_URL
    DATABASE_URL=$BAD_URL run_pgmig --url "$good" deploy
    assert_rc 0
    assert_err_contains "(from --url)"
}

test_database_url_beats_schema_datasource() {
    mkdir -p prisma && one_migration
    printf 'datasource db {\n  provider = "postgresql"\n  url = env("OTHER_URL")\n}\n' > prisma/schema.prisma
    OTHER_URL=$BAD_URL run_pgmig deploy
    assert_rc 0
    assert_err_contains "(from \$DATABASE_URL)"
}

test_direct_url_wins_over_url_in_schema() {
    mkdir -p prisma && one_migration
    printf 'datasource db {\n  provider = "postgresql"\n  url       = env("POOLED_URL")\n  directUrl = env("DIRECT_URL")\n}\n' > prisma/schema.prisma
    local good=$DATABASE_URL
    unset DATABASE_URL
    POOLED_URL=$BAD_URL DIRECT_URL=$good run_pgmig deploy
    assert_rc 0 || return
    assert_err_contains "(from the datasource directUrl)"
}

test_schema_flag_finds_migrations_beside_it() {
    one_migration db/migrations
    printf 'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n' > db/schema.prisma
    run_pgmig --schema db/schema.prisma deploy
    assert_rc 0 || return
    assert_out_contains "1 migration found in db/migrations"
}

test_plain_migrations_directory_fallback() {
    one_migration migrations
    run_pgmig deploy
    assert_rc 0 || return
    assert_out_contains "found in migrations"
}

test_dotenv_in_cwd_is_loaded_without_overriding() {
    one_migration
    local good=$DATABASE_URL
    printf '# comment\nDATABASE_URL="%s"\n' "$good" > .env
    unset DATABASE_URL
    run_pgmig deploy
    assert_rc 0 || return
    # a variable already set wins over .env
    printf 'DATABASE_URL="%s"\n' "$BAD_URL" > .env
    DATABASE_URL=$good run_pgmig status
    assert_rc 0
}

test_dotenv_beside_schema_is_loaded() {
    mkdir -p prisma && one_migration
    printf 'datasource db {\n  provider = "postgresql"\n  url = env("APP_DB")\n}\n' > prisma/schema.prisma
    printf 'APP_DB=%s\n' "$DATABASE_URL" > prisma/.env
    unset DATABASE_URL
    run_pgmig deploy
    assert_rc 0 || return
    assert_err_contains "(from the datasource url)"
}

test_unset_env_in_datasource_is_a_usage_error() {
    mkdir -p prisma && one_migration
    printf 'generator c {\n  provider = "prisma-client-js"\n}\n\ndatasource db {\n  provider = "postgresql"\n  url = env("NOT_SET_ANYWHERE")\n}\n' > prisma/schema.prisma
    unset DATABASE_URL
    run_pgmig status
    assert_rc 2 || return
    assert_err_contains "environment variable NOT_SET_ANYWHERE is not set"
    assert_err_contains "prisma/schema.prisma:7"
}

test_prisma_only_parameters_are_stripped_with_a_note() {
    one_migration
    run_pgmig --url "$DATABASE_URL&connection_limit=5&pool_timeout=10&schema=app" deploy
    assert_rc 0 || return
    assert_err_contains "ignoring Prisma-only URL parameters connection_limit, pool_timeout"
    assert_eq "$(psql_val "SELECT to_regclass('app._prisma_migrations') IS NOT NULL")" "t"
}

test_passwords_never_appear() {
    one_migration
    local pw
    pw=$(sed -E 's|^postgresql://[^:]+:([^@]+)@.*|\1|' <<<"$TEST_TCP_URL")
    [[ -n $pw && $pw != "$TEST_TCP_URL" ]] || { fail "no password in TEST_TCP_URL"; return; }
    run_pgmig --url "$TEST_TCP_URL" deploy
    assert_rc 0 || return
    assert_err_contains "****"
    assert_err_not_contains "$pw"
    assert_out_not_contains "$pw"
    run_pgmig --json --url "$TEST_TCP_URL" status
    assert_out_not_contains "$pw"
    # a wrong password: refused, and neither password is printed
    local wrong=${TEST_TCP_URL/$pw/s3cr3t-wrong-pw}
    run_pgmig --url "$wrong" status
    assert_rc 3 || return
    assert_err_contains "could not connect"
    assert_err_not_contains "s3cr3t-wrong-pw"
    assert_err_not_contains "$pw"
}

test_unreachable_database_is_an_environment_error() {
    one_migration
    run_pgmig --url "$BAD_URL" status
    assert_rc 3 || return
    assert_err_contains "could not connect to postgresql://nobody@/no_such_db"
}

test_invalid_urls_are_usage_errors() {
    one_migration
    run_pgmig --url "mysql://root:pw@localhost/db" status
    assert_rc 2 || return
    assert_err_contains "invalid database URL (from --url)"
    assert_err_not_contains ":pw@"
    # libpq only objects to the port when connecting: a connection error
    run_pgmig --url "postgresql://u:topsecret@localhost:notaport/db" status
    assert_rc 3
    assert_err_contains 'invalid integer value "notaport"'
    assert_err_not_contains "topsecret"
}

test_usage_errors_and_help() {
    run_pgmig
    assert_rc 2
    assert_err_contains "Usage: pgmig"
    run_pgmig --help
    assert_rc 0
    assert_out_contains "Commands:"
    run_pgmig frobnicate
    assert_rc 2
    assert_err_contains "unknown command \`frobnicate\`"
    run_pgmig deploy --help
    assert_rc 0
    assert_out_contains "--dry-run"
    run_pgmig deploy --nope
    assert_rc 2
    assert_err_contains "unknown option \`--nope\`"
    run_pgmig deploy --lock-wait soon
    assert_rc 2
    assert_err_contains "--lock-wait needs a number of seconds"
    run_pgmig --version
    assert_rc 0
    assert_match "$(cat "$OUT")" '^pgmig [0-9]+\.[0-9]+\.[0-9]+$'
    run_pgmig --json frobnicate
    assert_rc 2
    assert_json '.ok' false
    assert_json '.error.exit_code' 2
}

test_prisma_command_spellings() {
    one_migration
    run_pgmig migrate deploy
    assert_rc 0
    run_pgmig migrate status
    assert_rc 0
}

test_colour_only_when_asked_or_on_a_terminal() {
    one_migration
    run_pgmig status
    assert_out_not_contains $'\033['
    run_pgmig --color always deploy
    assert_out_contains $'\033['
    NO_COLOR=1 run_pgmig status
    assert_out_not_contains $'\033['
}

# Regression: ?schema= is used (search_path), so it is not listed as ignored.
test_schema_parameter_is_not_reported_as_ignored() {
    one_migration
    run_pgmig --url "$DATABASE_URL&schema=app" deploy
    assert_rc 0 || return
    assert_err_not_contains "ignoring"
}
