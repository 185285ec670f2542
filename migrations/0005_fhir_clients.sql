CREATE TABLE "fhir_client" (
	"ics_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"secret_hash" text,
	"scopes" text NOT NULL,
	"organisation_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "fhir_client_ics_id_id_pk" PRIMARY KEY("ics_id","id")
);
--> statement-breakpoint
CREATE TABLE "fhir_link" (
	"ics_id" uuid NOT NULL,
	"resource_type" text NOT NULL,
	"kind" text NOT NULL,
	"system" text NOT NULL,
	"value" text NOT NULL,
	"target_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "fhir_link_ics_id_resource_type_kind_system_value_pk" PRIMARY KEY("ics_id","resource_type","kind","system","value")
);
--> statement-breakpoint
CREATE TABLE "fhir_token" (
	"ics_id" uuid NOT NULL,
	"token_hash" text NOT NULL,
	"client_id" uuid NOT NULL,
	"scopes" text NOT NULL,
	"issued_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "fhir_token_ics_id_token_hash_pk" PRIMARY KEY("ics_id","token_hash")
);
--> statement-breakpoint
ALTER TABLE "fhir_client" ADD CONSTRAINT "fhir_client_ics_id_organisation_id_organisation_ics_id_id_fk" FOREIGN KEY ("ics_id","organisation_id") REFERENCES "public"."organisation"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fhir_token" ADD CONSTRAINT "fhir_token_ics_id_client_id_fhir_client_ics_id_id_fk" FOREIGN KEY ("ics_id","client_id") REFERENCES "public"."fhir_client"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "fhir_client_name_idx" ON "fhir_client" USING btree ("ics_id","name");--> statement-breakpoint
CREATE INDEX "fhir_link_target_idx" ON "fhir_link" USING btree ("ics_id","target_id");--> statement-breakpoint
CREATE UNIQUE INDEX "fhir_token_hash_idx" ON "fhir_token" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "fhir_token_client_idx" ON "fhir_token" USING btree ("ics_id","client_id","expires_at");