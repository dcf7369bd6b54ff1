-- AlterEnum
ALTER TYPE "OrderStatus" ADD VALUE 'SHIPPED' BEFORE 'CANCELLED';

-- Seed a reference product so the storefront has something to show.
INSERT INTO "Product" ("sku", "title", "priceCents") VALUES ('BOOK-001', 'The PostgreSQL Book', 3900);
