import type { HazardLog } from './hazard-schema.js';
import { needsAcceptance, riskOf } from './risk-matrix.js';
import { testStatus, type TestRun } from './test-evidence.js';

/** One way the hazard log fails to hold, naming the hazard, and the control and test where there is one. */
export type Problem = { hazard: string; control?: string; test?: string; message: string };

export type Evidence = {
  /** Whether a named test is in the source (the static check). */
  testExists: (reference: string) => boolean;
  /** The run to hold the controls' tests to; without one only the static rules are checked. */
  run?: TestRun;
};

const PROVEN_BY_TESTS = new Set(['design', 'test']);

/**
 * Checks the hazard log against its rules: every hazard has a control; every
 * design or test control names tests, and each exists; a residual risk of 4 or 5
 * is accepted in writing, with a reason, by the named clinical safety officer;
 * and, given a run, every named test ran and passed.
 */
export function checkHazardLog(log: HazardLog, evidence: Evidence): Problem[] {
  const problems: Problem[] = [];
  const safetyOfficer = log.safetyCase.clinicalSafetyOfficer?.name;
  const seen = new Set<string>();
  for (const hazard of log.hazards) {
    const h = hazard.id;
    if (seen.has(h)) problems.push({ hazard: h, message: `${h} is in the log twice` });
    seen.add(h);
    if (hazard.controls.length === 0) problems.push({ hazard: h, message: `${h} "${hazard.title}" has no control` });
    for (const control of hazard.controls) {
      const c = control.id;
      if (!c.startsWith(`${h}-`)) problems.push({ hazard: h, control: c, message: `${c} is listed under ${h}: its id must start with ${h}-` });
      if (PROVEN_BY_TESTS.has(control.kind) && control.tests.length === 0) {
        problems.push({ hazard: h, control: c, message: `${h} ${c} is a ${control.kind} control but names no test that proves it` });
      }
      for (const test of control.tests) {
        if (!evidence.testExists(test)) {
          problems.push({ hazard: h, control: c, test, message: `${h} ${c} names a test that does not exist: ${test}` });
          continue;
        }
        if (!evidence.run) continue;
        const status = testStatus(test, evidence.run);
        if (status !== 'passed' && status !== 'not run') {
          problems.push({ hazard: h, control: c, test, message: `${h} ${c} names a test that was ${status === 'missing' ? 'not found in the run' : status}: ${test}` });
        }
      }
    }
    const residual = riskOf(hazard.residualRisk.likelihood, hazard.residualRisk.consequence);
    if (needsAcceptance(residual)) {
      const accepted = hazard.acceptance && safetyOfficer && hazard.acceptance.by === safetyOfficer;
      if (!accepted) {
        const who = safetyOfficer ? `the clinical safety officer, ${safetyOfficer}` : 'a clinical safety officer (none is named in safety-case.json)';
        problems.push({ hazard: h, message: `${h} has a residual risk of ${residual} and is not accepted, with a reason, by ${who}` });
      }
    }
  }
  return problems;
}
