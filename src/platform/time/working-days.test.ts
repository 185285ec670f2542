import { describe, expect, it } from 'vitest';
import { addWorkingDays, bankHolidaysBetween, isWorkingDay, workingDaysBetween } from './working-days.js';

describe('working days in England and Wales', () => {
  it('knows the bank holidays, including substitute days and one-off days', () => {
    for (const day of ['2026-01-01', '2026-04-03', '2026-04-06', '2026-05-04', '2026-05-25', '2026-08-31', '2026-12-25', '2026-12-28',
      '2020-05-08', '2022-06-03', '2022-09-19', '2023-05-08', '2021-12-27', '2021-12-28', '2022-12-26', '2022-12-27']) {
      expect(isWorkingDay(day), day).toBe(false);
    }
    // Boxing Day 2026 is a Saturday: the holiday moves to Monday 28th; Saturday itself is not a working day either way.
    expect(isWorkingDay('2026-12-24')).toBe(true);
    expect(isWorkingDay('2020-05-04')).toBe(true); // the 2020 early May holiday moved to Friday 8th
    expect(bankHolidaysBetween('2026-12-01', '2026-12-31').map((h) => h.date)).toEqual(['2026-12-25', '2026-12-28']);
  });

  it('adds working days across weekends and bank holidays', () => {
    expect(addWorkingDays('2026-11-20', 2)).toBe('2026-11-24'); // Friday + 2 → Tuesday
    expect(addWorkingDays('2026-12-24', 1)).toBe('2026-12-29'); // over Christmas, the weekend and the Boxing Day substitute
    expect(addWorkingDays('2026-04-02', 1)).toBe('2026-04-07'); // over Easter
    expect(addWorkingDays('2026-11-23', 0)).toBe('2026-11-23');
  });

  it('counts working days waited', () => {
    expect(workingDaysBetween('2026-11-20', '2026-11-24')).toBe(2);
    expect(workingDaysBetween('2026-12-24', '2026-12-29')).toBe(1);
    expect(workingDaysBetween('2026-11-24', '2026-11-20')).toBe(0);
    for (const [from, n] of [['2026-03-30', 3], ['2026-12-21', 7], ['2027-05-28', 5]] as const) {
      expect(workingDaysBetween(from, addWorkingDays(from, n))).toBe(n);
    }
  });

  it('refuses dates the data does not cover rather than guess', () => {
    expect(() => isWorkingDay('2040-01-02')).toThrow(/add the year to the data/);
  });
});
