-- The integration checklist (issue 22): items in nine areas, loaded by the ICS from the
-- published checklist (a placeholder set in our own words until then), and the scores people
-- give them for the ICS as a whole or one hub. Scores are only ever added: the history is the
-- table, and two people's latest scores that differ show as a disagreement.
CREATE TABLE "integration_checklist_item" (
	"ics_id" uuid NOT NULL,
	"id" text NOT NULL,
	"area" text NOT NULL,
	"wording" text NOT NULL,
	"position" integer NOT NULL,
	"placeholder" boolean NOT NULL,
	CONSTRAINT "integration_checklist_item_ics_id_id_pk" PRIMARY KEY("ics_id","id")
);
--> statement-breakpoint
SELECT joinery_tenant_table('integration_checklist_item');
--> statement-breakpoint
CREATE TABLE "integration_checklist_score" (
	"ics_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"item_id" text NOT NULL,
	"cluster_id" uuid,
	"rating" text NOT NULL,
	"evidence" text NOT NULL,
	"owner" text NOT NULL,
	"action" text NOT NULL,
	"scored_on" date NOT NULL,
	"scored_by" uuid NOT NULL,
	"scored_by_name" text NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "integration_checklist_score_ics_id_id_pk" PRIMARY KEY("ics_id","id"),
	CONSTRAINT "integration_checklist_score_item_fk" FOREIGN KEY ("ics_id","item_id") REFERENCES "public"."integration_checklist_item"("ics_id","id"),
	CONSTRAINT "integration_checklist_score_cluster_fk" FOREIGN KEY ("ics_id","cluster_id") REFERENCES "public"."cluster"("ics_id","id"),
	CONSTRAINT "integration_checklist_score_rating_check" CHECK ("rating" IN ('red', 'amber', 'green'))
);
--> statement-breakpoint
SELECT joinery_tenant_table('integration_checklist_score');
--> statement-breakpoint
CREATE INDEX "integration_checklist_score_item_idx" ON "integration_checklist_score" USING btree ("ics_id","item_id","scored_on");
