import { describe, expect, it } from 'vitest';
import { Rng } from '../../platform/random/seeded.js';
import { interruptedTimeSeries } from './its.js';
import { monthDate, monthIndex } from './months.js';
import { poissonDraw } from './poisson.js';
import type { MonthCount } from './result.js';

const FIRST = monthIndex('2020-01');

/**
 * A monthly series from a known truth: rate `base` per person a month, a
 * winter peak, a trend, and a relative level change reached in a straight
 * line over the ramp. noise: 'none' gives the expected counts themselves.
 */
function series(opts: {
  months?: number; startAfter?: number; ramp?: number; effect?: number; base?: number; population?: number; trendPerYear?: number;
  noise?: 'none' | 'poisson'; seed?: number; extra?: (t: number, rng: Rng) => number;
}): { series: MonthCount[]; start: string } {
  const { months = 60, startAfter = 36, ramp = 6, effect = 0, base = 0.03, population = 10_000, trendPerYear = 0, noise = 'poisson', seed = 1 } = opts;
  const rng = new Rng(seed, 'its-test');
  return {
    start: monthDate(FIRST + startAfter),
    series: Array.from({ length: months }, (_, t) => {
      const since = t - startAfter;
      const reached = since < 0 ? 0 : ramp === 0 ? 1 : Math.min(1, since / ramp);
      const season = Math.exp(0.12 * Math.cos((2 * Math.PI * t) / 12));
      const mu = population * base * season * Math.exp((trendPerYear * t) / 12) * (1 + effect * reached) * (opts.extra?.(t, rng) ?? 1);
      return { month: monthDate(FIRST + t), numerator: noise === 'none' ? mu : poissonDraw(rng, mu), denominator: population };
    }),
  };
}

describe('interrupted time series', () => {
  it('recovers the level change exactly from noiseless counts, leaving the ramp-up out', () => {
    const s = series({ effect: -0.2, noise: 'none', trendPerYear: 0.03 });
    const r = interruptedTimeSeries({ ...s, rampMonths: 6, harmonics: 1 });
    expect(r.method).toBe('its');
    expect(r.effect).toBeCloseTo(-0.2, 3);
    expect(r.ci95[0]).toBeLessThan(-0.2);
    expect(r.ci95[1]).toBeGreaterThan(-0.2);
    expect(r.details.slopeChangePerYear!.effect).toBeCloseTo(0, 3);
    expect(r.details.trendPerYear.effect).toBeCloseTo(Math.expm1(0.03), 3);
    expect([r.preMonths, r.postMonths, r.excludedMonths]).toEqual([36, 18, 6]);
    expect(r.details.firstFullEffectMonth).toBe('2023-07-01');
    expect(r.details.description).toContain('The 6 ramp-up months from January 2023 are left out of the fit.');
    const ramp = r.details.series.filter((p) => p.period === 'ramp');
    expect(ramp).toHaveLength(6);
    expect(ramp.every((p) => p.expected === null)).toBe(true);
    // The counterfactual carries the pre-period on: after the start it is the observed ÷ (1 − 0.2).
    const last = r.details.series.at(-1)!;
    expect(last.counterfactual).toBeCloseTo(last.numerator / 0.8, 1);
    expect(r.fit.meanAbsolutePercentageError).toBeLessThan(0.01);
  });

  it('finds a 15% fall in Poisson counts inside its interval, and none where there is none', () => {
    const withEffect = interruptedTimeSeries({ ...series({ effect: -0.15, seed: 4 }), rampMonths: 6 });
    expect(withEffect.ci95[0]).toBeLessThan(-0.15);
    expect(withEffect.ci95[1]).toBeGreaterThan(-0.15);
    expect(withEffect.ci95[1]).toBeLessThan(0);
    const without = interruptedTimeSeries({ ...series({ effect: 0, seed: 5 }), rampMonths: 6 });
    expect(without.ci95[0]).toBeLessThan(0);
    expect(without.ci95[1]).toBeGreaterThan(0);
    // χ² on 46 degrees of freedom ÷ 46: within these bounds 99.99% of the time.
    expect(without.fit.dispersion).toBeGreaterThan(0.4);
    expect(without.fit.dispersion).toBeLessThan(2);
    expect(without.details.harmonics).toBe(2);
  });

  it('takes months in any order and with a gap, but refuses a month twice', () => {
    const s = series({ effect: -0.1, seed: 6 });
    const shuffled = [...s.series].reverse().filter((_, i) => i !== 40);
    const r = interruptedTimeSeries({ series: shuffled, start: s.start, rampMonths: 6 });
    expect(r.preMonths + r.postMonths + r.excludedMonths).toBe(59);
    expect(() => interruptedTimeSeries({ series: [...s.series, s.series[3]], start: s.start, rampMonths: 6 })).toThrow(/more than once/);
  });

  it('refuses when there is nothing after the ramp-up, or too little before the start', () => {
    const s = series({ months: 40 });
    expect(() => interruptedTimeSeries({ ...s, rampMonths: 6 })).toThrow(/No months at full effect.*July 2023/);
    const early = series({ startAfter: 2 });
    expect(() => interruptedTimeSeries({ ...early, rampMonths: 6 })).toThrow(/at least 3 months before the start/);
    expect(() => interruptedTimeSeries({ ...early, rampMonths: -1 })).toThrow(RangeError);
  });

  it('says in plain words when the series is short, the counts small or the seasons unmodelled', () => {
    const r = interruptedTimeSeries({ ...series({ months: 24, startAfter: 10, ramp: 3, base: 0.0008 }), rampMonths: 3 });
    expect(r.caveats).toEqual(expect.arrayContaining([
      expect.stringContaining('Only 10 months before the start'),
      expect.stringContaining('Only 11 months at full effect'),
      expect.stringContaining('Small counts (about 8 events a month'),
      expect.stringContaining('Too few months before the start to model the seasons'),
    ]));
    expect(r.details.harmonics).toBe(0);
  });

  it('warns of overdispersion and autocorrelation when the counts carry both, and widens the interval', () => {
    // A slowly wandering extra factor: neighbouring months alike, and far more variable than Poisson.
    let level = 0;
    const s = series({ seed: 9, extra: (_t, rng) => Math.exp((level = 0.8 * level + 0.6 * 0.1 * rng.normal())) });
    const r = interruptedTimeSeries({ ...s, rampMonths: 6 });
    expect(r.fit.dispersion).toBeGreaterThan(1.5);
    expect(r.fit.lagOneAutocorrelation).toBeGreaterThan(0.3);
    expect(r.caveats).toEqual(expect.arrayContaining([expect.stringContaining('vary more than chance'), expect.stringContaining('Neighbouring months are alike')]));
    expect(r.details.dispersionFactor).toBeGreaterThan(1.4);
    expect(r.details.autocorrelationFactor).toBeGreaterThan(1.3);
  });

  it('gives no warnings beyond its standing one for a clean, long Poisson series', () => {
    const r = interruptedTimeSeries({ ...series({ seed: 12 }), rampMonths: 6 });
    expect(r.caveats).toEqual([expect.stringContaining('has no comparison group')]);
  });

  it('warns of regression to the mean when the clusters started high or peaked just before the start', () => {
    const s = series({ seed: 2, base: 0.04 });
    const comparators = series({ seed: 3, base: 0.03 }).series;
    const high = interruptedTimeSeries({ ...s, rampMonths: 6, comparators });
    expect(high.caveats).toEqual(expect.arrayContaining([expect.stringMatching(/was 3\d% above the other clusters'/)]));
    expect(high.caveats.join(' ')).toContain('regression to the mean');
    const peaked = series({ seed: 2, extra: (t) => (t >= 30 && t < 36 ? 1.25 : 1) });
    const r = interruptedTimeSeries({ ...peaked, rampMonths: 6 });
    expect(r.caveats).toEqual(expect.arrayContaining([expect.stringContaining('The 6 months before the start were above the pre-period trend')]));
  });
});
