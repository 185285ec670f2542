-- Issue 24, item 2 (decision 0034): no key of a table Citus distributes by
-- ics_id may leave ics_id out. The sign-in name (email) was unique across
-- every ICS on professional itself, and a session was keyed by its token's
-- hash alone.
--
-- The sign-in directory: which ICS each sign-in email belongs to. A Citus
-- reference table (every node holds it whole), so its primary key on the
-- email alone keeps an email to one ICS across the region, and the sign-in
-- lookup reads it before it knows the tenant.
CREATE TABLE "sign_in_directory" (
	"email" text PRIMARY KEY NOT NULL,
	"ics_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sign_in_directory_email_lower_check" CHECK ("email" = lower("email")),
	CONSTRAINT "sign_in_directory_ics_id_email_unique" UNIQUE ("ics_id", "email"),
	CONSTRAINT "sign_in_directory_ics_id_ics_id_fk" FOREIGN KEY ("ics_id") REFERENCES "public"."ics"("id")
);
--> statement-breakpoint
SELECT joinery_tenant_table('sign_in_directory');
--> statement-breakpoint
-- The app adds its own ICS's names (a new account) and reads them; it never moves or removes one.
REVOKE UPDATE, DELETE ON sign_in_directory FROM joinery_app;
--> statement-breakpoint
INSERT INTO sign_in_directory (email, ics_id, created_at) SELECT email, ics_id, created_at FROM professional;
--> statement-breakpoint
-- Unique within the ICS now (Citus can enforce that on one shard); across ICSs the directory keeps it.
DROP INDEX "professional_email_idx";
--> statement-breakpoint
CREATE UNIQUE INDEX "professional_email_idx" ON "professional" USING btree ("ics_id", "email");
--> statement-breakpoint
-- No account without its directory entry in the same ICS: the database refuses one out of step.
ALTER TABLE "professional" ADD CONSTRAINT "professional_sign_in_directory_fk" FOREIGN KEY ("ics_id", "email") REFERENCES "public"."sign_in_directory"("ics_id", "email");
--> statement-breakpoint
-- The directory first (one row, any node), then the account in that ICS only (one shard).
CREATE OR REPLACE FUNCTION joinery_sign_in_lookup(p_email text)
  RETURNS TABLE (ics_id uuid, id uuid, password_hash text, active boolean)
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public
  AS $$
DECLARE
  v_ics uuid;
BEGIN
  SELECT d.ics_id INTO v_ics FROM sign_in_directory d WHERE d.email = lower(p_email);
  IF v_ics IS NULL THEN
    RETURN;
  END IF;
  RETURN QUERY SELECT p.ics_id, p.id, p.password_hash, p.active FROM professional p WHERE p.ics_id = v_ics AND p.email = lower(p_email);
END
$$;
--> statement-breakpoint
-- A session's token now carries its ICS, so the session is found in its own
-- ICS's rows: a tenant table keyed (ics_id, token_hash) under row-level
-- security. Tokens made before carry no ICS: everyone signs in again once.
DELETE FROM session;
--> statement-breakpoint
ALTER TABLE "session" DROP CONSTRAINT "session_pkey";
--> statement-breakpoint
ALTER TABLE "session" ADD CONSTRAINT "session_ics_id_token_hash_pk" PRIMARY KEY ("ics_id", "token_hash");
--> statement-breakpoint
-- A removed account's sessions go with it.
ALTER TABLE "session" ADD CONSTRAINT "session_ics_id_professional_id_professional_ics_id_id_fk" FOREIGN KEY ("ics_id", "professional_id") REFERENCES "public"."professional"("ics_id", "id") ON DELETE CASCADE;
--> statement-breakpoint
SELECT joinery_tenant_table('session');
