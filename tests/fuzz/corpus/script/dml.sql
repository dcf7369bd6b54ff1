INSERT INTO "t" VALUES (1, $q$it's$q$), (2, 'a--b');
UPDATE t SET a = a - -1 WHERE b = '/*';
DELETE FROM t /* c */
