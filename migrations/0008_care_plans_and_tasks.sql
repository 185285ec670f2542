CREATE TABLE "care_plan" (
	"ics_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"child_id" uuid NOT NULL,
	"status" text NOT NULL,
	"title" text NOT NULL,
	"what_matters" text NOT NULL,
	"strengths" text NOT NULL,
	"needs" text NOT NULL,
	"at_school" text DEFAULT '' NOT NULL,
	"contingency_what_to_do" text NOT NULL,
	"contingency_who_to_call" text NOT NULL,
	"key_worker_id" uuid NOT NULL,
	"review_on" date NOT NULL,
	"shared_with" text[] NOT NULL,
	"agreed_version" integer,
	"agreed_by" uuid,
	"agreed_at" timestamp with time zone,
	"family_agreement" text,
	"version" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "care_plan_ics_id_id_pk" PRIMARY KEY("ics_id","id")
);
--> statement-breakpoint
CREATE TABLE "care_plan_goal" (
	"ics_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"plan_id" uuid NOT NULL,
	"agency" text NOT NULL,
	"goal" text NOT NULL,
	"measure" text NOT NULL,
	"target_on" date,
	"progress" text DEFAULT '' NOT NULL,
	"position" integer NOT NULL,
	"removed_at" timestamp with time zone,
	CONSTRAINT "care_plan_goal_ics_id_id_pk" PRIMARY KEY("ics_id","id")
);
--> statement-breakpoint
CREATE TABLE "care_plan_version" (
	"ics_id" uuid NOT NULL,
	"plan_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"changed_by" uuid NOT NULL,
	"changed_by_name" text NOT NULL,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"change" text NOT NULL,
	"snapshot" jsonb NOT NULL,
	CONSTRAINT "care_plan_version_ics_id_plan_id_version_pk" PRIMARY KEY("ics_id","plan_id","version")
);
--> statement-breakpoint
CREATE TABLE "task" (
	"ics_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"child_id" uuid NOT NULL,
	"source" text NOT NULL,
	"source_id" uuid NOT NULL,
	"agency" text NOT NULL,
	"description" text NOT NULL,
	"owner_professional_id" uuid,
	"owner_organisation_id" uuid,
	"accountable_professional_id" uuid NOT NULL,
	"due_on" date NOT NULL,
	"status" text NOT NULL,
	"outcome" text,
	"version" integer NOT NULL,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "task_ics_id_id_pk" PRIMARY KEY("ics_id","id")
);
--> statement-breakpoint
CREATE TABLE "task_event" (
	"ics_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"task_id" uuid NOT NULL,
	"from_status" text,
	"to_status" text NOT NULL,
	"note" text,
	"changed_by" uuid NOT NULL,
	"changed_by_name" text NOT NULL,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "task_event_ics_id_id_pk" PRIMARY KEY("ics_id","id")
);
--> statement-breakpoint
ALTER TABLE "care_plan" ADD CONSTRAINT "care_plan_ics_id_child_id_child_ics_id_id_fk" FOREIGN KEY ("ics_id","child_id") REFERENCES "public"."child"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "care_plan" ADD CONSTRAINT "care_plan_ics_id_key_worker_id_professional_ics_id_id_fk" FOREIGN KEY ("ics_id","key_worker_id") REFERENCES "public"."professional"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "care_plan_goal" ADD CONSTRAINT "care_plan_goal_ics_id_plan_id_care_plan_ics_id_id_fk" FOREIGN KEY ("ics_id","plan_id") REFERENCES "public"."care_plan"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "care_plan_version" ADD CONSTRAINT "care_plan_version_ics_id_plan_id_care_plan_ics_id_id_fk" FOREIGN KEY ("ics_id","plan_id") REFERENCES "public"."care_plan"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task" ADD CONSTRAINT "task_ics_id_child_id_child_ics_id_id_fk" FOREIGN KEY ("ics_id","child_id") REFERENCES "public"."child"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task" ADD CONSTRAINT "task_ics_id_owner_professional_id_professional_ics_id_id_fk" FOREIGN KEY ("ics_id","owner_professional_id") REFERENCES "public"."professional"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task" ADD CONSTRAINT "task_ics_id_owner_organisation_id_organisation_ics_id_id_fk" FOREIGN KEY ("ics_id","owner_organisation_id") REFERENCES "public"."organisation"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task" ADD CONSTRAINT "task_ics_id_accountable_professional_id_professional_ics_id_id_fk" FOREIGN KEY ("ics_id","accountable_professional_id") REFERENCES "public"."professional"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_event" ADD CONSTRAINT "task_event_ics_id_task_id_task_ics_id_id_fk" FOREIGN KEY ("ics_id","task_id") REFERENCES "public"."task"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "care_plan_open_child_idx" ON "care_plan" USING btree ("ics_id","child_id") WHERE status <> 'closed';--> statement-breakpoint
CREATE INDEX "care_plan_key_worker_idx" ON "care_plan" USING btree ("ics_id","key_worker_id");--> statement-breakpoint
CREATE INDEX "care_plan_review_idx" ON "care_plan" USING btree ("ics_id","review_on");--> statement-breakpoint
CREATE INDEX "care_plan_goal_plan_idx" ON "care_plan_goal" USING btree ("ics_id","plan_id");--> statement-breakpoint
CREATE INDEX "task_owner_idx" ON "task" USING btree ("ics_id","owner_professional_id","status","due_on");--> statement-breakpoint
CREATE INDEX "task_team_idx" ON "task" USING btree ("ics_id","owner_organisation_id","status","due_on");--> statement-breakpoint
CREATE INDEX "task_accountable_idx" ON "task" USING btree ("ics_id","accountable_professional_id","status","due_on");--> statement-breakpoint
CREATE INDEX "task_source_idx" ON "task" USING btree ("ics_id","source_id");--> statement-breakpoint
CREATE INDEX "task_child_idx" ON "task" USING btree ("ics_id","child_id");--> statement-breakpoint
CREATE INDEX "task_event_task_idx" ON "task_event" USING btree ("ics_id","task_id","changed_at");