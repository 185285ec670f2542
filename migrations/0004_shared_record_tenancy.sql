-- The shared record's tables are tenant-owned like every other.
SELECT joinery_tenant_table('record_entry');
--> statement-breakpoint
SELECT joinery_tenant_table('record_entry_history');
--> statement-breakpoint
SELECT joinery_tenant_table('contact');
--> statement-breakpoint
SELECT joinery_tenant_table('record_freeze');
--> statement-breakpoint
SELECT joinery_tenant_table('sensitive_reveal');
--> statement-breakpoint
SELECT joinery_tenant_table('worklist_item');
--> statement-breakpoint
-- An entry's history is what was recorded: append-only for the application.
REVOKE UPDATE, DELETE, TRUNCATE ON record_entry_history FROM joinery_app;
--> statement-breakpoint
GRANT USAGE, SELECT ON SEQUENCE record_entry_history_id_seq TO joinery_app;
