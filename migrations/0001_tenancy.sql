-- Tenancy: the application runs as joinery_app (SET ROLE), a non-superuser
-- that row-level security binds to the ICS named in app.ics_id.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'joinery_app') THEN
    CREATE ROLE joinery_app NOLOGIN;
  END IF;
END
$$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO joinery_app;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION joinery_current_ics() RETURNS uuid
  LANGUAGE sql STABLE
  AS $$ SELECT nullif(current_setting('app.ics_id', true), '')::uuid $$;
--> statement-breakpoint
-- Makes a table tenant-owned: RLS on, one policy, ordinary grants.
-- Later migrations call it for each new tenant table.
CREATE OR REPLACE FUNCTION joinery_tenant_table(t regclass, tenant_column text DEFAULT 'ics_id') RETURNS void
  LANGUAGE plpgsql
  AS $$
BEGIN
  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', t);
  EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', t);
  EXECUTE format('DROP POLICY IF EXISTS tenant_isolation ON %s', t);
  EXECUTE format(
    'CREATE POLICY tenant_isolation ON %s TO joinery_app USING (%I = joinery_current_ics()) WITH CHECK (%I = joinery_current_ics())',
    t, tenant_column, tenant_column);
  EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO joinery_app', t);
END
$$;
--> statement-breakpoint
SELECT joinery_tenant_table('ics', 'id');
--> statement-breakpoint
SELECT joinery_tenant_table('place');
--> statement-breakpoint
SELECT joinery_tenant_table('organisation');
--> statement-breakpoint
SELECT joinery_tenant_table('site');
--> statement-breakpoint
SELECT joinery_tenant_table('cluster');
--> statement-breakpoint
SELECT joinery_tenant_table('cluster_practice');
--> statement-breakpoint
SELECT joinery_tenant_table('professional');
--> statement-breakpoint
SELECT joinery_tenant_table('child');
--> statement-breakpoint
SELECT joinery_tenant_table('related_person');
--> statement-breakpoint
SELECT joinery_tenant_table('child_related_person');
--> statement-breakpoint
SELECT joinery_tenant_table('care_team_member');
--> statement-breakpoint
SELECT joinery_tenant_table('consent_record');
--> statement-breakpoint
SELECT joinery_tenant_table('child_flag');
--> statement-breakpoint
SELECT joinery_tenant_table('child_condition');
--> statement-breakpoint
SELECT joinery_tenant_table('break_glass');
--> statement-breakpoint
-- Audit is append-only for the application.
SELECT joinery_tenant_table('audit_event');
--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON audit_event FROM joinery_app;
--> statement-breakpoint
GRANT USAGE, SELECT ON SEQUENCE audit_event_id_seq TO joinery_app;
--> statement-breakpoint
-- Sessions are looked up before the tenant is known; they hold no child data.
GRANT SELECT, INSERT, UPDATE, DELETE ON session TO joinery_app;
--> statement-breakpoint
-- Sign-in looks a professional up by email before the tenant is known. This
-- definer function returns only what sign-in needs, for one email.
CREATE OR REPLACE FUNCTION joinery_sign_in_lookup(p_email text)
  RETURNS TABLE (ics_id uuid, id uuid, password_hash text, active boolean)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
  AS $$ SELECT p.ics_id, p.id, p.password_hash, p.active FROM professional p WHERE p.email = lower(p_email) $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION joinery_sign_in_lookup(text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION joinery_sign_in_lookup(text) TO joinery_app;
