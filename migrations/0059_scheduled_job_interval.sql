-- How often each scheduled job runs, as its runner last said: for the
-- administrators' page of jobs and their runs. Set at every claim, so a
-- changed interval shows from the job's next run.
ALTER TABLE "scheduled_job" ADD COLUMN "every_minutes" integer;
