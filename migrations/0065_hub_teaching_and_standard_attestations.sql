-- Hub teaching sessions (issue 22): the education a hub gives its practices' GPs, recorded by
-- date, topic and the practices that came. The "education at least every six months" standard
-- counts them, and the MDT themes are what a topic is chosen from.
CREATE TABLE "hub_teaching_session" (
	"ics_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"cluster_id" uuid NOT NULL,
	"held_on" date NOT NULL,
	"topic" text NOT NULL,
	"recorded_by" uuid NOT NULL,
	"recorded_by_name" text NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "hub_teaching_session_ics_id_id_pk" PRIMARY KEY("ics_id","id"),
	CONSTRAINT "hub_teaching_session_cluster_fk" FOREIGN KEY ("ics_id","cluster_id") REFERENCES "public"."cluster"("ics_id","id")
);
--> statement-breakpoint
SELECT joinery_tenant_table('hub_teaching_session');
--> statement-breakpoint
CREATE INDEX "hub_teaching_session_cluster_idx" ON "hub_teaching_session" USING btree ("ics_id","cluster_id","held_on");
--> statement-breakpoint
CREATE TABLE "hub_teaching_practice" (
	"ics_id" uuid NOT NULL,
	"session_id" uuid NOT NULL,
	"practice_id" uuid NOT NULL,
	CONSTRAINT "hub_teaching_practice_pk" PRIMARY KEY("ics_id","session_id","practice_id"),
	CONSTRAINT "hub_teaching_practice_session_fk" FOREIGN KEY ("ics_id","session_id") REFERENCES "public"."hub_teaching_session"("ics_id","id"),
	CONSTRAINT "hub_teaching_practice_practice_fk" FOREIGN KEY ("ics_id","practice_id") REFERENCES "public"."organisation"("ics_id","id")
);
--> statement-breakpoint
SELECT joinery_tenant_table('hub_teaching_practice');
--> statement-breakpoint
-- Where Joinery holds no data for a standard, the ICS attests to it: what it judged, the
-- evidence, and the day. Every attestation is kept; the latest for a hub is the one shown.
CREATE TABLE "standard_attestation" (
	"ics_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"standard_id" text NOT NULL,
	"cluster_id" uuid NOT NULL,
	"status" text NOT NULL,
	"evidence" text NOT NULL,
	"attested_on" date NOT NULL,
	"recorded_by" uuid NOT NULL,
	"recorded_by_name" text NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "standard_attestation_ics_id_id_pk" PRIMARY KEY("ics_id","id"),
	CONSTRAINT "standard_attestation_cluster_fk" FOREIGN KEY ("ics_id","cluster_id") REFERENCES "public"."cluster"("ics_id","id"),
	CONSTRAINT "standard_attestation_status_check" CHECK ("status" IN ('met', 'partly', 'not-met'))
);
--> statement-breakpoint
SELECT joinery_tenant_table('standard_attestation');
