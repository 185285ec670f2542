import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isSmallNumber, shownCounts } from './suppression.js';

describe('small-number suppression', () => {
  it('counts 1 to 7 as small, not 0 or 8', () => {
    expect([0, 1, 7, 7.5, 8, 250].map(isSmallNumber)).toEqual([false, true, true, false, false, false]);
    expect(isSmallNumber(0.5)).toBe(true);
  });

  it('shows a small numerator as "1 to 7" and withholds the rate', () => {
    expect(shownCounts({ numerator: 3, denominator: 1200, value: 30 }, true)).toEqual({ numerator: '1 to 7', denominator: 1200, value: null, suppressed: true });
  });

  it('shows a small denominator as "1 to 7" and withholds the rate', () => {
    expect(shownCounts({ numerator: 0, denominator: 5, value: 0 }, true)).toEqual({ numerator: 0, denominator: '1 to 7', value: null, suppressed: true });
    expect(shownCounts({ numerator: 9, denominator: 4, value: 2250 }, true)).toEqual({ numerator: 9, denominator: '1 to 7', value: null, suppressed: true });
  });

  it('shows zero and counts of 8 or more as they are', () => {
    expect(shownCounts({ numerator: 0, denominator: 800, value: 0 }, true)).toEqual({ numerator: 0, denominator: 800, value: 0, suppressed: false });
    expect(shownCounts({ numerator: 8, denominator: 8, value: 100 }, true)).toEqual({ numerator: 8, denominator: 8, value: 100, suppressed: false });
  });

  it('changes nothing for a reader who may see small numbers', () => {
    fc.assert(fc.property(fc.nat(100), fc.nat(100), (numerator, denominator) => {
      const value = denominator ? numerator / denominator : null;
      expect(shownCounts({ numerator, denominator, value }, false)).toEqual({ numerator, denominator, value, suppressed: false });
    }));
  });

  it('never lets a count of 1 to 7 through, nor a rate made from one', () => {
    fc.assert(fc.property(fc.nat(20), fc.nat(20), (numerator, denominator) => {
      const shown = shownCounts({ numerator, denominator, value: denominator ? numerator / denominator : null }, true);
      for (const n of [shown.numerator, shown.denominator]) if (typeof n === 'number') expect(isSmallNumber(n)).toBe(false);
      if (isSmallNumber(numerator) || isSmallNumber(denominator)) expect(shown.value).toBeNull();
    }));
  });
});
