-- migration: 1_init
CREATE TABLE "User" ("id" BIGINT PRIMARY KEY, "email" TEXT);
-- migration: 2_email_check
SET lock_timeout = '5s';
ALTER TABLE "User" ADD CONSTRAINT "User_email_nn" CHECK ("email" IS NOT NULL) NOT VALID;
-- migration: 3_email_validate
ALTER TABLE "User" VALIDATE CONSTRAINT "User_email_nn";
-- migration: 4_email_not_null
SET lock_timeout = '5s';
ALTER TABLE "User" ALTER COLUMN "email" SET NOT NULL;
ALTER TABLE "User" DROP CONSTRAINT "User_email_nn";
