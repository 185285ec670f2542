-- A young person without their own access in Joinery cannot be sent an age
-- milestone notice here. The age milestones job asks their GP practice to
-- tell them instead (a worklist item) and keeps one row per milestone, so
-- each is asked for once however often the job runs.
CREATE TABLE "young_person_milestone_notice" (
	"ics_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"child_id" uuid NOT NULL,
	"milestone" integer NOT NULL,
	"milestone_on" date NOT NULL,
	"body" text NOT NULL,
	"told_by" text NOT NULL,
	"sent_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "young_person_milestone_notice_ics_id_id_pk" PRIMARY KEY("ics_id","id"),
	CONSTRAINT "young_person_milestone_notice_milestone_check" CHECK ("milestone" BETWEEN 11 AND 18),
	CONSTRAINT "young_person_milestone_notice_told_by_check" CHECK ("told_by" IN ('registered-practice', 'granting-professional'))
);
--> statement-breakpoint
ALTER TABLE "young_person_milestone_notice" ADD CONSTRAINT "young_person_milestone_notice_child_fk" FOREIGN KEY ("ics_id","child_id") REFERENCES "public"."child"("ics_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "young_person_milestone_notice_once_idx" ON "young_person_milestone_notice" USING btree ("ics_id","child_id","milestone","milestone_on");--> statement-breakpoint
SELECT joinery_tenant_table('young_person_milestone_notice');--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON young_person_milestone_notice FROM joinery_app;
