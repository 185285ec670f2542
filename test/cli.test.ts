import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
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
});
