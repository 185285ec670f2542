import { describe, expect, it } from 'vitest';
import { coverage, simulateIcs, SIMULATION_DEFAULTS } from './simulate.js';

/**
 * The evaluations' honesty, checked by simulation (bench/evaluation.ts does
 * the same at a larger size): 200 synthetic ICSs of 10 clusters × ~1,500
 * children, 5 years of monthly ED attendances drawn from the generator's rate
 * model, 4 clusters with a hub from month 37 with 6 months' ramp-up. With 200
 * runs a true 95% coverage falls within 0.90–0.99 more than 99% of the time.
 */
const REPS = 200;

describe('coverage of the 95% intervals over simulated ICSs', () => {
  it('simulates the generator\'s rates deterministically', () => {
    const a = simulateIcs({ seed: 'same' });
    expect(simulateIcs({ seed: 'same' })).toEqual(a);
    expect(a.clusters).toHaveLength(10);
    expect(a.clusters.filter((c) => c.treated)).toHaveLength(4);
    expect(a.start).toBe('2023-01-01');
    // About 380 ED attendances per 1,000 children a year.
    const all = a.clusters.flatMap((c) => c.series);
    const perThousandYear = (all.reduce((s, p) => s + p.numerator, 0) / all.reduce((s, p) => s + p.denominator, 0)) * 12_000;
    expect(perThousandYear).toBeGreaterThan(300);
    expect(perThousandYear).toBeLessThan(460);
  });

  it('holds the injected −15% about 95% of the time, and recovers it on average', () => {
    const r = coverage({ reps: REPS, seed: 'coverage-effect' });
    expect(r.trueEffect).toBe(SIMULATION_DEFAULTS.effect);
    for (const m of [r.its!, r.did!]) {
      expect(m.failures).toBe(0);
      expect(m.coverage).toBeGreaterThanOrEqual(0.9);
      expect(m.coverage).toBeLessThanOrEqual(0.99);
      expect(Math.abs(m.meanEffect - -0.15)).toBeLessThan(0.02);
    }
  });

  it('with no effect, excludes zero only about 5% of the time', () => {
    const r = coverage({ reps: REPS, seed: 'coverage-null', effect: 0 });
    for (const m of [r.its!, r.did!]) {
      expect(m.failures).toBe(0);
      expect(m.excludesZero).toBeLessThanOrEqual(0.1);
      expect(m.coverage).toBeGreaterThanOrEqual(0.9);
      expect(Math.abs(m.meanEffect)).toBeLessThan(0.02);
    }
  });
});
