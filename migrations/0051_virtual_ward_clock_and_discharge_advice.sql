-- The escalation clock runs as a scheduled job: a missed-observation alert is an escalation that names the
-- observations' due time, raised at most once for each due time of each stay (two runs at once raise one).
ALTER TABLE "ward_escalation" ADD COLUMN "missed_observations_due_at" timestamp with time zone;
--> statement-breakpoint
CREATE UNIQUE INDEX "ward_escalation_missed_once_idx" ON "ward_escalation" USING btree ("ics_id","episode_id","missed_observations_due_at") WHERE "missed_observations_due_at" IS NOT NULL;
--> statement-breakpoint
-- Self-care advice is also sent to the family at discharge from the virtual ward.
ALTER TABLE "advice_sending" DROP CONSTRAINT "advice_sending_source_check";
--> statement-breakpoint
ALTER TABLE "advice_sending" ADD CONSTRAINT "advice_sending_source_check" CHECK ("source" IN ('child-page', 'triage', 'virtual-ward-discharge'));
