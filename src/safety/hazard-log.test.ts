import { describe, expect, it } from 'vitest';
import { checkHazardLog } from './check.js';
import { loadHazardLog } from './hazard-log.js';
import { CONSEQUENCES, LIKELIHOODS, riskOf } from './risk-matrix.js';
import { testInSource } from './test-evidence.js';

describe("Joinery's clinical hazard log (safety/hazards)", () => {
  it('holds statically: every hazard has a control, every named test is in the source, no residual risk of 4 or 5 stands unaccepted', () => {
    const problems = checkHazardLog(loadHazardLog(), { testExists: (t) => testInSource(t) });
    expect(problems.map((p) => p.message)).toEqual([]);
  });

  it('has a hazard for each of the risks known in what exists today, each with a test-proven control', () => {
    const { hazards } = loadHazardLog();
    expect(hazards.length).toBeGreaterThanOrEqual(14);
    for (const h of hazards) expect(h.controls.some((c) => c.tests.length > 0), h.id).toBe(true);
  });
});

describe("NHS England's clinical risk matrix (safety/risk-matrix.json)", () => {
  it('reads the published cells: very low and minor is 1, very high and catastrophic is 5, medium and major is 3, low and catastrophic is 4', () => {
    expect(riskOf('very-low', 'minor')).toBe(1);
    expect(riskOf('very-high', 'catastrophic')).toBe(5);
    expect(riskOf('medium', 'major')).toBe(3);
    expect(riskOf('low', 'catastrophic')).toBe(4);
    expect(riskOf('very-high', 'minor')).toBe(3);
  });

  it('never lowers the risk as the likelihood or the consequence grows', () => {
    for (let l = 0; l < LIKELIHOODS.length; l++) {
      for (let c = 0; c < CONSEQUENCES.length; c++) {
        if (l > 0) expect(riskOf(LIKELIHOODS[l], CONSEQUENCES[c])).toBeGreaterThanOrEqual(riskOf(LIKELIHOODS[l - 1], CONSEQUENCES[c]));
        if (c > 0) expect(riskOf(LIKELIHOODS[l], CONSEQUENCES[c])).toBeGreaterThanOrEqual(riskOf(LIKELIHOODS[l], CONSEQUENCES[c - 1]));
      }
    }
  });
});
