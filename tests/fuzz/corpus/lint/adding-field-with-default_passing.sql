SET lock_timeout = '5s';
ALTER TABLE "Order" ADD COLUMN "token" UUID;
ALTER TABLE "Order" ALTER COLUMN "token" SET DEFAULT gen_random_uuid();
