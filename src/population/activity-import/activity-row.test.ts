import { describe, expect, it } from 'vitest';
import { ageOn, checkRow, isSummerTime, londonDate, londonWallToUtc, parseOccurredAt, readHeader, type ColumnIndex } from './activity-row.js';

const NOW = Date.parse('2026-10-01T00:00:00Z');
const HEADER = ['source_id', 'nhs_number', 'type', 'occurred_at', 'practice_ods', 'organisation_ods', 'reason', 'emergency', 'bed_days', 'first_attendance'];
const columns = readHeader(HEADER) as ColumnIndex;
const row = (over: Partial<Record<string, string>>) => HEADER.map((h) => over[h] ?? '');
const base = { source_id: 'A1', nhs_number: '9990000018', type: 'ed', occurred_at: '2025-03-14T09:30:00Z' };

describe('England\'s clock by rule', () => {
  const intl = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const london = (ms: number) => {
    const p = Object.fromEntries(intl.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
    return { date: `${p.year}-${p.month}-${p.day}`, offset: Math.round((Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute) - ms) / 60_000) };
  };

  it('agrees with the time zone database every half hour around each change, 2000 to 2040', () => {
    for (let year = 2000; year <= 2040; year++) {
      for (const month of [2, 9]) {
        const start = Date.UTC(year, month, 24);
        for (let ms = start; ms < start + 9 * 24 * 3_600_000; ms += 1_800_000) {
          const want = london(ms);
          expect({ date: londonDate(ms), offset: isSummerTime(ms) ? 60 : 0 }, new Date(ms).toISOString()).toEqual(want);
        }
      }
    }
  });

  it('reads London wall-clock times, the later one when the clocks go back', () => {
    expect(new Date(londonWallToUtc(Date.UTC(2025, 5, 30, 23, 30))).toISOString()).toBe('2025-06-30T22:30:00.000Z');
    expect(new Date(londonWallToUtc(Date.UTC(2025, 0, 15, 9, 0))).toISOString()).toBe('2025-01-15T09:00:00.000Z');
    // 26 October 2025: 01:30 happens twice (BST, then GMT).
    expect(new Date(londonWallToUtc(Date.UTC(2025, 9, 26, 1, 30))).toISOString()).toBe('2025-10-26T01:30:00.000Z');
    // 30 March 2025: 01:30 never happens; read as GMT (02:30 BST).
    expect(new Date(londonWallToUtc(Date.UTC(2025, 2, 30, 1, 30))).toISOString()).toBe('2025-03-30T01:30:00.000Z');
  });
});

describe('occurred_at', () => {
  const iso = (t: string) => {
    const ms = parseOccurredAt(t);
    return ms === null ? null : new Date(ms).toISOString();
  };

  it('takes ISO 8601 with Z or an offset, a London local time, or a date alone', () => {
    expect(iso('2025-03-14T09:30:00Z')).toBe('2025-03-14T09:30:00.000Z');
    expect(iso('2025-03-14T09:30:00.250z')).toBe('2025-03-14T09:30:00.250Z');
    expect(iso('2025-07-14T09:30:00+01:00')).toBe('2025-07-14T08:30:00.000Z');
    expect(iso('2025-07-14T09:30-0230')).toBe('2025-07-14T12:00:00.000Z');
    expect(iso('2025-07-14T09:30+05')).toBe('2025-07-14T04:30:00.000Z');
    expect(iso('2025-07-14 09:30')).toBe('2025-07-14T08:30:00.000Z');
    expect(iso('2025-01-14T09:30:15')).toBe('2025-01-14T09:30:15.000Z');
    expect(iso('2025-07-14')).toBe('2025-07-13T23:00:00.000Z');
  });

  it('refuses what is not a real date-time', () => {
    for (const t of ['2025-02-29T10:00:00Z', '2025-13-01', '2025-01-32', '2025-01-01T24:00', '2025-01-01T10:60', '14/03/2025', '2025-03-14T09:30:00+15:00', 'yesterday', '2025-3-4'])
      expect(parseOccurredAt(t), t).toBeNull();
    expect(iso('2024-02-29T10:00:00Z')).toBe('2024-02-29T10:00:00.000Z');
  });
});

describe('the header', () => {
  it('names what is missing, unknown or repeated', () => {
    expect(readHeader(['Source_ID ', 'nhs_number', 'type', 'occurred_at'])).toMatchObject({ source_id: 0, occurred_at: 3, reason: -1 });
    expect(readHeader(['source_id', 'nhs_number', 'type'])).toMatch(/^The header has no 'occurred_at' column\./);
    expect(readHeader(['source_id', 'type'])).toMatch(/^The header has no 'nhs_number', 'occurred_at' columns\./);
    expect(readHeader([...HEADER, 'practise_ods'])).toMatch(/Unknown column in the header: 'practise_ods'/);
    expect(readHeader([...HEADER, 'type'])).toMatch(/'type \(twice\)'/);
  });
});

describe('a row on its own', () => {
  it('gives the values to store, with the month and day on England\'s clock', () => {
    expect(checkRow(row({ ...base, occurred_at: '2025-03-31T23:30:00Z', reason: '195967001', practice_ods: 'a81001' }), columns, NOW)).toEqual({
      sourceId: 'A1', nhsNumber: '9990000018', type: 'ed', occurredAt: '2025-03-31T23:30:00.000Z', localDate: '2025-04-01', month: '2025-04-01',
      practiceOds: 'A81001', organisationOds: null, reasonCode: 'asthma', emergency: null, bedDays: null, firstAttendance: null,
    });
    expect(checkRow(row({ ...base, type: 'Admission', emergency: 'yes', bed_days: '3', nhs_number: '999 000 0018' }), columns, NOW)).toMatchObject({
      type: 'admission', emergency: true, bedDays: 3, nhsNumber: '9990000018',
    });
    expect(checkRow(row({ ...base, type: 'outpatient', first_attendance: 'FALSE', reason: 'Asthma' }), columns, NOW)).toMatchObject({ firstAttendance: false, reasonCode: 'asthma' });
    expect(checkRow(row({ ...base, type: 'prescription', reason: 'reliever' }), columns, NOW)).toMatchObject({ type: 'prescription', reasonCode: 'reliever' });
  });

  it('gives every reason a row cannot be taken, naming the column', () => {
    const why = (over: Partial<Record<string, string>>) => checkRow(row({ ...base, ...over }), columns, NOW) as string[];
    expect(why({ source_id: '' })).toEqual([expect.stringMatching(/^source_id is empty/)]);
    expect(why({ source_id: 'x'.repeat(201) })).toEqual(['source_id is longer than 200 characters']);
    expect(why({ nhs_number: '9990000019' })).toEqual([expect.stringMatching(/^nhs_number '9990000019' is not a valid NHS number/)]);
    expect(why({ type: 'xray' })).toEqual([expect.stringMatching(/^type 'xray' is not one of ed, admission/)]);
    expect(why({ occurred_at: '2026-10-02T00:00:00Z' })).toEqual(["occurred_at '2026-10-02T00:00:00Z' is in the future"]);
    expect(why({ occurred_at: '14/03/2025' })).toEqual([expect.stringMatching(/^occurred_at '14\/03\/2025' is not an ISO 8601 date-time/)]);
    expect(why({ practice_ods: 'A-1' })).toEqual([expect.stringMatching(/^practice_ods 'A-1' is not an ODS code/)]);
    expect(why({ reason: 'sniffles' })).toEqual([expect.stringMatching(/^reason 'sniffles' is neither a key nor a SNOMED code/)]);
    expect(why({ emergency: 'true' })).toEqual(['emergency is only for admissions (this row is ed)']);
    expect(why({ bed_days: '2' })).toEqual(['bed_days is only for admissions (this row is ed)']);
    expect(why({ first_attendance: 'no' })).toEqual(['first_attendance is only for outpatients (this row is ed)']);
    expect(why({ type: 'admission' })).toEqual(['emergency is required for an admission: true or false']);
    expect(why({ type: 'admission', emergency: 'maybe', bed_days: '400' })).toEqual([
      "emergency 'maybe' must be true or false", "bed_days '400' must be a whole number from 0 to 365",
    ]);
    expect(why({ type: 'outpatient' })).toEqual(['first_attendance is required for an outpatient: true or false']);
    expect(why({ source_id: '', nhs_number: '', type: '', occurred_at: '' })).toHaveLength(4);
  });
});

describe('age on the day', () => {
  it('counts completed years, a 29 February birthday turning on 1 March in a common year', () => {
    expect(ageOn('2020-06-15', '2025-06-14')).toBe(4);
    expect(ageOn('2020-06-15', '2025-06-15')).toBe(5);
    expect(ageOn('2024-02-29', '2025-02-28')).toBe(0);
    expect(ageOn('2024-02-29', '2025-03-01')).toBe(1);
    expect(ageOn('2025-01-01', '2025-01-01')).toBe(0);
  });
});
