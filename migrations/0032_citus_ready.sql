-- Ready to distribute tenant tables by ics_id (docs/decisions/0009-citus-ready-schema.md).
-- A FHIR token's hash was unique across every ICS. Citus can enforce uniqueness
-- only within one ICS's shard, so the key (ics_id, token_hash) is the unique one;
-- a token is 32 random bytes, so two ICSs never hold the same hash. The lookup
-- before the tenant is known still finds a token by its hash through this index.
DROP INDEX "fhir_token_hash_idx";
--> statement-breakpoint
CREATE INDEX "fhir_token_hash_idx" ON "fhir_token" USING btree ("token_hash");
--> statement-breakpoint
-- The frozen-record guard (0029) now finds the children and their freeze within
-- the written row's own ICS: the same rows as before (row-level security
-- already kept it to one ICS), but a query that says its ICS, which Citus can
-- send to the one shard that holds it.
CREATE OR REPLACE FUNCTION joinery_refuse_frozen_write() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
DECLARE
  rec jsonb;
  tenant uuid;
  children uuid[];
BEGIN
  IF current_user <> 'joinery_app' THEN
    RETURN COALESCE(NEW, OLD);
  END IF;
  FOREACH rec IN ARRAY ARRAY[
    CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END,
    CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END
  ] LOOP
    CONTINUE WHEN rec IS NULL OR rec ->> TG_ARGV[0] IS NULL;
    tenant := (rec ->> 'ics_id')::uuid;
    IF TG_NARGS = 1 THEN
      children := ARRAY[(rec ->> TG_ARGV[0])::uuid];
    ELSE
      EXECUTE format('SELECT array_agg(child_id) FROM %I WHERE ics_id = $2 AND %I = $1', TG_ARGV[1], TG_ARGV[2])
        INTO children USING (rec ->> TG_ARGV[0])::uuid, tenant;
    END IF;
    IF EXISTS (
      SELECT 1 FROM record_freeze f
       WHERE f.ics_id = tenant AND f.child_id = ANY(children) AND f.lifted_at IS NULL
         AND NOT (f.child_id::text = ANY(string_to_array(coalesce(current_setting('app.freeze_checked', true), ''), ',')))
    ) THEN
      RAISE EXCEPTION 'This record is frozen during a safeguarding investigation: it cannot be changed until the freeze is lifted.'
        USING ERRCODE = 'JRFRZ';
    END IF;
  END LOOP;
  RETURN COALESCE(NEW, OLD);
END
$$;
