-- migration: 1_init
CREATE TABLE "User" ("id" BIGINT PRIMARY KEY, "email" TEXT);
-- migration: 2_display_name
SET lock_timeout = '5s';
ALTER TABLE "User" ADD COLUMN "displayName" TEXT;
UPDATE "User" SET "displayName" = "email";
