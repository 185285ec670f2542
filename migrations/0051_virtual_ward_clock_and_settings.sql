-- The escalation clock runs as a scheduled job: a missed-observation alert is an escalation that names the
-- observations' due time, raised at most once for each due time of each stay (two runs at once raise one).
ALTER TABLE "ward_escalation" ADD COLUMN "missed_observations_due_at" timestamp with time zone;
--> statement-breakpoint
CREATE UNIQUE INDEX "ward_escalation_missed_once_idx" ON "ward_escalation" USING btree ("ics_id","episode_id","missed_observations_due_at") WHERE "missed_observations_due_at" IS NOT NULL;
--> statement-breakpoint
-- Every change an administrator makes to the ward's pathways, response timers and rota, kept with what it was before.
CREATE TABLE "ward_setting_change" (
	"ics_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"ward_id" uuid NOT NULL,
	"subject" text NOT NULL,
	"subject_id" text,
	"before" jsonb,
	"after" jsonb NOT NULL,
	"changed_by" uuid NOT NULL,
	"changed_by_name" text NOT NULL,
	"changed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "ward_setting_change_ics_id_id_pk" PRIMARY KEY("ics_id","id"),
	CONSTRAINT "ward_setting_change_ward_fk" FOREIGN KEY ("ics_id","ward_id") REFERENCES "public"."virtual_ward"("ics_id","id"),
	CONSTRAINT "ward_setting_change_subject_check" CHECK ("subject" IN ('pathway', 'responses', 'rota'))
);
--> statement-breakpoint
CREATE INDEX "ward_setting_change_ward_idx" ON "ward_setting_change" USING btree ("ics_id","ward_id","changed_at");
--> statement-breakpoint
SELECT joinery_tenant_table('ward_setting_change');
--> statement-breakpoint
-- The history is append-only for the application.
REVOKE UPDATE, DELETE, TRUNCATE ON ward_setting_change FROM joinery_app;
