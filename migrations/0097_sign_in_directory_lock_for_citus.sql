-- On Citus, any change to professional (a reference table whose key points at
-- the sign-in directory, also a reference table) makes Citus lock the
-- directory's shard, and Citus allows that lock only to a role that may
-- UPDATE, DELETE or TRUNCATE the directory: without it every sign-in and every
-- change to an account failed (decision 0029). The app is given UPDATE so that
-- Citus's check passes, and a trigger refuses every UPDATE: the app still only
-- adds its own ICS's entries and reads them. (A restrictive policy would say
-- the same, but Citus 13.2 copies a policy to the shards as a permissive one.)
GRANT UPDATE ON sign_in_directory TO joinery_app;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION joinery_refuse_directory_change() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  RAISE EXCEPTION 'The sign-in directory is never changed: an entry is added with its account and stays.'
    USING ERRCODE = 'insufficient_privilege';
END
$$;
--> statement-breakpoint
CREATE TRIGGER sign_in_directory_never_changed BEFORE UPDATE ON sign_in_directory
  FOR EACH ROW EXECUTE FUNCTION joinery_refuse_directory_change();
