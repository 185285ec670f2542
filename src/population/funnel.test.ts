import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { funnelCurve, funnelLimits, funnelPosition, gammaP, gammaQuantile, normalQuantile, poissonInterval, wilsonInterval } from './funnel.js';

describe('normal quantiles', () => {
  it('gives the familiar z values', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 6);
    expect(normalQuantile(0.999)).toBeCloseTo(3.090232, 6);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 6);
    expect(() => normalQuantile(1)).toThrow(RangeError);
  });
});

describe('the gamma distribution', () => {
  it('matches known values of P(a, x)', () => {
    expect(gammaP(1, 1)).toBeCloseTo(1 - Math.exp(-1), 12);
    expect(gammaP(10, 10)).toBeCloseTo(0.5420702855281478, 10);
    expect(gammaP(0.5, 2)).toBeCloseTo(0.9544997361036416, 10); // erf(√2)
    expect(gammaP(3, 0)).toBe(0);
  });

  it('inverts P(a, x)', () => {
    fc.assert(fc.property(fc.double({ min: 0.05, max: 5000, noNaN: true }), fc.double({ min: 0.0005, max: 0.9995, noNaN: true }), (a, p) => {
      expect(gammaP(a, gammaQuantile(p, a))).toBeCloseTo(p, 9);
    }));
  });
});

describe('exact Poisson limits', () => {
  it('gives the published Garwood intervals', () => {
    const [low, high] = poissonInterval(10, 0.95);
    expect(low).toBeCloseTo(4.795, 3);
    expect(high).toBeCloseTo(18.390, 3);
    // 0 events: the lower limit is 0, the upper −ln(0.025).
    expect(poissonInterval(0, 0.95)).toEqual([0, expect.closeTo(3.6889, 4)]);
    const [l1, h1] = poissonInterval(1, 0.95);
    expect(l1).toBeCloseTo(0.0253, 4);
    expect(h1).toBeCloseTo(5.5716, 4);
    // 100 events at 99.8%: χ²(0.001, 200)/2 and χ²(0.999, 202)/2 (scipy.stats.chi2.ppf).
    const [l100, h100] = poissonInterval(100, 0.998);
    expect(l100).toBeCloseTo(71.92140, 4);
    expect(h100).toBeCloseTo(134.92432, 4);
  });
});

describe('Wilson score limits', () => {
  it('gives the published intervals', () => {
    const [low, high] = wilsonInterval(0.5, 100, 0.95);
    expect(low).toBeCloseTo(0.4038, 4);
    expect(high).toBeCloseTo(0.5962, 4);
    const [l0, h0] = wilsonInterval(0, 20, 0.95);
    expect(l0).toBe(0);
    expect(h0).toBeCloseTo(0.1611, 4);
  });
});

describe('funnel limits', () => {
  it('narrow as the denominator grows and always hold the target, the 99.8% funnel outside the 95%', () => {
    for (const kind of ['poisson', 'binomial'] as const) {
      fc.assert(fc.property(fc.double({ min: 0.001, max: 0.9, noNaN: true }), fc.double({ min: 5, max: 1e5, noNaN: true }), (target, n) => {
        const a = funnelLimits(kind, target, n)!;
        const b = funnelLimits(kind, target, n * 4)!;
        expect(a.lower998).toBeLessThanOrEqual(a.lower95);
        expect(a.lower95).toBeLessThanOrEqual(target);
        expect(a.upper95).toBeGreaterThanOrEqual(target);
        expect(a.upper998).toBeGreaterThanOrEqual(a.upper95);
        expect(b.upper998 - b.lower998).toBeLessThan(a.upper998 - a.lower998);
      }));
    }
  });

  it('puts a rate on a Poisson funnel by its count', () => {
    // 10 expected events (a rate of 0.01 over 1,000): 95% limits 4.80 to 18.39 events.
    const limits = funnelLimits('poisson', 0.01, 1000)!;
    expect(limits.lower95 * 1000).toBeCloseTo(4.795, 3);
    expect(limits.upper95 * 1000).toBeCloseTo(18.39, 2);
    expect(funnelPosition('poisson', 0.01, 10, 1000)).toBe('within');
    expect(funnelPosition('poisson', 0.01, 19, 1000)).toBe('above-inner');
    expect(funnelPosition('poisson', 0.01, 30, 1000)).toBe('above-outer');
    expect(funnelPosition('poisson', 0.01, 4, 1000)).toBe('below-inner');
    expect(funnelPosition('poisson', 0.01, 0, 1000)).toBe('below-outer');
    expect(funnelPosition('poisson', 0.01, 3, 0)).toBeNull();
  });

  it('puts a proportion on a binomial funnel', () => {
    expect(funnelPosition('binomial', 0.5, 50, 100)).toBe('within');
    expect(funnelPosition('binomial', 0.5, 61, 100)).toBe('above-inner');
    expect(funnelPosition('binomial', 0.5, 70, 100)).toBe('above-outer');
    expect(funnelPosition('binomial', 0.5, 38, 100)).toBe('below-inner');
    expect(funnelPosition('binomial', 0.5, 35, 100)).toBe('below-outer');
  });

  it('draws curves from the smallest to the largest denominator', () => {
    const curve = funnelCurve('poisson', 0.03, 100, 10_000, 5);
    expect(curve.map((c) => Math.round(c.n))).toEqual([100, 316, 1000, 3162, 10000]);
    expect(funnelCurve('binomial', 0.2, 50, 50)).toHaveLength(1);
    expect(funnelCurve('binomial', 0.2, 0, 50)).toEqual([]);
  });
});
