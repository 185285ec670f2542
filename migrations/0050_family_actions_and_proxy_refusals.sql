-- Family pages (issue 16): the care plan's actions that are the family's to do,
-- which they mark done on their own pages, and a professional's refusal of a
-- proxy (a birth parent of a looked-after child) kept with its reason.
CREATE TABLE "care_plan_family_action" (
	"ics_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"plan_id" uuid NOT NULL,
	"child_id" uuid NOT NULL,
	"description" text NOT NULL,
	"owner" text NOT NULL,
	"private_to_young_person" boolean DEFAULT false NOT NULL,
	"due_on" date,
	"added_by" uuid NOT NULL,
	"added_by_name" text NOT NULL,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	"done_at" timestamp with time zone,
	"done_by_name" text,
	CONSTRAINT "care_plan_family_action_ics_id_id_pk" PRIMARY KEY("ics_id","id"),
	CONSTRAINT "care_plan_family_action_owner_check" CHECK ("owner" IN ('parent-or-carer', 'young-person')),
	CONSTRAINT "care_plan_family_action_private_check" CHECK (NOT "private_to_young_person" OR "owner" = 'young-person')
);
--> statement-breakpoint
ALTER TABLE "care_plan_family_action" ADD CONSTRAINT "care_plan_family_action_ics_id_plan_id_care_plan_ics_id_id_fk" FOREIGN KEY ("ics_id","plan_id") REFERENCES "public"."care_plan"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "care_plan_family_action" ADD CONSTRAINT "care_plan_family_action_ics_id_child_id_child_ics_id_id_fk" FOREIGN KEY ("ics_id","child_id") REFERENCES "public"."child"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "care_plan_family_action" ADD CONSTRAINT "care_plan_family_action_ics_id_added_by_professional_ics_id_id_fk" FOREIGN KEY ("ics_id","added_by") REFERENCES "public"."professional"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "care_plan_family_action_plan_idx" ON "care_plan_family_action" USING btree ("ics_id","plan_id");--> statement-breakpoint
CREATE TABLE "family_access_refusal" (
	"ics_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"child_id" uuid NOT NULL,
	"related_person_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"refused_by" uuid NOT NULL,
	"refused_by_name" text NOT NULL,
	"refused_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "family_access_refusal_ics_id_id_pk" PRIMARY KEY("ics_id","id")
);
--> statement-breakpoint
ALTER TABLE "family_access_refusal" ADD CONSTRAINT "family_access_refusal_ics_id_child_id_child_ics_id_id_fk" FOREIGN KEY ("ics_id","child_id") REFERENCES "public"."child"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "family_access_refusal" ADD CONSTRAINT "family_access_refusal_ics_id_related_person_id_related_person_ics_id_id_fk" FOREIGN KEY ("ics_id","related_person_id") REFERENCES "public"."related_person"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "family_access_refusal" ADD CONSTRAINT "family_access_refusal_ics_id_refused_by_professional_ics_id_id_fk" FOREIGN KEY ("ics_id","refused_by") REFERENCES "public"."professional"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "family_access_refusal_child_idx" ON "family_access_refusal" USING btree ("ics_id","child_id","refused_at");--> statement-breakpoint
SELECT joinery_tenant_table('care_plan_family_action');--> statement-breakpoint
SELECT joinery_tenant_table('family_access_refusal');--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON family_access_refusal FROM joinery_app;
