-- Advice may be sent from an MDT outcome (0048) and at discharge from the
-- virtual ward (0051): each of those migrations rewrote the source check with
-- only its own new value, so whichever ran second dropped the other's. This
-- allows every place advice is sent from.
ALTER TABLE "advice_sending" DROP CONSTRAINT "advice_sending_source_check";--> statement-breakpoint
ALTER TABLE "advice_sending" ADD CONSTRAINT "advice_sending_source_check" CHECK ("source" IN ('child-page', 'triage', 'mdt', 'virtual-ward-discharge'));
