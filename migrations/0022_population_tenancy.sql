-- Population activity, its rollups, indicators, care model implementations and case-finding rules are tenant-owned.
-- Activity events are a feed: added to, never rewritten by the application.
SELECT joinery_tenant_table('activity_event');
--> statement-breakpoint
SELECT joinery_tenant_table('population_rollup');
--> statement-breakpoint
SELECT joinery_tenant_table('indicator_definition');
--> statement-breakpoint
SELECT joinery_tenant_table('care_model_implementation');
--> statement-breakpoint
SELECT joinery_tenant_table('case_finding_rule');
--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON activity_event FROM joinery_app;
