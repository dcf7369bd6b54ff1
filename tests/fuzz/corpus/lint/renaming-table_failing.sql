SET lock_timeout = '5s';
ALTER TABLE "Post" RENAME TO "Article";
