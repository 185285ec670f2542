-- Every reveal of sensitive entries is reviewed by a privacy officer, as emergency access is.
ALTER TABLE "sensitive_reveal" ADD COLUMN "reviewed_by" uuid;--> statement-breakpoint
ALTER TABLE "sensitive_reveal" ADD COLUMN "reviewed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "sensitive_reveal" ADD COLUMN "review_outcome" text;--> statement-breakpoint
ALTER TABLE "sensitive_reveal" ADD COLUMN "review_note" text;--> statement-breakpoint
CREATE INDEX "sensitive_reveal_review_idx" ON "sensitive_reveal" USING btree ("ics_id","reviewed_at");--> statement-breakpoint
-- Owning an action is now a relationship of its own, computed from the task: the care-team places
-- that giving or taking an action used to create end here, and with them the access they gave.
UPDATE "care_team_member" SET "ended_at" = now()
 WHERE "ended_at" IS NULL AND "role_in_team" IN ('Care plan action owner', 'Action owner', 'MDT action owner');
--> statement-breakpoint
-- A record extract sent with a referral keeps its entry's sensitive marking and recording team.
ALTER TABLE "referral_message" ADD COLUMN "entry_id" uuid;--> statement-breakpoint
ALTER TABLE "referral_message" ADD COLUMN "sensitive_category" text;--> statement-breakpoint
ALTER TABLE "referral_message" ADD COLUMN "recording_organisation_id" uuid;
