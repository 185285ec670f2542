-- Versions of what FHIR serves as Patient, Organization, RelatedPerson, Flag
-- and Encounter (docs/decisions/0040): each row carries the version it is at
-- and when that version was written, and each earlier version is kept whole
-- in row_version, so vread serves it as it was and If-Match can refuse a
-- stale write. One trigger bumps the version on every change by any route
-- (FHIR, the pages, imports, the generator), so no writer can forget it.
-- New columns with constant defaults: adding them rewrites no rows; rows
-- already there are at version 1, written when this migration ran.
ALTER TABLE "child" ADD COLUMN IF NOT EXISTS "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "child" ADD COLUMN IF NOT EXISTS "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "organisation" ADD COLUMN IF NOT EXISTS "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "organisation" ADD COLUMN IF NOT EXISTS "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "child_flag" ADD COLUMN IF NOT EXISTS "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "child_flag" ADD COLUMN IF NOT EXISTS "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "contact" ADD COLUMN IF NOT EXISTS "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "contact" ADD COLUMN IF NOT EXISTS "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
-- A carer's resource is one child's link to one person (RelatedPerson ids join the two).
ALTER TABLE "child_related_person" ADD COLUMN IF NOT EXISTS "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "child_related_person" ADD COLUMN IF NOT EXISTS "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
-- Each earlier version of a row, whole (to_jsonb of the row as it was; a
-- carer's with the person's row too). Keyed by the table, the row's key and
-- the version, with ics_id first, so Citus keeps it beside its row.
CREATE TABLE IF NOT EXISTS "row_version" (
	"ics_id" uuid NOT NULL,
	"table_name" text NOT NULL,
	"row_key" text NOT NULL,
	"version" integer NOT NULL,
	"written_at" timestamp with time zone NOT NULL,
	"replaced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"snapshot" jsonb NOT NULL,
	CONSTRAINT "row_version_ics_id_table_name_row_key_version_pk" PRIMARY KEY("ics_id","table_name","row_key","version")
);--> statement-breakpoint
SELECT joinery_tenant_table('row_version');--> statement-breakpoint
-- What a version was is history: append-only for the application.
REVOKE UPDATE, DELETE, TRUNCATE ON row_version FROM joinery_app;--> statement-breakpoint
-- Before an update: when anything but the version changes (or a writer asks
-- for a new version by moving it), the row as it was goes to row_version,
-- with what its resource showed from other rows then (the practice or local
-- authority named, the senders' identifiers, a carer's own details and proxy
-- access), and the row moves to the next version, written now. An update
-- that changes nothing keeps its version, and a row gets at most one new
-- version in a transaction. Arguments: the columns making the
-- row's key. Generated columns are left out of the comparison: they are not
-- computed yet in NEW before the update.
CREATE OR REPLACE FUNCTION joinery_keep_version() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
DECLARE
  was jsonb := to_jsonb(OLD);
  tenant uuid := OLD.ics_id;
  unkept text[] := ARRAY['version', 'updated_at', 'family_name_key', 'given_name_key'];
  key text := was ->> TG_ARGV[0];
  shown_as text;
  shown_id uuid;
  org_id uuid;
  org jsonb;
BEGIN
  IF (was - unkept) = (to_jsonb(NEW) - unkept) AND NEW.version = OLD.version THEN
    RETURN NEW;
  END IF;
  -- One new version per transaction: a second change in it (a carer's person
  -- and link, a child and the sender's identifier) is part of the same one.
  IF OLD.updated_at = now() THEN
    NEW.version := OLD.version;
    NEW.updated_at := OLD.updated_at;
    RETURN NEW;
  END IF;
  IF TG_NARGS > 1 THEN
    key := key || ':' || (was ->> TG_ARGV[1]);
  END IF;
  IF TG_TABLE_NAME = 'child' THEN
    shown_as := 'Patient'; shown_id := (was ->> 'id')::uuid; org_id := (was ->> 'registered_practice_id')::uuid;
  ELSIF TG_TABLE_NAME = 'child_flag' THEN
    shown_as := 'Flag'; shown_id := (was ->> 'id')::uuid; org_id := (was ->> 'local_authority_id')::uuid;
  ELSIF TG_TABLE_NAME = 'contact' THEN
    org_id := (was ->> 'organisation_id')::uuid;
  ELSIF TG_TABLE_NAME = 'child_related_person' THEN
    shown_as := 'RelatedPerson'; shown_id := (was ->> 'related_person_id')::uuid;
    was := was || jsonb_build_object(
      'person', (SELECT to_jsonb(p) FROM related_person p WHERE p.ics_id = tenant AND p.id = shown_id),
      'proxy_grants', (SELECT coalesce(jsonb_agg(to_jsonb(g)), '[]'::jsonb) FROM family_access_grant g
                        WHERE g.ics_id = tenant AND g.child_id = (was ->> 'child_id')::uuid AND g.related_person_id = shown_id AND g.kind = 'proxy'));
  END IF;
  IF org_id IS NOT NULL THEN
    SELECT jsonb_build_object('id', o.id, 'ods_code', o.ods_code, 'name', o.name) INTO org FROM organisation o WHERE o.ics_id = tenant AND o.id = org_id;
    was := was || jsonb_build_object('organisation', org);
  END IF;
  IF shown_as IS NOT NULL THEN
    was := was || jsonb_build_object('identifiers', (
      SELECT coalesce(jsonb_agg(jsonb_build_object('system', l.system, 'value', l.value) ORDER BY l.created_at, l.system, l.value), '[]'::jsonb)
        FROM fhir_link l WHERE l.ics_id = tenant AND l.resource_type = shown_as AND l.kind = 'identifier' AND l.target_id = shown_id));
  END IF;
  INSERT INTO row_version (ics_id, table_name, row_key, version, written_at, snapshot)
    VALUES (tenant, TG_TABLE_NAME, key, OLD.version, OLD.updated_at, was);
  NEW.version := OLD.version + 1;
  NEW.updated_at := now();
  RETURN NEW;
END
$$;--> statement-breakpoint
CREATE TRIGGER child_keeps_versions BEFORE UPDATE ON child FOR EACH ROW EXECUTE FUNCTION joinery_keep_version('id');--> statement-breakpoint
CREATE TRIGGER organisation_keeps_versions BEFORE UPDATE ON organisation FOR EACH ROW EXECUTE FUNCTION joinery_keep_version('id');--> statement-breakpoint
CREATE TRIGGER child_flag_keeps_versions BEFORE UPDATE ON child_flag FOR EACH ROW EXECUTE FUNCTION joinery_keep_version('id');--> statement-breakpoint
CREATE TRIGGER contact_keeps_versions BEFORE UPDATE ON contact FOR EACH ROW EXECUTE FUNCTION joinery_keep_version('id');--> statement-breakpoint
CREATE TRIGGER child_related_person_keeps_versions BEFORE UPDATE ON child_related_person FOR EACH ROW EXECUTE FUNCTION joinery_keep_version('child_id', 'related_person_id');--> statement-breakpoint
-- What else a served resource shows moves its version too, before the change
-- is made (so the version kept is what was shown): a carer's own details
-- (for every child they care for), their proxy access to a child, and a new
-- sender's identifier for a child, carer or flag (fhir_link; one moved from
-- another row changes that row too). An import sending the same identifier
-- again changes nothing; a row already at a version written in this
-- transaction (one the same import just created or changed) is not touched.
CREATE OR REPLACE FUNCTION joinery_new_version_of_shown() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
DECLARE
  targets uuid[];
  tenant uuid := (CASE WHEN TG_OP = 'INSERT' THEN to_jsonb(NEW) ELSE to_jsonb(OLD) END ->> 'ics_id')::uuid;
BEGIN
  IF TG_TABLE_NAME = 'related_person' THEN
    IF (to_jsonb(OLD) - 'id') IS DISTINCT FROM (to_jsonb(NEW) - 'id') THEN
      UPDATE child_related_person SET version = version + 1 WHERE ics_id = tenant AND related_person_id = OLD.id AND updated_at <> now();
    END IF;
  ELSIF TG_TABLE_NAME = 'family_access_grant' THEN
    IF NEW.kind = 'proxy' AND NEW.related_person_id IS NOT NULL AND (TG_OP = 'INSERT' OR to_jsonb(OLD) IS DISTINCT FROM to_jsonb(NEW)) THEN
      UPDATE child_related_person SET version = version + 1 WHERE ics_id = tenant AND child_id = NEW.child_id AND related_person_id = NEW.related_person_id AND updated_at <> now();
    END IF;
  ELSIF TG_TABLE_NAME = 'fhir_link' AND NEW.kind = 'identifier' AND NEW.resource_type IN ('Patient', 'RelatedPerson', 'Flag') THEN
    SELECT array_agg(l.target_id) INTO targets FROM fhir_link l
     WHERE l.ics_id = tenant AND l.resource_type = NEW.resource_type AND l.kind = NEW.kind AND l.system = NEW.system AND l.value = NEW.value;
    IF targets IS NULL OR NOT (NEW.target_id = ANY (targets)) THEN
      targets := coalesce(targets, ARRAY[]::uuid[]) || NEW.target_id;
      IF NEW.resource_type = 'Patient' THEN
        UPDATE child SET version = version + 1 WHERE ics_id = tenant AND id = ANY (targets) AND updated_at <> now();
      ELSIF NEW.resource_type = 'Flag' THEN
        UPDATE child_flag SET version = version + 1 WHERE ics_id = tenant AND id = ANY (targets) AND updated_at <> now();
      ELSE
        UPDATE child_related_person SET version = version + 1 WHERE ics_id = tenant AND related_person_id = ANY (targets) AND updated_at <> now();
      END IF;
    END IF;
  END IF;
  RETURN NEW;
END
$$;--> statement-breakpoint
CREATE TRIGGER related_person_moves_carers_versions BEFORE UPDATE ON related_person FOR EACH ROW EXECUTE FUNCTION joinery_new_version_of_shown();--> statement-breakpoint
CREATE TRIGGER proxy_access_moves_carers_versions BEFORE INSERT OR UPDATE ON family_access_grant FOR EACH ROW EXECUTE FUNCTION joinery_new_version_of_shown();--> statement-breakpoint
-- Only on insert: an ON CONFLICT that updates was seen here as the insert it began as.
CREATE TRIGGER sender_identifier_moves_versions BEFORE INSERT ON fhir_link FOR EACH ROW EXECUTE FUNCTION joinery_new_version_of_shown();
