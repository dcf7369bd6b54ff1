#!/bin/sh
# The demo behind `make demo`: start the embedded local PostgreSQL
# (.pgmig/local), deploy the example shop's migrations into a fresh database,
# and show their status.
set -e
cd "$(dirname "$0")/.."
PGMIG=./build/pgmig
MIGRATIONS=examples/prisma/migrations
unset DATABASE_URL

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

step "pgmig local start"
$PGMIG local start
# A fresh database for every demo run, on the local server.
base=$($PGMIG local url)
$PGMIG --quiet --url "$base" execute --stdin >/dev/null <<'SQL'
DROP DATABASE IF EXISTS shop_demo WITH (FORCE);
CREATE DATABASE shop_demo;
SQL
DATABASE_URL=$(printf '%s' "$base" | sed 's|/pgmig?|/shop_demo?|')
export DATABASE_URL

step "pgmig status --migrations $MIGRATIONS"
$PGMIG status --migrations "$MIGRATIONS" || true

step "pgmig deploy --migrations $MIGRATIONS --dry-run"
$PGMIG deploy --migrations "$MIGRATIONS" --dry-run

step "pgmig deploy --migrations $MIGRATIONS"
$PGMIG deploy --migrations "$MIGRATIONS"

step "pgmig status --migrations $MIGRATIONS -v"
$PGMIG status --migrations "$MIGRATIONS" -v
