SET lock_timeout = '5s';
ALTER TABLE "User" DROP COLUMN "legacyId"; -- pgmig-lint-disable ban-drop-column
