-- Letters filed in a child's record are tenant-owned, and never rewritten by the application.
SELECT joinery_tenant_table('record_letter');
--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON record_letter FROM joinery_app;
