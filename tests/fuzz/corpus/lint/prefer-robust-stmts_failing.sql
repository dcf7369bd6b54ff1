SET lock_timeout = '5s';
ALTER TABLE "User" ADD COLUMN "email" TEXT;
CREATE INDEX CONCURRENTLY "User_email_idx" ON "User"("email");
