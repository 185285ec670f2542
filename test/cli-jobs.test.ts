import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { rows } from '../src/platform/db/client.js';
import { migrate } from '../src/platform/db/migrate.js';
import { inDataFolder, runCli } from './run-cli.js';

/** `joinery jobs` as an operator runs it against the configured embedded database: bad input first, then a run for a chosen clock. */
describe('joinery jobs', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'joinery-jobs-'));
  const env = { ...process.env };

  beforeAll(async () => {
    process.env.JOINERY_DATA_DIR = dataDir;
    delete process.env.DATABASE_URL;
    await inDataFolder(dataDir, (db) => migrate(db));
  });
  afterAll(() => {
    process.env = env;
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it.each([
    [['jobs'], "Unknown jobs command ''"],
    [['jobs', 'run'], 'Give the name of one job to run'],
    [['jobs', 'run', 'age-milestones', '--at', '2026-02-30'], '--at 2026-02-30 is not a real date and time'],
    [['jobs', 'run', 'age-milestones', '--at', '2026-12-06T06:00'], '--at must be an ISO 8601 date or date-time with its offset'],
    [['jobs', 'run', 'age-milestones', '--when', 'now'], "Unknown option '--when'"],
    [['jobs', 'run', 'tidy-up'], "No job called 'tidy-up'. The jobs are: age-milestones, virtual-ward-clock, fhir-bulk-export."],
  ])('refuses %j, saying why (exit 2)', async (args, words) => {
    const { code, output } = await runCli(args);
    expect(code).toBe(2);
    expect(output).toContain(words);
  });

  it('runs the age milestones job for the clock given, prints what it did, and records the run', async () => {
    const { code, output } = await runCli(['jobs', 'run', 'age-milestones', '--at', '2027-03-01']);
    expect([code, output]).toEqual([0, 'age-milestones: 2027-03-01, 0 ICS: 0 paused for review, 0 paused at 16, 0 ended at 18, 0 removed after 5 years unused, 0 notices sent, 0 young people to be told by their practice']);
    const runs = await inDataFolder(dataDir, (db) => rows<{ job_name: string; started_by: string; clock: string; summary: string }>(db.owner,
      sql`SELECT job_name, started_by, to_char(clock AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS clock, summary FROM scheduled_job_run`));
    expect(runs).toEqual([{ job_name: 'age-milestones', started_by: 'command', clock: '2027-03-01 00:00', summary: expect.stringContaining('0 notices sent') }]);
    const listed = await runCli(['jobs', 'list']);
    expect(listed.output).toMatch(/^age-milestones {2}every 1440 minutes {2}last run .* \(command\): 2027-03-01, 0 ICS/);
  });
});
