-- While a child's record is frozen (record_freeze, not lifted), the database
-- refuses any change to the child's data made as joinery_app in a transaction
-- that has not passed the application's freeze check for that child
-- (src/record/freeze.ts marks the children it passed in app.freeze_checked).
-- A write path that forgets the check therefore fails safe. The owner
-- (migrations, the synthetic generator, test set-up) is not a request.
-- An entry's history row follows its entry's write, which is guarded.
-- Arguments: the row's column holding the child id; or a column, and the
-- table and column in which that value finds the children.
CREATE OR REPLACE FUNCTION joinery_refuse_frozen_write() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
DECLARE
  rec jsonb;
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
    IF TG_NARGS = 1 THEN
      children := ARRAY[(rec ->> TG_ARGV[0])::uuid];
    ELSE
      EXECUTE format('SELECT array_agg(child_id) FROM %I WHERE %I = $1', TG_ARGV[1], TG_ARGV[2])
        INTO children USING (rec ->> TG_ARGV[0])::uuid;
    END IF;
    IF EXISTS (
      SELECT 1 FROM record_freeze f
       WHERE f.child_id = ANY(children) AND f.lifted_at IS NULL
         AND NOT (f.child_id::text = ANY(string_to_array(coalesce(current_setting('app.freeze_checked', true), ''), ',')))
    ) THEN
      RAISE EXCEPTION 'This record is frozen during a safeguarding investigation: it cannot be changed until the freeze is lifted.'
        USING ERRCODE = 'JRFRZ';
    END IF;
  END LOOP;
  RETURN COALESCE(NEW, OLD);
END
$$;
--> statement-breakpoint
CREATE TRIGGER frozen_record_guard BEFORE UPDATE OR DELETE ON child FOR EACH ROW EXECUTE FUNCTION joinery_refuse_frozen_write('id');
--> statement-breakpoint
CREATE TRIGGER frozen_record_guard BEFORE UPDATE OR DELETE ON related_person FOR EACH ROW EXECUTE FUNCTION joinery_refuse_frozen_write('id', 'child_related_person', 'related_person_id');
--> statement-breakpoint
CREATE TRIGGER frozen_record_guard BEFORE INSERT OR UPDATE OR DELETE ON child_related_person FOR EACH ROW EXECUTE FUNCTION joinery_refuse_frozen_write('child_id');
--> statement-breakpoint
CREATE TRIGGER frozen_record_guard BEFORE INSERT OR UPDATE OR DELETE ON child_flag FOR EACH ROW EXECUTE FUNCTION joinery_refuse_frozen_write('child_id');
--> statement-breakpoint
CREATE TRIGGER frozen_record_guard BEFORE INSERT OR UPDATE OR DELETE ON consent_record FOR EACH ROW EXECUTE FUNCTION joinery_refuse_frozen_write('child_id');
--> statement-breakpoint
CREATE TRIGGER frozen_record_guard BEFORE INSERT OR UPDATE OR DELETE ON care_team_member FOR EACH ROW EXECUTE FUNCTION joinery_refuse_frozen_write('child_id');
--> statement-breakpoint
CREATE TRIGGER frozen_record_guard BEFORE INSERT OR UPDATE OR DELETE ON record_entry FOR EACH ROW EXECUTE FUNCTION joinery_refuse_frozen_write('child_id');
--> statement-breakpoint
CREATE TRIGGER frozen_record_guard BEFORE INSERT OR UPDATE OR DELETE ON contact FOR EACH ROW EXECUTE FUNCTION joinery_refuse_frozen_write('child_id');
--> statement-breakpoint
CREATE TRIGGER frozen_record_guard BEFORE INSERT OR UPDATE OR DELETE ON record_letter FOR EACH ROW EXECUTE FUNCTION joinery_refuse_frozen_write('child_id');
--> statement-breakpoint
CREATE TRIGGER frozen_record_guard BEFORE INSERT OR UPDATE OR DELETE ON care_plan FOR EACH ROW EXECUTE FUNCTION joinery_refuse_frozen_write('child_id');
--> statement-breakpoint
CREATE TRIGGER frozen_record_guard BEFORE INSERT OR UPDATE OR DELETE ON care_plan_goal FOR EACH ROW EXECUTE FUNCTION joinery_refuse_frozen_write('plan_id', 'care_plan', 'id');
--> statement-breakpoint
CREATE TRIGGER frozen_record_guard BEFORE INSERT OR UPDATE OR DELETE ON care_plan_version FOR EACH ROW EXECUTE FUNCTION joinery_refuse_frozen_write('plan_id', 'care_plan', 'id');
--> statement-breakpoint
CREATE TRIGGER frozen_record_guard BEFORE INSERT OR UPDATE OR DELETE ON task FOR EACH ROW EXECUTE FUNCTION joinery_refuse_frozen_write('child_id');
--> statement-breakpoint
CREATE TRIGGER frozen_record_guard BEFORE INSERT OR UPDATE OR DELETE ON task_event FOR EACH ROW EXECUTE FUNCTION joinery_refuse_frozen_write('task_id', 'task', 'id');
