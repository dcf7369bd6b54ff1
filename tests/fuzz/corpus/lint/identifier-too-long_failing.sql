CREATE TABLE "Subscription" ("id" BIGINT PRIMARY KEY, "notification_preferences_for_weekly_digest_and_push_alerts_enabled" BOOLEAN);
