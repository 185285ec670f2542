import { afterAll, describe, expect, it, vi } from 'vitest';
import fs from 'node:fs';
import { spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { connectEmbedded } from '../src/platform/db/connect.js';
import { rows } from '../src/platform/db/client.js';
import { runCli } from './run-cli.js';

/** The command line as an operator uses it, against an embedded database in a temporary folder. */
describe('joinery command line', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'joinery-cli-'));
  const env = { ...process.env };
  afterAll(() => {
    process.env = env;
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const run = runCli;

  it('--help lists the commands', async () => {
    const { code, output } = await run(['--help']);
    expect(code).toBe(0);
    for (const command of ['serve', 'migrate', 'synth --children N --seed S [--ics NAME]']) expect(output).toContain(command);
    expect((await run(['synth', '--help'])).output).toContain('--children N');
  });

  it('refuses an unknown command and bad flags with a clear message', async () => {
    expect(await run(['frobnicate'])).toMatchObject({ code: 2, output: expect.stringContaining("Unknown command 'frobnicate'") });
    expect(await run(['synth', '--children', '10', '--seed', '1'])).toMatchObject({ code: 2, output: expect.stringContaining('--children must be at least 100') });
    expect(await run(['synth', '--children', 'lots', '--seed', '1'])).toMatchObject({ code: 2, output: expect.stringContaining('--children must be a number') });
    expect(await run(['synth', '--children', '100', '--seed', '1', '--colour', 'red'])).toMatchObject({ code: 2, output: expect.stringContaining("Unknown option '--colour'") });
  });

  it('migrates and generates an ICS into the configured embedded database', async () => {
    process.env.JOINERY_DATA_DIR = dataDir;
    delete process.env.DATABASE_URL;
    expect(await run(['migrate'])).toMatchObject({ code: 0, output: expect.stringMatching(/Migrated pglite database to \d{4}_/) });
    const synth = await run(['synth', '--children', '250', '--seed', '5', '--ics', 'Northshire ICS']);
    expect(synth.code).toBe(0);
    expect(synth.output).toMatch(/Generated Northshire ICS .* rows\/s/);
    const db = await connectEmbedded(dataDir);
    const [n] = await rows<{ n: number }>(db.owner, sql`SELECT count(*)::int AS n FROM child c JOIN ics i ON i.id = c.ics_id WHERE i.name = 'Northshire ICS'`);
    await db.close();
    expect(n.n).toBe(250);
  });

  it('refuses the data folder while another process holds it, naming that process, and takes over a lock whose process has ended', async () => {
    process.env.JOINERY_DATA_DIR = dataDir;
    delete process.env.DATABASE_URL;
    const lockFile = path.join(dataDir, 'joinery.lock');
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    const ended = new Promise((resolve) => holder.on('exit', resolve));
    fs.writeFileSync(lockFile, JSON.stringify({ pid: holder.pid, pidStart: null, command: 'synth', startedAt: '2026-01-05T09:00:00Z' }));
    const refused = await run(['migrate']);
    expect(refused.code).toBe(1);
    expect(refused.output).toContain(`in use by process ${holder.pid} (joinery synth, started 2026-01-05T09:00:00Z)`);
    holder.kill();
    await ended;
    expect(await run(['migrate'])).toMatchObject({ code: 0, output: expect.stringContaining('Migrated pglite database') });
    expect(fs.existsSync(lockFile)).toBe(false);
  });
});

/** `joinery spc` as an analyst pipes a series into it. */
describe('joinery spc', () => {
  async function spc(stdin: string, args: string[] = []) {
    const input = vi.spyOn(process, 'stdin', 'get').mockReturnValue(Readable.from([stdin]) as unknown as typeof process.stdin);
    try {
      return await runCli(['spc', ...args]);
    } finally {
      input.mockRestore();
    }
  }

  it('prints the points, variation, assurance and warnings as JSON', async () => {
    const values = [10, 12, 10, 12, 10, 12, 10, 12, 10, 12, 10, 12, 30];
    const { code, output } = await spc(JSON.stringify({ values, improvement: 'decrease', target: 25 }));
    expect(code).toBe(0);
    const result = JSON.parse(output);
    expect(Object.keys(result)).toEqual(['points', 'variation', 'assurance', 'warnings']);
    expect(result.points).toHaveLength(13);
    expect(Object.keys(result.points[0])).toEqual(['value', 'mean', 'lpl', 'upl', 'type']);
    expect(result.points.at(-1)).toMatchObject({ value: 30, type: 'special_cause_concern' });
    expect(result).toMatchObject({ variation: 'special_cause_concern', assurance: 'consistent_pass', warnings: [] });
  });

  it('takes rebasing, fixed limits and screening, and says which fields it ignored', async () => {
    const { code, output } = await spc(JSON.stringify({
      values: [5, 5, 5, 6, 5], improvement: 'neutral', target: null, fixAfterPoints: 3, rebaseAt: [0, 3], screenOutliers: false, colour: 'red',
    }));
    expect(code).toBe(0);
    const result = JSON.parse(output);
    expect(result.points.map((p: { mean: number }) => p.mean)).toEqual([5, 5, 5, 5.5, 5.5]);
    expect(result.assurance).toBeNull();
    expect(result.warnings.join(' ')).toMatch(/trial limits.*Ignored unknown field: colour/);
  });

  it('is listed in the help', async () => {
    expect((await runCli(['--help'])).output).toContain('spc < series.json');
    expect((await runCli(['spc', '--help'])).output).toContain('"improvement": "increase"|"decrease"|"neutral"');
  });

  it('refuses bad input with a clear message and exit code 2, never a stack trace', async () => {
    const cases: [string, RegExp][] = [
      ['not json', /not valid JSON/],
      ['', /Nothing on standard input/],
      ['[1, 2, 3]', /must be a JSON object/],
      ['{"improvement": "increase"}', /values is required/],
      ['{"values": [1, "2", 3], "improvement": "increase"}', /values\[1\]: must be a number/],
      ['{"values": [1, null], "improvement": "increase"}', /values\[1\]: must be a number/],
      ['{"values": [1, 1e400], "improvement": "increase"}', /values\[1\]/],
      ['{"values": [], "improvement": "increase"}', /at least one number/],
      ['{"values": [1, 2, 3]}', /improvement is required/],
      ['{"values": [1, 2, 3], "improvement": "up"}', /improvement must be: "increase", "decrease" or "neutral"/],
      ['{"values": [1, 2, 3], "improvement": "increase", "fixAfterPoints": 0}', /fixAfterPoints must be at least 1/],
      ['{"values": [1, 2, 3], "improvement": "increase", "fixAfterPoints": 2.5}', /fixAfterPoints must be a whole number/],
      ['{"values": [1, 2, 3], "improvement": "increase", "rebaseAt": [3]}', /rebaseAt 3 is out of range: indexes run from 0 to 2/],
      ['{"values": [1, 2, 3], "improvement": "increase", "rebaseAt": [-1]}', /rebaseAt -1 is out of range/],
      ['{"values": [1, 2, 3], "improvement": "increase", "rebaseAt": [1, 5, -2]}', /rebaseAt 5 is out of range: indexes run from 0 to 2\nrebaseAt -2 is out of range/],
      ['{"values": [1, 2, 3], "improvement": "increase", "rebaseAt": [1.5]}', /each rebaseAt must be a whole number/],
      ['{"values": [1, 2, 3], "improvement": "increase", "target": "high"}', /target must be a number/],
      ['{"values": [1, 2, 3], "improvement": "increase", "screenOutliers": "yes"}', /screenOutliers must be true or false/],
    ];
    for (const [input, message] of cases) {
      const { code, output } = await spc(input);
      expect({ input, code, output }).toMatchObject({ code: 2, output: expect.stringMatching(message) });
      expect(output).not.toMatch(/\n\s+at /);
    }
    expect(await spc('{}', ['--values', '1'])).toMatchObject({ code: 2, output: expect.stringContaining('takes no arguments') });
  });
});
