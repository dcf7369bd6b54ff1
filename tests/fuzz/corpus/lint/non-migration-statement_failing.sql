SELECT * FROM "User" WHERE "email" IS NULL;
