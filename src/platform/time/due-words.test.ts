import { describe, expect, it } from 'vitest';
import { dateWithWeekday, dueInWords } from './due-words.js';
import { londonToday } from './form-dates.js';

describe('when something is due, in words', () => {
  it('says today, tomorrow, the weekday and date, or how many days overdue', () => {
    expect(dueInWords('2026-11-30', '2026-11-30')).toBe('due today');
    expect(dueInWords('2026-12-01', '2026-11-30')).toBe('due tomorrow');
    expect(dueInWords('2026-12-01', '2026-11-29')).toBe('due on Tuesday 1 December 2026');
    expect(dueInWords('2026-11-29', '2026-11-30')).toBe('1 day overdue');
    expect(dueInWords('2026-11-28', '2026-11-30')).toBe('2 days overdue');
    // Across a year's end and a leap day, by calendar days.
    expect(dueInWords('2027-01-01', '2026-12-31')).toBe('due tomorrow');
    expect(dueInWords('2028-02-28', '2028-03-01')).toBe('2 days overdue');
  });

  it('counts London days: late evening in summer is already tomorrow in London', () => {
    // 23:30 UTC on 30 June is 00:30 on 1 July in London (BST).
    const today = londonToday(new Date('2026-06-30T23:30:00Z'));
    expect(today).toBe('2026-07-01');
    expect(dueInWords('2026-07-01', today)).toBe('due today');
    expect(dueInWords('2026-06-30', londonToday(new Date('2026-12-30T23:30:00Z')))).toMatch(/overdue/);
  });

  it('writes a date with its weekday and no comma', () => {
    expect(dateWithWeekday('2026-12-07')).toBe('Monday 7 December 2026');
  });
});
