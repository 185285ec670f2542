-- Care plans, their goals and versions, and tasks are tenant-owned.
SELECT joinery_tenant_table('care_plan');
--> statement-breakpoint
SELECT joinery_tenant_table('care_plan_goal');
--> statement-breakpoint
SELECT joinery_tenant_table('care_plan_version');
--> statement-breakpoint
SELECT joinery_tenant_table('task');
--> statement-breakpoint
SELECT joinery_tenant_table('task_event');
--> statement-breakpoint
-- A plan's versions and a task's moves are history: the application adds to them, never rewrites them.
REVOKE UPDATE, DELETE, TRUNCATE ON care_plan_version FROM joinery_app;
--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON task_event FROM joinery_app;
