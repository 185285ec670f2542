-- Separation of duties: how each ICS checks an administrator's clinical accounts
-- and write-scoped FHIR clients, and the checks themselves.
CREATE TABLE "ics_duty_setting" (
	"ics_id" uuid PRIMARY KEY NOT NULL REFERENCES "ics"("id"),
	"mode" text DEFAULT 'review' NOT NULL,
	"changed_by" uuid,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ics_duty_setting_mode_check" CHECK ("mode" IN ('approval', 'review'))
);
--> statement-breakpoint
SELECT joinery_tenant_table('ics_duty_setting');
--> statement-breakpoint
CREATE TABLE "duty_check" (
	"ics_id" uuid NOT NULL REFERENCES "ics"("id"),
	"id" uuid NOT NULL,
	"professional_id" uuid,
	"fhir_client_id" uuid,
	"what" text NOT NULL,
	"mode" text NOT NULL,
	"requested_by" uuid,
	"requested_by_name" text NOT NULL,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_by" uuid,
	"decided_by_name" text,
	"decided_at" timestamp with time zone,
	CONSTRAINT "duty_check_pk" PRIMARY KEY ("ics_id", "id"),
	CONSTRAINT "duty_check_mode_check" CHECK ("mode" IN ('approval', 'review')),
	CONSTRAINT "duty_check_subject_check" CHECK (("professional_id" IS NULL) <> ("fhir_client_id" IS NULL))
);
--> statement-breakpoint
CREATE INDEX "duty_check_open_idx" ON "duty_check" ("ics_id", "decided_at", "mode");
--> statement-breakpoint
CREATE INDEX "duty_check_professional_idx" ON "duty_check" ("ics_id", "professional_id") WHERE "professional_id" IS NOT NULL;
--> statement-breakpoint
CREATE INDEX "duty_check_client_idx" ON "duty_check" ("ics_id", "fhir_client_id") WHERE "fhir_client_id" IS NOT NULL;
--> statement-breakpoint
SELECT joinery_tenant_table('duty_check');
