CREATE TABLE "Country" ("code" TEXT PRIMARY KEY CHECK (length("code") = 2));
