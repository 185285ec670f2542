-- The register of care models (issue 22): what each model the ICS runs is, how it is
-- configured (comparable attributes), the mechanisms it is meant to work by and its logic
-- model (indicators that should move early, outcomes later). Where and when it started in
-- each hub stays in care_model_implementation, which the evaluation reads.
CREATE TABLE "care_model" (
	"ics_id" uuid NOT NULL,
	"name" text NOT NULL,
	"title" text NOT NULL,
	"type" text NOT NULL,
	"configuration" jsonb NOT NULL,
	"mechanisms" jsonb NOT NULL,
	"early_indicators" jsonb NOT NULL,
	"final_outcomes" jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"changed_by" uuid,
	"changed_by_name" text NOT NULL,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "care_model_ics_id_name_pk" PRIMARY KEY("ics_id","name"),
	CONSTRAINT "care_model_type_check" CHECK ("type" IN ('child-health-hub', 'cluster-clinic', 'advice-line', 'virtual-ward', 'mdt-care-planning', 'other'))
);
--> statement-breakpoint
SELECT joinery_tenant_table('care_model');
--> statement-breakpoint
-- Every model already recorded as started becomes a register entry, to be described by the ICS.
INSERT INTO "care_model" ("ics_id", "name", "title", "type", "configuration", "mechanisms", "early_indicators", "final_outcomes", "changed_by_name")
SELECT DISTINCT ics_id, model, model,
       CASE WHEN model LIKE '%hub%' THEN 'child-health-hub'
            WHEN model LIKE '%cluster%' THEN 'cluster-clinic'
            WHEN model LIKE '%advice%' THEN 'advice-line'
            WHEN model LIKE '%ward%' THEN 'virtual-ward'
            WHEN model LIKE '%mdt%' THEN 'mdt-care-planning'
            ELSE 'other' END,
       '{}'::jsonb, '[]'::jsonb, '[]'::jsonb, '[]'::jsonb, 'Recorded start (migration 0054)'
  FROM care_model_implementation
ON CONFLICT DO NOTHING;
