CREATE TABLE "activity_event" (
	"ics_id" uuid NOT NULL,
	"id" bigserial NOT NULL,
	"child_id" uuid NOT NULL,
	"type" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"month" date NOT NULL,
	"age_years" smallint NOT NULL,
	"practice_id" uuid NOT NULL,
	"cluster_id" uuid,
	"organisation_id" uuid,
	"site_id" uuid,
	"reason_code" text,
	"emergency" boolean,
	"bed_days" smallint,
	"first_attendance" boolean,
	"source_system" text,
	"source_id" text,
	CONSTRAINT "activity_event_ics_id_id_pk" PRIMARY KEY("ics_id","id")
);
--> statement-breakpoint
CREATE TABLE "care_model_implementation" (
	"ics_id" uuid NOT NULL,
	"model" text NOT NULL,
	"cluster_id" uuid NOT NULL,
	"start_month" date NOT NULL,
	"ramp_months" integer DEFAULT 0 NOT NULL,
	"effects" jsonb,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "care_model_implementation_ics_id_model_cluster_id_pk" PRIMARY KEY("ics_id","model","cluster_id")
);
--> statement-breakpoint
CREATE TABLE "case_finding_rule" (
	"ics_id" uuid NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"criteria" jsonb NOT NULL,
	"window_months" integer DEFAULT 12 NOT NULL,
	"cohort" text,
	"no_hub_contact" boolean DEFAULT false NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"changed_by" uuid NOT NULL,
	"changed_by_name" text NOT NULL,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "case_finding_rule_ics_id_id_pk" PRIMARY KEY("ics_id","id")
);
--> statement-breakpoint
CREATE TABLE "indicator_definition" (
	"ics_id" uuid NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"numerator" text NOT NULL,
	"denominator" text NOT NULL,
	"unit" text NOT NULL,
	"improvement" text NOT NULL,
	"target" numeric,
	"target_source" text,
	"changed_by" uuid NOT NULL,
	"changed_by_name" text NOT NULL,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "indicator_definition_ics_id_id_pk" PRIMARY KEY("ics_id","id")
);
--> statement-breakpoint
CREATE TABLE "population_rollup" (
	"ics_id" uuid NOT NULL,
	"measure" text NOT NULL,
	"dimension" text NOT NULL,
	"month" date NOT NULL,
	"practice_id" uuid NOT NULL,
	"cluster_id" uuid,
	"category" text NOT NULL,
	"value" numeric NOT NULL,
	CONSTRAINT "population_rollup_ics_id_measure_dimension_month_practice_id_category_pk" PRIMARY KEY("ics_id","measure","dimension","month","practice_id","category")
);
--> statement-breakpoint
ALTER TABLE "activity_event" ADD CONSTRAINT "activity_event_ics_id_child_id_child_ics_id_id_fk" FOREIGN KEY ("ics_id","child_id") REFERENCES "public"."child"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "care_model_implementation" ADD CONSTRAINT "care_model_implementation_ics_id_cluster_id_cluster_ics_id_id_fk" FOREIGN KEY ("ics_id","cluster_id") REFERENCES "public"."cluster"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "activity_event_month_idx" ON "activity_event" USING btree ("ics_id","month","type");--> statement-breakpoint
CREATE INDEX "activity_event_child_idx" ON "activity_event" USING btree ("ics_id","child_id","occurred_at");--> statement-breakpoint
CREATE UNIQUE INDEX "activity_event_source_idx" ON "activity_event" USING btree ("ics_id","source_system","source_id");