-- Scheduled jobs (src/platform/jobs/): one row per job says when it is next
-- due and which run holds it. A runner claims a job by updating its row
-- under the row's lock, so of two processes that race for it exactly one
-- wins; the claim is a lease the running process renews, so a crashed run is
-- taken over once its lease lapses. Jobs serve every ICS (a job opens each
-- ICS's tenant transaction itself), so these two tables are platform data.
CREATE TABLE "scheduled_job" (
	"name" text PRIMARY KEY,
	"next_due_at" timestamp with time zone DEFAULT now() NOT NULL,
	"running_run_id" uuid,
	"lease_until" timestamp with time zone,
	CONSTRAINT "scheduled_job_lease_check" CHECK (("running_run_id" IS NULL) = ("lease_until" IS NULL))
);
--> statement-breakpoint
-- Every run, whether the schedule or `joinery jobs run` started it: the clock it ran for, its summary or its error.
CREATE TABLE "scheduled_job_run" (
	"id" uuid PRIMARY KEY,
	"job_name" text NOT NULL,
	"started_by" text NOT NULL,
	"clock" timestamp with time zone NOT NULL,
	"process" text NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"summary" text,
	"error" text,
	CONSTRAINT "scheduled_job_run_started_by_check" CHECK ("started_by" IN ('schedule', 'command'))
);
--> statement-breakpoint
CREATE INDEX "scheduled_job_run_job_idx" ON "scheduled_job_run" USING btree ("job_name","started_at");--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON scheduled_job TO joinery_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON scheduled_job_run TO joinery_app;--> statement-breakpoint
-- A professional's decision at an age milestone, for one grant, kept as a new
-- row each time (never changed): at the ICS's review age, the review with the
-- young person's view; at 16, the young person's consent; at 18, the young
-- person's consent or a court-appointed deputyship. The age milestones job
-- and the door read them.
CREATE TABLE "family_access_review" (
	"ics_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"grant_id" uuid NOT NULL,
	"child_id" uuid NOT NULL,
	"milestone" text NOT NULL,
	"basis" text NOT NULL,
	"note" text NOT NULL,
	"recorded_by" uuid NOT NULL,
	"recorded_by_name" text NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "family_access_review_ics_id_id_pk" PRIMARY KEY("ics_id","id"),
	CONSTRAINT "family_access_review_milestone_check" CHECK ("milestone" IN ('review', '16', '18')),
	CONSTRAINT "family_access_review_basis_check" CHECK (("milestone", "basis") IN (('review', 'young-persons-view'), ('16', 'young-person-consent'),
		('18', 'young-person-consent'), ('18', 'deputyship')))
);
--> statement-breakpoint
ALTER TABLE "family_access_review" ADD CONSTRAINT "family_access_review_grant_fk" FOREIGN KEY ("ics_id","grant_id") REFERENCES "public"."family_access_grant"("ics_id","id");--> statement-breakpoint
ALTER TABLE "family_access_review" ADD CONSTRAINT "family_access_review_child_fk" FOREIGN KEY ("ics_id","child_id") REFERENCES "public"."child"("ics_id","id");--> statement-breakpoint
ALTER TABLE "family_access_review" ADD CONSTRAINT "family_access_review_professional_fk" FOREIGN KEY ("ics_id","recorded_by") REFERENCES "public"."professional"("ics_id","id");--> statement-breakpoint
CREATE INDEX "family_access_review_grant_idx" ON "family_access_review" USING btree ("ics_id","grant_id","milestone","recorded_at");--> statement-breakpoint
-- A notice to a proxy or a young person before an age milestone, shown on their family pages.
-- One per grant, milestone and day: the job may run many times and tells them once.
CREATE TABLE "family_notice" (
	"ics_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"grant_id" uuid NOT NULL,
	"child_id" uuid NOT NULL,
	"milestone" integer NOT NULL,
	"milestone_on" date NOT NULL,
	"body" text NOT NULL,
	"sent_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "family_notice_ics_id_id_pk" PRIMARY KEY("ics_id","id"),
	CONSTRAINT "family_notice_milestone_check" CHECK ("milestone" BETWEEN 11 AND 18)
);
--> statement-breakpoint
ALTER TABLE "family_notice" ADD CONSTRAINT "family_notice_grant_fk" FOREIGN KEY ("ics_id","grant_id") REFERENCES "public"."family_access_grant"("ics_id","id");--> statement-breakpoint
ALTER TABLE "family_notice" ADD CONSTRAINT "family_notice_child_fk" FOREIGN KEY ("ics_id","child_id") REFERENCES "public"."child"("ics_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "family_notice_once_idx" ON "family_notice" USING btree ("ics_id","grant_id","milestone","milestone_on");--> statement-breakpoint
SELECT joinery_tenant_table('family_access_review');--> statement-breakpoint
SELECT joinery_tenant_table('family_notice');--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON family_access_review FROM joinery_app;--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON family_notice FROM joinery_app;--> statement-breakpoint
CREATE TRIGGER frozen_record_guard BEFORE INSERT ON family_access_review FOR EACH ROW EXECUTE FUNCTION joinery_refuse_frozen_write('child_id');--> statement-breakpoint
-- Whether "who has looked at my record" names the staff who looked, or only their role and organisation.
ALTER TABLE "family_setting" ADD COLUMN "hide_staff_names" boolean DEFAULT false NOT NULL;
