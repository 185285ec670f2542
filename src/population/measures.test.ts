import { describe, expect, it } from 'vitest';
import { MEASURES } from './measures.js';

describe('measures', () => {
  it('names, for every event count, the event types its test can match (rewrites read only those)', () => {
    for (const m of MEASURES.filter((x) => x.kind === 'events')) {
      const tested = [...m.where.matchAll(/e\.type = '([a-z-]+)'/g)].map((t) => t[1]);
      expect([m.key, [...new Set(tested)].sort()]).toEqual([m.key, [...(m.types ?? [])].sort()]);
    }
  });
});
