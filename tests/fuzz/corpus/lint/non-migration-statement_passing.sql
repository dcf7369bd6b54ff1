UPDATE "User" SET "email" = '' WHERE "email" IS NULL;
