import { describe, expect, it } from 'vitest';
import { assignDeciles } from './deprivation.js';
import { Rng } from '../platform/random/seeded.js';
import { clusterSizes, placeCount, practiceCount, split } from './sizing.js';

describe('sizing', () => {
  it('splits every possible practice count into hubs of 4–6', () => {
    const rng = new Rng(5);
    for (let children = 100; children <= 600_000; children += children < 50_000 ? 500 : 25_000) {
      const n = practiceCount(children);
      const sizes = clusterSizes(n, rng);
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(n);
      for (const s of sizes) expect(s >= 4 && s <= 6).toBe(true);
      const places = placeCount(children, sizes.length);
      expect(places).toBeGreaterThanOrEqual(1);
      expect(places).toBeLessThanOrEqual(Math.min(5, sizes.length));
    }
  });

  it('keeps demo-sized ICSs to one place of 2–3 hubs', () => {
    const sizes = clusterSizes(practiceCount(20_000), new Rng(6));
    expect(sizes.length).toBeGreaterThanOrEqual(2);
    expect(sizes.length).toBeLessThanOrEqual(3);
    expect(placeCount(20_000, sizes.length)).toBe(1);
    expect(placeCount(500_000, 50)).toBe(5);
  });

  it('splits totals exactly, respecting the minimum', () => {
    const rng = new Rng(7);
    for (const [total, parts] of [[20_000, 10], [7, 7], [100, 4], [1234, 9]]) {
      const out = split(total, parts, rng, 0.4, 1);
      expect(out.reduce((a, b) => a + b, 0)).toBe(total);
      expect(Math.min(...out)).toBeGreaterThanOrEqual(1);
    }
  });

  it('gives about a fifth of children Core20 deciles whatever the scores', () => {
    const rng = new Rng(8);
    const areas = Array.from({ length: 80 }, () => ({ score: rng.normal() * 3 + 5, children: rng.int(150, 350), decile: 0 }));
    assignDeciles(areas);
    const total = areas.reduce((a, x) => a + x.children, 0);
    const core20 = areas.filter((a) => a.decile <= 2).reduce((a, x) => a + x.children, 0) / total;
    expect(core20).toBeGreaterThan(0.17);
    expect(core20).toBeLessThan(0.23);
    const lowest = areas.reduce((a, b) => (b.score < a.score ? b : a));
    expect(lowest.decile).toBe(1);
  });
});
