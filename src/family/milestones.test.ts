import { describe, expect, it } from 'vitest';
import { birthday, milestones, yearsOld } from './milestones.js';

describe('age milestones of family access', () => {
  it('counts whole years, turning a year older on the birthday itself', () => {
    expect(yearsOld('2010-06-15', '2026-06-14')).toBe(15);
    expect(yearsOld('2010-06-15', '2026-06-15')).toBe(16);
    expect(yearsOld('2010-06-15', '2026-12-31')).toBe(16);
  });

  it('a 29 February birthday comes on 1 March in a year without one, and on 29 February in a leap year', () => {
    expect(birthday('2012-02-29', 16)).toBe('2028-02-29');
    expect(birthday('2012-02-29', 13)).toBe('2025-03-01');
    expect(yearsOld('2012-02-29', '2025-02-28')).toBe(12);
    expect(yearsOld('2012-02-29', '2025-03-01')).toBe(13);
    expect(yearsOld('2012-02-29', '2028-02-29')).toBe(16);
  });

  it('lists the reviews still to come: the ICS’s review age, 16 and 18', () => {
    expect(milestones('2012-05-01', 12, '2025-01-01')).toEqual([
      { name: '12th birthday', on: '2024-05-01', what: expect.any(String) },
      { name: '16th birthday', on: '2028-05-01', what: 'Proxy access pauses unless the young person agrees to it.' },
      { name: '18th birthday', on: '2030-05-01', what: 'Proxy access ends.' },
    ].filter((m) => m.on >= '2025-01-01'));
    expect(milestones('2012-05-01', 13, '2025-05-01').map((m) => m.on)).toEqual(['2025-05-01', '2028-05-01', '2030-05-01']);
  });
});
