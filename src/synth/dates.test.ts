import { describe, expect, it } from 'vitest';
import { ageOn, civilFromDays, daysFromCivil, earliestBirthUnder, isoDate, parseIsoDate } from './dates.js';

describe('calendar days', () => {
  it('agrees with Date for every day over a few centuries', () => {
    for (let days = -50_000; days < 50_000; days += 37) {
      const expected = new Date(days * 86_400_000).toISOString().slice(0, 10);
      expect(isoDate(days)).toBe(expected);
      const [y, m, d] = civilFromDays(days);
      expect(daysFromCivil(y, m, d)).toBe(days);
    }
  });

  it('parses only real ISO dates', () => {
    expect(isoDate(parseIsoDate('2026-11-23'))).toBe('2026-11-23');
    expect(() => parseIsoDate('2026-02-30')).toThrow();
    expect(() => parseIsoDate('23/11/2026')).toThrow();
  });

  it('counts completed years of age', () => {
    const today = parseIsoDate('2026-11-23');
    expect(ageOn(parseIsoDate('2008-11-23'), today)).toBe(18);
    expect(ageOn(parseIsoDate('2008-11-24'), today)).toBe(17);
    expect(ageOn(parseIsoDate('2026-11-23'), today)).toBe(0);
  });

  it('finds the earliest birth date still under 18', () => {
    const today = parseIsoDate('2026-11-23');
    expect(isoDate(earliestBirthUnder(18, today))).toBe('2008-11-24');
    const leapDay = parseIsoDate('2028-02-29');
    const earliest = earliestBirthUnder(18, leapDay);
    expect(ageOn(earliest, leapDay)).toBe(17);
    expect(ageOn(earliest - 1, leapDay)).toBe(18);
  });
});
