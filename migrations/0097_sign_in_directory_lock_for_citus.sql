-- On Citus, any change to professional (a reference table whose key points at
-- the sign-in directory, also a reference table) makes Citus lock the
-- directory's shard, and Citus allows that lock only to a role that may
-- UPDATE, DELETE or TRUNCATE the directory: without it every sign-in and every
-- change to an account failed (decision 0029). The app is given UPDATE so that
-- Citus's check passes, and a restrictive policy lets that UPDATE change no
-- row: the app still only adds its own ICS's entries and reads them.
GRANT UPDATE ON sign_in_directory TO joinery_app;
--> statement-breakpoint
CREATE POLICY sign_in_directory_never_changed ON sign_in_directory AS RESTRICTIVE FOR UPDATE TO joinery_app USING (false);
