import type { Database } from '../db/client.js';
import type { ScheduledJob } from './job.js';
import { claim, finish, holder, LEASE_MINUTES, renew, type StartedBy } from './runs.js';

export type { ScheduledJob } from './job.js';

/** What one attempt to run a job came to. */
export type RunOutcome =
  | { ran: true; runId: string; summary: string }
  | { ran: true; runId: string; error: string }
  | { ran: false; heldBy: { process: string; started_at: string } | null };

/** The one line kept for an error: its message, never a stack (which could carry data from a query). */
const errorLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0].slice(0, 500);

/**
 * Runs the job once, if it can be claimed: by the schedule only when due, by
 * a command whenever no other run holds it. The claim is renewed while it
 * runs, and the run's record says how it ended.
 */
export async function runJob(db: Database, job: ScheduledJob, startedBy: StartedBy, now = new Date()): Promise<RunOutcome> {
  const runId = await claim(db, job.name, job.everyMinutes, startedBy, now);
  if (!runId) return { ran: false, heldBy: await holder(db, job.name) };
  const renewing = setInterval(() => void renew(db, job.name, runId).catch(() => undefined), (LEASE_MINUTES * 60_000) / 5);
  renewing.unref();
  try {
    const summary = await job.run(now);
    await finish(db, job.name, runId, { summary });
    return { ran: true, runId, summary };
  } catch (e) {
    const error = errorLine(e);
    await finish(db, job.name, runId, { error });
    return { ran: true, runId, error };
  } finally {
    clearInterval(renewing);
  }
}

export type JobRunner = {
  /** Stops looking for due jobs and waits for a run under way to finish. */
  stop(): Promise<void>;
  /** Looks for due jobs now (the runner also does so every tick); resolves when those runs are done. */
  tick(): Promise<void>;
};

/**
 * Started by `joinery serve`: every `tickSeconds` it runs each job that is
 * due, one after another, never two runs of one job at once (nor in two
 * processes: the claim is in the database). Not started in tests unless a
 * test starts it.
 */
export function startJobRunner(
  db: Database, jobs: ScheduledJob[], options: { tickSeconds?: number; log?: (line: string) => void } = {},
): JobRunner {
  const log = options.log ?? ((line: string) => console.log(line));
  let stopped = false;
  let current: Promise<void> = Promise.resolve();
  const tick = () => {
    current = current.then(async () => {
      for (const job of jobs) {
        if (stopped) return;
        try {
          const outcome = await runJob(db, job, 'schedule');
          if (outcome.ran) log('error' in outcome ? `Job ${job.name} failed: ${outcome.error}` : `Job ${job.name}: ${outcome.summary}`);
        } catch (e) {
          // The database away (a restart): the next tick tries again.
          log(`Job ${job.name} could not start: ${errorLine(e)}`);
        }
      }
    });
    return current;
  };
  const timer = setInterval(() => void tick(), (options.tickSeconds ?? 60) * 1000);
  timer.unref();
  void tick();
  return {
    tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await current;
    },
  };
}
