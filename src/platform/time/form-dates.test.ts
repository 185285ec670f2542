import { describe, expect, it } from 'vitest';
import { addMonths, dateParts, londonDateAndTime, londonToUtc, readDateParts, readTime } from './form-dates.js';

describe('dates typed into the NHS date input', () => {
  it('reads a real date, and says what is missing or wrong', () => {
    expect(readDateParts({ day: '7', month: '3', year: '2024' }, 'Date given')).toEqual({ iso: '2024-03-07' });
    expect(readDateParts({ day: '', month: '', year: '' }, 'Date given')).toEqual({ iso: null });
    expect(readDateParts({ day: '7', month: '', year: '' }, 'Date given').error).toBe('Date given must include a month and a year');
    expect(readDateParts({ day: '29', month: '2', year: '2023' }, 'Date given').error).toBe('Date given must be a real date, for example 27 3 2024');
    expect(readDateParts({ day: '1', month: '1', year: '24' }, 'Date given').error).toContain('must be a real date');
    expect(readDateParts({ day: 'x', month: '1', year: '2024' }, 'Date given').error).toContain('must be a real date');
    expect(dateParts('2024-03-07')).toEqual({ day: '7', month: '3', year: '2024' });
  });

  it('reads London wall-clock time into UTC across the clock changes', () => {
    expect(londonToUtc('2026-01-15', 14, 5)).toBe('2026-01-15T14:05:00Z');
    expect(londonToUtc('2026-07-15', 14, 5)).toBe('2026-07-15T13:05:00Z');
    expect(londonToUtc('2026-03-29', 0, 30)).toBe('2026-03-29T00:30:00Z');
    expect(londonToUtc('2026-03-29', 3, 0)).toBe('2026-03-29T02:00:00Z');
    expect(londonDateAndTime('2026-07-15T23:30:00Z')).toEqual({ date: '2026-07-16', time: '00:30' });
    expect(readTime('14:05')).toEqual({ hour: 14, minute: 5 });
    expect(readTime('0905')).toEqual({ hour: 9, minute: 5 });
    expect(readTime('25:00')).toBeNull();
    expect(readTime('noon')).toBeNull();
  });

  it('moves by months, keeping to the end of a short month', () => {
    expect(addMonths('2026-11-23', -12)).toBe('2025-11-23');
    expect(addMonths('2026-08-31', -6)).toBe('2026-02-28');
    expect(addMonths('2024-03-31', -1)).toBe('2024-02-29');
  });
});
