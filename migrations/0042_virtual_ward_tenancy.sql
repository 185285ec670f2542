-- The virtual ward's tables are tenant-owned; an observation is never rewritten,
-- and a frozen record's episode and observations are changed only by the team that froze it.
SELECT joinery_tenant_table('ward_pathway');
--> statement-breakpoint
SELECT joinery_tenant_table('virtual_ward');
--> statement-breakpoint
SELECT joinery_tenant_table('ward_rota');
--> statement-breakpoint
SELECT joinery_tenant_table('ward_episode');
--> statement-breakpoint
SELECT joinery_tenant_table('ward_visit');
--> statement-breakpoint
SELECT joinery_tenant_table('ward_observation');
--> statement-breakpoint
SELECT joinery_tenant_table('ward_escalation');
--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON ward_observation FROM joinery_app;
--> statement-breakpoint
CREATE TRIGGER frozen_record_guard BEFORE INSERT OR UPDATE OR DELETE ON ward_episode FOR EACH ROW EXECUTE FUNCTION joinery_refuse_frozen_write('child_id');
--> statement-breakpoint
CREATE TRIGGER frozen_record_guard BEFORE INSERT OR UPDATE OR DELETE ON ward_observation FOR EACH ROW EXECUTE FUNCTION joinery_refuse_frozen_write('child_id');
