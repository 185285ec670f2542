import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_SERVER_URL, serverReachable } from './database.js';
import { runCli } from './run-cli.js';

/** `joinery synth --intervention FILE` as an analyst uses it to make data with a known effect. */
describe('joinery synth --intervention', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'joinery-cli-intervention-'));
  const dataDir = path.join(dir, 'data');
  const env = { ...process.env };
  const file = (name: string, text: string) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, text);
    return p;
  };
  const good = { model: 'child-health-hub', clusters: 1, start: '2023-04', rampMonths: 6, effects: { 'ed-attendances': -0.15, 'outpatient-first': -0.35, 'emergency-admissions': -0.12 } };
  const synth = (intervention: string, children = '13000') =>
    runCli(['synth', '--children', children, '--seed', '3', '--ics', 'Hub Trial ICS', '--intervention', intervention]);
  afterAll(() => {
    process.env = env;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('says what is wrong with a bad file, exits 2 and writes nothing', async () => {
    process.env.JOINERY_DATA_DIR = dataDir;
    delete process.env.DATABASE_URL;
    expect(await synth(path.join(dir, 'missing.json'))).toMatchObject({ code: 2, output: expect.stringMatching(/missing\.json: no such file/) });
    expect(await synth(file('broken.json', '{"model": "hub",'))).toMatchObject({ code: 2, output: expect.stringMatching(/broken\.json is not JSON/) });
    expect(await synth(file('ramp.json', JSON.stringify({ ...good, rampMonths: 30 })))).toMatchObject({ code: 2, output: expect.stringContaining('rampMonths: must be from 0 to 24') });
    expect(await synth(file('effect.json', JSON.stringify({ ...good, effects: { 'ed-visits': -0.1 } })))).toMatchObject({ code: 2, output: expect.stringContaining('effects.ed-visits: not an effect') });
    // One cluster in an ICS this small: none could stay a comparator.
    expect(await synth(file('small.json', JSON.stringify(good)), '3000')).toMatchObject({ code: 2, output: expect.stringContaining('clusters: an ICS of 3000 children has 1 cluster') });
    expect(await synth(file('late.json', JSON.stringify({ ...good, start: '2031-01' })))).toMatchObject({ code: 2, output: expect.stringMatching(/start: must be a month from \d{4}-\d{2} to \d{4}-\d{2}/) });
    expect(fs.existsSync(dataDir)).toBe(false);
    expect((await runCli(['synth', '--help'])).output).toContain('--intervention FILE');
  });

  it('generates with a good file and prints the clusters that got the model', { timeout: 900_000 }, async () => {
    // 13,000 children make two clusters; the server, when there is one, is quicker than the embedded database.
    const server = await serverReachable();
    const name = `joinery_test_${crypto.randomBytes(6).toString('hex')}`;
    const admin = async (sqlText: string) => {
      const client = new pg.Client({ connectionString: TEST_SERVER_URL });
      await client.connect();
      try {
        return await client.query(sqlText);
      } finally {
        await client.end();
      }
    };
    if (server) {
      await admin(`CREATE DATABASE ${name}`);
      const url = new URL(TEST_SERVER_URL);
      url.pathname = `/${name}`;
      process.env.DATABASE_URL = url.toString();
    } else {
      process.env.JOINERY_DATA_DIR = dataDir;
      delete process.env.DATABASE_URL;
    }
    try {
      const { code, output } = await synth(file('good.json', JSON.stringify(good)));
      expect(code).toBe(0);
      expect(output).toMatch(/Generated Hub Trial ICS .* rows\/s/);
      expect(output).toMatch(/Care model child-health-hub from 2023-04 \(6 months' ramp\) in 1 cluster: .+ Child Health Hub/);
      expect(output).toMatch(/care_model_implementation\s+1\b/);
      expect(output).toMatch(/activity_event\s+[\d,]+/);
      expect(output).toMatch(/population_rollup\s+[\d,]+/);
    } finally {
      if (server) await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  });
});
