-- Safety-netting advice (issue 18): the ICS's library of condition pages, kept
-- as versions that are never rewritten, and the advice sent to a family with its
-- one-time link. The practice's phone number is read from its organisation at send time.
ALTER TABLE "organisation" ADD COLUMN "phone" text;
--> statement-breakpoint
CREATE TABLE "advice_page_version" (
	"ics_id" uuid NOT NULL,
	"page_id" text NOT NULL,
	"version" integer NOT NULL,
	"title" text NOT NULL,
	"condition" text NOT NULL,
	"author" text NOT NULL,
	"approved_by" text,
	"approved_on" date,
	"review_by" date,
	"demonstration" boolean DEFAULT false NOT NULL,
	"age_bands" jsonb NOT NULL,
	"sources" jsonb NOT NULL,
	"saved_by" uuid,
	"saved_by_name" text NOT NULL,
	"saved_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "advice_page_version_ics_id_page_id_version_pk" PRIMARY KEY("ics_id","page_id","version"),
	CONSTRAINT "advice_page_version_approval_check" CHECK (("approved_by" IS NULL) = ("approved_on" IS NULL) AND ("approved_on" IS NULL) = ("review_by" IS NULL)),
	CONSTRAINT "advice_page_version_review_check" CHECK ("review_by" > "approved_on")
);
--> statement-breakpoint
CREATE TABLE "advice_setting" (
	"ics_id" uuid NOT NULL,
	"target_reading_age" integer DEFAULT 11 NOT NULL,
	CONSTRAINT "advice_setting_ics_id_pk" PRIMARY KEY("ics_id"),
	CONSTRAINT "advice_setting_target_check" CHECK ("target_reading_age" BETWEEN 6 AND 18)
);
--> statement-breakpoint
CREATE TABLE "advice_sending" (
	"ics_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"child_id" uuid NOT NULL,
	"note" text,
	"source" text NOT NULL,
	"referral_id" uuid,
	"sent_by" uuid NOT NULL,
	"sent_by_name" text NOT NULL,
	"sent_by_role" text NOT NULL,
	"sent_at" timestamp with time zone DEFAULT now() NOT NULL,
	"practice_name" text,
	"practice_phone" text,
	"token_hash" text NOT NULL,
	"link_expires_at" timestamp with time zone NOT NULL,
	"device_hash" text,
	"first_opened_at" timestamp with time zone,
	"open_count" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "advice_sending_ics_id_id_pk" PRIMARY KEY("ics_id","id"),
	CONSTRAINT "advice_sending_source_check" CHECK ("source" IN ('child-page', 'triage'))
);
--> statement-breakpoint
CREATE TABLE "advice_sending_page" (
	"ics_id" uuid NOT NULL,
	"sending_id" uuid NOT NULL,
	"page_id" text NOT NULL,
	"version" integer NOT NULL,
	"from_months" integer NOT NULL,
	"to_months" integer NOT NULL,
	"helpful" boolean,
	"answered_at" timestamp with time zone,
	CONSTRAINT "advice_sending_page_ics_id_sending_id_page_id_pk" PRIMARY KEY("ics_id","sending_id","page_id")
);
--> statement-breakpoint
ALTER TABLE "advice_sending" ADD CONSTRAINT "advice_sending_child_fk" FOREIGN KEY ("ics_id","child_id") REFERENCES "public"."child"("ics_id","id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "advice_sending_page" ADD CONSTRAINT "advice_sending_page_sending_fk" FOREIGN KEY ("ics_id","sending_id") REFERENCES "public"."advice_sending"("ics_id","id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "advice_sending_page" ADD CONSTRAINT "advice_sending_page_version_fk" FOREIGN KEY ("ics_id","page_id","version") REFERENCES "public"."advice_page_version"("ics_id","page_id","version") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
CREATE UNIQUE INDEX "advice_sending_token_idx" ON "advice_sending" USING btree ("ics_id","token_hash");
--> statement-breakpoint
CREATE INDEX "advice_sending_token_hash_idx" ON "advice_sending" USING btree ("token_hash");
--> statement-breakpoint
CREATE INDEX "advice_sending_child_idx" ON "advice_sending" USING btree ("ics_id","child_id","sent_at");
--> statement-breakpoint
SELECT joinery_tenant_table('advice_page_version');
--> statement-breakpoint
SELECT joinery_tenant_table('advice_setting');
--> statement-breakpoint
SELECT joinery_tenant_table('advice_sending');
--> statement-breakpoint
SELECT joinery_tenant_table('advice_sending_page');
--> statement-breakpoint
-- Versions of a page are never rewritten: each save is a new one.
REVOKE UPDATE, DELETE, TRUNCATE ON advice_page_version FROM joinery_app;
--> statement-breakpoint
REVOKE DELETE, TRUNCATE ON advice_sending FROM joinery_app;
--> statement-breakpoint
REVOKE DELETE, TRUNCATE ON advice_sending_page FROM joinery_app;
--> statement-breakpoint
-- A family opens their one-time link without signing in: the link's hash finds its ICS, then all else runs in that ICS.
CREATE OR REPLACE FUNCTION joinery_advice_link_lookup(p_token_hash text)
  RETURNS TABLE (ics_id uuid, id uuid)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
  AS $$ SELECT s.ics_id, s.id FROM advice_sending s WHERE s.token_hash = p_token_hash $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION joinery_advice_link_lookup(text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION joinery_advice_link_lookup(text) TO joinery_app;
