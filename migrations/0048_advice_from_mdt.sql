-- Advice pages sent with an MDT outcome (issue 18): the source 'mdt', and the
-- case it was sent with. No foreign key to mdt_case: MDT outcomes build on
-- advice, not the other way round (as referral_id for triage).
ALTER TABLE "advice_sending" ADD COLUMN "mdt_case_id" uuid;--> statement-breakpoint
ALTER TABLE "advice_sending" DROP CONSTRAINT "advice_sending_source_check";--> statement-breakpoint
ALTER TABLE "advice_sending" ADD CONSTRAINT "advice_sending_source_check" CHECK ("source" IN ('child-page', 'triage', 'mdt'));
