import { describe, expect, it } from 'vitest';
import { hash32, Rng } from './seeded.js';

describe('Rng', () => {
  it('repeats for the same seed and stream, and differs across streams', () => {
    const a = new Rng(42, 'x');
    const b = new Rng(42, 'x');
    const c = new Rng(42, 'y');
    const seqA = Array.from({ length: 20 }, () => a.u32());
    expect(Array.from({ length: 20 }, () => b.u32())).toEqual(seqA);
    expect(Array.from({ length: 20 }, () => c.u32())).not.toEqual(seqA);
  });

  it('draws floats in [0, 1) with a sensible mean', () => {
    const r = new Rng(1);
    let sum = 0;
    let outside = 0;
    for (let i = 0; i < 100_000; i++) {
      const x = r.next();
      if (x < 0 || x >= 1) outside++;
      sum += x;
    }
    expect(outside).toBe(0);
    expect(sum / 100_000).toBeCloseTo(0.5, 2);
  });

  it('draws normals with mean 0 and sd 1', () => {
    const r = new Rng(2);
    const xs = Array.from({ length: 50_000 }, () => r.normal());
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / xs.length);
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(sd).toBeCloseTo(1, 1);
  });

  it('keeps int() within bounds and weighted() proportional', () => {
    const r = new Rng(3);
    const counts = [0, 0, 0];
    const ints = new Set<number>();
    for (let i = 0; i < 30_000; i++) {
      ints.add(r.int(5, 7));
      counts[r.weighted([1, 2, 7])]++;
    }
    expect([...ints].sort()).toEqual([5, 6, 7]);
    expect(counts[2] / 30_000).toBeCloseTo(0.7, 1);
    expect(counts[0] / 30_000).toBeCloseTo(0.1, 1);
  });

  it('makes version-4-shaped UUIDs', () => {
    const r = new Rng(4);
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const id = r.uuid();
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      seen.add(id);
    }
    expect(seen.size).toBe(1000);
  });

  it('hashes strings stably', () => {
    expect(hash32('joinery')).toBe(hash32('joinery'));
    expect(hash32('joinery')).not.toBe(hash32('Joinery'));
  });
});
