-- migration: 1_init
CREATE TABLE "User" ("id" BIGINT PRIMARY KEY, "email" TEXT);
-- migration: 2_backfill_display_name
UPDATE "User" SET "displayName" = "email";
