SET lock_timeout = '5s';
ALTER TABLE "User" ADD COLUMN "nickname" TEXT;
