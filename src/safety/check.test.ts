import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkHazardLog } from './check.js';
import { loadHazardLog } from './hazard-log.js';
import type { Hazard, HazardLog } from './hazard-schema.js';
import { lastTestRun, testInSource, testStatus, type TestRun } from './test-evidence.js';
import { mergeRun } from './test-results-reporter.js';

const FIXTURE = path.resolve(import.meta.dirname, '../../test/fixtures/hazard-log');
const ALLERGY_TEST = 'src/fixture/allergies.test.ts > allergies (%s) > shows every allergy first';
const exists = (known: string[]) => (t: string) => known.includes(t);

/** The sound fixture log, changed by one hazard edit. */
function fixtureLog(edit: (h: Hazard) => Hazard = (h) => h): HazardLog {
  const log = loadHazardLog(FIXTURE);
  return { ...log, hazards: log.hazards.map(edit) };
}

function run(states: [string, TestRun['tests'][number]['state']][], complete = true): TestRun {
  return { finishedAt: '2026-12-06T09:00:00.000Z', complete, tests: states.map(([name, state]) => ({ file: 'src/fixture/allergies.test.ts', name, state })) };
}
const bothKindsPassed = run([['allergies (pglite) > shows every allergy first', 'passed'], ['allergies (postgres) > shows every allergy first', 'passed']]);

describe('the hazard log check', () => {
  it('passes a sound log whose named tests exist and passed in the last full run', () => {
    expect(checkHazardLog(fixtureLog(), { testExists: exists([ALLERGY_TEST]), run: bothKindsPassed })).toEqual([]);
  });

  it('fails a hazard with no control, naming it', () => {
    const problems = checkHazardLog(fixtureLog((h) => ({ ...h, controls: [] })), { testExists: exists([ALLERGY_TEST]) });
    expect(problems).toEqual([{ hazard: 'H001', message: 'H001 "An allergy is not shown" has no control' }]);
  });

  it('fails a design or test control that names no test, but not a training one', () => {
    const problems = checkHazardLog(fixtureLog((h) => ({ ...h, controls: h.controls.map((c) => ({ ...c, tests: [] })) })), { testExists: exists([]) });
    expect(problems).toEqual([{ hazard: 'H001', control: 'H001-C1', message: 'H001 H001-C1 is a design control but names no test that proves it' }]);
  });

  it('fails a control that names a test that does not exist, naming the hazard, the control and the test', () => {
    const problems = checkHazardLog(fixtureLog(), { testExists: exists([]) });
    expect(problems).toEqual([{ hazard: 'H001', control: 'H001-C1', test: ALLERGY_TEST, message: `H001 H001-C1 names a test that does not exist: ${ALLERGY_TEST}` }]);
  });

  it('fails a residual risk of 4 that the named clinical safety officer has not accepted with a reason', () => {
    const residual4 = (h: Hazard): Hazard => ({ ...h, residualRisk: { likelihood: 'high', consequence: 'major' } });
    const evidence = { testExists: exists([ALLERGY_TEST]) };
    expect(checkHazardLog(fixtureLog(residual4), evidence)).toEqual([
      { hazard: 'H001', message: 'H001 has a residual risk of 4 and is not accepted, with a reason, by the clinical safety officer, Dr Fixture Officer' },
    ]);
    const bySomeoneElse = (h: Hazard): Hazard => ({ ...residual4(h), acceptance: { by: 'A. Developer', on: '2026-12-02', reason: 'Shipping date' } });
    expect(checkHazardLog(fixtureLog(bySomeoneElse), evidence)).toHaveLength(1);
    const byTheOfficer = (h: Hazard): Hazard => ({ ...residual4(h), acceptance: { by: 'Dr Fixture Officer', on: '2026-12-02', reason: 'No safer design exists; training covers the rest.' } });
    expect(checkHazardLog(fixtureLog(byTheOfficer), evidence)).toEqual([]);
    const noOfficer = { ...fixtureLog(byTheOfficer), safetyCase: { ...fixtureLog().safetyCase, clinicalSafetyOfficer: null } };
    expect(checkHazardLog(noOfficer, evidence)[0].message).toBe('H001 has a residual risk of 4 and is not accepted, with a reason, by a clinical safety officer (none is named in safety-case.json)');
  });

  it('fails a named test that was skipped, failed or not found in a full run, naming hazard, control and test', () => {
    const evidence = (r: TestRun) => checkHazardLog(fixtureLog(), { testExists: exists([ALLERGY_TEST]), run: r }).map((p) => p.message);
    expect(evidence(run([['allergies (pglite) > shows every allergy first', 'passed'], ['allergies (postgres) > shows every allergy first', 'skipped']])))
      .toEqual([`H001 H001-C1 names a test that was skipped: ${ALLERGY_TEST}`]);
    expect(evidence(run([['allergies (pglite) > shows every allergy first', 'failed'], ['allergies (postgres) > shows every allergy first', 'skipped']])))
      .toEqual([`H001 H001-C1 names a test that was failed: ${ALLERGY_TEST}`]);
    expect(evidence(run([['allergies (pglite) > shows another thing', 'passed']])))
      .toEqual([`H001 H001-C1 names a test that was not found in the run: ${ALLERGY_TEST}`]);
  });
});

describe('what the last run says of a named test', () => {
  it('reads a placeholder as every case, a file alone as all its tests, and a file the partial run left out as not run', () => {
    expect(testStatus(ALLERGY_TEST, bothKindsPassed)).toBe('passed');
    expect(testStatus('src/fixture/allergies.test.ts', run([['a > b', 'passed'], ['a > c', 'skipped']]))).toBe('skipped');
    expect(testStatus('src/other.test.ts > x', run([['a > b', 'passed']], false))).toBe('not run');
    expect(testStatus('src/other.test.ts > x', run([['a > b', 'passed']], true))).toBe('missing');
    expect(testStatus(ALLERGY_TEST, null)).toBe('not run');
  });

  it('finds a test in the source by its file and each title, escaped quotes and all', () => {
    expect(testInSource('src/safety/check.test.ts > the hazard log check > fails a hazard with no control, naming it')).toBe(true);
    expect(testInSource('src/safety/hazard-log.test.ts > NHS England\'s clinical risk matrix (safety/risk-matrix.json) > a test no one wrote')).toBe(false);
    expect(testInSource('src/safety/no-such-file.test.ts')).toBe(false);
    expect(testInSource('src/population/activity-import/activity-row.test.ts > England\'s clock by rule')).toBe(true);
  });

  it('a partial run replaces the results of the files it ran and keeps the rest; a full run keeps nothing older', () => {
    const before: TestRun = { finishedAt: 'x', complete: true, tests: [
      { file: 'src/a.test.ts', name: 'a', state: 'passed' }, { file: 'src/b.test.ts', name: 'b', state: 'passed' },
    ] };
    const partial = mergeRun(before, [{ file: 'src/b.test.ts', name: 'b', state: 'failed' }], false);
    expect(partial.complete).toBe(false);
    expect(partial.tests).toEqual([{ file: 'src/a.test.ts', name: 'a', state: 'passed' }, { file: 'src/b.test.ts', name: 'b', state: 'failed' }]);
    expect(mergeRun(before, [{ file: 'src/c.test.ts', name: 'c', state: 'passed' }], true).tests).toEqual([{ file: 'src/c.test.ts', name: 'c', state: 'passed' }]);
  });

  it('reads no results from a missing or broken results file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'joinery-results-'));
    expect(lastTestRun(path.join(dir, 'none.json'))).toBeNull();
    fs.writeFileSync(path.join(dir, 'cut.json'), '{"finishedAt": "2026');
    expect(lastTestRun(path.join(dir, 'cut.json'))).toBeNull();
    fs.rmSync(dir, { recursive: true });
  });
});

describe('reading the hazard log', () => {
  const copyFixture = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'joinery-hazards-'));
    fs.cpSync(FIXTURE, dir, { recursive: true });
    return dir;
  };

  it('names the file and the field of a hazard that does not fit the schema', () => {
    const dir = copyFixture();
    const file = path.join(dir, 'hazards/H001-allergy-hidden.json');
    fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(fs.readFileSync(file, 'utf8')), residualRisk: { likelihood: 'rare', consequence: 'major' } }));
    expect(() => loadHazardLog(dir)).toThrow(/H001-allergy-hidden\.json: residualRisk\.likelihood: /);
    fs.rmSync(dir, { recursive: true });
  });

  it('refuses a hazard file whose name does not start with its id', () => {
    const dir = copyFixture();
    fs.renameSync(path.join(dir, 'hazards/H001-allergy-hidden.json'), path.join(dir, 'hazards/H002-allergy-hidden.json'));
    expect(() => loadHazardLog(dir)).toThrow("the file name must start with the hazard's id, H001-");
    fs.rmSync(dir, { recursive: true });
  });
});
