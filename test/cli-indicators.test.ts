import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { connectEmbedded } from '../src/platform/db/connect.js';
import { migrate } from '../src/platform/db/migrate.js';
import type { Database } from '../src/platform/db/client.js';
import type { Actor } from '../src/platform/access/actor.js';
import { addIndicator } from '../src/population/service.js';
import { runCli } from './run-cli.js';

/** `joinery indicators` as an analyst runs it against the configured embedded database. */
describe('joinery indicators', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'joinery-indicators-'));
  const env = { ...process.env };
  const north = crypto.randomUUID();

  /** Opens the folder's database for set-up, then closes it so the command can open it. */
  async function withDb(fn: (db: Database) => Promise<void>) {
    const db = await connectEmbedded(dataDir);
    try {
      await migrate(db);
      await fn(db);
    } finally {
      await db.close();
    }
  }

  beforeAll(() => {
    process.env.JOINERY_DATA_DIR = dataDir;
    delete process.env.DATABASE_URL;
  });
  afterAll(() => {
    process.env = env;
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('says there is no ICS yet, and refuses unknown flags', async () => {
    expect(await runCli(['indicators'])).toMatchObject({ code: 2, output: expect.stringContaining('There is no ICS yet') });
    expect(await runCli(['indicators', '--colour', 'red'])).toMatchObject({ code: 2, output: expect.stringContaining("Unknown option '--colour'") });
    expect(await runCli(['indicators', 'extra'])).toMatchObject({ code: 2, output: expect.stringContaining('joinery indicators [--ics CODE]') });
    expect((await runCli(['indicators', '--help'])).output).toContain('--json');
  });

  it('lists the built-in indicators with their ids, names, units and directions, aligned', async () => {
    await withDb(async (db) => {
      await db.owner.execute(sql`INSERT INTO ics (id, name, code) VALUES (${north}::uuid, 'Northshire ICS', 'NTH')`);
    });
    const { code, output } = await runCli(['indicators']);
    expect(code).toBe(0);
    const lines = output.split('\n');
    expect(lines[0]).toMatch(/^ID +NAME +UNIT +IMPROVEMENT$/);
    const ed = lines.find((l) => l.startsWith('ed-attendances '))!;
    expect(ed).toMatch(/^ed-attendances +ED attendances, ages 0 to 17 +per 1,000 a year +lower is better$/);
    // Columns line up: each starts where the header's does.
    for (const column of ['NAME', 'UNIT', 'IMPROVEMENT']) {
      const at = lines[0].indexOf(column);
      for (const line of lines.slice(2)) expect(line[at - 1], `${column} in "${line}"`).toBe(' ');
    }
  });

  it('shows an ICS’s own indicator once added, as a table and as JSON, and needs --ics when there are two', async () => {
    await withDb(async (db) => {
      const analyst: Actor = {
        icsId: north, professionalId: crypto.randomUUID(), name: 'Sam Analyst', email: 'sam@example.test', role: 'ics-analyst',
        organisationId: crypto.randomUUID(), organisationName: 'Northshire ICB',
      };
      await db.tenant(north, (tx) => addIndicator(tx, analyst, {
        id: 'asthma-reviews', name: 'Asthma reviews', numerator: 'gp-contacts', denominator: 'asthma', unit: 'per-1000-year', improvement: 'increase',
        target: '80', targetSource: 'Northshire asthma plan',
      }));
      await db.owner.execute(sql`INSERT INTO ics (id, name, code) VALUES (${crypto.randomUUID()}::uuid, 'Southshire ICS', 'STH')`);
    });
    expect(await runCli(['indicators'])).toMatchObject({ code: 2, output: expect.stringContaining('give --ics CODE (one of NTH, STH)') });
    expect(await runCli(['indicators', '--ics', 'XYZ'])).toMatchObject({ code: 2, output: expect.stringContaining('No ICS has the code XYZ') });

    const table = await runCli(['indicators', '--ics', 'nth']);
    expect(table.code).toBe(0);
    expect(table.output.split('\n').at(-1)).toMatch(/^asthma-reviews +Asthma reviews +per 1,000 a year +higher is better$/);
    expect((await runCli(['indicators', '--ics', 'STH'])).output).not.toContain('asthma-reviews');

    const json = await runCli(['indicators', '--ics', 'NTH', '--json']);
    expect(json.code).toBe(0);
    const listed = JSON.parse(json.output) as { id: string; builtIn: boolean; target: number | null }[];
    expect(listed.find((i) => i.id === 'ed-attendances')).toMatchObject({ name: 'ED attendances, ages 0 to 17', builtIn: true });
    expect(listed.at(-1)).toMatchObject({ id: 'asthma-reviews', builtIn: false, target: 80, targetSource: 'Northshire asthma plan' });
  });
});
