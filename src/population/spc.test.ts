import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { type Improvement, type Limits, pointTypes, partOfRun, spc, trendDirection, trendEnds, twoInThree } from './spc.js';

const types = (values: number[], improvement: Improvement = 'increase', options: Parameters<typeof spc>[1] extends infer O ? Partial<O> : never = {}) =>
  spc(values, { improvement, ...options }).points.map((p) => p.type);

/** Limits set by hand, so each rule can be tried on its own: mean 0, process limits ±3, 2-sigma lines ±2. */
const around0: Limits = { mean: 0, lpl: -3, upl: 3, nearLower: -2, nearUpper: 2 };
const flagged = (ts: string[]) => ts.flatMap((t, i) => (t === 'common_cause' ? [] : [i]));

const C = 'common_cause';
const I = 'special_cause_improvement';
const X = 'special_cause_concern';

// rnorm(20) with set.seed(123) in R: the series NHSRplotthedots' own tests use
// (tests/testthat/test-ptd_spc_standard.R and test-ptd_spc.R).
const rnorm123 = [
  -0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774, 1.71506499, 0.46091621, -1.26506123, -0.68685285, -0.44566197,
  1.2240818, 0.35981383, 0.40077145, 0.11068272, -0.55584113, 1.78691314, 0.49785048, -1.96661716, 0.7013559, -0.47279141,
];

describe('process limits agree with NHSRplotthedots published results', () => {
  it('matches the package snapshots for its reference series', () => {
    // tests/testthat/_snaps/ptd_spc_standard.md ("it returns expected values", r1)
    const whole = spc(rnorm123, { improvement: 'increase' }).points[0];
    expect(whole.mean).toBeCloseTo(0.1416238, 6);
    expect(whole.lpl).toBeCloseTo(-3.01138, 5);
    expect(whole.upl).toBeCloseTo(3.294627, 6);
    // tests/testthat/_snaps/ptd_spc.md (summary by facet: the first and last 10 points)
    const first = spc(rnorm123.slice(0, 10), { improvement: 'increase' }).points[0];
    const second = spc(rnorm123.slice(10), { improvement: 'increase' }).points[0];
    expect([first.mean, first.lpl, first.upl].map((n) => Number(n!.toFixed(2)))).toEqual([0.07, -2.6, 2.75]);
    expect([second.mean, second.lpl, second.upl].map((n) => Number(n!.toFixed(2)))).toEqual([0.21, -3.28, 3.7]);
    expect(types(rnorm123).every((t) => t === C)).toBe(true);
  });

  it('screens large moving ranges out of the limits, unless told not to', () => {
    // the same snapshot file, r2 and r3: the 15th value replaced by 10
    const withOutlier = rnorm123.map((v, i) => (i === 14 ? 10 : v));
    const screened = spc(withOutlier, { improvement: 'increase' }).points[0];
    expect(screened.mean).toBeCloseTo(0.6694159, 6);
    expect(screened.lpl).toBeCloseTo(-2.383666, 6);
    expect(screened.upl).toBeCloseTo(3.722497, 6);
    const unscreened = spc(withOutlier, { improvement: 'increase', screenOutliers: false }).points[0];
    expect(unscreened.lpl).toBeCloseTo(-4.596625, 6);
    expect(unscreened.upl).toBeCloseTo(5.935457, 6);
  });

  it('does not count 2 of 3 near the limits when they are on opposite sides of the mean', () => {
    // tests/testthat/test-ptd_spc_standard.R: alternating 1, -1 with the last two at 5.5 and -5.5
    const values: number[] = Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? 1 : -1));
    values[14] = 5.5;
    values[15] = -5.5;
    expect(types(values).slice(-2)).toEqual([C, C]);
  });

  it('computes mean ± 2.66 × the mean moving range', () => {
    // mean 11; moving ranges 2 (×11), 18 and 38: 38 ≥ 3.267 × 6 is screened out, leaving a mean range of 40/12
    const r = spc([10, 12, 10, 12, 10, 12, 10, 12, 10, 12, 10, 12, 30, -8], { improvement: 'increase' });
    expect(r.points[0].mean).toBeCloseTo(11, 12);
    expect(r.points[0].upl).toBeCloseTo(11 + 2.66 * (40 / 12), 12);
    expect(r.points[0].lpl).toBeCloseTo(11 - 2.66 * (40 / 12), 12);
  });
});

describe('special-cause rules', () => {
  it('flags points outside the limits as improvement or concern by the improvement direction', () => {
    const values = [10, 12, 10, 12, 10, 12, 10, 12, 10, 12, 10, 12, 30, -8];
    expect(types(values, 'increase').slice(-3)).toEqual([C, I, X]);
    expect(types(values, 'decrease').slice(-3)).toEqual([C, X, I]);
    expect(types(values, 'neutral').slice(-2)).toEqual(['special_cause_neutral_high', 'special_cause_neutral_low']);
    expect(flagged(types(values))).toEqual([12, 13]);
  });

  it('flags all 7 points of a run of 7 each higher (or lower) than the one before, and not 6', () => {
    expect(trendEnds([1, 2, 3, 4, 5, 6, 7])).toEqual([0, 0, 0, 0, 0, 0, 1]);
    expect(trendEnds([7, 6, 5, 4, 3, 2, 1])).toEqual([0, 0, 0, 0, 0, 0, -1]);
    expect(trendEnds([1, 2, 3, 3, 4, 5, 6])).toEqual([0, 0, 0, 0, 0, 0, 0]); // an equal neighbour breaks it
    const rising = [0.5, -0.5, -1, -0.6, -0.2, 0, 0.5, 1, 1.5, -0.5, 0.5];
    expect(pointTypes(rising, around0, 'increase')).toEqual([C, C, I, I, I, I, I, I, I, C, C]);
    expect(pointTypes(rising, around0, 'decrease')).toEqual([C, C, X, X, X, X, X, X, X, C, C]);
    const sixUp = [0.5, -1, -0.5, 0, 0.5, 1, 1.5, -0.5];
    expect(flagged(pointTypes(sixUp, around0, 'increase'))).toEqual([]);
  });

  it('colours a trend by where it heads, even where it crosses the mean, and turns at the peak', () => {
    const falling = [1.5, 1, 0.5, -0.2, -0.5, -1, -1.5];
    expect(pointTypes(falling, around0, 'increase')).toEqual(Array(7).fill(X));
    const riseThenFall = [-1.5, -1, -0.5, 0, 0.5, 1, 1.5, 1, 0.5, 0, -0.5, -1, -1.5];
    const inTrend = partOfRun(trendEnds(riseThenFall));
    expect(inTrend.every(Boolean)).toBe(true);
    // the peak belongs to both trends and takes the direction of the one that continues from it
    expect(trendDirection(riseThenFall, inTrend)).toEqual([1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1, -1, -1]);
    expect(pointTypes(riseThenFall, around0, 'increase')).toEqual([...Array(6).fill(I), ...Array(7).fill(X)]);
  });

  it('flags the points beyond a 2-sigma line when 2 of 3 are beyond it and all 3 are on the same side', () => {
    expect(flagged(pointTypes([1, -1, 2.5, 1, 2.5, -1, 1, -1], around0, 'increase'))).toEqual([2, 4]); // not the middle point
    expect(flagged(pointTypes([-1, 1, 2.5, 2.6, -1, 1], around0, 'increase'))).toEqual([2, 3]);
    expect(pointTypes([1, -1, -2.5, -1, -2.5, 1, -1, 1], around0, 'increase')[2]).toBe(X);
    expect(flagged(pointTypes([1, -1, 2.5, -1, 2.5, -1, 1], around0, 'increase'))).toEqual([]); // the third point is below the mean
    expect(flagged(pointTypes([1, -1, 2.5, 1, 1, -1, 1], around0, 'increase'))).toEqual([]); // only one beyond the line
    expect(twoInThree([true, true], [1, 1])).toEqual([false, false]); // needs three points
  });

  it('flags 7 points in a row on one side of the mean; a point on the mean breaks the run', () => {
    expect(flagged(pointTypes([-1, 1, 1, 1, 1, 1, 1, 1, -1], around0, 'increase'))).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(pointTypes([1, -1, -1, -1, -1, -1, -1, -1, 1], around0, 'increase')[1]).toBe(X);
    expect(flagged(pointTypes([-1, 1, 1, 1, 1, 1, 1, -1], around0, 'increase'))).toEqual([]);
    expect(flagged(pointTypes([1, 1, 1, 0, 1, 1, 1, 1], around0, 'increase'))).toEqual([]);
  });

  it('takes the first rule that applies: outside the limits, then trend, then 2 of 3, then shift', () => {
    // a rising trend that starts below the lower limit: that point is concern, the rest improvement
    expect(pointTypes([-5, -1, 0.5, 1, 1.5, 1.8, 4], around0, 'increase')).toEqual([X, I, I, I, I, I, I]);
    // 2 of 3 near the upper limit, but inside a falling trend: the trend's direction wins
    expect(pointTypes([2.9, 2.8, 2.7, 1, 0.5, -0.5, -1], around0, 'increase')).toEqual(Array(7).fill(X));
  });

  it('gives high and low for a neutral measure', () => {
    expect(pointTypes([1.5, 1, 0.5, -0.2, -0.5, -1, -1.5], around0, 'neutral')).toEqual(Array(7).fill('special_cause_neutral_low'));
    expect(pointTypes([-1, 1, 1, 1, 1, 1, 1, 1, 5], around0, 'neutral')).toEqual([C, ...Array(8).fill('special_cause_neutral_high')]);
  });
});

describe('rebasing and fixed limits', () => {
  const before = [9, 11, 10, 12, 8, 10, 11, 9, 10, 12, 8, 10];
  const after = before.map((v) => v + 10);

  it('splits the series at each rebase point, each segment with its own mean and limits', () => {
    const whole = spc([...before, ...after], { improvement: 'increase' });
    expect(whole.points.map((p) => p.type)).toEqual([...Array(12).fill(X), ...Array(12).fill(I)]);
    const rebased = spc([...before, ...after], { improvement: 'increase', rebaseAt: [12] });
    expect(rebased.points.map((p) => p.mean)).toEqual([...Array(12).fill(10), ...Array(12).fill(20)]);
    expect(rebased.points[0].upl).toBeCloseTo(10 + 2.66 * (23 / 11), 12);
    expect(rebased.points.every((p) => p.type === C)).toBe(true);
    expect(spc([...before, ...after], { improvement: 'increase', rebaseAt: [0] })).toEqual(whole);
  });

  it('refuses a rebase index that names no point, rather than dropping it or counting from the end', () => {
    const values = [1, 2, 3, 4, 5];
    expect(() => spc(values, { improvement: 'increase', rebaseAt: [5] })).toThrow(RangeError);
    expect(() => spc(values, { improvement: 'increase', rebaseAt: [5] })).toThrow('rebaseAt 5 is out of range: indexes run from 0 to 4');
    // a negative index once passed `i < length` and cut a segment from slice(-1)
    expect(() => spc(values, { improvement: 'increase', rebaseAt: [-1] })).toThrow(/^rebaseAt -1 is out of range/);
    expect(() => spc(values, { improvement: 'increase', rebaseAt: [2.5] })).toThrow(RangeError);
    expect(() => spc(values, { improvement: 'increase', rebaseAt: [2.5] })).toThrow(/rebaseAt 2.5 is not a whole number/);
    for (const bad of [NaN, Infinity, -Infinity]) expect(() => spc(values, { improvement: 'increase', rebaseAt: [bad] })).toThrow(RangeError);
    expect(() => spc(values, { improvement: 'increase', rebaseAt: [2, 7, -3] })).toThrow('rebaseAt 7 is out of range: indexes run from 0 to 4\nrebaseAt -3 is out of range: indexes run from 0 to 4');
    expect(() => spc([], { improvement: 'increase', rebaseAt: [0] })).toThrow(/rebaseAt 0 is out of range: there are no points/);
  });

  it('takes every index from the first point to the last', () => {
    const values = [1, 2, 3, 4, 5];
    expect(spc(values, { improvement: 'increase', rebaseAt: [0] })).toEqual(spc(values, { improvement: 'increase' }));
    expect(spc(values, { improvement: 'increase', rebaseAt: [4] }).points.map((p) => p.mean)).toEqual([2.5, 2.5, 2.5, 2.5, 5]);
    expect(spc(values, { improvement: 'increase', rebaseAt: [3, 1, 3] }).points.map((p) => p.mean)).toEqual([1, 2.5, 2.5, 4.5, 4.5]);
  });

  it('does not let a run cross a rebase point', () => {
    const values = [5, 0, 5, 0, 5, 0, 1, 2, 3, 4, 5, 6, 7, 0, 5, 0, 5, 1];
    expect(flagged(types(values))).toEqual([5, 6, 7, 8, 9, 10, 11, 12]);
    expect(flagged(types(values, 'increase', { rebaseAt: [10] }))).toEqual([]);
  });

  it('fixes the limits on the first n points of each segment and carries them forward', () => {
    const fixed = spc([...before, ...after], { improvement: 'increase', fixAfterPoints: 12 });
    expect(new Set(fixed.points.map((p) => p.mean))).toEqual(new Set([10]));
    expect(fixed.points[23].upl).toBeCloseTo(10 + 2.66 * (23 / 11), 12);
    expect(fixed.points.slice(12).every((p) => p.type === I)).toBe(true); // every later point is above the fixed limit
    const perSegment = spc([...before, ...after, ...before], { improvement: 'increase', rebaseAt: [12, 24], fixAfterPoints: 6 });
    expect([0, 12, 24].map((i) => perSegment.points[i].mean)).toEqual([10, 20, 10]);
    expect(spc(before, { improvement: 'increase', fixAfterPoints: 50 })).toEqual(spc(before, { improvement: 'increase' }));
  });
});

describe('assurance against a target', () => {
  const before = [9, 11, 10, 12, 8, 10, 11, 9, 10, 12, 8, 10];
  const rebased = (target: number | undefined, improvement: Improvement) =>
    spc([...before, ...before.map((v) => v + 10)], { improvement, target, rebaseAt: [12] }).assurance;

  it('is pass or fail when the target is beyond the latest limits, otherwise inconsistent', () => {
    // the latest segment's limits are 20 ± 5.56
    expect([rebased(12, 'increase'), rebased(30, 'increase'), rebased(15, 'increase')]).toEqual(['consistent_pass', 'consistent_fail', 'inconsistent']);
    expect([rebased(12, 'decrease'), rebased(30, 'decrease'), rebased(15, 'decrease')]).toEqual(['consistent_fail', 'consistent_pass', 'inconsistent']);
  });

  it('is null without a target or for a neutral measure', () => {
    expect(rebased(undefined, 'increase')).toBeNull();
    expect(rebased(12, 'neutral')).toBeNull();
  });
});

describe('edge cases and warnings', () => {
  it('gives a constant series no limits and no special cause', () => {
    const r = spc([5, 5, 5, 5, 5, 5, 5, 5], { improvement: 'increase', target: 4 });
    expect(r.points[0]).toEqual({ value: 5, mean: 5, lpl: null, upl: null, type: C });
    expect(r.assurance).toBe('inconsistent');
    expect(r.warnings.join(' ')).toMatch(/no variation/);
    // without screening the zero moving range stands, so the limits sit on the mean
    expect(spc([5, 5, 5], { improvement: 'increase', screenOutliers: false }).points[0]).toMatchObject({ lpl: 5, upl: 5, type: C });
  });

  it('handles one point, and an empty series', () => {
    expect(spc([3], { improvement: 'decrease' })).toMatchObject({ points: [{ value: 3, mean: 3, lpl: null, upl: null, type: C }], variation: C });
    expect(spc([], { improvement: 'decrease' })).toMatchObject({ points: [], variation: null, assurance: null });
  });

  it('reports the latest point as the variation', () => {
    expect(spc([10, 12, 10, 12, 10, 12, 10, 12, 10, 12, 10, 12, 30], { improvement: 'decrease' }).variation).toBe(X);
  });

  it('warns of trial limits below 13 points in a segment, and of limits fixed on fewer than 12', () => {
    const twelve = Array.from({ length: 12 }, (_, i) => i % 3);
    expect(spc(twelve, { improvement: 'increase' }).warnings).toEqual([expect.stringMatching(/12 points: its limits are trial limits/)]);
    expect(spc([...twelve, 1], { improvement: 'increase' }).warnings).toEqual([]);
    expect(spc([...twelve, 1, 2], { improvement: 'increase', rebaseAt: [10] }).warnings.join(' ')).toMatch(/starting at point 0 has 10 points.*starting at point 10 has 4/);
    expect(spc([...twelve, 1, 2], { improvement: 'increase', fixAfterPoints: 5 }).warnings.join(' ')).toMatch(/fixed after 5 points/);
  });
});

describe('properties', () => {
  const series = fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 2, maxLength: 40 });

  it('puts the limits symmetrically around the mean', () => {
    fc.assert(fc.property(series, (values) => {
      for (const p of spc(values, { improvement: 'increase' }).points) {
        if (p.upl === null || p.lpl === null) continue;
        expect(p.upl - p.mean).toBeCloseTo(p.mean - p.lpl, 4);
        expect(p.lpl).toBeLessThanOrEqual(p.mean);
      }
    }));
  });

  it('finds only common cause in a constant series', () => {
    fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 }), fc.integer({ min: 1, max: 40 }), fc.boolean(),
      fc.constantFrom<Improvement>('increase', 'decrease', 'neutral'), (value, n, screenOutliers, improvement) => {
        const r = spc(Array(n).fill(value), { improvement, screenOutliers });
        expect(r.points.every((p) => p.type === C)).toBe(true);
      }));
  });

  it('mirrors exactly: turning the series upside down and the improvement direction round gives the same types', () => {
    fc.assert(fc.property(series, fc.boolean(), (values, screenOutliers) => {
      expect(types(values.map((v) => -v), 'decrease', { screenOutliers })).toEqual(types(values, 'increase', { screenOutliers }));
      const swap = (t: string) => t.replace(/high$/, 'LOW').replace(/low$/, 'high').replace('LOW', 'low');
      expect(types(values.map((v) => -v), 'neutral').map(swap)).toEqual(types(values, 'neutral'));
    }));
  });

  it('gives one point out per point in, with one mean per segment', () => {
    fc.assert(fc.property(series, fc.integer({ min: 0, max: 39 }), (values, cut) => {
      const r = spc(values, { improvement: 'increase', rebaseAt: cut < values.length ? [cut] : [] });
      expect(r.points.map((p) => p.value)).toEqual(values);
      expect(new Set(r.points.slice(0, Math.min(cut, values.length)).map((p) => p.mean)).size).toBeLessThanOrEqual(1);
      expect(new Set(r.points.slice(cut).map((p) => p.mean)).size).toBeLessThanOrEqual(1);
    }));
  });
});
