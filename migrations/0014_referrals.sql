CREATE TABLE "referral" (
	"ics_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"child_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"referrer_id" uuid NOT NULL,
	"referring_practice_id" uuid NOT NULL,
	"cluster_id" uuid NOT NULL,
	"decision_maker_id" uuid NOT NULL,
	"urgency" text NOT NULL,
	"reason" text NOT NULL,
	"question" text NOT NULL,
	"tried" text DEFAULT '' NOT NULL,
	"state" text NOT NULL,
	"outcome_notes" text,
	"referred_on_service" text,
	"due_on" date NOT NULL,
	"version" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "referral_ics_id_id_pk" PRIMARY KEY("ics_id","id")
);
--> statement-breakpoint
CREATE TABLE "referral_event" (
	"ics_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"referral_id" uuid NOT NULL,
	"from_state" text,
	"to_state" text NOT NULL,
	"note" text,
	"changed_by" uuid NOT NULL,
	"changed_by_name" text NOT NULL,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "referral_event_ics_id_id_pk" PRIMARY KEY("ics_id","id")
);
--> statement-breakpoint
CREATE TABLE "triage_cover" (
	"ics_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"cluster_id" uuid NOT NULL,
	"cover_id" uuid NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date NOT NULL,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "triage_cover_ics_id_id_pk" PRIMARY KEY("ics_id","id")
);
--> statement-breakpoint
ALTER TABLE "referral" ADD CONSTRAINT "referral_ics_id_child_id_child_ics_id_id_fk" FOREIGN KEY ("ics_id","child_id") REFERENCES "public"."child"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral" ADD CONSTRAINT "referral_ics_id_referrer_id_professional_ics_id_id_fk" FOREIGN KEY ("ics_id","referrer_id") REFERENCES "public"."professional"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral" ADD CONSTRAINT "referral_ics_id_decision_maker_id_professional_ics_id_id_fk" FOREIGN KEY ("ics_id","decision_maker_id") REFERENCES "public"."professional"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral" ADD CONSTRAINT "referral_ics_id_cluster_id_cluster_ics_id_id_fk" FOREIGN KEY ("ics_id","cluster_id") REFERENCES "public"."cluster"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral" ADD CONSTRAINT "referral_ics_id_referring_practice_id_organisation_ics_id_id_fk" FOREIGN KEY ("ics_id","referring_practice_id") REFERENCES "public"."organisation"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral_event" ADD CONSTRAINT "referral_event_ics_id_referral_id_referral_ics_id_id_fk" FOREIGN KEY ("ics_id","referral_id") REFERENCES "public"."referral"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "triage_cover" ADD CONSTRAINT "triage_cover_ics_id_cluster_id_cluster_ics_id_id_fk" FOREIGN KEY ("ics_id","cluster_id") REFERENCES "public"."cluster"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "triage_cover" ADD CONSTRAINT "triage_cover_ics_id_cover_id_professional_ics_id_id_fk" FOREIGN KEY ("ics_id","cover_id") REFERENCES "public"."professional"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "referral_decision_maker_idx" ON "referral" USING btree ("ics_id","decision_maker_id","state","due_on");--> statement-breakpoint
CREATE INDEX "referral_cluster_idx" ON "referral" USING btree ("ics_id","cluster_id","created_at");--> statement-breakpoint
CREATE INDEX "referral_referrer_idx" ON "referral" USING btree ("ics_id","referrer_id","created_at");--> statement-breakpoint
CREATE INDEX "referral_child_idx" ON "referral" USING btree ("ics_id","child_id");--> statement-breakpoint
CREATE INDEX "referral_event_referral_idx" ON "referral_event" USING btree ("ics_id","referral_id","changed_at");--> statement-breakpoint
CREATE INDEX "triage_cover_cluster_idx" ON "triage_cover" USING btree ("ics_id","cluster_id","starts_on");