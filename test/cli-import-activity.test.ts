import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { connectEmbedded } from '../src/platform/db/connect.js';
import { migrate } from '../src/platform/db/migrate.js';
import { rows } from '../src/platform/db/client.js';
import { generateIcs } from '../src/synth/generate.js';
import { runCli } from './run-cli.js';

/** `joinery import activity` as an operator runs it, against an embedded database in a temporary folder. */
describe('joinery import activity', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'joinery-cli-activity-'));
  const env = { ...process.env };
  let kids: { nhs: string }[];
  const file = (name: string, lines: string[]) => {
    const f = path.join(dataDir, name);
    fs.writeFileSync(f, `${lines.join('\n')}\n`);
    return f;
  };
  const HEADER = 'source_id,nhs_number,type,occurred_at,emergency';
  const events = async () => {
    const db = await connectEmbedded(dataDir);
    try {
      return (await rows<{ n: number }>(db.owner, sql`SELECT count(*)::int AS n FROM activity_event WHERE source_system = 'https://trust.example/ed'`))[0].n;
    } finally {
      await db.close();
    }
  };

  beforeAll(async () => {
    process.env.JOINERY_DATA_DIR = dataDir;
    delete process.env.DATABASE_URL;
    const db = await connectEmbedded(dataDir);
    await migrate(db);
    await generateIcs(db, { children: 150, seed: 8, icsName: 'Cli Activity ICS', demoEmailDomain: 'cli-activity.joinery.test', today: '2026-06-15' });
    kids = await rows(db.owner, sql`SELECT nhs_number AS nhs FROM child WHERE date_of_birth < '2024-01-01' AND registered_practice_id IS NOT NULL ORDER BY nhs_number LIMIT 5`);
    await db.close();
  });
  afterAll(() => {
    process.env = env;
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('imports a file, says what it added, and adds nothing the second time (exit 0)', async () => {
    const f = file('ed.csv', [HEADER, ...kids.map((k, i) => `ed-${i},${k.nhs},ed,2025-05-0${i + 1}T10:00:00Z,`), `adm-1,${kids[0].nhs},admission,2025-05-09 14:00,true`]);
    const first = await runCli(['import', 'activity', f, '--source', 'https://trust.example/ed']);
    expect(first.code).toBe(0);
    expect(first.output).toMatch(new RegExp(`^Imported ${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} into CLI-ACTIVITY-ICS in [\\d.]+ s: 6 rows \\([\\d,]+ rows/s\\)`));
    expect(first.output).toContain('  added      6\n  unchanged  0\n  rejected   0\n  rollups    2025-05 to 2025-05 rewritten in');
    expect(fs.existsSync(path.join(dataDir, 'ed.rejects.csv'))).toBe(false);
    expect(await events()).toBe(6);

    const second = await runCli(['import', 'activity', f, '--source', 'https://trust.example/ed', '--ics', 'cli-activity-ics']);
    expect(second.code).toBe(0);
    expect(second.output).toContain('  added      0\n  unchanged  6 (already imported from https://trust.example/ed)\n  rejected   0\n  rollups    nothing added, so none rewritten');
    expect(await events()).toBe(6);
  });

  it('takes the good rows and puts the rest in FILE.rejects.csv with line numbers and reasons (exit 1)', async () => {
    const f = file('mixed.csv', [
      HEADER,
      `m-1,${kids[1].nhs},ed,2025-06-01T10:00:00Z,`,
      `"m-2, with a comma",${kids[1].nhs},admission,2025-06-02T10:00:00Z,`,
      `m-3,${kids[2].nhs},gp,"2025-06-03\nT10:00",`,
      `m-4,${kids[2].nhs},gp,2025-06-04T10:00:00Z,`,
    ]);
    const { code, output } = await runCli(['import', 'activity', f, '--source', 'https://trust.example/ed']);
    expect(code).toBe(1);
    expect(output).toContain(`  added      2\n  unchanged  0\n  rejected   2 (line, reason and the row in ${path.join(dataDir, 'mixed.rejects.csv')})`);
    expect(output).toContain('    line 3: emergency is required for an admission: true or false');
    expect(output).toMatch(/ {4}line 4: occurred_at '2025-06-03\nT10:00' is not an ISO 8601 date-time/);
    expect(fs.readFileSync(path.join(dataDir, 'mixed.rejects.csv'), 'utf8')).toBe(
      'line,reason,source_id,nhs_number,type,occurred_at,emergency\r\n' +
      `3,emergency is required for an admission: true or false,"m-2, with a comma",${kids[1].nhs},admission,2025-06-02T10:00:00Z,\r\n` +
      `4,"occurred_at '2025-06-03\nT10:00' is not an ISO 8601 date-time (e.g. 2025-03-14T09:30:00Z, 2025-03-14T09:30:00+01:00 or 2025-03-14 09:30 in London)",` +
      `m-3,${kids[2].nhs},gp,"2025-06-03\nT10:00",\r\n`,
    );
  });

  it('refuses bad usage with exit 2, writing nothing', async () => {
    const before = await events();
    const badHeader = file('bad-header.csv', ['source_id,nhs,type,occurred_at', `b-1,${kids[0].nhs},ed,2025-06-01T10:00:00Z`]);
    expect(await runCli(['import', 'activity', badHeader])).toEqual({
      code: 2, output: expect.stringMatching(/^The header has no 'nhs_number' column\. Unknown column in the header: 'nhs'\./),
    });
    expect(await runCli(['import', 'activity', path.join(dataDir, 'nowhere.csv')])).toEqual({ code: 2, output: `No such file: ${path.join(dataDir, 'nowhere.csv')}` });
    expect(await runCli(['import', 'activity'])).toMatchObject({ code: 2, output: expect.stringContaining('Give one CSV file to import') });
    expect(await runCli(['import', 'activity', badHeader, '--colour', 'red'])).toMatchObject({ code: 2, output: expect.stringContaining("Unknown option '--colour'") });
    const good = file('good.csv', [HEADER, `g-1,${kids[0].nhs},ed,2025-06-01T10:00:00Z,`]);
    expect(await runCli(['import', 'activity', good, '--ics', 'NOPE'])).toMatchObject({ code: 2, output: expect.stringContaining('No ICS has the code NOPE') });
    expect(await events()).toBe(before);
    expect(fs.existsSync(path.join(dataDir, 'bad-header.rejects.csv'))).toBe(false);
  });

  it('documents itself in joinery import --help', async () => {
    const { code, output } = await runCli(['import', 'activity', '--help']);
    expect(code).toBe(0);
    expect(output).toContain('joinery import activity FILE.csv [--ics CODE] [--source URI]');
    expect(output).toContain('FILE.rejects.csv');
  });
});
