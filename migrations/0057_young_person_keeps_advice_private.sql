-- A young person with their own access may keep advice sent to them from
-- their parents, as they may a letter or an appointment.
ALTER TABLE "family_hidden_item" DROP CONSTRAINT "family_hidden_item_kind_check";--> statement-breakpoint
ALTER TABLE "family_hidden_item" ADD CONSTRAINT "family_hidden_item_kind_check" CHECK ("item_kind" IN ('letter', 'appointment', 'advice'));
