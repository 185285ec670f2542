-- Citus cannot plan a LANGUAGE sql function with parameters that reads a
-- distributed or reference table (issue 24, item 3); the same lookups in
-- PL/pgSQL it can. Same arguments, same rows, same grants (CREATE OR REPLACE
-- keeps them). The catalogue check refuses any new LANGUAGE sql function that
-- reads a table Citus would hold (decision 0028).
CREATE OR REPLACE FUNCTION joinery_sign_in_lookup(p_email text)
  RETURNS TABLE (ics_id uuid, id uuid, password_hash text, active boolean)
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public
  AS $$
BEGIN
  RETURN QUERY SELECT p.ics_id, p.id, p.password_hash, p.active FROM professional p WHERE p.email = lower(p_email);
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION joinery_fhir_client_lookup(p_client_id uuid)
  RETURNS TABLE (ics_id uuid, secret_hash text, scopes text, revoked boolean)
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public
  AS $$
BEGIN
  RETURN QUERY SELECT c.ics_id, c.secret_hash, c.scopes, c.revoked_at IS NOT NULL FROM fhir_client c WHERE c.id = p_client_id;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION joinery_fhir_token_lookup(p_token_hash text)
  RETURNS TABLE (ics_id uuid, client_id uuid, scopes text, expired boolean)
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public
  AS $$
BEGIN
  RETURN QUERY SELECT t.ics_id, t.client_id, t.scopes, t.expires_at <= now() FROM fhir_token t WHERE t.token_hash = p_token_hash;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION joinery_family_lookup(p_nhs_number text, p_birthdate date)
  RETURNS TABLE (ics_id uuid)
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public
  AS $$
BEGIN
  RETURN QUERY SELECT DISTINCT g.ics_id FROM family_access_grant g WHERE g.nhs_number = p_nhs_number AND g.date_of_birth = p_birthdate;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION joinery_feedback_link_lookup(hash text) RETURNS uuid
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public
  AS $$
BEGIN
  RETURN (SELECT l.ics_id FROM feedback_link l WHERE l.token_hash = hash LIMIT 1);
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION joinery_advice_link_lookup(p_token_hash text)
  RETURNS TABLE (ics_id uuid, id uuid)
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public
  AS $$
BEGIN
  RETURN QUERY SELECT s.ics_id, s.id FROM advice_sending s WHERE s.token_hash = p_token_hash;
END
$$;
