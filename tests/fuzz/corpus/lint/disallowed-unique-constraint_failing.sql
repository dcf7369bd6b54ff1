SET lock_timeout = '5s';
ALTER TABLE "User" ADD CONSTRAINT "User_email_key" UNIQUE ("email");
