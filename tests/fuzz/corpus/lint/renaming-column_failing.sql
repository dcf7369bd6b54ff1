SET lock_timeout = '5s';
ALTER TABLE "User" RENAME COLUMN "name" TO "fullName";
