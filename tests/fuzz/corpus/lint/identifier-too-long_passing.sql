CREATE TABLE "Subscription" ("id" BIGINT PRIMARY KEY, "digest_alerts_enabled" BOOLEAN);
