import { describe, expect, it } from 'vitest';
import { Rng } from '../../platform/random/seeded.js';
import { differenceInDifferences, type ClusterSeries } from './did.js';
import { monthDate, monthIndex } from './months.js';
import { poissonDraw } from './poisson.js';

const FIRST = monthIndex('2020-01');
const START = monthDate(FIRST + 36);

/**
 * Clusters sharing seasons and a month-to-month shock, each with its own
 * level; the treated ones fall by `effect` (reached over 6 months).
 */
function clusters(opts: {
  treated?: number; comparators?: number; effect?: number; noise?: 'none' | 'poisson'; seed?: number; population?: number; base?: number;
  treatedLevel?: number; treatedTrendPerYear?: number; months?: number;
}): ClusterSeries[] {
  const { treated = 4, comparators = 6, effect = 0, noise = 'poisson', seed = 1, population = 8000, base = 0.03, treatedLevel = 1, treatedTrendPerYear = 0, months = 60 } = opts;
  const rng = new Rng(seed, 'did-test');
  const shared = Array.from({ length: months }, (_, t) => Math.exp(0.12 * Math.cos((2 * Math.PI * t) / 12) + 0.05 * rng.normal()));
  return Array.from({ length: treated + comparators }, (_, c) => {
    const isTreated = c < treated;
    const level = rng.uniform(0.8, 1.25) * (isTreated ? treatedLevel : 1);
    const size = Math.round(population * rng.uniform(0.7, 1.3));
    return {
      id: `c${c}`,
      treated: isTreated,
      series: Array.from({ length: months }, (_, t) => {
        const reached = Math.min(1, Math.max(0, (t - 36) / 6));
        const trend = isTreated ? Math.exp((treatedTrendPerYear * (t - 36)) / 12) : 1;
        const mu = size * base * level * shared[t] * trend * (isTreated ? 1 + effect * reached : 1);
        return { month: monthDate(FIRST + t), numerator: noise === 'none' ? mu : poissonDraw(rng, mu), denominator: size };
      }),
    };
  });
}

describe('difference-in-differences', () => {
  it('recovers the effect exactly from noiseless counts, whatever the clusters\' levels and the shared months', () => {
    const r = differenceInDifferences({ clusters: clusters({ effect: -0.15, noise: 'none' }), start: START, rampMonths: 6 });
    expect(r.method).toBe('did');
    expect(r.effect).toBeCloseTo(-0.15, 9);
    expect(r.ci95[0]).toBeLessThanOrEqual(-0.15);
    expect(r.ci95[1]).toBeGreaterThanOrEqual(-0.15);
    expect([r.preMonths, r.postMonths, r.excludedMonths]).toEqual([36, 18, 6]);
    expect(r.details).toMatchObject({ treatedClusters: 4, comparatorClusters: 6, droppedClusters: [], firstFullEffectMonth: '2023-07-01' });
    expect(r.details.description).toContain('The 6 ramp-up months in between are left out.');
    expect(r.fit.meanAbsolutePercentageError).toBeLessThan(1e-9);
    expect(r.details.series).toHaveLength(60);
    expect(r.details.series[0].treated.numerator).toBeGreaterThan(0);
  });

  it('finds the effect inside its interval on Poisson counts, and an interval around 0 with no effect', () => {
    const r = differenceInDifferences({ clusters: clusters({ effect: -0.15, seed: 3 }), start: START, rampMonths: 6 });
    expect(r.ci95[0]).toBeLessThan(-0.15);
    expect(r.ci95[1]).toBeGreaterThan(-0.15);
    expect(r.ci95[1]).toBeLessThan(0);
    const none = differenceInDifferences({ clusters: clusters({ seed: 4 }), start: START, rampMonths: 6 });
    expect(none.ci95[0]).toBeLessThan(0);
    expect(none.ci95[1]).toBeGreaterThan(0);
    expect(none.details.clusterChangeDispersion).not.toBeNull();
    expect(none.caveats).toEqual([expect.stringContaining('Difference-in-differences assumes')]);
  });

  it('uses the spread of the clusters\' changes when they differ more than chance, and says so', () => {
    // Each treated cluster responds differently: a real spread of effects around −15%.
    const cs = clusters({ effect: 0, seed: 5, population: 40_000 });
    const rng = new Rng(8, 'spread');
    for (const c of cs) {
      const own = 1 + rng.uniform(-0.2, 0.2);
      c.series = c.series.map((p, t) => (t >= 42 ? { ...p, numerator: Math.round(p.numerator * own) } : p));
    }
    const r = differenceInDifferences({ clusters: cs, start: START, rampMonths: 6 });
    expect(r.details.interval).toBe('between-clusters');
    expect(r.details.degreesOfFreedom).toBe(8);
    expect(r.details.clusterChangeDispersion).toBeGreaterThan(3);
    expect(r.caveats).toEqual(expect.arrayContaining([expect.stringContaining('The clusters changed by different amounts')]));
  });

  it('warns of few clusters, diverging trends before the start, and clusters picked for high rates', () => {
    const few = differenceInDifferences({ clusters: clusters({ treated: 2, comparators: 1, seed: 6 }), start: START, rampMonths: 6 });
    expect(few.caveats).toEqual(expect.arrayContaining([
      expect.stringContaining('Only 2 clusters have the model'),
      expect.stringContaining('Only 1 comparison cluster:'),
    ]));
    expect(few.details.clusterChangeDispersion).toBeNull();
    expect(few.details.interval).toBe('within-clusters');

    const drifting = differenceInDifferences({ clusters: clusters({ seed: 7, treatedTrendPerYear: 0.08 }), start: START, rampMonths: 6 });
    expect(drifting.details.preTrendDifferencePerYear!.effect).toBeGreaterThan(0.04);
    expect(drifting.caveats).toEqual(expect.arrayContaining([expect.stringMatching(/already rising by about \d+% a year relative to the others/)]));

    const high = differenceInDifferences({ clusters: clusters({ seed: 8, treatedLevel: 1.5 }), start: START, rampMonths: 6 });
    expect(high.details.preRateRatio.ratio).toBeGreaterThan(1.2);
    expect(high.caveats.join(' ')).toContain('regression to the mean');
  });

  it('leaves out a cluster without events, and a month with none anywhere', () => {
    const cs = clusters({ seed: 9 });
    cs.push({ id: 'empty', treated: false, series: cs[0].series.map((p) => ({ ...p, numerator: 0 })) });
    for (const c of cs) c.series = c.series.map((p, t) => (t === 5 ? { ...p, numerator: 0 } : p));
    const r = differenceInDifferences({ clusters: cs, start: START, rampMonths: 6 });
    expect(r.details.droppedClusters).toEqual(['empty']);
    expect(r.preMonths).toBe(35);
    expect(r.caveats).toEqual(expect.arrayContaining([expect.stringContaining('1 cluster was left out')]));
  });

  it('refuses without comparators, without clusters with the model, or before full effect', () => {
    const cs = clusters({ seed: 10 });
    expect(() => differenceInDifferences({ clusters: cs.map((c) => ({ ...c, treated: true })), start: START, rampMonths: 6 })).toThrow(/clusters without the model to compare with/);
    expect(() => differenceInDifferences({ clusters: cs.map((c) => ({ ...c, treated: false })), start: START, rampMonths: 6 })).toThrow(/needs clusters with the model/);
    expect(() => differenceInDifferences({ clusters: [], start: START, rampMonths: 6 })).toThrow(RangeError);
    expect(() => differenceInDifferences({ clusters: clusters({ months: 40 }), start: START, rampMonths: 6 })).toThrow(/No months at full effect/);
  });
});
