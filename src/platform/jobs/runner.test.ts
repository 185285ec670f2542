import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows, type Database } from '../db/client.js';
import { databaseKinds, freshDatabase } from '../../../test/database.js';
import { runJob, startJobRunner, type ScheduledJob } from './runner.js';
import { latestRuns } from './runs.js';

const kinds = await databaseKinds();

/** A job that counts its runs and takes `ms` over each, so two runners can overlap it. */
function countingJob(name: string, ms = 150, fail = false) {
  const clocks: string[] = [];
  let running = 0;
  let overlapped = false;
  const job: ScheduledJob = {
    name, everyMinutes: 60,
    async run(now) {
      running += 1;
      if (running > 1) overlapped = true;
      clocks.push(now.toISOString());
      await new Promise((r) => setTimeout(r, ms));
      running -= 1;
      if (fail) throw new Error('the feed was away\nat line 2 of a stack');
      return `counted ${clocks.length}`;
    },
  };
  return { job, clocks, overlapped: () => overlapped };
}

describe.each(kinds)('scheduled jobs (%s)', (kind) => {
  let db: Database;
  beforeAll(async () => {
    db = await freshDatabase(kind);
  });
  afterAll(() => db?.close());

  it('two runners racing for the same due job: exactly one runs it', async () => {
    const { job, clocks, overlapped } = countingJob('race');
    const a = startJobRunner(db, [job], { log: () => undefined, tickSeconds: 3600 });
    const b = startJobRunner(db, [job], { log: () => undefined, tickSeconds: 3600 });
    await Promise.all([a.tick(), b.tick(), a.tick(), b.tick()]);
    await Promise.all([a.stop(), b.stop()]);
    expect(clocks).toHaveLength(1);
    expect(overlapped()).toBe(false);
    const runs = await latestRuns(db, 'race');
    expect(runs.map((r) => [r.started_by, r.summary, r.error])).toEqual([['schedule', 'counted 1', null]]);
  });

  it('records each run: its clock, start, end and summary; not due again until its interval has passed', async () => {
    const { job, clocks } = countingJob('record', 1);
    const outcome = await runJob(db, job, 'schedule', new Date('2027-03-01T06:00:00Z'));
    expect(outcome).toMatchObject({ ran: true, summary: 'counted 1' });
    const [run] = await latestRuns(db, 'record');
    expect(new Date(run.clock).toISOString()).toBe('2027-03-01T06:00:00.000Z');
    expect(new Date(run.finished_at!).getTime()).toBeGreaterThanOrEqual(new Date(run.started_at).getTime());
    expect(await runJob(db, job, 'schedule')).toEqual({ ran: false, heldBy: null });
    expect(clocks).toHaveLength(1);
  });

  it('records an error in one line, and a command runs the job whether due or not', async () => {
    const failing = countingJob('failing', 1, true);
    expect(await runJob(db, failing.job, 'schedule')).toMatchObject({ ran: true, error: 'the feed was away' });
    const [run] = await latestRuns(db, 'failing');
    expect([run.summary, run.error, run.finished_at === null]).toEqual([null, 'the feed was away', false]);
    // Not due again at once, but an operator can run it now.
    expect((await runJob(db, failing.job, 'schedule')).ran).toBe(false);
    expect((await runJob(db, failing.job, 'command')).ran).toBe(true);
    expect(failing.clocks).toHaveLength(2);
  });

  it('a command never runs alongside a run under way, and says which process holds it', async () => {
    const { job, clocks } = countingJob('held', 200);
    const scheduled = runJob(db, job, 'schedule');
    await new Promise((r) => setTimeout(r, 50));
    const refused = await runJob(db, job, 'command');
    expect(refused).toMatchObject({ ran: false, heldBy: { process: expect.stringContaining(`:${process.pid}`) } });
    await scheduled;
    expect(clocks).toHaveLength(1);
  });

  it('takes over a job whose run’s process died (its claim lapsed)', async () => {
    const { job, clocks } = countingJob('crashed', 1);
    await db.owner.execute(sql`INSERT INTO scheduled_job (name, next_due_at, running_run_id, lease_until)
      VALUES ('crashed', now() - interval '1 hour', gen_random_uuid(), now() - interval '1 minute')`);
    expect((await runJob(db, job, 'schedule')).ran).toBe(true);
    expect(clocks).toHaveLength(1);
    const [held] = await rows<{ running_run_id: string | null }>(db.owner, sql`SELECT running_run_id FROM scheduled_job WHERE name = 'crashed'`);
    expect(held.running_run_id).toBeNull();
  });

  it('stopping the runner waits for the run under way to finish and record itself', async () => {
    const { job } = countingJob('stopping', 200);
    const runner = startJobRunner(db, [job], { log: () => undefined, tickSeconds: 3600 });
    await new Promise((r) => setTimeout(r, 30));
    await runner.stop();
    const [run] = await latestRuns(db, 'stopping');
    expect(run.summary).toBe('counted 1');
  });
});
