-- Orders grew large in production: build the index without blocking writes.
-- CONCURRENTLY cannot run inside a transaction; pgmig runs it on its own.
CREATE INDEX CONCURRENTLY IF NOT EXISTS "Order_createdAt_idx" ON "Order"("createdAt");
