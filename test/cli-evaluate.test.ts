import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { connectEmbedded } from '../src/platform/db/connect.js';
import { migrate } from '../src/platform/db/migrate.js';
import { londonToday } from '../src/platform/time/form-dates.js';
import { generateIcs } from '../src/synth/generate.js';
import { runCli } from './run-cli.js';
import { writeEvaluationFixture, type EvaluationFixture } from './evaluation-fixture.js';

/** `joinery evaluate` as an analyst runs it, against an embedded database in a temporary folder. */
describe('joinery evaluate', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'joinery-evaluate-'));
  const env = { ...process.env };
  let fixture: EvaluationFixture;

  beforeAll(async () => {
    process.env.JOINERY_DATA_DIR = dataDir;
    delete process.env.DATABASE_URL;
    const db = await connectEmbedded(dataDir);
    try {
      await migrate(db);
      const { icsId } = await generateIcs(db, { children: 200, seed: 62, icsName: 'Evaluate ICS', demoEmailDomain: 'evaluate.joinery.test' });
      fixture = await writeEvaluationFixture(db.owner, icsId, { today: londonToday(), seed: 4 });
      const [late] = (await db.owner.execute(sql`SELECT id::text FROM cluster WHERE ics_id = ${icsId} AND name = 'Evaluation hub 04'`) as unknown as { rows: { id: string }[] }).rows;
      await db.owner.execute(sql`INSERT INTO care_model_implementation (ics_id, model, cluster_id, start_month, ramp_months)
                                 VALUES (${icsId}, 'late-hub', ${late.id}, date_trunc('month', now())::date, 6)`);
    } finally {
      await db.close();
    }
  });
  afterAll(() => {
    process.env = env;
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints the interrupted time series as indented JSON by default', async () => {
    const { code, output } = await runCli(['evaluate', '--indicator', 'ed-attendances', '--model', 'test-hub']);
    expect(code).toBe(0);
    expect(output).toMatch(/^\{\n {2}"method": "its",\n {2}"effect": -?0\.\d+,\n {2}"ci95": \[/);
    const r = JSON.parse(output);
    expect(r).toMatchObject({ method: 'its', trueEffect: -0.15, model: 'test-hub', start: fixture.start, rampMonths: 6, preMonths: 30, postMonths: 12, excludedMonths: 6 });
    expect(r.clusters).toEqual({ treated: fixture.treated, comparators: fixture.comparators });
    expect(r.ci95[0]).toBeLessThan(r.effect);
    expect(r.ci95[1]).toBeGreaterThan(r.effect);
    expect(Object.keys(r.fit)).toEqual(['meanAbsolutePercentageError', 'dispersion', 'lagOneAutocorrelation', 'persistence', 'parameters', 'residualDf']);
    expect(r.caveats.length).toBeGreaterThan(0);
  });

  it('runs difference-in-differences with --method did, choosing the only ICS by code too', async () => {
    const { code, output } = await runCli(['evaluate', '--indicator', 'ed-attendances', '--model', 'test-hub', '--method', 'did', '--ics', 'evaluate-ics']);
    expect(code).toBe(0);
    const r = JSON.parse(output);
    expect(r).toMatchObject({ method: 'did', trueEffect: -0.15, details: { treatedClusters: 2, comparatorClusters: 2 } });
    expect(r.ci95[0]).toBeLessThan(-0.15);
    expect(r.ci95[1]).toBeGreaterThan(-0.15);
  });

  it('refuses bad options, an unknown indicator, model or ICS with exit code 2 and says why', async () => {
    const run = (...args: string[]) => runCli(['evaluate', ...args]);
    expect(await run('--model', 'test-hub')).toMatchObject({ code: 2, output: expect.stringContaining('--indicator is required') });
    expect(await run('--indicator', 'ed-attendances')).toMatchObject({ code: 2, output: expect.stringContaining('--model is required') });
    expect(await run('--indicator', 'ed-attendances', '--model', 'test-hub', '--method', 'rct')).toMatchObject({ code: 2, output: expect.stringContaining('--method must be its or did') });
    expect(await run('--indicator', 'ed-attendances', '--model', 'test-hub', '--colour', 'red')).toMatchObject({ code: 2, output: expect.stringContaining("Unknown option '--colour'") });
    expect(await run('--indicator', 'ed-attendances', 'extra')).toMatchObject({ code: 2, output: expect.stringContaining('joinery evaluate --indicator ID') });
    expect(await run('--indicator', 'ed-visits', '--model', 'test-hub')).toMatchObject({ code: 2, output: expect.stringContaining('There is no indicator "ed-visits". Indicators: ed-attendances,') });
    expect(await run('--indicator', 'ed-attendances', '--model', 'hub')).toMatchObject({ code: 2, output: expect.stringMatching(/No care model "hub" has been recorded in this ICS\. Models recorded: late-hub, test-hub\./) });
    expect(await run('--indicator', 'ed-attendances', '--model', 'test-hub', '--ics', 'NOPE')).toMatchObject({ code: 2, output: expect.stringContaining('No ICS has the code NOPE') });
  });

  it('exits 1, saying why, when the data cannot support the method yet', async () => {
    const { code, output } = await runCli(['evaluate', '--indicator', 'ed-attendances', '--model', 'late-hub', '--method', 'did']);
    expect(code).toBe(1);
    expect(output).toMatch(/^Cannot evaluate late-hub on ed-attendances by difference-in-differences: No months at full effect to evaluate/);
  });

  it('explains itself with --help', async () => {
    const { code, output } = await runCli(['evaluate', '--help']);
    expect(code).toBe(0);
    expect(output).toContain('--method        its: interrupted time series');
  });

  it('--power prints the months after the start needed to judge the model, from its own variation and hubs', async () => {
    const { code, output } = await runCli(['evaluate', '--indicator', 'ed-attendances', '--model', 'test-hub', '--power', '--effect', '-0.2', '--power-level', '0.9']);
    expect(code).toBe(0);
    const r = JSON.parse(output);
    expect(Object.keys(r)).toEqual(['monthsNeeded', 'effect', 'power', 'method', 'basis']);
    expect(r).toMatchObject({ effect: -0.2, power: 0.9, method: 'did' });
    expect(r.monthsNeeded).toBeGreaterThan(6); // the ramp-up is never counted as judging time
    expect(r.basis).toContain('in 2 hubs with the model and 2 without');
    const smaller = JSON.parse((await runCli(['evaluate', '--indicator', 'ed-attendances', '--model', 'test-hub', '--power'])).output);
    expect(smaller).toMatchObject({ effect: -0.15, power: 0.8 });
  });

  it('--power refuses a bad effect or power level, and --effect without --power', async () => {
    for (const args of [['--effect', '-1.5'], ['--effect', 'lots'], ['--power-level', '1.2']]) {
      const { code, output } = await runCli(['evaluate', '--indicator', 'ed-attendances', '--model', 'test-hub', '--power', ...args]);
      expect(code).toBe(2);
      expect(output).toMatch(/--(effect|power-level) must be/);
    }
    const alone = await runCli(['evaluate', '--indicator', 'ed-attendances', '--model', 'test-hub', '--effect', '-0.1']);
    expect(alone.code).toBe(2);
    expect(alone.output).toContain('--effect and --power-level go with --power');
  });
});
