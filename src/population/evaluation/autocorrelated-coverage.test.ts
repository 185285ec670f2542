import { describe, expect, it } from 'vitest';
import { coverage } from './simulate.js';

/**
 * Issue 22: intervals must stay honest when months are alike. 400 simulated
 * ICSs per scenario (20 hubs of ~10,000 children, 5 with the model, 5 years
 * of monthly ED attendances) with the rate of every hub wandering from month
 * to month as an AR(1) series of sd 5%: persistence 0.5 (the issue's
 * scenario) and 0 (independent months: the generator's own series, and so the
 * demo ICS's, carry no persistent variation unless monthlyVariation is given;
 * coverage.test.ts checks them without extra variation). Both methods must hold 95% ± 2 points with a −15% effect and
 * exclude zero at most 5% (+ 2) of the time without one. With 400 runs the
 * Monte Carlo error of a 95% coverage is ±2.1 points; the seeds are fixed.
 * bench/evaluation.ts runs the same at 1,000 ICSs of 50 hubs.
 */
const REPS = 400;
const SIZE = { clusters: 20, childrenPerCluster: 10_000, treatedClusters: 5 };

function bothMethodsHonest(rho: number) {
  const extraVariation = { sd: 0.05, rho };

  it('both methods hold an injected −15% 95% ± 2 points of the time', () => {
    const r = coverage({ reps: REPS, seed: `ar1-effect-${rho}`, effect: -0.15, extraVariation, ...SIZE });
    for (const m of [r.its!, r.did!]) {
      expect(m.failures).toBe(0);
      expect(m.coverage).toBeGreaterThanOrEqual(0.93);
      expect(m.coverage).toBeLessThanOrEqual(0.97);
    }
  }, 600_000);

  it('with no effect, both methods call one at most 5% (+ 2 points) of the time', () => {
    const r = coverage({ reps: REPS, seed: `ar1-null-${rho}`, effect: 0, extraVariation, ...SIZE });
    for (const m of [r.its!, r.did!]) {
      expect(m.failures).toBe(0);
      expect(m.excludesZero).toBeLessThanOrEqual(0.07);
      expect(m.coverage).toBeGreaterThanOrEqual(0.93);
      expect(m.coverage).toBeLessThanOrEqual(0.97);
    }
  }, 600_000);
}

describe('95% intervals with AR(1) month-to-month variation (sd 5%, persistence 0.5)', () => bothMethodsHonest(0.5));
describe('95% intervals with AR(1) month-to-month variation (sd 5%, persistence 0)', () => bothMethodsHonest(0));
