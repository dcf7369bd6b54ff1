INSERT INTO "t" VALUES (4, $q$it's$q$), (2, 'a--b-');
UPDATE t SET a = a -U&' -1 WHERE   =b'/*';
DELETE FROM AD-**/
