-- What a FHIR sender sent that Joinery's columns do not hold, kept as sent
-- and given back on every read (docs/decisions/0019): every coding of a
-- code, an observation's components and category, exact times, links to the
-- encounter, a vaccine's lot, site and route, an encounter's own class and
-- type, an organisation's type codes. Null for what pages and the generator
-- wrote. Nullable columns with no default: adding them rewrites no rows.
ALTER TABLE "record_entry" ADD COLUMN IF NOT EXISTS "as_sent" jsonb;--> statement-breakpoint
ALTER TABLE "contact" ADD COLUMN IF NOT EXISTS "as_sent" jsonb;--> statement-breakpoint
-- A fed encounter's FHIR status. Null: it took place (everything recorded
-- before). planned, cancelled, entered-in-error and unknown are kept and
-- served over FHIR but are not attendances: not on the timeline, not counted.
ALTER TABLE "contact" ADD COLUMN IF NOT EXISTS "status" text;--> statement-breakpoint
ALTER TABLE "organisation" ADD COLUMN IF NOT EXISTS "as_sent" jsonb;
