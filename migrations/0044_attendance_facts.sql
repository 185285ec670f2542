-- One set of facts about a child's attendances: each contact in the record that the
-- population counts (ED, admission, outpatient, GP, community, mental health) has
-- exactly one activity event, written with it and pointing back at it.
ALTER TABLE "activity_event" ADD COLUMN "contact_id" uuid;--> statement-breakpoint
CREATE UNIQUE INDEX "activity_event_contact_idx" ON "activity_event" USING btree ("ics_id","contact_id");--> statement-breakpoint
ALTER TABLE "activity_event" ADD CONSTRAINT "activity_event_ics_id_contact_id_contact_ics_id_id_fk" FOREIGN KEY ("ics_id","contact_id") REFERENCES "public"."contact"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- Pages and FHIR now add an event as they record a contact, as the application role.
GRANT USAGE, SELECT ON SEQUENCE activity_event_id_seq TO joinery_app;
