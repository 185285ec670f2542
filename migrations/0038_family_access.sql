-- Families' own door (issue 16): proxy access for parents and carers, and a
-- young person's own access, each granted by a professional, never claimed.
-- The grant row holds the access as it stands now (version: stale writes are
-- refused); family_access_event keeps every change and is never overwritten.
-- A parent or carer's NHS number and date of birth, as the practice verified them: what a proxy grant matches NHS login against.
ALTER TABLE "related_person" ADD COLUMN "nhs_number" text;--> statement-breakpoint
ALTER TABLE "related_person" ADD COLUMN "date_of_birth" date;--> statement-breakpoint
ALTER TABLE "related_person" ADD CONSTRAINT "related_person_nhs_number_check" CHECK ("nhs_number" ~ '^[0-9]{10}$');--> statement-breakpoint
CREATE TABLE "family_access_grant" (
	"ics_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"child_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"related_person_id" uuid,
	"nhs_number" text NOT NULL,
	"date_of_birth" date NOT NULL,
	"basis" text,
	"evidence_note" text,
	"may_see" text[] NOT NULL,
	"granted_by" uuid NOT NULL,
	"granted_by_name" text NOT NULL,
	"granted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ends_on" date,
	"status" text DEFAULT 'active' NOT NULL,
	"status_reason" text,
	"young_person_agreed_on" date,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "family_access_grant_ics_id_id_pk" PRIMARY KEY("ics_id","id"),
	CONSTRAINT "family_access_grant_kind_check" CHECK ("kind" IN ('proxy', 'own-access')),
	CONSTRAINT "family_access_grant_status_check" CHECK ("status" IN ('active', 'suspended', 'ended')),
	CONSTRAINT "family_access_grant_nhs_number_check" CHECK ("nhs_number" ~ '^[0-9]{10}$'),
	-- A proxy is always a recorded adult with checked evidence of parental responsibility (H027).
	CONSTRAINT "family_access_grant_proxy_check" CHECK (("kind" = 'proxy') = ("related_person_id" IS NOT NULL AND "basis" IS NOT NULL)),
	CONSTRAINT "family_access_grant_basis_check" CHECK ("basis" IS NULL OR "basis" IN
		('birth-certificate', 'adoption-certificate', 'parental-order', 'pr-agreement', 'court-order', 'corporate-parent')),
	CONSTRAINT "family_access_grant_may_see_check" CHECK ("may_see" <@ ARRAY['appointments', 'plan', 'letters', 'advice', 'messages']::text[])
);
--> statement-breakpoint
ALTER TABLE "family_access_grant" ADD CONSTRAINT "family_access_grant_ics_id_child_id_child_ics_id_id_fk" FOREIGN KEY ("ics_id","child_id") REFERENCES "public"."child"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "family_access_grant" ADD CONSTRAINT "family_access_grant_ics_id_related_person_id_related_person_ics_id_id_fk" FOREIGN KEY ("ics_id","related_person_id") REFERENCES "public"."related_person"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "family_access_grant" ADD CONSTRAINT "family_access_grant_ics_id_granted_by_professional_ics_id_id_fk" FOREIGN KEY ("ics_id","granted_by") REFERENCES "public"."professional"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "family_access_grant_person_idx" ON "family_access_grant" USING btree ("ics_id","nhs_number","date_of_birth");--> statement-breakpoint
CREATE INDEX "family_access_grant_child_idx" ON "family_access_grant" USING btree ("ics_id","child_id");--> statement-breakpoint
-- One live access of each kind per person and child: a new grant follows an ended one.
CREATE UNIQUE INDEX "family_access_grant_live_idx" ON "family_access_grant" USING btree ("ics_id","child_id","nhs_number") WHERE "status" <> 'ended';--> statement-breakpoint
CREATE TABLE "family_access_event" (
	"ics_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"grant_id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"by_professional_id" uuid,
	"by_name" text NOT NULL,
	"change" text NOT NULL,
	"status" text NOT NULL,
	"may_see" text[] NOT NULL,
	"ends_on" date,
	"reason" text,
	CONSTRAINT "family_access_event_ics_id_id_pk" PRIMARY KEY("ics_id","id")
);
--> statement-breakpoint
ALTER TABLE "family_access_event" ADD CONSTRAINT "family_access_event_ics_id_grant_id_family_access_grant_ics_id_id_fk" FOREIGN KEY ("ics_id","grant_id") REFERENCES "public"."family_access_grant"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "family_access_event_grant_idx" ON "family_access_event" USING btree ("ics_id","grant_id","at");--> statement-breakpoint
-- Competence (Gillick; Fraser for contraception advice) for one decision: a new row each time, never changed.
CREATE TABLE "competence_assessment" (
	"ics_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"child_id" uuid NOT NULL,
	"decision" text NOT NULL,
	"framework" text NOT NULL,
	"outcome" text NOT NULL,
	"understood" text NOT NULL,
	"assessed_by" uuid NOT NULL,
	"assessed_by_name" text NOT NULL,
	"assessed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "competence_assessment_ics_id_id_pk" PRIMARY KEY("ics_id","id"),
	CONSTRAINT "competence_assessment_decision_check" CHECK ("decision" IN ('own-access', 'contraception-advice', 'treatment')),
	CONSTRAINT "competence_assessment_framework_check" CHECK ("framework" IN ('gillick', 'fraser')),
	CONSTRAINT "competence_assessment_outcome_check" CHECK ("outcome" IN ('competent', 'not-yet-competent'))
);
--> statement-breakpoint
ALTER TABLE "competence_assessment" ADD CONSTRAINT "competence_assessment_ics_id_child_id_child_ics_id_id_fk" FOREIGN KEY ("ics_id","child_id") REFERENCES "public"."child"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "competence_assessment" ADD CONSTRAINT "competence_assessment_ics_id_assessed_by_professional_ics_id_id_fk" FOREIGN KEY ("ics_id","assessed_by") REFERENCES "public"."professional"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "competence_assessment_child_idx" ON "competence_assessment" USING btree ("ics_id","child_id","decision","assessed_at");--> statement-breakpoint
-- An item a young person with their own access asked to keep from their parents.
CREATE TABLE "family_hidden_item" (
	"ics_id" uuid NOT NULL,
	"child_id" uuid NOT NULL,
	"item_kind" text NOT NULL,
	"item_id" uuid NOT NULL,
	"hidden_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "family_hidden_item_pk" PRIMARY KEY("ics_id","child_id","item_kind","item_id"),
	CONSTRAINT "family_hidden_item_kind_check" CHECK ("item_kind" IN ('letter', 'appointment'))
);
--> statement-breakpoint
ALTER TABLE "family_hidden_item" ADD CONSTRAINT "family_hidden_item_ics_id_child_id_child_ics_id_id_fk" FOREIGN KEY ("ics_id","child_id") REFERENCES "public"."child"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
SELECT joinery_tenant_table('family_access_grant');--> statement-breakpoint
SELECT joinery_tenant_table('family_access_event');--> statement-breakpoint
SELECT joinery_tenant_table('competence_assessment');--> statement-breakpoint
SELECT joinery_tenant_table('family_hidden_item');--> statement-breakpoint
-- History and assessments are append-only for the application.
REVOKE UPDATE, DELETE, TRUNCATE ON family_access_event FROM joinery_app;--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON competence_assessment FROM joinery_app;--> statement-breakpoint
CREATE TRIGGER frozen_record_guard BEFORE INSERT OR UPDATE OR DELETE ON family_access_grant FOR EACH ROW EXECUTE FUNCTION joinery_refuse_frozen_write('child_id');--> statement-breakpoint
CREATE TRIGGER frozen_record_guard BEFORE INSERT ON competence_assessment FOR EACH ROW EXECUTE FUNCTION joinery_refuse_frozen_write('child_id');--> statement-breakpoint
CREATE TRIGGER frozen_record_guard BEFORE INSERT OR UPDATE OR DELETE ON family_hidden_item FOR EACH ROW EXECUTE FUNCTION joinery_refuse_frozen_write('child_id');--> statement-breakpoint
-- NHS login gives a verified NHS number and date of birth before the ICS is known:
-- this finds the ICSs in which that person has been granted access, and nothing else.
CREATE OR REPLACE FUNCTION joinery_family_lookup(p_nhs_number text, p_birthdate date)
  RETURNS TABLE (ics_id uuid)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
  AS $$ SELECT DISTINCT g.ics_id FROM family_access_grant g WHERE g.nhs_number = p_nhs_number AND g.date_of_birth = p_birthdate $$;--> statement-breakpoint
REVOKE ALL ON FUNCTION joinery_family_lookup(text, date) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION joinery_family_lookup(text, date) TO joinery_app;
