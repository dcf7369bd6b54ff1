-- migration: 1_init
CREATE TABLE "User" ("id" BIGINT PRIMARY KEY, "name" VARCHAR(50));
-- migration: 2_longer_names
SET lock_timeout = '5s';
ALTER TABLE "User" ALTER COLUMN "name" SET DATA TYPE VARCHAR(200);
