-- One person, several roles (issue 15): a GP who also works as a community
-- paediatrician has a Joinery account for each role at each organisation, all
-- linked to the same CIS2 identity. The role chosen at CIS2 picks the account,
-- so two accounts with the same role at the same organisation would leave the
-- choice to Joinery: that pair is what stays unique.
DROP INDEX "professional_nhsid_useruid_idx";
--> statement-breakpoint
CREATE UNIQUE INDEX "professional_cis2_account_idx" ON "professional" USING btree ("ics_id", "nhsid_useruid", "organisation_id", "role") WHERE "nhsid_useruid" IS NOT NULL;
--> statement-breakpoint
-- Every account linked to the identity, in every ICS (sign-in refuses an
-- identity found in two ICSs). PL/pgSQL, not SQL, so Citus can plan it (issue 24).
CREATE OR REPLACE FUNCTION joinery_cis2_lookup(p_uid text)
  RETURNS TABLE (ics_id uuid, id uuid, active boolean)
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public
  AS $$
BEGIN
  RETURN QUERY SELECT p.ics_id, p.id, p.active FROM professional p WHERE p.nhsid_useruid = p_uid ORDER BY p.ics_id, p.id;
END
$$;
