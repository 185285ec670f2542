import { describe, expect, it } from 'vitest';
import { coverage, simulateIcs, SIMULATION_DEFAULTS } from '../population/evaluation/simulate.js';
import { sumClusters } from '../population/evaluation/monthly-counts.js';
import type { ModelMonthlySums } from '../population/service.js';
import { monthsToJudge } from './time-to-judgement.js';

/** The monthly sums a real ICS's rollup would give, from one simulated ICS (10 hubs, 4 with the model, 36 months before it). */
function sumsOf(seed: string, effect: number): ModelMonthlySums {
  const ics = simulateIcs({ seed, effect });
  return {
    start: ics.start, rampMonths: ics.rampMonths, treatedHubs: SIMULATION_DEFAULTS.treatedClusters,
    comparatorHubs: SIMULATION_DEFAULTS.clusters - SIMULATION_DEFAULTS.treatedClusters,
    treated: sumClusters(ics.clusters.filter((c) => c.treated)), comparators: sumClusters(ics.clusters.filter((c) => !c.treated)),
  };
}

describe('time to judgement', () => {
  /**
   * The tolerance: one ICS's 36 months before the start give a noisy estimate
   * of its variation, so the check is on the median estimate over 15 ICSs.
   * At that many months after the start, the share of 200 simulated
   * evaluations (difference-in-differences) whose interval excludes zero must
   * be 80% ± 15 points, and at half as many months clearly lower.
   */
  it('the months needed to detect a 10% fall with 80% power match the simulation within 15 points of power', () => {
    const effect = -0.1;
    const estimates = Array.from({ length: 15 }, (_, i) => monthsToJudge(sumsOf(`judge:${i}`, effect), { effect, power: 0.8 }).monthsNeeded!);
    const months = [...estimates].sort((a, b) => a - b)[7];
    const at = (after: number) => coverage({ seed: 'judge-sim', reps: 200, methods: ['did'], effect, months: SIMULATION_DEFAULTS.startAfter + after }).did!.excludesZero;
    const atEstimate = at(months);
    expect(atEstimate).toBeGreaterThanOrEqual(0.65);
    expect(atEstimate).toBeLessThanOrEqual(0.95);
    expect(at(Math.max(SIMULATION_DEFAULTS.rampMonths + 1, Math.round(months / 2)))).toBeLessThan(atEstimate - 0.1);
  }, 120_000);

  it('says why it cannot estimate: every hub has the model, or too few months before the start', () => {
    const sums = sumsOf('judge:0', -0.1);
    expect(monthsToJudge({ ...sums, comparatorHubs: 0, comparators: [] }, { effect: -0.1, power: 0.8 })).toEqual({
      monthsNeeded: null, effect: -0.1, power: 0.8, method: 'did', basis: 'Every hub runs the model: there are no hubs without it to compare with.',
    });
    const late = { ...sums, treated: sums.treated.slice(30), comparators: sums.comparators.slice(30) };
    expect(monthsToJudge(late, { effect: -0.1, power: 0.8 }).basis).toBe('Only 6 months with events before the start: at least 12 are needed to know the indicator\'s variation.');
  });

  it('a larger effect or a lower power needs fewer months', () => {
    const sums = sumsOf('judge:1', -0.1);
    const needed = (effect: number, power: number) => monthsToJudge(sums, { effect, power }).monthsNeeded!;
    expect(needed(-0.2, 0.8)).toBeLessThan(needed(-0.1, 0.8));
    expect(needed(-0.1, 0.6)).toBeLessThan(needed(-0.1, 0.9));
  });
});
