import { describe, expect, it } from 'vitest';
import { OrderedIds } from './ordered-ids.js';
import { Rng } from '../platform/random/seeded.js';

describe('OrderedIds', () => {
  it('makes UUIDv7-shaped ids that sort in the order they were made', () => {
    const ids = new OrderedIds(new Rng(1, 'x'));
    const made = Array.from({ length: 70_000 }, () => ids.next());
    for (const id of made.slice(0, 100)) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...made].sort()).toEqual(made);
    expect(new Set(made).size).toBe(made.length);
  });

  it('is the same for the same stream and differs between streams', () => {
    const a = new OrderedIds(new Rng(7, 'record-ids\u0000A'));
    const b = new OrderedIds(new Rng(7, 'record-ids\u0000A'));
    const c = new OrderedIds(new Rng(7, 'record-ids\u0000B'));
    const fromA = [a.next(), a.next()];
    expect([b.next(), b.next()]).toEqual(fromA);
    const fromC = [c.next(), c.next()];
    expect(fromC[0]).not.toBe(fromA[0]);
    expect(fromC[0].slice(0, 13)).toBe(fromA[0].slice(0, 13)); // same counter, different random part
  });
});
