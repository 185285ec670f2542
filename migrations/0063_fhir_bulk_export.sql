-- FHIR Bulk Data exports (docs/decisions/0025). One row per kick-off; the
-- export is worked through in chunks of children, each chunk one
-- transaction that opens the door for its children, audits them, writes
-- its NDJSON file parts and moves the cursor on: a crash or a restart loses
-- at most the chunk under way, and the next worker carries on from the
-- cursor. Files are kept in the database so every process can serve them
-- under the same token check, and go when the export is deleted or expires.
CREATE TABLE "fhir_export" (
	"ics_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"client_id" uuid NOT NULL,
	-- The token's scopes at kick-off: the export reads no more than they allow.
	"scopes" text NOT NULL,
	"level" text NOT NULL,
	"types" text[] NOT NULL,
	"since" timestamp with time zone,
	"request_url" text NOT NULL,
	"status" text DEFAULT 'in-progress' NOT NULL,
	-- The last child written (children are taken in id order); null before the first.
	"cursor_child_id" uuid,
	"children_total" integer NOT NULL,
	"children_done" integer DEFAULT 0 NOT NULL,
	"shared_done" boolean DEFAULT false NOT NULL,
	"error" text,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone,
	"expires_at" timestamp with time zone,
	CONSTRAINT "fhir_export_ics_id_id_pk" PRIMARY KEY("ics_id","id"),
	CONSTRAINT "fhir_export_level_check" CHECK ("level" IN ('system', 'patient')),
	CONSTRAINT "fhir_export_status_check" CHECK ("status" IN ('in-progress', 'completed', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "fhir_export_file" (
	"ics_id" uuid NOT NULL,
	"export_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"resource_type" text NOT NULL,
	"line_count" integer NOT NULL,
	"ndjson" text NOT NULL,
	CONSTRAINT "fhir_export_file_ics_id_export_id_seq_pk" PRIMARY KEY("ics_id","export_id","seq")
);
--> statement-breakpoint
ALTER TABLE "fhir_export" ADD CONSTRAINT "fhir_export_ics_id_client_id_fhir_client_ics_id_id_fk" FOREIGN KEY ("ics_id","client_id") REFERENCES "public"."fhir_client"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fhir_export_file" ADD CONSTRAINT "fhir_export_file_ics_id_export_id_fhir_export_ics_id_id_fk" FOREIGN KEY ("ics_id","export_id") REFERENCES "public"."fhir_export"("ics_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "fhir_export_in_progress_idx" ON "fhir_export" USING btree ("ics_id","requested_at") WHERE "status" = 'in-progress';--> statement-breakpoint
SELECT joinery_tenant_table('fhir_export');
--> statement-breakpoint
SELECT joinery_tenant_table('fhir_export_file');
