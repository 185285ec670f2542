import { describe, expect, it } from 'vitest';
import { parseOccurredAt } from '../population/service.js';
import { ageBandOn } from './age-band.js';

const bandOn = (dateOfBirth: string, observedAt: string) => ageBandOn(dateOfBirth, parseOccurredAt(observedAt)!).id;

describe('the PEWS chart a child is scored on: completed years on the day observed', () => {
  it('is 0-11 months from birth until the day before the first birthday, 1-4 years from that birthday', () => {
    expect(bandOn('2025-06-15', '2025-06-15T08:00:00Z')).toBe('0-11m');
    expect(bandOn('2025-06-15', '2026-06-14T23:00:00Z')).toBe('1-4y'); // 00:00 on 15 June in London (BST)
    expect(bandOn('2025-06-15', '2026-06-14T22:59:00Z')).toBe('0-11m');
    expect(bandOn('2025-06-15', '2026-06-15T09:00:00Z')).toBe('1-4y');
  });

  it('changes to 5-12 years on the fifth birthday and to 13 years and over on the thirteenth', () => {
    expect(bandOn('2020-03-10', '2025-03-09T12:00:00Z')).toBe('1-4y');
    expect(bandOn('2020-03-10', '2025-03-10T12:00:00Z')).toBe('5-12y');
    expect(bandOn('2010-09-01', '2023-08-31T12:00:00Z')).toBe('5-12y');
    expect(bandOn('2010-09-01', '2023-09-01T12:00:00Z')).toBe('13+y');
    expect(bandOn('2000-01-01', '2026-06-15T12:00:00Z')).toBe('13+y');
  });

  it('takes England\'s date in winter too (GMT), whatever offset the time was given with', () => {
    expect(bandOn('2021-01-15', '2026-01-14T23:30:00Z')).toBe('1-4y'); // still 14 January in London
    expect(bandOn('2021-01-15', '2026-01-15T00:30:00Z')).toBe('5-12y');
    expect(bandOn('2021-01-15', '2026-01-15T01:30:00+02:00')).toBe('1-4y'); // 23:30 GMT on the 14th
  });

  it('counts a 29 February birthday from 1 March in years without one', () => {
    expect(bandOn('2020-02-29', '2021-02-28T12:00:00Z')).toBe('0-11m');
    expect(bandOn('2020-02-29', '2021-03-01T12:00:00Z')).toBe('1-4y');
    expect(bandOn('2020-02-29', '2025-02-28T12:00:00Z')).toBe('1-4y');
    expect(bandOn('2020-02-29', '2025-03-01T12:00:00Z')).toBe('5-12y');
    expect(bandOn('2020-02-29', '2033-02-28T12:00:00Z')).toBe('5-12y');
    expect(bandOn('2020-02-29', '2033-03-01T12:00:00Z')).toBe('13+y');
    // In a leap year the birthday is the day itself.
    expect(bandOn('2019-02-28', '2024-02-28T12:00:00Z')).toBe('5-12y');
    expect(bandOn('2012-02-29', '2025-02-28T12:00:00Z')).toBe('5-12y');
    expect(bandOn('2012-02-29', '2025-03-01T12:00:00Z')).toBe('13+y');
  });

  it('refuses a time before the child was born', () => {
    expect(() => bandOn('2025-06-15', '2025-06-14T12:00:00Z')).toThrow(/before dateOfBirth/);
  });
});
