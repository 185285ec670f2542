-- A school's Unique Reference Number from the Department for Education's
-- register (Get Information about Schools), served on FHIR Organization under
-- UK Core's school-number system rather than as an ODS code (issue 21). Most
-- schools have no ODS code: for those, the organisation's code on Joinery's
-- pages (ods_code) is the URN itself, and FHIR serves no ODS identifier.
-- Schools made before this column came carried their URN as their code.
ALTER TABLE "organisation" ADD COLUMN "dfe_urn" text;--> statement-breakpoint
ALTER TABLE "organisation" ADD CONSTRAINT "organisation_dfe_urn_form" CHECK ("dfe_urn" IS NULL OR "dfe_urn" ~ '^[0-9]{6}$');--> statement-breakpoint
CREATE UNIQUE INDEX "organisation_dfe_urn_idx" ON "organisation" USING btree ("ics_id","dfe_urn");--> statement-breakpoint
UPDATE "organisation" SET "dfe_urn" = "ods_code" WHERE "kind" = 'school' AND "ods_code" ~ '^[0-9]{6}$';
