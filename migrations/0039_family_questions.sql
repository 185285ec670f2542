-- Questions from a family to the care team (issue 16): one thread per question,
-- answered by a professional of the care team within the ICS's stated time.
CREATE TABLE "family_setting" (
	"ics_id" uuid PRIMARY KEY NOT NULL,
	"response_working_days" integer DEFAULT 2 NOT NULL,
	"review_age" integer DEFAULT 13 NOT NULL,
	CONSTRAINT "family_setting_response_check" CHECK ("response_working_days" BETWEEN 1 AND 10),
	CONSTRAINT "family_setting_review_age_check" CHECK ("review_age" BETWEEN 11 AND 13)
);
--> statement-breakpoint
CREATE TABLE "family_question" (
	"ics_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"child_id" uuid NOT NULL,
	"grant_id" uuid NOT NULL,
	"subject" text NOT NULL,
	"asked_at" timestamp with time zone DEFAULT now() NOT NULL,
	"answer_due_at" timestamp with time zone NOT NULL,
	"answered_at" timestamp with time zone,
	CONSTRAINT "family_question_ics_id_id_pk" PRIMARY KEY("ics_id","id")
);
--> statement-breakpoint
ALTER TABLE "family_question" ADD CONSTRAINT "family_question_ics_id_child_id_child_ics_id_id_fk" FOREIGN KEY ("ics_id","child_id") REFERENCES "public"."child"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "family_question" ADD CONSTRAINT "family_question_ics_id_grant_id_family_access_grant_ics_id_id_fk" FOREIGN KEY ("ics_id","grant_id") REFERENCES "public"."family_access_grant"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "family_question_child_idx" ON "family_question" USING btree ("ics_id","child_id","asked_at");--> statement-breakpoint
CREATE INDEX "family_question_open_idx" ON "family_question" USING btree ("ics_id","answer_due_at") WHERE "answered_at" IS NULL;--> statement-breakpoint
CREATE TABLE "family_message" (
	"ics_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"question_id" uuid NOT NULL,
	"from_family" boolean NOT NULL,
	"author_name" text NOT NULL,
	"author_role" text NOT NULL,
	"professional_id" uuid,
	"body" text NOT NULL,
	"sent_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "family_message_ics_id_id_pk" PRIMARY KEY("ics_id","id")
);
--> statement-breakpoint
ALTER TABLE "family_message" ADD CONSTRAINT "family_message_ics_id_question_id_family_question_ics_id_id_fk" FOREIGN KEY ("ics_id","question_id") REFERENCES "public"."family_question"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "family_message" ADD CONSTRAINT "family_message_ics_id_professional_id_professional_ics_id_id_fk" FOREIGN KEY ("ics_id","professional_id") REFERENCES "public"."professional"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "family_message_question_idx" ON "family_message" USING btree ("ics_id","question_id","sent_at");--> statement-breakpoint
SELECT joinery_tenant_table('family_setting');--> statement-breakpoint
SELECT joinery_tenant_table('family_question');--> statement-breakpoint
SELECT joinery_tenant_table('family_message');--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON family_message FROM joinery_app;
