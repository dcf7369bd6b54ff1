SET lock_timeout = '5s';
ALTER TABLE "Order" ADD COLUMN "token" UUID DEFAULT gen_random_uuid();
