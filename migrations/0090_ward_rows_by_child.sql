-- Issue 23 (decision 0042): the virtual ward's observation sets, visits and
-- escalations are read by child for every FHIR Observation, Encounter and Flag
-- search and for $everything, but were indexed only by episode, so each such
-- read scanned the ICS's whole table (6,362 observation sets on the 20,000-child
-- bench ICS: 13 ms a search, growing with every stay).
CREATE INDEX "ward_observation_child_idx" ON "ward_observation" USING btree ("ics_id","child_id","observed_at");
--> statement-breakpoint
CREATE INDEX "ward_visit_child_idx" ON "ward_visit" USING btree ("ics_id","child_id","due_at");
--> statement-breakpoint
CREATE INDEX "ward_escalation_child_idx" ON "ward_escalation" USING btree ("ics_id","child_id","raised_at");
