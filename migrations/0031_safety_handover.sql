CREATE TABLE "safety_handover_check" (
	"ics_id" uuid NOT NULL,
	"control_id" text NOT NULL,
	"in_place" boolean NOT NULL,
	"note" text NOT NULL,
	"version" integer NOT NULL,
	"changed_by" uuid NOT NULL,
	"changed_by_name" text NOT NULL,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "safety_handover_check_ics_id_control_id_pk" PRIMARY KEY("ics_id","control_id")
);
--> statement-breakpoint
-- Each ICS confirms the DCB0160 controls of the hazard log for itself.
SELECT joinery_tenant_table('safety_handover_check');
