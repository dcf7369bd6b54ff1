SET lock_timeout = '5s';
DROP INDEX "User_email_idx";
