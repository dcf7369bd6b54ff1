-- migration: 1_init
CREATE TABLE "User" ("id" BIGINT PRIMARY KEY);
CREATE TABLE "Order" ("id" BIGINT PRIMARY KEY, "userId" BIGINT);
-- migration: 2_order_user_fk
SET lock_timeout = '5s';
ALTER TABLE "Order" ADD CONSTRAINT "Order_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") NOT VALID;
-- migration: 3_order_user_fk_validate
ALTER TABLE "Order" VALIDATE CONSTRAINT "Order_userId_fkey";
