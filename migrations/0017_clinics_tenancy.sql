-- Clinics, message threads and letter templates are tenant-owned. Messages and template versions are never rewritten.
SELECT joinery_tenant_table('referral_message');
--> statement-breakpoint
SELECT joinery_tenant_table('clinic_session');
--> statement-breakpoint
SELECT joinery_tenant_table('clinic_slot');
--> statement-breakpoint
SELECT joinery_tenant_table('clinic_booking');
--> statement-breakpoint
SELECT joinery_tenant_table('letter_template');
--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON referral_message FROM joinery_app;
--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON letter_template FROM joinery_app;
