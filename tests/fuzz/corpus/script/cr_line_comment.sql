--EXT Ne));CREATE UNIQUE INDEX "a_id_key" ON "a"("id");
