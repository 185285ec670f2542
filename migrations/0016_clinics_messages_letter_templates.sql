CREATE TABLE "referral_message" (
	"ics_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"referral_id" uuid NOT NULL,
	"author_id" uuid NOT NULL,
	"author_name" text NOT NULL,
	"author_role" text NOT NULL,
	"body" text NOT NULL,
	"sent_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "referral_message_ics_id_id_pk" PRIMARY KEY("ics_id","id")
);
--> statement-breakpoint
CREATE TABLE "clinic_booking" (
	"ics_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"slot_id" uuid NOT NULL,
	"referral_id" uuid NOT NULL,
	"child_id" uuid NOT NULL,
	"state" text NOT NULL,
	"booked_by" uuid NOT NULL,
	"booked_by_name" text NOT NULL,
	"booked_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_by" uuid,
	"ended_by_name" text,
	"ended_at" timestamp with time zone,
	"end_note" text,
	"seen_jointly" boolean,
	"plan" text,
	"next" text,
	"next_service" text,
	CONSTRAINT "clinic_booking_ics_id_id_pk" PRIMARY KEY("ics_id","id")
);
--> statement-breakpoint
CREATE TABLE "clinic_session" (
	"ics_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"cluster_id" uuid NOT NULL,
	"venue_id" uuid NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"slot_minutes" integer NOT NULL,
	"slot_count" integer NOT NULL,
	"format" text NOT NULL,
	"paediatrician_id" uuid,
	"gp_id" uuid NOT NULL,
	"cancelled_at" timestamp with time zone,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "clinic_session_ics_id_id_pk" PRIMARY KEY("ics_id","id")
);
--> statement-breakpoint
CREATE TABLE "clinic_slot" (
	"ics_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"session_id" uuid NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	CONSTRAINT "clinic_slot_ics_id_id_pk" PRIMARY KEY("ics_id","id")
);
--> statement-breakpoint
CREATE TABLE "letter_template" (
	"ics_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"version" integer NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"changed_by" uuid NOT NULL,
	"changed_by_name" text NOT NULL,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "letter_template_ics_id_kind_version_pk" PRIMARY KEY("ics_id","kind","version")
);
--> statement-breakpoint
ALTER TABLE "cluster" ADD COLUMN "triage_working_days" integer DEFAULT 2 NOT NULL;--> statement-breakpoint
ALTER TABLE "cluster" ADD COLUMN "advice_working_days" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "referral" ADD COLUMN "triaged_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "referral" ADD COLUMN "triage_outcome" text;--> statement-breakpoint
ALTER TABLE "referral" ADD COLUMN "first_seen_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "referral" ADD COLUMN "seen_in" text;--> statement-breakpoint
ALTER TABLE "referral" ADD COLUMN "converted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "referral_message" ADD CONSTRAINT "referral_message_ics_id_referral_id_referral_ics_id_id_fk" FOREIGN KEY ("ics_id","referral_id") REFERENCES "public"."referral"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral_message" ADD CONSTRAINT "referral_message_ics_id_author_id_professional_ics_id_id_fk" FOREIGN KEY ("ics_id","author_id") REFERENCES "public"."professional"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "clinic_booking" ADD CONSTRAINT "clinic_booking_ics_id_slot_id_clinic_slot_ics_id_id_fk" FOREIGN KEY ("ics_id","slot_id") REFERENCES "public"."clinic_slot"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "clinic_booking" ADD CONSTRAINT "clinic_booking_ics_id_referral_id_referral_ics_id_id_fk" FOREIGN KEY ("ics_id","referral_id") REFERENCES "public"."referral"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "clinic_booking" ADD CONSTRAINT "clinic_booking_ics_id_child_id_child_ics_id_id_fk" FOREIGN KEY ("ics_id","child_id") REFERENCES "public"."child"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "clinic_session" ADD CONSTRAINT "clinic_session_ics_id_cluster_id_cluster_ics_id_id_fk" FOREIGN KEY ("ics_id","cluster_id") REFERENCES "public"."cluster"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "clinic_session" ADD CONSTRAINT "clinic_session_ics_id_venue_id_organisation_ics_id_id_fk" FOREIGN KEY ("ics_id","venue_id") REFERENCES "public"."organisation"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "clinic_session" ADD CONSTRAINT "clinic_session_ics_id_paediatrician_id_professional_ics_id_id_fk" FOREIGN KEY ("ics_id","paediatrician_id") REFERENCES "public"."professional"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "clinic_session" ADD CONSTRAINT "clinic_session_ics_id_gp_id_professional_ics_id_id_fk" FOREIGN KEY ("ics_id","gp_id") REFERENCES "public"."professional"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "clinic_slot" ADD CONSTRAINT "clinic_slot_ics_id_session_id_clinic_session_ics_id_id_fk" FOREIGN KEY ("ics_id","session_id") REFERENCES "public"."clinic_session"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "referral_message_referral_idx" ON "referral_message" USING btree ("ics_id","referral_id","sent_at");--> statement-breakpoint
CREATE UNIQUE INDEX "clinic_booking_slot_taken_idx" ON "clinic_booking" USING btree ("ics_id","slot_id") WHERE state NOT IN ('moved', 'cancelled');--> statement-breakpoint
CREATE UNIQUE INDEX "clinic_booking_referral_live_idx" ON "clinic_booking" USING btree ("ics_id","referral_id") WHERE state = 'booked';--> statement-breakpoint
CREATE INDEX "clinic_booking_referral_idx" ON "clinic_booking" USING btree ("ics_id","referral_id","booked_at");--> statement-breakpoint
CREATE INDEX "clinic_booking_child_idx" ON "clinic_booking" USING btree ("ics_id","child_id");--> statement-breakpoint
CREATE INDEX "clinic_session_cluster_idx" ON "clinic_session" USING btree ("ics_id","cluster_id","starts_at");--> statement-breakpoint
CREATE INDEX "clinic_session_starts_idx" ON "clinic_session" USING btree ("ics_id","starts_at");--> statement-breakpoint
CREATE INDEX "clinic_slot_session_idx" ON "clinic_slot" USING btree ("ics_id","session_id","starts_at");