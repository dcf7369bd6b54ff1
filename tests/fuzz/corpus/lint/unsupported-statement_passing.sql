INSERT INTO "Country" ("code") VALUES ('FR'), ('US');
