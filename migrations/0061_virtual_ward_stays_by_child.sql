-- The door asks, for each child on the caseload, whether the actor works on the ward that child is on
-- (ambulatory/relationship.ts): a stay found by its child, live or ended in the last week. The partial
-- index of live stays cannot answer the ended ones, so every child's check scanned the ward's history.
CREATE INDEX "ward_episode_child_idx" ON "ward_episode" USING btree ("ics_id","child_id");
