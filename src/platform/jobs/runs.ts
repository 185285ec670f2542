import crypto from 'node:crypto';
import os from 'node:os';
import { sql } from 'drizzle-orm';
import { rows, type Database } from '../db/client.js';

/**
 * The record of scheduled jobs (migration 0049): a job's row says when it is
 * next due and which run holds it; every run has a row with its clock,
 * start, end, summary or error. Platform data: jobs serve every ICS.
 */

/** How long a claim holds without being renewed: a run whose process died is taken over after this. */
export const LEASE_MINUTES = 5;

export type StartedBy = 'schedule' | 'command';

/** This process, as a run's record names it (no user data). */
export const thisProcess = () => `${os.hostname()}:${process.pid}`;

/**
 * Claims the job for one run, or answers null when another run holds it (or,
 * for the schedule, when it is not yet due). One UPDATE under the row's lock:
 * a second process racing for the same row waits for the first to commit,
 * then finds it held and claims nothing.
 */
export async function claim(db: Database, name: string, everyMinutes: number, startedBy: StartedBy, clock: Date): Promise<string | null> {
  const runId = crypto.randomUUID();
  return db.platform(async (tx) => {
    await tx.execute(sql`INSERT INTO scheduled_job (name) VALUES (${name}) ON CONFLICT (name) DO NOTHING`);
    const due = startedBy === 'schedule' ? sql`AND next_due_at <= now()` : sql``;
    // The schedule moves on when a run starts, so a run that fails is not retried at once, nor at every tick.
    const next = startedBy === 'schedule' ? sql`now() + make_interval(mins => ${everyMinutes})` : sql`next_due_at`;
    const [claimed] = await rows<{ name: string }>(tx, sql`UPDATE scheduled_job
        SET running_run_id = ${runId}::uuid, lease_until = now() + make_interval(mins => ${LEASE_MINUTES}), next_due_at = ${next}, every_minutes = ${everyMinutes}
      WHERE name = ${name} AND (running_run_id IS NULL OR lease_until < now()) ${due}
      RETURNING name`);
    if (!claimed) return null;
    await tx.execute(sql`INSERT INTO scheduled_job_run (id, job_name, started_by, clock, process)
      VALUES (${runId}::uuid, ${name}, ${startedBy}, ${clock.toISOString()}::timestamptz, ${thisProcess()})`);
    return runId;
  });
}

/** Renews the claim while the run goes on; false when it has lapsed and another run took the job. */
export async function renew(db: Database, name: string, runId: string): Promise<boolean> {
  const renewed = await db.platform((tx) => rows(tx, sql`UPDATE scheduled_job SET lease_until = now() + make_interval(mins => ${LEASE_MINUTES})
    WHERE name = ${name} AND running_run_id = ${runId}::uuid RETURNING name`));
  return renewed.length === 1;
}

/** Records how the run ended and lets the job go. */
export async function finish(db: Database, name: string, runId: string, outcome: { summary: string } | { error: string }): Promise<void> {
  await db.platform(async (tx) => {
    await tx.execute(sql`UPDATE scheduled_job_run SET finished_at = now(),
        summary = ${'summary' in outcome ? outcome.summary : null}, error = ${'error' in outcome ? outcome.error : null}
      WHERE id = ${runId}::uuid`);
    await tx.execute(sql`UPDATE scheduled_job SET running_run_id = NULL, lease_until = NULL WHERE name = ${name} AND running_run_id = ${runId}::uuid`);
  });
}

export type JobRun = {
  id: string; job_name: string; started_by: StartedBy; clock: string; process: string;
  started_at: string; finished_at: string | null; summary: string | null; error: string | null;
};

/** The latest runs of a job, newest first. */
export function latestRuns(db: Database, name: string, limit = 10): Promise<JobRun[]> {
  return db.platform((tx) => rows<JobRun>(tx, sql`SELECT id, job_name, started_by, clock, process, started_at, finished_at, summary, error
    FROM scheduled_job_run WHERE job_name = ${name} ORDER BY started_at DESC, id LIMIT ${limit}`));
}

/** Who holds the job now, if anyone: the run and its process. */
export async function holder(db: Database, name: string): Promise<{ process: string; started_at: string } | null> {
  const [found] = await db.platform((tx) => rows<{ process: string; started_at: string }>(tx, sql`SELECT r.process, r.started_at
    FROM scheduled_job j JOIN scheduled_job_run r ON r.id = j.running_run_id WHERE j.name = ${name} AND j.lease_until >= now()`));
  return found ?? null;
}

export type JobSchedule = { name: string; every_minutes: number | null; next_due_at: string; running: boolean };

/** Every job a runner has claimed at least once: how often it runs, when it is next due, and whether a run holds it now. */
export function jobSchedules(db: Database): Promise<JobSchedule[]> {
  return db.platform((tx) => rows<JobSchedule>(tx, sql`SELECT name, every_minutes, next_due_at,
      (running_run_id IS NOT NULL AND lease_until >= now()) AS running
    FROM scheduled_job ORDER BY name`));
}
