-- A referral decided "discuss at the hub MDT" remembers the case it was brought as,
-- so its page can follow the discussion to its outcome and letter.
ALTER TABLE "referral" ADD COLUMN "mdt_case_id" uuid;--> statement-breakpoint
ALTER TABLE "referral" ADD CONSTRAINT "referral_ics_id_mdt_case_id_mdt_case_ics_id_id_fk" FOREIGN KEY ("ics_id","mdt_case_id") REFERENCES "public"."mdt_case"("ics_id","id") ON DELETE no action ON UPDATE no action;
