SET lock_timeout = '5s';
-- pgmig-lint-disable ban-drop-table: unused since release 41, backed up
DROP TABLE "LegacySession";
