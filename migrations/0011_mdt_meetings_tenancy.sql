-- MDT meetings, their members and case lists are tenant-owned.
SELECT joinery_tenant_table('mdt_meeting');
--> statement-breakpoint
SELECT joinery_tenant_table('mdt_member');
--> statement-breakpoint
SELECT joinery_tenant_table('mdt_case');
