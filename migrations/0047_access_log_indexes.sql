-- The privacy officer's ICS-wide access log reads the newest events first and
-- lists the actions and organisations that occur in it; without these each
-- view scanned the whole audit table.
CREATE INDEX IF NOT EXISTS "audit_at_idx" ON "audit_event" USING btree ("ics_id","at");--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "audit_action_idx" ON "audit_event" USING btree ("ics_id","action");--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "audit_organisation_idx" ON "audit_event" USING btree ("ics_id","organisation_id");
