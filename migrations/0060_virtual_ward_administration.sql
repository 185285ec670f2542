-- Issue 17: the ICS edits its virtual ward's pathways, response timers and escalation rota on pages.
-- Every saved pathway is kept as a version; an episode keeps the version it was referred under, so a
-- change (a new frequency of observations, other criteria) applies to new episodes only.
CREATE TABLE "ward_pathway_version" (
	"ics_id" uuid NOT NULL,
	"pathway_id" text NOT NULL,
	"version" integer NOT NULL,
	"name" text NOT NULL,
	"inclusion" jsonb NOT NULL,
	"exclusion" jsonb NOT NULL,
	"observations" jsonb NOT NULL,
	"observe_every_hours" integer NOT NULL,
	"expected_stay_days" integer NOT NULL,
	"discharge_criteria" jsonb NOT NULL,
	"active" boolean NOT NULL,
	"saved_by" uuid,
	"saved_by_name" text NOT NULL,
	"saved_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ward_pathway_version_pk" PRIMARY KEY("ics_id","pathway_id","version"),
	CONSTRAINT "ward_pathway_version_pathway_fk" FOREIGN KEY ("ics_id","pathway_id") REFERENCES "public"."ward_pathway"("ics_id","id"),
	CONSTRAINT "ward_pathway_version_every_check" CHECK ("observe_every_hours" BETWEEN 1 AND 48),
	CONSTRAINT "ward_pathway_version_stay_check" CHECK ("expected_stay_days" BETWEEN 1 AND 60)
);
--> statement-breakpoint
-- The pathways as they stand become their versions (saved by no one: the starting data or an earlier session).
INSERT INTO "ward_pathway_version" ("ics_id", "pathway_id", "version", "name", "inclusion", "exclusion", "observations", "observe_every_hours",
	"expected_stay_days", "discharge_criteria", "active", "saved_by", "saved_by_name")
SELECT "ics_id", "id", "version", "name", "inclusion", "exclusion", "observations", "observe_every_hours", "expected_stay_days", "discharge_criteria", "active",
	NULL, 'Joinery (starting pathways)' FROM "ward_pathway";
--> statement-breakpoint
ALTER TABLE "ward_episode" ADD COLUMN "pathway_version" integer;
--> statement-breakpoint
UPDATE "ward_episode" e SET "pathway_version" = p."version" FROM "ward_pathway" p WHERE p."ics_id" = e."ics_id" AND p."id" = e."pathway_id";
--> statement-breakpoint
ALTER TABLE "ward_episode" ALTER COLUMN "pathway_version" SET NOT NULL;
--> statement-breakpoint
ALTER TABLE "ward_episode" ADD CONSTRAINT "ward_episode_pathway_version_fk" FOREIGN KEY ("ics_id","pathway_id","pathway_version") REFERENCES "public"."ward_pathway_version"("ics_id","pathway_id","version");
--> statement-breakpoint
-- What an administrator or the clinical lead changed in the ward's response timers or rota: before and after, by whom, when.
CREATE TABLE "ward_setting_change" (
	"ics_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"ward_id" uuid NOT NULL,
	"setting" text NOT NULL,
	"before" jsonb NOT NULL,
	"after" jsonb NOT NULL,
	"changed_by" uuid NOT NULL,
	"changed_by_name" text NOT NULL,
	"saved_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ward_setting_change_pk" PRIMARY KEY("ics_id","id"),
	CONSTRAINT "ward_setting_change_ward_fk" FOREIGN KEY ("ics_id","ward_id") REFERENCES "public"."virtual_ward"("ics_id","id"),
	CONSTRAINT "ward_setting_change_setting_check" CHECK ("setting" IN ('responses', 'rota'))
);
--> statement-breakpoint
CREATE INDEX "ward_setting_change_ward_idx" ON "ward_setting_change" USING btree ("ics_id","ward_id","saved_at");
--> statement-breakpoint
SELECT joinery_tenant_table('ward_pathway_version');
--> statement-breakpoint
SELECT joinery_tenant_table('ward_setting_change');
--> statement-breakpoint
-- History is never rewritten.
REVOKE UPDATE, DELETE, TRUNCATE ON ward_pathway_version FROM joinery_app;
--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON ward_setting_change FROM joinery_app;
