-- c
CREATE TABLE "a" ("id" TEXT NOT NULL, CONSTRAINT "a_pkey" PRIMARY KEY ("id"));
CREATE UNIQUE INDEX "a_id_key" ON "a"("id");
