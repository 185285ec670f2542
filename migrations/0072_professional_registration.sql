-- A professional's number on their statutory register (GMC for doctors, NMC
-- for nurses and health visitors, HCPC for allied health professionals and
-- psychologists), served on FHIR Practitioner under the UK Core identifier
-- system for that register, so a receiving system can tell who a clinician
-- is (issue 21). Null for roles with no such register (administrators,
-- education, youth justice) and for people added before it was asked.
ALTER TABLE "professional" ADD COLUMN "registration_system" text;--> statement-breakpoint
ALTER TABLE "professional" ADD COLUMN "registration_number" text;--> statement-breakpoint
ALTER TABLE "professional" ADD CONSTRAINT "professional_registration_whole" CHECK (("registration_system" IS NULL) = ("registration_number" IS NULL));
