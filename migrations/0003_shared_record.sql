CREATE TABLE "contact" (
	"ics_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"child_id" uuid NOT NULL,
	"type" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	"organisation_id" uuid,
	"site_id" uuid,
	"reason_code" text,
	"reason_display" text,
	"emergency" boolean,
	"sensitive_category" text,
	"recorded_by" uuid,
	"recording_organisation_id" uuid,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	"source_system" text,
	"source_id" text,
	CONSTRAINT "contact_ics_id_id_pk" PRIMARY KEY("ics_id","id")
);
--> statement-breakpoint
CREATE TABLE "record_entry" (
	"ics_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"child_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"code_system" text,
	"code" text,
	"display" text NOT NULL,
	"status" text NOT NULL,
	"started_on" date,
	"ended_on" date,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"sensitive_category" text,
	"recorded_by" uuid,
	"recorded_by_name" text,
	"recording_organisation_id" uuid,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	"source_system" text,
	"source_id" text,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "record_entry_ics_id_id_pk" PRIMARY KEY("ics_id","id")
);
--> statement-breakpoint
CREATE TABLE "record_entry_history" (
	"ics_id" uuid NOT NULL,
	"id" bigserial NOT NULL,
	"entry_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"changed_by" uuid,
	"changed_by_name" text,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"snapshot" jsonb NOT NULL,
	CONSTRAINT "record_entry_history_ics_id_id_pk" PRIMARY KEY("ics_id","id")
);
--> statement-breakpoint
CREATE TABLE "record_freeze" (
	"ics_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"child_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"frozen_by" uuid NOT NULL,
	"frozen_by_organisation_id" uuid NOT NULL,
	"frozen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"lifted_by" uuid,
	"lifted_at" timestamp with time zone,
	CONSTRAINT "record_freeze_ics_id_id_pk" PRIMARY KEY("ics_id","id")
);
--> statement-breakpoint
CREATE TABLE "sensitive_reveal" (
	"ics_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"professional_id" uuid NOT NULL,
	"child_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"granted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "sensitive_reveal_ics_id_id_pk" PRIMARY KEY("ics_id","id")
);
--> statement-breakpoint
CREATE TABLE "worklist_item" (
	"ics_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"professional_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"child_id" uuid,
	"title" text NOT NULL,
	"link" text,
	"details" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"done_at" timestamp with time zone,
	CONSTRAINT "worklist_item_ics_id_id_pk" PRIMARY KEY("ics_id","id")
);
--> statement-breakpoint
DROP TABLE "child_condition" CASCADE;--> statement-breakpoint
ALTER TABLE "contact" ADD CONSTRAINT "contact_ics_id_child_id_child_ics_id_id_fk" FOREIGN KEY ("ics_id","child_id") REFERENCES "public"."child"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "record_entry" ADD CONSTRAINT "record_entry_ics_id_child_id_child_ics_id_id_fk" FOREIGN KEY ("ics_id","child_id") REFERENCES "public"."child"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "contact_child_idx" ON "contact" USING btree ("ics_id","child_id","started_at");--> statement-breakpoint
CREATE INDEX "contact_type_time_idx" ON "contact" USING btree ("ics_id","type","started_at");--> statement-breakpoint
CREATE UNIQUE INDEX "contact_source_idx" ON "contact" USING btree ("ics_id","source_system","source_id");--> statement-breakpoint
CREATE INDEX "record_entry_child_idx" ON "record_entry" USING btree ("ics_id","child_id","kind","started_on");--> statement-breakpoint
CREATE INDEX "record_entry_code_idx" ON "record_entry" USING btree ("ics_id","kind","code");--> statement-breakpoint
CREATE UNIQUE INDEX "record_entry_source_idx" ON "record_entry" USING btree ("ics_id","source_system","source_id");--> statement-breakpoint
CREATE INDEX "record_entry_history_entry_idx" ON "record_entry_history" USING btree ("ics_id","entry_id","version");--> statement-breakpoint
CREATE INDEX "record_freeze_child_idx" ON "record_freeze" USING btree ("ics_id","child_id");--> statement-breakpoint
CREATE INDEX "sensitive_reveal_idx" ON "sensitive_reveal" USING btree ("ics_id","professional_id","child_id","expires_at");--> statement-breakpoint
CREATE INDEX "worklist_open_idx" ON "worklist_item" USING btree ("ics_id","professional_id","done_at","created_at");