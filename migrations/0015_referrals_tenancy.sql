-- Referrals, their moves and the triage cover rota are tenant-owned; a referral's moves are history.
SELECT joinery_tenant_table('referral');
--> statement-breakpoint
SELECT joinery_tenant_table('referral_event');
--> statement-breakpoint
SELECT joinery_tenant_table('triage_cover');
--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON referral_event FROM joinery_app;
