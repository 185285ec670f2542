import { describe, expect, it } from 'vitest';
import { isTestRangeNhsNumber } from '../platform/identity/nhs-number.js';
import { NhsNumbers } from './nhs-numbers.js';
import { Rng } from '../platform/random/seeded.js';

describe('NhsNumbers', () => {
  it('gives unique, valid, test-range numbers in a scattered order', () => {
    const nhs = new NhsNumbers(new Rng(9));
    const seen = new Set<string>();
    let consecutive = 0;
    let previous = 0;
    for (let i = 0; i < 100_000; i++) {
      const n = nhs.next();
      if (!isTestRangeNhsNumber(n)) throw new Error(`bad NHS number ${n}`);
      seen.add(n);
      if (Math.abs(Number(n) - previous) < 100) consecutive++;
      previous = Number(n);
    }
    expect(seen.size).toBe(100_000);
    expect(consecutive).toBeLessThan(100);
  });

  it('repeats for the same seed', () => {
    const a = new NhsNumbers(new Rng(10));
    const b = new NhsNumbers(new Rng(10));
    expect(Array.from({ length: 50 }, () => a.next())).toEqual(Array.from({ length: 50 }, () => b.next()));
  });

  it('holds about 909,000 numbers, says how many are left, and refuses one more than it holds', () => {
    const nhs = new NhsNumbers(new Rng(11));
    const held = nhs.left;
    expect(held).toBeGreaterThan(900_000);
    expect(held).toBeLessThan(920_000);
    for (let i = 0; i < held; i++) nhs.next();
    expect(nhs.left).toBe(0);
    expect(() => nhs.next()).toThrow('the 999 test range has run out of NHS numbers');
  });
});
