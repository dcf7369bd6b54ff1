#!/bin/sh
# The demo behind `make demo`: start the embedded local PostgreSQL
# (.pgmig/local), deploy the example shop's migrations into a fresh database,
# then break a migration on purpose, diagnose it from the catalog, repair it,
# and show the status clean.
set -e
cd "$(dirname "$0")/.."
PGMIG=$PWD/build/pgmig
unset DATABASE_URL

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
say() { printf '\n\033[36m# %s\033[0m\n' "$*"; }

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

# Work on a copy of examples/prisma, so the demo can break it.
work=build/demo
rm -rf "$work" && mkdir -p "$work" && cp -R examples/prisma "$work/"
cd "$work"

step "pgmig status"
$PGMIG status || true

step "pgmig deploy --dry-run"
$PGMIG deploy --dry-run

step "pgmig deploy"
$PGMIG deploy

say "A new migration with a typo in its foreign key target (\"Prodct\")."
mkdir -p prisma/migrations/20240301090000_reviews
cat > prisma/migrations/20240301090000_reviews/migration.sql <<'SQL'
-- CreateEnum
CREATE TYPE "Rating" AS ENUM ('ONE', 'TWO', 'THREE', 'FOUR', 'FIVE');

-- Orders are filtered by status on a hot table: build the index online.
CREATE INDEX CONCURRENTLY "Order_status_idx" ON "Order"("status");

-- CreateTable
CREATE TABLE "Review" (
    "id" SERIAL NOT NULL,
    "productId" INTEGER NOT NULL REFERENCES "Prodct"("id"),
    "rating" "Rating" NOT NULL,
    CONSTRAINT "Review_pkey" PRIMARY KEY ("id")
);
SQL

step "pgmig deploy"
$PGMIG deploy || true

say "The CONCURRENTLY index had to commit on its own, so the migration is half-applied."
step "pgmig status"
$PGMIG status || true

step "pgmig diagnose"
$PGMIG diagnose || true

say "Fix the typo, then let pgmig finish what is missing."
sed -i 's/"Prodct"/"Product"/' prisma/migrations/20240301090000_reviews/migration.sql

step "pgmig repair"
$PGMIG repair

step "pgmig status"
$PGMIG status
