-- The children's virtual ward (issue 17): pathways the ICS edits, the ward with its
-- response timers and step-up rota, episodes with their state and acceptance checks,
-- visits, observations with their PEWS result, and escalations.
CREATE TABLE "ward_pathway" (
	"ics_id" uuid NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"inclusion" jsonb NOT NULL,
	"exclusion" jsonb NOT NULL,
	"observations" jsonb NOT NULL,
	"observe_every_hours" integer NOT NULL,
	"expected_stay_days" integer NOT NULL,
	"discharge_criteria" jsonb NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "ward_pathway_ics_id_id_pk" PRIMARY KEY("ics_id","id"),
	CONSTRAINT "ward_pathway_ics_id_fk" FOREIGN KEY ("ics_id") REFERENCES "public"."ics"("id"),
	CONSTRAINT "ward_pathway_every_check" CHECK ("observe_every_hours" BETWEEN 1 AND 48),
	CONSTRAINT "ward_pathway_stay_check" CHECK ("expected_stay_days" BETWEEN 1 AND 60)
);
--> statement-breakpoint
CREATE TABLE "virtual_ward" (
	"ics_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"nursing_team_id" uuid NOT NULL,
	"consultant_id" uuid NOT NULL,
	"capacity" integer NOT NULL,
	"responses" jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "virtual_ward_ics_id_id_pk" PRIMARY KEY("ics_id","id"),
	CONSTRAINT "virtual_ward_team_fk" FOREIGN KEY ("ics_id","nursing_team_id") REFERENCES "public"."organisation"("ics_id","id"),
	CONSTRAINT "virtual_ward_consultant_fk" FOREIGN KEY ("ics_id","consultant_id") REFERENCES "public"."professional"("ics_id","id")
);
--> statement-breakpoint
CREATE TABLE "ward_rota" (
	"ics_id" uuid NOT NULL,
	"ward_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"professional_id" uuid NOT NULL,
	CONSTRAINT "ward_rota_pk" PRIMARY KEY("ics_id","ward_id","position"),
	CONSTRAINT "ward_rota_ward_fk" FOREIGN KEY ("ics_id","ward_id") REFERENCES "public"."virtual_ward"("ics_id","id"),
	CONSTRAINT "ward_rota_professional_fk" FOREIGN KEY ("ics_id","professional_id") REFERENCES "public"."professional"("ics_id","id")
);
--> statement-breakpoint
-- referral_id names the hub referral a triage decision came from; no foreign key, so that
-- referrals (which starts episodes from triage) and the virtual ward do not depend on each other.
CREATE TABLE "ward_episode" (
	"ics_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"ward_id" uuid NOT NULL,
	"child_id" uuid NOT NULL,
	"pathway_id" text NOT NULL,
	"state" text NOT NULL,
	"source" text NOT NULL,
	"referral_id" uuid,
	"reason" text NOT NULL,
	"referred_by" uuid NOT NULL,
	"referred_by_name" text NOT NULL,
	"referred_at" timestamp with time zone NOT NULL,
	"decided_by" uuid,
	"decided_by_name" text,
	"decided_at" timestamp with time zone,
	"decline_reason" text,
	"checks" jsonb,
	"safeguarding_discussed_with" text,
	"safeguarding_discussion" text,
	"consent_given_by" text,
	"carer_worse_level" text,
	"admitted_at" timestamp with time zone,
	"discharged_at" timestamp with time zone,
	"outcome" text,
	"discharge_summary" text,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "ward_episode_ics_id_id_pk" PRIMARY KEY("ics_id","id"),
	CONSTRAINT "ward_episode_ward_fk" FOREIGN KEY ("ics_id","ward_id") REFERENCES "public"."virtual_ward"("ics_id","id"),
	CONSTRAINT "ward_episode_child_fk" FOREIGN KEY ("ics_id","child_id") REFERENCES "public"."child"("ics_id","id"),
	CONSTRAINT "ward_episode_pathway_fk" FOREIGN KEY ("ics_id","pathway_id") REFERENCES "public"."ward_pathway"("ics_id","id"),
	CONSTRAINT "ward_episode_state_check" CHECK ("state" IN ('referred', 'accepted', 'declined', 'on-ward', 'escalated', 'discharged')),
	CONSTRAINT "ward_episode_source_check" CHECK ("source" IN ('gp', 'triage', 'ed', 'ward-step-down', 'step-up')),
	CONSTRAINT "ward_episode_outcome_check" CHECK ("outcome" IN ('recovered-at-home', 'admitted', 'transferred', 'self-discharged')),
	CONSTRAINT "ward_episode_carer_worse_check" CHECK ("carer_worse_level" IN ('low', 'medium', 'high', 'emergency')),
	CONSTRAINT "ward_episode_discharged_check" CHECK (("state" = 'discharged') = ("outcome" IS NOT NULL))
);
--> statement-breakpoint
-- One live episode per child: a second referral while one is open is refused by the database itself.
CREATE UNIQUE INDEX "ward_episode_live_idx" ON "ward_episode" USING btree ("ics_id","child_id") WHERE "state" IN ('referred', 'accepted', 'on-ward', 'escalated');
--> statement-breakpoint
CREATE INDEX "ward_episode_state_idx" ON "ward_episode" USING btree ("ics_id","ward_id","state");
--> statement-breakpoint
CREATE TABLE "ward_visit" (
	"ics_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"episode_id" uuid NOT NULL,
	"child_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"scheduled_by" uuid NOT NULL,
	"done_at" timestamp with time zone,
	"done_by" uuid,
	"done_by_name" text,
	"notes" text,
	CONSTRAINT "ward_visit_ics_id_id_pk" PRIMARY KEY("ics_id","id"),
	CONSTRAINT "ward_visit_episode_fk" FOREIGN KEY ("ics_id","episode_id") REFERENCES "public"."ward_episode"("ics_id","id"),
	CONSTRAINT "ward_visit_kind_check" CHECK ("kind" IN ('home', 'video'))
);
--> statement-breakpoint
CREATE INDEX "ward_visit_episode_idx" ON "ward_visit" USING btree ("ics_id","episode_id","due_at");
--> statement-breakpoint
CREATE TABLE "ward_observation" (
	"ics_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"episode_id" uuid NOT NULL,
	"child_id" uuid NOT NULL,
	"observed_at" timestamp with time zone NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL,
	"recorder_kind" text NOT NULL,
	"recorded_by" uuid,
	"recorded_by_name" text NOT NULL,
	"observed" jsonb NOT NULL,
	"score" integer NOT NULL,
	"parameters" jsonb NOT NULL,
	"escalation" text NOT NULL,
	"reasons" jsonb NOT NULL,
	"missing" jsonb NOT NULL,
	"chart_name" text NOT NULL,
	"chart_version" text NOT NULL,
	CONSTRAINT "ward_observation_ics_id_id_pk" PRIMARY KEY("ics_id","id"),
	CONSTRAINT "ward_observation_episode_fk" FOREIGN KEY ("ics_id","episode_id") REFERENCES "public"."ward_episode"("ics_id","id"),
	CONSTRAINT "ward_observation_recorder_check" CHECK ("recorder_kind" IN ('professional', 'carer')),
	CONSTRAINT "ward_observation_professional_check" CHECK ("recorder_kind" = 'carer' OR "recorded_by" IS NOT NULL),
	CONSTRAINT "ward_observation_escalation_check" CHECK ("escalation" IN ('none', 'low', 'medium', 'high', 'emergency'))
);
--> statement-breakpoint
CREATE INDEX "ward_observation_episode_idx" ON "ward_observation" USING btree ("ics_id","episode_id","observed_at");
--> statement-breakpoint
CREATE TABLE "ward_escalation" (
	"ics_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"episode_id" uuid NOT NULL,
	"child_id" uuid NOT NULL,
	"observation_id" uuid,
	"level" text NOT NULL,
	"reasons" jsonb NOT NULL,
	"response" text NOT NULL,
	"raised_at" timestamp with time zone NOT NULL,
	"response_due_at" timestamp with time zone NOT NULL,
	"owner_id" uuid NOT NULL,
	"rota_position" integer NOT NULL,
	"stepped_up_at" timestamp with time zone,
	"acknowledged_by" uuid,
	"acknowledged_by_name" text,
	"acknowledged_at" timestamp with time zone,
	CONSTRAINT "ward_escalation_ics_id_id_pk" PRIMARY KEY("ics_id","id"),
	CONSTRAINT "ward_escalation_episode_fk" FOREIGN KEY ("ics_id","episode_id") REFERENCES "public"."ward_episode"("ics_id","id"),
	CONSTRAINT "ward_escalation_observation_fk" FOREIGN KEY ("ics_id","observation_id") REFERENCES "public"."ward_observation"("ics_id","id"),
	CONSTRAINT "ward_escalation_owner_fk" FOREIGN KEY ("ics_id","owner_id") REFERENCES "public"."professional"("ics_id","id"),
	CONSTRAINT "ward_escalation_level_check" CHECK ("level" IN ('low', 'medium', 'high', 'emergency')),
	CONSTRAINT "ward_escalation_acknowledged_check" CHECK (("acknowledged_at" IS NULL) = ("acknowledged_by" IS NULL))
);
--> statement-breakpoint
CREATE INDEX "ward_escalation_open_idx" ON "ward_escalation" USING btree ("ics_id","response_due_at") WHERE "acknowledged_at" IS NULL;
--> statement-breakpoint
CREATE INDEX "ward_escalation_episode_idx" ON "ward_escalation" USING btree ("ics_id","episode_id");
