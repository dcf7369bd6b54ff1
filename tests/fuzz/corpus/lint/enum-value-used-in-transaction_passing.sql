-- migration: 1_init
CREATE TYPE "Status" AS ENUM ('TODO', 'DONE');
CREATE TABLE "Task" ("id" BIGINT PRIMARY KEY, "status" "Status" NOT NULL, "deletedAt" TIMESTAMPTZ);
-- migration: 2_archived_status
ALTER TYPE "Status" ADD VALUE 'ARCHIVED' AFTER 'DONE';
-- migration: 3_archive_deleted_tasks
UPDATE "Task" SET "status" = 'ARCHIVED' WHERE "deletedAt" IS NOT NULL;
