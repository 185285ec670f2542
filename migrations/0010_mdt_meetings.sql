CREATE TABLE "mdt_case" (
	"ics_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"meeting_id" uuid NOT NULL,
	"child_id" uuid NOT NULL,
	"source" text NOT NULL,
	"question" text NOT NULL,
	"brought_by" uuid NOT NULL,
	"position" integer NOT NULL,
	"status" text NOT NULL,
	"discussion" text,
	"decisions" text,
	"themes" text[] DEFAULT '{}' NOT NULL,
	"letter" text,
	"letter_sent_at" timestamp with time zone,
	"version" integer NOT NULL,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mdt_case_ics_id_id_pk" PRIMARY KEY("ics_id","id")
);
--> statement-breakpoint
CREATE TABLE "mdt_meeting" (
	"ics_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"series_id" uuid NOT NULL,
	"cluster_id" uuid NOT NULL,
	"title" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"duration_minutes" integer NOT NULL,
	"max_cases" integer NOT NULL,
	"venue" text NOT NULL,
	"chair_id" uuid NOT NULL,
	"status" text NOT NULL,
	"notes" text,
	"version" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mdt_meeting_ics_id_id_pk" PRIMARY KEY("ics_id","id")
);
--> statement-breakpoint
CREATE TABLE "mdt_member" (
	"ics_id" uuid NOT NULL,
	"meeting_id" uuid NOT NULL,
	"professional_id" uuid NOT NULL,
	"invited_by" uuid NOT NULL,
	"invited_at" timestamp with time zone DEFAULT now() NOT NULL,
	"removed_at" timestamp with time zone,
	"attended" boolean,
	CONSTRAINT "mdt_member_ics_id_meeting_id_professional_id_pk" PRIMARY KEY("ics_id","meeting_id","professional_id")
);
--> statement-breakpoint
ALTER TABLE "mdt_case" ADD CONSTRAINT "mdt_case_ics_id_meeting_id_mdt_meeting_ics_id_id_fk" FOREIGN KEY ("ics_id","meeting_id") REFERENCES "public"."mdt_meeting"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mdt_case" ADD CONSTRAINT "mdt_case_ics_id_child_id_child_ics_id_id_fk" FOREIGN KEY ("ics_id","child_id") REFERENCES "public"."child"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mdt_case" ADD CONSTRAINT "mdt_case_ics_id_brought_by_professional_ics_id_id_fk" FOREIGN KEY ("ics_id","brought_by") REFERENCES "public"."professional"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mdt_meeting" ADD CONSTRAINT "mdt_meeting_ics_id_cluster_id_cluster_ics_id_id_fk" FOREIGN KEY ("ics_id","cluster_id") REFERENCES "public"."cluster"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mdt_meeting" ADD CONSTRAINT "mdt_meeting_ics_id_chair_id_professional_ics_id_id_fk" FOREIGN KEY ("ics_id","chair_id") REFERENCES "public"."professional"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mdt_member" ADD CONSTRAINT "mdt_member_ics_id_meeting_id_mdt_meeting_ics_id_id_fk" FOREIGN KEY ("ics_id","meeting_id") REFERENCES "public"."mdt_meeting"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mdt_member" ADD CONSTRAINT "mdt_member_ics_id_professional_id_professional_ics_id_id_fk" FOREIGN KEY ("ics_id","professional_id") REFERENCES "public"."professional"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "mdt_case_meeting_idx" ON "mdt_case" USING btree ("ics_id","meeting_id","position");--> statement-breakpoint
CREATE INDEX "mdt_case_child_idx" ON "mdt_case" USING btree ("ics_id","child_id");--> statement-breakpoint
CREATE INDEX "mdt_meeting_cluster_idx" ON "mdt_meeting" USING btree ("ics_id","cluster_id","starts_at");--> statement-breakpoint
CREATE INDEX "mdt_meeting_series_idx" ON "mdt_meeting" USING btree ("ics_id","series_id");--> statement-breakpoint
CREATE INDEX "mdt_member_professional_idx" ON "mdt_member" USING btree ("ics_id","professional_id");