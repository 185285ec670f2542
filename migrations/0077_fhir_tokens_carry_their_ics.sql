-- Issue 24, item 2 (decision 0034): a FHIR access token now carries its ICS,
-- so its lookup names the ICS and reads one shard on Citus, where it read
-- every shard by the hash alone. Tokens issued before carry no ICS and last
-- an hour at most: they are cleared, and clients ask for new ones.
DELETE FROM fhir_token;
--> statement-breakpoint
DROP FUNCTION joinery_fhir_token_lookup(text);
--> statement-breakpoint
DROP INDEX IF EXISTS "fhir_token_hash_idx";
--> statement-breakpoint
CREATE FUNCTION joinery_fhir_token_lookup(p_ics_id uuid, p_token_hash text)
  RETURNS TABLE (ics_id uuid, client_id uuid, scopes text, expired boolean)
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public
  AS $$
BEGIN
  RETURN QUERY SELECT t.ics_id, t.client_id, t.scopes, t.expires_at <= now() FROM fhir_token t
    WHERE t.ics_id = p_ics_id AND t.token_hash = p_token_hash;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION joinery_fhir_token_lookup(uuid, text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION joinery_fhir_token_lookup(uuid, text) TO joinery_app;
