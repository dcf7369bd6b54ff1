#!/bin/sh
# The demo behind `make demo`: deploy the example shop's migrations to the
# embedded local PostgreSQL (.pgmig/local), then show their status.
set -e
cd "$(dirname "$0")/.."
PGMIG=./build/pgmig
SCHEMA=examples/prisma/schema.prisma
# The demo always uses the embedded database, even if DATABASE_URL is set.
unset DATABASE_URL

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

step "pgmig local start"
$PGMIG local start

step "pgmig --schema $SCHEMA deploy --dry-run"
$PGMIG --schema "$SCHEMA" deploy --dry-run

step "pgmig --schema $SCHEMA deploy"
$PGMIG --schema "$SCHEMA" deploy

step "pgmig --schema $SCHEMA status -v"
$PGMIG --schema "$SCHEMA" status -v
