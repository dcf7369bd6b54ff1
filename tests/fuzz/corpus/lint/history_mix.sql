-- migration: 1_init
CREATE TABLE "A" ("id" SERIAL PRIMARY KEY, "v" VARCHAR(10), "t" TIMESTAMP(3));
CREATE TYPE "E" AS ENUM ('a', 'b');
CREATE TEMP TABLE tmp (x int);
-- migration: 2_change
SET LOCAL lock_timeout = '1s';
ALTER TABLE "A" RENAME COLUMN "v" TO "w";
ALTER TABLE "A" ALTER COLUMN "w" TYPE TEXT, ADD COLUMN "e" "E" DEFAULT 'b';
ALTER TYPE "E" ADD VALUE 'c';
UPDATE "A" SET "e" = 'c' WHERE "w" IS NULL; -- pgmig-lint-disable unknown-reference
BEGIN;
CREATE INDEX CONCURRENTLY "A_w" ON "A" ("w");
COMMIT;
-- migration: 3_drop
ALTER TABLE "A" ADD CONSTRAINT "nn" CHECK ("w" IS NOT NULL) NOT VALID;
ALTER TABLE "A" VALIDATE CONSTRAINT "nn";
ALTER TABLE "A" ALTER COLUMN "w" SET NOT NULL;
DROP INDEX "A_w";
TRUNCATE "B" CASCADE;
DO $$ BEGIN CREATE TABLE "Z" (); END $$;
INSERT INTO "Z" SELECT FROM "A";
COPY "A" FROM STDIN;
/* pgmig-lint-disable-file ban-truncate */
