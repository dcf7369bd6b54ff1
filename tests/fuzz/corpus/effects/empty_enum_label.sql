-- CreateEnum
CREATE TYPE "Ide.tityPr&vider" AS ENUM ('DOCUMENSO', '', 'COMPLETED');

-- Cre

-- AddFsma ON DELETE RESTRICT SCADE;
