CREATE TABLE "cluster" (
	"ics_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"place_id" uuid NOT NULL,
	"lead_paediatrician_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "cluster_ics_id_id_pk" PRIMARY KEY("ics_id","id")
);
--> statement-breakpoint
CREATE TABLE "cluster_practice" (
	"ics_id" uuid NOT NULL,
	"cluster_id" uuid NOT NULL,
	"practice_id" uuid NOT NULL,
	"joined_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "cluster_practice_ics_id_practice_id_pk" PRIMARY KEY("ics_id","practice_id")
);
--> statement-breakpoint
CREATE TABLE "ics" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"code" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ics_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "organisation" (
	"ics_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"ods_code" text NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"place_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "organisation_ics_id_id_pk" PRIMARY KEY("ics_id","id")
);
--> statement-breakpoint
CREATE TABLE "place" (
	"ics_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	CONSTRAINT "place_ics_id_id_pk" PRIMARY KEY("ics_id","id")
);
--> statement-breakpoint
CREATE TABLE "professional" (
	"ics_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"role" text NOT NULL,
	"organisation_id" uuid NOT NULL,
	"password_hash" text,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "professional_ics_id_id_pk" PRIMARY KEY("ics_id","id")
);
--> statement-breakpoint
CREATE TABLE "site" (
	"ics_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"organisation_id" uuid NOT NULL,
	"name" text NOT NULL,
	"postcode_district" text,
	CONSTRAINT "site_ics_id_id_pk" PRIMARY KEY("ics_id","id")
);
--> statement-breakpoint
CREATE TABLE "care_team_member" (
	"ics_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"child_id" uuid NOT NULL,
	"professional_id" uuid NOT NULL,
	"role_in_team" text NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone,
	CONSTRAINT "care_team_member_ics_id_id_pk" PRIMARY KEY("ics_id","id")
);
--> statement-breakpoint
CREATE TABLE "child" (
	"ics_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"nhs_number" text,
	"local_id" text,
	"given_name" text NOT NULL,
	"family_name" text NOT NULL,
	"date_of_birth" date NOT NULL,
	"sex" text NOT NULL,
	"ethnic_category" text NOT NULL,
	"postcode_district" text,
	"lsoa" text,
	"imd_decile" smallint,
	"registered_practice_id" uuid,
	"school_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "child_ics_id_id_pk" PRIMARY KEY("ics_id","id")
);
--> statement-breakpoint
CREATE TABLE "child_condition" (
	"ics_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"child_id" uuid NOT NULL,
	"snomed_code" text NOT NULL,
	"display" text NOT NULL,
	"onset_on" date,
	CONSTRAINT "child_condition_ics_id_id_pk" PRIMARY KEY("ics_id","id")
);
--> statement-breakpoint
CREATE TABLE "child_flag" (
	"ics_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"child_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"local_authority_id" uuid,
	"started_on" date NOT NULL,
	"ended_on" date,
	CONSTRAINT "child_flag_ics_id_id_pk" PRIMARY KEY("ics_id","id")
);
--> statement-breakpoint
CREATE TABLE "child_related_person" (
	"ics_id" uuid NOT NULL,
	"child_id" uuid NOT NULL,
	"related_person_id" uuid NOT NULL,
	"relationship" text NOT NULL,
	"parental_responsibility" boolean NOT NULL,
	CONSTRAINT "child_related_person_ics_id_child_id_related_person_id_pk" PRIMARY KEY("ics_id","child_id","related_person_id")
);
--> statement-breakpoint
CREATE TABLE "consent_record" (
	"ics_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"child_id" uuid NOT NULL,
	"scope" text NOT NULL,
	"given_by" text NOT NULL,
	"given_by_related_person_id" uuid,
	"given_at" timestamp with time zone NOT NULL,
	"withdrawn_at" timestamp with time zone,
	"recorded_by" uuid,
	CONSTRAINT "consent_record_ics_id_id_pk" PRIMARY KEY("ics_id","id")
);
--> statement-breakpoint
CREATE TABLE "related_person" (
	"ics_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"given_name" text NOT NULL,
	"family_name" text NOT NULL,
	"phone" text,
	"email" text,
	"address" text,
	CONSTRAINT "related_person_ics_id_id_pk" PRIMARY KEY("ics_id","id")
);
--> statement-breakpoint
CREATE TABLE "audit_event" (
	"ics_id" uuid NOT NULL,
	"id" bigserial NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"professional_id" uuid,
	"role" text,
	"organisation_id" uuid,
	"child_id" uuid,
	"action" text NOT NULL,
	"what" text NOT NULL,
	"why" text,
	"details" jsonb,
	CONSTRAINT "audit_event_ics_id_id_pk" PRIMARY KEY("ics_id","id")
);
--> statement-breakpoint
CREATE TABLE "break_glass" (
	"ics_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"professional_id" uuid NOT NULL,
	"child_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"granted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"reviewed_by" uuid,
	"reviewed_at" timestamp with time zone,
	"review_outcome" text,
	"review_note" text,
	CONSTRAINT "break_glass_ics_id_id_pk" PRIMARY KEY("ics_id","id")
);
--> statement-breakpoint
CREATE TABLE "session" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"ics_id" uuid NOT NULL,
	"professional_id" uuid NOT NULL,
	"csrf_token" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "cluster" ADD CONSTRAINT "cluster_ics_id_place_id_place_ics_id_id_fk" FOREIGN KEY ("ics_id","place_id") REFERENCES "public"."place"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cluster_practice" ADD CONSTRAINT "cluster_practice_ics_id_cluster_id_cluster_ics_id_id_fk" FOREIGN KEY ("ics_id","cluster_id") REFERENCES "public"."cluster"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cluster_practice" ADD CONSTRAINT "cluster_practice_ics_id_practice_id_organisation_ics_id_id_fk" FOREIGN KEY ("ics_id","practice_id") REFERENCES "public"."organisation"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organisation" ADD CONSTRAINT "organisation_ics_id_ics_id_fk" FOREIGN KEY ("ics_id") REFERENCES "public"."ics"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organisation" ADD CONSTRAINT "organisation_ics_id_place_id_place_ics_id_id_fk" FOREIGN KEY ("ics_id","place_id") REFERENCES "public"."place"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "place" ADD CONSTRAINT "place_ics_id_ics_id_fk" FOREIGN KEY ("ics_id") REFERENCES "public"."ics"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "professional" ADD CONSTRAINT "professional_ics_id_organisation_id_organisation_ics_id_id_fk" FOREIGN KEY ("ics_id","organisation_id") REFERENCES "public"."organisation"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "site" ADD CONSTRAINT "site_ics_id_organisation_id_organisation_ics_id_id_fk" FOREIGN KEY ("ics_id","organisation_id") REFERENCES "public"."organisation"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "care_team_member" ADD CONSTRAINT "care_team_member_ics_id_child_id_child_ics_id_id_fk" FOREIGN KEY ("ics_id","child_id") REFERENCES "public"."child"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "care_team_member" ADD CONSTRAINT "care_team_member_ics_id_professional_id_professional_ics_id_id_fk" FOREIGN KEY ("ics_id","professional_id") REFERENCES "public"."professional"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "child" ADD CONSTRAINT "child_ics_id_registered_practice_id_organisation_ics_id_id_fk" FOREIGN KEY ("ics_id","registered_practice_id") REFERENCES "public"."organisation"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "child" ADD CONSTRAINT "child_ics_id_school_id_organisation_ics_id_id_fk" FOREIGN KEY ("ics_id","school_id") REFERENCES "public"."organisation"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "child_condition" ADD CONSTRAINT "child_condition_ics_id_child_id_child_ics_id_id_fk" FOREIGN KEY ("ics_id","child_id") REFERENCES "public"."child"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "child_flag" ADD CONSTRAINT "child_flag_ics_id_child_id_child_ics_id_id_fk" FOREIGN KEY ("ics_id","child_id") REFERENCES "public"."child"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "child_flag" ADD CONSTRAINT "child_flag_ics_id_local_authority_id_organisation_ics_id_id_fk" FOREIGN KEY ("ics_id","local_authority_id") REFERENCES "public"."organisation"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "child_related_person" ADD CONSTRAINT "child_related_person_ics_id_child_id_child_ics_id_id_fk" FOREIGN KEY ("ics_id","child_id") REFERENCES "public"."child"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "child_related_person" ADD CONSTRAINT "child_related_person_ics_id_related_person_id_related_person_ics_id_id_fk" FOREIGN KEY ("ics_id","related_person_id") REFERENCES "public"."related_person"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consent_record" ADD CONSTRAINT "consent_record_ics_id_child_id_child_ics_id_id_fk" FOREIGN KEY ("ics_id","child_id") REFERENCES "public"."child"("ics_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cluster_practice_cluster_idx" ON "cluster_practice" USING btree ("ics_id","cluster_id");--> statement-breakpoint
CREATE UNIQUE INDEX "organisation_ods_code_idx" ON "organisation" USING btree ("ics_id","ods_code");--> statement-breakpoint
CREATE INDEX "organisation_kind_idx" ON "organisation" USING btree ("ics_id","kind");--> statement-breakpoint
CREATE UNIQUE INDEX "professional_email_idx" ON "professional" USING btree ("email");--> statement-breakpoint
CREATE INDEX "professional_org_idx" ON "professional" USING btree ("ics_id","organisation_id");--> statement-breakpoint
CREATE INDEX "care_team_child_idx" ON "care_team_member" USING btree ("ics_id","child_id");--> statement-breakpoint
CREATE INDEX "care_team_professional_idx" ON "care_team_member" USING btree ("ics_id","professional_id");--> statement-breakpoint
CREATE UNIQUE INDEX "child_nhs_number_idx" ON "child" USING btree ("ics_id","nhs_number");--> statement-breakpoint
CREATE INDEX "child_family_name_idx" ON "child" USING btree ("ics_id",lower("family_name") text_pattern_ops,"date_of_birth");--> statement-breakpoint
CREATE INDEX "child_given_name_idx" ON "child" USING btree ("ics_id",lower("given_name") text_pattern_ops);--> statement-breakpoint
CREATE INDEX "child_practice_idx" ON "child" USING btree ("ics_id","registered_practice_id");--> statement-breakpoint
CREATE INDEX "child_condition_child_idx" ON "child_condition" USING btree ("ics_id","child_id");--> statement-breakpoint
CREATE INDEX "child_condition_code_idx" ON "child_condition" USING btree ("ics_id","snomed_code");--> statement-breakpoint
CREATE INDEX "child_flag_child_idx" ON "child_flag" USING btree ("ics_id","child_id");--> statement-breakpoint
CREATE INDEX "child_related_person_person_idx" ON "child_related_person" USING btree ("ics_id","related_person_id");--> statement-breakpoint
CREATE INDEX "consent_child_idx" ON "consent_record" USING btree ("ics_id","child_id");--> statement-breakpoint
CREATE INDEX "audit_child_idx" ON "audit_event" USING btree ("ics_id","child_id","at");--> statement-breakpoint
CREATE INDEX "audit_professional_idx" ON "audit_event" USING btree ("ics_id","professional_id","at");--> statement-breakpoint
CREATE INDEX "break_glass_active_idx" ON "break_glass" USING btree ("ics_id","professional_id","child_id","expires_at");--> statement-breakpoint
CREATE INDEX "break_glass_review_idx" ON "break_glass" USING btree ("ics_id","reviewed_at");