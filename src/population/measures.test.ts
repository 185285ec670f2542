import { describe, expect, it } from 'vitest';
import { AGE_BANDS, COUNTED_BIRTHDAYS, MEASURES, ageBandSql } from './measures.js';

describe('measures', () => {
  it('names, for every event count, the event types its test can match (rewrites read only those)', () => {
    for (const m of MEASURES.filter((x) => x.kind === 'events')) {
      const tested = [...m.where.matchAll(/e\.type = '([a-z-]+)'/g)].map((t) => t[1]);
      expect([m.key, [...new Set(tested)].sort()]).toEqual([m.key, [...(m.types ?? [])].sort()]);
    }
  });

  it('counts a child again at the start of each age band and at each age limit of a cohort, and no other birthday', () => {
    expect(COUNTED_BIRTHDAYS).toEqual([1, 5, 10, 15]);
    expect(ageBandSql('a')).toBe(`CASE WHEN a < 1 THEN 'under 1' WHEN a < 5 THEN '1 to 4' WHEN a < 10 THEN '5 to 9' WHEN a < 15 THEN '10 to 14' ELSE '15 to 17' END`);
    expect(AGE_BANDS).toHaveLength(5);
  });
});
