SET lock_timeout = '5s';
ALTER TABLE "User" ADD COLUMN IF NOT EXISTS "email" TEXT;
CREATE INDEX CONCURRENTLY IF NOT EXISTS "User_email_idx" ON "User"("email");
