-- SMART Backend Services (docs/decisions/0025): a client may authenticate
-- with a JWT signed by its own private key (private_key_jwt) instead of a
-- shared secret. Its public keys are registered as a JWKS, or as the https
-- URL it publishes them at. Nullable columns with no default: no rows rewritten.
ALTER TABLE "fhir_client" ADD COLUMN IF NOT EXISTS "jwks" jsonb;--> statement-breakpoint
ALTER TABLE "fhir_client" ADD COLUMN IF NOT EXISTS "jwks_url" text;--> statement-breakpoint
-- Each assertion's jti, kept until the assertion expires, so a copied
-- assertion cannot be replayed for a second token.
CREATE TABLE "fhir_client_assertion" (
	"ics_id" uuid NOT NULL,
	"client_id" uuid NOT NULL,
	"jti" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "fhir_client_assertion_ics_id_client_id_jti_pk" PRIMARY KEY("ics_id","client_id","jti")
);
--> statement-breakpoint
ALTER TABLE "fhir_client_assertion" ADD CONSTRAINT "fhir_client_assertion_ics_id_client_id_fhir_client_ics_id_id_fk" FOREIGN KEY ("ics_id","client_id") REFERENCES "public"."fhir_client"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
SELECT joinery_tenant_table('fhir_client_assertion');
