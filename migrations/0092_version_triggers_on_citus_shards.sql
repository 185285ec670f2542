-- The version triggers of 0086 chose what to keep by TG_TABLE_NAME. On a
-- Citus worker a trigger fires on a shard, whose name carries the shard's
-- number (related_person_102040), so no branch matched: a carer's change
-- failed ("record new has no field kind") and versions were kept under the
-- shard's name. Both functions now take the table's own name, without the
-- shard's number. On one server and PGlite nothing changes: no Joinery table
-- name ends in an underscore and digits (a test checks).
CREATE OR REPLACE FUNCTION joinery_keep_version() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
DECLARE
  was jsonb := to_jsonb(OLD);
  tenant uuid := OLD.ics_id;
  unkept text[] := ARRAY['version', 'updated_at', 'family_name_key', 'given_name_key'];
  key text := was ->> TG_ARGV[0];
  -- On a Citus worker the trigger fires on a shard (child_102008): the table it stands for is the name without the shard's number.
  tab text := regexp_replace(TG_TABLE_NAME, '_[0-9]+$', '');
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
  IF tab = 'child' THEN
    shown_as := 'Patient'; shown_id := (was ->> 'id')::uuid; org_id := (was ->> 'registered_practice_id')::uuid;
  ELSIF tab = 'child_flag' THEN
    shown_as := 'Flag'; shown_id := (was ->> 'id')::uuid; org_id := (was ->> 'local_authority_id')::uuid;
  ELSIF tab = 'contact' THEN
    org_id := (was ->> 'organisation_id')::uuid;
  ELSIF tab = 'child_related_person' THEN
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
    VALUES (tenant, tab, key, OLD.version, OLD.updated_at, was);
  NEW.version := OLD.version + 1;
  NEW.updated_at := now();
  RETURN NEW;
END
$$;--> statement-breakpoint
CREATE OR REPLACE FUNCTION joinery_new_version_of_shown() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
DECLARE
  targets uuid[];
  tab text := regexp_replace(TG_TABLE_NAME, '_[0-9]+$', '');
  tenant uuid := (CASE WHEN TG_OP = 'INSERT' THEN to_jsonb(NEW) ELSE to_jsonb(OLD) END ->> 'ics_id')::uuid;
BEGIN
  IF tab = 'related_person' THEN
    IF (to_jsonb(OLD) - 'id') IS DISTINCT FROM (to_jsonb(NEW) - 'id') THEN
      UPDATE child_related_person SET version = version + 1 WHERE ics_id = tenant AND related_person_id = OLD.id AND updated_at <> now();
    END IF;
  ELSIF tab = 'family_access_grant' THEN
    IF NEW.kind = 'proxy' AND NEW.related_person_id IS NOT NULL AND (TG_OP = 'INSERT' OR to_jsonb(OLD) IS DISTINCT FROM to_jsonb(NEW)) THEN
      UPDATE child_related_person SET version = version + 1 WHERE ics_id = tenant AND child_id = NEW.child_id AND related_person_id = NEW.related_person_id AND updated_at <> now();
    END IF;
  ELSIF tab = 'fhir_link' AND NEW.kind = 'identifier' AND NEW.resource_type IN ('Patient', 'RelatedPerson', 'Flag') THEN
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
$$;
