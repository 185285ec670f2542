CREATE TABLE "record_letter" (
	"ics_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"child_id" uuid NOT NULL,
	"title" text NOT NULL,
	"body" jsonb NOT NULL,
	"source" text NOT NULL,
	"source_id" uuid,
	"filed_by" uuid NOT NULL,
	"filed_by_name" text NOT NULL,
	"filed_by_organisation_id" uuid NOT NULL,
	"filed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "record_letter_ics_id_id_pk" PRIMARY KEY("ics_id","id")
);
--> statement-breakpoint
ALTER TABLE "record_letter" ADD CONSTRAINT "record_letter_ics_id_child_id_child_ics_id_id_fk" FOREIGN KEY ("ics_id","child_id") REFERENCES "public"."child"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "record_letter_child_idx" ON "record_letter" USING btree ("ics_id","child_id","filed_at");