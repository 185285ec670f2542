DROP INDEX "child_family_name_idx";--> statement-breakpoint
DROP INDEX "child_given_name_idx";--> statement-breakpoint
ALTER TABLE "child" ADD COLUMN "family_name_key" text GENERATED ALWAYS AS (lower(family_name)) STORED;--> statement-breakpoint
ALTER TABLE "child" ADD COLUMN "given_name_key" text GENERATED ALWAYS AS (lower(given_name)) STORED;--> statement-breakpoint
CREATE INDEX "child_family_name_idx" ON "child" USING btree ("ics_id","family_name_key" COLLATE "C","given_name_key" COLLATE "C","date_of_birth","id");--> statement-breakpoint
CREATE INDEX "child_given_name_idx" ON "child" USING btree ("ics_id","given_name_key" COLLATE "C","family_name_key" COLLATE "C","date_of_birth","id");