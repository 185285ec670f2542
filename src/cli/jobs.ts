import { parseArgs } from 'node:util';
import type { Output } from './output.js';
import { connect, type DatabaseConfig } from '../platform/db/connect.js';
import type { Database } from '../platform/db/client.js';
import { runJob, type ScheduledJob } from '../platform/jobs/runner.js';
import { latestRuns } from '../platform/jobs/runs.js';
import { ageMilestonesJob } from '../family/service.js';
import { wardClockJob } from '../ambulatory/service.js';
import { bulkExportJob } from '../fhir/service.js';

/**
 * The jobs Joinery runs by itself (`joinery serve` starts the runner), and
 * `joinery jobs`. A capability offers its job through its service; it is
 * listed here, once.
 */
export function scheduledJobs(db: Database): ScheduledJob[] {
  return [
    ageMilestonesJob(db),
    wardClockJob(db),
    bulkExportJob(db),
  ];
}

export const JOBS_HELP =
  'joinery jobs list\n\n  The scheduled jobs, how often each runs, and its latest run (when, what it did or its error).\n\n' +
  'joinery jobs run NAME [--at DATE-TIME]\n\n' +
  '  Runs one job now, whether or not it is due, unless a run of it is under way (in this or another process).\n' +
  '  --at DATE-TIME   the clock the job runs for, as ISO 8601 (2026-12-06T06:00:00Z, or a date: 2026-12-06 is midnight UTC);\n' +
  '                   for testing, and for catching up on days the job did not run (run each missed day in turn).\n' +
  '  Prints what the run did. Exits 1 when the job failed or another run holds it, 2 on bad input.';

/** The clock from --at: a bare date is midnight UTC; a date-time needs its offset (Z or ±hh:mm). An error's words otherwise. */
export function readClock(at: string | undefined): Date | string {
  if (at === undefined) return new Date();
  const m = /^(\d{4})-(\d{2})-(\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/.exec(at);
  if (!m) return '--at must be an ISO 8601 date or date-time with its offset, like 2026-12-06 or 2026-12-06T06:00:00Z';
  const day = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  const clock = new Date(m[4] ? at : `${at}T00:00:00Z`);
  if (day.getUTCMonth() !== Number(m[2]) - 1 || day.getUTCDate() !== Number(m[3]) || Number.isNaN(clock.getTime())) return `--at ${at} is not a real date and time`;
  return clock;
}

export async function jobsCommand(config: DatabaseConfig, args: string[], io: Output): Promise<number> {
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; options: { at: { type: 'string' } } }>>;
  try {
    parsed = parseArgs({ args, allowPositionals: true, strict: true, options: { at: { type: 'string' } } });
  } catch (error) {
    io.err(`${error instanceof Error ? error.message : String(error)}\n\n${JOBS_HELP}`);
    return 2;
  }
  const [sub, name, ...extra] = parsed.positionals;
  if (sub === 'list' && !name && parsed.values.at === undefined) return list(config, io);
  if (sub !== 'run' || !name || extra.length) {
    io.err(`${sub === 'run' ? 'Give the name of one job to run' : `Unknown jobs command '${sub ?? ''}': 'joinery jobs list' or 'joinery jobs run NAME'`}.\n\n${JOBS_HELP}`);
    return 2;
  }
  const clock = readClock(parsed.values.at);
  if (typeof clock === 'string') {
    io.err(`${clock}\n\n${JOBS_HELP}`);
    return 2;
  }
  const db = await connect(config);
  try {
    const jobs = scheduledJobs(db);
    const job = jobs.find((j) => j.name === name);
    if (!job) {
      io.err(`No job called '${name}'. The jobs are: ${jobs.map((j) => j.name).join(', ')}.`);
      return 2;
    }
    const outcome = await runJob(db, job, 'command', clock);
    if (!outcome.ran) {
      io.err(`Job ${name} is running already${outcome.heldBy ? ` (process ${outcome.heldBy.process}, since ${new Date(outcome.heldBy.started_at).toISOString()})` : ''}: try again when it has finished.`);
      return 1;
    }
    if ('error' in outcome) {
      io.err(`Job ${name} failed: ${outcome.error}`);
      return 1;
    }
    io.out(`${name}: ${outcome.summary}`);
    return 0;
  } finally {
    await db.close();
  }
}

async function list(config: DatabaseConfig, io: Output): Promise<number> {
  const db = await connect(config);
  try {
    for (const job of scheduledJobs(db)) {
      const [last] = await latestRuns(db, job.name, 1);
      const when = last ? `last run ${new Date(last.started_at).toISOString()} (${last.started_by})` : 'not run yet';
      const what = last ? (last.error ? `failed: ${last.error}` : last.summary ?? 'still running') : '';
      io.out(`${job.name}  every ${job.everyMinutes} minutes  ${when}${what ? `: ${what}` : ''}`);
    }
    return 0;
  } finally {
    await db.close();
  }
}
