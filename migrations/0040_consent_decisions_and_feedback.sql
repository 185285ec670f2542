-- Consent to share becomes a history of decisions (issue 16): each row is one
-- decision (given, refused or withdrawn) for one scope, never changed after.
-- The current decision per scope is the latest; care plans read their
-- audiences from it instead of keeping their own list (decision record 0010).
ALTER TABLE "consent_record" RENAME COLUMN "given_at" TO "decided_at";--> statement-breakpoint
ALTER TABLE "consent_record" ADD COLUMN "decision" text DEFAULT 'given' NOT NULL;--> statement-breakpoint
ALTER TABLE "consent_record" ADD COLUMN "recorded_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "consent_record" ADD COLUMN "competence_judged_by" uuid;--> statement-breakpoint
ALTER TABLE "consent_record" ADD COLUMN "competence_note" text;--> statement-breakpoint
ALTER TABLE "consent_record" ADD CONSTRAINT "consent_record_decision_check" CHECK ("decision" IN ('given', 'refused', 'withdrawn'));--> statement-breakpoint
ALTER TABLE "consent_record" ADD CONSTRAINT "consent_record_ics_id_recorded_by_professional_ics_id_id_fk" FOREIGN KEY ("ics_id","recorded_by") REFERENCES "public"."professional"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consent_record" ADD CONSTRAINT "consent_record_ics_id_competence_judged_by_professional_ics_id_id_fk" FOREIGN KEY ("ics_id","competence_judged_by") REFERENCES "public"."professional"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- A withdrawal was a change to the consent's row; it becomes a decision of its own.
INSERT INTO "consent_record" ("ics_id", "id", "child_id", "scope", "given_by", "given_by_related_person_id", "decided_at", "withdrawn_at", "recorded_by", "decision", "recorded_at")
SELECT "ics_id", gen_random_uuid(), "child_id", "scope", "given_by", "given_by_related_person_id", "withdrawn_at", NULL, "recorded_by", 'withdrawn', "withdrawn_at"
  FROM "consent_record" WHERE "withdrawn_at" IS NOT NULL;--> statement-breakpoint
UPDATE "consent_record" SET "recorded_at" = "decided_at" WHERE "decision" = 'given';--> statement-breakpoint
ALTER TABLE "consent_record" DROP COLUMN "withdrawn_at";--> statement-breakpoint
CREATE INDEX "consent_child_scope_idx" ON "consent_record" USING btree ("ics_id","child_id","scope","decided_at","recorded_at");--> statement-breakpoint
-- A plan's own sharing list was the family's consent as the key worker wrote
-- it down: where the child has no decision for that agency, it becomes one,
-- given by someone the plan did not name, recorded by the key worker.
INSERT INTO "consent_record" ("ics_id", "id", "child_id", "scope", "given_by", "decided_at", "recorded_by", "decision", "recorded_at")
SELECT p."ics_id", gen_random_uuid(), p."child_id", 'share-with-' || a."agency", 'carried-over-from-care-plan', p."created_at", p."key_worker_id", 'given', now()
  FROM "care_plan" p CROSS JOIN LATERAL unnest(p."shared_with") AS a("agency")
 WHERE p."status" <> 'closed'
   AND NOT EXISTS (SELECT 1 FROM "consent_record" r WHERE r."ics_id" = p."ics_id" AND r."child_id" = p."child_id" AND r."scope" = 'share-with-' || a."agency");--> statement-breakpoint
ALTER TABLE "care_plan" DROP COLUMN "shared_with";--> statement-breakpoint
-- Decisions are history: the application may add them, never change or remove one.
REVOKE UPDATE, DELETE ON "consent_record" FROM joinery_app;--> statement-breakpoint
-- The decision that stands for each child and scope: the latest made, and of two
-- made the same moment the later recorded. Row-level security applies through it.
CREATE VIEW "consent_current" WITH (security_invoker = true) AS
SELECT DISTINCT ON ("ics_id", "child_id", "scope")
       "ics_id", "child_id", "scope",
       CASE "scope" WHEN 'share-with-health' THEN 'health' WHEN 'share-with-social-care' THEN 'social-care'
                    WHEN 'share-with-education' THEN 'education' WHEN 'share-with-youth-justice' THEN 'youth-justice' END AS "agency",
       "id", "decision", "decided_at", "given_by", "given_by_related_person_id", "recorded_by", "recorded_at"
  FROM "consent_record"
 ORDER BY "ics_id", "child_id", "scope", "decided_at" DESC, "recorded_at" DESC, "id" DESC;--> statement-breakpoint
GRANT SELECT ON "consent_current" TO joinery_app;--> statement-breakpoint
-- Friends and Family Test: a one-time link handed to the family after a hub
-- clinic, an MDT outcome or an advice answer. Only the token's hash is kept.
CREATE TABLE "feedback_link" (
	"ics_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"token_hash" text NOT NULL,
	"child_id" uuid NOT NULL,
	"cluster_id" uuid NOT NULL,
	"service_kind" text NOT NULL,
	"source_id" uuid NOT NULL,
	"event_date" date NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "feedback_link_ics_id_id_pk" PRIMARY KEY("ics_id","id"),
	CONSTRAINT "feedback_link_service_kind_check" CHECK ("service_kind" IN ('hub-clinic', 'mdt-outcome', 'advice', 'care-at-home'))
);--> statement-breakpoint
-- Unique within an ICS (its shard, were it distributed); the lookup before the ICS is known uses the plain index.
CREATE UNIQUE INDEX "feedback_link_ics_token_idx" ON "feedback_link" USING btree ("ics_id","token_hash");--> statement-breakpoint
CREATE INDEX "feedback_link_token_idx" ON "feedback_link" USING btree ("token_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "feedback_link_source_idx" ON "feedback_link" USING btree ("ics_id","service_kind","source_id");--> statement-breakpoint
ALTER TABLE "feedback_link" ADD CONSTRAINT "feedback_link_ics_id_child_id_child_ics_id_id_fk" FOREIGN KEY ("ics_id","child_id") REFERENCES "public"."child"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback_link" ADD CONSTRAINT "feedback_link_ics_id_cluster_id_cluster_ics_id_id_fk" FOREIGN KEY ("ics_id","cluster_id") REFERENCES "public"."cluster"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback_link" ADD CONSTRAINT "feedback_link_ics_id_created_by_professional_ics_id_id_fk" FOREIGN KEY ("ics_id","created_by") REFERENCES "public"."professional"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
SELECT joinery_tenant_table('feedback_link');--> statement-breakpoint
-- An answer keeps no child: the link it came through only when the family did not ask to be anonymous.
CREATE TABLE "feedback_response" (
	"ics_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"cluster_id" uuid NOT NULL,
	"service_kind" text NOT NULL,
	"event_date" date NOT NULL,
	"answer" text NOT NULL,
	"free_text" text DEFAULT '' NOT NULL,
	"anonymous" boolean NOT NULL,
	"link_id" uuid,
	"answered_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "feedback_response_ics_id_id_pk" PRIMARY KEY("ics_id","id"),
	CONSTRAINT "feedback_response_answer_check" CHECK ("answer" IN ('very-good', 'good', 'neither', 'poor', 'very-poor', 'dont-know')),
	CONSTRAINT "feedback_response_anonymous_check" CHECK (NOT "anonymous" OR "link_id" IS NULL)
);--> statement-breakpoint
CREATE INDEX "feedback_response_cluster_idx" ON "feedback_response" USING btree ("ics_id","cluster_id","event_date");--> statement-breakpoint
ALTER TABLE "feedback_response" ADD CONSTRAINT "feedback_response_ics_id_cluster_id_cluster_ics_id_id_fk" FOREIGN KEY ("ics_id","cluster_id") REFERENCES "public"."cluster"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback_response" ADD CONSTRAINT "feedback_response_ics_id_link_id_feedback_link_ics_id_id_fk" FOREIGN KEY ("ics_id","link_id") REFERENCES "public"."feedback_link"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
SELECT joinery_tenant_table('feedback_response');--> statement-breakpoint
-- The public feedback page finds its link by the token's hash before it knows the ICS: one table, no join.
CREATE OR REPLACE FUNCTION joinery_feedback_link_lookup(hash text) RETURNS uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
  AS $$ SELECT ics_id FROM feedback_link WHERE token_hash = hash LIMIT 1 $$;--> statement-breakpoint
REVOKE ALL ON FUNCTION joinery_feedback_link_lookup(text) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION joinery_feedback_link_lookup(text) TO joinery_app;
