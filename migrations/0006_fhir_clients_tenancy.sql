-- FHIR clients, their tokens and the links from senders' identifiers are tenant-owned.
SELECT joinery_tenant_table('fhir_client');
--> statement-breakpoint
SELECT joinery_tenant_table('fhir_token');
--> statement-breakpoint
SELECT joinery_tenant_table('fhir_link');
--> statement-breakpoint
-- The token endpoint finds a client by its id before the tenant is known.
-- This definer function returns only what authenticating the client needs.
CREATE OR REPLACE FUNCTION joinery_fhir_client_lookup(p_client_id uuid)
  RETURNS TABLE (ics_id uuid, secret_hash text, scopes text, revoked boolean)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
  AS $$ SELECT c.ics_id, c.secret_hash, c.scopes, c.revoked_at IS NOT NULL FROM fhir_client c WHERE c.id = p_client_id $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION joinery_fhir_client_lookup(uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION joinery_fhir_client_lookup(uuid) TO joinery_app;
--> statement-breakpoint
-- Each FHIR request finds its token by hash before the tenant is known.
CREATE OR REPLACE FUNCTION joinery_fhir_token_lookup(p_token_hash text)
  RETURNS TABLE (ics_id uuid, client_id uuid, scopes text, expired boolean)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
  AS $$ SELECT t.ics_id, t.client_id, t.scopes, t.expires_at <= now() FROM fhir_token t WHERE t.token_hash = p_token_hash $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION joinery_fhir_token_lookup(text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION joinery_fhir_token_lookup(text) TO joinery_app;
