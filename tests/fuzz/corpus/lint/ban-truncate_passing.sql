DELETE FROM "AuditLog" WHERE "createdAt" < now() - interval '90 days';
