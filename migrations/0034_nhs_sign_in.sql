-- NHS sign-in (issue 15): CIS2 for staff, NHS login for families.
-- A professional is linked to their CIS2 identity by nhsid_useruid (12 digits),
-- unique within one ICS. The last sign-in and its method are shown to administrators.
ALTER TABLE "professional" ADD COLUMN "nhsid_useruid" text;
--> statement-breakpoint
ALTER TABLE "professional" ADD CONSTRAINT "professional_nhsid_useruid_check" CHECK ("nhsid_useruid" ~ '^[0-9]{12}$');
--> statement-breakpoint
CREATE UNIQUE INDEX "professional_nhsid_useruid_idx" ON "professional" USING btree ("ics_id", "nhsid_useruid") WHERE "nhsid_useruid" IS NOT NULL;
--> statement-breakpoint
ALTER TABLE "professional" ADD COLUMN "last_sign_in_at" timestamp with time zone;
--> statement-breakpoint
ALTER TABLE "professional" ADD COLUMN "last_sign_in_method" text;
--> statement-breakpoint
-- How this session was signed in: the method, the assurance level the provider
-- vouched for, and the national RBAC role chosen at CIS2 (sign-in again to change it).
-- The ID token is kept server-side only to end the provider's session at sign-out.
ALTER TABLE "session" ADD COLUMN "method" text DEFAULT 'password' NOT NULL;
--> statement-breakpoint
ALTER TABLE "session" ADD COLUMN "assurance" text;
--> statement-breakpoint
ALTER TABLE "session" ADD COLUMN "nrbac_role_id" text;
--> statement-breakpoint
ALTER TABLE "session" ADD COLUMN "nrbac_role_name" text;
--> statement-breakpoint
ALTER TABLE "session" ADD COLUMN "id_token" text;
--> statement-breakpoint
ALTER TABLE "session" ADD CONSTRAINT "session_method_check" CHECK ("method" IN ('password', 'cis2'));
--> statement-breakpoint
-- Every audit row says how its actor signed in and at what level.
ALTER TABLE "audit_event" ADD COLUMN "sign_in_method" text;
--> statement-breakpoint
ALTER TABLE "audit_event" ADD COLUMN "assurance" text;
--> statement-breakpoint
ALTER TABLE "audit_event" ADD COLUMN "nrbac_role_id" text;
--> statement-breakpoint
-- A family member signed in with NHS login: not a professional and not yet
-- anyone's child (issue 16 decides what a family may see). Platform data, like session.
CREATE TABLE "family_session" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"csrf_token" text NOT NULL,
	"nhs_number" text NOT NULL,
	"birthdate" date NOT NULL,
	"given_name" text NOT NULL,
	"family_name" text NOT NULL,
	"identity_level" text NOT NULL,
	"vector_of_trust" text NOT NULL,
	"id_token" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "family_session_identity_level_check" CHECK ("identity_level" IN ('P5', 'P9'))
);
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON family_session TO joinery_app;
--> statement-breakpoint
-- A sign-in under way at CIS2 or NHS login: what the callback must match
-- (state, nonce, PKCE verifier, and the browser that started it). Used once.
CREATE TABLE "oidc_sign_in" (
	"state_hash" text PRIMARY KEY NOT NULL,
	"provider" text NOT NULL,
	"browser_hash" text NOT NULL,
	"code_verifier" text NOT NULL,
	"nonce" text NOT NULL,
	"next_page" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "oidc_sign_in_provider_check" CHECK ("provider" IN ('cis2', 'nhs-login'))
);
--> statement-breakpoint
GRANT SELECT, INSERT, DELETE ON oidc_sign_in TO joinery_app;
--> statement-breakpoint
-- CIS2 sign-in finds the professional by nhsid_useruid before the tenant is known,
-- as password sign-in finds them by email (0001).
CREATE OR REPLACE FUNCTION joinery_cis2_lookup(p_uid text)
  RETURNS TABLE (ics_id uuid, id uuid, active boolean)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
  AS $$ SELECT p.ics_id, p.id, p.active FROM professional p WHERE p.nhsid_useruid = p_uid $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION joinery_cis2_lookup(text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION joinery_cis2_lookup(text) TO joinery_app;
